"""Metric drafts on SQLite and PostgreSQL: two admins editing the same draft never lose an edit
silently (the stale save is refused), and one metric has at most one open draft, even when two
admins start one at the same moment."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import Engine

from asker.access.policy import load_policy
from asker.errors import UserFacingError
from asker.semantic import workflow
from asker.semantic.definitions import seed_texts
from asker.semantic.drafts import DraftStore
from asker.semantic.store import MetricStore
from asker.types import Principal
from asker.warehouse.catalog import load_catalog

ZHAO = Principal("zhao.min", "metric_admin", "HQ")
SONG = Principal("song.yu", "metric_admin", "HQ")  # a second admin


def policy_rights(role: str) -> frozenset[str]:
    """The application rights the shipped policy grants ``role`` (the workflow's four eyes)."""
    return load_policy().rights_of(role)


@pytest.fixture
def gov(engine: Engine) -> workflow.Governance:
    store = MetricStore(engine, load_catalog())
    store.import_texts(seed_texts(), author="system")
    return workflow.Governance(store, DraftStore(engine), date(2026, 9, 30), policy_rights)


def test_the_second_of_two_concurrent_saves_is_refused_as_stale(
    gov: workflow.Governance,
) -> None:
    draft = workflow.start_draft(gov, ZHAO, "deposit_avg_daily")
    # both admins opened the draft at the same row version
    first = {**draft.definition, "synonyms": [*draft.definition["synonyms"], "存款均值"]}
    second = {**draft.definition, "definition": draft.definition["definition"] + "（第二人修改）"}
    saved = workflow.save_draft(gov, ZHAO, draft.id, first, draft.row_version)
    with pytest.raises(UserFacingError) as refused:
        workflow.save_draft(gov, SONG, draft.id, second, draft.row_version)
    assert refused.value.code == "METRIC_DRAFT_STALE"
    assert "zhao.min" in refused.value.message("zh")
    kept = gov.drafts.get(draft.id)
    assert "存款均值" in kept.definition["synonyms"]  # the first edit is intact
    assert kept.row_version == saved.draft.row_version == draft.row_version + 1
    # the refused admin reopens the draft and redoes the edit on top of the first one
    again = {**kept.definition, "definition": kept.definition["definition"] + "（第二人修改）"}
    merged = workflow.save_draft(gov, SONG, draft.id, again, kept.row_version).draft
    assert "存款均值" in merged.definition["synonyms"]
    assert merged.definition["definition"].endswith("（第二人修改）")
    assert merged.editors == ("zhao.min", "song.yu")


def test_racing_saves_from_threads_apply_exactly_one(gov: workflow.Governance) -> None:
    draft = workflow.start_draft(gov, ZHAO, "deposit_avg_daily")
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def save(number: int) -> None:
        body = {**draft.definition, "steward": f"steward {number}"}
        barrier.wait()
        try:
            workflow.save_draft(gov, ZHAO, draft.id, body, draft.row_version)
            outcomes.append(f"ok {number}")
        except UserFacingError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o.startswith("ok")]
    assert len(winners) == 1 and outcomes.count("METRIC_DRAFT_STALE") == 5
    stored = gov.drafts.get(draft.id)
    assert stored.row_version == draft.row_version + 1
    assert stored.definition["steward"] == f"steward {winners[0].split()[1]}"


def test_one_open_draft_per_metric(gov: workflow.Governance) -> None:
    workflow.start_draft(gov, ZHAO, "loan_balance")
    with pytest.raises(UserFacingError) as refused:
        workflow.start_draft(gov, SONG, "loan_balance")
    assert refused.value.code == "METRIC_DRAFT_OPEN"
