"""Whether the process can answer (``/readyz``): the warehouse runs a statement, the app
database answers, the retrieval index opens. Each part that fails is named, never its error
text (which can quote a connection string)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlglot
from sqlalchemy import text

from asker.api.runtime import Runtime
from asker.retrieval.index import INDEX_DIR

_log = logging.getLogger(__name__)


def _warehouse(rt: Runtime) -> None:
    rt.executor.execute(sqlglot.select("1"), row_cap=1, timeout_s=5.0)


def _app_database(rt: Runtime) -> None:
    with rt.app_db.connect() as con:
        con.execute(text("SELECT 1"))


def _index(rt: Runtime) -> None:
    if not (rt.settings.data_dir / INDEX_DIR).is_dir():
        raise FileNotFoundError(INDEX_DIR)
    rt.retriever()


PARTS: tuple[tuple[str, Callable[[Runtime], None]], ...] = (
    ("warehouse", _warehouse),
    ("app_database", _app_database),
    ("index", _index),
)


def readiness(rt: Runtime) -> dict[str, bool]:
    """Each dependency and whether it answered."""
    found: dict[str, bool] = {}
    for name, check in PARTS:
        try:
            check(rt)
        except Exception as exc:  # any failure means not ready; the class only is logged
            _log.warning("readiness: %s did not answer (%s)", name, type(exc).__name__)
            found[name] = False
        else:
            found[name] = True
    return found
