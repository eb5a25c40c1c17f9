"""Validate a whole dictionary against the schema catalog, collecting every problem at once.

Checks: duplicate codes; a name, synonym, abbreviation or alias claimed by two metrics; unknown
tables and columns; expressions that do not parse or bind; measures without an aggregate; ratio
and derived metrics naming unknown metrics or forming a cycle; dimensions that are unknown or
have no join path from a measure's table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError, TokenError
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from asker.errors import ConfigError
from asker.semantic import definitions
from asker.semantic.definitions import DictionaryFile, Problem
from asker.semantic.entities import load_entities
from asker.semantic.joins import NoJoinPath, end_table, join_path
from asker.semantic.model import Dictionary, Metric
from asker.warehouse.catalog import Catalog, canonical, load_catalog


def catalog_schema(catalog: Catalog) -> MappingSchema:
    return MappingSchema(
        {t.name: {c.name: c.type for c in t.columns} for t in catalog.tables}, dialect="duckdb"
    )


def bind_problem(sql: str, catalog: Catalog, schema: MappingSchema) -> str | None:
    """Why ``sql`` does not parse or bind against the catalog, or None when it does."""
    try:
        tree = sqlglot.parse_one(sql, dialect="duckdb")
    except (ParseError, TokenError) as exc:
        return f"无法解析 does not parse: {str(exc).splitlines()[0]}"
    named = {canonical(t.name) for t in tree.find_all(exp.Table)}
    unknown = sorted(named - set(catalog.table_names))
    if unknown:
        return f"未知表 unknown table: {', '.join(unknown)}"
    try:
        qualify(tree, schema=schema, dialect="duckdb", validate_qualify_columns=True)
    except OptimizeError as exc:
        return f"无法绑定 does not bind: {exc}"
    return None


def _measure_problems(metric: Metric, catalog: Catalog, schema: MappingSchema) -> Iterator[str]:
    m = metric.measure
    assert m is not None
    if m.table not in catalog.table_names:
        yield f"measure.table: 未知表 unknown table {m.table!r}"
        return
    checks = {
        "measure.expr": f"SELECT {m.expr} FROM {m.table} AS src",
        "measure.time": f"SELECT {m.time} FROM {m.table} AS src",
    }
    if m.where:
        checks["measure.where"] = f"SELECT 1 FROM {m.table} AS src WHERE {m.where}"
    for field, sql in checks.items():
        problem = bind_problem(sql, catalog, schema)
        if problem:
            yield f"{field}: {problem}"
    try:
        if not sqlglot.parse_one(m.expr, dialect="duckdb").find(exp.AggFunc):
            yield "measure.expr: 必须是聚合表达式 must aggregate (SUM, COUNT, ...)"
    except (ParseError, TokenError):
        pass  # reported above


def _migration_problems(metric: Metric, catalog: Catalog) -> Iterator[str]:
    mig = metric.migration
    assert mig is not None
    if mig.table not in catalog.table_names:
        yield f"migration.table: 未知表 unknown table {mig.table!r}"
        return
    columns = catalog.table(mig.table).column_names
    for field in ("key", "time", "class_column", "amount"):
        if getattr(mig, field) not in columns:
            yield f"migration.{field}: 未知列 unknown column {getattr(mig, field)!r}"


def base_tables(
    metric: Metric, dictionary: Dictionary, seen: frozenset[str] = frozenset()
) -> set[str]:
    """The physical tables a metric reads, through ratios and derived metrics."""
    if metric.code in seen:
        return set()
    if metric.measure:
        return {metric.measure.table}
    if metric.migration:
        return {metric.migration.table}
    tables: set[str] = set()
    for code in referenced_metrics(metric):
        if code in dictionary.metric_codes:
            tables |= base_tables(dictionary.metric(code), dictionary, seen | {metric.code})
    return tables


def referenced_metrics(metric: Metric) -> tuple[str, ...]:
    refs = (metric.numerator, metric.denominator, *(i.code for i in metric.inputs))
    return tuple(r for r in refs if r)


def _reference_problems(metric: Metric, dictionary: Dictionary) -> Iterator[str]:
    for code in referenced_metrics(metric):
        if code not in dictionary.metric_codes:
            yield f"引用了未知指标 refers to unknown metric {code!r}"
    if metric.type == "derived" and metric.expr:
        aliases = {i.alias for i in metric.inputs}
        try:
            names = {c.name for c in sqlglot.parse_one(metric.expr).find_all(exp.Column)}
        except (ParseError, TokenError) as exc:
            yield f"expr: 无法解析 does not parse: {str(exc).splitlines()[0]}"
            return
        for name in sorted(names - aliases):
            known = ", ".join(sorted(aliases))
            yield f"expr: 未定义的别名 unknown alias {name!r} (inputs: {known})"


def _cycles(dictionary: Dictionary) -> Iterator[tuple[str, str]]:
    graph = {m.code: referenced_metrics(m) for m in dictionary.metrics}
    state: dict[str, int] = {}

    def visit(code: str, trail: tuple[str, ...]) -> Iterator[tuple[str, str]]:
        state[code] = 1
        for ref in graph.get(code, ()):
            if state.get(ref) == 1:
                yield code, " -> ".join((*trail, code, ref))
            elif ref in graph and ref not in state:
                yield from visit(ref, (*trail, code))
        state[code] = 2

    for code in graph:
        if code not in state:
            yield from visit(code, ())


def _dimension_problems(metric: Metric, dictionary: Dictionary, catalog: Catalog) -> Iterator[str]:
    tables = base_tables(metric, dictionary)
    wanted = [("dimensions", d) for d in metric.dimensions]
    if metric.measure:
        wanted += [("measure.filters", f.dimension) for f in metric.measure.filters]
    for field, code in wanted:
        if code not in dictionary.dimension_codes:
            yield f"{field}: 未知维度 unknown dimension {code!r}"
            continue
        dim = dictionary.dimension(code)
        for table in sorted(t for t in tables if t in catalog.table_names):
            try:
                target = end_table(catalog, table, join_path(catalog, table, dim.path))
            except NoJoinPath as exc:
                yield f"{field}: 维度 {code} 从 {table} 无连接路径 has no join path ({exc})"
                continue
            for column in {dim.column, dim.key_column} - set(target.column_names):
                yield f"{field}: 维度 {code} 的列 {target.name}.{column} 不存在 does not exist"


def _term_problems(dictionary: Dictionary) -> Iterator[Problem]:
    owners: dict[str, set[str]] = defaultdict(set)
    for metric in dictionary.metrics:
        for term in metric.terms:
            owners[term.casefold().replace(" ", "")].add(metric.code)
    sources = {m.code: m.source for m in dictionary.metrics}
    for term, codes in sorted(owners.items()):
        if len(codes) > 1:
            for code in sorted(codes):
                others = ", ".join(sorted(codes - {code}))
                yield Problem(
                    sources[code],
                    code,
                    "synonyms",
                    f"词语 {term!r} 同时属于 also claimed by {others}",
                )


def _duplicates(dictionary: Dictionary) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for metric in dictionary.metrics:
        if metric.code in seen:
            yield Problem(
                metric.source,
                metric.code,
                "code",
                f"指标编码重复 duplicate code (also in {seen[metric.code]})",
            )
        seen.setdefault(metric.code, metric.source)
    dims = [d.code for d in dictionary.dimensions]
    for code in sorted({d for d in dims if dims.count(d) > 1}):
        yield Problem("dimensions", code, "code", "维度编码重复 duplicate dimension code")


def _entity_problems(metric: Metric, dictionary: Dictionary, catalog: Catalog) -> Iterator[str]:
    """Each entity grain a metric declares is known, and every table it reads carries its key."""
    known = load_entities()
    for code in metric.entities:
        if code not in known.codes:
            yield f"entities: 未知实体 unknown entity {code!r} (known: {', '.join(known.codes)})"
            continue
        key = known.get(code).key
        for table in sorted(t for t in base_tables(metric, dictionary) if t in catalog.table_names):
            if key not in catalog.table(table).column_names:
                yield f"entities: {table} 没有 {key} 列，不能按{code}取数 lacks {key}"


def check(dictionary: Dictionary, catalog: Catalog) -> list[Problem]:
    """Every problem in ``dictionary``; empty when it is sound."""
    schema = catalog_schema(catalog)
    problems = [*_duplicates(dictionary), *_term_problems(dictionary)]
    for metric in dictionary.metrics:
        messages = [*_reference_problems(metric, dictionary)]
        if metric.measure:
            messages += _measure_problems(metric, catalog, schema)
        if metric.migration:
            messages += _migration_problems(metric, catalog)
        messages += _dimension_problems(metric, dictionary, catalog)
        messages += _entity_problems(metric, dictionary, catalog)
        problems += [_as_problem(metric, msg) for msg in messages]
    for code, trail in _cycles(dictionary):
        metric = dictionary.metric(code)
        problems.append(Problem(metric.source, code, "references", f"循环引用 cycle: {trail}"))
    return problems


def _as_problem(metric: Metric, message: str) -> Problem:
    """Messages start with 'field: ' when they concern one field."""
    head, sep, rest = message.partition(": ")
    if sep and " " not in head:
        return Problem(metric.source, metric.code, head, rest)
    return Problem(metric.source, metric.code, "", message)


def load_dictionary(texts: Mapping[str, str], catalog: Catalog | None = None) -> Dictionary:
    """Parse and validate YAML texts ({source: text}); raise ConfigError listing every problem."""
    catalog = catalog or load_catalog()
    files: dict[str, DictionaryFile] = {}
    problems: list[Problem] = []
    for source, text in texts.items():
        parsed, found = definitions.parse_file(source, text)
        problems += found
        if parsed is not None:
            files[source] = parsed
    dictionary = definitions.build(files)
    problems += check(dictionary, catalog)
    if problems:
        raise ConfigError(
            "DICTIONARY_INVALID", source=", ".join(texts) or "-", problems=tuple(map(str, problems))
        )
    return dictionary


def load_seed_dictionary() -> Dictionary:
    """The demo dictionary shipped with asker, validated."""
    return load_dictionary(definitions.seed_texts())
