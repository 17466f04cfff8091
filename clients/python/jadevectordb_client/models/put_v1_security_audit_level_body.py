from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.put_v1_security_audit_level_body_level import PutV1SecurityAuditLevelBodyLevel

T = TypeVar("T", bound="PutV1SecurityAuditLevelBody")


@_attrs_define
class PutV1SecurityAuditLevelBody:
    """
    Attributes:
        level (PutV1SecurityAuditLevelBodyLevel):
    """

    level: PutV1SecurityAuditLevelBodyLevel

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
        level = PutV1SecurityAuditLevelBodyLevel(d.pop("level"))

        put_v1_security_audit_level_body = cls(
            level=level,
        )

        return put_v1_security_audit_level_body
