from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchVectorMetadataResponse413")


@_attrs_define
class PatchVectorMetadataResponse413:
    """
    Attributes:
        status_code (int | Unset):
        code (str | Unset): Stable error code (see docs/errors.md).
        error (str | Unset):
        message (str | Unset):
        acknowledged (list[str] | Unset):
    """

    status_code: int | Unset = UNSET
    code: str | Unset = UNSET
    error: str | Unset = UNSET
    message: str | Unset = UNSET
    acknowledged: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status_code = self.status_code

        code = self.code

        error = self.error

        message = self.message

        acknowledged: list[str] | Unset = UNSET
        if not isinstance(self.acknowledged, Unset):
            acknowledged = self.acknowledged

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status_code is not UNSET:
            field_dict["statusCode"] = status_code
        if code is not UNSET:
            field_dict["code"] = code
        if error is not UNSET:
            field_dict["error"] = error
        if message is not UNSET:
            field_dict["message"] = message
        if acknowledged is not UNSET:
            field_dict["acknowledged"] = acknowledged

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status_code = d.pop("statusCode", UNSET)

        code = d.pop("code", UNSET)

        error = d.pop("error", UNSET)

        message = d.pop("message", UNSET)

        acknowledged = cast(list[str], d.pop("acknowledged", UNSET))

        patch_vector_metadata_response_413 = cls(
            status_code=status_code,
            code=code,
            error=error,
            message=message,
            acknowledged=acknowledged,
        )

        patch_vector_metadata_response_413.additional_properties = d
        return patch_vector_metadata_response_413

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
