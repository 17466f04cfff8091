from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.patch_vector_metadata_body_metadata_type_0 import PatchVectorMetadataBodyMetadataType0


T = TypeVar("T", bound="PatchVectorMetadataBody")


@_attrs_define
class PatchVectorMetadataBody:
    """
    Attributes:
        metadata (None | PatchVectorMetadataBodyMetadataType0): Any JSON object, returned as written.
    """

    metadata: None | PatchVectorMetadataBodyMetadataType0

    def to_dict(self) -> dict[str, Any]:
        from ..models.patch_vector_metadata_body_metadata_type_0 import PatchVectorMetadataBodyMetadataType0  # noqa: PLC0415

        metadata: dict[str, Any] | None
        if isinstance(self.metadata, PatchVectorMetadataBodyMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "metadata": metadata,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.patch_vector_metadata_body_metadata_type_0 import PatchVectorMetadataBodyMetadataType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_metadata(data: object) -> None | PatchVectorMetadataBodyMetadataType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = PatchVectorMetadataBodyMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PatchVectorMetadataBodyMetadataType0, data)

        metadata = _parse_metadata(d.pop("metadata"))

        patch_vector_metadata_body = cls(
            metadata=metadata,
        )

        return patch_vector_metadata_body
