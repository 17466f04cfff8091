from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.set_audit_level_body_level import SetAuditLevelBodyLevel

T = TypeVar("T", bound="SetAuditLevelBody")


@_attrs_define
class SetAuditLevelBody:
    """
    Attributes:
        level (SetAuditLevelBodyLevel):
    """

    level: SetAuditLevelBodyLevel

    def to_dict(self) -> dict[str, Any]:
        level = self.level.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "level": level,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        level = SetAuditLevelBodyLevel(d.pop("level"))

        set_audit_level_body = cls(
            level=level,
        )

        return set_audit_level_body
