from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.count_vectors_body_consistency_type_0 import CountVectorsBodyConsistencyType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.count_vectors_body_consistency_type_1 import CountVectorsBodyConsistencyType1
    from ..models.count_vectors_body_filter import CountVectorsBodyFilter


T = TypeVar("T", bound="CountVectorsBody")


@_attrs_define
class CountVectorsBody:
    """
    Attributes:
        filter_ (CountVectorsBodyFilter | Unset): Metadata filter: `{ "must": [...], "should": [...], "must_not": [...]
            }` of conditions `match`, `in`, `range`, `exists` on (dotted) keys.
        consistency (CountVectorsBodyConsistencyType0 | CountVectorsBodyConsistencyType1 | Unset): `eventual` (default:
            no wait), `strong` (waits for everything written before the read), or `{ "after": <token> }` (read your writes).
    """

    filter_: CountVectorsBodyFilter | Unset = UNSET
    consistency: CountVectorsBodyConsistencyType0 | CountVectorsBodyConsistencyType1 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        filter_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.filter_, Unset):
            filter_ = self.filter_.to_dict()

        consistency: dict[str, Any] | str | Unset
        if isinstance(self.consistency, Unset):
            consistency = UNSET
        elif isinstance(self.consistency, CountVectorsBodyConsistencyType0):
            consistency = self.consistency.value
        else:
            consistency = self.consistency.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if consistency is not UNSET:
            field_dict["consistency"] = consistency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.count_vectors_body_consistency_type_1 import CountVectorsBodyConsistencyType1  # noqa: PLC0415
        from ..models.count_vectors_body_filter import CountVectorsBodyFilter  # noqa: PLC0415

        d = dict(src_dict)
        _filter_ = d.pop("filter", UNSET)
        filter_: CountVectorsBodyFilter | Unset
        if isinstance(_filter_, Unset):
            filter_ = UNSET
        else:
            filter_ = CountVectorsBodyFilter.from_dict(_filter_)

        def _parse_consistency(
            data: object,
        ) -> CountVectorsBodyConsistencyType0 | CountVectorsBodyConsistencyType1 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consistency_type_0 = CountVectorsBodyConsistencyType0(data)

                return consistency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            consistency_type_1 = CountVectorsBodyConsistencyType1.from_dict(data)

            return consistency_type_1

        consistency = _parse_consistency(d.pop("consistency", UNSET))

        count_vectors_body = cls(
            filter_=filter_,
            consistency=consistency,
        )

        return count_vectors_body
