from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.post_v1_databases_db_vectors_batch_body import PostV1DatabasesDbVectorsBatchBody
from ...models.post_v1_databases_db_vectors_batch_response_201 import PostV1DatabasesDbVectorsBatchResponse201
from ...models.post_v1_databases_db_vectors_batch_response_400 import PostV1DatabasesDbVectorsBatchResponse400
from ...models.post_v1_databases_db_vectors_batch_response_404 import PostV1DatabasesDbVectorsBatchResponse404
from ...models.post_v1_databases_db_vectors_batch_response_409 import PostV1DatabasesDbVectorsBatchResponse409
from ...models.post_v1_databases_db_vectors_batch_response_413 import PostV1DatabasesDbVectorsBatchResponse413
from ...models.post_v1_databases_db_vectors_batch_response_503 import PostV1DatabasesDbVectorsBatchResponse503
from ...models.post_v1_databases_db_vectors_batch_response_504 import PostV1DatabasesDbVectorsBatchResponse504
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: PostV1DatabasesDbVectorsBatchBody,
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
    PostV1DatabasesDbVectorsBatchResponse201
    | PostV1DatabasesDbVectorsBatchResponse400
    | PostV1DatabasesDbVectorsBatchResponse404
    | PostV1DatabasesDbVectorsBatchResponse409
    | PostV1DatabasesDbVectorsBatchResponse413
    | PostV1DatabasesDbVectorsBatchResponse503
    | PostV1DatabasesDbVectorsBatchResponse504
    | None
):
    if response.status_code == 201:
        response_201 = PostV1DatabasesDbVectorsBatchResponse201.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = PostV1DatabasesDbVectorsBatchResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = PostV1DatabasesDbVectorsBatchResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = PostV1DatabasesDbVectorsBatchResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = PostV1DatabasesDbVectorsBatchResponse413.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = PostV1DatabasesDbVectorsBatchResponse503.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = PostV1DatabasesDbVectorsBatchResponse504.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    PostV1DatabasesDbVectorsBatchResponse201
    | PostV1DatabasesDbVectorsBatchResponse400
    | PostV1DatabasesDbVectorsBatchResponse404
    | PostV1DatabasesDbVectorsBatchResponse409
    | PostV1DatabasesDbVectorsBatchResponse413
    | PostV1DatabasesDbVectorsBatchResponse503
    | PostV1DatabasesDbVectorsBatchResponse504
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
    body: PostV1DatabasesDbVectorsBatchBody,
) -> Response[
    PostV1DatabasesDbVectorsBatchResponse201
    | PostV1DatabasesDbVectorsBatchResponse400
    | PostV1DatabasesDbVectorsBatchResponse404
    | PostV1DatabasesDbVectorsBatchResponse409
    | PostV1DatabasesDbVectorsBatchResponse413
    | PostV1DatabasesDbVectorsBatchResponse503
    | PostV1DatabasesDbVectorsBatchResponse504
]:
    """Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.

    Args:
        db (str):
        body (PostV1DatabasesDbVectorsBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostV1DatabasesDbVectorsBatchResponse201 | PostV1DatabasesDbVectorsBatchResponse400 | PostV1DatabasesDbVectorsBatchResponse404 | PostV1DatabasesDbVectorsBatchResponse409 | PostV1DatabasesDbVectorsBatchResponse413 | PostV1DatabasesDbVectorsBatchResponse503 | PostV1DatabasesDbVectorsBatchResponse504]
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
    body: PostV1DatabasesDbVectorsBatchBody,
) -> (
    PostV1DatabasesDbVectorsBatchResponse201
    | PostV1DatabasesDbVectorsBatchResponse400
    | PostV1DatabasesDbVectorsBatchResponse404
    | PostV1DatabasesDbVectorsBatchResponse409
    | PostV1DatabasesDbVectorsBatchResponse413
    | PostV1DatabasesDbVectorsBatchResponse503
    | PostV1DatabasesDbVectorsBatchResponse504
    | None
):
    """Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.

    Args:
        db (str):
        body (PostV1DatabasesDbVectorsBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostV1DatabasesDbVectorsBatchResponse201 | PostV1DatabasesDbVectorsBatchResponse400 | PostV1DatabasesDbVectorsBatchResponse404 | PostV1DatabasesDbVectorsBatchResponse409 | PostV1DatabasesDbVectorsBatchResponse413 | PostV1DatabasesDbVectorsBatchResponse503 | PostV1DatabasesDbVectorsBatchResponse504
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
    body: PostV1DatabasesDbVectorsBatchBody,
) -> Response[
    PostV1DatabasesDbVectorsBatchResponse201
    | PostV1DatabasesDbVectorsBatchResponse400
    | PostV1DatabasesDbVectorsBatchResponse404
    | PostV1DatabasesDbVectorsBatchResponse409
    | PostV1DatabasesDbVectorsBatchResponse413
    | PostV1DatabasesDbVectorsBatchResponse503
    | PostV1DatabasesDbVectorsBatchResponse504
]:
    """Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.

    Args:
        db (str):
        body (PostV1DatabasesDbVectorsBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostV1DatabasesDbVectorsBatchResponse201 | PostV1DatabasesDbVectorsBatchResponse400 | PostV1DatabasesDbVectorsBatchResponse404 | PostV1DatabasesDbVectorsBatchResponse409 | PostV1DatabasesDbVectorsBatchResponse413 | PostV1DatabasesDbVectorsBatchResponse503 | PostV1DatabasesDbVectorsBatchResponse504]
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
    body: PostV1DatabasesDbVectorsBatchBody,
) -> (
    PostV1DatabasesDbVectorsBatchResponse201
    | PostV1DatabasesDbVectorsBatchResponse400
    | PostV1DatabasesDbVectorsBatchResponse404
    | PostV1DatabasesDbVectorsBatchResponse409
    | PostV1DatabasesDbVectorsBatchResponse413
    | PostV1DatabasesDbVectorsBatchResponse503
    | PostV1DatabasesDbVectorsBatchResponse504
    | None
):
    """Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.

    Args:
        db (str):
        body (PostV1DatabasesDbVectorsBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostV1DatabasesDbVectorsBatchResponse201 | PostV1DatabasesDbVectorsBatchResponse400 | PostV1DatabasesDbVectorsBatchResponse404 | PostV1DatabasesDbVectorsBatchResponse409 | PostV1DatabasesDbVectorsBatchResponse413 | PostV1DatabasesDbVectorsBatchResponse503 | PostV1DatabasesDbVectorsBatchResponse504
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
