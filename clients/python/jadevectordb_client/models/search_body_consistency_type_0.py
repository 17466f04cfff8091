from enum import StrEnum


class SearchBodyConsistencyType0(StrEnum):
    EVENTUAL = "eventual"
    STRONG = "strong"

    def __str__(self) -> str:
        return str(self.value)
