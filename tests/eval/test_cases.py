"""The bank gold set: its size and mix, its format (pydantic, extra="forbid"), and every gold
SQL running on tiny."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlglot

from asker.access.demo_users import DEMO_USERS
from asker.errors import ConfigError
from asker.warehouse.engine import DuckDBExecutor
from eval.cases import load_file, load_suite

BANK = load_suite("bank")


def test_the_bank_suite_has_at_least_250_questions_about_two_thirds_chinese() -> None:
    assert len(BANK) >= 250
    languages = Counter(c.language for c in BANK)
    assert 0.6 <= languages["zh"] / len(BANK) <= 0.85, languages


def test_the_suite_mixes_answers_clarifications_refusals_followups_and_held_out() -> None:
    statuses = Counter(c.expect.status for c in BANK)
    assert statuses["ok"] >= 250 and statuses["clarify"] >= 10 and statuses["refused"] >= 20
    assert sum(c.tags.followup for c in BANK) >= 20
    assert sum(c.tags.source == "held_out" for c in BANK) >= 20


def test_every_demo_role_has_permission_cases() -> None:
    roles = {u.role for u in DEMO_USERS}
    covered = {c.tags.permission for c in BANK if c.tags.permission}
    assert roles <= covered, roles - covered
    users = {c.user for c in BANK}
    assert {u.user_id for u in DEMO_USERS} <= users


def test_the_language_field_matches_the_question() -> None:
    for case in BANK:
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in case.question)
        assert (case.language == "zh") == has_cjk, case.id


def test_unknown_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x_one.yaml"
    path.write_text(
        "suite: x\ncases:\n  - id: a\n    question: 存款\n    language: zh\n"
        "    expect: {status: ok, sql: SELECT 1}\n    colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_file(path)
    assert raised.value.code == "EVAL_CASES_INVALID" and "colour" in raised.value.message("en")


@pytest.mark.parametrize(
    "expect",
    [
        "{status: ok}",  # an answer needs its gold
        "{status: refused, sql: SELECT 1}",  # a refused SQL needs its code
        "{status: maybe}",
    ],
)
def test_inconsistent_expectations_are_refused(tmp_path: Path, expect: str) -> None:
    path = tmp_path / "x_one.yaml"
    path.write_text(
        f"suite: x\ncases:\n  - id: a\n    question: q\n    language: en\n    expect: {expect}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError):
        load_file(path)


def test_duplicate_ids_and_unknown_suites_are_refused(tmp_path: Path) -> None:
    case = "  - id: a\n    question: q\n    language: en\n    expect: {status: clarify}\n"
    for name in ("x_one.yaml", "x_two.yaml"):
        (tmp_path / name).write_text(f"suite: x\ncases:\n{case}", encoding="utf-8")
    with pytest.raises(ConfigError, match="EVAL_CASES_INVALID"):
        load_suite("x", tmp_path)
    with pytest.raises(ConfigError) as raised:
        load_suite("nosuch", tmp_path)
    assert raised.value.code == "EVAL_SUITE_UNKNOWN"


def test_every_gold_sql_runs_on_tiny_and_answers_something(tiny_executor: DuckDBExecutor) -> None:
    empty = []
    for case in BANK:
        if case.expect.status != "ok":
            continue
        assert case.expect.sql
        tree = sqlglot.parse_one(case.expect.sql, dialect="duckdb")
        result = tiny_executor.execute(tree, row_cap=100_000, timeout_s=60)
        if not result.rows:
            empty.append(case.id)
    assert not empty, f"gold SQL returning nothing: {empty}"
