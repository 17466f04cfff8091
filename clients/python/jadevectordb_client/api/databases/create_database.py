from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_database_body import CreateDatabaseBody
from ...models.create_database_response_201 import CreateDatabaseResponse201
from ...models.create_database_response_400 import CreateDatabaseResponse400
from ...models.create_database_response_404 import CreateDatabaseResponse404
from ...models.create_database_response_409 import CreateDatabaseResponse409
from ...models.create_database_response_503 import CreateDatabaseResponse503
from ...types import Response


def _get_kwargs(
    *,
    body: CreateDatabaseBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/databases",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    CreateDatabaseResponse201
    | CreateDatabaseResponse400
    | CreateDatabaseResponse404
    | CreateDatabaseResponse409
    | CreateDatabaseResponse503
    | None
):
    if response.status_code == 201:
        response_201 = CreateDatabaseResponse201.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = CreateDatabaseResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = CreateDatabaseResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = CreateDatabaseResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 503:
        response_503 = CreateDatabaseResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    CreateDatabaseResponse201
    | CreateDatabaseResponse400
    | CreateDatabaseResponse404
    | CreateDatabaseResponse409
    | CreateDatabaseResponse503
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateDatabaseBody,
) -> Response[
    CreateDatabaseResponse201
    | CreateDatabaseResponse400
    | CreateDatabaseResponse404
    | CreateDatabaseResponse409
    | CreateDatabaseResponse503
]:
    """Create a database.

    Args:
        body (CreateDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateDatabaseResponse201 | CreateDatabaseResponse400 | CreateDatabaseResponse404 | CreateDatabaseResponse409 | CreateDatabaseResponse503]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CreateDatabaseBody,
) -> (
    CreateDatabaseResponse201
    | CreateDatabaseResponse400
    | CreateDatabaseResponse404
    | CreateDatabaseResponse409
    | CreateDatabaseResponse503
    | None
):
    """Create a database.

    Args:
        body (CreateDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateDatabaseResponse201 | CreateDatabaseResponse400 | CreateDatabaseResponse404 | CreateDatabaseResponse409 | CreateDatabaseResponse503
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateDatabaseBody,
) -> Response[
    CreateDatabaseResponse201
    | CreateDatabaseResponse400
    | CreateDatabaseResponse404
    | CreateDatabaseResponse409
    | CreateDatabaseResponse503
]:
    """Create a database.

    Args:
        body (CreateDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateDatabaseResponse201 | CreateDatabaseResponse400 | CreateDatabaseResponse404 | CreateDatabaseResponse409 | CreateDatabaseResponse503]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateDatabaseBody,
) -> (
    CreateDatabaseResponse201
    | CreateDatabaseResponse400
    | CreateDatabaseResponse404
    | CreateDatabaseResponse409
    | CreateDatabaseResponse503
    | None
):
    """Create a database.

    Args:
        body (CreateDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateDatabaseResponse201 | CreateDatabaseResponse400 | CreateDatabaseResponse404 | CreateDatabaseResponse409 | CreateDatabaseResponse503
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
