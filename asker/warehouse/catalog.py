"""The schema catalog: tables, columns, Chinese comments, keys, join paths, PII tags and row scope.

Loaded from ``catalog.yaml`` and validated as a whole: every problem is reported at once.

Names are compared the way DuckDB and Spark compare them, case-insensitively: every table and
column name is kept in its canonical (lower-case) form, which the gate, the policy and the
compiler use, and the warehouse's own spelling (``stored``) beside it, which an engine that
compares quoted names exactly (PostgreSQL) is sent. Two names that differ only in case cannot be
told apart that way, so a catalog that has them is refused.

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
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from asker.errors import ConfigError

PiiType = Literal["name", "id_number", "mobile", "bank_card", "address"]
Part = Literal["hidden", "kept"]  # which part of a masked value carries the encoded fact
Generalisation = Literal["year"]  # how a column that rebuilds a hidden part is coarsened
Entity = Literal["customer", "account", "loan", "transaction", "application", "lead"]
ALLOWED_TYPES = ("VARCHAR", "DATE", "TIMESTAMP", "INTEGER", "BIGINT", "BOOLEAN", "DOUBLE")


def canonical(name: str) -> str:
    """How asker compares a warehouse name: ``CUST_ID``, ``Cust_Id`` and ``cust_id`` are one."""
    return name.lower()


# A table or column name in a file a bank writes (policy, dictionary), folded as it is read.
WarehouseName = Annotated[str, AfterValidator(canonical)]


def _fold(obj: object, field: str) -> None:
    """Set ``obj.field`` (a frozen dataclass's name) to its canonical form."""
    object.__setattr__(obj, field, canonical(getattr(obj, field)))


@dataclass(frozen=True)
class Encoded:
    """One fact a PII value encodes: ``what`` (e.g. birth_date, gender, region), the column of
    the same table that holds it (None: no column does), which part of the masked value carries
    it, and how that column is generalised for a role that sees the PII value masked."""

    what: str
    part: Part
    column: str | None = None
    generalise: Generalisation | None = None

    def __post_init__(self) -> None:
        if self.column is not None:
            _fold(self, "column")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str
    pii: PiiType | None = None
    entity: Entity | None = None
    encodes: tuple[Encoded, ...] = ()
    independent_of: tuple[str, ...] = ()  # columns the value must not be built from
    stored: str = ""  # the warehouse's own spelling; set from ``name`` when not given

    def __post_init__(self) -> None:
        object.__setattr__(self, "stored", self.stored or self.name)
        _fold(self, "name")
        object.__setattr__(self, "independent_of", tuple(map(canonical, self.independent_of)))


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    references: str
    ref_columns: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(map(canonical, self.columns)))
        object.__setattr__(self, "ref_columns", tuple(map(canonical, self.ref_columns)))
        _fold(self, "references")


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
    stored: str = ""  # the warehouse's own spelling; set from ``name`` when not given

    def __post_init__(self) -> None:
        object.__setattr__(self, "stored", self.stored or self.name)
        _fold(self, "name")
        object.__setattr__(self, "primary_key", tuple(map(canonical, self.primary_key)))
        for field in ("org_column", "customer_column"):
            if getattr(self, field) is not None:
                _fold(self, field)
        _refuse_case_twins(f"{self.stored}: ", [c.stored for c in self.columns])

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def create_sql(self) -> str:
        cols = ",\n  ".join(f'"{c.stored}" {c.type}' for c in self.columns)
        return f'CREATE TABLE "{self.stored}" (\n  {cols}\n)'


def _refuse_case_twins(where: str, stored: Iterable[str]) -> None:
    by_name: dict[str, list[str]] = {}
    for name in stored:
        by_name.setdefault(canonical(name), []).append(name)
    twins = [names for names in by_name.values() if len(set(names)) > 1]
    if twins:
        problems = tuple(
            f"{where}{' / '.join(names)}: 名称只有大小写不同，无法区分 names that differ only in "
            "case cannot be told apart (rename one in the warehouse or leave it out of the catalog)"
            for names in twins
        )
        raise ConfigError("CATALOG_INVALID", source="catalog", problems=problems)


@dataclass(frozen=True)
class Catalog:
    tables: tuple[Table, ...]

    def __post_init__(self) -> None:
        _refuse_case_twins("", [t.stored for t in self.tables])

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


def _table_problems(t: _TableFile, tables: dict[str, _TableFile]) -> list[str]:
    """What is wrong with one table of the file; names compared canonically (case aside)."""
    cols = [canonical(c.name) for c in t.columns]
    problems = [f"{t.name}.{n}: 列名重复 duplicate column" for n in set(cols) if cols.count(n) > 1]
    problems += [
        f"{t.name}.{c.name}: 不支持的类型 unsupported type {c.type!r}"
        for c in t.columns
        if not _type_ok(c.type)
    ]
    problems += [
        f"{t.name}.primary_key: 未知列 unknown column {k!r}"
        for k in t.primary_key
        if canonical(k) not in cols
    ]
    problems += _encoding_problems(t, cols)
    for field, col in (("scope.org", t.scope.org), ("scope.customer", t.scope.customer)):
        if col is not None and canonical(col) not in cols:
            problems.append(f"{t.name}.{field}: 未知列 unknown column {col!r}")
    for fk in t.foreign_keys:
        problems += [
            f"{t.name}.foreign_keys: 未知列 unknown column {c!r}"
            for c in fk.columns
            if canonical(c) not in cols
        ]
        target = tables.get(canonical(fk.references))
        if target is None:
            problems.append(f"{t.name}.foreign_keys: 未知表 unknown table {fk.references!r}")
            continue
        target_cols = {canonical(c.name) for c in target.columns}
        problems += [
            f"{t.name}.foreign_keys: 未知列 unknown column {fk.references}.{c}"
            for c in fk.ref_columns
            if canonical(c) not in target_cols
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
            f"{t.name}.{c.name}: 未知列 unknown column {n!r}"
            for n in named
            if canonical(n) not in cols
        ]
        problems += [
            f"{t.name}.{c.name}: {e.column} 含被遮盖部分，须声明 generalise "
            f"(holds the hidden part: declare how it is generalised)"
            for e in c.encodes
            if e.part == "hidden" and e.column is not None and e.generalise is None
        ]
    return problems


def _check(doc: _CatalogFile) -> list[str]:
    names = [canonical(t.name) for t in doc.tables]
    tables = {canonical(t.name): t for t in doc.tables}
    problems = [f"{n}: 表名重复 duplicate table" for n in sorted(set(names)) if names.count(n) > 1]
    for t in doc.tables:
        problems += _table_problems(t, tables)
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
