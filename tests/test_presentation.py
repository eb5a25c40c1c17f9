"""The answer carries its own shape: what each column is and how the rows are shown, decided from
the query that made them, on the tiny demo bank. Expected values are written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from asker.config import Settings
from asker.types import Answer, MetricRef, Presentation, ResultColumn
from tests import callers


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


def ask(settings: Settings, question: str, user: str = "zhang.wei") -> Answer:
    answer = callers.ask(settings, user, question)
    assert answer.status == "ok", answer
    return answer


DEPOSITS = ResultColumn("deposit_balance", "存款余额", "measure", "amount", "deposit_balance")
BRANCH = ResultColumn("branch", "分行", "dimension", "text")
MONTH = ResultColumn("month", "月份", "time", "date")


def test_a_single_value_is_a_headline(settings: Settings) -> None:
    answer = ask(settings, "上个月存款余额")
    assert answer.row_count == 1
    assert answer.presentation == Presentation("headline", value="deposit_balance")
    assert answer.result_columns == (DEPOSITS,)
    (metric,) = answer.metrics
    assert isinstance(metric, MetricRef)
    assert (metric.code, metric.name, metric.version, metric.unit, metric.format) == (
        "deposit_balance",
        "存款余额",
        1,
        "元",
        "amount",
    )


def test_deposits_by_branch_are_a_bar_across_the_branches(settings: Settings) -> None:
    answer = ask(settings, "各分行存款余额")
    assert answer.row_count == 10
    assert answer.presentation == Presentation(
        "bar", x="branch", value="deposit_balance", rows_table=True
    )
    assert answer.result_columns == (BRANCH, DEPOSITS)


def test_a_monthly_trend_is_a_line_over_the_months(settings: Settings) -> None:
    answer = ask(settings, "近12个月每月存款余额")
    assert answer.row_count == 12
    assert answer.presentation == Presentation(
        "line", x="month", value="deposit_balance", rows_table=True
    )
    assert answer.result_columns == (MONTH, DEPOSITS)


def test_a_trend_by_branch_draws_one_line_per_branch(settings: Settings) -> None:
    answer = ask(settings, "今年以来每月各分行存款余额")
    assert answer.row_count == 90  # 9 months x 10 branches
    assert answer.presentation == Presentation(
        "line", x="month", value="deposit_balance", series="branch", rows_table=True
    )
    assert answer.result_columns == (MONTH, BRANCH, DEPOSITS)


def test_a_year_on_year_comparison_has_comparison_difference_and_growth_columns(
    settings: Settings,
) -> None:
    answer = ask(settings, "不良率同比")
    assert answer.presentation == Presentation("headline", value="npl_ratio")
    npl = "npl_ratio"
    assert answer.result_columns == (
        ResultColumn(npl, "不良贷款率", "measure", "percent", npl),
        ResultColumn(f"{npl}_compare", "不良贷款率 比较值", "comparison", "percent", npl),
        ResultColumn(f"{npl}_diff", "不良贷款率 变动", "difference", "percent", npl),
        ResultColumn(f"{npl}_growth", "不良贷款率 增长率", "growth", "percent", npl),
    )
    assert answer.metric_column("npl_ratio", "difference") == answer.result_columns[2]
    assert answer.metric_column("npl_ratio", "time") is None


def test_an_amount_compared_by_branch_keeps_amounts_and_a_percent_growth(
    settings: Settings,
) -> None:
    answer = ask(settings, "各分行存款余额同比")
    assert answer.presentation == Presentation(
        "bar", x="branch", value="deposit_balance", rows_table=True
    )
    roles = [(c.name, c.role, c.format, c.metric) for c in answer.result_columns]
    assert roles == [
        ("branch", "dimension", "text", None),
        ("deposit_balance", "measure", "amount", "deposit_balance"),
        ("deposit_balance_compare", "comparison", "amount", "deposit_balance"),
        ("deposit_balance_diff", "difference", "amount", "deposit_balance"),
        ("deposit_balance_growth", "growth", "percent", "deposit_balance"),
    ]


def test_one_row_with_more_columns_than_its_card_also_shows_the_table(
    settings: Settings,
) -> None:
    # li.na sees her own 分行 only: one row, a branch column beside the four comparison columns
    answer = ask(settings, "各分行存款余额同比", user="li.na")
    assert answer.row_count == 1 and answer.rows[0][0] == "成都分行"
    assert answer.presentation == Presentation("headline", value="deposit_balance", rows_table=True)


def test_english_answers_label_their_columns_in_english(settings: Settings) -> None:
    answer = ask(settings, "NPL ratio by branch last quarter")
    assert answer.presentation == Presentation(
        "bar", x="branch", value="npl_ratio", rows_table=True
    )
    assert [c.label for c in answer.result_columns] == ["branch", "NPL ratio"]
    compared = ask(settings, "NPL ratio year on year")
    assert [c.label for c in compared.result_columns] == [
        "NPL ratio",
        "NPL ratio comparison",
        "NPL ratio change",
        "NPL ratio growth",
    ]


def test_sql_rows_are_a_table_formatted_by_their_values(settings: Settings) -> None:
    answer = callers.run_sql(
        settings,
        "zhang.wei",
        "SELECT org_id, org_name, open_date FROM dim_org ORDER BY org_id LIMIT 3",
    )
    assert answer.status == "ok" and answer.metrics == ()
    assert answer.presentation == Presentation("table", rows_table=True)
    assert answer.result_columns == (
        ResultColumn("org_id", "org_id", "other", "text"),
        ResultColumn("org_name", "org_name", "other", "text"),
        ResultColumn("open_date", "open_date", "other", "date"),
    )
    counted = callers.run_sql(settings, "zhang.wei", "SELECT COUNT(*) AS n FROM dim_org")
    assert counted.result_columns == (ResultColumn("n", "n", "other", "number"),)
    assert counted.presentation == Presentation("table", rows_table=True)


def test_no_rows_show_nothing(settings: Settings) -> None:
    answer = callers.run_sql(
        settings, "zhang.wei", "SELECT org_name FROM dim_org WHERE org_id = 'none'"
    )
    assert answer.status == "ok" and answer.row_count == 0
    assert answer.presentation == Presentation("none")


def test_explain_names_its_columns_but_shows_no_rows(settings: Settings) -> None:
    answer = callers.explain(settings, None, "本季度各分行不良率")
    assert answer.presentation is None and answer.rows == ()
    assert answer.result_columns == (
        BRANCH,
        ResultColumn("npl_ratio", "不良贷款率", "measure", "percent", "npl_ratio"),
    )


def test_refusals_and_clarifications_have_no_shape(settings: Settings) -> None:
    refused = callers.ask(settings, "li.na", "北京分行贷款余额")
    clarify = callers.ask(settings, None, "上个月各分行的情况")
    assert (refused.status, clarify.status) == ("refused", "clarify")
    for answer in (refused, clarify):
        assert answer.presentation is None and answer.result_columns == ()


def test_the_answer_carries_its_plan_and_step_timings(settings: Settings) -> None:
    answer = ask(settings, "各分行存款余额")
    assert answer.plan is not None and answer.plan.metrics == ("deposit_balance",)
    assert answer.plan.dimensions == ("branch",) and answer.statement is None
    steps = [step for step, _ in answer.timings_ms]
    assert {"understand", "compile_query", "execute", "build_answer"} <= set(steps)
    assert all(ms >= 0 for _, ms in answer.timings_ms)


def test_the_json_keeps_the_metric_keys_and_adds_the_shape(settings: Settings) -> None:
    payload = ask(settings, "各分行存款余额").to_json()
    (metric,) = payload["metrics"]
    assert list(metric)[:6] == ["code", "name", "definition", "version", "unit", "format"]
    assert metric["higher_is_better"] is True  # added, never renamed
    assert (metric["code"], metric["name"], metric["version"]) == ("deposit_balance", "存款余额", 1)
    assert (metric["unit"], metric["format"]) == ("元", "amount")
    assert metric["definition"].startswith("统计期最后一个数据日所有存续存款账户的余额之和")
    assert payload["presentation"] == {
        "kind": "bar",
        "x": "branch",
        "value": "deposit_balance",
        "series": None,
        "rows_table": True,
    }
    assert payload["result_columns"] == [
        {"name": "branch", "label": "分行", "role": "dimension", "format": "text", "metric": None},
        {
            "name": "deposit_balance",
            "label": "存款余额",
            "role": "measure",
            "format": "amount",
            "metric": "deposit_balance",
        },
    ]
    refused = callers.ask(settings, "li.na", "北京分行贷款余额").to_json()
    assert refused["presentation"] is None and refused["result_columns"] == []
