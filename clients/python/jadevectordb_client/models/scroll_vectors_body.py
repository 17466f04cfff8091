from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.scroll_vectors_body_consistency_type_0 import ScrollVectorsBodyConsistencyType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scroll_vectors_body_consistency_type_1 import ScrollVectorsBodyConsistencyType1
    from ..models.scroll_vectors_body_filter import ScrollVectorsBodyFilter


T = TypeVar("T", bound="ScrollVectorsBody")


@_attrs_define
class ScrollVectorsBody:
    """
    Attributes:
        limit (int | Unset):
        cursor (str | Unset):
        filter_ (ScrollVectorsBodyFilter | Unset): Metadata filter: `{ "must": [...], "should": [...], "must_not": [...]
            }` of conditions `match`, `in`, `range`, `exists` on (dotted) keys.
        include_values (bool | Unset):
        consistency (ScrollVectorsBodyConsistencyType0 | ScrollVectorsBodyConsistencyType1 | Unset): `eventual`
            (default: no wait), `strong` (waits for everything written before the read), or `{ "after": <token> }` (read
            your writes).
    """

    limit: int | Unset = UNSET
    cursor: str | Unset = UNSET
    filter_: ScrollVectorsBodyFilter | Unset = UNSET
    include_values: bool | Unset = UNSET
    consistency: ScrollVectorsBodyConsistencyType0 | ScrollVectorsBodyConsistencyType1 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        cursor = self.cursor

        filter_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.filter_, Unset):
            filter_ = self.filter_.to_dict()

        include_values = self.include_values

        consistency: dict[str, Any] | str | Unset
        if isinstance(self.consistency, Unset):
            consistency = UNSET
        elif isinstance(self.consistency, ScrollVectorsBodyConsistencyType0):
            consistency = self.consistency.value
        else:
            consistency = self.consistency.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if limit is not UNSET:
            field_dict["limit"] = limit
        if cursor is not UNSET:
            field_dict["cursor"] = cursor
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if include_values is not UNSET:
            field_dict["includeValues"] = include_values
        if consistency is not UNSET:
            field_dict["consistency"] = consistency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scroll_vectors_body_consistency_type_1 import ScrollVectorsBodyConsistencyType1  # noqa: PLC0415
        from ..models.scroll_vectors_body_filter import ScrollVectorsBodyFilter  # noqa: PLC0415

        d = dict(src_dict)
        limit = d.pop("limit", UNSET)

        cursor = d.pop("cursor", UNSET)

        _filter_ = d.pop("filter", UNSET)
        filter_: ScrollVectorsBodyFilter | Unset
        if isinstance(_filter_, Unset):
            filter_ = UNSET
        else:
            filter_ = ScrollVectorsBodyFilter.from_dict(_filter_)

        include_values = d.pop("includeValues", UNSET)

        def _parse_consistency(
            data: object,
        ) -> ScrollVectorsBodyConsistencyType0 | ScrollVectorsBodyConsistencyType1 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consistency_type_0 = ScrollVectorsBodyConsistencyType0(data)

                return consistency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            consistency_type_1 = ScrollVectorsBodyConsistencyType1.from_dict(data)

            return consistency_type_1

        consistency = _parse_consistency(d.pop("consistency", UNSET))

        scroll_vectors_body = cls(
            limit=limit,
            cursor=cursor,
            filter_=filter_,
            include_values=include_values,
            consistency=consistency,
        )

        return scroll_vectors_body
