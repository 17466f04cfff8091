from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.post_v1_api_keys_body import PostV1ApiKeysBody
from ...models.post_v1_api_keys_response_201 import PostV1ApiKeysResponse201
from ...models.post_v1_api_keys_response_400 import PostV1ApiKeysResponse400
from ...models.post_v1_api_keys_response_401 import PostV1ApiKeysResponse401
from ...models.post_v1_api_keys_response_403 import PostV1ApiKeysResponse403
from ...models.post_v1_api_keys_response_404 import PostV1ApiKeysResponse404
from ...models.post_v1_api_keys_response_503 import PostV1ApiKeysResponse503
from ...types import Response


def _get_kwargs(
    *,
    body: PostV1ApiKeysBody,
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
    PostV1ApiKeysResponse201
    | PostV1ApiKeysResponse400
    | PostV1ApiKeysResponse401
    | PostV1ApiKeysResponse403
    | PostV1ApiKeysResponse404
    | PostV1ApiKeysResponse503
    | None
):
    if response.status_code == 201:
        response_201 = PostV1ApiKeysResponse201.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = PostV1ApiKeysResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = PostV1ApiKeysResponse401.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = PostV1ApiKeysResponse403.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = PostV1ApiKeysResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 503:
        response_503 = PostV1ApiKeysResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    PostV1ApiKeysResponse201
    | PostV1ApiKeysResponse400
    | PostV1ApiKeysResponse401
    | PostV1ApiKeysResponse403
    | PostV1ApiKeysResponse404
    | PostV1ApiKeysResponse503
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
    body: PostV1ApiKeysBody,
) -> Response[
    PostV1ApiKeysResponse201
    | PostV1ApiKeysResponse400
    | PostV1ApiKeysResponse401
    | PostV1ApiKeysResponse403
    | PostV1ApiKeysResponse404
    | PostV1ApiKeysResponse503
]:
    """Create an API key. The key is in this reply only; the server keeps its hash.

    Args:
        body (PostV1ApiKeysBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostV1ApiKeysResponse201 | PostV1ApiKeysResponse400 | PostV1ApiKeysResponse401 | PostV1ApiKeysResponse403 | PostV1ApiKeysResponse404 | PostV1ApiKeysResponse503]
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
    body: PostV1ApiKeysBody,
) -> (
    PostV1ApiKeysResponse201
    | PostV1ApiKeysResponse400
    | PostV1ApiKeysResponse401
    | PostV1ApiKeysResponse403
    | PostV1ApiKeysResponse404
    | PostV1ApiKeysResponse503
    | None
):
    """Create an API key. The key is in this reply only; the server keeps its hash.

    Args:
        body (PostV1ApiKeysBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostV1ApiKeysResponse201 | PostV1ApiKeysResponse400 | PostV1ApiKeysResponse401 | PostV1ApiKeysResponse403 | PostV1ApiKeysResponse404 | PostV1ApiKeysResponse503
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostV1ApiKeysBody,
) -> Response[
    PostV1ApiKeysResponse201
    | PostV1ApiKeysResponse400
    | PostV1ApiKeysResponse401
    | PostV1ApiKeysResponse403
    | PostV1ApiKeysResponse404
    | PostV1ApiKeysResponse503
]:
    """Create an API key. The key is in this reply only; the server keeps its hash.

    Args:
        body (PostV1ApiKeysBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostV1ApiKeysResponse201 | PostV1ApiKeysResponse400 | PostV1ApiKeysResponse401 | PostV1ApiKeysResponse403 | PostV1ApiKeysResponse404 | PostV1ApiKeysResponse503]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PostV1ApiKeysBody,
) -> (
    PostV1ApiKeysResponse201
    | PostV1ApiKeysResponse400
    | PostV1ApiKeysResponse401
    | PostV1ApiKeysResponse403
    | PostV1ApiKeysResponse404
    | PostV1ApiKeysResponse503
    | None
):
    """Create an API key. The key is in this reply only; the server keeps its hash.

    Args:
        body (PostV1ApiKeysBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostV1ApiKeysResponse201 | PostV1ApiKeysResponse400 | PostV1ApiKeysResponse401 | PostV1ApiKeysResponse403 | PostV1ApiKeysResponse404 | PostV1ApiKeysResponse503
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
