"""Operations through the api, on a copy of the tiny demo bank. Expected values come
from hand-written SQL run on the warehouse without the gate (tests/gate/handmade style)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from openpyxl import load_workbook
from sqlalchemy import text

from asker import api
from asker.access.accounts import principal
from asker.audit.search import AuditFilter
from asker.config import Settings
from asker.errors import AccessDenied, UserFacingError
from asker.sql.chat import Call
from asker.sql.usage import record_usage
from asker.types import Principal
from tests import callers
from tests.helpers import copy_data_dir

CUSTOMERS = "SELECT cust_id, cust_name, mobile, open_org_id FROM dim_customer ORDER BY cust_id"
# §6 masks, written by hand: name -> first character + '**'; mobile -> first 3 + '****' + last 4
HANDMADE_MASKED = """
SELECT c.cust_id,
       CASE WHEN length(c.cust_name) <= 1 THEN repeat('*', length(c.cust_name))
            ELSE substr(c.cust_name, 1, 1) || '**' END,
       CASE WHEN length(c.mobile) <= 7 THEN repeat('*', length(c.mobile))
            ELSE substr(c.mobile, 1, 3) || '****' || substr(c.mobile, length(c.mobile) - 3) END,
       c.open_org_id
FROM dim_customer c JOIN dim_org o ON o.org_id = c.open_org_id
WHERE o.branch_id = 'B05'
ORDER BY c.cust_id
"""
QUESTION = "成都分行各支行的客户数"
CORRECT_SQL = "SELECT open_org_id, COUNT(*) AS n FROM dim_customer GROUP BY 1 ORDER BY 1"


@pytest.fixture
def settings(tiny_dir: Path, tmp_path: Path) -> Settings:
    copy = tmp_path / "data"
    copy_data_dir(tiny_dir, copy)  # these tests write to the app database
    settings = Settings(data_dir=copy)
    with callers.runtime(
        settings
    ).app_db.connect() as con:  # other tests' records in the shared bank
        FIRST_SEQ[copy] = con.execute(text("SELECT COALESCE(MAX(seq), 0) FROM audit_log")).one()[0]
    return settings


FIRST_SEQ: dict[Path, int] = {}


def who(settings: Settings, user: str) -> Principal:
    return principal(callers.runtime(settings).app_db, user)


def handmade(executor: Any, sql: str) -> list[tuple[Any, ...]]:
    result = executor.execute(sqlglot.parse_one(sql, dialect="duckdb"), row_cap=10**6, timeout_s=60)
    return [tuple(r) for r in result.rows]


def audit(settings: Settings, where: str) -> list[dict[str, Any]]:
    with callers.runtime(settings).app_db.connect() as con:
        rows = con.execute(
            text(f"SELECT record FROM audit_log {where} AND seq > :first ORDER BY seq"),
            {"first": FIRST_SEQ[settings.data_dir]},
        )
        return [json.loads(r.record)["record"] for r in rows]


def pending(settings: Settings, reviewer: Principal) -> set[int]:
    return {i.id for i in api.feedback_queue_items(callers.runtime(settings), reviewer)}


# --- export -----------------------------------------------------------------------------------


def test_branch_manager_exports_a_masked_csv_scoped_to_chengdu(
    settings: Settings, tiny_executor: Any
) -> None:
    done = api.export(
        callers.runtime(settings), callers.who(settings, "li.na"), statement=CUSTOMERS, fmt="csv"
    )
    assert done.answer.status == "ok" and done.data is not None
    lines = list(csv.reader(io.StringIO(done.data.decode("utf-8-sig"))))
    assert "li.na" in lines[0][0] and "UTC+8" in lines[0][0]  # the watermark
    lines = lines[lines.index([]) + 1 :]  # after the header block
    assert len(lines[0]) == 4 and lines[0][0] in ("cust_id", "客户号", "客户编号")
    expected = [[str(v) for v in row] for row in handmade(tiny_executor, HANDMADE_MASKED)]
    assert lines[1:] == expected and len(expected) > 50
    raw = {r[0] for r in handmade(tiny_executor, "SELECT cust_name FROM dim_customer")}
    assert not raw & {line[1] for line in lines[2:]}  # no unmasked name left DuckDB


def test_excel_export_carries_the_watermark_and_the_same_rows(
    settings: Settings, tiny_executor: Any
) -> None:
    done = api.export(
        callers.runtime(settings), callers.who(settings, "li.na"), statement=CUSTOMERS, fmt="xlsx"
    )
    assert done.data is not None and done.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(done.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "li.na" in str(rows[0][0])
    assert [tuple(str(v) for v in r) for r in rows[2:]] == [
        tuple(str(v) for v in r) for r in handmade(tiny_executor, HANDMADE_MASKED)
    ]


def test_an_export_is_capped_in_rows(tiny_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    copy_data_dir(tiny_dir, copy)
    done = api.export(
        callers.runtime(Settings(data_dir=copy, export_row_cap=7)),
        callers.who(Settings(data_dir=copy, export_row_cap=7), "li.na"),
        statement=CUSTOMERS,
    )
    assert done.answer.row_count == 7 and done.answer.truncated


def test_a_metric_answer_exports_its_plan_not_the_screen(settings: Settings) -> None:
    shown = callers.ask(settings, "li.na", "各支行上个月末存款余额")
    done = api.export(
        callers.runtime(settings),
        callers.who(settings, "li.na"),
        query=shown.plan,
        question=shown.question,
    )
    lines = list(csv.reader(io.StringIO((done.data or b"").decode("utf-8-sig"))))
    lines = lines[lines.index([]) + 2 :]  # after the header block and the header
    assert [tuple(r) for r in lines] == [tuple(str(v) for v in r) for r in shown.rows]


def test_a_forged_export_call_without_the_right_is_refused_and_audited(settings: Settings) -> None:
    done = api.export(
        callers.runtime(settings), callers.who(settings, "wang.fang"), statement=CUSTOMERS
    )
    assert done.data is None
    assert (done.answer.status, done.answer.code) == ("refused", "EXPORT_NOT_ALLOWED")
    assert "导出" in done.answer.message
    records = audit(settings, "WHERE action = 'export'")
    assert [(r["user_id"], r["decision"], r["codes"]) for r in records] == [
        ("wang.fang", "refused", ["EXPORT_NOT_ALLOWED"])
    ]
    assert not api.can_export(callers.runtime(settings), who(settings, "wang.fang"))
    assert api.can_export(callers.runtime(settings), who(settings, "li.na"))


@pytest.mark.parametrize("user", ["liu.yang", "sun.li", "zhao.min", "qian.hao"])
def test_roles_without_the_export_right_export_nothing(settings: Settings, user: str) -> None:
    done = api.export(callers.runtime(settings), callers.who(settings, user), question="存款余额")
    assert done.data is None and done.answer.code == "EXPORT_NOT_ALLOWED"


def test_an_export_meets_the_gate_like_a_query(settings: Settings) -> None:
    done = api.export(
        callers.runtime(settings), callers.who(settings, "chen.jie"), statement=CUSTOMERS
    )  # aggregates only
    assert done.data is None and done.answer.code in ("DETAIL_NOT_ALLOWED", "ACCESS_DENIED")
    bad = api.export(
        callers.runtime(settings), callers.who(settings, "li.na"), statement=CUSTOMERS, fmt="pdf"
    )
    assert bad.data is None and bad.answer.code == "EXPORT_FORMAT_UNKNOWN"


# --- feedback queue and verified examples ------------------------------------------------------


def test_nothing_is_promoted_automatically(settings: Settings) -> None:
    api.feedback_with_correction(
        callers.runtime(settings),
        callers.who(settings, "li.na"),
        question=QUESTION,
        sql=None,
        rating=-1,
        corrected_question=QUESTION,
        corrected_sql=CORRECT_SQL,
    )
    assert api.verified_examples(callers.runtime(settings)) == ()
    answer = callers.ask(settings, "li.na", QUESTION)
    assert not any("已审核的示例" in a for a in answer.assumptions)


def test_a_promoted_correction_answers_the_next_identical_question_within_scope(
    settings: Settings, tiny_executor: Any
) -> None:
    item = api.feedback_with_correction(
        callers.runtime(settings),
        callers.who(settings, "li.na"),
        question=QUESTION,
        sql=None,
        rating=-1,
        reason="要各支行",
        corrected_question=QUESTION,
        corrected_sql=CORRECT_SQL,
    )
    reviewer = who(settings, "qian.hao")
    assert item in pending(settings, reviewer)
    example = api.promote_feedback(callers.runtime(settings), reviewer, item)
    assert (example.author, example.reviewer, example.source_feedback_id) == (
        "li.na",
        "qian.hao",
        item,
    )
    assert example.tables == ("dim_customer",) and api.verified_examples(
        callers.runtime(settings)
    ) == (example,)
    by_org = "SELECT c.open_org_id, COUNT(*) FROM dim_customer c JOIN dim_org o ON o.org_id = c.open_org_id WHERE {w} GROUP BY 1 ORDER BY 1"  # noqa: E501
    for user, where in (("li.na", "o.branch_id = 'B05'"), ("wang.fang", "o.org_id = 'B05S01'")):
        answer = callers.ask(settings, user, f"{QUESTION}？")  # same once normalised
        assert any("已审核的示例" in a for a in answer.assumptions), answer
        assert (answer.verified_example, answer.statement) == (example.id, example.sql)
        assert [tuple(r) for r in answer.rows] == handmade(tiny_executor, by_org.format(w=where))
    hits = (
        callers.runtime(settings)
        .retriever()
        .search(QUESTION, "branch_manager", k=3, kinds=["example"])
    )
    assert f"example:verified-{example.id}" in [hit.id for hit in hits]  # feeds retrieval too
    with pytest.raises(UserFacingError, match="FEEDBACK_NOT_PENDING"):
        api.promote_feedback(callers.runtime(settings), reviewer, item)
    (review,) = audit(settings, "WHERE action = 'metric_workflow'")
    assert (review["user_id"], review["plan"]) == (
        "qian.hao",
        {"feedback_id": item, "review": "promoted"},
    )


def test_a_rejected_item_keeps_its_reason(settings: Settings) -> None:
    item = api.feedback_with_correction(
        callers.runtime(settings),
        callers.who(settings, "li.na"),
        question="存款",
        sql=None,
        rating=-1,
        reason="不对",
    )
    reviewer = who(settings, "zhao.min")
    with pytest.raises(UserFacingError, match="REASON_REQUIRED"):
        api.reject_feedback(callers.runtime(settings), reviewer, item, "  ")
    with pytest.raises(UserFacingError, match="CORRECTION_REQUIRED"):
        api.promote_feedback(callers.runtime(settings), reviewer, item)
    api.reject_feedback(callers.runtime(settings), reviewer, item, "口径正确，属于理解偏差")
    assert item not in pending(settings, reviewer)
    (kept,) = api.feedback_queue_items(callers.runtime(settings), reviewer, status="rejected")
    assert (kept.review_reason, kept.reviewer) == ("口径正确，属于理解偏差", "zhao.min")


def test_a_correction_that_fails_the_gate_is_not_promoted(settings: Settings) -> None:
    item = api.feedback_with_correction(
        callers.runtime(settings),
        callers.who(settings, "li.na"),
        question="删掉客户",
        sql=None,
        rating=-1,
        corrected_question="删掉客户",
        corrected_sql="DELETE FROM dim_customer",
    )
    reviewer = who(settings, "qian.hao")
    assert api.check_correction(callers.runtime(settings), reviewer, item).code == "NOT_READ_ONLY"
    with pytest.raises(UserFacingError, match="NOT_READ_ONLY"):
        api.promote_feedback(callers.runtime(settings), reviewer, item)
    assert item in pending(settings, reviewer)
    assert api.verified_examples(callers.runtime(settings)) == ()


@pytest.mark.parametrize("user", ["li.na", "sun.li", "zhang.wei"])
def test_only_reviewers_review(settings: Settings, user: str) -> None:
    with pytest.raises(AccessDenied):
        api.feedback_queue_items(callers.runtime(settings), who(settings, user))


# --- audit and usage ---------------------------------------------------------------------------


def test_the_auditor_searches_by_user_org_decision_and_code(settings: Settings) -> None:
    start = dt.datetime.now(dt.UTC)  # the copied bank may hold other tests' records
    api.export(callers.runtime(settings), callers.who(settings, "li.na"), statement=CUSTOMERS)
    api.export(callers.runtime(settings), callers.who(settings, "wang.fang"), statement=CUSTOMERS)
    callers.ask(settings, "li.na", "北京分行贷款余额")
    auditor = who(settings, "sun.li")
    exports = api.search_audit(
        callers.runtime(settings), auditor, AuditFilter(actions=("export",), since=start)
    )
    assert [e.record["user_id"] for e in exports] == ["wang.fang", "li.na"]  # newest first
    refused = api.search_audit(
        callers.runtime(settings),
        auditor,
        AuditFilter(org_id="B05", decisions=("refused",), since=start),
    )
    assert [e.record["codes"] for e in refused] == [["ACCESS_DENIED"]]
    coded = api.search_audit(
        callers.runtime(settings), auditor, AuditFilter(codes=("export_not_allowed",), since=start)
    )
    assert [e.record["user_id"] for e in coded] == ["wang.fang"]
    with pytest.raises(AccessDenied):
        api.search_audit(callers.runtime(settings), who(settings, "li.na"), AuditFilter())


def test_the_audit_csv_holds_no_data_values(settings: Settings, tiny_executor: Any) -> None:
    api.export(callers.runtime(settings), callers.who(settings, "li.na"), statement=CUSTOMERS)
    auditor = who(settings, "sun.li")
    data = api.audit_csv(callers.runtime(settings), auditor, AuditFilter()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert any(r["action"] == "export" and r["user_id"] == "li.na" for r in rows)
    values = handmade(tiny_executor, HANDMADE_MASKED)
    names = {r[0] for r in handmade(tiny_executor, "SELECT cust_name FROM dim_customer")}
    for value in {v[2] for v in values} | names:  # masked mobiles and raw names alike
        assert value not in data
    assert api.verify_audit_as(callers.runtime(settings), auditor).ok


def test_usage_counts_equal_the_audit_log(settings: Settings) -> None:
    start = dt.datetime.now(dt.UTC)  # the copied bank may hold other tests' records
    for user, question in (
        ("li.na", "各支行上个月末存款余额"),
        ("li.na", "北京分行贷款余额"),
        ("wang.fang", "上个月存款余额"),
        ("zhang.wei", "上个月各分行的情况"),
        ("zhang.wei", "本季度各分行不良贷款率"),
    ):
        callers.ask(settings, user, question)
    api.export(
        callers.runtime(settings), callers.who(settings, "li.na"), statement=CUSTOMERS
    )  # an export is not a question
    report = api.usage(callers.runtime(settings), who(settings, "sun.li"), since=start)
    with callers.runtime(settings).app_db.connect() as con:
        by_decision = dict(
            con.execute(
                text(
                    "SELECT decision, COUNT(*) FROM audit_log "
                    "WHERE action = 'ask' AND created_at >= :start GROUP BY 1"
                ),
                {"start": start},
            ).all()
        )
    assert report.questions == sum(by_decision.values()) == 5
    assert dict(report.outcomes) == {d: by_decision.get(d, 0) for d in dict(report.outcomes)}
    assert dict(report.per_branch) == {"成都分行": 3, "示范城市商业银行总行": 2}
    assert dict(report.per_role) == {"branch_manager": 2, "subbranch_manager": 1, "hq_analyst": 2}
    assert ("deposit_balance", 2) in report.top_metrics and ("npl_ratio", 1) in report.top_metrics
    assert [u[:2] for u in report.unanswered] == [("北京分行贷款余额", "ACCESS_DENIED")]
    assert report.tokens == 0 and report.latency_p95_ms >= report.latency_p50_ms > 0


def test_tokens_are_read_from_llm_usage_when_it_exists(settings: Settings) -> None:
    engine = callers.runtime(settings).app_db
    before = api.usage(
        callers.runtime(settings), who(settings, "zhao.min")
    ).tokens  # the shared bank's own use
    for user, prompt, completion in (("li.na", 1000, 200), ("wang.fang", 30, 4)):
        made = Call("plan", ("…",), "…", prompt_tokens=prompt, completion_tokens=completion)
        record_usage(engine, user_id=user, role="r", org_id="B05", model="m", made=made)
    assert api.usage(callers.runtime(settings), who(settings, "zhao.min")).tokens - before == 1234
    with pytest.raises(AccessDenied):
        api.usage(callers.runtime(settings), who(settings, "li.na"))


# --- saved questions and the home panel ---------------------------------------------------------


def test_saved_questions_rerun_share_and_belong_to_their_owner(
    settings: Settings, tiny_executor: Any
) -> None:
    li_na, wang_fang = who(settings, "li.na"), who(settings, "wang.fang")
    saved = api.save_question(callers.runtime(settings), li_na, "上个月存款余额", "月末存款")
    assert api.saved_questions(callers.runtime(settings), wang_fang) == ()
    api.share_saved_question(callers.runtime(settings), li_na, saved.id, "subbranch_manager")
    (shared,) = api.saved_questions(callers.runtime(settings), wang_fang)
    again = api.rerun_saved_question(
        callers.runtime(settings), wang_fang, shared.id
    )  # her own scope
    (expected,) = handmade(
        tiny_executor,
        "SELECT SUM(balance) FROM fact_deposit_balance_daily "
        "WHERE biz_date = DATE '2026-08-31' AND org_id = 'B05S01'",
    )
    assert again.rows[0][0] == expected[0]
    with pytest.raises(UserFacingError, match="SAVED_QUESTION_NOT_FOUND"):
        api.remove_saved_question(callers.runtime(settings), wang_fang, saved.id)
    api.remove_saved_question(callers.runtime(settings), li_na, saved.id)
    assert api.saved_questions(callers.runtime(settings), li_na) == ()


def test_a_subbranch_managers_home_panel_is_her_own_subbranch_month_on_month(
    settings: Settings, tiny_executor: Any
) -> None:
    deposits, loans, npl = api.home_panel(callers.runtime(settings), who(settings, "wang.fang"))
    balance = (
        "SELECT SUM(balance) FROM fact_deposit_balance_daily "
        "WHERE biz_date = DATE '{d}' AND org_id = 'B05S01'"
    )
    now, before = (
        handmade(tiny_executor, balance.format(d=d))[0][0] for d in ("2026-09-30", "2026-08-31")
    )
    assert deposits.rows[0][:3] == (now, before, now - before)
    loan = (
        "SELECT SUM(balance), SUM(CASE WHEN five_class IN ('次级','可疑','损失') THEN balance END) "
        "FROM fact_loan_balance_monthly WHERE month_end = DATE '{d}' AND org_id = 'B05S01'"
    )
    (l_now, bad_now), (l_before, bad_before) = (
        handmade(tiny_executor, loan.format(d=d))[0] for d in ("2026-09-30", "2026-08-31")
    )
    assert loans.rows[0][:2] == (l_now, l_before)
    assert npl.rows[0][0] == pytest.approx(float(bad_now / l_now))
    assert npl.rows[0][1] == pytest.approx(float(bad_before / l_before))
