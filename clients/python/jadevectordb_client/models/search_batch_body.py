from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.search_batch_body_searches_item import SearchBatchBodySearchesItem


T = TypeVar("T", bound="SearchBatchBody")


@_attrs_define
class SearchBatchBody:
    """
    Attributes:
        searches (list[SearchBatchBodySearchesItem]):
    """

    searches: list[SearchBatchBodySearchesItem]

    def to_dict(self) -> dict[str, Any]:
        searches = []
        for searches_item_data in self.searches:
            searches_item = searches_item_data.to_dict()
            searches.append(searches_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "searches": searches,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.search_batch_body_searches_item import SearchBatchBodySearchesItem  # noqa: PLC0415

        d = dict(src_dict)
        searches = []
        _searches = d.pop("searches")
        for searches_item_data in _searches:
            searches_item = SearchBatchBodySearchesItem.from_dict(searches_item_data)

            searches.append(searches_item)

        search_batch_body = cls(
            searches=searches,
        )

        return search_batch_body
