from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.upsert_vectors_body_vectors_item_metadata_type_0 import UpsertVectorsBodyVectorsItemMetadataType0


T = TypeVar("T", bound="UpsertVectorsBodyVectorsItem")


@_attrs_define
class UpsertVectorsBodyVectorsItem:
    """
    Attributes:
        values (list[float]): The vector: as many numbers as the database dimension, stored as float32 (rounded to
            nearest); each must be finite once rounded and, under cosine, not all of them may round to zero.
        id (str | Unset): Vector id: 1 to 512 bytes of UTF-8, no NUL.
        metadata (None | Unset | UpsertVectorsBodyVectorsItemMetadataType0): Any JSON object, returned as written.
    """

    values: list[float]
    id: str | Unset = UNSET
    metadata: None | Unset | UpsertVectorsBodyVectorsItemMetadataType0 = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.upsert_vectors_body_vectors_item_metadata_type_0 import UpsertVectorsBodyVectorsItemMetadataType0  # noqa: PLC0415

        values = self.values

        id = self.id

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, UpsertVectorsBodyVectorsItemMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "values": values,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upsert_vectors_body_vectors_item_metadata_type_0 import UpsertVectorsBodyVectorsItemMetadataType0  # noqa: PLC0415

        d = dict(src_dict)
        values = cast(list[float], d.pop("values"))

        id = d.pop("id", UNSET)

        def _parse_metadata(data: object) -> None | Unset | UpsertVectorsBodyVectorsItemMetadataType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = UpsertVectorsBodyVectorsItemMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UpsertVectorsBodyVectorsItemMetadataType0, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        upsert_vectors_body_vectors_item = cls(
            values=values,
            id=id,
            metadata=metadata,
        )

        return upsert_vectors_body_vectors_item
