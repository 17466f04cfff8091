from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SearchBatchBodySearchesItemConsistencyType1")


@_attrs_define
class SearchBatchBodySearchesItemConsistencyType1:
    """
    Attributes:
        after (str):
    """

    after: str

    def to_dict(self) -> dict[str, Any]:
        after = self.after

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "after": after,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        after = d.pop("after")

        search_batch_body_searches_item_consistency_type_1 = cls(
            after=after,
        )

        return search_batch_body_searches_item_consistency_type_1
