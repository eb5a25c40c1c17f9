"""The permission policy: what each role may read, which rows, and how it sees PII.

Loaded from ``policy.yaml`` and validated against the schema catalog as a whole (pydantic at the
edge, frozen dataclasses inside); every problem is reported at once.

>>> policy = load_policy(load_catalog())
>>> policy.role("client_manager").column_access("dim_customer", "cust_name")
'visible'
>>> policy.role("hq_analyst").column_access("dim_customer", "mobile")
'masked'
>>> policy.role("hq_executive").column_access("dim_customer", "mobile")
'denied'
>>> policy.role("hq_analyst").generalisation("dim_customer", "birth_date")
'year'
>>> policy.role("hq_executive").generalisation("dim_customer", "birth_date") is None
True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from asker.access.directory import DirectoryMapping
from asker.errors import AccessDenied, ConfigError
from asker.warehouse.catalog import Catalog, WarehouseName, load_catalog

Access = Literal["visible", "masked", "denied"]
RowScope = Literal["all", "org", "customer", "none"]
# What a role may do in the application, beside what it may read (declared per role in the YAML).
Right = Literal[
    "ask",  # the chat page, saved questions and the home panel: questions on the warehouse
    "export",  # export answers (re-run within the role's rights, watermarked, audited)
    "review_feedback",  # the feedback queue: promote corrected pairs, reject
    "draft_metrics",  # open, edit, submit and withdraw metric drafts
    "approve_metrics",  # approve, reject, roll back, deprecate, lock and unlock metrics
    "read_audit",  # search, export and verify the audit log
    "read_usage",  # usage statistics
]
RIGHTS: tuple[Right, ...] = get_args(Right)


@dataclass(frozen=True)
class CustomerScope:
    """Where the customer scope finds a manager's customers: ``table.key`` by ``manager_column``."""

    table: str
    key: str
    manager_column: str


@dataclass(frozen=True)
class RolePolicy:
    """One role's grants. ``tables`` None means every catalog table."""

    role: str
    label: str
    data_access: bool
    tables: frozenset[str] | None
    denied_columns: frozenset[str]  # "table.column"
    row_scope: RowScope
    detail: bool
    pii: tuple[tuple[str, Access], ...]  # ("table.column", access) for every PII column
    row_cap: int
    rights: frozenset[Right] = frozenset()
    home_panel: tuple[str, ...] = ()  # the questions the role's home panel asks
    starters: tuple[tuple[str, str], ...] = ()  # example questions (zh, en) on an empty chat
    # ("table.column", how) for every column generalised because it holds the hidden part of a
    # PII value this role sees masked (derived from the catalog's ``encodes``, never from YAML)
    generalised: tuple[tuple[str, str], ...] = ()
    # aggregates-only roles (detail: false): the "table.column"s of entity tables that may group
    # or filter (columns of tables without entity ids always may), and the only literals a
    # measure column may be compared with in a filter ("table.column", (values...))
    dimensions: frozenset[str] = frozenset()
    thresholds: tuple[tuple[str, tuple[float, ...]], ...] = ()

    def is_dimension(self, table: str, column: str) -> bool:
        return f"{table}.{column}" in self.dimensions

    def threshold_values(self, table: str, column: str) -> tuple[float, ...]:
        return dict(self.thresholds).get(f"{table}.{column}", ())

    @property
    def export(self) -> bool:
        return "export" in self.rights

    def can(self, right: Right) -> bool:
        return right in self.rights

    def can_read_table(self, table: str) -> bool:
        return self.data_access and (self.tables is None or table in self.tables)

    def column_access(self, table: str, column: str) -> Access:
        """How this role sees ``table.column``: denied beats masked beats visible."""
        key = f"{table}.{column}"
        if not self.can_read_table(table) or key in self.denied_columns:
            return "denied"
        return dict(self.pii).get(key, "visible")

    def generalisation(self, table: str, column: str) -> str | None:
        """How this role sees ``table.column`` coarsened ('year'), or None when it is not."""
        return dict(self.generalised).get(f"{table}.{column}")


@dataclass(frozen=True)
class Policy:
    roles: tuple[RolePolicy, ...]
    customer_scope: CustomerScope
    directory: DirectoryMapping | None = None  # directory groups -> roles, for directory sign-in

    def role(self, name: str) -> RolePolicy:
        """The role's policy; an unknown role has no access at all (fail closed)."""
        found = self.find(name)
        if found is not None:
            return found
        raise AccessDenied("ACCESS_DENIED", role=name, target="数据仓库 (warehouse)")

    def find(self, name: str) -> RolePolicy | None:
        """The role's policy, or None for a role the policy does not know."""
        return next((role for role in self.roles if role.role == name), None)

    def require(self, role: str, right: Right, target: str) -> None:
        """ACCESS_DENIED naming ``target`` unless ``role`` holds ``right``."""
        if right not in self.rights_of(role):
            raise AccessDenied("ACCESS_DENIED", role=role, target=target)

    def rights_of(self, role: str) -> frozenset[str]:
        """The role's application rights; none for a role the policy does not know."""
        found = self.find(role)
        return frozenset(found.rights) if found else frozenset()

    def roles_with(self, right: Right) -> tuple[str, ...]:
        return tuple(r.role for r in self.roles if r.can(right))

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(r.role for r in self.roles)


# --- the file format (pydantic at the edge) ---------------------------------------------------


# Table and column names are folded as they are read (``WarehouseName``): a policy may spell
# them as the warehouse does, CUST_INFO.CUST_NAME being cust_info.cust_name.
class _RoleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1)
    data_access: bool
    tables: Literal["*"] | list[WarehouseName]
    denied_columns: dict[WarehouseName, list[WarehouseName]] = {}
    row_scope: RowScope
    detail: bool
    pii: dict[WarehouseName, Access]
    row_cap: int = Field(ge=0)
    rights: list[Right] = []
    home_panel: list[str] = []
    starters: list[tuple[str, str]] = []
    dimensions: dict[str, list[str]] = {}
    thresholds: dict[str, dict[str, list[float]]] = {}


class _CustomerScopeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: WarehouseName
    key: WarehouseName
    manager_column: WarehouseName


class _DirectoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    groups: dict[str, str] = Field(min_length=1)  # directory group -> role, first match wins
    org_attribute: str = Field(default="departmentNumber", min_length=1)
    emp_attribute: str = Field(default="employeeNumber", min_length=1)
    name_attribute: str = Field(default="displayName", min_length=1)
    groups_claim: str = Field(default="groups", min_length=1)


class _PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_scope: _CustomerScopeFile
    directory: _DirectoryFile | None = None
    pii_sets: dict[str, dict[str, Access]] = {}  # YAML anchors only; not read
    roles: dict[str, _RoleFile] = Field(min_length=1)


def _column_problems(where: str, table: str, columns: list[str], catalog: Catalog) -> list[str]:
    if table not in catalog.table_names:
        return [f"{where}: 未知表 unknown table {table!r}"]
    known = catalog.table(table).column_names
    return [f"{where}: 未知列 unknown column {table}.{c}" for c in columns if c not in known]


def _role_problems(name: str, role: _RoleFile, catalog: Catalog) -> Iterator[str]:
    if role.tables != "*":
        for table in role.tables:
            if table not in catalog.table_names:
                yield f"roles.{name}.tables: 未知表 unknown table {table!r}"
    for table, columns in role.denied_columns.items():
        yield from _column_problems(f"roles.{name}.denied_columns", table, columns, catalog)
    yield from _cell_problems(name, role, catalog)
    expected = {f"{t}.{c.name}" for t, c in catalog.pii_columns()}
    for key in sorted(expected - set(role.pii)):
        yield f"roles.{name}.pii: 缺少 PII 列 missing PII column {key}"
    for key in sorted(set(role.pii) - expected):
        yield f"roles.{name}.pii: 不是目录中的 PII 列 not a PII column of the catalog: {key}"
    if role.data_access and role.row_cap < 1:
        yield f"roles.{name}.row_cap: 必须大于 0 must be positive"
    if role.data_access and role.row_scope == "none":
        yield f"roles.{name}.row_scope: 有数据权限的角色不能为 none (data_access needs a scope)"
    for right in ("ask", "export"):
        if right in role.rights and not role.data_access:
            yield f"roles.{name}.rights: {right} 需要数据权限 (needs data_access: true)"
    if (role.home_panel or role.starters) and "ask" not in role.rights:
        yield f"roles.{name}: home_panel/starters 需要 ask 权限 (need the ask right)"


def _cell_problems(name: str, role: _RoleFile, catalog: Catalog) -> Iterator[str]:
    if role.data_access and not role.detail and not role.dimensions:
        yield (
            f"roles.{name}: 只看汇总（detail: false）的角色必须声明 dimensions（可用于分组和筛选的"
            f"低基数字段） an aggregates-only role (detail: false) must declare its dimensions, "
            f"the low-cardinality columns it may group and filter by; missing key: "
            f"roles.{name}.dimensions"
        )
    for table, columns in role.dimensions.items():
        yield from _column_problems(f"roles.{name}.dimensions", table, columns, catalog)
    for table, limits in role.thresholds.items():
        yield from _column_problems(f"roles.{name}.thresholds", table, list(limits), catalog)


def _scope_problems(scope: _CustomerScopeFile, catalog: Catalog) -> list[str]:
    columns = [scope.key, scope.manager_column]
    return _column_problems("customer_scope", scope.table, columns, catalog)


def _check(doc: _PolicyFile, catalog: Catalog) -> list[str]:
    problems = _scope_problems(doc.customer_scope, catalog)
    for name, role in doc.roles.items():
        problems += list(_role_problems(name, role, catalog))
    if doc.directory is not None:
        for group, role_name in doc.directory.groups.items():
            if role_name not in doc.roles:
                problems.append(f"directory.groups.{group}: 未知角色 unknown role {role_name!r}")
    return problems


def _build_directory(doc: _DirectoryFile | None) -> DirectoryMapping | None:
    if doc is None:
        return None
    return DirectoryMapping(
        groups=tuple(doc.groups.items()),
        org_attribute=doc.org_attribute,
        emp_attribute=doc.emp_attribute,
        name_attribute=doc.name_attribute,
        groups_claim=doc.groups_claim,
    )


def _generalised(role: _RoleFile, catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """Columns holding a hidden part of a PII value the role sees masked: masks must not be
    undoable from what else the role can read (ARCHITECTURE §6)."""
    found = {
        f"{table}.{column}": how
        for table, pii, column, how in catalog.generalisations()
        if role.pii.get(f"{table}.{pii}") == "masked"
    }
    return tuple(sorted(found.items()))


def _build_role(name: str, role: _RoleFile, catalog: Catalog) -> RolePolicy:
    return RolePolicy(
        role=name,
        label=role.label,
        data_access=role.data_access,
        tables=None if role.tables == "*" else frozenset(role.tables),
        denied_columns=frozenset(
            f"{t}.{c}" for t, cols in role.denied_columns.items() for c in cols
        ),
        row_scope=role.row_scope,
        detail=role.detail,
        pii=tuple(sorted(role.pii.items())),
        row_cap=role.row_cap,
        rights=frozenset(role.rights),
        home_panel=tuple(role.home_panel),
        starters=tuple((zh, en) for zh, en in role.starters),
        generalised=_generalised(role, catalog),
        dimensions=frozenset(f"{t}.{c}" for t, cols in role.dimensions.items() for c in cols),
        thresholds=tuple(
            sorted(
                (f"{t}.{c}", tuple(values))
                for t, limits in role.thresholds.items()
                for c, values in limits.items()
            )
        ),
    )


def _pydantic_problems(err: ValidationError) -> Iterator[str]:
    for e in err.errors():
        yield f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"


def _validated(raw: Any, source: str) -> _PolicyFile:
    try:
        return _PolicyFile.model_validate(raw)
    except ValidationError as exc:
        problems = tuple(_pydantic_problems(exc))
        raise ConfigError("POLICY_INVALID", source=source, problems=problems) from exc


def parse_policy(text: str, catalog: Catalog, source: str = "policy.yaml") -> Policy:
    """Parse and validate policy YAML; raise ConfigError listing every problem found."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError("POLICY_INVALID", source=source, problems=(str(exc),)) from exc
    doc = _validated(raw, source)
    problems = _check(doc, catalog)
    if problems:
        raise ConfigError("POLICY_INVALID", source=source, problems=tuple(problems))
    scope = doc.customer_scope
    return Policy(
        roles=tuple(_build_role(name, role, catalog) for name, role in doc.roles.items()),
        customer_scope=CustomerScope(scope.table, scope.key, scope.manager_column),
        directory=_build_directory(doc.directory),
    )


def load_policy(catalog: Catalog | None = None, path: Path | None = None) -> Policy:
    """The policy from ``path``, or the demo bank's policy shipped with asker."""
    catalog = catalog or load_catalog()
    if path is not None:
        return parse_policy(path.read_text(encoding="utf-8"), catalog, source=str(path))
    text = resources.files("asker.access").joinpath("policy.yaml").read_text(encoding="utf-8")
    return parse_policy(text, catalog)
