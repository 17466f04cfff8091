from enum import StrEnum


class SetAuditLevelBodyLevel(StrEnum):
    ALL = "all"
    OFF = "off"
    SECURITY = "security"
    WRITE = "write"

    def __str__(self) -> str:
        return str(self.value)
