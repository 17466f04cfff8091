from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.create_database_response_201_metric import CreateDatabaseResponse201Metric
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_database_response_201_index import CreateDatabaseResponse201Index


T = TypeVar("T", bound="CreateDatabaseResponse201")


@_attrs_define
class CreateDatabaseResponse201:
    """
    Attributes:
        name (str | Unset):
        dimension (int | Unset):
        metric (CreateDatabaseResponse201Metric | Unset):
        index (CreateDatabaseResponse201Index | Unset):
        description (None | str | Unset):
        created_at (str | Unset):
        vector_count (int | Unset):
    """

    name: str | Unset = UNSET
    dimension: int | Unset = UNSET
    metric: CreateDatabaseResponse201Metric | Unset = UNSET
    index: CreateDatabaseResponse201Index | Unset = UNSET
    description: None | str | Unset = UNSET
    created_at: str | Unset = UNSET
    vector_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        dimension = self.dimension

        metric: str | Unset = UNSET
        if not isinstance(self.metric, Unset):
            metric = self.metric.value

        index: dict[str, Any] | Unset = UNSET
        if not isinstance(self.index, Unset):
            index = self.index.to_dict()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        created_at = self.created_at

        vector_count = self.vector_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if dimension is not UNSET:
            field_dict["dimension"] = dimension
        if metric is not UNSET:
            field_dict["metric"] = metric
        if index is not UNSET:
            field_dict["index"] = index
        if description is not UNSET:
            field_dict["description"] = description
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if vector_count is not UNSET:
            field_dict["vectorCount"] = vector_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_database_response_201_index import CreateDatabaseResponse201Index  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        dimension = d.pop("dimension", UNSET)

        _metric = d.pop("metric", UNSET)
        metric: CreateDatabaseResponse201Metric | Unset
        if isinstance(_metric, Unset):
            metric = UNSET
        else:
            metric = CreateDatabaseResponse201Metric(_metric)

        _index = d.pop("index", UNSET)
        index: CreateDatabaseResponse201Index | Unset
        if isinstance(_index, Unset):
            index = UNSET
        else:
            index = CreateDatabaseResponse201Index.from_dict(_index)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        created_at = d.pop("createdAt", UNSET)

        vector_count = d.pop("vectorCount", UNSET)

        create_database_response_201 = cls(
            name=name,
            dimension=dimension,
            metric=metric,
            index=index,
            description=description,
            created_at=created_at,
            vector_count=vector_count,
        )

        create_database_response_201.additional_properties = d
        return create_database_response_201

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
