from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.put_vector_body_metadata_type_0 import PutVectorBodyMetadataType0


T = TypeVar("T", bound="PutVectorBody")


@_attrs_define
class PutVectorBody:
    """
    Attributes:
        values (list[float]): The vector: as many numbers as the database dimension, stored as float32 (rounded to
            nearest); each must be finite once rounded and, under cosine, not all of them may round to zero.
        metadata (None | PutVectorBodyMetadataType0 | Unset): Any JSON object, returned as written.
    """

    values: list[float]
    metadata: None | PutVectorBodyMetadataType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.put_vector_body_metadata_type_0 import PutVectorBodyMetadataType0  # noqa: PLC0415

        values = self.values

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, PutVectorBodyMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "values": values,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.put_vector_body_metadata_type_0 import PutVectorBodyMetadataType0  # noqa: PLC0415

        d = dict(src_dict)
        values = cast(list[float], d.pop("values"))

        def _parse_metadata(data: object) -> None | PutVectorBodyMetadataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = PutVectorBodyMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PutVectorBodyMetadataType0 | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        put_vector_body = cls(
            values=values,
            metadata=metadata,
        )

        return put_vector_body
