"""Reconstruction: no masked value can be rebuilt from what else the role can read (§6).

For each demo role with data access, every column the role can read is read through the gate,
as that role, for a sample of customers in its scope (chosen from the warehouse read directly);
the true values come from the warehouse read directly, never from the gate. Two attacks:

- generic, every PII type: the hidden part of a masked value (what the mask replaced) must not
  appear in any other readable value of the same customer (any table, joined on cust_id), nor as
  the number of a digit run in one (a card built from the account number);
- ID numbers: the masked head and tail, the visible birth_date and gender and the ISO 7064 check
  character must leave more than one candidate for the hidden birth-date digits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

import pytest

from asker.gate import gate
from asker.warehouse.catalog import Table
from tests.gate.bank import Bank, bank_for

ROLES = ("hq_analyst", "branch_manager", "subbranch_manager", "client_manager")
SAMPLE = 15  # customers per role
# A derivation is a rule: the hidden part found in the same other column for at least this share
# of the masked values (a 4-digit hidden part also turns up by chance in some 8-digit id).
RULE_SHARE = 0.5
NOT_READ = ("DECIMAL", "DOUBLE")  # amounts and rates cannot hold a hidden text part
TIME_COLUMNS = {"biz_date", "month_end", "txn_time"}  # one row per day: read their distinct rest
# How each mask of ARCHITECTURE §6 splits a value: (kept head, kept tail), in characters.
KEPT = {
    "name": (1, 0),
    "id_number": (6, 4),
    "mobile": (3, 4),
    "bank_card": (6, 4),
    "address": (6, 0),
}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.fixture(scope="module")
def bank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return bank_for(request, tmp_path_factory)


def sample_customers(bank: Bank, role: str) -> list[str]:
    """Customers in the role's scope, from hand-written SQL on the warehouse (not the gate)."""
    who = bank.principals[role]
    if role == "client_manager":
        where = f"manager_emp_id = '{who.emp_id}'"
    elif bank.policy.role(role).row_scope == "org":
        units = ", ".join(f"'{u}'" for u in bank.orgs.descendants(who.org_id))
        where = f"open_org_id IN ({units})"
    else:
        where = "TRUE"
    # individuals first: their IDs carry a birth date
    rows = bank.rows(
        f"SELECT cust_id FROM dim_customer WHERE {where} "
        f"ORDER BY cust_type = '对公', hash(cust_id) LIMIT {SAMPLE}"
    )
    return [r[0] for r in rows]


def read_as(bank: Bank, role: str, sql: str) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    gated = gate(
        sql, bank.principals[role], policy=bank.policy, catalog=bank.catalog, orgs=bank.orgs
    )
    result = bank.executor.execute(gated.tree, row_cap=gated.row_cap, timeout_s=60)
    assert not result.truncated, f"{sql}: more rows than the cap, the test would miss some"
    return result.columns, list(result.rows)


def readable(bank: Bank, role: str, table: Table) -> list[str]:
    policy = bank.policy.role(role)
    return [
        c.name
        for c in table.columns
        if policy.column_access(table.name, c.name) != "denied"
        and not c.type.startswith(NOT_READ)
        and c.name not in TIME_COLUMNS
    ]


def customer_view(bank: Bank, role: str, customers: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every readable row of every table with a customer column, per customer, as the role."""
    view: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for table in bank.catalog.tables:
        if "cust_id" not in table.column_names or not bank.policy.role(role).can_read_table(
            table.name
        ):
            continue
        cols = readable(bank, role, table)
        for names, rows in _reads(bank, role, table, cols, customers):
            for row in rows:
                record = {f"{table.name}.{n}": v for n, v in zip(names, row, strict=True)}
                view[record[f"{table.name}.cust_id"]].append(record)
    return view


def _reads(
    bank: Bank, role: str, table: Table, cols: list[str], customers: list[str]
) -> list[tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """DISTINCT over all sampled customers; a masked column may not be in DISTINCT, so a table
    with PII is read customer by customer."""
    listed = ", ".join(f'"{c}"' for c in cols)
    if not any(table.column(c).pii for c in cols):
        ids = ", ".join(f"'{c}'" for c in customers)
        sql = f"SELECT DISTINCT {listed} FROM {table.name} WHERE cust_id IN ({ids})"
        return [read_as(bank, role, sql)]
    return [
        read_as(bank, role, f"SELECT {listed} FROM {table.name} WHERE cust_id = '{c}'")
        for c in customers
    ]


def hidden_part(value: str, pii: str) -> str:
    head, tail = KEPT[pii]
    return value[head : len(value) - tail]


def texts(value: Any) -> set[str]:
    """A readable value as text, dates also as the digits an ID number would carry."""
    if isinstance(value, dt.date):
        return {value.isoformat(), value.strftime("%Y%m%d"), value.strftime("%y%m%d")}
    return {str(value)} if value is not None else set()


def leaks(secret: str, values: list[Any]) -> bool:
    if len(secret) < 3:
        return False
    for value in values:
        for text in texts(value):
            if secret in text or secret in re.sub(r"\D", "", text):
                return True
            runs = {int(r) for r in re.findall(r"\d+", text)}
            if secret.isdigit() and int(secret) in runs and int(secret) > 0:
                return True
    return False


def truth(bank: Bank, customers: list[str]) -> list[tuple[str, str, str, str, str]]:
    """(cust_id, table, column, pii type, raw value) for every PII value of these customers."""
    ids = ", ".join(f"'{c}'" for c in customers)
    found = []
    for table, column in bank.catalog.pii_columns():
        sql = (
            f'SELECT cust_id, "{column.name}" FROM {table} '
            f'WHERE cust_id IN ({ids}) AND "{column.name}" IS NOT NULL'
        )
        found += [(c, table, column.name, str(column.pii), v) for c, v in bank.rows(sql)]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_hidden_part_is_in_another_readable_value(bank: Bank, role: str) -> None:
    customers = sample_customers(bank, role)
    view = customer_view(bank, role, customers)
    policy = bank.policy.role(role)
    tried: Counter[str] = Counter()
    found: Counter[tuple[str, str]] = Counter()
    for cust, table, column, pii, raw in truth(bank, customers):
        if policy.column_access(table, column) != "masked":
            continue  # visible: nothing hidden; denied: not read at all
        target = f"{table}.{column}"
        tried[target] += 1
        secret = hidden_part(raw, pii)
        sources = {
            k for rec in view[cust] for k, v in rec.items() if k != target and leaks(secret, [v])
        }
        found.update((target, source) for source in sources)
    rules = [f"{t} from {s}" for (t, s), n in found.items() if n >= max(2, RULE_SHARE * tried[t])]
    assert tried, f"{role}: no masked value to try"
    assert not rules, f"{role}: masked values rebuilt from other columns: {rules}"


def id_candidates(masked: str, birth: dt.date | None, gender: str | None) -> int:
    """How many 18-digit ID numbers fit a masked ID, a visible birth_date and gender."""
    head, tail = masked[:6], masked[-4:]
    if birth is None or len(masked) != 18:
        return 10**8  # no date to narrow the hidden digits with
    if gender is not None and int(tail[2]) % 2 != (1 if gender == "男" else 0):
        return 0
    # a generalised birth_date (January 1) leaves every day of its year
    days = [birth] if (birth.month, birth.day) != (1, 1) else _days_of(birth.year)
    count = 0
    for day in days:
        body = head + day.strftime("%Y%m%d") + tail[:3]
        total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
        count += "10X98765432"[total % 11] == tail[3]
    return count


def _days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1) - first).days)]


def test_roles_without_detail_or_data_see_no_pii_masked(bank: Bank) -> None:
    """Roles left out above: they read no PII column at all, so nothing masked can be rebuilt
    (the aggregates-only rule guards their quasi-identifiers)."""
    for role in set(bank.policy.role_names) - set(ROLES):
        policy = bank.policy.role(role)
        assert all(access == "denied" for _, access in policy.pii), role


@pytest.mark.parametrize("role", ROLES)
def test_no_masked_id_number_is_rebuilt_from_birth_date_and_gender(bank: Bank, role: str) -> None:
    if bank.policy.role(role).column_access("dim_customer", "id_no") != "masked":
        pytest.skip(f"{role} does not see the ID number masked")
    ids = ", ".join(f"'{c}'" for c in sample_customers(bank, role))
    _, rows = read_as(
        bank,
        role,
        "SELECT id_no, birth_date, gender FROM dim_customer "
        f"WHERE cust_type = '个人' AND cust_id IN ({ids})",
    )
    assert rows, "no individual customer to try"
    unique = [r[0] for r in rows if id_candidates(r[0], r[1], r[2]) <= 1]
    assert not unique, f"{role}: masked ID numbers rebuilt exactly: {unique[:3]}"


def test_the_id_attack_would_rebuild_an_id_from_its_full_birth_date() -> None:
    """The attack itself works: given the exact birth date, one candidate is left."""
    raw = "11010119900307123X"
    body = raw[:17]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    full = body + check
    masked = full[:6] + "********" + full[-4:]
    assert id_candidates(masked, dt.date(1990, 3, 7), "男") == 1
    assert id_candidates(masked, dt.date(1990, 1, 1), "男") > 1


def test_the_generic_attack_finds_a_card_built_from_the_account_number() -> None:
    card = "621785" + "000000042" + "1234"
    assert leaks(hidden_part(card, "bank_card"), ["A00000042"])
    assert not leaks(hidden_part(card, "bank_card"), ["A00000043"])


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(d if i % 2 == 0 else (2 * d - 9 if d >= 5 else 2 * d) for i, d in enumerate(digits))
    return total % 10 == 0


def test_demo_card_numbers_are_luhn_valid_and_unrelated_to_the_account(bank: Bank) -> None:
    rows = bank.rows("SELECT account_id, card_no FROM dim_account WHERE card_no IS NOT NULL")
    assert rows
    assert all(luhn_valid(card) for _, card in rows), "a card number fails its Luhn check"
    assert not [a for a, card in rows if leaks(hidden_part(card, "bank_card"), [a])]
