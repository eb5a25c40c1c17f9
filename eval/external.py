"""External text-to-SQL datasets in BIRD's format, scored by the same runner and comparator.

A dataset is a JSON list of ``{question_id, db_id, question, evidence, SQL, difficulty}`` with
its SQLite files at ``<json dir>/dev_databases/<db_id>/<db_id>.sqlite`` (BIRD's layout) or
``<json dir>/<db_id>.sqlite``. Each database's tables are copied into a DuckDB file, a catalog
is introspected from it, and an evaluation principal that may read everything (no PII, no row
scope, detail allowed) runs through asker's own gate. The gold SQL (SQLite dialect) is
transpiled sqlite→duckdb with sqlglot; the reference result is the ORIGINAL gold run on the
original SQLite file, so a transpile or gate that changes the meaning is scored as wrong.

Predictions: ``oracle`` sends the transpiled gold through the gate; a predictions file (a JSON
object ``{question_id: sql}`` in the SQLite dialect, BIRD's submission shape) scores any
model's SQL the same way.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from asker.access.policy import CustomerScope, Policy, RolePolicy
from asker.access.scope import OrgDirectory
from asker.errors import AskerError, ConfigError
from asker.gate import gate
from asker.types import Principal
from asker.understand.language import detect_language
from asker.warehouse.catalog import Catalog, Column, Table
from asker.warehouse.engine import Executor, Limits, open_warehouse
from eval.cases import Case, Expect, Tags
from eval.compare import PRESETS, Gold, compare
from eval.gold import run_gold
from eval.outcome import Outcome

EVALUATOR = Principal("evaluator", "evaluator", "ROOT", None, "评测 evaluator")
ROW_CAP = 100_000
DUCK_TYPES = {"INT": "BIGINT", "REAL": "DOUBLE", "FLOA": "DOUBLE", "DOUB": "DOUBLE",
              "NUM": "DOUBLE", "DEC": "DOUBLE", "BOOL": "BIGINT"}  # fmt: skip


class Item(BaseModel):
    """One BIRD-style question (unknown extra keys are kept out, not refused)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)
    question_id: int | str
    db_id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    evidence: str = ""
    sql: str = Field(alias="SQL", min_length=1)
    difficulty: str = "-"


def load_items(path: Path) -> list[Item]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, list):
            raise ValueError("the JSON must be a list of questions")
        return [Item.model_validate(r) for r in raw]
    except (OSError, ValueError, ValidationError) as error:
        raise ConfigError(
            "EVAL_DATASET_INVALID", path=str(path), detail=str(error)[:300]
        ) from error


def sqlite_file(dataset: Path, db_id: str) -> Path:
    for candidate in (
        dataset.parent / "dev_databases" / db_id / f"{db_id}.sqlite",
        dataset.parent / f"{db_id}.sqlite",
    ):
        if candidate.is_file():
            return candidate
    raise ConfigError(
        "EVAL_DATASET_INVALID", path=str(dataset), detail=f"no SQLite file for {db_id}"
    )


def to_duckdb_sql(sql: str) -> str:
    return sqlglot.transpile(sql, read="sqlite", write="duckdb")[0]


def cases_for(dataset: Path) -> tuple[Case, ...]:
    """The dataset as cases: the question (with its evidence) and the transpiled gold."""
    cases = []
    for item in load_items(dataset):
        text = f"{item.question}\n{item.evidence}".strip()
        cases.append(
            Case(
                id=f"{item.db_id}/{item.question_id}",
                question=text,
                language=detect_language(text),
                user=EVALUATOR.user_id,
                modes=("llm", "oracle"),
                expect=Expect(status="ok", sql=item.sql),
                tags=Tags(source="external", difficulty=item.difficulty, metric=item.db_id),
            )
        )
    return tuple(cases)


# --- the DuckDB copy and its catalog ---------------------------------------------------------


def _duck_type(declared: str) -> str:
    upper = (declared or "").upper()
    return next((t for k, t in DUCK_TYPES.items() if k in upper), "VARCHAR")


def copy_to_duckdb(source: Path, target: Path) -> Catalog:
    """Copy every table of the SQLite file into a new DuckDB file; return its catalog."""
    if target.exists():
        target.unlink()
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    duck = duckdb.connect(str(target))
    tables = []
    try:
        names = [r[0] for r in lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        for name in names:
            info = lite.execute(f'PRAGMA table_info("{name}")').fetchall()
            columns = tuple(Column(str(c[1]), _duck_type(str(c[2])), str(c[1])) for c in info)
            cols_sql = ", ".join(f'"{c.name}" {c.type}' for c in columns)
            duck.execute(f'CREATE TABLE "{name}" ({cols_sql})')
            rows = lite.execute(f'SELECT * FROM "{name}"').fetchall()
            if rows:
                marks = ", ".join("?" for _ in columns)
                duck.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
            keys = tuple(str(c[1]) for c in sorted(info, key=lambda c: c[5]) if c[5])
            tables.append(Table(name, name, "row", keys, columns))
        duck.execute("CHECKPOINT")
    finally:
        duck.close()
        lite.close()
    return Catalog(tuple(tables))


def evaluation_policy() -> Policy:
    """One role that may read every table and every row, with no PII in the catalog."""
    role = RolePolicy(
        role=EVALUATOR.role,
        label="评测 evaluator",
        data_access=True,
        tables=None,
        denied_columns=frozenset(),
        row_scope="all",
        detail=True,
        pii=(),
        rights=frozenset({"ask"}),
        row_cap=ROW_CAP,
    )
    return Policy(roles=(role,), customer_scope=CustomerScope("", "", ""))


# --- scoring ---------------------------------------------------------------------------------


@dataclass
class ExternalScorer:
    dataset: Path
    work_dir: Path
    presets: tuple[str, ...]
    predictions: Mapping[str, str] | None = None
    timeout_s: float = 60.0
    limits: Limits = field(default_factory=lambda: Limits("1GB", 2, "1GB"))
    # Where each copied database runs: None is the DuckDB copy itself; an engine gets the
    # database's id, its catalog and the DuckDB copy to load, and returns an executor on it.
    engine: Callable[[str, Catalog, Path], Executor] | None = None

    def __post_init__(self) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._dbs: dict[str, tuple[Catalog, Path]] = {}
        self._executors: dict[Path, Executor] = {}
        self.policy = evaluation_policy()
        self.orgs = OrgDirectory.from_rows([("ROOT", None, "总行", None, "评测")])

    def database(self, db_id: str) -> tuple[Catalog, Path]:
        if db_id not in self._dbs:
            target = self.work_dir / f"{db_id}.duckdb"
            self._dbs[db_id] = (copy_to_duckdb(sqlite_file(self.dataset, db_id), target), target)
        return self._dbs[db_id]

    def executor(self, db_id: str) -> Executor:
        """The scorer's own connection to one copied database (on its engine), opened once."""
        catalog, duck_file = self.database(db_id)
        if duck_file not in self._executors:
            if self.engine is None:
                self._executors[duck_file] = open_warehouse(duck_file, self.limits)
            else:
                self._executors[duck_file] = self.engine(db_id, catalog, duck_file)
        return self._executors[duck_file]

    def prepare(self, cases: tuple[Case, ...]) -> None:
        """Copy (and load on the engine) every database before workers start (one writer per
        file)."""
        for case in cases:
            self.executor(case.id.split("/", 1)[0])

    def close(self) -> None:
        for executor in self._executors.values():
            executor.close()
        self._executors.clear()

    def __call__(self, case: Case) -> Outcome:
        db_id, qid = case.id.split("/", 1)
        catalog, _ = self.database(db_id)
        executor = self.executor(db_id)
        assert case.expect.sql
        reference = self.reference(db_id, case.expect.sql, executor)
        extra = self.transpile_check(case.expect.sql, reference, executor)
        predicted = self.predictions.get(qid) if self.predictions is not None else case.expect.sql
        if not predicted:
            return self._outcome(case, got="refused", reason="no prediction", extra=extra)
        try:
            gated = gate(
                to_duckdb_sql(predicted),
                EVALUATOR,
                policy=self.policy,
                catalog=catalog,
                orgs=self.orgs,
            )
            result = executor.execute(gated.tree, row_cap=ROW_CAP, timeout_s=self.timeout_s)
        except AskerError as error:
            return self._outcome(case, got="refused", reason=error.code, extra=extra)
        except sqlglot.errors.SqlglotError as error:
            return self._outcome(case, got="refused", reason=type(error).__name__, extra=extra)
        verdicts = {
            p: compare(result.columns, result.rows, reference, PRESETS[p]) for p in self.presets
        }
        return self._outcome(
            case,
            got="ok",
            correct={p: v.equal for p, v in verdicts.items()},
            reason=verdicts[self.presets[0]].reason,
            extra=extra,
            latency_ms=result.elapsed_ms,
        )

    def transpile_check(self, sql: str, reference: Gold, executor: Any) -> dict[str, Any]:
        """Whether the transpiled gold, run ungated on DuckDB, equals the SQLite reference."""
        try:
            duck = run_gold(to_duckdb_sql(sql), executor, timeout_s=self.timeout_s)
        except Exception as exc:  # a transpile the engine cannot run is reported, not fatal
            return {"transpiled_gold_matches": False, "transpile_error": type(exc).__name__}
        same = compare(duck.columns, duck.rows, reference, PRESETS["asker"]).equal
        return {"transpiled_gold_matches": same}

    def reference(self, db_id: str, sql: str, executor: Any) -> Gold:
        """The gold run on the original SQLite file; ties at LIMIT from the DuckDB copy."""
        lite = sqlite3.connect(f"file:{sqlite_file(self.dataset, db_id)}?mode=ro", uri=True)
        try:
            cursor = lite.execute(sql)
            rows = tuple(tuple(r) for r in cursor.fetchall())
            columns = tuple(d[0] for d in cursor.description or ())
        finally:
            lite.close()
        tree = sqlglot.parse_one(sql, read="sqlite")
        ties: tuple[tuple[Any, ...], ...] = ()
        if tree.args.get("order") is not None and tree.args.get("limit") is not None:
            try:
                ties = run_gold(to_duckdb_sql(sql), executor, timeout_s=self.timeout_s).ties
            except Exception:  # no tie information: the strict comparison stands
                ties = ()
        return Gold(columns, rows, ordered=tree.args.get("order") is not None, ties=ties)

    def _outcome(
        self,
        case: Case,
        *,
        got: str,
        reason: str,
        extra: dict[str, Any],
        correct: dict[str, bool] | None = None,
        latency_ms: float = 0.0,
    ) -> Outcome:
        return Outcome(
            id=case.id,
            expected="ok",
            got=got,
            correct=correct or dict.fromkeys(self.presets, False),
            tags=case.tag_values(),
            code=None if got == "ok" else reason,
            reason=reason,
            latency_ms=latency_ms,
            extra=extra,
        )


def load_predictions(path: Path) -> dict[str, str]:
    """``{question_id: sql}``; BIRD's ``sql\\t----- bird -----\\tdb_id`` values are accepted."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(
            "EVAL_DATASET_INVALID", path=str(path), detail=str(error)[:300]
        ) from error
    if not isinstance(raw, dict):
        raise ConfigError(
            "EVAL_DATASET_INVALID", path=str(path), detail="predictions must be an object"
        )
    return {str(k): str(v).split("\t----- bird -----")[0] for k, v in raw.items()}
