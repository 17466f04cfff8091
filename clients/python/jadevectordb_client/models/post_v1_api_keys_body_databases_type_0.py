from enum import StrEnum


class PostV1ApiKeysBodyDatabasesType0(StrEnum):
    VALUE_0 = "*"

    def __str__(self) -> str:
        return str(self.value)
