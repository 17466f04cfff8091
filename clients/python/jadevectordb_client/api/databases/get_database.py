from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_database_response_200 import GetDatabaseResponse200
from ...models.get_database_response_400 import GetDatabaseResponse400
from ...models.get_database_response_404 import GetDatabaseResponse404
from ...models.get_database_response_409 import GetDatabaseResponse409
from ...models.get_database_response_503 import GetDatabaseResponse503
from ...types import Response


def _get_kwargs(
    db: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/databases/{db}".format(
            db=quote(str(db), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    GetDatabaseResponse200
    | GetDatabaseResponse400
    | GetDatabaseResponse404
    | GetDatabaseResponse409
    | GetDatabaseResponse503
    | None
):
    if response.status_code == 200:
        response_200 = GetDatabaseResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = GetDatabaseResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = GetDatabaseResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = GetDatabaseResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 503:
        response_503 = GetDatabaseResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    GetDatabaseResponse200
    | GetDatabaseResponse400
    | GetDatabaseResponse404
    | GetDatabaseResponse409
    | GetDatabaseResponse503
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
) -> Response[
    GetDatabaseResponse200
    | GetDatabaseResponse400
    | GetDatabaseResponse404
    | GetDatabaseResponse409
    | GetDatabaseResponse503
]:
    """A database’s definition and vector count.

    Args:
        db (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetDatabaseResponse200 | GetDatabaseResponse400 | GetDatabaseResponse404 | GetDatabaseResponse409 | GetDatabaseResponse503]
    """

    kwargs = _get_kwargs(
        db=db,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    db: str,
    *,
    client: AuthenticatedClient | Client,
) -> (
    GetDatabaseResponse200
    | GetDatabaseResponse400
    | GetDatabaseResponse404
    | GetDatabaseResponse409
    | GetDatabaseResponse503
    | None
):
    """A database’s definition and vector count.

    Args:
        db (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetDatabaseResponse200 | GetDatabaseResponse400 | GetDatabaseResponse404 | GetDatabaseResponse409 | GetDatabaseResponse503
    """

    return sync_detailed(
        db=db,
        client=client,
    ).parsed


async def asyncio_detailed(
    db: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    GetDatabaseResponse200
    | GetDatabaseResponse400
    | GetDatabaseResponse404
    | GetDatabaseResponse409
    | GetDatabaseResponse503
]:
    """A database’s definition and vector count.

    Args:
        db (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetDatabaseResponse200 | GetDatabaseResponse400 | GetDatabaseResponse404 | GetDatabaseResponse409 | GetDatabaseResponse503]
    """

    kwargs = _get_kwargs(
        db=db,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    db: str,
    *,
    client: AuthenticatedClient | Client,
) -> (
    GetDatabaseResponse200
    | GetDatabaseResponse400
    | GetDatabaseResponse404
    | GetDatabaseResponse409
    | GetDatabaseResponse503
    | None
):
    """A database’s definition and vector count.

    Args:
        db (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetDatabaseResponse200 | GetDatabaseResponse400 | GetDatabaseResponse404 | GetDatabaseResponse409 | GetDatabaseResponse503
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
        )
    ).parsed
