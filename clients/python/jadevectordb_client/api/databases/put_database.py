from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.put_database_body import PutDatabaseBody
from ...models.put_database_response_200 import PutDatabaseResponse200
from ...models.put_database_response_400 import PutDatabaseResponse400
from ...models.put_database_response_404 import PutDatabaseResponse404
from ...models.put_database_response_409 import PutDatabaseResponse409
from ...models.put_database_response_503 import PutDatabaseResponse503
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: PutDatabaseBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/databases/{db}".format(
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
    PutDatabaseResponse200
    | PutDatabaseResponse400
    | PutDatabaseResponse404
    | PutDatabaseResponse409
    | PutDatabaseResponse503
    | None
):
    if response.status_code == 200:
        response_200 = PutDatabaseResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = PutDatabaseResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = PutDatabaseResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = PutDatabaseResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 503:
        response_503 = PutDatabaseResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    PutDatabaseResponse200
    | PutDatabaseResponse400
    | PutDatabaseResponse404
    | PutDatabaseResponse409
    | PutDatabaseResponse503
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
    body: PutDatabaseBody,
) -> Response[
    PutDatabaseResponse200
    | PutDatabaseResponse400
    | PutDatabaseResponse404
    | PutDatabaseResponse409
    | PutDatabaseResponse503
]:
    """Change a database’s description or default efSearch.

    Args:
        db (str):
        body (PutDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PutDatabaseResponse200 | PutDatabaseResponse400 | PutDatabaseResponse404 | PutDatabaseResponse409 | PutDatabaseResponse503]
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
    body: PutDatabaseBody,
) -> (
    PutDatabaseResponse200
    | PutDatabaseResponse400
    | PutDatabaseResponse404
    | PutDatabaseResponse409
    | PutDatabaseResponse503
    | None
):
    """Change a database’s description or default efSearch.

    Args:
        db (str):
        body (PutDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PutDatabaseResponse200 | PutDatabaseResponse400 | PutDatabaseResponse404 | PutDatabaseResponse409 | PutDatabaseResponse503
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
    body: PutDatabaseBody,
) -> Response[
    PutDatabaseResponse200
    | PutDatabaseResponse400
    | PutDatabaseResponse404
    | PutDatabaseResponse409
    | PutDatabaseResponse503
]:
    """Change a database’s description or default efSearch.

    Args:
        db (str):
        body (PutDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PutDatabaseResponse200 | PutDatabaseResponse400 | PutDatabaseResponse404 | PutDatabaseResponse409 | PutDatabaseResponse503]
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
    body: PutDatabaseBody,
) -> (
    PutDatabaseResponse200
    | PutDatabaseResponse400
    | PutDatabaseResponse404
    | PutDatabaseResponse409
    | PutDatabaseResponse503
    | None
):
    """Change a database’s description or default efSearch.

    Args:
        db (str):
        body (PutDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PutDatabaseResponse200 | PutDatabaseResponse400 | PutDatabaseResponse404 | PutDatabaseResponse409 | PutDatabaseResponse503
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
