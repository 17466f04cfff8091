from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.update_database_body import UpdateDatabaseBody
from ...models.update_database_response_200 import UpdateDatabaseResponse200
from ...models.update_database_response_400 import UpdateDatabaseResponse400
from ...models.update_database_response_404 import UpdateDatabaseResponse404
from ...models.update_database_response_409 import UpdateDatabaseResponse409
from ...models.update_database_response_503 import UpdateDatabaseResponse503
from ...types import Response


def _get_kwargs(
    db: str,
    *,
    body: UpdateDatabaseBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
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
    UpdateDatabaseResponse200
    | UpdateDatabaseResponse400
    | UpdateDatabaseResponse404
    | UpdateDatabaseResponse409
    | UpdateDatabaseResponse503
    | None
):
    if response.status_code == 200:
        response_200 = UpdateDatabaseResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = UpdateDatabaseResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = UpdateDatabaseResponse404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = UpdateDatabaseResponse409.from_dict(response.json())

        return response_409

    if response.status_code == 503:
        response_503 = UpdateDatabaseResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    UpdateDatabaseResponse200
    | UpdateDatabaseResponse400
    | UpdateDatabaseResponse404
    | UpdateDatabaseResponse409
    | UpdateDatabaseResponse503
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
    body: UpdateDatabaseBody,
) -> Response[
    UpdateDatabaseResponse200
    | UpdateDatabaseResponse400
    | UpdateDatabaseResponse404
    | UpdateDatabaseResponse409
    | UpdateDatabaseResponse503
]:
    """Change a database’s description or default efSearch.

    Args:
        db (str):
        body (UpdateDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[UpdateDatabaseResponse200 | UpdateDatabaseResponse400 | UpdateDatabaseResponse404 | UpdateDatabaseResponse409 | UpdateDatabaseResponse503]
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
    body: UpdateDatabaseBody,
) -> (
    UpdateDatabaseResponse200
    | UpdateDatabaseResponse400
    | UpdateDatabaseResponse404
    | UpdateDatabaseResponse409
    | UpdateDatabaseResponse503
    | None
):
    """Change a database’s description or default efSearch.

    Args:
        db (str):
        body (UpdateDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        UpdateDatabaseResponse200 | UpdateDatabaseResponse400 | UpdateDatabaseResponse404 | UpdateDatabaseResponse409 | UpdateDatabaseResponse503
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
    body: UpdateDatabaseBody,
) -> Response[
    UpdateDatabaseResponse200
    | UpdateDatabaseResponse400
    | UpdateDatabaseResponse404
    | UpdateDatabaseResponse409
    | UpdateDatabaseResponse503
]:
    """Change a database’s description or default efSearch.

    Args:
        db (str):
        body (UpdateDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[UpdateDatabaseResponse200 | UpdateDatabaseResponse400 | UpdateDatabaseResponse404 | UpdateDatabaseResponse409 | UpdateDatabaseResponse503]
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
    body: UpdateDatabaseBody,
) -> (
    UpdateDatabaseResponse200
    | UpdateDatabaseResponse400
    | UpdateDatabaseResponse404
    | UpdateDatabaseResponse409
    | UpdateDatabaseResponse503
    | None
):
    """Change a database’s description or default efSearch.

    Args:
        db (str):
        body (UpdateDatabaseBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        UpdateDatabaseResponse200 | UpdateDatabaseResponse400 | UpdateDatabaseResponse404 | UpdateDatabaseResponse409 | UpdateDatabaseResponse503
    """

    return (
        await asyncio_detailed(
            db=db,
            client=client,
            body=body,
        )
    ).parsed
