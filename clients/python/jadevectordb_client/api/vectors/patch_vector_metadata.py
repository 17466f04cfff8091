from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.patch_vector_metadata_body import PatchVectorMetadataBody
from ...models.patch_vector_metadata_response_200 import PatchVectorMetadataResponse200
from ...models.patch_vector_metadata_response_400 import PatchVectorMetadataResponse400
from ...models.patch_vector_metadata_response_404 import PatchVectorMetadataResponse404
from ...models.patch_vector_metadata_response_409 import PatchVectorMetadataResponse409
from ...models.patch_vector_metadata_response_413 import PatchVectorMetadataResponse413
from ...models.patch_vector_metadata_response_503 import PatchVectorMetadataResponse503
from ...models.patch_vector_metadata_response_504 import PatchVectorMetadataResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    id: str,
    *,
    body: PatchVectorMetadataBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/databases/{db}/vectors/{id}".format(
            db=quote(str(db), safe=""),
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    PatchVectorMetadataResponse200
    | PatchVectorMetadataResponse400
    | PatchVectorMetadataResponse404
    | PatchVectorMetadataResponse409
    | PatchVectorMetadataResponse413
    | PatchVectorMetadataResponse503
    | PatchVectorMetadataResponse504
    | None
):
    if response.status_code == 200:
        response_200 = PatchVectorMetadataResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = PatchVectorMetadataResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = PatchVectorMetadataResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = PatchVectorMetadataResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = PatchVectorMetadataResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = PatchVectorMetadataResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = PatchVectorMetadataResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    PatchVectorMetadataResponse200
    | PatchVectorMetadataResponse400
    | PatchVectorMetadataResponse404
    | PatchVectorMetadataResponse409
    | PatchVectorMetadataResponse413
    | PatchVectorMetadataResponse503
    | PatchVectorMetadataResponse504
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchVectorMetadataBody,
) -> Response[
    PatchVectorMetadataResponse200
    | PatchVectorMetadataResponse400
    | PatchVectorMetadataResponse404
    | PatchVectorMetadataResponse409
    | PatchVectorMetadataResponse413
    | PatchVectorMetadataResponse503
    | PatchVectorMetadataResponse504
]:
    """Replace a vector’s metadata, keeping its values.

     An atomic read-modify-write: the server reads the vector at `strong` consistency and writes its
    values with the new metadata as one record, because the log is compacted and the newest record under
    an id must carry its whole state. Under a concurrent write of the same id the order in the log
    decides: an upsert or delete that lands before the patch keeps its values (or stays deleted) and
    gets the patch’s metadata; one that lands after it replaces everything. A patch never brings back
    values that an upsert replaced, and the result survives compaction and replays on every replica. 404
    when the id is absent at the read.

    Args:
        db (str):
        id (str):
        body (PatchVectorMetadataBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PatchVectorMetadataResponse200 | PatchVectorMetadataResponse400 | PatchVectorMetadataResponse404 | PatchVectorMetadataResponse409 | PatchVectorMetadataResponse413 | PatchVectorMetadataResponse503 | PatchVectorMetadataResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchVectorMetadataBody,
) -> (
    PatchVectorMetadataResponse200
    | PatchVectorMetadataResponse400
    | PatchVectorMetadataResponse404
    | PatchVectorMetadataResponse409
    | PatchVectorMetadataResponse413
    | PatchVectorMetadataResponse503
    | PatchVectorMetadataResponse504
    | None
):
    """Replace a vector’s metadata, keeping its values.

     An atomic read-modify-write: the server reads the vector at `strong` consistency and writes its
    values with the new metadata as one record, because the log is compacted and the newest record under
    an id must carry its whole state. Under a concurrent write of the same id the order in the log
    decides: an upsert or delete that lands before the patch keeps its values (or stays deleted) and
    gets the patch’s metadata; one that lands after it replaces everything. A patch never brings back
    values that an upsert replaced, and the result survives compaction and replays on every replica. 404
    when the id is absent at the read.

    Args:
        db (str):
        id (str):
        body (PatchVectorMetadataBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PatchVectorMetadataResponse200 | PatchVectorMetadataResponse400 | PatchVectorMetadataResponse404 | PatchVectorMetadataResponse409 | PatchVectorMetadataResponse413 | PatchVectorMetadataResponse503 | PatchVectorMetadataResponse504
    """

    return sync_detailed(
        db=db,
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchVectorMetadataBody,
) -> Response[
    PatchVectorMetadataResponse200
    | PatchVectorMetadataResponse400
    | PatchVectorMetadataResponse404
    | PatchVectorMetadataResponse409
    | PatchVectorMetadataResponse413
    | PatchVectorMetadataResponse503
    | PatchVectorMetadataResponse504
]:
    """Replace a vector’s metadata, keeping its values.

     An atomic read-modify-write: the server reads the vector at `strong` consistency and writes its
    values with the new metadata as one record, because the log is compacted and the newest record under
    an id must carry its whole state. Under a concurrent write of the same id the order in the log
    decides: an upsert or delete that lands before the patch keeps its values (or stays deleted) and
    gets the patch’s metadata; one that lands after it replaces everything. A patch never brings back
    values that an upsert replaced, and the result survives compaction and replays on every replica. 404
    when the id is absent at the read.

    Args:
        db (str):
        id (str):
        body (PatchVectorMetadataBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PatchVectorMetadataResponse200 | PatchVectorMetadataResponse400 | PatchVectorMetadataResponse404 | PatchVectorMetadataResponse409 | PatchVectorMetadataResponse413 | PatchVectorMetadataResponse503 | PatchVectorMetadataResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchVectorMetadataBody,
) -> (
    PatchVectorMetadataResponse200
    | PatchVectorMetadataResponse400
    | PatchVectorMetadataResponse404
    | PatchVectorMetadataResponse409
    | PatchVectorMetadataResponse413
    | PatchVectorMetadataResponse503
    | PatchVectorMetadataResponse504
    | None
):
    """Replace a vector’s metadata, keeping its values.

     An atomic read-modify-write: the server reads the vector at `strong` consistency and writes its
    values with the new metadata as one record, because the log is compacted and the newest record under
    an id must carry its whole state. Under a concurrent write of the same id the order in the log
    decides: an upsert or delete that lands before the patch keeps its values (or stays deleted) and
    gets the patch’s metadata; one that lands after it replaces everything. A patch never brings back
    values that an upsert replaced, and the result survives compaction and replays on every replica. 404
    when the id is absent at the read.

    Args:
        db (str):
        id (str):
        body (PatchVectorMetadataBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PatchVectorMetadataResponse200 | PatchVectorMetadataResponse400 | PatchVectorMetadataResponse404 | PatchVectorMetadataResponse409 | PatchVectorMetadataResponse413 | PatchVectorMetadataResponse503 | PatchVectorMetadataResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            id=id,
            client=client,
            body=body,
        )
    ).parsed
