from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.search_batch_body import SearchBatchBody
from ...models.search_batch_response_200 import SearchBatchResponse200
from ...models.search_batch_response_400 import SearchBatchResponse400
from ...models.search_batch_response_404 import SearchBatchResponse404
from ...models.search_batch_response_409 import SearchBatchResponse409
from ...models.search_batch_response_413 import SearchBatchResponse413
from ...models.search_batch_response_503 import SearchBatchResponse503
from ...models.search_batch_response_504 import SearchBatchResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: SearchBatchBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/databases/{db}/search/batch".format(
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
    SearchBatchResponse200
    | SearchBatchResponse400
    | SearchBatchResponse404
    | SearchBatchResponse409
    | SearchBatchResponse413
    | SearchBatchResponse503
    | SearchBatchResponse504
    | None
):
    if response.status_code == 200:
        response_200 = SearchBatchResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = SearchBatchResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = SearchBatchResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = SearchBatchResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = SearchBatchResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = SearchBatchResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = SearchBatchResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    SearchBatchResponse200
    | SearchBatchResponse400
    | SearchBatchResponse404
    | SearchBatchResponse409
    | SearchBatchResponse413
    | SearchBatchResponse503
    | SearchBatchResponse504
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
    body: SearchBatchBody,
) -> Response[
    SearchBatchResponse200
    | SearchBatchResponse400
    | SearchBatchResponse404
    | SearchBatchResponse409
    | SearchBatchResponse413
    | SearchBatchResponse503
    | SearchBatchResponse504
]:
    """Several searches in one request; results in the same order.

    Args:
        db (str):
        body (SearchBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SearchBatchResponse200 | SearchBatchResponse400 | SearchBatchResponse404 | SearchBatchResponse409 | SearchBatchResponse413 | SearchBatchResponse503 | SearchBatchResponse504]
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
    body: SearchBatchBody,
) -> (
    SearchBatchResponse200
    | SearchBatchResponse400
    | SearchBatchResponse404
    | SearchBatchResponse409
    | SearchBatchResponse413
    | SearchBatchResponse503
    | SearchBatchResponse504
    | None
):
    """Several searches in one request; results in the same order.

    Args:
        db (str):
        body (SearchBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SearchBatchResponse200 | SearchBatchResponse400 | SearchBatchResponse404 | SearchBatchResponse409 | SearchBatchResponse413 | SearchBatchResponse503 | SearchBatchResponse504
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
    body: SearchBatchBody,
) -> Response[
    SearchBatchResponse200
    | SearchBatchResponse400
    | SearchBatchResponse404
    | SearchBatchResponse409
    | SearchBatchResponse413
    | SearchBatchResponse503
    | SearchBatchResponse504
]:
    """Several searches in one request; results in the same order.

    Args:
        db (str):
        body (SearchBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SearchBatchResponse200 | SearchBatchResponse400 | SearchBatchResponse404 | SearchBatchResponse409 | SearchBatchResponse413 | SearchBatchResponse503 | SearchBatchResponse504]
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
    body: SearchBatchBody,
) -> (
    SearchBatchResponse200
    | SearchBatchResponse400
    | SearchBatchResponse404
    | SearchBatchResponse409
    | SearchBatchResponse413
    | SearchBatchResponse503
    | SearchBatchResponse504
    | None
):
    """Several searches in one request; results in the same order.

    Args:
        db (str):
        body (SearchBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SearchBatchResponse200 | SearchBatchResponse400 | SearchBatchResponse404 | SearchBatchResponse409 | SearchBatchResponse413 | SearchBatchResponse503 | SearchBatchResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
