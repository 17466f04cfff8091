from enum import StrEnum


class PostV1DatabasesBodyMetric(StrEnum):
    COSINE = "cosine"
    DOT = "dot"
    EUCLIDEAN = "euclidean"

    def __str__(self) -> str:
        return str(self.value)
