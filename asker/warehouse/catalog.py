"""The schema catalog: tables, columns, Chinese comments, keys, join paths, PII tags and row scope.

Loaded from ``catalog.yaml`` and validated as a whole: every problem is reported at once.

>>> cat = load_catalog()
>>> cat.table("dim_customer").column("mobile").pii
'mobile'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from asker.errors import ConfigError

PiiType = Literal["name", "id_number", "mobile", "bank_card", "address"]
Part = Literal["hidden", "kept"]  # which part of a masked value carries the encoded fact
Generalisation = Literal["year"]  # how a column that rebuilds a hidden part is coarsened
Entity = Literal["customer", "account", "loan", "transaction", "application", "lead"]
ALLOWED_TYPES = ("VARCHAR", "DATE", "TIMESTAMP", "INTEGER", "BIGINT", "BOOLEAN", "DOUBLE")


@dataclass(frozen=True)
class Encoded:
    """One fact a PII value encodes: ``what`` (e.g. birth_date, gender, region), the column of
    the same table that holds it (None: no column does), which part of the masked value carries
    it, and how that column is generalised for a role that sees the PII value masked."""

    what: str
    part: Part
    column: str | None = None
    generalise: Generalisation | None = None


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str
    pii: PiiType | None = None
    entity: Entity | None = None
    encodes: tuple[Encoded, ...] = ()
    independent_of: tuple[str, ...] = ()  # columns the value must not be built from


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    references: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    comment: str
    grain: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    org_column: str | None = None
    customer_column: str | None = None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def create_sql(self) -> str:
        cols = ",\n  ".join(f'"{c.name}" {c.type}' for c in self.columns)
        return f'CREATE TABLE "{self.name}" (\n  {cols}\n)'


@dataclass(frozen=True)
class Catalog:
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def pii_columns(self) -> tuple[tuple[str, Column], ...]:
        return tuple((t.name, c) for t in self.tables for c in t.columns if c.pii)

    def generalisations(self) -> tuple[tuple[str, str, str, Generalisation], ...]:
        """(table, pii column, column, generalisation) for every column that holds the hidden
        part of a PII value: masking the value is undone unless that column is coarsened too."""
        return tuple(
            (t, c.name, e.column, e.generalise)
            for t, c in self.pii_columns()
            for e in c.encodes
            if e.part == "hidden" and e.column is not None and e.generalise is not None
        )

    def join_edges(self) -> tuple[tuple[str, ForeignKey], ...]:
        """Every foreign key as (from_table, key): the join paths the compiler may walk."""
        return tuple((t.name, fk) for t in self.tables for fk in t.foreign_keys)


# --- the file format (pydantic at the edge) ---------------------------------------------------


class _EncodedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    what: str = Field(min_length=1)
    part: Part
    column: str | None = None
    generalise: Generalisation | None = None


class _ColumnFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    type: str
    comment: str = Field(min_length=1)
    pii: PiiType | None = None
    entity: Entity | None = None
    encodes: list[_EncodedFile] = []
    independent_of: list[str] = []


class _ForeignKeyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: list[str]
    references: str
    ref_columns: list[str]


class _ScopeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    org: str | None = None
    customer: str | None = None


class _TableFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    comment: str = Field(min_length=1)
    grain: str
    primary_key: list[str]
    scope: _ScopeFile = _ScopeFile()
    columns: list[_ColumnFile] = Field(min_length=1)
    foreign_keys: list[_ForeignKeyFile] = []


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tables: list[_TableFile] = Field(min_length=1)


def _type_ok(type_: str) -> bool:
    return type_ in ALLOWED_TYPES or (type_.startswith("DECIMAL(") and type_.endswith(")"))


def _table_problems(t: _TableFile, names: set[str], tables: dict[str, _TableFile]) -> list[str]:
    cols = [c.name for c in t.columns]
    problems = [f"{t.name}.{n}: 列名重复 duplicate column" for n in set(cols) if cols.count(n) > 1]
    problems += [
        f"{t.name}.{c.name}: 不支持的类型 unsupported type {c.type!r}"
        for c in t.columns
        if not _type_ok(c.type)
    ]
    problems += [
        f"{t.name}.primary_key: 未知列 unknown column {k!r}" for k in t.primary_key if k not in cols
    ]
    problems += _encoding_problems(t, cols)
    for field, col in (("scope.org", t.scope.org), ("scope.customer", t.scope.customer)):
        if col is not None and col not in cols:
            problems.append(f"{t.name}.{field}: 未知列 unknown column {col!r}")
    for fk in t.foreign_keys:
        problems += [
            f"{t.name}.foreign_keys: 未知列 unknown column {c!r}"
            for c in fk.columns
            if c not in cols
        ]
        target = tables.get(fk.references)
        if target is None:
            problems.append(f"{t.name}.foreign_keys: 未知表 unknown table {fk.references!r}")
            continue
        target_cols = {c.name for c in target.columns}
        problems += [
            f"{t.name}.foreign_keys: 未知列 unknown column {fk.references}.{c}"
            for c in fk.ref_columns
            if c not in target_cols
        ]
    return problems


def _encoding_problems(t: _TableFile, cols: list[str]) -> list[str]:
    """What a PII column encodes names columns of its table; a column holding a hidden part
    must say how it is generalised, or the mask can be undone from it."""
    problems: list[str] = []
    for c in t.columns:
        if (c.encodes or c.independent_of) and c.pii is None:
            problems.append(f"{t.name}.{c.name}: encodes/independent_of 仅用于 PII 列 (PII only)")
        named = [e.column for e in c.encodes if e.column is not None] + c.independent_of
        problems += [
            f"{t.name}.{c.name}: 未知列 unknown column {n!r}" for n in named if n not in cols
        ]
        problems += [
            f"{t.name}.{c.name}: {e.column} 含被遮盖部分，须声明 generalise "
            f"(holds the hidden part: declare how it is generalised)"
            for e in c.encodes
            if e.part == "hidden" and e.column is not None and e.generalise is None
        ]
    return problems


def _check(doc: _CatalogFile) -> list[str]:
    names = [t.name for t in doc.tables]
    tables = {t.name: t for t in doc.tables}
    problems = [f"{n}: 表名重复 duplicate table" for n in sorted(set(names)) if names.count(n) > 1]
    for t in doc.tables:
        problems += _table_problems(t, set(names), tables)
    return problems


def _build(doc: _CatalogFile) -> Catalog:
    return Catalog(
        tables=tuple(
            Table(
                name=t.name,
                comment=t.comment,
                grain=t.grain,
                primary_key=tuple(t.primary_key),
                columns=tuple(_column(c) for c in t.columns),
                foreign_keys=tuple(
                    ForeignKey(tuple(fk.columns), fk.references, tuple(fk.ref_columns))
                    for fk in t.foreign_keys
                ),
                org_column=t.scope.org,
                customer_column=t.scope.customer,
            )
            for t in doc.tables
        )
    )


def _column(c: _ColumnFile) -> Column:
    return Column(
        name=c.name,
        type=c.type,
        comment=c.comment,
        pii=c.pii,
        entity=c.entity,
        encodes=tuple(Encoded(e.what, e.part, e.column, e.generalise) for e in c.encodes),
        independent_of=tuple(c.independent_of),
    )


def _pydantic_problems(err: ValidationError) -> Iterable[str]:
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"])
        yield f"{loc}: {e['msg']}"


def parse_catalog(text: str, source: str = "catalog.yaml") -> Catalog:
    """Parse and validate catalog YAML; raise ConfigError listing every problem found."""
    try:
        raw = yaml.safe_load(text)
        doc = _CatalogFile.model_validate(raw)
    except yaml.YAMLError as exc:
        raise ConfigError("CATALOG_INVALID", source=source, problems=(str(exc),)) from exc
    except ValidationError as exc:
        raise ConfigError(
            "CATALOG_INVALID", source=source, problems=tuple(_pydantic_problems(exc))
        ) from exc
    problems = _check(doc)
    if problems:
        raise ConfigError("CATALOG_INVALID", source=source, problems=tuple(problems))
    return _build(doc)


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog from ``path``, or the demo bank's catalog shipped with asker."""
    if path is not None:
        return parse_catalog(path.read_text(encoding="utf-8"), source=str(path))
    return _shipped_catalog()


@cache
def _shipped_catalog() -> Catalog:
    """Parsed once per process: the shipped file does not change while asker runs."""
    text = resources.files("asker.warehouse").joinpath("catalog.yaml").read_text(encoding="utf-8")
    return parse_catalog(text)
