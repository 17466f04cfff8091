from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SearchBatchResponse200ResultsItemItem")


@_attrs_define
class SearchBatchResponse200ResultsItemItem:
    """
    Attributes:
        id (str | Unset):
        score (float | Unset):
        metadata (Any | Unset): The metadata as written, or null.
        values (list[float] | Unset):
    """

    id: str | Unset = UNSET
    score: float | Unset = UNSET
    metadata: Any | Unset = UNSET
    values: list[float] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        score = self.score

        metadata = self.metadata

        values: list[float] | Unset = UNSET
        if not isinstance(self.values, Unset):
            values = self.values

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if score is not UNSET:
            field_dict["score"] = score
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if values is not UNSET:
            field_dict["values"] = values

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        score = d.pop("score", UNSET)

        metadata = d.pop("metadata", UNSET)

        values = cast(list[float], d.pop("values", UNSET))

        search_batch_response_200_results_item_item = cls(
            id=id,
            score=score,
            metadata=metadata,
            values=values,
        )

        search_batch_response_200_results_item_item.additional_properties = d
        return search_batch_response_200_results_item_item

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
