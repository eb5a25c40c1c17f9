"""Impact of a metric change before it is published: which evaluation cases and saved questions
use the metric (directly or through a ratio or derived metric), and how their results change
between the published and the proposed definition, both compiled and run on the same warehouse.

This module never touches the warehouse itself: the caller hands in how a compiled tree is run
(``measure``) or only checked (``check``), so every statement meets the gate first (issue #17).

Cases come from ``CASE_SOURCES``: today the hand-written gold cases of the compiler
(``tests/semantic/gold/*.yaml`` in a source checkout); more sources (the evaluation harness's
cases) are one function each. Saved questions are passed in by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from asker.errors import AskerError
from asker.semantic.compiler import Compiler
from asker.semantic.model import Dictionary
from asker.semantic.validate import referenced_metrics
from asker.types import Filter, MetricQuery, Period, QueryResult

GOLD = Path(__file__).resolve().parents[2] / "tests" / "semantic" / "gold"


@dataclass(frozen=True)
class ImpactCase:
    id: str
    label: str
    query: MetricQuery
    origin: str  # "gold", "eval", "saved"


@dataclass(frozen=True)
class CaseImpact:
    """One case both ways. ``before``/``after`` are None when the run failed (its error code is
    kept). ``hidden``: the case was only compiled and gated, never run (a reviewer who reads no
    data): no values, no row counts and no ``changed`` (None), only each side's error code."""

    case: ImpactCase
    changed: bool | None
    before_rows: int | None
    after_rows: int | None
    before: QueryResult | None = None
    after: QueryResult | None = None
    error_before: str | None = None
    error_after: str | None = None
    hidden: bool = False


# A compiled tree -> its result (gated and run) or None (only gated); raises AskerError.
Run = Callable[[Any], QueryResult | None]


def _changed(
    old: QueryResult | None, new: QueryResult | None, errors: tuple[str | None, str | None]
) -> bool:
    if old is None or new is None:
        return (old is None) != (new is None) or errors[0] != errors[1]
    return (old.columns, old.rows) != (new.columns, new.rows)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def query_from_yaml(raw: dict[str, Any]) -> MetricQuery:
    """A MetricQuery from the gold cases' YAML form (tests/semantic/gold/README.md)."""
    period = raw.get("period")
    return MetricQuery(
        metrics=tuple(raw["metrics"]),
        dimensions=tuple(raw.get("dimensions", ())),
        filters=tuple(
            Filter(f["dimension"], tuple(str(v) for v in f["values"]), f.get("exclude", False))
            for f in raw.get("filters", ())
        ),
        period=Period(_date(period["start"]), _date(period["end"])) if period else None,
        grain=raw.get("grain"),
        compare=raw.get("compare"),
        order=raw.get("order"),
        limit=raw.get("limit"),
    )


def gold_cases(folder: Path = GOLD) -> tuple[ImpactCase, ...]:
    """The compiler's hand-written gold cases; none when the folder is not there (installed)."""
    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in doc.get("cases", []):
            query = query_from_yaml(case["query"])
            found.append(ImpactCase(case["id"], case.get("note", case["id"]), query, "gold"))
    return tuple(found)


# Where evaluation cases come from; the integrator appends the evaluation harness's loader.
CASE_SOURCES: tuple[Callable[[], tuple[ImpactCase, ...]], ...] = (gold_cases,)


def dependents(code: str, dictionary: Dictionary) -> frozenset[str]:
    """``code`` and every metric that uses it, directly or through others."""
    found = {code}
    grew = True
    while grew:
        more = {
            m.code
            for m in dictionary.metrics
            if m.code not in found and set(referenced_metrics(m)) & found
        }
        found |= more
        grew = bool(more)
    return frozenset(found)


def cases_using(
    code: str, dictionary: Dictionary, saved: Iterable[ImpactCase] = ()
) -> tuple[ImpactCase, ...]:
    """Evaluation cases and saved questions whose query uses ``code``."""
    using = dependents(code, dictionary)
    every = [c for source in CASE_SOURCES for c in source()] + list(saved)
    return tuple(c for c in every if using & set(c.query.metrics))


def _run(compiler: Compiler, query: MetricQuery, run: Run) -> tuple[QueryResult | None, str | None]:
    try:
        return run(compiler.compile(query).tree), None
    except AskerError as error:
        return None, error.code


def measure(
    cases: Iterable[ImpactCase], before: Compiler, after: Compiler, run: Run
) -> tuple[CaseImpact, ...]:
    """Run every case with the published and with the proposed dictionary (``run`` gates and
    executes each compiled tree)."""
    out = []
    for case in cases:
        old, old_error = _run(before, case.query, run)
        new, new_error = _run(after, case.query, run)
        out.append(
            CaseImpact(
                case,
                _changed(old, new, (old_error, new_error)),
                old.row_count if old else 0,
                new.row_count if new else 0,
                old,
                new,
                old_error,
                new_error,
            )
        )
    return tuple(out)


def check(
    cases: Iterable[ImpactCase], before: Compiler, after: Compiler, gate_only: Run
) -> tuple[CaseImpact, ...]:
    """Compile and gate every case both ways without running it: whether each side passes."""
    out = []
    for case in cases:
        _, old_error = _run(before, case.query, lambda tree: _checked(gate_only, tree))
        _, new_error = _run(after, case.query, lambda tree: _checked(gate_only, tree))
        out.append(CaseImpact(case, None, None, None, None, None, old_error, new_error, True))
    return tuple(out)


def _checked(gate_only: Run, tree: Any) -> None:
    """Gate ``tree``; whatever the check returned, nothing of it is kept."""
    gate_only(tree)
