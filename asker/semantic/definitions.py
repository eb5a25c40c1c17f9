"""The dictionary's YAML format (pydantic at the edge) and its conversion to frozen values.

Every file is read before anything is reported, so one run lists every problem in every file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from asker.semantic import model
from asker.warehouse.catalog import WarehouseName

CODE = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FilterFile(_Strict):
    dimension: str
    values: list[str] = Field(min_length=1)


class MeasureFile(_Strict):
    table: WarehouseName
    expr: str = Field(min_length=1)
    time: str = Field(min_length=1)
    where: str | None = None
    filters: list[FilterFile] = []
    snapshot: bool = False
    per_day: bool = False
    window: Literal["year_to_date"] | None = None
    org_rows: Literal["all", "query_level"] = "all"


class MigrationFile(_Strict):
    table: WarehouseName
    key: WarehouseName
    time: WarehouseName
    class_column: WarehouseName
    amount: WarehouseName
    from_classes: list[str] = Field(min_length=1)
    to_classes: list[str] = Field(min_length=1)


class InputFile(_Strict):
    code: str
    alias: str = Field(pattern=CODE)
    offset: Literal["none", "prior_year_end"] = "none"


_REQUIRED: dict[str, tuple[str, ...]] = {
    "simple": ("measure",),
    "cumulative": ("measure",),
    "ratio": ("numerator", "denominator"),
    "derived": ("expr", "inputs"),
    "migration": ("migration",),
}


class MetricFile(_Strict):
    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    type: Literal["simple", "ratio", "derived", "cumulative", "migration"]
    definition: str = Field(min_length=5)
    definition_en: str = Field(min_length=5)
    measure: MeasureFile | None = None
    numerator: str | None = None
    denominator: str | None = None
    expr: str | None = None
    inputs: list[InputFile] = []
    migration: MigrationFile | None = None
    synonyms: list[str] = []
    synonyms_en: list[str] = []
    abbreviations: list[str] = []
    aliases: list[str] = []
    dimensions: list[str] = []
    entities: list[str] = []
    unit: str
    format: Literal["amount", "count", "percent"]
    # Which way is good (colours a change): required, null when neither is (a target, 存贷比).
    higher_is_better: bool | None
    category: Literal["监管", "风险", "考核", "财务", "业务"]
    owner_department: str = Field(min_length=1)
    steward: str = Field(min_length=1)
    locked: bool = False

    @model_validator(mode="after")
    def _fields_of_its_type(self) -> MetricFile:
        missing = [f for f in _REQUIRED[self.type] if not getattr(self, f)]
        if missing:
            raise ValueError(f"type {self.type} 需要字段 requires: {', '.join(missing)}")
        if self.type == "cumulative" and self.measure and not self.measure.window:
            raise ValueError("cumulative 需要 measure.window requires measure.window")
        if self.type == "simple" and self.measure and self.measure.window:
            raise ValueError("simple 不能有 window; use type cumulative")
        return self


class DimensionFile(_Strict):
    code: str = Field(pattern=CODE)
    name: str
    name_en: str
    column: WarehouseName
    path: list[WarehouseName] = []
    key: WarehouseName | None = None
    synonyms: list[str] = []
    synonyms_en: list[str] = []
    values_where: str | None = None


class DictionaryFile(_Strict):
    metrics: list[MetricFile] = []
    dimensions: list[DimensionFile] = []


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the dictionary: where it is and what to do about it."""

    source: str
    metric: str
    field: str
    message: str

    def __str__(self) -> str:
        where = " · ".join(p for p in (self.source, self.metric, self.field) if p)
        return f"{where}: {self.message}"


def _tuple(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def to_measure(m: MeasureFile) -> model.Measure:
    return model.Measure(
        table=m.table,
        expr=m.expr,
        time=m.time,
        where=m.where,
        filters=tuple(model.DimensionFilter(f.dimension, _tuple(f.values)) for f in m.filters),
        snapshot=m.snapshot,
        per_day=m.per_day,
        window=m.window,
        org_rows=m.org_rows,
    )


def to_metric(m: MetricFile, source: str) -> model.Metric:
    mig = m.migration
    return model.Metric(
        code=m.code,
        name=m.name,
        name_en=m.name_en,
        type=m.type,
        definition=m.definition,
        definition_en=m.definition_en,
        unit=m.unit,
        format=m.format,
        category=m.category,
        owner_department=m.owner_department,
        steward=m.steward,
        dimensions=_tuple(m.dimensions),
        synonyms=_tuple(m.synonyms),
        synonyms_en=_tuple(m.synonyms_en),
        abbreviations=_tuple(m.abbreviations),
        aliases=_tuple(m.aliases),
        measure=to_measure(m.measure) if m.measure else None,
        numerator=m.numerator,
        denominator=m.denominator,
        expr=m.expr,
        inputs=tuple(model.MetricInput(i.code, i.alias, i.offset) for i in m.inputs),
        migration=model.Migration(
            table=mig.table,
            key=mig.key,
            time=mig.time,
            class_column=mig.class_column,
            amount=mig.amount,
            from_classes=_tuple(mig.from_classes),
            to_classes=_tuple(mig.to_classes),
        )
        if mig
        else None,
        locked=m.locked,
        higher_is_better=m.higher_is_better,
        source=source,
        entities=_tuple(m.entities),
    )


def to_dimension(d: DimensionFile) -> model.Dimension:
    return model.Dimension(
        code=d.code,
        name=d.name,
        name_en=d.name_en,
        column=d.column,
        path=_tuple(d.path),
        key=d.key,
        values_where=d.values_where,
        synonyms=_tuple(d.synonyms),
        synonyms_en=_tuple(d.synonyms_en),
    )


def _item_problems(source: str, code: str, err: ValidationError) -> list[Problem]:
    return [Problem(source, code, ".".join(map(str, e["loc"])), e["msg"]) for e in err.errors()]


def _items(
    source: str, raw: dict[str, Any], key: str, kind: type[_Strict]
) -> tuple[list[Any], list[Problem]]:
    """Validate each item on its own so one bad metric does not hide the others."""
    items = raw.get(key) or []
    if not isinstance(items, list):
        return [], [Problem(source, "", key, "必须是列表 must be a list")]
    parsed, problems = [], []
    for index, item in enumerate(items):
        code = str(item.get("code", f"#{index + 1}")) if isinstance(item, dict) else f"#{index + 1}"
        try:
            parsed.append(kind.model_validate(item))
        except ValidationError as exc:
            problems += _item_problems(source, code, exc)
    return parsed, problems


def parse_file(source: str, text: str) -> tuple[DictionaryFile | None, list[Problem]]:
    """One YAML document: the metrics and dimensions that are well-formed, and every problem."""
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        return None, [Problem(source, "", "", f"YAML 语法错误 syntax error: {exc}")]
    if not isinstance(raw, dict):
        return None, [Problem(source, "", "", "顶层必须是映射 top level must be a mapping")]
    unknown = sorted(set(raw) - {"metrics", "dimensions"})
    problems = [Problem(source, "", key, "未知字段 unknown field") for key in unknown]
    metrics, found = _items(source, raw, "metrics", MetricFile)
    dims, found_dims = _items(source, raw, "dimensions", DimensionFile)
    return DictionaryFile(metrics=metrics, dimensions=dims), problems + found + found_dims


def build(files: Mapping[str, DictionaryFile]) -> model.Dictionary:
    return model.Dictionary(
        metrics=tuple(to_metric(m, src) for src, f in files.items() for m in f.metrics),
        dimensions=tuple(to_dimension(d) for f in files.values() for d in f.dimensions),
    )


def seed_texts() -> dict[str, str]:
    """The demo dictionary shipped with asker: {file name: YAML text}."""
    folder = resources.files("asker.semantic").joinpath("dictionary")
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    }


def read_texts(path: Path) -> dict[str, str]:
    """YAML texts from a file or every ``*.yaml`` in a folder."""
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return {str(p): p.read_text(encoding="utf-8") for p in files}
