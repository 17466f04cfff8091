from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scroll_vectors_response_200_vectors_item import ScrollVectorsResponse200VectorsItem


T = TypeVar("T", bound="ScrollVectorsResponse200")


@_attrs_define
class ScrollVectorsResponse200:
    """
    Attributes:
        vectors (list[ScrollVectorsResponse200VectorsItem] | Unset):
        next_cursor (None | str | Unset):
    """

    vectors: list[ScrollVectorsResponse200VectorsItem] | Unset = UNSET
    next_cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vectors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.vectors, Unset):
            vectors = []
            for vectors_item_data in self.vectors:
                vectors_item = vectors_item_data.to_dict()
                vectors.append(vectors_item)

        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        else:
            next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if vectors is not UNSET:
            field_dict["vectors"] = vectors
        if next_cursor is not UNSET:
            field_dict["nextCursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scroll_vectors_response_200_vectors_item import ScrollVectorsResponse200VectorsItem  # noqa: PLC0415

        d = dict(src_dict)
        _vectors = d.pop("vectors", UNSET)
        vectors: list[ScrollVectorsResponse200VectorsItem] | Unset = UNSET
        if _vectors is not UNSET:
            vectors = []
            for vectors_item_data in _vectors:
                vectors_item = ScrollVectorsResponse200VectorsItem.from_dict(vectors_item_data)

                vectors.append(vectors_item)

        def _parse_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_cursor = _parse_next_cursor(d.pop("nextCursor", UNSET))

        scroll_vectors_response_200 = cls(
            vectors=vectors,
            next_cursor=next_cursor,
        )

        scroll_vectors_response_200.additional_properties = d
        return scroll_vectors_response_200

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
