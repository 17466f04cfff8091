from enum import StrEnum


class PostV1ApiKeysBodyRolesItem(StrEnum):
    ADMIN = "admin"
    READER = "reader"
    WRITER = "writer"

    def __str__(self) -> str:
        return str(self.value)
