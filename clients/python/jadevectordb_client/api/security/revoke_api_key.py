from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.revoke_api_key_response_400 import RevokeApiKeyResponse400
from ...models.revoke_api_key_response_401 import RevokeApiKeyResponse401
from ...models.revoke_api_key_response_403 import RevokeApiKeyResponse403
from ...models.revoke_api_key_response_404 import RevokeApiKeyResponse404
from ...models.revoke_api_key_response_503 import RevokeApiKeyResponse503
from ...types import Response


def _get_kwargs(
    id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/api-keys/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    Any
    | RevokeApiKeyResponse400
    | RevokeApiKeyResponse401
    | RevokeApiKeyResponse403
    | RevokeApiKeyResponse404
    | RevokeApiKeyResponse503
    | None
):
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = RevokeApiKeyResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = RevokeApiKeyResponse401.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = RevokeApiKeyResponse403.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = RevokeApiKeyResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 503:
        response_503 = RevokeApiKeyResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    Any
    | RevokeApiKeyResponse400
    | RevokeApiKeyResponse401
    | RevokeApiKeyResponse403
    | RevokeApiKeyResponse404
    | RevokeApiKeyResponse503
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    Any
    | RevokeApiKeyResponse400
    | RevokeApiKeyResponse401
    | RevokeApiKeyResponse403
    | RevokeApiKeyResponse404
    | RevokeApiKeyResponse503
]:
    """Revoke an API key.

    Args:
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | RevokeApiKeyResponse400 | RevokeApiKeyResponse401 | RevokeApiKeyResponse403 | RevokeApiKeyResponse404 | RevokeApiKeyResponse503]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient | Client,
) -> (
    Any
    | RevokeApiKeyResponse400
    | RevokeApiKeyResponse401
    | RevokeApiKeyResponse403
    | RevokeApiKeyResponse404
    | RevokeApiKeyResponse503
    | None
):
    """Revoke an API key.

    Args:
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | RevokeApiKeyResponse400 | RevokeApiKeyResponse401 | RevokeApiKeyResponse403 | RevokeApiKeyResponse404 | RevokeApiKeyResponse503
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    Any
    | RevokeApiKeyResponse400
    | RevokeApiKeyResponse401
    | RevokeApiKeyResponse403
    | RevokeApiKeyResponse404
    | RevokeApiKeyResponse503
]:
    """Revoke an API key.

    Args:
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | RevokeApiKeyResponse400 | RevokeApiKeyResponse401 | RevokeApiKeyResponse403 | RevokeApiKeyResponse404 | RevokeApiKeyResponse503]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
) -> (
    Any
    | RevokeApiKeyResponse400
    | RevokeApiKeyResponse401
    | RevokeApiKeyResponse403
    | RevokeApiKeyResponse404
    | RevokeApiKeyResponse503
    | None
):
    """Revoke an API key.

    Args:
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | RevokeApiKeyResponse400 | RevokeApiKeyResponse401 | RevokeApiKeyResponse403 | RevokeApiKeyResponse404 | RevokeApiKeyResponse503
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
