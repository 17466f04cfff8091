from enum import StrEnum


class ListDatabasesResponse200DatabasesItemMetric(StrEnum):
    COSINE = "cosine"
    DOT = "dot"
    EUCLIDEAN = "euclidean"

    def __str__(self) -> str:
        return str(self.value)
