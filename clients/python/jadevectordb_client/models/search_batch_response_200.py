from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.search_batch_response_200_results_item_item import SearchBatchResponse200ResultsItemItem


T = TypeVar("T", bound="SearchBatchResponse200")


@_attrs_define
class SearchBatchResponse200:
    """
    Attributes:
        results (list[list[SearchBatchResponse200ResultsItemItem]] | Unset):
    """

    results: list[list[SearchBatchResponse200ResultsItemItem]] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        results: list[list[dict[str, Any]]] | Unset = UNSET
        if not isinstance(self.results, Unset):
            results = []
            for results_item_data in self.results:
                results_item = []
                for results_item_item_data in results_item_data:
                    results_item_item = results_item_item_data.to_dict()
                    results_item.append(results_item_item)

                results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if results is not UNSET:
            field_dict["results"] = results

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.search_batch_response_200_results_item_item import SearchBatchResponse200ResultsItemItem  # noqa: PLC0415

        d = dict(src_dict)
        _results = d.pop("results", UNSET)
        results: list[list[SearchBatchResponse200ResultsItemItem]] | Unset = UNSET
        if _results is not UNSET:
            results = []
            for results_item_data in _results:
                results_item = []
                _results_item = results_item_data
                for results_item_item_data in _results_item:
                    results_item_item = SearchBatchResponse200ResultsItemItem.from_dict(results_item_item_data)

                    results_item.append(results_item_item)

                results.append(results_item)

        search_batch_response_200 = cls(
            results=results,
        )

        search_batch_response_200.additional_properties = d
        return search_batch_response_200

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
