from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.drop_database_response_400 import DropDatabaseResponse400
from ...models.drop_database_response_404 import DropDatabaseResponse404
from ...models.drop_database_response_409 import DropDatabaseResponse409
from ...models.drop_database_response_503 import DropDatabaseResponse503
from ...types import Response


def _get_kwargs(
    db: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/databases/{db}".format(
            db=quote(str(db), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503 | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = DropDatabaseResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = DropDatabaseResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = DropDatabaseResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 503:
        response_503 = DropDatabaseResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503
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
    Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503
]:
    """Drop a database: its vectors are erased from every shard.

    Args:
        db (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503]
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
) -> Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503 | None:
    """Drop a database: its vectors are erased from every shard.

    Args:
        db (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503
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
    Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503
]:
    """Drop a database: its vectors are erased from every shard.

    Args:
        db (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503]
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
) -> Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503 | None:
    """Drop a database: its vectors are erased from every shard.

    Args:
        db (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DropDatabaseResponse400 | DropDatabaseResponse404 | DropDatabaseResponse409 | DropDatabaseResponse503
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
        )
    ).parsed
