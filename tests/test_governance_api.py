"""The governance facade in asker.api: search, YAML export and import as drafts, impact values
only on demo data, and every step (done or refused) audited."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest
import yaml

from asker import api
from asker.access.accounts import principal
from asker.config import Settings
from asker.errors import AccessDenied, AskerError, ConfigError
from asker.semantic.definitions import seed_texts
from asker.warehouse.datadir import read_manifest, write_manifest
from tests import callers
from tests.helpers import copy_data_dir


def seed_metrics() -> list[dict[str, object]]:
    return [m for text in seed_texts().values() for m in yaml.safe_load(text).get("metrics") or []]


def data_approver_policy(folder: Path) -> Path:
    """The demo policy with metric_approver (qian.hao) given data rights: every org, detail,
    PII masked, as a bank whose approvers also analyse data might set it."""
    text = resources.files("asker.access").joinpath("policy.yaml").read_text("utf-8")
    doc = yaml.safe_load(text)
    approver = doc["roles"]["metric_approver"]
    analyst = doc["roles"]["hq_analyst"]
    approver.update(
        data_access=True, tables="*", row_scope="all", detail=True, row_cap=5000, pii=analyst["pii"]
    )
    path = folder / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def settings(tiny_dir: Path, tmp_path: Path) -> Settings:
    copy = tmp_path / "data"
    copy_data_dir(tiny_dir, copy)
    return Settings(data_dir=copy, policy_file=data_approver_policy(tmp_path))


def test_search_by_words_category_and_owner(tiny_dir: Path) -> None:
    settings = Settings(data_dir=tiny_dir)
    regulatory = {str(m["code"]) for m in seed_metrics() if m["category"] == "监管"}
    assert {
        v.code for v in api.search_metrics(callers.runtime(settings), category="监管")
    } == regulatory
    risk = {str(m["code"]) for m in seed_metrics() if m["owner_department"] == "风险管理部"}
    assert {
        v.code for v in api.search_metrics(callers.runtime(settings), owner="风险管理部")
    } == risk
    assert "npl_ratio" in {
        v.code for v in api.search_metrics(callers.runtime(settings), "坏账率")
    }  # an alias
    assert "deposit_avg_daily" in {
        v.code for v in api.search_metrics(callers.runtime(settings), "adb")
    }
    assert api.search_metrics(callers.runtime(settings), "no such metric at all") == ()


def test_an_uploaded_yaml_becomes_a_draft_not_a_publication(settings: Settings) -> None:
    doc = yaml.safe_load(api.metric_export_yaml(callers.runtime(settings), "wealth_balance"))
    doc["metrics"][0]["aliases"] = ["理财规模"]
    (saved,) = api.metric_import_drafts(
        callers.runtime(settings), callers.who(settings, "zhao.min"), yaml.safe_dump(doc)
    )
    assert saved.draft.status == "draft" and saved.draft.definition["aliases"] == ["理财规模"]
    assert saved.check.ok, saved.check.messages()
    published = callers.runtime(settings).metric_store.get("wealth_balance")
    assert published.version == 1 and "aliases" not in published.definition
    with pytest.raises(ConfigError) as bad:
        api.metric_import_drafts(
            callers.runtime(settings),
            callers.who(settings, "zhao.min"),
            "metrics:\n  - code: X\n    unit: 元\n  - {code: y}\n",
        )
    assert bad.value.code == "DICTIONARY_INVALID" and len(bad.value.params["problems"]) > 2


def test_roles_without_data_learn_no_value_count_or_change(settings: Settings) -> None:
    """zhao.min reads no data, on demo data or a bank's own, so the impact says only whether
    each case compiles and passes the gate (issue #17 item 3)."""
    rt = callers.runtime(settings)
    draft = api.metric_draft_start(rt, callers.who(settings, "zhao.min"), "wealth_balance")
    for demo in (True, False):
        manifest = read_manifest(settings.data_dir)
        write_manifest(settings.data_dir, replace(manifest, demo=demo))
        for user in ("zhao.min",):
            found = api.metric_impact(rt, callers.who(settings, user), draft.id)
            assert found and all(i.hidden for i in found)
            assert {(i.before, i.after, i.changed, i.before_rows, i.after_rows) for i in found} == {
                (None, None, None, None, None)
            }
            assert all(i.error_before is None and i.error_after is None for i in found)
    with pytest.raises(AccessDenied):  # no metric right at all
        api.metric_impact(rt, callers.who(settings, "sun.li"), draft.id)


def test_refused_steps_are_audited_with_their_code(settings: Settings) -> None:
    rt = callers.runtime(settings)
    for user, step in (
        (
            "zhang.wei",
            lambda: api.metric_draft_start(rt, callers.who(settings, "zhang.wei"), "loan_balance"),
        ),
        (
            "qian.hao",
            lambda: api.metric_deprecate(rt, callers.who(settings, "qian.hao"), "loan_balance"),
        ),
    ):
        with pytest.raises(AskerError):
            step()
        (entry,) = rt.audit.search(user_id=user, action="metric_workflow")
        assert entry.record["decision"] == "refused"
    codes = [e.record["codes"][0] for e in rt.audit.search(action="metric_workflow")]
    assert codes == ["METRIC_IN_USE", "METRIC_ROLE_REQUIRED"]
    # someone the directory does not know gets no principal, so no step: the sign-in is refused
    with pytest.raises(AskerError):
        api.metric_unlock(rt, callers.who(settings, "nobody"), "npl_ratio", "x")
    (entry,) = rt.audit.search(user_id="nobody", action="login")
    assert (entry.record["decision"], entry.record["codes"]) == ("refused", ["UNKNOWN_USER"])
    assert rt.audit.search(user_id="nobody", action="metric_workflow") == ()


def test_an_exported_dictionary_reimports_as_no_drafts(settings: Settings) -> None:
    text = api.metric_export_yaml(callers.runtime(settings))
    assert len(yaml.safe_load(text)["metrics"]) == len(seed_metrics())
    assert (
        api.metric_import_drafts(callers.runtime(settings), callers.who(settings, "zhao.min"), text)
        == ()
    )
    assert api.metric_drafts(callers.runtime(settings)) == ()


def test_saved_questions_that_use_the_metric_are_in_its_impact(settings: Settings) -> None:
    li_na = principal(callers.runtime(settings).app_db, "li.na")
    using = api.save_question(callers.runtime(settings), li_na, "上个月存款日均", "月日均")
    api.save_question(
        callers.runtime(settings), li_na, "上个月末贷款余额", "贷款"
    )  # another metric
    api.save_question(callers.runtime(settings), li_na, "今天天气怎么样", "不是指标问题")
    draft = api.metric_draft_start(
        callers.runtime(settings), callers.who(settings, "zhao.min"), "deposit_avg_daily"
    )
    found = [
        i
        for i in api.metric_impact(
            callers.runtime(settings), callers.who(settings, "qian.hao"), draft.id
        )
        if i.case.origin == "saved"
    ]
    assert [(i.case.id, i.case.label) for i in found] == [(f"saved-{using.id}", "月日均")]
    (item,) = found
    assert item.before is not None and item.after is not None and not item.changed


def test_an_approved_version_reaches_retrieval_at_once(settings: Settings) -> None:
    word = "揽储沉淀额"  # a new synonym no metric has yet
    retriever = callers.runtime(settings).retriever()
    before = retriever.search(word, "hq_analyst", k=3, kinds=["metric"])
    assert "wealth_balance" not in [hit.key for hit in before]
    draft = api.metric_draft_start(
        callers.runtime(settings), callers.who(settings, "zhao.min"), "wealth_balance"
    )
    definition = dict(draft.definition)
    definition["synonyms"] = [*list(definition.get("synonyms") or []), word]  # type: ignore[call-overload]
    saved = api.metric_draft_save(
        callers.runtime(settings),
        callers.who(settings, "zhao.min"),
        draft.id,
        definition,
        draft.row_version,
    )
    submitted = api.metric_draft_submit(
        callers.runtime(settings),
        callers.who(settings, "zhao.min"),
        draft.id,
        saved.draft.row_version,
    )
    api.metric_draft_approve(
        callers.runtime(settings),
        callers.who(settings, "qian.hao"),
        draft.id,
        submitted.row_version,
        "同意",
    )
    after = callers.runtime(settings).retriever().search(word, "hq_analyst", k=3, kinds=["metric"])
    assert after[0].key == "wealth_balance" and word in after[0].text
