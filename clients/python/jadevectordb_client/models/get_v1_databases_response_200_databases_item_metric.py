from enum import StrEnum


class GetV1DatabasesResponse200DatabasesItemMetric(StrEnum):
    COSINE = "cosine"
    DOT = "dot"
    EUCLIDEAN = "euclidean"

    def __str__(self) -> str:
        return str(self.value)
