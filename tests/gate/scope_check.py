"""Independent checks of what a gated query returned: every id in the result is in the
principal's scope, and no raw value of a column the role sees masked is in it.

Ids are recognised by value (org ids, customer ids, and the ids of accounts, loans,
transactions, applications and leads, each mapped to its customer), so the check does not trust
the gate's own idea of which column is which.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from asker.types import Principal
from tests.gate.bank import Bank

OWNED = {
    "dim_account": "account_id",
    "dim_loan": "loan_id",
    "fact_transaction": "txn_id",
    "fact_credit_application": "app_id",
    "fact_marketing_lead": "lead_id",
}


@dataclass
class Truth:
    """What the warehouse holds, read without the gate."""

    orgs: set[str]
    customer_org: dict[str, str]
    customer_manager: dict[str, str]
    owner: dict[str, str]  # entity id -> customer id
    values: dict[str, set[str]]  # "table.column" -> raw PII values longer than one character

    @classmethod
    def read(cls, bank: Bank) -> Truth:
        customers = bank.rows("SELECT cust_id, open_org_id, manager_emp_id FROM dim_customer")
        owner: dict[str, str] = {}
        for table, key in OWNED.items():
            owner.update(
                (str(k), str(c)) for k, c in bank.rows(f"SELECT {key}, cust_id FROM {table}")
            )
        values = {}
        for table, column in bank.catalog.pii_columns():
            rows = bank.rows(f'SELECT DISTINCT "{column.name}" FROM "{table}"')
            values[f"{table}.{column.name}"] = {
                r[0] for r in rows if isinstance(r[0], str) and len(r[0]) > 1
            }
        return cls(
            orgs={r[0] for r in bank.rows("SELECT org_id FROM dim_org")},
            customer_org={c: o for c, o, _ in customers},
            customer_manager={c: m for c, _, m in customers},
            owner=owner,
            values=values,
        )


def allowed(bank: Bank, principal: Principal) -> tuple[set[str], set[str]]:
    """The org ids and customer ids ``principal`` may see rows of."""
    truth = bank_truth(bank)
    scope = bank.policy.role(principal.role).row_scope
    if scope == "all":
        return set(truth.orgs), set(truth.customer_org)
    # the units above one's own are visible as names in dim_org (not their facts: those stay
    # filtered by each fact table's own scope, checked exactly by test_shadow.py)
    orgs = set(bank.orgs.descendants(principal.org_id)) | set(bank.orgs.ancestors(principal.org_id))
    if scope == "customer":
        mine = {c for c, m in truth.customer_manager.items() if m == principal.emp_id}
        return orgs, mine
    return orgs, {c for c, o in truth.customer_org.items() if o in orgs}


def out_of_scope(bank: Bank, principal: Principal, rows: Iterable[tuple[Any, ...]]) -> list[str]:
    """Every id in ``rows`` that ``principal`` may not see."""
    truth = bank_truth(bank)
    orgs, customers = allowed(bank, principal)
    bad = []
    for value in {v for row in rows for v in row if isinstance(v, str)}:
        if (
            (value in truth.orgs and value not in orgs)
            or (value in truth.customer_org and value not in customers)
            or (value in truth.owner and truth.owner[value] not in customers)
        ):
            bad.append(value)
    return sorted(bad)


def raw_pii(bank: Bank, principal: Principal, rows: Iterable[tuple[Any, ...]]) -> list[str]:
    """Raw values of columns ``principal`` sees masked (and of none it sees in clear)."""
    truth = bank_truth(bank)
    role = bank.policy.role(principal.role)
    hidden: set[str] = set()
    shown: set[str] = set()
    for key, values in truth.values.items():
        table, column = key.split(".")
        (shown if role.column_access(table, column) == "visible" else hidden).update(values)
    cells = {v for row in rows for v in row if isinstance(v, str)}
    return sorted((hidden - shown) & cells)


_TRUTH: dict[int, Truth] = {}


def bank_truth(bank: Bank) -> Truth:
    key = id(bank.executor)
    if key not in _TRUTH:
        _TRUTH[key] = Truth.read(bank)
    return _TRUTH[key]
