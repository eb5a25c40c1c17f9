"""Gold cases: YAML files ``eval/cases/<suite>_*.yaml`` read through pydantic (extra="forbid").

A case is one question asked as one user (after optional earlier turns of the same
conversation) and what a right answer is: rows equal to the gold SQL's, a clarifying question
offering certain metrics, or a refusal with a code.

>>> case = Case.model_validate({"id": "x/1", "question": "存款余额", "language": "zh",
...     "expect": {"status": "ok", "sql": "SELECT 1", "metrics": ["deposit_balance"]}})
>>> case.user, case.expect.status, case.tag_values()["followup"]
('zhang.wei', 'ok', 'no')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from asker.errors import ConfigError

CASES_DIR = Path(__file__).resolve().parent / "cases"
Source = Literal["tuned", "held_out", "templated", "handwritten", "external", "voices"]


class Expect(BaseModel):
    """What a right answer is. ``sql`` is the gold SQL (for ``refused`` cases: SQL a model might
    write that the gate must refuse with ``code`` in oracle mode). ``model_sql``, when given, is
    what a model would write for the question (no scope, no masks): oracle mode sends it through
    the gate instead of ``sql`` and holds the result to ``sql`` run ungated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    status: Literal["ok", "clarify", "refused"]
    sql: str | None = None
    model_sql: str | None = None
    code: str | None = None
    metrics: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    order_matters: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Expect:
        if self.status == "ok" and not self.sql:
            raise ValueError("an ok expectation needs its gold sql")
        if self.status == "refused" and self.sql and not self.code:
            raise ValueError("a refused expectation with sql needs the refusal code")
        return self


class Tags(BaseModel):
    """What the case exercises; the report breaks EX down by each of these."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: str | None = None
    category: str | None = None
    shape: str = "single"
    time: str = "default"
    ambiguity: bool = False
    outside_dictionary: bool = False
    followup: bool = False
    permission: str | None = None  # the role the case checks, when it is a permission case
    source: Source = "handwritten"
    gold_id: str | None = None  # the tests/semantic/gold case its SQL came from
    difficulty: str | None = None  # external datasets: simple / moderate / challenging
    voice: str | None = None  # voices suite: the way the question is put (spoken_zh, english, ...)
    split: Literal["tuned", "untouched"] | None = None  # voices suite: split_voices.py's slice


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    language: Literal["zh", "en"]
    user: str = "zhang.wei"
    turns: tuple[str, ...] = ()  # earlier questions of the same conversation
    modes: tuple[Literal["deterministic", "llm", "oracle"], ...] = (
        "deterministic",
        "llm",
        "oracle",
    )
    expect: Expect
    tags: Tags = Tags()

    def tag_values(self) -> dict[str, str]:
        """Every tag as text, for per-tag tables (booleans as yes/no, missing as '-')."""
        out = {}
        for name, value in self.tags.model_dump().items():
            if name == "gold_id":
                continue
            out[name] = ("yes" if value else "no") if isinstance(value, bool) else str(value or "-")
        return out


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str
    cases: list[Case]


def load_file(path: Path) -> list[Case]:
    """The cases of one file; a malformed file raises SETTING_INVALID naming every problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return CaseFile.model_validate(raw).cases
    except (yaml.YAMLError, ValidationError) as error:
        raise ConfigError("EVAL_CASES_INVALID", path=str(path), problems=str(error)) from error


def load_suite(name: str, folder: Path = CASES_DIR) -> tuple[Case, ...]:
    """Every case of ``<folder>/<name>_*.yaml``; ids must be unique across the suite."""
    files = sorted(folder.glob(f"{name}_*.yaml"))
    if not files:
        raise ConfigError("EVAL_SUITE_UNKNOWN", suite=name, folder=str(folder))
    cases = [case for path in files for case in load_file(path)]
    seen: set[str] = set()
    duplicates = sorted({c.id for c in cases if c.id in seen or seen.add(c.id)})  # type: ignore[func-returns-value]
    if duplicates:
        raise ConfigError(
            "EVAL_CASES_INVALID", path=str(folder), problems=f"duplicate ids {duplicates}"
        )
    return tuple(cases)
