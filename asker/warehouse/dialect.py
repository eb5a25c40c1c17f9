"""The last step before an engine other than DuckDB runs a query: the checked tree rendered for
the engine's sqlglot dialect, with the gate's warehouse schema (``main``) replaced by the schema
the engine's tables live in, identifiers quoted in their real case.

A construct sqlglot cannot express in the engine's dialect is refused (``UNSUPPORTED_SQL``),
never sent approximately translated.

>>> import sqlglot
>>> tree = sqlglot.parse_one('SELECT a / b FROM "main"."t"', dialect="duckdb")
>>> for_engine(tree, "postgres", "public")
'SELECT CAST("a" AS DOUBLE PRECISION) / "b" FROM "public"."t"'
>>> for_engine(tree, "spark", "default")
'SELECT `a` / `b` FROM `default`.`t`'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, SqlglotError

from asker.errors import InvalidSql

GATE_SCHEMA = "main"  # where the gate's subqueries say the catalog's tables live


@dataclass(frozen=True)
class Spelling:
    """How an engine that compares quoted names exactly (PostgreSQL) spells the warehouse's
    tables and columns, by their canonical (lower-case) names, as read from the engine itself.

    >>> sp = Spelling.of([("CUST_INFO", "CUST_ID"), ("Accounts", "CustomerId")])
    >>> sp.table("cust_info"), sp.column("customerid", None), sp.column("x", None)
    ('CUST_INFO', 'CustomerId', 'x')
    """

    tables: Mapping[str, str]
    columns: Mapping[str, Mapping[str, str]]  # table -> column -> spelling
    twins: frozenset[str] = frozenset()  # tables, and table.column, spelt two ways

    @classmethod
    def of(cls, stored: Iterable[tuple[str, str]]) -> Spelling:
        """From the engine's (table, column) names as it stores them. A name the engine stores
        twice, in two cases ("LOANS" and "loans"), cannot be told apart: it is a twin, and a
        query naming it is refused rather than sent to either."""
        tables: dict[str, str] = {}
        columns: dict[str, dict[str, str]] = {}
        twins: set[str] = set()
        for table, column in stored:
            key = table.lower()
            if tables.setdefault(key, table) != table:
                twins.add(key)
            if columns.setdefault(key, {}).setdefault(column.lower(), column) != column:
                twins.add(f"{key}.{column.lower()}")
        return cls(tables, columns, frozenset(twins))

    def table(self, name: str) -> str:
        self._refuse_twin(name)
        return self.tables.get(name, name)

    def column(self, name: str, table: str | None) -> str:
        """``name``'s spelling in ``table`` (a canonical table name) when known; else its one
        spelling across the warehouse; else (an alias of asker's own) ``name`` as it is. A name
        spelt two ways where the table is not known is refused: either could be read."""
        if table is not None and name in self.columns.get(table, {}):
            self._refuse_twin(f"{table}.{name}")
            return self.columns[table][name]
        spellings = {cols[name] for cols in self.columns.values() if name in cols}
        if len(spellings) > 1:
            construct = f"{name}, which the warehouse spells {' and '.join(sorted(spellings))}"
            raise InvalidSql("UNSUPPORTED_SQL", construct=construct)
        return spellings.pop() if spellings else name

    def _refuse_twin(self, name: str) -> None:
        if name in self.twins:
            construct = f"{name}, which the warehouse stores under two names that differ in case"
            raise InvalidSql("UNSUPPORTED_SQL", construct=construct)


def for_engine(
    tree: exp.Expr, dialect: str | type[Dialect], schema: str, *, spelling: Spelling | None = None
) -> str:
    """``tree`` (not modified) as ``dialect`` SQL, ``main.t`` becoming ``schema.t``.

    The gate resolved names case-insensitively, as DuckDB and Spark do. ``spelling``, for an
    engine whose quoted names are compared exactly (PostgreSQL): every identifier is first
    folded to its canonical form, then every table and column name, and every alias that reads
    as a column name, is written the way the engine stores it, so ``cust_id``, ``CUST_ID`` and
    ``"Cust_Id"`` all reach the engine as its own ``"CUST_ID"``. The caller restores the output
    names (``output_names``)."""
    copy = tree.copy()
    if spelling is not None:
        _spell(copy, spelling)
    for table in copy.find_all(exp.Table):
        if table.db == GATE_SCHEMA and not table.catalog:
            table.set("db", exp.to_identifier(schema, quoted=True))
    try:
        return copy.sql(dialect=dialect, identify=True, unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as exc:
        name = dialect if isinstance(dialect, str) else dialect.__name__.removeprefix("Asker")
        # sqlglot's message names the construct (from asker's own text, never the engine's)
        what = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        construct = f"{what}, which {name} cannot run"
        raise InvalidSql("UNSUPPORTED_SQL", construct=construct) from exc


def _spell(tree: exp.Expr, spelling: Spelling) -> None:
    for identifier in tree.find_all(exp.Identifier):
        identifier.set("this", identifier.name.lower())
    physical = [t for t in tree.find_all(exp.Table) if t.db in ("", GATE_SCHEMA)]
    aliases = {t.alias_or_name: t.name for t in physical}
    unaliased = {t.name for t in physical if not t.alias}
    for node in list(tree.find_all(exp.Table, exp.Column, exp.Alias, exp.TableAlias, exp.Join)):
        if isinstance(node, exp.Join):
            _spell_using(node, spelling, aliases)
        elif isinstance(node, exp.Table):
            if isinstance(node.this, exp.Identifier) and node.db in ("", GATE_SCHEMA):
                node.this.set("this", spelling.table(node.name))
        elif isinstance(node, exp.Column):
            _spell_column(node, spelling, aliases.get(node.table), node.table in unaliased)
        elif isinstance(node, exp.Alias):
            if isinstance(node.args.get("alias"), exp.Identifier):
                node.args["alias"].set("this", spelling.column(node.alias, None))
        elif isinstance(node, exp.TableAlias):
            for column in node.columns:
                if isinstance(column, exp.Identifier):
                    column.set("this", spelling.column(column.name, None))


def _spell_using(join: exp.Join, spelling: Spelling, aliases: Mapping[str, str]) -> None:
    """``JOIN t USING (c)``: ``c`` is an identifier, not a column, named as the joined table
    (when it is one of the warehouse's) spells it; else by its one spelling in the warehouse.

    >>> import sqlglot
    >>> sp = Spelling.of([("LOANS", "CUST_ID"), ("CUSTS", "CUST_ID")])
    >>> tree = sqlglot.parse_one("SELECT 1 FROM main.loans JOIN main.custs USING (cust_id)")
    >>> for_engine(tree, "postgres", "public", spelling=sp)
    'SELECT 1 FROM "public"."LOANS" JOIN "public"."CUSTS" USING ("CUST_ID")'
    """
    joined = join.this
    source = aliases.get(joined.alias_or_name) if isinstance(joined, exp.Table) else None
    for name in join.args.get("using") or ():
        if isinstance(name, exp.Identifier):
            name.set("this", spelling.column(name.name, source))


def _spell_column(
    column: exp.Column, spelling: Spelling, source: str | None, by_table_name: bool
) -> None:
    """``column`` in the engine's spelling; its qualifier too when it is a table's own name."""
    if isinstance(column.this, exp.Identifier):
        column.this.set("this", spelling.column(column.name, source))
    qualifier = column.args.get("table")
    if by_table_name and isinstance(qualifier, exp.Identifier):
        qualifier.set("this", spelling.table(qualifier.name))


def output_names(tree: exp.Expr, found: tuple[str, ...]) -> tuple[str, ...]:
    """The result's column names as the query named them (before any case folding), when the
    tree names each output column; else what the engine reported."""
    names = tuple(tree.named_selects) if isinstance(tree, exp.Query) else ()
    same = len(names) == len(found) and all(
        n.lower() == f.lower() for n, f in zip(names, found, strict=True)
    )
    return names if same else found
