from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.create_api_key_body_databases_type_0 import CreateApiKeyBodyDatabasesType0
from ..models.create_api_key_body_roles_item import CreateApiKeyBodyRolesItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateApiKeyBody")


@_attrs_define
class CreateApiKeyBody:
    """
    Attributes:
        roles (list[CreateApiKeyBodyRolesItem]):
        databases (CreateApiKeyBodyDatabasesType0 | list[str]):
        name (str | Unset):
        expires_in_seconds (int | Unset):
    """

    roles: list[CreateApiKeyBodyRolesItem]
    databases: CreateApiKeyBodyDatabasesType0 | list[str]
    name: str | Unset = UNSET
    expires_in_seconds: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        roles = []
        for roles_item_data in self.roles:
            roles_item = roles_item_data.value
            roles.append(roles_item)

        databases: list[str] | str
        if isinstance(self.databases, CreateApiKeyBodyDatabasesType0):
            databases = self.databases.value
        else:
            databases = self.databases

        name = self.name

        expires_in_seconds = self.expires_in_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "roles": roles,
                "databases": databases,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if expires_in_seconds is not UNSET:
            field_dict["expiresInSeconds"] = expires_in_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        roles = []
        _roles = d.pop("roles")
        for roles_item_data in _roles:
            roles_item = CreateApiKeyBodyRolesItem(roles_item_data)

            roles.append(roles_item)

        def _parse_databases(data: object) -> CreateApiKeyBodyDatabasesType0 | list[str]:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                databases_type_0 = CreateApiKeyBodyDatabasesType0(data)

                return databases_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            databases_type_1 = cast(list[str], data)

            return databases_type_1

        databases = _parse_databases(d.pop("databases"))

        name = d.pop("name", UNSET)

        expires_in_seconds = d.pop("expiresInSeconds", UNSET)

        create_api_key_body = cls(
            roles=roles,
            databases=databases,
            name=name,
            expires_in_seconds=expires_in_seconds,
        )

        return create_api_key_body
