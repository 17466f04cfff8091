from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.search_body import SearchBody
from ...models.search_response_200 import SearchResponse200
from ...models.search_response_400 import SearchResponse400
from ...models.search_response_404 import SearchResponse404
from ...models.search_response_409 import SearchResponse409
from ...models.search_response_413 import SearchResponse413
from ...models.search_response_503 import SearchResponse503
from ...models.search_response_504 import SearchResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: SearchBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/databases/{db}/search".format(
            db=quote(str(db), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    SearchResponse200
    | SearchResponse400
    | SearchResponse404
    | SearchResponse409
    | SearchResponse413
    | SearchResponse503
    | SearchResponse504
    | None
):
    if response.status_code == 200:
        response_200 = SearchResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = SearchResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = SearchResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = SearchResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = SearchResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = SearchResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = SearchResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    SearchResponse200
    | SearchResponse400
    | SearchResponse404
    | SearchResponse409
    | SearchResponse413
    | SearchResponse503
    | SearchResponse504
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
    body: SearchBody,
) -> Response[
    SearchResponse200
    | SearchResponse400
    | SearchResponse404
    | SearchResponse409
    | SearchResponse413
    | SearchResponse503
    | SearchResponse504
]:
    """Top-k nearest neighbours, best first (cosine and dot: higher is better; euclidean: lower is better).

    Args:
        db (str):
        body (SearchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SearchResponse200 | SearchResponse400 | SearchResponse404 | SearchResponse409 | SearchResponse413 | SearchResponse503 | SearchResponse504]
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
    body: SearchBody,
) -> (
    SearchResponse200
    | SearchResponse400
    | SearchResponse404
    | SearchResponse409
    | SearchResponse413
    | SearchResponse503
    | SearchResponse504
    | None
):
    """Top-k nearest neighbours, best first (cosine and dot: higher is better; euclidean: lower is better).

    Args:
        db (str):
        body (SearchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SearchResponse200 | SearchResponse400 | SearchResponse404 | SearchResponse409 | SearchResponse413 | SearchResponse503 | SearchResponse504
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
    body: SearchBody,
) -> Response[
    SearchResponse200
    | SearchResponse400
    | SearchResponse404
    | SearchResponse409
    | SearchResponse413
    | SearchResponse503
    | SearchResponse504
]:
    """Top-k nearest neighbours, best first (cosine and dot: higher is better; euclidean: lower is better).

    Args:
        db (str):
        body (SearchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SearchResponse200 | SearchResponse400 | SearchResponse404 | SearchResponse409 | SearchResponse413 | SearchResponse503 | SearchResponse504]
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
    body: SearchBody,
) -> (
    SearchResponse200
    | SearchResponse400
    | SearchResponse404
    | SearchResponse409
    | SearchResponse413
    | SearchResponse503
    | SearchResponse504
    | None
):
    """Top-k nearest neighbours, best first (cosine and dot: higher is better; euclidean: lower is better).

    Args:
        db (str):
        body (SearchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SearchResponse200 | SearchResponse400 | SearchResponse404 | SearchResponse409 | SearchResponse413 | SearchResponse503 | SearchResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
