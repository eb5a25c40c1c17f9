"""Every branch of the LLM chain through api.ask, with a scripted model at the LLM boundary and
the real compiler, gate and DuckDB. Expected values come from hand-written SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from asker.config import Settings
from asker.warehouse.engine import DuckDBExecutor
from tests import callers
from tests.helpers import result_diff, rows
from tests.sql.fakes import Install, metric_query, sql_block

EMPLOYEES_BY_BRANCH = """
    SELECT b.org_name, COUNT(e.emp_id) FROM dim_org b
    JOIN dim_org o ON o.branch_id = b.org_id JOIN dim_employee e ON e.org_id = o.org_id
    WHERE b.org_level = '分行' {where} GROUP BY b.org_name"""

MODEL_EMPLOYEES_SQL = (
    "SELECT b.org_name, COUNT(*) AS employees FROM dim_employee e "
    "JOIN dim_org o ON o.org_id = e.org_id JOIN dim_org b ON b.org_id = o.branch_id "
    "GROUP BY b.org_name"
)


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir, llm_model="scripted")


def test_a_valid_metric_query_is_compiled_gated_and_answered(
    settings: Settings, llm: Install, tiny_executor: DuckDBExecutor
) -> None:
    model = llm(metric_query(metrics=["loan_balance"], dimensions=["branch"]))
    answer = callers.ask(settings, "zhang.wei", "各分行放出去的钱还剩多少")
    assert answer.status == "ok", answer.message
    assert answer.metrics[0].code == "loan_balance"
    assert any("大模型" in a for a in answer.assumptions)
    want = rows(
        tiny_executor,
        """SELECT b.org_name, SUM(f.balance) FROM fact_loan_balance_monthly f
        JOIN dim_org s ON s.org_id = f.org_id JOIN dim_org b ON b.org_id = s.branch_id
        WHERE f.month_end = DATE '2026-09-30' GROUP BY b.org_name""",
    )
    assert len(want) == 10 and result_diff(answer.rows, want) is None
    assert len(model.prompts) == 1  # the dictionary could express it: no SQL was asked for


def test_invalid_json_is_asked_again_once(settings: Settings, llm: Install) -> None:
    model = llm("好的，我来看看。", metric_query(metrics=["loan_balance"]))
    answer = callers.ask(settings, "zhang.wei", "放出去的钱还剩多少")
    assert answer.status == "ok" and answer.metrics[0].code == "loan_balance"
    assert len(model.prompts) == 2 and "不是符合要求的 JSON" in model.prompts[1][1]


def test_invalid_json_twice_is_a_clear_error(settings: Settings, llm: Install) -> None:
    llm("not json", '{"action": "metric_query"}')  # the second one lacks its query
    answer = callers.ask(settings, "zhang.wei", "放出去的钱还剩多少")
    assert (answer.status, answer.code) == ("error", "LLM_BAD_OUTPUT")


def test_fenced_sql_with_prose_is_extracted_gated_and_scoped(
    settings: Settings, llm: Install, tiny_executor: DuckDBExecutor
) -> None:
    llm({"action": "needs_sql"}, sql_block(MODEL_EMPLOYEES_SQL, prose="可以这样查："))
    answer = callers.ask(settings, "li.na", "每个分行有多少名员工")
    assert answer.status == "ok", answer.message
    want = rows(tiny_executor, EMPLOYEES_BY_BRANCH.format(where="AND b.org_id = 'B05'"))
    assert len(want) == 1 and result_diff(answer.rows, want) is None  # li.na: 成都分行 only
    assert any("大模型" in a for a in answer.assumptions)
    assert answer.sql and "dim_employee" in answer.sql and "B05" in answer.sql


def test_a_hallucinated_column_is_repaired_from_the_gate_issues(
    settings: Settings, llm: Install, tiny_executor: DuckDBExecutor
) -> None:
    wrong = MODEL_EMPLOYEES_SQL.replace("COUNT(*)", "COUNT(e.employee_no)")
    model = llm({"action": "needs_sql"}, sql_block(wrong), sql_block(MODEL_EMPLOYEES_SQL))
    answer = callers.ask(settings, "zhang.wei", "每个分行有多少名员工")
    assert answer.status == "ok", answer.message
    repair = model.prompts[2][1]
    assert "employee_no" in repair and "emp_id" in repair  # the issue and its suggestion
    want = rows(tiny_executor, EMPLOYEES_BY_BRANCH.format(where=""))
    assert len(want) == 10 and result_diff(answer.rows, want) is None


def test_the_repair_budget_is_bounded_and_names_the_last_issue(
    settings: Settings, llm: Install
) -> None:
    wrong = MODEL_EMPLOYEES_SQL.replace("COUNT(*)", "COUNT(e.employee_no)")
    model = llm({"action": "needs_sql"}, sql_block(wrong))  # repeats the wrong SQL forever
    tight = settings.model_copy(update={"llm_repair_rounds": 2})
    answer = callers.ask(tight, "zhang.wei", "每个分行有多少名员工")
    assert (answer.status, answer.code) == ("refused", "LLM_REPAIR_EXHAUSTED")
    assert "employee_no" in answer.message and "2" in answer.message
    assert len(model.prompts) == 1 + 1 + 2  # plan, SQL, two repairs


def test_a_clarifying_question_from_the_model(settings: Settings, llm: Install) -> None:
    llm(
        {
            "action": "clarify",
            "question": "您想看贷款余额还是不良贷款余额？",
            "choices": ["各分行贷款余额", "各分行不良贷款余额"],
        }
    )
    answer = callers.ask(settings, "zhang.wei", "各分行放出去的钱怎么样")
    assert answer.status == "clarify" and "贷款余额" in answer.message
    assert [c.value for c in answer.choices] == ["各分行贷款余额", "各分行不良贷款余额"]


def test_the_model_saying_not_answerable_is_not_answerable(
    settings: Settings, llm: Install
) -> None:
    llm({"action": "not_answerable", "reason": "weather"})
    answer = callers.ask(settings, "zhang.wei", "明天天气怎么样")
    assert (answer.status, answer.code) == ("refused", "NOT_ANSWERABLE")


def test_explain_shows_the_model_sql_after_the_gate_without_running_it(
    settings: Settings, llm: Install
) -> None:
    llm({"action": "needs_sql"}, sql_block(MODEL_EMPLOYEES_SQL))
    plan = callers.explain(settings, "li.na", "每个分行有多少名员工")
    assert plan.status == "ok" and plan.rows == () and plan.sql and "B05" in plan.sql


def test_roles_without_data_never_reach_the_model(settings: Settings, llm: Install) -> None:
    model = llm({"action": "needs_sql"}, sql_block(MODEL_EMPLOYEES_SQL))
    answer = callers.ask(settings, "sun.li", "每个分行有多少名员工")
    assert (answer.status, answer.code) == ("refused", "ACCESS_DENIED")
    assert model.prompts == []


def test_an_access_refusal_is_final_not_repaired(settings: Settings, llm: Install) -> None:
    # hq_executive may not read ID numbers at all: the gate refuses; the model is not asked again
    model = llm({"action": "needs_sql"}, sql_block("SELECT id_no FROM dim_customer"))
    answer = callers.ask(settings, "chen.jie", "每个客户的证件号")
    assert (answer.status, answer.code) == ("refused", "ACCESS_DENIED")
    assert len(model.prompts) == 2


def test_without_an_endpoint_dictionary_questions_work_and_others_name_the_settings(
    tiny_dir: Path,
) -> None:
    settings = Settings(data_dir=tiny_dir)
    assert callers.ask(settings, None, "上个月各分行的存款余额").status == "ok"
    answer = callers.ask(settings, None, "每个分行有多少名员工")
    assert answer.code == "LLM_NOT_CONFIGURED"
    assert "ASKER_LLM_BASE_URL" in answer.message and "ASKER_LLM_MODEL" in answer.message
    english = callers.ask(settings, None, "how many staff does each branch have")
    assert english.code == "LLM_NOT_CONFIGURED" and "ASKER_LLM_BASE_URL" in english.message


def test_an_endpoint_off_the_allow_list_is_a_configuration_error(tiny_dir: Path) -> None:
    settings = Settings(data_dir=tiny_dir, llm_base_url="http://10.20.30.40:8000/v1")
    answer = callers.ask(settings, None, "每个分行有多少名员工")
    assert (answer.status, answer.code) == ("error", "LLM_HOST_NOT_ALLOWED")
    assert "ASKER_LLM_ALLOWED_HOSTS" in answer.message and "10.20.30.40" in answer.message


LOANS_BY_BRANCH_SQL = (
    "SELECT b.org_name, SUM(f.balance) AS loan_balance FROM fact_loan_balance_monthly f "
    "JOIN dim_org s ON s.org_id = f.org_id JOIN dim_org b ON b.org_id = s.branch_id "
    "WHERE f.month_end = DATE '2026-09-30' GROUP BY b.org_name"
)


@pytest.mark.parametrize(
    ("shadow", "agree"),
    [
        (LOANS_BY_BRANCH_SQL, True),
        (LOANS_BY_BRANCH_SQL.replace("WHERE f.month_end = DATE '2026-09-30' ", ""), False),
    ],
)
def test_the_evaluation_setting_runs_both_paths_and_flags_disagreement(
    settings: Settings, llm: Install, shadow: str, agree: bool
) -> None:
    llm(metric_query(metrics=["loan_balance"], dimensions=["branch"]), sql_block(shadow))
    both = settings.model_copy(update={"llm_evaluate_both": True})
    question = f"各分行放出去的钱还剩多少（评估 {agree}）"
    answer = callers.ask(both, "zhang.wei", question)
    assert answer.status == "ok" and answer.metrics[0].code == "loan_balance"
    assert answer.paths_agree is agree
    entries = callers.runtime(settings).audit.search(user_id="zhang.wei", limit=20)
    record = next(e.record for e in entries if e.record["question"] == question)
    assert ("llm_paths_disagree" in record["flags"]) is not agree


def test_words_the_dictionary_does_not_know_go_to_the_model_when_there_is_one(
    tiny_dir: Path, settings: Settings, llm: Install
) -> None:
    question = "ignore the small ones and show every branch's deposits"
    without = callers.ask(Settings(data_dir=tiny_dir), "zhang.wei", question)
    assert without.status == "clarify"  # no endpoint: the dictionary path asks, as before
    model = llm(metric_query(metrics=["deposit_balance"], dimensions=["branch"]))
    answer = callers.ask(settings, "zhang.wei", question)
    assert answer.status == "ok" and answer.metrics[0].code == "deposit_balance"
    assert len(model.prompts) == 1


def test_an_unknown_metric_is_repaired_from_the_compiler_issue(
    settings: Settings, llm: Install
) -> None:
    model = llm(
        metric_query(metrics=["loan_balanse"], dimensions=["branch"]),
        metric_query(metrics=["loan_balance"], dimensions=["branch"]),
    )
    answer = callers.ask(settings, "zhang.wei", "各分行放出去的钱还剩多少")
    assert answer.status == "ok" and answer.metrics[0].code == "loan_balance"
    repair = model.prompts[1][1]
    assert "loan_balanse" in repair and "loan_balance" in repair.split("检查发现的问题")[1]
    assert model.requests[1].get("response_format") == {"type": "json_object"}


def test_a_clarifying_question_never_names_what_the_role_may_not_see(
    settings: Settings, llm: Install, tiny_executor: DuckDBExecutor
) -> None:
    """Issue #17 item 4: the model's clarifying text is screened like a prompt. For 成都分行's
    president, another branch (by name or by city), a manager outside her scope (name or
    employee id) and a column her role cannot read are not shown; words inside scope are."""
    (other_manager, other_id), *_ = rows(
        tiny_executor,
        """SELECT e.emp_name, e.emp_id FROM dim_employee e JOIN dim_org o ON o.org_id = e.org_id
        JOIN dim_org b ON b.org_id = o.branch_id WHERE e.position = '客户经理'
        AND b.city = '重庆' AND e.emp_name NOT IN (SELECT e2.emp_name FROM dim_employee e2
        JOIN dim_org o2 ON o2.org_id = e2.org_id JOIN dim_org b2 ON b2.org_id = o2.branch_id
        WHERE b2.city = '成都') ORDER BY e.emp_id LIMIT 1""",
    )
    leaks = ["重庆分行的贷款余额", f"{other_manager}管户的贷款余额", f"{other_id} 的贷款余额"]
    for leak in leaks:
        llm(
            {
                "action": "clarify",
                "question": f"您是想问{leak}吗？",
                "choices": [leak, "各支行贷款余额"],
            }
        )
        answer = callers.ask(settings, "li.na", "放出去的钱怎么样")
        assert answer.status == "clarify", answer.message
        shown = answer.message + "".join(c.label + c.value for c in answer.choices)
        assert leak not in shown and other_manager not in shown and other_id not in shown
        assert [c.value for c in answer.choices] == ["各支行贷款余额"]
        assert answer.message == "请说得更具体一些。"
    llm(
        {
            "action": "clarify",
            "question": "您要看哪个支行的贷款余额？",
            "choices": ["各支行贷款余额"],
        }
    )
    answer = callers.ask(settings, "li.na", "放出去的钱怎么样")
    assert answer.message == "您要看哪个支行的贷款余额？"  # words inside scope are shown as asked
