from enum import StrEnum


class CreateDatabaseBodyMetric(StrEnum):
    COSINE = "cosine"
    DOT = "dot"
    EUCLIDEAN = "euclidean"

    def __str__(self) -> str:
        return str(self.value)
