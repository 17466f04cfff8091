from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.post_v1_databases_db_search_batch_body_searches_item import (
        PostV1DatabasesDbSearchBatchBodySearchesItem,
    )


T = TypeVar("T", bound="PostV1DatabasesDbSearchBatchBody")


@_attrs_define
class PostV1DatabasesDbSearchBatchBody:
    """
    Attributes:
        searches (list[PostV1DatabasesDbSearchBatchBodySearchesItem]):
    """

    searches: list[PostV1DatabasesDbSearchBatchBodySearchesItem]

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
        from ..models.post_v1_databases_db_search_batch_body_searches_item import (
            PostV1DatabasesDbSearchBatchBodySearchesItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        searches = []
        _searches = d.pop("searches")
        for searches_item_data in _searches:
            searches_item = PostV1DatabasesDbSearchBatchBodySearchesItem.from_dict(searches_item_data)

            searches.append(searches_item)

        post_v1_databases_db_search_batch_body = cls(
            searches=searches,
        )

        return post_v1_databases_db_search_batch_body
