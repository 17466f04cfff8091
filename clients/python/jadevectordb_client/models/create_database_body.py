from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.create_database_body_metric import CreateDatabaseBodyMetric
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_database_body_index import CreateDatabaseBodyIndex


T = TypeVar("T", bound="CreateDatabaseBody")


@_attrs_define
class CreateDatabaseBody:
    """
    Attributes:
        name (str): Database name.
        dimension (int):
        metric (CreateDatabaseBodyMetric):
        index (CreateDatabaseBodyIndex | Unset):
        description (None | str | Unset):
    """

    name: str
    dimension: int
    metric: CreateDatabaseBodyMetric
    index: CreateDatabaseBodyIndex | Unset = UNSET
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
        from ..models.create_database_body_index import CreateDatabaseBodyIndex  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        dimension = d.pop("dimension")

        metric = CreateDatabaseBodyMetric(d.pop("metric"))

        _index = d.pop("index", UNSET)
        index: CreateDatabaseBodyIndex | Unset
        if isinstance(_index, Unset):
            index = UNSET
        else:
            index = CreateDatabaseBodyIndex.from_dict(_index)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        create_database_body = cls(
            name=name,
            dimension=dimension,
            metric=metric,
            index=index,
            description=description,
        )

        return create_database_body
