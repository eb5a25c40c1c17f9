"""The independent policy oracle: per-user shadow warehouses and the raw PII a role may not see.

A shadow is a copy of the warehouse with every row outside the user's scope physically deleted
and every PII column the role sees masked overwritten by the contract's masks (ARCHITECTURE §6),
all written here in plain SQL from the policy and the catalog, never through the gate. A gated
answer's SQL run on the user's shadow must return exactly what it returned on the real
warehouse; any difference, or a raw PII value in a result, is a policy violation.
(``tests/gate/test_shadow.py`` builds its shadows the same way for random queries.)
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from asker.access.policy import Policy, load_policy
from asker.types import Principal
from asker.warehouse.catalog import Catalog, load_catalog

# Masks as the contract states them (ARCHITECTURE §6), written as plain SQL for the shadow.
MASK_SQL = {
    "name": "CASE WHEN length({c}) <= 1 THEN repeat('*', length({c})) "
    "ELSE left({c}, 1) || '**' END",
    "id_number": "CASE WHEN length({c}) <= 10 THEN repeat('*', length({c})) "
    "ELSE left({c}, 6) || '********' || right({c}, 4) END",
    "mobile": "CASE WHEN length({c}) <= 7 THEN repeat('*', length({c})) "
    "ELSE left({c}, 3) || '****' || right({c}, 4) END",
    "bank_card": "CASE WHEN length({c}) <= 10 THEN repeat('*', length({c})) "
    "ELSE left({c}, 6) || '******' || right({c}, 4) END",
    "address": "CASE WHEN length({c}) <= 6 THEN repeat('*', length({c})) "
    "ELSE left({c}, 6) || '****' END",
}
MIN_RECOGNISABLE = 4  # shorter raw values (a two-character name) are not scanned for


def _quoted(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "NULL"


def scope_orgs(con: duckdb.DuckDBPyConnection, org_id: str) -> list[str]:
    """The unit and everything under it, walked from dim_org by hand."""
    found, frontier = {org_id}, [org_id]
    while frontier:
        rows = con.execute(
            f"SELECT org_id FROM dim_org WHERE parent_org_id IN ({_quoted(frontier)})"
        ).fetchall()
        frontier = [r[0] for r in rows if r[0] not in found]
        found |= set(frontier)
    return sorted(found)


def ancestors(con: duckdb.DuckDBPyConnection, org_id: str) -> list[str]:
    """Units above the user's own: dim_org shows their names (a decision recorded in the gate)."""
    found: list[str] = []
    parent = con.execute("SELECT parent_org_id FROM dim_org WHERE org_id = ?", [org_id]).fetchone()
    while parent and parent[0]:
        found.append(parent[0])
        parent = con.execute(
            "SELECT parent_org_id FROM dim_org WHERE org_id = ?", [parent[0]]
        ).fetchone()
    return found


def delete_out_of_scope(
    con: duckdb.DuckDBPyConnection, who: Principal, policy: Policy, catalog: Catalog
) -> None:
    scope = policy.role(who.role).row_scope
    if scope == "all":
        return
    own_units = scope_orgs(con, who.org_id) if scope == "org" else [who.org_id]
    customers = f"SELECT cust_id FROM dim_customer WHERE manager_emp_id = '{who.emp_id}'"
    for table in catalog.tables:
        if scope == "customer" and table.customer_column:
            if table.name == "dim_customer":
                con.execute(
                    f'DELETE FROM "dim_customer" WHERE "manager_emp_id" '
                    f"IS DISTINCT FROM '{who.emp_id}'"
                )
            else:
                con.execute(
                    f'DELETE FROM "{table.name}" WHERE "{table.customer_column}" '
                    f"NOT IN ({customers})"
                )
        elif table.org_column:
            units = own_units + (ancestors(con, who.org_id) if table.name == "dim_org" else [])
            con.execute(
                f'DELETE FROM "{table.name}" WHERE "{table.org_column}" IS NULL '
                f'OR "{table.org_column}" NOT IN ({_quoted(units)})'
            )


def mask_in_place(
    con: duckdb.DuckDBPyConnection, who: Principal, policy: Policy, catalog: Catalog
) -> None:
    role = policy.role(who.role)
    for table, column in catalog.pii_columns():
        if role.column_access(table, column.name) == "masked":
            expr = MASK_SQL[column.pii or ""].format(c=f'"{column.name}"')
            con.execute(f'UPDATE "{table}" SET "{column.name}" = {expr}')
    # §6: a role that sees the ID number masked sees birth_date generalised to its year
    if role.column_access("dim_customer", "id_no") == "masked":
        con.execute("UPDATE dim_customer SET birth_date = make_date(year(birth_date), 1, 1)")


def build_shadow(warehouse: Path, target: Path, who: Principal) -> Path:
    """Copy ``warehouse`` to ``target`` and cut it down to what ``who`` may see."""
    catalog = load_catalog()
    policy = load_policy(catalog)
    partial = target.with_suffix(".partial")
    shutil.copy(warehouse, partial)
    con = duckdb.connect(str(partial))
    try:
        delete_out_of_scope(con, who, policy, catalog)
        mask_in_place(con, who, policy, catalog)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    partial.replace(target)
    return target


@dataclass
class Shadows:
    """Shadow files under ``folder``, built on first use per user (thread-safe)."""

    warehouse: Path
    folder: Path

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._built: dict[str, Path] = {}

    def path(self, who: Principal) -> Path:
        with self._lock:
            if who.user_id not in self._built:
                self.folder.mkdir(parents=True, exist_ok=True)
                target = self.folder / f"{who.user_id}.duckdb"
                self._built[who.user_id] = build_shadow(self.warehouse, target, who)
            return self._built[who.user_id]


def raw_pii_values(
    con: duckdb.DuckDBPyConnection, catalog: Catalog
) -> dict[tuple[str, str], set[str]]:
    """Every raw PII value of the warehouse long enough to be recognisable, by column."""
    values: dict[tuple[str, str], set[str]] = {}
    for table, column in catalog.pii_columns():
        found = con.execute(f'SELECT DISTINCT "{column.name}" FROM "{table}"').fetchall()
        values[(table, column.name)] = {
            str(r[0]) for r in found if r[0] is not None and len(str(r[0])) >= MIN_RECOGNISABLE
        }
    return values


def hidden_values(
    who: Principal, raw: dict[tuple[str, str], set[str]], policy: Policy
) -> frozenset[str]:
    """Raw values the role may not see: of its masked or denied columns, less any value that
    also occurs in a column it sees unmasked (a customer named like a counterparty)."""
    role = policy.role(who.role)
    hidden = {v for k, vals in raw.items() if role.column_access(*k) != "visible" for v in vals}
    shown = {v for k, vals in raw.items() if role.column_access(*k) == "visible" for v in vals}
    return frozenset(hidden - shown)
