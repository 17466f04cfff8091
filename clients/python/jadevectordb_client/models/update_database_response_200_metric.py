from enum import StrEnum


class UpdateDatabaseResponse200Metric(StrEnum):
    COSINE = "cosine"
    DOT = "dot"
    EUCLIDEAN = "euclidean"

    def __str__(self) -> str:
        return str(self.value)
