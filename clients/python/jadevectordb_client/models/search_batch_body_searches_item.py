from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.search_batch_body_searches_item_consistency_type_0 import SearchBatchBodySearchesItemConsistencyType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.search_batch_body_searches_item_consistency_type_1 import SearchBatchBodySearchesItemConsistencyType1
    from ..models.search_batch_body_searches_item_filter import SearchBatchBodySearchesItemFilter


T = TypeVar("T", bound="SearchBatchBodySearchesItem")


@_attrs_define
class SearchBatchBodySearchesItem:
    """
    Attributes:
        vector (list[float]): The vector: as many numbers as the database dimension, stored as float32 (rounded to
            nearest); each must be finite once rounded and, under cosine, not all of them may round to zero.
        top_k (int | Unset):  Default: 10.
        filter_ (SearchBatchBodySearchesItemFilter | Unset): Metadata filter: `{ "must": [...], "should": [...],
            "must_not": [...] }` of conditions `match`, `in`, `range`, `exists` on (dotted) keys.
        ef_search (int | Unset):
        exact (bool | Unset): Brute force over every live point: exact, slower.
        include_values (bool | Unset):
        include_metadata (bool | Unset):
        consistency (SearchBatchBodySearchesItemConsistencyType0 | SearchBatchBodySearchesItemConsistencyType1 | Unset):
            `eventual` (default: no wait), `strong` (waits for everything written before the read), or `{ "after": <token>
            }` (read your writes).
    """

    vector: list[float]
    top_k: int | Unset = 10
    filter_: SearchBatchBodySearchesItemFilter | Unset = UNSET
    ef_search: int | Unset = UNSET
    exact: bool | Unset = UNSET
    include_values: bool | Unset = UNSET
    include_metadata: bool | Unset = UNSET
    consistency: SearchBatchBodySearchesItemConsistencyType0 | SearchBatchBodySearchesItemConsistencyType1 | Unset = (
        UNSET
    )

    def to_dict(self) -> dict[str, Any]:
        vector = self.vector

        top_k = self.top_k

        filter_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.filter_, Unset):
            filter_ = self.filter_.to_dict()

        ef_search = self.ef_search

        exact = self.exact

        include_values = self.include_values

        include_metadata = self.include_metadata

        consistency: dict[str, Any] | str | Unset
        if isinstance(self.consistency, Unset):
            consistency = UNSET
        elif isinstance(self.consistency, SearchBatchBodySearchesItemConsistencyType0):
            consistency = self.consistency.value
        else:
            consistency = self.consistency.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "vector": vector,
            }
        )
        if top_k is not UNSET:
            field_dict["topK"] = top_k
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if ef_search is not UNSET:
            field_dict["efSearch"] = ef_search
        if exact is not UNSET:
            field_dict["exact"] = exact
        if include_values is not UNSET:
            field_dict["includeValues"] = include_values
        if include_metadata is not UNSET:
            field_dict["includeMetadata"] = include_metadata
        if consistency is not UNSET:
            field_dict["consistency"] = consistency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.search_batch_body_searches_item_consistency_type_1 import (
            SearchBatchBodySearchesItemConsistencyType1,  # noqa: PLC0415
        )
        from ..models.search_batch_body_searches_item_filter import SearchBatchBodySearchesItemFilter  # noqa: PLC0415

        d = dict(src_dict)
        vector = cast(list[float], d.pop("vector"))

        top_k = d.pop("topK", UNSET)

        _filter_ = d.pop("filter", UNSET)
        filter_: SearchBatchBodySearchesItemFilter | Unset
        if isinstance(_filter_, Unset):
            filter_ = UNSET
        else:
            filter_ = SearchBatchBodySearchesItemFilter.from_dict(_filter_)

        ef_search = d.pop("efSearch", UNSET)

        exact = d.pop("exact", UNSET)

        include_values = d.pop("includeValues", UNSET)

        include_metadata = d.pop("includeMetadata", UNSET)

        def _parse_consistency(
            data: object,
        ) -> SearchBatchBodySearchesItemConsistencyType0 | SearchBatchBodySearchesItemConsistencyType1 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consistency_type_0 = SearchBatchBodySearchesItemConsistencyType0(data)

                return consistency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            consistency_type_1 = SearchBatchBodySearchesItemConsistencyType1.from_dict(data)

            return consistency_type_1

        consistency = _parse_consistency(d.pop("consistency", UNSET))

        search_batch_body_searches_item = cls(
            vector=vector,
            top_k=top_k,
            filter_=filter_,
            ef_search=ef_search,
            exact=exact,
            include_values=include_values,
            include_metadata=include_metadata,
            consistency=consistency,
        )

        return search_batch_body_searches_item
