from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_vector_response_200 import DeleteVectorResponse200
from ...models.delete_vector_response_400 import DeleteVectorResponse400
from ...models.delete_vector_response_404 import DeleteVectorResponse404
from ...models.delete_vector_response_409 import DeleteVectorResponse409
from ...models.delete_vector_response_413 import DeleteVectorResponse413
from ...models.delete_vector_response_503 import DeleteVectorResponse503
from ...models.delete_vector_response_504 import DeleteVectorResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/databases/{db}/vectors/{id}".format(
            db=quote(str(db), safe=""),
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    DeleteVectorResponse200
    | DeleteVectorResponse400
    | DeleteVectorResponse404
    | DeleteVectorResponse409
    | DeleteVectorResponse413
    | DeleteVectorResponse503
    | DeleteVectorResponse504
    | None
):
    if response.status_code == 200:
        response_200 = DeleteVectorResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = DeleteVectorResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = DeleteVectorResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = DeleteVectorResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = DeleteVectorResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = DeleteVectorResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = DeleteVectorResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    DeleteVectorResponse200
    | DeleteVectorResponse400
    | DeleteVectorResponse404
    | DeleteVectorResponse409
    | DeleteVectorResponse413
    | DeleteVectorResponse503
    | DeleteVectorResponse504
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
) -> Response[
    DeleteVectorResponse200
    | DeleteVectorResponse400
    | DeleteVectorResponse404
    | DeleteVectorResponse409
    | DeleteVectorResponse413
    | DeleteVectorResponse503
    | DeleteVectorResponse504
]:
    """Delete one vector (deleting an absent id succeeds).

    Args:
        db (str):
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteVectorResponse200 | DeleteVectorResponse400 | DeleteVectorResponse404 | DeleteVectorResponse409 | DeleteVectorResponse413 | DeleteVectorResponse503 | DeleteVectorResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        id=id,
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
) -> (
    DeleteVectorResponse200
    | DeleteVectorResponse400
    | DeleteVectorResponse404
    | DeleteVectorResponse409
    | DeleteVectorResponse413
    | DeleteVectorResponse503
    | DeleteVectorResponse504
    | None
):
    """Delete one vector (deleting an absent id succeeds).

    Args:
        db (str):
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteVectorResponse200 | DeleteVectorResponse400 | DeleteVectorResponse404 | DeleteVectorResponse409 | DeleteVectorResponse413 | DeleteVectorResponse503 | DeleteVectorResponse504
    """

    return sync_detailed(
        db=db,
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    DeleteVectorResponse200
    | DeleteVectorResponse400
    | DeleteVectorResponse404
    | DeleteVectorResponse409
    | DeleteVectorResponse413
    | DeleteVectorResponse503
    | DeleteVectorResponse504
]:
    """Delete one vector (deleting an absent id succeeds).

    Args:
        db (str):
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteVectorResponse200 | DeleteVectorResponse400 | DeleteVectorResponse404 | DeleteVectorResponse409 | DeleteVectorResponse413 | DeleteVectorResponse503 | DeleteVectorResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
) -> (
    DeleteVectorResponse200
    | DeleteVectorResponse400
    | DeleteVectorResponse404
    | DeleteVectorResponse409
    | DeleteVectorResponse413
    | DeleteVectorResponse503
    | DeleteVectorResponse504
    | None
):
    """Delete one vector (deleting an absent id succeeds).

    Args:
        db (str):
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteVectorResponse200 | DeleteVectorResponse400 | DeleteVectorResponse404 | DeleteVectorResponse409 | DeleteVectorResponse413 | DeleteVectorResponse503 | DeleteVectorResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            id=id,
            client=client,
        )
    ).parsed
