from enum import StrEnum


class PostV1DatabasesDbSearchBatchBodySearchesItemConsistencyType0(StrEnum):
    EVENTUAL = "eventual"
    STRONG = "strong"

    def __str__(self) -> str:
        return str(self.value)
