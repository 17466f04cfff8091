from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.upsert_vector_body import UpsertVectorBody
from ...models.upsert_vector_response_201 import UpsertVectorResponse201
from ...models.upsert_vector_response_400 import UpsertVectorResponse400
from ...models.upsert_vector_response_404 import UpsertVectorResponse404
from ...models.upsert_vector_response_409 import UpsertVectorResponse409
from ...models.upsert_vector_response_413 import UpsertVectorResponse413
from ...models.upsert_vector_response_503 import UpsertVectorResponse503
from ...models.upsert_vector_response_504 import UpsertVectorResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: UpsertVectorBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/databases/{db}/vectors".format(
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
    UpsertVectorResponse201
    | UpsertVectorResponse400
    | UpsertVectorResponse404
    | UpsertVectorResponse409
    | UpsertVectorResponse413
    | UpsertVectorResponse503
    | UpsertVectorResponse504
    | None
):
    if response.status_code == 201:
        response_201 = UpsertVectorResponse201.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = UpsertVectorResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = UpsertVectorResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = UpsertVectorResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = UpsertVectorResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = UpsertVectorResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = UpsertVectorResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    UpsertVectorResponse201
    | UpsertVectorResponse400
    | UpsertVectorResponse404
    | UpsertVectorResponse409
    | UpsertVectorResponse413
    | UpsertVectorResponse503
    | UpsertVectorResponse504
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
    body: UpsertVectorBody,
) -> Response[
    UpsertVectorResponse201
    | UpsertVectorResponse400
    | UpsertVectorResponse404
    | UpsertVectorResponse409
    | UpsertVectorResponse413
    | UpsertVectorResponse503
    | UpsertVectorResponse504
]:
    """Upsert one vector (an id is generated when absent).

    Args:
        db (str):
        body (UpsertVectorBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[UpsertVectorResponse201 | UpsertVectorResponse400 | UpsertVectorResponse404 | UpsertVectorResponse409 | UpsertVectorResponse413 | UpsertVectorResponse503 | UpsertVectorResponse504]
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
    body: UpsertVectorBody,
) -> (
    UpsertVectorResponse201
    | UpsertVectorResponse400
    | UpsertVectorResponse404
    | UpsertVectorResponse409
    | UpsertVectorResponse413
    | UpsertVectorResponse503
    | UpsertVectorResponse504
    | None
):
    """Upsert one vector (an id is generated when absent).

    Args:
        db (str):
        body (UpsertVectorBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        UpsertVectorResponse201 | UpsertVectorResponse400 | UpsertVectorResponse404 | UpsertVectorResponse409 | UpsertVectorResponse413 | UpsertVectorResponse503 | UpsertVectorResponse504
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
    body: UpsertVectorBody,
) -> Response[
    UpsertVectorResponse201
    | UpsertVectorResponse400
    | UpsertVectorResponse404
    | UpsertVectorResponse409
    | UpsertVectorResponse413
    | UpsertVectorResponse503
    | UpsertVectorResponse504
]:
    """Upsert one vector (an id is generated when absent).

    Args:
        db (str):
        body (UpsertVectorBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[UpsertVectorResponse201 | UpsertVectorResponse400 | UpsertVectorResponse404 | UpsertVectorResponse409 | UpsertVectorResponse413 | UpsertVectorResponse503 | UpsertVectorResponse504]
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
    body: UpsertVectorBody,
) -> (
    UpsertVectorResponse201
    | UpsertVectorResponse400
    | UpsertVectorResponse404
    | UpsertVectorResponse409
    | UpsertVectorResponse413
    | UpsertVectorResponse503
    | UpsertVectorResponse504
    | None
):
    """Upsert one vector (an id is generated when absent).

    Args:
        db (str):
        body (UpsertVectorBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        UpsertVectorResponse201 | UpsertVectorResponse400 | UpsertVectorResponse404 | UpsertVectorResponse409 | UpsertVectorResponse413 | UpsertVectorResponse503 | UpsertVectorResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
