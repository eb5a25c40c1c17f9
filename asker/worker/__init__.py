"""``asker worker``: the process that sends subscriptions, threshold alerts and anomaly alerts.

``run_once`` plans what is due and sends what this worker claimed (``--once``, for cron and
tests); ``serve`` runs it every ``ASKER_WORKER_INTERVAL_S`` seconds on APScheduler's in-process
timer. Every state a run depends on is in the app database, so any number of workers may run.
"""

from asker.worker.loop import open_worker_runtime, run_once, serve
from asker.worker.runner import RunReport, worker_name

__all__ = ["RunReport", "open_worker_runtime", "run_once", "serve", "worker_name"]
