from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_vector_consistency import GetVectorConsistency
from ...models.get_vector_response_200 import GetVectorResponse200
from ...models.get_vector_response_400 import GetVectorResponse400
from ...models.get_vector_response_404 import GetVectorResponse404
from ...models.get_vector_response_409 import GetVectorResponse409
from ...models.get_vector_response_413 import GetVectorResponse413
from ...models.get_vector_response_503 import GetVectorResponse503
from ...models.get_vector_response_504 import GetVectorResponse504
from ...types import UNSET, Response, Unset


def _get_kwargs(
    db: str,
    id: str,
    *,
    consistency: GetVectorConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_consistency: str | Unset = UNSET
    if not isinstance(consistency, Unset):
        json_consistency = consistency.value

    params["consistency"] = json_consistency

    params["after"] = after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/databases/{db}/vectors/{id}".format(
            db=quote(str(db), safe=""),
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    GetVectorResponse200
    | GetVectorResponse400
    | GetVectorResponse404
    | GetVectorResponse409
    | GetVectorResponse413
    | GetVectorResponse503
    | GetVectorResponse504
    | None
):
    if response.status_code == 200:
        response_200 = GetVectorResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = GetVectorResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = GetVectorResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = GetVectorResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = GetVectorResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = GetVectorResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = GetVectorResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    GetVectorResponse200
    | GetVectorResponse400
    | GetVectorResponse404
    | GetVectorResponse409
    | GetVectorResponse413
    | GetVectorResponse503
    | GetVectorResponse504
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    consistency: GetVectorConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[
    GetVectorResponse200
    | GetVectorResponse400
    | GetVectorResponse404
    | GetVectorResponse409
    | GetVectorResponse413
    | GetVectorResponse503
    | GetVectorResponse504
]:
    """Get one vector.

    Args:
        db (str):
        id (str):
        consistency (GetVectorConsistency | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetVectorResponse200 | GetVectorResponse400 | GetVectorResponse404 | GetVectorResponse409 | GetVectorResponse413 | GetVectorResponse503 | GetVectorResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        id=id,
        consistency=consistency,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    consistency: GetVectorConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
) -> (
    GetVectorResponse200
    | GetVectorResponse400
    | GetVectorResponse404
    | GetVectorResponse409
    | GetVectorResponse413
    | GetVectorResponse503
    | GetVectorResponse504
    | None
):
    """Get one vector.

    Args:
        db (str):
        id (str):
        consistency (GetVectorConsistency | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetVectorResponse200 | GetVectorResponse400 | GetVectorResponse404 | GetVectorResponse409 | GetVectorResponse413 | GetVectorResponse503 | GetVectorResponse504
    """

    return sync_detailed(
        db=db,
        id=id,
        client=client,
        consistency=consistency,
        after=after,
    ).parsed


async def asyncio_detailed(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    consistency: GetVectorConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[
    GetVectorResponse200
    | GetVectorResponse400
    | GetVectorResponse404
    | GetVectorResponse409
    | GetVectorResponse413
    | GetVectorResponse503
    | GetVectorResponse504
]:
    """Get one vector.

    Args:
        db (str):
        id (str):
        consistency (GetVectorConsistency | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetVectorResponse200 | GetVectorResponse400 | GetVectorResponse404 | GetVectorResponse409 | GetVectorResponse413 | GetVectorResponse503 | GetVectorResponse504]
    """

    kwargs = _get_kwargs(
        db=db,
        id=id,
        consistency=consistency,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    db: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    consistency: GetVectorConsistency | Unset = UNSET,
    after: str | Unset = UNSET,
) -> (
    GetVectorResponse200
    | GetVectorResponse400
    | GetVectorResponse404
    | GetVectorResponse409
    | GetVectorResponse413
    | GetVectorResponse503
    | GetVectorResponse504
    | None
):
    """Get one vector.

    Args:
        db (str):
        id (str):
        consistency (GetVectorConsistency | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetVectorResponse200 | GetVectorResponse400 | GetVectorResponse404 | GetVectorResponse409 | GetVectorResponse413 | GetVectorResponse503 | GetVectorResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            id=id,
            client=client,
            consistency=consistency,
            after=after,
        )
    ).parsed
