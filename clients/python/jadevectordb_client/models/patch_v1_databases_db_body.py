from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.patch_v1_databases_db_body_index import PatchV1DatabasesDbBodyIndex


T = TypeVar("T", bound="PatchV1DatabasesDbBody")


@_attrs_define
class PatchV1DatabasesDbBody:
    """
    Attributes:
        description (None | str | Unset):
        index (PatchV1DatabasesDbBodyIndex | Unset):
    """

    description: None | str | Unset = UNSET
    index: PatchV1DatabasesDbBodyIndex | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        index: dict[str, Any] | Unset = UNSET
        if not isinstance(self.index, Unset):
            index = self.index.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if index is not UNSET:
            field_dict["index"] = index

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.patch_v1_databases_db_body_index import PatchV1DatabasesDbBodyIndex  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _index = d.pop("index", UNSET)
        index: PatchV1DatabasesDbBodyIndex | Unset
        if isinstance(_index, Unset):
            index = UNSET
        else:
            index = PatchV1DatabasesDbBodyIndex.from_dict(_index)

        patch_v1_databases_db_body = cls(
            description=description,
            index=index,
        )

        return patch_v1_databases_db_body
