"""Gate step (roles with ``detail: false``): no result cell stands for fewer than k entities.

The statement is rewritten (on a copy of the qualified, checked query) so that every value the
outermost query returns carries the number of distinct entities behind it, and DuckDB itself
nulls out the small cells, so their values never leave the warehouse:

- a subquery over entity rows outputs its ids (hidden ``__e<i>``); an aggregate over entity
  rows counts them: ``COUNT(DISTINCT id)``, with the aggregate's own FILTER and, for a CASE in
  its argument, once per branch that carries a value (``SUM(CASE WHEN c THEN x ELSE 0 END)``
  stands for the rows where ``c`` holds);
- an aggregated subquery outputs, per cell, its population (hidden ``__k<i>``; read through an
  outer join, a missing one counts as 0, fail closed); a value computed from cells stands for
  the smallest of them (``LEAST``), an aggregate over cells for at least the largest (``MAX``:
  a sound lower bound of the distinct entities of a union);
- a filter on cells (WHERE on a subquery's cells, HAVING) keeps every small group whatever its
  value (``cond OR population < k``), so a row's presence does not answer a threshold question;
- the outermost query is wrapped: a cell under k becomes NULL, and when a column has any, the
  smallest cells of that column are suppressed with it until the suppressed cells together
  stand for at least k (so a total minus the cells shown does not give one back). A last
  column ``__asker_suppressed_lt_<k>`` lists the suppressed cells of each row; the executor
  turns it into ``QueryResult.suppressed``.

Shapes the rewrite cannot follow (set operations over entity rows or cells, duplicate output
names) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, walk_in_scope

from asker.gate.cell_lineage import CellLineage
from asker.gate.entity_lineage import group_keys, is_aggregated
from asker.gate.issues import issue, raise_if_any
from asker.gate.sources import projection_value, source_of
from asker.gate.state import GateState
from asker.types import SUPPRESSED_PREFIX

CELLS = "__cells"


@dataclass
class _Info:
    keys: list[str] = field(default_factory=list)  # entity-row scopes: the id outputs
    pops: dict[str, str] = field(default_factory=dict)  # cell scopes: output -> population


def small_cells(state: GateState) -> GateState:
    if state.role.detail:
        return state
    tree = state.checked.copy()
    rewritten = _Rewrite(tree, state).run()
    return replace(state, tree=rewritten)


def _refuse(construct: str, role: str = "") -> None:
    raise_if_any(
        [
            issue(
                "AGGREGATE_NOT_ALLOWED",
                role=role,
                construct=construct,
                allowed="按维度汇总的单个 SELECT (one SELECT aggregated by dimensions)",
            )
        ]
    )


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _population(name: str, table: str) -> exp.Expr:
    """A subquery's cell population seen from outside: NULL (an outer join's side without a
    row) counts as 0 customers, so the cell is suppressed, never shown for want of a count."""
    return exp.Coalesce(this=_col(name, table), expressions=[exp.Literal.number(0)])


def _least(terms: list[exp.Expr]) -> exp.Expr | None:
    unique = list({t.sql(): t for t in terms}.values())
    if not unique:
        return None
    if len(unique) == 1:
        return unique[0]
    return exp.Least(this=unique[0], expressions=unique[1:])


def _used_as_value(query: exp.Expr) -> bool:
    """A subquery whose value is used (not IN (...), EXISTS (...): those filter rows)."""
    holder = query.parent
    while isinstance(holder, exp.Subquery | exp.Paren):
        holder = holder.parent
    return not isinstance(holder, exp.In | exp.Exists)


def _adds_nothing(branch: exp.Expr | None) -> bool:
    """A CASE branch that adds nothing to a sum: absent, NULL or the number 0."""
    if branch is None or isinstance(branch, exp.Null):
        return True
    return isinstance(branch, exp.Literal) and not branch.is_string and float(branch.this) == 0


class _Rewrite:
    def __init__(self, tree: exp.Expr, state: GateState) -> None:
        self.tree = tree
        self.state = state
        self.k = state.min_cell_size
        self.cells = CellLineage(tree, state)
        self.scopes = self.cells.scopes
        self.info: dict[int, _Info] = {}

    def run(self) -> exp.Expr:
        for scope in self.scopes.all:
            self._scope(scope)
        return self._wrap(self.scopes.root)

    # --- per scope --------------------------------------------------------------------------

    def _scope(self, scope: Scope) -> None:
        query = scope.expression
        info = self.info.setdefault(id(query), _Info())
        if isinstance(query, exp.SetOperation):
            branches = scope.set_operation_scopes
            if any(self.cells.entity_rows(b) or self.info[id(b.expression)].pops for b in branches):
                _refuse("UNION / 集合运算 over individual rows or cells")
            return
        if not isinstance(query, exp.Select):
            return
        self._guard_filters(scope, query)
        if scope.is_root or not (scope.is_derived_table or scope.is_cte):
            return
        if self.cells.entity_rows(scope):
            info.keys = self._add_keys(scope, query)
            return
        for number, projection in enumerate(list(query.expressions)):
            pop = self.pop_of(projection_value(projection), scope)
            if pop is not None:
                name = f"__k{number}"
                query.append("expressions", exp.alias_(pop, name, quoted=True))
                info.pops[projection.alias_or_name] = name

    def _add_keys(self, scope: Scope, query: exp.Select) -> list[str]:
        if query.args.get("distinct") is not None:
            return [
                p.alias_or_name
                for p in query.expressions
                if self.cells.entities.carries(projection_value(p), scope)
            ]
        if is_aggregated(query):
            keys = [k for k in group_keys(query) if self.cells.entities.carries(k, scope)]
        else:
            keys = [key for _, s in self._sources(scope) for key in self._source_keys(s, scope)]
        names = []
        for number, key in enumerate(keys):
            name = f"__e{number}"
            query.append("expressions", exp.alias_(key.copy(), name, quoted=True))
            names.append(name)
        if not names:
            _refuse("子查询无法计数客户 a subquery whose entities cannot be counted")
        return names

    def _sources(self, scope: Scope) -> list[tuple[str, exp.Table | Scope]]:
        return [(alias, source) for alias, (_, source) in scope.selected_sources.items()]

    def _source_keys(self, source: exp.Table | Scope, scope: Scope) -> list[exp.Expr]:
        alias = next(a for a, s in self._sources(scope) if s is source)
        if isinstance(source, exp.Table):
            table = self.state.catalog.table(source.name)
            ids = [c for c in table.columns if c.entity is not None]
            customer = [c for c in ids if c.entity == "customer"]
            chosen = (customer or ids)[:1]
            return [_col(c.name, alias) for c in chosen]
        if self.cells.entity_rows(source):
            return [_col(name, alias) for name in self.info[id(source.expression)].keys]
        return []

    # --- populations ------------------------------------------------------------------------

    def pop_of(self, expr: exp.Expr, scope: Scope) -> exp.Expr | None:
        """The entities behind ``expr``'s value in ``scope``, or None when no entity is."""
        terms: list[exp.Expr] = []
        for node in walk_in_scope(expr):
            if node is not expr and isinstance(node, exp.Query):
                inner = self.scopes.of(node)
                if inner is not None and _used_as_value(node):
                    terms += self._scalar_pop(inner)
            elif isinstance(node, exp.AggFunc):
                terms += self._aggregate_terms(node, scope)
            elif isinstance(node, exp.Column) and node.find_ancestor(exp.AggFunc) is None:
                terms += self._column_pop(node, scope)
        return _least(terms)

    def _column_pop(self, column: exp.Column, scope: Scope) -> list[exp.Expr]:
        source = source_of(column, scope) if column.table else None
        if isinstance(source, Scope):
            name = self.info.get(id(source.expression), _Info()).pops.get(column.name)
            if name is not None:
                return [_population(name, column.table)]
        return []

    def _scalar_pop(self, inner: Scope) -> list[exp.Expr]:
        query = inner.expression
        if not isinstance(query, exp.Select) or len(query.expressions) != 1:
            return []
        if self.cells.entity_rows(inner):
            return [exp.Literal.number(1)]  # one entity row's value
        pop = self.pop_of(projection_value(query.expressions[0]), inner)
        if pop is None:
            return []
        counted = query.copy()
        counted.set("expressions", [pop])
        return [exp.Coalesce(this=exp.Subquery(this=counted), expressions=[exp.Literal.number(0)])]

    def _aggregate_terms(self, node: exp.AggFunc, scope: Scope) -> list[exp.Expr]:
        if node.find_ancestor(exp.Window) is not None:
            return []
        argument = node.this
        if isinstance(node, exp.Min | exp.Max) and self.cells.dimension_value(argument, scope):
            return []  # MAX(biz_date): a dimension value, not a cell
        condition = node.parent.expression.this if isinstance(node.parent, exp.Filter) else None
        value = argument.expressions[0] if isinstance(argument, exp.Distinct) else argument
        referenced = {c.table for c in walk_in_scope(node) if isinstance(c, exp.Column) and c.table}
        sources = [(a, s) for a, s in self._sources(scope) if not referenced or a in referenced]
        terms = []
        for _, source in sources:
            for contribution, counted in self._contributions(source, scope):
                for restricted in self._restricted(value, contribution):
                    term: exp.Expr = (
                        exp.Count(this=exp.Distinct(expressions=[restricted]))
                        if counted
                        else exp.Coalesce(
                            this=exp.Max(this=restricted), expressions=[exp.Literal.number(0)]
                        )
                    )
                    if condition is not None:
                        term = exp.Filter(this=term, expression=exp.Where(this=condition.copy()))
                    terms.append(term)
        return terms

    def _contributions(
        self, source: exp.Table | Scope, scope: Scope
    ) -> list[tuple[exp.Expr, bool]]:
        """What one row of ``source`` adds to a population: an id to count, or a cell's
        population to take the largest of."""
        keys = self._source_keys(source, scope)
        if keys:
            return [(k, True) for k in keys]
        if isinstance(source, Scope):
            alias = next(a for a, s in self._sources(scope) if s is source)
            pops = self.info.get(id(source.expression), _Info()).pops.values()
            found = _least([_population(p, alias) for p in pops])
            return [(found, False)] if found is not None else []
        return []

    def _restricted(self, value: exp.Expr | None, contribution: exp.Expr) -> list[exp.Expr]:
        """``contribution`` on the rows that give ``value`` a value: per CASE branch with one."""
        if value is None or isinstance(value, exp.Star):
            return [contribution.copy()]
        cases = [
            n
            for n in value.walk()
            if isinstance(n, exp.Case)
            or (isinstance(n, exp.If) and not isinstance(n.parent, exp.Case))
        ]
        if not cases:
            return [
                exp.Case(
                    ifs=[
                        exp.If(
                            this=exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())),
                            true=contribution.copy(),
                        )
                    ]
                )
            ]
        found = []
        for case in cases:
            branches = _branches(case)
            for chosen in range(len(branches)):
                if _adds_nothing(branches[chosen]):
                    continue
                found.append(_with_branch(case, chosen, contribution))
        return found or [contribution.copy()]

    # --- filters on cells -------------------------------------------------------------------

    def _guard_filters(self, scope: Scope, query: exp.Select) -> None:
        for key in ("where", "having"):
            clause = query.args.get(key)
            if clause is None:
                continue
            pop = self.pop_of(clause.this, scope)
            if pop is None:
                continue
            small = exp.LT(this=pop, expression=exp.Literal.number(self.k))
            clause.set("this", exp.Or(this=exp.Paren(this=clause.this), expression=small))

    # --- the outermost query ----------------------------------------------------------------

    def _wrap(self, root: Scope) -> exp.Expr:
        query = root.expression
        if not isinstance(query, exp.Select):
            return self.tree
        names = [p.alias_or_name for p in query.expressions]
        pops = [self.pop_of(projection_value(p), root) for p in query.expressions]
        if all(p is None for p in pops):
            return self.tree
        if len(set(names)) != len(names) or any(n.startswith("__") for n in names):
            _refuse("重复或保留的列名 duplicate or reserved output names")
        order = query.args.get("order")
        ordered: list[exp.Ordered] = []
        if order is not None:
            by_name = {p.alias_or_name: projection_value(p) for p in query.expressions}
            for number, item in enumerate(order.expressions):
                key = item.this
                if isinstance(key, exp.Column) and not key.table and key.name in by_name:
                    key = by_name[key.name]
                name = f"__o{number}"
                query.append("expressions", exp.alias_(key.copy(), name, quoted=True))
                ordered.append(item.__class__(**{**item.args, "this": _col(name, CELLS)}))
        for number, pop in enumerate(pops):
            if pop is not None:
                query.append("expressions", exp.alias_(pop, f"__k{number}", quoted=True))
        limit, offset = query.args.get("limit"), query.args.get("offset")
        for key in ("order", "limit", "offset"):
            query.set(key, None)
        outer = exp.select(*self._outputs(names, pops)).from_(
            exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(CELLS)))
        )
        if ordered:
            outer.set("order", exp.Order(expressions=ordered))
        outer.set("limit", limit)
        outer.set("offset", offset)
        return outer

    def _outputs(self, names: list[str], pops: list[exp.Expr | None]) -> list[exp.Expr]:
        outputs: list[exp.Expr] = []
        flags: list[exp.Expr] = []
        for number, (name, pop) in enumerate(zip(names, pops, strict=True)):
            value = _col(name, CELLS)
            if pop is None:
                outputs.append(exp.alias_(value, name, quoted=True))
                continue
            hidden = self._suppressed(_col(f"__k{number}", CELLS))
            outputs.append(
                exp.alias_(
                    exp.Case(ifs=[exp.If(this=hidden, true=exp.Null())], default=value),
                    name,
                    quoted=True,
                )
            )
            flags.append(
                exp.Case(ifs=[exp.If(this=hidden.copy(), true=exp.Literal.string(str(number)))])
            )
        parts: list[exp.Expr] = [
            exp.Coalesce(
                this=exp.DPipe(this=flag, expression=exp.Literal.string(",")),
                expressions=[exp.Literal.string("")],
            )
            for flag in flags
        ]
        marker = parts[0]
        for part in parts[1:]:
            marker = exp.DPipe(this=marker, expression=part)
        outputs.append(exp.alias_(marker, f"{SUPPRESSED_PREFIX}{self.k}", quoted=True))
        return outputs

    def _suppressed(self, pop: exp.Column) -> exp.Expr:
        """Under k (none included: an empty cell says nobody matches), or among the smallest
        cells of a column that has one under k, until the suppressed cells together stand
        for k."""
        k = exp.Literal.number(self.k)
        smallest = exp.Window(this=exp.Min(this=pop.copy()), over="OVER")
        before = exp.Window(
            this=exp.Sum(this=pop.copy()),
            order=exp.Order(expressions=[exp.Ordered(this=pop.copy())]),
            spec=exp.WindowSpec(
                kind="ROWS",
                start="UNBOUNDED",
                start_side="PRECEDING",
                end=exp.Literal.number(1),
                end_side="PRECEDING",
            ),
            over="OVER",
        )
        secondary = exp.and_(
            exp.Not(this=exp.Is(this=pop.copy(), expression=exp.Null())),
            exp.LT(this=smallest, expression=k.copy()),
            exp.LT(
                this=exp.Coalesce(this=before, expressions=[exp.Literal.number(0)]),
                expression=k.copy(),
            ),
        )
        return exp.or_(exp.LT(this=pop.copy(), expression=k.copy()), secondary)


def _branches(case: exp.Case | exp.If) -> list[exp.Expr | None]:
    """The values a CASE/IF can take, in order, the ELSE last (None when absent)."""
    if isinstance(case, exp.If):
        return [case.args.get("true"), case.args.get("false")]
    return [i.args.get("true") for i in case.args.get("ifs") or []] + [case.args.get("default")]


def _with_branch(case: exp.Case | exp.If, chosen: int, contribution: exp.Expr) -> exp.Expr:
    """``case`` with branch ``chosen`` giving ``contribution`` and every other one NULL."""
    copy = case.copy()
    if isinstance(copy, exp.If):
        copy = exp.Case(
            ifs=[exp.If(this=copy.this, true=copy.args.get("true"))], default=copy.args.get("false")
        )
    ifs = copy.args.get("ifs") or []
    for number, branch in enumerate(ifs):
        branch.set("true", contribution.copy() if number == chosen else exp.Null())
    copy.set("default", contribution.copy() if chosen == len(ifs) else None)
    return copy
