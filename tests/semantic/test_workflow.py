"""The metric governance workflow on a real app database: roles, four eyes, validation and
conflicts before submission, publishing and rollback as new versions, diff, deprecation, locks
of regulatory metrics, and the impact of a change on the gold cases run on tiny."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from asker.access.policy import load_policy
from asker.appstate.database import create_schema, engine_for
from asker.errors import AccessDenied, UserFacingError
from asker.semantic import impact, version_diff, workflow
from asker.semantic.compiler import Compiler
from asker.semantic.conflicts import candidate
from asker.semantic.definitions import MetricFile, seed_texts
from asker.semantic.drafts import DraftStore
from asker.semantic.store import MetricStore
from asker.types import Principal, QueryResult
from asker.warehouse.catalog import load_catalog
from asker.warehouse.engine import DuckDBExecutor

ZHAO = Principal("zhao.min", "metric_admin", "HQ")
QIAN = Principal("qian.hao", "metric_approver", "HQ")
ZHANG = Principal("zhang.wei", "hq_analyst", "HQ")
DATA_DATE = date(2026, 9, 30)
GOLD = Path(__file__).parent / "gold"


def policy_rights(role: str) -> frozenset[str]:
    """The application rights the shipped policy grants ``role`` (the workflow's four eyes)."""
    return load_policy().rights_of(role)


@pytest.fixture
def gov(tmp_path: Path) -> workflow.Governance:
    engine = engine_for(f"sqlite:///{tmp_path / 'app.db'}")
    create_schema(engine)
    store = MetricStore(engine, load_catalog())
    store.import_texts(seed_texts(), author="system")
    return workflow.Governance(store, DraftStore(engine), DATA_DATE, policy_rights)


def seed_metric(code: str) -> dict[str, Any]:
    for text in seed_texts().values():
        for metric in yaml.safe_load(text).get("metrics") or []:
            if metric["code"] == code:
                return dict(MetricFile.model_validate(metric).model_dump(exclude_defaults=True))
    raise KeyError(code)


def edit(gov: workflow.Governance, code: str, **changes: Any) -> workflow.Saved:
    draft = workflow.start_draft(gov, ZHAO, code)
    return workflow.save_draft(
        gov, ZHAO, draft.id, {**draft.definition, **changes}, draft.row_version
    )


def publish_edit(gov: workflow.Governance, code: str, **changes: Any) -> int:
    saved = edit(gov, code, **changes)
    sent = workflow.submit(gov, ZHAO, saved.draft.id, saved.draft.row_version)
    return workflow.approve(gov, QIAN, sent.id, sent.row_version, "ok").version


NEW_TEXT = "统计期内每日存款余额之和除以统计期日历天数（修订：明确含周末和节假日）。"


def test_an_admin_drafts_an_approver_publishes_a_new_version(gov: workflow.Governance) -> None:
    synonyms = [*seed_metric("deposit_avg_daily")["synonyms"], "存款平均余额"]
    saved = edit(gov, "deposit_avg_daily", synonyms=synonyms, definition=NEW_TEXT)
    assert saved.check.ok, saved.check.messages()
    sent = workflow.submit(gov, ZHAO, saved.draft.id, saved.draft.row_version)
    assert sent.status == "in_review"
    with pytest.raises(UserFacingError) as own:
        workflow.approve(gov, QIAN.__class__("zhao.min", "metric_approver", "HQ"), sent.id, 3, "")
    assert own.value.code == "METRIC_SELF_APPROVAL"
    with pytest.raises(AccessDenied) as role:
        workflow.approve(gov, ZHAO, sent.id, sent.row_version, "mine")
    assert role.value.code == "METRIC_ROLE_REQUIRED"
    published = workflow.approve(gov, QIAN, sent.id, sent.row_version, "同意")
    assert (published.version, published.approver, published.author) == (2, "qian.hao", "zhao.min")
    metric = gov.store.published().metric("deposit_avg_daily")
    assert metric.definition == NEW_TEXT and "存款平均余额" in metric.synonyms
    assert gov.drafts.get(sent.id).status == "published"
    assert gov.drafts.open_drafts() == ()


def test_only_admins_draft_and_a_rejection_needs_a_comment(gov: workflow.Governance) -> None:
    with pytest.raises(AccessDenied):
        workflow.start_draft(gov, ZHANG, "loan_balance")
    saved = edit(gov, "loan_balance", steward="李四")
    sent = workflow.submit(gov, ZHAO, saved.draft.id, saved.draft.row_version)
    with pytest.raises(UserFacingError) as empty:
        workflow.reject(gov, QIAN, sent.id, sent.row_version, "  ")
    assert empty.value.code == "METRIC_COMMENT_REQUIRED"
    rejected = workflow.reject(gov, QIAN, sent.id, sent.row_version, "请说明原因")
    assert (rejected.status, rejected.comment) == ("rejected", "请说明原因")
    again = workflow.save_draft(
        gov, ZHAO, sent.id, {**rejected.definition, "steward": "王五"}, rejected.row_version
    )
    assert again.draft.status == "draft"  # back with its author, editable
    with pytest.raises(UserFacingError) as state:
        workflow.approve(gov, QIAN, sent.id, again.draft.row_version, "")
    assert state.value.code == "METRIC_DRAFT_STATE"


def test_every_validation_problem_is_listed_and_blocks_submission(
    gov: workflow.Governance,
) -> None:
    broken = {
        "measure": {"table": "no_such_table", "expr": "SUM(balance)", "time": "biz_date"},
        "dimensions": ["branch", "no_such_dimension"],
        "format": "fraction",
    }
    saved = edit(gov, "deposit_balance", **broken)
    assert not saved.check.ok
    text = "\n".join(saved.check.messages())
    assert "format" in text  # a pydantic problem: one run lists every one of them
    fixed = {k: v for k, v in broken.items() if k != "format"}
    saved = workflow.save_draft(
        gov,
        ZHAO,
        saved.draft.id,
        {**seed_metric("deposit_balance"), **fixed},
        saved.draft.row_version,
    )
    text = "\n".join(saved.check.messages())
    assert "no_such_table" in text and "no_such_dimension" in text
    with pytest.raises(UserFacingError) as refused:
        workflow.submit(gov, ZHAO, saved.draft.id, saved.draft.row_version)
    assert refused.value.code == "METRIC_DRAFT_INVALID"
    assert "no_such_table" in refused.value.message("en")


def test_a_synonym_or_alias_taken_by_another_metric_is_a_conflict(
    gov: workflow.Governance,
) -> None:
    taken = [*seed_metric("deposit_avg_daily")["synonyms"], "存款余额"]  # deposit_balance's name
    saved = edit(gov, "deposit_avg_daily", synonyms=taken, aliases=["坏账率"])  # npl_ratio's
    found = {(c.kind, c.term, c.other) for c in saved.check.conflicts}
    assert found == {("term", "存款余额", "deposit_balance"), ("term", "坏账率", "npl_ratio")}
    with pytest.raises(UserFacingError) as refused:
        workflow.submit(gov, ZHAO, saved.draft.id, saved.draft.row_version)
    assert refused.value.code == "METRIC_DRAFT_INVALID"


def test_a_new_metric_that_compiles_like_an_existing_one_is_flagged(
    gov: workflow.Governance,
) -> None:
    copy = {
        **seed_metric("deposit_balance"),
        "code": "deposit_total",
        "name": "全口径存款测试",
        "name_en": "deposit copy for test",
        "synonyms": [],
        "synonyms_en": [],
        "abbreviations": [],
        "aliases": [],
    }
    draft = workflow.start_draft(gov, ZHAO, "deposit_total", copy)
    check = workflow.check(gov, draft)
    assert [(c.kind, c.other) for c in check.conflicts] == [("sql", "deposit_balance")]
    different = {**copy, "measure": {**copy["measure"], "where": "balance > 0"}}
    saved = workflow.save_draft(gov, ZHAO, draft.id, different, draft.row_version)
    assert saved.check.ok, saved.check.messages()


def test_diff_rollback_and_the_old_definition_comes_back(gov: workflow.Governance) -> None:
    original = seed_metric("deposit_avg_daily")
    publish_edit(gov, "deposit_avg_daily", definition=NEW_TEXT, steward="李四")
    changes = version_diff.diff(
        gov.store.get("deposit_avg_daily", 1).definition,
        gov.store.get("deposit_avg_daily", 2).definition,
        "v1",
        "v2",
    )
    assert {(c.field, c.after) for c in changes.changes} == {
        ("definition", f'"{NEW_TEXT}"'),
        ("steward", '"李四"'),
    }
    assert f"+definition: {NEW_TEXT}" in changes.text
    with pytest.raises(AccessDenied):
        workflow.rollback(gov, ZHAO, "deposit_avg_daily", 1, "")
    restored = workflow.rollback(gov, QIAN, "deposit_avg_daily", 1, "口径回退")
    assert restored.version == 3 and restored.definition == original
    assert gov.store.published().metric("deposit_avg_daily").definition == original["definition"]
    assert [v.version for v in gov.store.versions("deposit_avg_daily")] == [1, 2, 3]


def test_deprecation_is_refused_while_other_metrics_use_it(gov: workflow.Governance) -> None:
    with pytest.raises(UserFacingError) as used:
        workflow.deprecate(gov, QIAN, "loan_balance", "")
    assert used.value.code == "METRIC_IN_USE" and "npl_ratio" in used.value.message("en")
    retired = workflow.deprecate(gov, QIAN, "wealth_balance", "不再使用")
    assert retired.status == "deprecated"
    assert "wealth_balance" not in gov.store.published().metric_codes
    assert "wealth_balance" in gov.store.current("deprecated")


def test_a_locked_regulatory_metric_needs_an_approvers_unlock(gov: workflow.Governance) -> None:
    assert workflow.is_locked(gov, "npl_ratio")
    with pytest.raises(UserFacingError) as locked:
        workflow.start_draft(gov, ZHAO, "npl_ratio")
    assert locked.value.code == "METRIC_LOCKED"
    for step in (
        lambda: workflow.rollback(gov, QIAN, "npl_ratio", 1, ""),
        lambda: workflow.deprecate(gov, QIAN, "npl_ratio", ""),
    ):
        with pytest.raises(UserFacingError, match="METRIC_LOCKED"):
            step()
    with pytest.raises(AccessDenied):
        workflow.unlock(gov, ZHAO, "npl_ratio", "我要改")
    with pytest.raises(UserFacingError, match="METRIC_COMMENT_REQUIRED"):
        workflow.unlock(gov, QIAN, "npl_ratio", "")
    workflow.unlock(gov, QIAN, "npl_ratio", "监管口径调整")
    assert not workflow.is_locked(gov, "npl_ratio")
    version = publish_edit(gov, "npl_ratio", steward="新负责人")
    assert version == 2 and workflow.is_locked(gov, "npl_ratio")  # locked again on publish
    with pytest.raises(UserFacingError, match="METRIC_NOT_LOCKED"):
        workflow.unlock(gov, QIAN, "loan_balance", "not regulatory")


def gold_ids_using(codes: set[str]) -> set[str]:
    ids = set()
    for path in GOLD.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            if codes & set(case["query"]["metrics"]):
                ids.add(case["id"])
    return ids


def run_on(executor: DuckDBExecutor) -> Callable[[Any], QueryResult]:
    """Runs a compiled tree as it is (this test is about the comparison, not the gate)."""
    return lambda tree: executor.execute(tree, row_cap=1000, timeout_s=30)


def test_impact_lists_the_gold_cases_and_how_their_results_change(
    gov: workflow.Governance, tiny_executor: DuckDBExecutor
) -> None:
    published = gov.store.published()
    cases = impact.cases_using("loan_balance", published)
    # loan_balance and the metrics built on it (read from the dictionary's YAML by hand)
    users = {"loan_balance", "npl_ratio", "special_mention_ratio", "loan_to_deposit_ratio"}
    assert {c.id for c in cases} >= gold_ids_using(users)
    assert {c.id for c in cases} <= gold_ids_using(impact.dependents("loan_balance", published))

    halved = {**seed_metric("deposit_avg_daily")}
    halved["measure"] = {**halved["measure"], "expr": "SUM(balance) / 2"}
    proposed, _ = candidate(
        gov.store, "deposit_avg_daily", "deposits.yaml", MetricFile.model_validate(halved)
    )
    own = [
        c
        for c in impact.cases_using("deposit_avg_daily", published)
        if c.query.metrics == ("deposit_avg_daily",)
    ]
    doc = yaml.safe_load((GOLD / "deposit_avg_daily.yaml").read_text(encoding="utf-8"))
    assert {c.id for c in own} == {c["id"] for c in doc["cases"]}
    before = Compiler(published, load_catalog(), DATA_DATE)
    after = Compiler(proposed, load_catalog(), DATA_DATE)
    for result in impact.measure(own, before, after, run_on(tiny_executor)):
        assert result.changed and result.before and result.after, result.case.id
        column = result.before.columns.index("deposit_avg_daily")
        old = [float(r[column]) for r in result.before.rows if r[column] is not None]
        new = [float(r[column]) for r in result.after.rows if r[column] is not None]
        assert old and new == pytest.approx([v / 2 for v in old]), result.case.id
    # a change of words only leaves every result as it was
    same = impact.measure(own[:2], before, before, run_on(tiny_executor))
    assert [r.changed for r in same] == [False, False]


def test_a_draft_started_before_another_publication_must_be_rebased(
    gov: workflow.Governance,
) -> None:
    saved = edit(gov, "deposit_avg_daily", steward="李四")
    workflow.rollback(gov, QIAN, "deposit_avg_daily", 1, "v2 = v1 again")  # published meanwhile
    with pytest.raises(UserFacingError) as changed:
        workflow.submit(gov, ZHAO, saved.draft.id, saved.draft.row_version)
    assert changed.value.code == "METRIC_BASE_CHANGED"
    assert "version 1" in changed.value.message("en") and "version 2" in changed.value.message("en")
    rebased = workflow.rebase(gov, ZHAO, saved.draft.id, saved.draft.row_version)
    assert rebased.base_version == 2 and rebased.definition["steward"] == "李四"
    sent = workflow.submit(gov, ZHAO, rebased.id, rebased.row_version)
    assert workflow.approve(gov, QIAN, sent.id, sent.row_version, "ok").version == 3


def test_a_withdrawn_draft_frees_the_metric_for_a_new_one(gov: workflow.Governance) -> None:
    saved = edit(gov, "txn_amount", steward="李四")
    sent = workflow.submit(gov, ZHAO, saved.draft.id, saved.draft.row_version)
    with pytest.raises(UserFacingError, match="METRIC_DRAFT_STATE"):  # in review: not withdrawn
        workflow.withdraw(gov, ZHAO, sent.id, sent.row_version)
    rejected = workflow.reject(gov, QIAN, sent.id, sent.row_version, "不需要")
    gone = workflow.withdraw(gov, ZHAO, rejected.id, rejected.row_version)
    assert gone.status == "withdrawn" and gov.drafts.open_drafts() == ()
    assert workflow.start_draft(gov, ZHAO, "txn_amount").id != gone.id
    assert gov.store.get("txn_amount").version == 1  # nothing was published
