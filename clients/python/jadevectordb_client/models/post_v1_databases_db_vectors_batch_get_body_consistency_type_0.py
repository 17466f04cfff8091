from enum import StrEnum


class PostV1DatabasesDbVectorsBatchGetBodyConsistencyType0(StrEnum):
    EVENTUAL = "eventual"
    STRONG = "strong"

    def __str__(self) -> str:
        return str(self.value)
