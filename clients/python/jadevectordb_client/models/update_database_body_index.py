from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateDatabaseBodyIndex")


@_attrs_define
class UpdateDatabaseBodyIndex:
    """
    Attributes:
        ef_search (int | Unset): Default search beam per shard (default 64).
    """

    ef_search: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        ef_search = self.ef_search

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if ef_search is not UNSET:
            field_dict["efSearch"] = ef_search

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ef_search = d.pop("efSearch", UNSET)

        update_database_body_index = cls(
            ef_search=ef_search,
        )

        return update_database_body_index
