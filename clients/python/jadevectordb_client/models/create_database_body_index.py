from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateDatabaseBodyIndex")


@_attrs_define
class CreateDatabaseBodyIndex:
    """
    Attributes:
        m (int | Unset): HNSW links per node (default 16).
        ef_construction (int | Unset): HNSW build beam (default 200).
        ef_search (int | Unset): Default search beam per shard (default 64).
    """

    m: int | Unset = UNSET
    ef_construction: int | Unset = UNSET
    ef_search: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        m = self.m

        ef_construction = self.ef_construction

        ef_search = self.ef_search

        field_dict: dict[str, Any] = {}

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

        create_database_body_index = cls(
            m=m,
            ef_construction=ef_construction,
            ef_search=ef_search,
        )

        return create_database_body_index
