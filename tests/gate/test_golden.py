"""Golden files of the gate (tests/gate/golden/*.sql): each pair is one case. Rewrites
are checked text for text and then executed, to prove they run on the warehouse."""

from __future__ import annotations

import pytest

from asker.access.policy import load_policy
from asker.errors import UserFacingError
from asker.gate import gate
from asker.warehouse.catalog import load_catalog
from tests.gate.bank import FIXED_PRINCIPALS, Bank, bank_for, fixed_orgs
from tests.gate.golden_files import GoldenCase, all_golden

CASES = all_golden()
CATALOG = load_catalog()
POLICY = load_policy(CATALOG)
ORGS = fixed_orgs()


@pytest.fixture(scope="module")
def bank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return bank_for(request, tmp_path_factory)


def test_the_golden_files_have_enough_cases() -> None:
    assert len(CASES) >= 100
    assert {c.file for c in CASES} >= {"statements", "constructs", "names", "row_scope"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(case: GoldenCase, bank: Bank) -> None:
    principal = FIXED_PRINCIPALS[case.role]
    if case.expected_issue is not None:
        with pytest.raises(UserFacingError) as caught:
            gate(case.sql, principal, policy=POLICY, catalog=CATALOG, orgs=ORGS)
        assert caught.value.code == case.expected_issue, caught.value.message("en")
        return
    gated = gate(case.sql, principal, policy=POLICY, catalog=CATALOG, orgs=ORGS)
    assert gated.sql == case.expected_sql, (
        f"{case.id}: the rewrite changed; if the change is right, paste it into "
        f"tests/gate/golden/{case.file}.sql:\n{gated.sql};"
    )
    bank.executor.execute(gated.tree, row_cap=gated.row_cap, timeout_s=30)
