from enum import StrEnum


class GetV1DatabasesDbVectorsConsistency(StrEnum):
    EVENTUAL = "eventual"
    STRONG = "strong"

    def __str__(self) -> str:
        return str(self.value)
