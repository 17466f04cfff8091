from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_vectors_response_200 import DeleteVectorsResponse200
from ...models.delete_vectors_response_400 import DeleteVectorsResponse400
from ...models.delete_vectors_response_404 import DeleteVectorsResponse404
from ...models.delete_vectors_response_409 import DeleteVectorsResponse409
from ...models.delete_vectors_response_413 import DeleteVectorsResponse413
from ...models.delete_vectors_response_503 import DeleteVectorsResponse503
from ...models.delete_vectors_response_504 import DeleteVectorsResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: Any,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/databases/{db}/vectors/delete".format(
            db=quote(str(db), safe=""),
        ),
    }

    _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    DeleteVectorsResponse200
    | DeleteVectorsResponse400
    | DeleteVectorsResponse404
    | DeleteVectorsResponse409
    | DeleteVectorsResponse413
    | DeleteVectorsResponse503
    | DeleteVectorsResponse504
    | None
):
    if response.status_code == 200:
        response_200 = DeleteVectorsResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = DeleteVectorsResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = DeleteVectorsResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = DeleteVectorsResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = DeleteVectorsResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = DeleteVectorsResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = DeleteVectorsResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    DeleteVectorsResponse200
    | DeleteVectorsResponse400
    | DeleteVectorsResponse404
    | DeleteVectorsResponse409
    | DeleteVectorsResponse413
    | DeleteVectorsResponse503
    | DeleteVectorsResponse504
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    db: str,
    *,
    client: AuthenticatedClient | Client,
    body: Any,
) -> Response[
    DeleteVectorsResponse200
    | DeleteVectorsResponse400
    | DeleteVectorsResponse404
    | DeleteVectorsResponse409
    | DeleteVectorsResponse413
    | DeleteVectorsResponse503
    | DeleteVectorsResponse504
]:
    """Delete vectors by `ids` or by `filter` (one of them).

    Args:
        db (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteVectorsResponse200 | DeleteVectorsResponse400 | DeleteVectorsResponse404 | DeleteVectorsResponse409 | DeleteVectorsResponse413 | DeleteVectorsResponse503 | DeleteVectorsResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    db: str,
    *,
    client: AuthenticatedClient | Client,
    body: Any,
) -> (
    DeleteVectorsResponse200
    | DeleteVectorsResponse400
    | DeleteVectorsResponse404
    | DeleteVectorsResponse409
    | DeleteVectorsResponse413
    | DeleteVectorsResponse503
    | DeleteVectorsResponse504
    | None
):
    """Delete vectors by `ids` or by `filter` (one of them).

    Args:
        db (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteVectorsResponse200 | DeleteVectorsResponse400 | DeleteVectorsResponse404 | DeleteVectorsResponse409 | DeleteVectorsResponse413 | DeleteVectorsResponse503 | DeleteVectorsResponse504
    """

    return sync_detailed(
        db=db,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    db: str,
    *,
    client: AuthenticatedClient | Client,
    body: Any,
) -> Response[
    DeleteVectorsResponse200
    | DeleteVectorsResponse400
    | DeleteVectorsResponse404
    | DeleteVectorsResponse409
    | DeleteVectorsResponse413
    | DeleteVectorsResponse503
    | DeleteVectorsResponse504
]:
    """Delete vectors by `ids` or by `filter` (one of them).

    Args:
        db (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteVectorsResponse200 | DeleteVectorsResponse400 | DeleteVectorsResponse404 | DeleteVectorsResponse409 | DeleteVectorsResponse413 | DeleteVectorsResponse503 | DeleteVectorsResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    db: str,
    *,
    client: AuthenticatedClient | Client,
    body: Any,
) -> (
    DeleteVectorsResponse200
    | DeleteVectorsResponse400
    | DeleteVectorsResponse404
    | DeleteVectorsResponse409
    | DeleteVectorsResponse413
    | DeleteVectorsResponse503
    | DeleteVectorsResponse504
    | None
):
    """Delete vectors by `ids` or by `filter` (one of them).

    Args:
        db (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteVectorsResponse200 | DeleteVectorsResponse400 | DeleteVectorsResponse404 | DeleteVectorsResponse409 | DeleteVectorsResponse413 | DeleteVectorsResponse503 | DeleteVectorsResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
