"""What the index holds: one ``Document`` per metric, glossary term, table, column, dimension
value and reviewed example, each naming the roles that may see it.

Who may see what is decided by the caller (the api layer reads the permission policy) and
passed in as ``Grants``: retrieval imports neither access nor the gate. A table is visible to a role
that can read one of its columns; a denied column is never described to that role; a masked
column is described (name and comment) and marked masked. Dimension values are reference values
(org names, product types, channels): never a person's name, never a PII column, never a sample
row. All text passes through ``redact_pii``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from asker.pii import redact_pii
from asker.retrieval.seeds import Example, GlossaryTerm
from asker.semantic.joins import end_table, join_path
from asker.semantic.model import Dictionary, Dimension, Metric
from asker.semantic.validate import base_tables
from asker.types import DocKind
from asker.warehouse.catalog import Catalog, Table

ColumnAccess = Callable[[str, str, str], str]  # (role, table, column) -> visible|masked|denied
MAX_VALUES = 200  # a dimension with more distinct values is not low-cardinality: not indexed
PERSON_NAME = "姓名"  # a column whose comment says it holds a person's name is never a value


@dataclass(frozen=True)
class Grants:
    """The roles the index serves and how each sees every column (from the permission policy)."""

    roles: tuple[str, ...]
    column_access: ColumnAccess

    def column_roles(self, table: str, column: str) -> tuple[str, ...]:
        return tuple(r for r in self.roles if self.column_access(r, table, column) != "denied")

    def table_roles(self, table: Table) -> tuple[str, ...]:
        return tuple(r for r in self.roles if self.column_roles_of(table, r))

    def column_roles_of(self, table: Table, role: str) -> tuple[str, ...]:
        return tuple(
            c.name
            for c in table.columns
            if self.column_access(role, table.name, c.name) != "denied"
        )


@dataclass(frozen=True)
class Document:
    id: str
    kind: DocKind
    key: str
    text: str
    roles: tuple[str, ...]
    names: tuple[str, ...] = ()  # what the document is called, matched whole in a question
    orgs: tuple[str, ...] | None = None  # an org unit's own value: the units it stands for

    @property
    def digest(self) -> str:
        """Changes whenever the text, names or roles change: the upsert compares it."""
        scope = "-" if self.orgs is None else ",".join(self.orgs)
        parts = (self.kind, self.key, self.text, *sorted(self.roles), *self.names, scope)
        body = "\x1f".join(parts)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def _doc(
    id_: str,
    kind: DocKind,
    key: str,
    lines: Iterable[str],
    roles: Sequence[str],
    *,
    names: Iterable[str] = (),
    orgs: tuple[str, ...] | None = None,
) -> Document:
    text = redact_pii("\n".join(line for line in lines if line))
    kept = tuple(dict.fromkeys(redact_pii(n).lower() for n in names if len(n) >= 2))
    return Document(id_, kind, key, text, tuple(sorted(set(roles))), kept, orgs)


def _head(comment: str) -> str:
    """A comment's leading phrase: 「交易类型」 of 「交易类型（转账/消费/...）」."""
    return re.split(r"[（(：:，,；;]", comment, maxsplit=1)[0].strip()


def _join(items: Iterable[str]) -> str:
    return "、".join(i for i in items if i)


def filter_tables(metric: Metric, dictionary: Dictionary, catalog: Catalog) -> set[str]:
    """Tables a metric's own filters join to (储蓄存款 reads dim_customer.cust_type)."""
    measure = metric.measure
    if measure is None:
        return set()
    tables = set()
    for dim_filter in measure.filters:
        dimension = dictionary.dimension(dim_filter.dimension)
        steps = join_path(catalog, measure.table, dimension.path)
        tables.add(end_table(catalog, measure.table, steps).name)
    return tables


def metric_document(
    metric: Metric, dictionary: Dictionary, grants: Grants, catalog: Catalog
) -> Document:
    tables = sorted(base_tables(metric, dictionary))
    needed = set(tables) | filter_tables(metric, dictionary, catalog)
    roles = [
        r for r in grants.roles if all(grants.column_roles_of(catalog.table(t), r) for t in needed)
    ]
    dims = [
        dictionary.dimension(d).name for d in metric.dimensions if d in dictionary.dimension_codes
    ]
    return _doc(
        f"metric:{metric.code}",
        "metric",
        metric.code,
        (
            f"指标 metric {metric.name}（{metric.name_en}）code={metric.code}",
            f"同义词 synonyms：{_join((*metric.synonyms, *metric.abbreviations, *metric.aliases))}",
            f"English：{_join(metric.synonyms_en)}",
            f"口径：{metric.definition}",
            f"Definition: {metric.definition_en}",
            f"维度 dimensions：{_join(dims)}",
            f"类别 category：{metric.category}；单位 unit：{metric.unit}",
            f"来源表 tables：{_join(tables)}",
        ),
        roles if tables else (),
        names=metric.terms,
    )


def table_document(table: Table, grants: Grants) -> Document:
    roles = grants.table_roles(table)
    # Only columns every one of these roles may read appear here; the rest have their own docs.
    shared = [
        c for c in table.columns if all(c.name in grants.column_roles_of(table, r) for r in roles)
    ]
    return _doc(
        f"table:{table.name}",
        "table",
        table.name,
        (
            f"表 table {table.name}：{table.comment}",
            f"粒度 grain：{table.grain}",
            f"列 columns：{_join(f'{c.name}（{c.comment}）' for c in shared)}",
        ),
        roles,
        names=(table.name, _head(table.comment)),
    )


def column_documents(table: Table, grants: Grants) -> list[Document]:
    docs = []
    for column in table.columns:
        roles = grants.column_roles(table.name, column.name)
        if not roles:
            continue
        masked = any(grants.column_access(r, table.name, column.name) == "masked" for r in roles)
        note = "个人信息，按角色脱敏显示 PII, shown masked" if (column.pii or masked) else ""
        docs.append(
            _doc(
                f"column:{table.name}.{column.name}",
                "column",
                f"{table.name}.{column.name}",
                (
                    f"列 column {table.name}.{column.name}（{column.type}）：{column.comment}",
                    f"所属表 table：{table.name}（{table.comment}）",
                    note,
                ),
                roles,
                names=(column.name, _head(column.comment)),
            )
        )
    return docs


def dimension_table(dimension: Dimension, dictionary: Dictionary, catalog: Catalog) -> Table | None:
    """The table holding the dimension's column, reached from a metric that allows it."""
    for metric in dictionary.metrics:
        if dimension.code in metric.dimensions:
            for table in sorted(base_tables(metric, dictionary)):
                return end_table(catalog, table, join_path(catalog, table, dimension.path))
    return None


def value_documents(
    values: Sequence[tuple[str, str, str]], dictionary: Dictionary, catalog: Catalog, grants: Grants
) -> list[Document]:
    """Low-cardinality reference values: never PII, never a person's name, at most MAX_VALUES."""
    docs: list[Document] = []
    for dimension in dictionary.dimensions:
        table = dimension_table(dimension, dictionary, catalog)
        rows = sorted({(k, label) for d, k, label in values if d == dimension.code})
        if table is None or not rows or len(rows) > MAX_VALUES:
            continue
        column = table.column(dimension.column)
        if column.pii or PERSON_NAME in column.comment:
            continue
        roles = [
            r
            for r in grants.column_roles(table.name, column.name)
            if r in grants.column_roles(table.name, dimension.key_column)
        ]
        docs += [
            _doc(
                f"value:{table.name}.{column.name}={label}",
                "value",
                f"{table.name}.{column.name}",
                (
                    f"维度值 value {label}：{dimension.name}（{dimension.name_en}）",
                    f"{table.name}.{column.name} = '{label}'"
                    + (f"；{table.name}.{dimension.key_column} = '{key}'" if key != label else ""),
                ),
                roles,
                names=(label,),
                orgs=_org_scope(table, dimension, key),
            )
            for key, label in rows
        ]
    return _unique(docs)


def _org_scope(table: Table, dimension: Dimension, key: str) -> tuple[str, ...] | None:
    """Values of the org-unit table are org-scoped: an org's own name stands for that org; any
    other value there (a city) stands for no single org and is left out of scoped searches."""
    if table.org_column is None or table.primary_key != (table.org_column,):
        return None
    return (key,) if dimension.key_column == table.org_column else ()


def _unique(docs: list[Document]) -> list[Document]:
    """One document per id (two dimensions over one column share values): the first wins."""
    seen: dict[str, Document] = {}
    for doc in docs:
        seen.setdefault(doc.id, doc)
    return list(seen.values())


def glossary_documents(terms: Sequence[GlossaryTerm], readers: Sequence[str]) -> list[Document]:
    return [
        _doc(
            f"glossary:{term.term}",
            "glossary",
            term.term,
            (
                f"术语 term {term.term}（{term.term_en}）",
                f"释义：{term.meaning}",
                f"Meaning: {term.meaning_en}" if term.meaning_en else "",
                f"相关指标 metrics：{_join(term.metrics)}" if term.metrics else "",
            ),
            readers,
            names=(term.term, term.term_en),
        )
        for term in terms
    ]


def example_roles(example: Example, catalog: Catalog, grants: Grants) -> list[str]:
    """Roles that may read every table and every named column of the example's SQL."""
    try:
        tree = sqlglot.parse_one(example.sql, dialect="duckdb")
    except sqlglot.errors.ParseError:
        return []  # fail closed: an example nobody can check is shown to nobody
    tables = set(example.tables) | {t.name for t in tree.find_all(exp.Table)}
    if not tables <= set(catalog.table_names):
        return []
    columns = {c.name for c in tree.find_all(exp.Column)}
    roles = []
    for role in grants.roles:
        readable = [set(grants.column_roles_of(catalog.table(t), role)) for t in tables]
        named = {c for t in tables for c in catalog.table(t).column_names if c in columns}
        if all(readable) and named <= set().union(*readable):
            roles.append(role)
    return roles


def example_documents(
    examples: Sequence[Example], catalog: Catalog, grants: Grants
) -> list[Document]:
    return [
        _doc(
            f"example:{ex.id}",
            "example",
            ex.id,
            (
                f"问题 question：{ex.question}",
                f"SQL：{ex.sql.strip()}",
                f"表 tables：{_join(ex.tables)}",
            ),
            example_roles(ex, catalog, grants),
        )
        for ex in examples
    ]


def build_documents(
    dictionary: Dictionary,
    catalog: Catalog,
    grants: Grants,
    *,
    values: Sequence[tuple[str, str, str]] = (),
    glossary: Sequence[GlossaryTerm] = (),
    examples: Sequence[Example] = (),
) -> list[Document]:
    """Every document of the index; documents no role may see are left out."""
    readers = [r for r in grants.roles if any(grants.column_roles_of(t, r) for t in catalog.tables)]
    docs = [metric_document(m, dictionary, grants, catalog) for m in dictionary.metrics]
    docs += glossary_documents(glossary, readers)
    for table in catalog.tables:
        docs += [table_document(table, grants), *column_documents(table, grants)]
    docs += value_documents(values, dictionary, catalog, grants)
    docs += example_documents(examples, catalog, grants)
    return [d for d in _unique(docs) if d.roles]
