from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.post_v1_databases_db_vectors_batch_body_vectors_item import (
        PostV1DatabasesDbVectorsBatchBodyVectorsItem,
    )


T = TypeVar("T", bound="PostV1DatabasesDbVectorsBatchBody")


@_attrs_define
class PostV1DatabasesDbVectorsBatchBody:
    """
    Attributes:
        vectors (list[PostV1DatabasesDbVectorsBatchBodyVectorsItem]):
    """

    vectors: list[PostV1DatabasesDbVectorsBatchBodyVectorsItem]

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
        from ..models.post_v1_databases_db_vectors_batch_body_vectors_item import (
            PostV1DatabasesDbVectorsBatchBodyVectorsItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        vectors = []
        _vectors = d.pop("vectors")
        for vectors_item_data in _vectors:
            vectors_item = PostV1DatabasesDbVectorsBatchBodyVectorsItem.from_dict(vectors_item_data)

            vectors.append(vectors_item)

        post_v1_databases_db_vectors_batch_body = cls(
            vectors=vectors,
        )

        return post_v1_databases_db_vectors_batch_body
