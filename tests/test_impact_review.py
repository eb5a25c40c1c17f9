"""The metric review's impact run through the gate (issue #17 item 3): the red-team's draft
attacks are refused with codes that name the problem, roles without data learn nothing, and a
legitimate draft previews for an approver with data rights, with values equal to hand-written
SQL run on the warehouse directly. The attacks are listed in metric_draft_corpus.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from asker import api
from asker.config import Settings
from asker.errors import UserFacingError
from asker.semantic.impact import ImpactCase
from asker.types import MetricQuery
from asker.warehouse.engine import DuckDBExecutor
from tests import callers
from tests.helpers import copy_data_dir, rows
from tests.test_governance_api import data_approver_policy

CORPUS = yaml.safe_load((Path(__file__).parent / "metric_draft_corpus.yaml").read_text("utf-8"))
DATA_DATE = "2026-09-30"


@pytest.fixture(scope="module")
def settings(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("impact")
    copy_data_dir(tiny_dir, folder / "data")
    return Settings(data_dir=folder / "data", policy_file=data_approver_policy(folder))


def _draft(settings: Settings, code: str, measure: dict[str, Any]) -> int:
    rt = callers.runtime(settings)
    admin = callers.who(settings, "zhao.min")
    for old in api.metric_drafts(rt):
        if old.code == code:
            api.metric_draft_withdraw(rt, admin, old.id, old.row_version)
    draft = api.metric_draft_start(rt, admin, code)
    definition = dict(draft.definition)
    definition["measure"] = {**definition["measure"], **measure}  # type: ignore[dict-item]
    saved = api.metric_draft_save(rt, admin, draft.id, definition, draft.row_version)
    return saved.draft.id


@pytest.mark.parametrize("attempt", CORPUS["attempts"], ids=lambda a: a["id"])
def test_a_draft_attack_is_refused_for_every_reviewer(
    attempt: dict[str, Any], settings: Settings
) -> None:
    rt = callers.runtime(settings)
    draft_id = _draft(settings, attempt["metric"], attempt["measure"])
    for user in ("zhao.min", "qian.hao"):
        with pytest.raises(UserFacingError) as refused:
            api.metric_impact(rt, callers.who(settings, user), draft_id)
        assert refused.value.code == attempt["expect"], refused.value.message("en")
        zh, en = refused.value.message("zh"), refused.value.message("en")
        assert "measure." in zh and "measure." in en and "请" in zh  # names the field and the fix
    check = api.metric_draft_check(rt, draft_id)
    assert not check.ok and any("measure." in m for m in check.messages())
    draft = api.metric_draft(rt, draft_id)
    with pytest.raises(UserFacingError) as not_submitted:
        api.metric_draft_submit(rt, callers.who(settings, "zhao.min"), draft_id, draft.row_version)
    assert not_submitted.value.code == attempt["expect"]


def test_the_prefix_guess_gets_no_flag_with_demo_data_off(settings: Settings) -> None:
    """The red-team's guess: a draft that counts customers whose ID starts with a prefix, read
    back through changed/unchanged. It is refused as PII; and a draft the gate allows (a guess
    at a raw amount) still tells a role without data nothing: no run, no flag."""
    from dataclasses import replace

    from asker.warehouse.datadir import read_manifest, write_manifest

    manifest = read_manifest(settings.data_dir)
    write_manifest(settings.data_dir, replace(manifest, demo=False))
    try:
        rt = callers.runtime(settings)
        guess = _draft(settings, "customer_count", {"where": "cust_id LIKE 'C0001%'"})
        found = api.metric_impact(rt, callers.who(settings, "zhao.min"), guess)
        assert found
        for item in found:
            assert item.hidden and item.changed is None and item.before_rows is None
            assert item.before is None and item.after is None
    finally:
        write_manifest(settings.data_dir, manifest)


def test_a_legitimate_draft_previews_for_an_approver_with_data_rights(
    settings: Settings, tiny_executor: DuckDBExecutor
) -> None:
    rt = callers.runtime(settings)
    draft_id = _draft(settings, "wealth_balance", {"where": "wealth_amt >= 100000"})
    case = ImpactCase("saved-x", "理财余额", MetricQuery(metrics=("wealth_balance",)), "saved")
    found = [
        i
        for i in api.metric_impact(rt, callers.who(settings, "qian.hao"), draft_id, (case,))
        if i.case.id == "saved-x"
    ]
    (item,) = found
    assert item.before is not None and item.after is not None and item.changed
    ((before,),) = rows(
        tiny_executor,
        f"SELECT SUM(wealth_amt) FROM fact_customer_aum_monthly WHERE month_end = '{DATA_DATE}'",
    )
    ((after,),) = rows(
        tiny_executor,
        f"SELECT SUM(wealth_amt) FROM fact_customer_aum_monthly WHERE month_end = '{DATA_DATE}'"
        " AND wealth_amt >= 100000",
    )
    column = item.before.columns.index("wealth_balance")
    assert float(item.before.rows[0][column]) == pytest.approx(float(before))
    assert float(item.after.rows[0][column]) == pytest.approx(float(after))
    assert float(after) < float(before)  # the check can fail: the draft changes the value
    assert api.metric_draft_check(rt, draft_id).ok


def test_every_published_metric_passes_the_expression_check(settings: Settings) -> None:
    from asker.api.impact_review import expression_problems

    rt = callers.runtime(settings)
    bad = {
        v.code: [p.code for p in expression_problems(rt, v.definition)]
        for v in rt.metric_store.current().values()
    }
    assert {code: p for code, p in bad.items() if p} == {}
    assert len(bad) > 20
