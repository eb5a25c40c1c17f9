"""The worker's timing: one run now (``run_once``) or one every interval (``serve``, on
APScheduler's blocking scheduler: one run at a time, missed runs folded into one).

The data date moves with the warehouse's loads: before each run the data dir's manifest is read
again and, when the date moved, the runtime is rebuilt on it.
"""

from __future__ import annotations

import logging
import signal
from types import FrameType

from asker import api
from asker.api.runtime import Runtime, data_date_of
from asker.config import Settings
from asker.worker.alerting import plan_alerts
from asker.worker.anomaly_alerts import plan_anomalies
from asker.worker.runner import RunReport, plan_subscriptions, worker_name
from asker.worker.runner import run_once as run_planned

_log = logging.getLogger(__name__)
PLANNERS = (plan_subscriptions, plan_alerts, plan_anomalies)


def open_worker_runtime(settings: Settings, current: Runtime | None = None) -> Runtime:
    """``current`` while the data date has not moved, else a runtime on the new one."""
    if current is not None and data_date_of(settings) == current.data_date:
        return current
    if current is not None:
        current.close()
    return api.open_runtime(settings)


def run_once(rt: Runtime, worker: str | None = None) -> RunReport:
    """Plan everything due (subscriptions, alerts, anomaly rules) and send what is claimed."""
    return run_planned(rt, worker or worker_name(), planners=PLANNERS)


def serve(settings: Settings) -> None:
    """Run every ``worker_interval_s`` seconds until SIGTERM or Ctrl+C."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    worker = worker_name()
    held: list[Runtime] = []

    def tick() -> None:
        rt = open_worker_runtime(settings, held[0] if held else None)
        held[:] = [rt]
        report = run_once(rt, worker)
        _log.info("worker run: %s", report)

    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        "interval",
        seconds=settings.worker_interval_s,
        max_instances=1,
        coalesce=True,
    )

    def stop(_signum: int, _frame: FrameType | None) -> None:
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    tick()
    try:
        scheduler.start()
    finally:
        for rt in held:
            rt.close()
