from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.upsert_vectors_body import UpsertVectorsBody
from ...models.upsert_vectors_response_201 import UpsertVectorsResponse201
from ...models.upsert_vectors_response_400 import UpsertVectorsResponse400
from ...models.upsert_vectors_response_404 import UpsertVectorsResponse404
from ...models.upsert_vectors_response_409 import UpsertVectorsResponse409
from ...models.upsert_vectors_response_413 import UpsertVectorsResponse413
from ...models.upsert_vectors_response_503 import UpsertVectorsResponse503
from ...models.upsert_vectors_response_504 import UpsertVectorsResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: UpsertVectorsBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/databases/{db}/vectors/batch".format(
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
    UpsertVectorsResponse201
    | UpsertVectorsResponse400
    | UpsertVectorsResponse404
    | UpsertVectorsResponse409
    | UpsertVectorsResponse413
    | UpsertVectorsResponse503
    | UpsertVectorsResponse504
    | None
):
    if response.status_code == 201:
        response_201 = UpsertVectorsResponse201.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = UpsertVectorsResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = UpsertVectorsResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = UpsertVectorsResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = UpsertVectorsResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = UpsertVectorsResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = UpsertVectorsResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    UpsertVectorsResponse201
    | UpsertVectorsResponse400
    | UpsertVectorsResponse404
    | UpsertVectorsResponse409
    | UpsertVectorsResponse413
    | UpsertVectorsResponse503
    | UpsertVectorsResponse504
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
    body: UpsertVectorsBody,
) -> Response[
    UpsertVectorsResponse201
    | UpsertVectorsResponse400
    | UpsertVectorsResponse404
    | UpsertVectorsResponse409
    | UpsertVectorsResponse413
    | UpsertVectorsResponse503
    | UpsertVectorsResponse504
]:
    """Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.

    Args:
        db (str):
        body (UpsertVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[UpsertVectorsResponse201 | UpsertVectorsResponse400 | UpsertVectorsResponse404 | UpsertVectorsResponse409 | UpsertVectorsResponse413 | UpsertVectorsResponse503 | UpsertVectorsResponse504]
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
    body: UpsertVectorsBody,
) -> (
    UpsertVectorsResponse201
    | UpsertVectorsResponse400
    | UpsertVectorsResponse404
    | UpsertVectorsResponse409
    | UpsertVectorsResponse413
    | UpsertVectorsResponse503
    | UpsertVectorsResponse504
    | None
):
    """Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.

    Args:
        db (str):
        body (UpsertVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        UpsertVectorsResponse201 | UpsertVectorsResponse400 | UpsertVectorsResponse404 | UpsertVectorsResponse409 | UpsertVectorsResponse413 | UpsertVectorsResponse503 | UpsertVectorsResponse504
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
    body: UpsertVectorsBody,
) -> Response[
    UpsertVectorsResponse201
    | UpsertVectorsResponse400
    | UpsertVectorsResponse404
    | UpsertVectorsResponse409
    | UpsertVectorsResponse413
    | UpsertVectorsResponse503
    | UpsertVectorsResponse504
]:
    """Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.

    Args:
        db (str):
        body (UpsertVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[UpsertVectorsResponse201 | UpsertVectorsResponse400 | UpsertVectorsResponse404 | UpsertVectorsResponse409 | UpsertVectorsResponse413 | UpsertVectorsResponse503 | UpsertVectorsResponse504]
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
    body: UpsertVectorsBody,
) -> (
    UpsertVectorsResponse201
    | UpsertVectorsResponse400
    | UpsertVectorsResponse404
    | UpsertVectorsResponse409
    | UpsertVectorsResponse413
    | UpsertVectorsResponse503
    | UpsertVectorsResponse504
    | None
):
    """Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.

    Args:
        db (str):
        body (UpsertVectorsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        UpsertVectorsResponse201 | UpsertVectorsResponse400 | UpsertVectorsResponse404 | UpsertVectorsResponse409 | UpsertVectorsResponse413 | UpsertVectorsResponse503 | UpsertVectorsResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
