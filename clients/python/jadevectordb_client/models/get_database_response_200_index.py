from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GetDatabaseResponse200Index")


@_attrs_define
class GetDatabaseResponse200Index:
    """
    Attributes:
        m (int | Unset):
        ef_construction (int | Unset):
        ef_search (int | Unset):
    """

    m: int | Unset = UNSET
    ef_construction: int | Unset = UNSET
    ef_search: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        m = self.m

        ef_construction = self.ef_construction

        ef_search = self.ef_search

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if m is not UNSET:
            field_dict["m"] = m
        if ef_construction is not UNSET:
            field_dict["efConstruction"] = ef_construction
        if ef_search is not UNSET:
            field_dict["efSearch"] = ef_search

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        m = d.pop("m", UNSET)

        ef_construction = d.pop("efConstruction", UNSET)

        ef_search = d.pop("efSearch", UNSET)

        get_database_response_200_index = cls(
            m=m,
            ef_construction=ef_construction,
            ef_search=ef_search,
        )

        get_database_response_200_index.additional_properties = d
        return get_database_response_200_index

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
