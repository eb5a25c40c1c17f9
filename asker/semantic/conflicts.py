"""Check a draft before it goes to review: the YAML loader's validation, and conflicts.

The draft is merged into the published dictionary and validated as a whole with the same
``validate.check`` the YAML loader runs, so every problem is listed at once. Conflicts are
reported on their own: a name, synonym, abbreviation or alias that another metric already uses,
and a metric whose compiled SQL (with its own code taken out) equals another metric's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from asker.errors import AskerError
from asker.semantic import definitions, validate
from asker.semantic.compiler import Compiler
from asker.semantic.definitions import DictionaryFile, MetricFile, Problem
from asker.semantic.model import Dictionary, Metric
from asker.semantic.store import MetricStore
from asker.types import MetricQuery

_TERM_FIELDS = ("name", "name_en", "synonyms", "synonyms_en", "abbreviations", "aliases")


@dataclass(frozen=True)
class Conflict:
    """``term`` (in ``field`` of the draft) is also used by ``other``; kind 'term' or 'sql'."""

    kind: str
    field: str
    term: str
    other: str

    def __str__(self) -> str:
        if self.kind == "sql":
            return f"编译后的SQL与指标 {self.other} 相同; compiles to the same SQL as {self.other}"
        return (
            f"{self.field}: 词语 {self.term!r} 已属于指标 {self.other}; "
            f"{self.term!r} is already used by {self.other}"
        )


@dataclass(frozen=True)
class DraftCheck:
    problems: tuple[str, ...]
    conflicts: tuple[Conflict, ...]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.conflicts

    def messages(self) -> tuple[str, ...]:
        return (*self.problems, *map(str, self.conflicts))


def _normal(term: str) -> str:
    return term.casefold().replace(" ", "")


def candidate(
    store: MetricStore, code: str, source: str, metric: MetricFile
) -> tuple[Dictionary, Mapping[str, DictionaryFile]]:
    """The published dictionary with ``metric`` in place of (or added to) its current version."""
    merged = {
        v.code: (v.source, MetricFile.model_validate(v.definition))
        for v in store.current().values()
    }
    merged[code] = (source, metric)
    files: dict[str, DictionaryFile] = {}
    for src, item in merged.values():
        files.setdefault(src, DictionaryFile()).metrics.append(item)
    files.setdefault("dimensions.yaml", DictionaryFile()).dimensions.extend(store.dimension_files())
    return definitions.build(files), files


def term_conflicts(metric: Metric, dictionary: Dictionary) -> list[Conflict]:
    owners: dict[str, str] = {}
    for other in dictionary.metrics:
        if other.code != metric.code:
            for term in other.terms:
                owners.setdefault(_normal(term), other.code)
    found = []
    for field in _TERM_FIELDS:
        value = getattr(metric, field)
        for term in (value,) if isinstance(value, str) else value:
            if _normal(term) in owners:
                found.append(Conflict("term", field, term, owners[_normal(term)]))
    return found


def _shape(compiler: Compiler, code: str) -> str | None:
    """The metric's compiled SQL with its own code replaced, or None when it does not compile."""
    try:
        sql = compiler.compile(MetricQuery(metrics=(code,))).sql()
    except AskerError:
        return None
    return re.sub(rf"\b(m_)?{re.escape(code)}\b", "__metric__", sql)


def sql_conflicts(code: str, dictionary: Dictionary, compiler: Compiler) -> list[Conflict]:
    mine = _shape(compiler, code)
    if mine is None:
        return []
    return [
        Conflict("sql", "", "", other.code)
        for other in dictionary.metrics
        if other.code != code and _shape(compiler, other.code) == mine
    ]


def _is_term_problem(problem: Problem) -> bool:
    return problem.field == "synonyms" and "also claimed by" in problem.message


def check_draft(
    store: MetricStore, code: str, source: str, definition: Mapping[str, Any], data_date: dt.date
) -> DraftCheck:
    """Every problem and conflict of a draft, in the YAML loader's words."""
    try:
        metric_file = MetricFile.model_validate(dict(definition))
    except ValidationError as exc:
        loc = ".".join
        return DraftCheck(
            tuple(
                str(Problem(source, code, loc(map(str, e["loc"])), e["msg"])) for e in exc.errors()
            ),
            (),
        )
    if metric_file.code != code:
        problem = Problem(
            source, code, "code", f"指标编码不能修改 the code cannot change to {metric_file.code!r}"
        )
        return DraftCheck((str(problem),), ())
    dictionary, _ = candidate(store, code, source, metric_file)
    problems = [p for p in validate.check(dictionary, store.catalog) if not _is_term_problem(p)]
    conflicts = term_conflicts(dictionary.metric(code), dictionary)
    if not problems:
        compiler = Compiler(dictionary, store.catalog, data_date)
        conflicts += sql_conflicts(code, dictionary, compiler)
    return DraftCheck(tuple(map(str, problems)), tuple(conflicts))
