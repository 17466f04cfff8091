from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.put_vector_body import PutVectorBody
from ...models.put_vector_response_200 import PutVectorResponse200
from ...models.put_vector_response_400 import PutVectorResponse400
from ...models.put_vector_response_404 import PutVectorResponse404
from ...models.put_vector_response_409 import PutVectorResponse409
from ...models.put_vector_response_413 import PutVectorResponse413
from ...models.put_vector_response_503 import PutVectorResponse503
from ...models.put_vector_response_504 import PutVectorResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    id: str,
    *,
    body: PutVectorBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
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
    PutVectorResponse200
    | PutVectorResponse400
    | PutVectorResponse404
    | PutVectorResponse409
    | PutVectorResponse413
    | PutVectorResponse503
    | PutVectorResponse504
    | None
):
    if response.status_code == 200:
        response_200 = PutVectorResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = PutVectorResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = PutVectorResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = PutVectorResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = PutVectorResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = PutVectorResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = PutVectorResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    PutVectorResponse200
    | PutVectorResponse400
    | PutVectorResponse404
    | PutVectorResponse409
    | PutVectorResponse413
    | PutVectorResponse503
    | PutVectorResponse504
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
    body: PutVectorBody,
) -> Response[
    PutVectorResponse200
    | PutVectorResponse400
    | PutVectorResponse404
    | PutVectorResponse409
    | PutVectorResponse413
    | PutVectorResponse503
    | PutVectorResponse504
]:
    """Upsert the vector with this id.

    Args:
        db (str):
        id (str):
        body (PutVectorBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PutVectorResponse200 | PutVectorResponse400 | PutVectorResponse404 | PutVectorResponse409 | PutVectorResponse413 | PutVectorResponse503 | PutVectorResponse504]
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
    body: PutVectorBody,
) -> (
    PutVectorResponse200
    | PutVectorResponse400
    | PutVectorResponse404
    | PutVectorResponse409
    | PutVectorResponse413
    | PutVectorResponse503
    | PutVectorResponse504
    | None
):
    """Upsert the vector with this id.

    Args:
        db (str):
        id (str):
        body (PutVectorBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PutVectorResponse200 | PutVectorResponse400 | PutVectorResponse404 | PutVectorResponse409 | PutVectorResponse413 | PutVectorResponse503 | PutVectorResponse504
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
    body: PutVectorBody,
) -> Response[
    PutVectorResponse200
    | PutVectorResponse400
    | PutVectorResponse404
    | PutVectorResponse409
    | PutVectorResponse413
    | PutVectorResponse503
    | PutVectorResponse504
]:
    """Upsert the vector with this id.

    Args:
        db (str):
        id (str):
        body (PutVectorBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PutVectorResponse200 | PutVectorResponse400 | PutVectorResponse404 | PutVectorResponse409 | PutVectorResponse413 | PutVectorResponse503 | PutVectorResponse504]
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
    body: PutVectorBody,
) -> (
    PutVectorResponse200
    | PutVectorResponse400
    | PutVectorResponse404
    | PutVectorResponse409
    | PutVectorResponse413
    | PutVectorResponse503
    | PutVectorResponse504
    | None
):
    """Upsert the vector with this id.

    Args:
        db (str):
        id (str):
        body (PutVectorBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PutVectorResponse200 | PutVectorResponse400 | PutVectorResponse404 | PutVectorResponse409 | PutVectorResponse413 | PutVectorResponse503 | PutVectorResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            id=id,
            client=client,
            body=body,
        )
    ).parsed
