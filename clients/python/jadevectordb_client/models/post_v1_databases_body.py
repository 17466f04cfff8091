from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.post_v1_databases_body_metric import PostV1DatabasesBodyMetric
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.post_v1_databases_body_index import PostV1DatabasesBodyIndex


T = TypeVar("T", bound="PostV1DatabasesBody")


@_attrs_define
class PostV1DatabasesBody:
    """
    Attributes:
        name (str): Database name.
        dimension (int):
        metric (PostV1DatabasesBodyMetric):
        index (PostV1DatabasesBodyIndex | Unset):
        description (None | str | Unset):
    """

    name: str
    dimension: int
    metric: PostV1DatabasesBodyMetric
    index: PostV1DatabasesBodyIndex | Unset = UNSET
    description: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        dimension = self.dimension

        metric = self.metric.value

        index: dict[str, Any] | Unset = UNSET
        if not isinstance(self.index, Unset):
            index = self.index.to_dict()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "dimension": dimension,
                "metric": metric,
            }
        )
        if index is not UNSET:
            field_dict["index"] = index
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.post_v1_databases_body_index import PostV1DatabasesBodyIndex  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        dimension = d.pop("dimension")

        metric = PostV1DatabasesBodyMetric(d.pop("metric"))

        _index = d.pop("index", UNSET)
        index: PostV1DatabasesBodyIndex | Unset
        if isinstance(_index, Unset):
            index = UNSET
        else:
            index = PostV1DatabasesBodyIndex.from_dict(_index)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        post_v1_databases_body = cls(
            name=name,
            dimension=dimension,
            metric=metric,
            index=index,
            description=description,
        )

        return post_v1_databases_body
