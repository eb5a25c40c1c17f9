"""Issue #18's words through api.ask on tiny: out-of-domain questions are NOT_ANSWERABLE even
with a model configured (the model is never called), exclusions are NOT IN filters named in the
answer (values from hand-written SQL), a word of change offers runnable bases, and function
words do not block a resolved question."""

from __future__ import annotations

from pathlib import Path

import pytest

from asker.config import Settings
from asker.types import MetricQuery
from asker.warehouse.engine import DuckDBExecutor
from tests import callers
from tests.helpers import result_diff, rows
from tests.sql.fakes import Install, metric_query

# 存款余额 on the data date by 分行, without 成都分行 (B05): written from the 口径 in §5.
DEPOSITS_WITHOUT_CHENGDU = """
    SELECT b.org_name, SUM(f.balance) FROM fact_deposit_balance_daily f
    JOIN dim_org o ON o.org_id = f.org_id JOIN dim_org b ON b.org_id = o.branch_id
    WHERE f.biz_date = DATE '2026-09-30' AND b.org_id <> 'B05' GROUP BY b.org_name"""


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir, llm_model="scripted")


@pytest.fixture(scope="module")
def plain(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


@pytest.mark.parametrize(
    "question",
    ["今天天气怎么样", "茅台股价现在多少", "你好", "hello", "最近有什么新闻", "讲个笑话"],
)
def test_out_of_domain_is_not_answerable_with_a_model(
    question: str, settings: Settings, llm: Install
) -> None:
    model = llm(metric_query(metrics=["deposit_balance"]))
    answer = callers.ask(settings, "zhang.wei", question)
    assert (answer.status, answer.code) == ("refused", "NOT_ANSWERABLE"), answer.message
    assert "存款" in answer.message or "deposits" in answer.message  # what asker can answer
    assert model.prompts == []  # the model was never asked


@pytest.mark.parametrize("question", ["各分行员工人数", "how many staff does each branch have"])
def test_in_domain_words_still_need_the_model_without_one(plain: Settings, question: str) -> None:
    answer = callers.ask(plain, "zhang.wei", question)
    assert (answer.status, answer.code) == ("refused", "LLM_NOT_CONFIGURED")


def test_an_exclusion_is_not_in_and_named(plain: Settings, tiny_executor: DuckDBExecutor) -> None:
    answer = callers.ask(plain, "zhang.wei", "不含成都分行的各分行存款余额")
    assert answer.status == "ok", answer.message
    assert any("不含" in f.label and "成都分行" in f.label for f in answer.filters)
    want = rows(tiny_executor, DEPOSITS_WITHOUT_CHENGDU)
    got = [(r[answer.columns.index("branch")], r[-1]) for r in answer.rows]
    assert result_diff(got, want) is None, result_diff(got, want)


def test_a_word_of_change_offers_runnable_bases(plain: Settings) -> None:
    answer = callers.ask(plain, "zhang.wei", "各分行存款增幅排名")
    assert (answer.status, answer.code) == ("clarify", "CLARIFY_COMPARE")
    assert "增幅" in answer.message
    picked = answer.choices[0].value
    assert isinstance(picked, MetricQuery) and picked.compare == "ytd"
    followed = callers.ask_query(plain, "zhang.wei", picked, label=answer.choices[0].label)
    assert followed.status == "ok", followed.message


def test_fillers_do_not_block(plain: Settings) -> None:
    answer = callers.ask(plain, "zhang.wei", "麻烦您帮我看看这边各支行的贷款余额，谢谢")
    assert answer.status == "ok", answer.message
    assert answer.metrics[0].code == "loan_balance"


@pytest.mark.parametrize(("user", "dimension"), [("zhang.wei", "branch"), ("li.na", "subbranch")])
def test_under_us_is_the_level_below_the_asker(plain: Settings, user: str, dimension: str) -> None:
    answer = callers.explain(plain, user, "我们下面各家的存款余额")
    assert answer.status == "ok", answer.message
    assert answer.plan is not None and dimension in answer.plan.dimensions, answer.plan
