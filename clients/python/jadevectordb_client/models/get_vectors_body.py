from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.get_vectors_body_consistency_type_0 import GetVectorsBodyConsistencyType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.get_vectors_body_consistency_type_1 import GetVectorsBodyConsistencyType1


T = TypeVar("T", bound="GetVectorsBody")


@_attrs_define
class GetVectorsBody:
    """
    Attributes:
        ids (list[str]):
        consistency (GetVectorsBodyConsistencyType0 | GetVectorsBodyConsistencyType1 | Unset): `eventual` (default: no
            wait), `strong` (waits for everything written before the read), or `{ "after": <token> }` (read your writes).
    """

    ids: list[str]
    consistency: GetVectorsBodyConsistencyType0 | GetVectorsBodyConsistencyType1 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        ids = self.ids

        consistency: dict[str, Any] | str | Unset
        if isinstance(self.consistency, Unset):
            consistency = UNSET
        elif isinstance(self.consistency, GetVectorsBodyConsistencyType0):
            consistency = self.consistency.value
        else:
            consistency = self.consistency.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ids": ids,
            }
        )
        if consistency is not UNSET:
            field_dict["consistency"] = consistency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.get_vectors_body_consistency_type_1 import GetVectorsBodyConsistencyType1  # noqa: PLC0415

        d = dict(src_dict)
        ids = cast(list[str], d.pop("ids"))

        def _parse_consistency(data: object) -> GetVectorsBodyConsistencyType0 | GetVectorsBodyConsistencyType1 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consistency_type_0 = GetVectorsBodyConsistencyType0(data)

                return consistency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            consistency_type_1 = GetVectorsBodyConsistencyType1.from_dict(data)

            return consistency_type_1

        consistency = _parse_consistency(d.pop("consistency", UNSET))

        get_vectors_body = cls(
            ids=ids,
            consistency=consistency,
        )

        return get_vectors_body
