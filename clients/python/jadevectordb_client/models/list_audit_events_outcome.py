from enum import StrEnum


class ListAuditEventsOutcome(StrEnum):
    DENIED = "denied"
    ERROR = "error"
    SUCCESS = "success"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)
