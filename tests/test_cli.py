"""The command line as a user runs it: a real subprocess, exit codes and JSON of §7."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import asker


def test_sql_lists_the_ten_branches_as_json(tiny_dir: Path) -> None:
    done = asker(
        "sql",
        "SELECT org_name FROM dim_org WHERE org_level='分行'",
        "--data-dir",
        str(tiny_dir),
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "ok" and answer["columns"] == ["org_name"]
    names = sorted(row[0] for row in answer["rows"])
    expected = ["上海", "北京", "广州", "深圳", "成都", "重庆", "杭州", "南京", "武汉", "西安"]
    assert names == sorted(f"{city}分行" for city in expected)
    assert answer["row_count"] == 10 and answer["truncated"] is False
    assert answer["as_of"] == "2026-09-30" and answer["language"] == "zh"
    assert '"dim_org"' in answer["sql"]


def test_numbers_are_json_numbers(tiny_dir: Path) -> None:
    done = asker(
        "sql",
        "SELECT sum(balance) AS b, count(*) AS n FROM fact_deposit_balance_daily "
        "WHERE biz_date = DATE '2026-09-30'",
        "--data-dir",
        str(tiny_dir),
        "--format",
        "json",
    )
    row = json.loads(done.stdout)["rows"][0]
    assert isinstance(row[0], int | float) and isinstance(row[1], int) and row[1] > 0


@pytest.mark.parametrize(
    ("statement", "code"),
    [
        ("DELETE FROM dim_org", "NOT_READ_ONLY"),
        ("SELECT 1; DROP TABLE dim_org", "MULTIPLE_STATEMENTS"),
        ("SELEC org_name FROM", "INVALID_SQL"),
        ("   ", "EMPTY_INPUT"),
        ("SELECT * FROM read_csv('/etc/passwd')", "FUNCTION_NOT_ALLOWED"),  # the gate stops it
    ],
)
def test_refusals_exit_3_with_a_code_and_a_chinese_message(
    tiny_dir: Path, statement: str, code: str
) -> None:
    done = asker("sql", statement, "--data-dir", str(tiny_dir), "--format", "json")
    assert done.returncode == 3, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert (answer["status"], answer["code"]) == ("refused", code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answer["message"])


def test_a_huge_statement_is_refused_not_run(tiny_dir: Path) -> None:
    done = asker(
        "sql", "SELECT 1 " + "-- padding\n" * 2000, "--data-dir", str(tiny_dir), "--format", "json"
    )
    assert done.returncode == 3 and json.loads(done.stdout)["code"] == "INPUT_TOO_LONG"


def test_a_missing_data_dir_is_an_error_that_says_run_init(tmp_path: Path) -> None:
    done = asker("sql", "SELECT 1", "--data-dir", str(tmp_path / "none"), "--format", "json")
    assert done.returncode == 1
    answer = json.loads(done.stdout)
    assert answer["code"] == "DATA_DIR_MISSING" and "asker init" in answer["message"]


def test_usage_errors_exit_2() -> None:
    assert asker("sql").returncode == 2
    assert asker("init", "--scale", "gigantic").returncode == 2
    assert asker("no-such-command").returncode == 2


def test_text_output_shows_a_table(tiny_dir: Path) -> None:
    done = asker(
        "sql", "SELECT org_id FROM dim_org WHERE org_id = 'B05'", "--data-dir", str(tiny_dir)
    )
    assert done.returncode == 0 and "B05" in done.stdout and "2026-09-30" in done.stdout


def test_settings_come_from_the_environment(tiny_dir: Path) -> None:
    done = asker(
        "sql",
        "SELECT * FROM dim_org",
        "--format",
        "json",
        env={"ASKER_DATA_DIR": str(tiny_dir), "ASKER_ROW_CAP": "3"},
    )
    answer = json.loads(done.stdout)
    assert answer["row_count"] == 3 and answer["truncated"] is True


def test_init_builds_a_data_dir_and_refuses_to_overwrite_it(tmp_path: Path) -> None:
    target = tmp_path / "bank"
    done = asker("init", "--scale", "tiny", "--data-dir", str(target))
    assert done.returncode == 0, done.stderr
    assert (target / "warehouse.duckdb").is_file() and (target / "manifest.json").is_file()
    again = asker("init", "--scale", "tiny", "--data-dir", str(target))
    assert again.returncode == 1 and "--force" in again.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["bank"]  # no staging folder left behind


def test_ask_answers_as_json_with_definition_and_scope(tiny_dir: Path) -> None:
    done = asker(
        "ask",
        "上个月各支行存款余额",
        "--data-dir",
        str(tiny_dir),
        "--user",
        "li.na",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "ok" and answer["metrics"][0]["code"] == "deposit_balance"
    assert any("成都分行" in f["label"] for f in answer["filters"])  # the injected scope, said
    assert answer["row_count"] >= 2


def test_ask_refuses_an_org_outside_the_users_scope_with_exit_3(tiny_dir: Path) -> None:
    done = asker(
        "ask",
        "北京分行的贷款余额",
        "--data-dir",
        str(tiny_dir),
        "--user",
        "li.na",
        "--format",
        "json",
    )
    assert done.returncode == 3
    answer = json.loads(done.stdout)
    assert answer["code"] == "ACCESS_DENIED" and "成都分行" in answer["message"]
    assert "北京" not in answer["message"]  # the unit outside her scope is not named


def test_a_clarifying_question_exits_0(tiny_dir: Path) -> None:
    done = asker("ask", "上个月各分行的情况", "--data-dir", str(tiny_dir), "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "clarify"


def test_metrics_commands(tiny_dir: Path, tmp_path: Path) -> None:
    listed = json.loads(
        asker("metrics", "list", "--data-dir", str(tiny_dir), "--format", "json").stdout
    )
    assert {m["code"] for m in listed["metrics"]} >= {"npl_ratio", "deposit_balance"}
    shown = asker("metrics", "show", "npl_ratio", "--data-dir", str(tiny_dir), "--format", "json")
    detail = json.loads(shown.stdout)
    assert detail["lineage"] == {
        "fact_loan_balance_monthly": ["balance", "five_class", "month_end"]
    }
    assert asker("metrics", "validate").returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("metrics:\n  - code: Bad Code\n", encoding="utf-8")
    report = asker("metrics", "validate", str(bad), "--format", "json")
    assert report.returncode == 1 and json.loads(report.stdout)["problems"]
