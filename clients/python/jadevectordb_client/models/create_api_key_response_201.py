from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateApiKeyResponse201")


@_attrs_define
class CreateApiKeyResponse201:
    """
    Attributes:
        key_id (str | Unset):
        name (None | str | Unset):
        roles (list[str] | Unset):
        databases (Any | Unset):
        expires_at (None | str | Unset):
        created_at (str | Unset):
        revoked (bool | Unset):
        key (str | Unset):
    """

    key_id: str | Unset = UNSET
    name: None | str | Unset = UNSET
    roles: list[str] | Unset = UNSET
    databases: Any | Unset = UNSET
    expires_at: None | str | Unset = UNSET
    created_at: str | Unset = UNSET
    revoked: bool | Unset = UNSET
    key: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_id = self.key_id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = self.roles

        databases = self.databases

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = self.expires_at

        created_at = self.created_at

        revoked = self.revoked

        key = self.key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if key_id is not UNSET:
            field_dict["keyId"] = key_id
        if name is not UNSET:
            field_dict["name"] = name
        if roles is not UNSET:
            field_dict["roles"] = roles
        if databases is not UNSET:
            field_dict["databases"] = databases
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if revoked is not UNSET:
            field_dict["revoked"] = revoked
        if key is not UNSET:
            field_dict["key"] = key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key_id = d.pop("keyId", UNSET)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        roles = cast(list[str], d.pop("roles", UNSET))

        databases = d.pop("databases", UNSET)

        def _parse_expires_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expires_at = _parse_expires_at(d.pop("expiresAt", UNSET))

        created_at = d.pop("createdAt", UNSET)

        revoked = d.pop("revoked", UNSET)

        key = d.pop("key", UNSET)

        create_api_key_response_201 = cls(
            key_id=key_id,
            name=name,
            roles=roles,
            databases=databases,
            expires_at=expires_at,
            created_at=created_at,
            revoked=revoked,
            key=key,
        )

        create_api_key_response_201.additional_properties = d
        return create_api_key_response_201

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
