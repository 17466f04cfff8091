from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.update_database_body_index import UpdateDatabaseBodyIndex


T = TypeVar("T", bound="UpdateDatabaseBody")


@_attrs_define
class UpdateDatabaseBody:
    """
    Attributes:
        description (None | str | Unset):
        index (UpdateDatabaseBodyIndex | Unset):
    """

    description: None | str | Unset = UNSET
    index: UpdateDatabaseBodyIndex | Unset = UNSET

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
        from ..models.update_database_body_index import UpdateDatabaseBodyIndex  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _index = d.pop("index", UNSET)
        index: UpdateDatabaseBodyIndex | Unset
        if isinstance(_index, Unset):
            index = UNSET
        else:
            index = UpdateDatabaseBodyIndex.from_dict(_index)

        update_database_body = cls(
            description=description,
            index=index,
        )

        return update_database_body
