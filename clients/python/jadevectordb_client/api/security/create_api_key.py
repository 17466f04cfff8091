from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_api_key_body import CreateApiKeyBody
from ...models.create_api_key_response_201 import CreateApiKeyResponse201
from ...models.create_api_key_response_400 import CreateApiKeyResponse400
from ...models.create_api_key_response_401 import CreateApiKeyResponse401
from ...models.create_api_key_response_403 import CreateApiKeyResponse403
from ...models.create_api_key_response_404 import CreateApiKeyResponse404
from ...models.create_api_key_response_503 import CreateApiKeyResponse503
from ...types import Response


def _get_kwargs(
    *,
    body: CreateApiKeyBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/api-keys",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    CreateApiKeyResponse201
    | CreateApiKeyResponse400
    | CreateApiKeyResponse401
    | CreateApiKeyResponse403
    | CreateApiKeyResponse404
    | CreateApiKeyResponse503
    | None
):
    if response.status_code == 201:
        response_201 = CreateApiKeyResponse201.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = CreateApiKeyResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = CreateApiKeyResponse401.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = CreateApiKeyResponse403.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = CreateApiKeyResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 503:
        response_503 = CreateApiKeyResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    CreateApiKeyResponse201
    | CreateApiKeyResponse400
    | CreateApiKeyResponse401
    | CreateApiKeyResponse403
    | CreateApiKeyResponse404
    | CreateApiKeyResponse503
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
    body: CreateApiKeyBody,
) -> Response[
    CreateApiKeyResponse201
    | CreateApiKeyResponse400
    | CreateApiKeyResponse401
    | CreateApiKeyResponse403
    | CreateApiKeyResponse404
    | CreateApiKeyResponse503
]:
    """Create an API key. The key is in this reply only; the server keeps its hash.

    Args:
        body (CreateApiKeyBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateApiKeyResponse201 | CreateApiKeyResponse400 | CreateApiKeyResponse401 | CreateApiKeyResponse403 | CreateApiKeyResponse404 | CreateApiKeyResponse503]
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
    body: CreateApiKeyBody,
) -> (
    CreateApiKeyResponse201
    | CreateApiKeyResponse400
    | CreateApiKeyResponse401
    | CreateApiKeyResponse403
    | CreateApiKeyResponse404
    | CreateApiKeyResponse503
    | None
):
    """Create an API key. The key is in this reply only; the server keeps its hash.

    Args:
        body (CreateApiKeyBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateApiKeyResponse201 | CreateApiKeyResponse400 | CreateApiKeyResponse401 | CreateApiKeyResponse403 | CreateApiKeyResponse404 | CreateApiKeyResponse503
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateApiKeyBody,
) -> Response[
    CreateApiKeyResponse201
    | CreateApiKeyResponse400
    | CreateApiKeyResponse401
    | CreateApiKeyResponse403
    | CreateApiKeyResponse404
    | CreateApiKeyResponse503
]:
    """Create an API key. The key is in this reply only; the server keeps its hash.

    Args:
        body (CreateApiKeyBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateApiKeyResponse201 | CreateApiKeyResponse400 | CreateApiKeyResponse401 | CreateApiKeyResponse403 | CreateApiKeyResponse404 | CreateApiKeyResponse503]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateApiKeyBody,
) -> (
    CreateApiKeyResponse201
    | CreateApiKeyResponse400
    | CreateApiKeyResponse401
    | CreateApiKeyResponse403
    | CreateApiKeyResponse404
    | CreateApiKeyResponse503
    | None
):
    """Create an API key. The key is in this reply only; the server keeps its hash.

    Args:
        body (CreateApiKeyBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateApiKeyResponse201 | CreateApiKeyResponse400 | CreateApiKeyResponse401 | CreateApiKeyResponse403 | CreateApiKeyResponse404 | CreateApiKeyResponse503
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
