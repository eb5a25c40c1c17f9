"""The deliveries table's two guarantees on both backends: a message is planned once however
many workers plan it, and each due delivery is claimed by exactly one of several workers racing
with connections of their own; a claim past its lease may be taken over."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine

from asker.appstate import alerts, deliveries
from asker.appstate.database import engine_for

NOW = dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=10)


def test_a_message_is_planned_once(engine: Engine) -> None:
    planned = [
        deliveries.plan(engine, "subscription", "1", "2026-09-30", "li.na", now=NOW)
        for _ in range(3)
    ]
    assert planned == [True, False, False]
    assert deliveries.plan(engine, "subscription", "1", "2026-10-31", "li.na", now=NOW)


def test_racing_workers_claim_each_delivery_once(engine: Engine, app_db_url: str) -> None:
    for n in range(20):
        deliveries.plan(engine, "subscription", str(n), "2026-09-30", "li.na", now=NOW)
    engines = [engine_for(app_db_url) for _ in range(4)]
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(len(engines))

    def claim(name: str, own: Engine) -> None:
        start.wait()
        claimed[name] = [d.id for d in deliveries.claim_due(own, name, NOW, LEASE)]

    threads = [threading.Thread(target=claim, args=(f"w{i}", own)) for i, own in enumerate(engines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for own in engines:
        own.dispose()
    every = [item for ids in claimed.values() for item in ids]
    assert sorted(every) == sorted(set(every)) and len(every) == 20


def test_a_claim_past_its_lease_is_taken_over_and_a_finished_one_is_not(engine: Engine) -> None:
    deliveries.plan(engine, "subscription", "1", "2026-09-30", "li.na", now=NOW)
    [mine] = deliveries.claim_due(engine, "w1", NOW, LEASE)
    assert deliveries.claim_due(engine, "w2", NOW + LEASE / 2, LEASE) == ()
    [taken] = deliveries.claim_due(engine, "w2", NOW + LEASE * 2, LEASE)
    assert taken.id == mine.id
    deliveries.finish(engine, mine.id, "w1", NOW)  # w1 lost the claim: its outcome is ignored
    assert deliveries.get(engine, mine.id).status == "pending"
    deliveries.finish(engine, taken.id, "w2", NOW + LEASE * 2)
    assert deliveries.get(engine, mine.id).status == "sent"
    assert deliveries.claim_due(engine, "w3", NOW + LEASE * 10, LEASE) == ()


def test_one_caller_evaluates_an_alert_per_data_date(engine: Engine) -> None:
    made = alerts.add(
        engine,
        owner_id="li.na",
        question="不良贷款率",
        metric="npl_ratio",
        comparison=">",
        threshold=0.02,
        channel="email",
        webhook_url=None,
        now=NOW,
    )
    day = dt.date(2026, 9, 30)
    assert [alerts.claim_evaluation(engine, made.id, day) for _ in range(2)] == [True, False]
    assert alerts.claim_evaluation(engine, made.id, dt.date(2026, 10, 31))
