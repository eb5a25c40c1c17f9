"""Entity grains: a metric read per customer, per deposit account or per loan contract, with the
entity's attributes (name, mobile, ID number, ...) beside it. Definitions live in
``entities.yaml``; each metric lists the grains it supports (``Metric.entities``).

>>> customer = load_entities().get("customer")
>>> customer.key, customer.shown
('cust_id', ('cust_id', 'cust_name'))
>>> dict(customer.attribute_words("zh"))["手机号"]
'mobile'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from asker.types import Language
from asker.warehouse.catalog import WarehouseName


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AttributeFile(_Strict):
    code: WarehouseName
    words: list[str] = []
    words_en: list[str] = []


class EntityFile(_Strict):
    code: str
    name: str
    name_en: str
    key: WarehouseName
    table: WarehouseName
    shown: list[WarehouseName]
    words: list[str]
    words_en: list[str]
    attributes: list[AttributeFile] = []
    default_metric: str | None = None


class EntitiesFile(_Strict):
    entities: list[EntityFile]


@dataclass(frozen=True)
class Attribute:
    code: str  # the column of the entity's table
    words: tuple[str, ...]
    words_en: tuple[str, ...]


@dataclass(frozen=True)
class Entity:
    code: str
    name: str
    name_en: str
    key: str  # the column fact tables of this grain carry
    table: str  # the dimension table holding its attributes
    shown: tuple[str, ...]  # always returned, id first
    words: tuple[str, ...]
    words_en: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    default_metric: str | None = None

    def attribute_words(self, language: Language) -> list[tuple[str, str]]:
        """(word, attribute code), longest word first so '手机号码' wins over '手机'."""
        pairs = [
            (w, a.code) for a in self.attributes for w in (a.words if language == "zh" else ())
        ]
        pairs += [(w, a.code) for a in self.attributes for w in a.words_en]
        return sorted(pairs, key=lambda p: -len(p[0]))

    def columns(self, attributes: tuple[str, ...]) -> tuple[str, ...]:
        """The entity columns a query returns: the shown ones, then the asked-for ones."""
        return (*self.shown, *(a for a in attributes if a not in self.shown))


@dataclass(frozen=True)
class Entities:
    items: tuple[Entity, ...]

    def get(self, code: str) -> Entity:
        for entity in self.items:
            if entity.code == code:
                return entity
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.items)


def parse_entities(text: str) -> Entities:
    raw = EntitiesFile.model_validate(yaml.safe_load(text))
    return Entities(
        tuple(
            Entity(
                code=e.code,
                name=e.name,
                name_en=e.name_en,
                key=e.key,
                table=e.table,
                shown=tuple(e.shown),
                words=tuple(e.words),
                words_en=tuple(e.words_en),
                attributes=tuple(
                    Attribute(a.code, tuple(a.words), tuple(a.words_en)) for a in e.attributes
                ),
                default_metric=e.default_metric,
            )
            for e in raw.entities
        )
    )


@cache
def load_entities() -> Entities:
    """The entity grains shipped with asker."""
    text = resources.files("asker.semantic").joinpath("entities.yaml").read_text(encoding="utf-8")
    return parse_entities(text)
