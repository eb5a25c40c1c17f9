"""The bypass corpus holds on PostgreSQL: the same attempts and legitimate queries as
tests/gate/test_bypass_corpus.py, gated as there, run on the tiny demo bank loaded into
PostgreSQL (tests/engines.py). The scope and PII checks read the same engine's rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from asker.api import limits
from asker.warehouse.url import open_executor
from tests.engines import EngineBank
from tests.gate.bank import Bank, make_bank
from tests.gate.test_bypass_corpus import test_bypass_attempt, test_legitimate_query

pytestmark = pytest.mark.engines
__all__ = ["test_bypass_attempt", "test_legitimate_query"]  # collected here, on PostgreSQL


@pytest.fixture(scope="module")
def bank(pg_bank: EngineBank) -> Iterator[Bank]:
    settings = pg_bank.settings
    executor = open_executor(settings, limits(settings))
    try:
        yield make_bank(executor, handmade=False)  # type: ignore[arg-type]
    finally:
        executor.close()
