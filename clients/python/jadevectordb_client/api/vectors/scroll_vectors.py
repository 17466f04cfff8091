from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.scroll_vectors_body import ScrollVectorsBody
from ...models.scroll_vectors_response_200 import ScrollVectorsResponse200
from ...models.scroll_vectors_response_400 import ScrollVectorsResponse400
from ...models.scroll_vectors_response_404 import ScrollVectorsResponse404
from ...models.scroll_vectors_response_409 import ScrollVectorsResponse409
from ...models.scroll_vectors_response_413 import ScrollVectorsResponse413
from ...models.scroll_vectors_response_503 import ScrollVectorsResponse503
from ...models.scroll_vectors_response_504 import ScrollVectorsResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: ScrollVectorsBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/databases/{db}/vectors/scroll".format(
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
    ScrollVectorsResponse200
    | ScrollVectorsResponse400
    | ScrollVectorsResponse404
    | ScrollVectorsResponse409
    | ScrollVectorsResponse413
    | ScrollVectorsResponse503
    | ScrollVectorsResponse504
    | None
):
    if response.status_code == 200:
        response_200 = ScrollVectorsResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ScrollVectorsResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = ScrollVectorsResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ScrollVectorsResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ScrollVectorsResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = ScrollVectorsResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = ScrollVectorsResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    ScrollVectorsResponse200
    | ScrollVectorsResponse400
    | ScrollVectorsResponse404
    | ScrollVectorsResponse409
    | ScrollVectorsResponse413
    | ScrollVectorsResponse503
    | ScrollVectorsResponse504
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
    body: ScrollVectorsBody,
) -> Response[
    ScrollVectorsResponse200
    | ScrollVectorsResponse400
    | ScrollVectorsResponse404
    | ScrollVectorsResponse409
    | ScrollVectorsResponse413
    | ScrollVectorsResponse503
    | ScrollVectorsResponse504
]:
    """Scroll vectors in id order, optionally filtered. A page never repeats an id.

    Args:
        db (str):
        body (ScrollVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ScrollVectorsResponse200 | ScrollVectorsResponse400 | ScrollVectorsResponse404 | ScrollVectorsResponse409 | ScrollVectorsResponse413 | ScrollVectorsResponse503 | ScrollVectorsResponse504]
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
    body: ScrollVectorsBody,
) -> (
    ScrollVectorsResponse200
    | ScrollVectorsResponse400
    | ScrollVectorsResponse404
    | ScrollVectorsResponse409
    | ScrollVectorsResponse413
    | ScrollVectorsResponse503
    | ScrollVectorsResponse504
    | None
):
    """Scroll vectors in id order, optionally filtered. A page never repeats an id.

    Args:
        db (str):
        body (ScrollVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ScrollVectorsResponse200 | ScrollVectorsResponse400 | ScrollVectorsResponse404 | ScrollVectorsResponse409 | ScrollVectorsResponse413 | ScrollVectorsResponse503 | ScrollVectorsResponse504
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
    body: ScrollVectorsBody,
) -> Response[
    ScrollVectorsResponse200
    | ScrollVectorsResponse400
    | ScrollVectorsResponse404
    | ScrollVectorsResponse409
    | ScrollVectorsResponse413
    | ScrollVectorsResponse503
    | ScrollVectorsResponse504
]:
    """Scroll vectors in id order, optionally filtered. A page never repeats an id.

    Args:
        db (str):
        body (ScrollVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ScrollVectorsResponse200 | ScrollVectorsResponse400 | ScrollVectorsResponse404 | ScrollVectorsResponse409 | ScrollVectorsResponse413 | ScrollVectorsResponse503 | ScrollVectorsResponse504]
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
    body: ScrollVectorsBody,
) -> (
    ScrollVectorsResponse200
    | ScrollVectorsResponse400
    | ScrollVectorsResponse404
    | ScrollVectorsResponse409
    | ScrollVectorsResponse413
    | ScrollVectorsResponse503
    | ScrollVectorsResponse504
    | None
):
    """Scroll vectors in id order, optionally filtered. A page never repeats an id.

    Args:
        db (str):
        body (ScrollVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ScrollVectorsResponse200 | ScrollVectorsResponse400 | ScrollVectorsResponse404 | ScrollVectorsResponse409 | ScrollVectorsResponse413 | ScrollVectorsResponse503 | ScrollVectorsResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
