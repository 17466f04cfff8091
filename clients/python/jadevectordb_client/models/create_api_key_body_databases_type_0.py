from enum import StrEnum


class CreateApiKeyBodyDatabasesType0(StrEnum):
    VALUE_0 = "*"

    def __str__(self) -> str:
        return str(self.value)
