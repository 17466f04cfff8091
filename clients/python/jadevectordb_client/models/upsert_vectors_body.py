from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.upsert_vectors_body_vectors_item import UpsertVectorsBodyVectorsItem


T = TypeVar("T", bound="UpsertVectorsBody")


@_attrs_define
class UpsertVectorsBody:
    """
    Attributes:
        vectors (list[UpsertVectorsBodyVectorsItem]):
    """

    vectors: list[UpsertVectorsBodyVectorsItem]

    def to_dict(self) -> dict[str, Any]:
        vectors = []
        for vectors_item_data in self.vectors:
            vectors_item = vectors_item_data.to_dict()
            vectors.append(vectors_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "vectors": vectors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upsert_vectors_body_vectors_item import UpsertVectorsBodyVectorsItem  # noqa: PLC0415

        d = dict(src_dict)
        vectors = []
        _vectors = d.pop("vectors")
        for vectors_item_data in _vectors:
            vectors_item = UpsertVectorsBodyVectorsItem.from_dict(vectors_item_data)

            vectors.append(vectors_item)

        upsert_vectors_body = cls(
            vectors=vectors,
        )

        return upsert_vectors_body
