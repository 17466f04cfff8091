from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_vectors_body import GetVectorsBody
from ...models.get_vectors_response_200 import GetVectorsResponse200
from ...models.get_vectors_response_400 import GetVectorsResponse400
from ...models.get_vectors_response_404 import GetVectorsResponse404
from ...models.get_vectors_response_409 import GetVectorsResponse409
from ...models.get_vectors_response_413 import GetVectorsResponse413
from ...models.get_vectors_response_503 import GetVectorsResponse503
from ...models.get_vectors_response_504 import GetVectorsResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: GetVectorsBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/databases/{db}/vectors/batch-get".format(
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
    GetVectorsResponse200
    | GetVectorsResponse400
    | GetVectorsResponse404
    | GetVectorsResponse409
    | GetVectorsResponse413
    | GetVectorsResponse503
    | GetVectorsResponse504
    | None
):
    if response.status_code == 200:
        response_200 = GetVectorsResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = GetVectorsResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = GetVectorsResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = GetVectorsResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = GetVectorsResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = GetVectorsResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = GetVectorsResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    GetVectorsResponse200
    | GetVectorsResponse400
    | GetVectorsResponse404
    | GetVectorsResponse409
    | GetVectorsResponse413
    | GetVectorsResponse503
    | GetVectorsResponse504
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
    body: GetVectorsBody,
) -> Response[
    GetVectorsResponse200
    | GetVectorsResponse400
    | GetVectorsResponse404
    | GetVectorsResponse409
    | GetVectorsResponse413
    | GetVectorsResponse503
    | GetVectorsResponse504
]:
    """Get vectors by id (missing ids are left out).

    Args:
        db (str):
        body (GetVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetVectorsResponse200 | GetVectorsResponse400 | GetVectorsResponse404 | GetVectorsResponse409 | GetVectorsResponse413 | GetVectorsResponse503 | GetVectorsResponse504]
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
    body: GetVectorsBody,
) -> (
    GetVectorsResponse200
    | GetVectorsResponse400
    | GetVectorsResponse404
    | GetVectorsResponse409
    | GetVectorsResponse413
    | GetVectorsResponse503
    | GetVectorsResponse504
    | None
):
    """Get vectors by id (missing ids are left out).

    Args:
        db (str):
        body (GetVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetVectorsResponse200 | GetVectorsResponse400 | GetVectorsResponse404 | GetVectorsResponse409 | GetVectorsResponse413 | GetVectorsResponse503 | GetVectorsResponse504
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
    body: GetVectorsBody,
) -> Response[
    GetVectorsResponse200
    | GetVectorsResponse400
    | GetVectorsResponse404
    | GetVectorsResponse409
    | GetVectorsResponse413
    | GetVectorsResponse503
    | GetVectorsResponse504
]:
    """Get vectors by id (missing ids are left out).

    Args:
        db (str):
        body (GetVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetVectorsResponse200 | GetVectorsResponse400 | GetVectorsResponse404 | GetVectorsResponse409 | GetVectorsResponse413 | GetVectorsResponse503 | GetVectorsResponse504]
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
    body: GetVectorsBody,
) -> (
    GetVectorsResponse200
    | GetVectorsResponse400
    | GetVectorsResponse404
    | GetVectorsResponse409
    | GetVectorsResponse413
    | GetVectorsResponse503
    | GetVectorsResponse504
    | None
):
    """Get vectors by id (missing ids are left out).

    Args:
        db (str):
        body (GetVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetVectorsResponse200 | GetVectorsResponse400 | GetVectorsResponse404 | GetVectorsResponse409 | GetVectorsResponse413 | GetVectorsResponse503 | GetVectorsResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
