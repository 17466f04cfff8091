from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_vectors_consistency import ListVectorsConsistency
from ...models.list_vectors_response_200 import ListVectorsResponse200
from ...models.list_vectors_response_400 import ListVectorsResponse400
from ...models.list_vectors_response_404 import ListVectorsResponse404
from ...models.list_vectors_response_409 import ListVectorsResponse409
from ...models.list_vectors_response_413 import ListVectorsResponse413
from ...models.list_vectors_response_503 import ListVectorsResponse503
from ...models.list_vectors_response_504 import ListVectorsResponse504
from ...types import UNSET, Response, Unset


def _get_kwargs(
    db: str,
    *,
    consistency: ListVectorsConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_consistency: str | Unset = UNSET
    if not isinstance(consistency, Unset):
        json_consistency = consistency.value

    params["consistency"] = json_consistency

    params["after"] = after

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/databases/{db}/vectors".format(
            db=quote(str(db), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ListVectorsResponse200
    | ListVectorsResponse400
    | ListVectorsResponse404
    | ListVectorsResponse409
    | ListVectorsResponse413
    | ListVectorsResponse503
    | ListVectorsResponse504
    | None
):
    if response.status_code == 200:
        response_200 = ListVectorsResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ListVectorsResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = ListVectorsResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ListVectorsResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ListVectorsResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = ListVectorsResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = ListVectorsResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    ListVectorsResponse200
    | ListVectorsResponse400
    | ListVectorsResponse404
    | ListVectorsResponse409
    | ListVectorsResponse413
    | ListVectorsResponse503
    | ListVectorsResponse504
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
    consistency: ListVectorsConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[
    ListVectorsResponse200
    | ListVectorsResponse400
    | ListVectorsResponse404
    | ListVectorsResponse409
    | ListVectorsResponse413
    | ListVectorsResponse503
    | ListVectorsResponse504
]:
    """List vectors in id order, a page at a time.

    Args:
        db (str):
        consistency (ListVectorsConsistency | Unset):
        after (str | Unset):
        limit (str | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListVectorsResponse200 | ListVectorsResponse400 | ListVectorsResponse404 | ListVectorsResponse409 | ListVectorsResponse413 | ListVectorsResponse503 | ListVectorsResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        consistency=consistency,
        after=after,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    db: str,
    *,
    client: AuthenticatedClient | Client,
    consistency: ListVectorsConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> (
    ListVectorsResponse200
    | ListVectorsResponse400
    | ListVectorsResponse404
    | ListVectorsResponse409
    | ListVectorsResponse413
    | ListVectorsResponse503
    | ListVectorsResponse504
    | None
):
    """List vectors in id order, a page at a time.

    Args:
        db (str):
        consistency (ListVectorsConsistency | Unset):
        after (str | Unset):
        limit (str | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListVectorsResponse200 | ListVectorsResponse400 | ListVectorsResponse404 | ListVectorsResponse409 | ListVectorsResponse413 | ListVectorsResponse503 | ListVectorsResponse504
    """

    return sync_detailed(
        db=db,
        client=client,
        consistency=consistency,
        after=after,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    db: str,
    *,
    client: AuthenticatedClient | Client,
    consistency: ListVectorsConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[
    ListVectorsResponse200
    | ListVectorsResponse400
    | ListVectorsResponse404
    | ListVectorsResponse409
    | ListVectorsResponse413
    | ListVectorsResponse503
    | ListVectorsResponse504
]:
    """List vectors in id order, a page at a time.

    Args:
        db (str):
        consistency (ListVectorsConsistency | Unset):
        after (str | Unset):
        limit (str | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListVectorsResponse200 | ListVectorsResponse400 | ListVectorsResponse404 | ListVectorsResponse409 | ListVectorsResponse413 | ListVectorsResponse503 | ListVectorsResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        consistency=consistency,
        after=after,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    db: str,
    *,
    client: AuthenticatedClient | Client,
    consistency: ListVectorsConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
    limit: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> (
    ListVectorsResponse200
    | ListVectorsResponse400
    | ListVectorsResponse404
    | ListVectorsResponse409
    | ListVectorsResponse413
    | ListVectorsResponse503
    | ListVectorsResponse504
    | None
):
    """List vectors in id order, a page at a time.

    Args:
        db (str):
        consistency (ListVectorsConsistency | Unset):
        after (str | Unset):
        limit (str | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListVectorsResponse200 | ListVectorsResponse400 | ListVectorsResponse404 | ListVectorsResponse409 | ListVectorsResponse413 | ListVectorsResponse503 | ListVectorsResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            consistency=consistency,
            after=after,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
