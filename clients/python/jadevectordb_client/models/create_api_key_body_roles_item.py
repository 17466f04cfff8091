from enum import StrEnum


class CreateApiKeyBodyRolesItem(StrEnum):
    ADMIN = "admin"
    READER = "reader"
    WRITER = "writer"

    def __str__(self) -> str:
        return str(self.value)
