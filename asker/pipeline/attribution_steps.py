"""The steps of a "why did it change" question: choose the dimension when none is named, and
answer with the split. Every query (each candidate dimension, the grouped split, the whole)
goes through the gate like any other, so a role's scope and the k-cell rule hold for members.

The dimension chosen is the one, among those the metric allows and the role may read, where
the top 3 members carry the largest share of the absolute change (Σ top |Δᵢ| / Σ |Δᵢ|);
dimensions with more than 3 members in scope are preferred (with 3 or fewer the share is 100%
whatever happened), and one with a single member in scope explains nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from asker import answer
from asker.answer.attribution import AttributionParts, attribution_answer
from asker.answer.attribution_split import Results, Split, split, top_members_share
from asker.errors import UserFacingError
from asker.pipeline.query_limits import gate_for, run_query, started
from asker.pipeline.turn import Services, Turn
from asker.semantic import attribution_plan as plan
from asker.semantic.compiler import CompiledQuery
from asker.semantic.model import Metric
from asker.semantic.query_checks import is_balance
from asker.types import Attribution, Filter, Labelled, MetricQuery, Period, QueryResult

TOP = 3
CHOSEN = ("未指定维度", "No dimension named")  # how the choice note starts


@dataclass(frozen=True)
class _Trial:
    dimension: str
    members: int
    share: Fraction


def is_attribution(turn: Turn) -> bool:
    return turn.query is not None and turn.query.attribution is not None


def compile_attribution(turn: Turn, services: Services) -> CompiledQuery:
    """The grouped split's query (a dimension left open compiles with the first candidate)."""
    assert turn.query is not None
    query = turn.query
    metric = services.dictionary.metric(query.metrics[0])
    if not query.dimensions:
        candidates = plan.candidate_dimensions(metric, services.dictionary)
        if not candidates:
            plan.check_attributable(metric, metric.dimensions[0], services.dictionary)
        query = replace(query, dimensions=candidates[:1])
    else:
        plan.check_attributable(metric, query.dimensions[0], services.dictionary)
    _, period = plan.periods_of(query, services.compiler)
    return services.compiler.compile(plan.grouped_query(query, services.dictionary, period))


def choose_dimension(turn: Turn, services: Services) -> Turn:
    """A split with no dimension named: try each candidate through the gate, keep the best."""
    asked = turn.query
    if asked is None or asked.attribution is None or asked.dimensions:
        return turn
    turn = started(turn, services)
    metric = services.dictionary.metric(asked.metrics[0])
    trials = []
    for dimension in plan.candidate_dimensions(metric, services.dictionary):
        trial = _try(turn, services, replace(asked, dimensions=(dimension,)))
        if trial is not None and trial.members > 1:
            trials.append(trial)
    if not trials:
        return turn  # compile_attribution falls back to the first candidate
    wide = [t for t in trials if t.members > TOP] or trials
    best = max(wide, key=lambda t: t.share)  # max keeps the first of equals: the usual order
    note = _choice_note(best, wide, turn, services)
    query = replace(asked, dimensions=(best.dimension,))
    found = turn.understanding
    if found is not None:
        found = replace(found, assumptions=(*found.assumptions, note))
    return replace(turn, query=query, understanding=found)


def _try(turn: Turn, services: Services, query: MetricQuery) -> _Trial | None:
    try:
        before, after = plan.periods_of(query, services.compiler)
        results = Results(
            _run(turn, services, plan.grouped_query(query, services.dictionary, before)),
            _run(turn, services, plan.grouped_query(query, services.dictionary, after)),
        )
    except UserFacingError:
        return None  # a dimension the role may not read is not a candidate
    metric = services.dictionary.metric(query.metrics[0])
    codes = plan.parts(metric)
    found = split(
        "ratio" if plan.is_ratio(metric) else "additive", codes, results, query.dimensions[0]
    )
    members = len(found.shown) + found.withheld
    return _Trial(query.dimensions[0], members, top_members_share(found.members, TOP))


def _run(turn: Turn, services: Services, query: MetricQuery) -> QueryResult:
    """One query of a split: compiled, gated for the asker, run under the turn's deadline."""
    assert turn.principal is not None
    compiled = services.compiler.compile(query)
    gated = gate_for(compiled.tree, turn.principal, services, turn.deadline)
    return run_query(turn, services, gated.tree, services.settings.row_cap)


def _choice_note(best: _Trial, trials: list[_Trial], turn: Turn, services: Services) -> str:
    zh = turn.language == "zh"
    names = {d.code: (d.name, d.name_en) for d in services.dictionary.dimensions}
    tried = ("、" if zh else ", ").join(names[t.dimension][0 if zh else 1] for t in trials)
    name = names[best.dimension][0 if zh else 1]
    share = f"{float(best.share):.0%}"
    if zh:
        return f"未指定维度，按{name}拆分：前 {TOP} 个成员占变动绝对值的 {share}（在{tried}中最高）"
    return (
        f"No dimension named: split by {name}, where the top {TOP} members carry {share} of the "
        f"absolute change (the highest of {tried})"
    )


def build_attribution_answer(
    turn: Turn, services: Services, base: answer.MetricAnswerParts
) -> Turn:
    """The split as the answer: the grouped result against the whole (gated and run too);
    ``base`` is what every metric answer cites (filters, scope, SQL, definitions)."""
    assert turn.compiled is not None and turn.result is not None and turn.principal is not None
    assert turn.query is not None and turn.query.attribution is not None
    compiled = turn.compiled
    asked = replace(turn.query, dimensions=compiled.query.dimensions)
    before, after = plan.periods_of(asked, services.compiler)
    results = Results(
        _run(turn, services, plan.grouped_query(asked, services.dictionary, before)),
        turn.result,
        _run(turn, services, plan.total_query(asked, services.dictionary, before)),
        _run(turn, services, plan.total_query(asked, services.dictionary, after)),
    )
    metric = services.dictionary.metric(turn.query.metrics[0])
    kind = "ratio" if plan.is_ratio(metric) else "additive"
    dimension = compiled.query.dimensions[0]
    top = turn.query.attribution.top
    found = split(kind, compiled.query.metrics, results, dimension, top=top)
    drilldowns = _drilldowns(turn, services, found)
    # the plan an export re-runs is the split itself, its dimension fixed
    base = replace(base, metrics=(metric,), choices=base.choices + drilldowns, query=asked)
    parts = _parts(turn, services, metric, dimension, before)
    elapsed = sum(
        r.elapsed_ms
        for r in (results.before, results.after, results.whole_before, results.whole_after)
        if r is not None
    )
    return replace(turn, answer=attribution_answer(base, found, parts, elapsed))


def _parts(
    turn: Turn, services: Services, metric: Metric, dimension: str, before: Period
) -> AttributionParts:
    assert turn.compiled is not None and turn.understanding is not None
    compiled = turn.compiled
    assert compiled.query.period is not None
    dim = services.dictionary.dimension(dimension)
    zh = turn.language == "zh"
    chosen = next((a for a in turn.understanding.assumptions if a.startswith(CHOSEN)), None)
    scope = "；".join(f.label for f in (turn.gated.filters if turn.gated else ()))
    return AttributionParts(
        metric=metric,
        dimension=dimension,
        dimension_name=dim.name if zh else dim.name_en,
        period=compiled.query.period,
        compare_period=before,
        chosen=chosen,
        scope=scope,
        balance=is_balance(metric, services.dictionary),
    )


def _drilldowns(turn: Turn, services: Services, found: Split) -> tuple[Labelled, ...]:
    """Follow-ups a split invites: the same change by another dimension ("再按产品拆"), and
    the largest org member alone ("只看成都分行", split by its 支行)."""
    assert turn.query is not None and turn.compiled is not None
    zh = turn.language == "zh"
    dimension = turn.compiled.query.dimensions[0]
    metric = services.dictionary.metric(turn.query.metrics[0])
    others = [d for d in plan.candidate_dimensions(metric, services.dictionary) if d != dimension]
    out = []
    for code in others[:3]:
        dim = services.dictionary.dimension(code)
        label = f"再按{dim.name}拆" if zh else f"Split by {dim.name_en}"
        out.append(Labelled(label, replace(turn.query, dimensions=(code,))))
    lead = next((m for m in found.shown if m.name is not None), None)
    key = _org_key(services, dimension, lead.name) if lead and lead.name else None
    if key is not None and lead is not None:
        drill = replace(
            turn.query,
            dimensions=("subbranch",),
            filters=(*turn.query.filters, Filter(dimension, (key,))),
        )
        out.append(Labelled(f"只看{lead.name}" if zh else f"Only {lead.name}", drill))
    return tuple(out)


def _org_key(services: Services, dimension: str, name: str) -> str | None:
    if dimension != "branch":
        return None
    return next(
        (k for (d, k), v in services.value_labels.items() if d == dimension and v == name), None
    )


def why_choice(turn: Turn, services: Services) -> Labelled | None:
    """On a comparison answer of one metric, the button that asks why it changed."""
    query = turn.query
    if query is None or query.compare is None or len(query.metrics) != 1 or query.entity:
        return None
    if query.attribution is not None or query.grain is not None:
        return None
    metric = services.dictionary.metric(query.metrics[0])
    if not plan.candidate_dimensions(metric, services.dictionary):
        return None
    asked = MetricQuery(
        metrics=query.metrics,
        dimensions=query.dimensions[:1],
        filters=query.filters,
        period=query.period,
        compare=query.compare,
        attribution=Attribution(),
    )
    label = (
        "为什么变化？拆解变动来源"
        if turn.language == "zh"
        else "Why did it change? Split the change"
    )
    return Labelled(label, asked)


def plan_note(turn: Turn) -> str:
    """What explain() adds for a split: the SQL shown is the period's grouped query; the run
    adds the comparison period's and the whole's (and, with no dimension named, tries each)."""
    if not is_attribution(turn) or turn.query is None:
        return ""
    named = bool(turn.query.dimensions)
    if turn.language == "zh":
        more = "" if named else "；未指定维度，执行时在候选维度中选择变动最集中的一个"
        return f"（变动归因：所示为本期按成员分组的查询，执行时另查对比期与合计{more}）"
    more = "" if named else "; no dimension named: the run picks the one explaining most"
    return (
        f" (attribution: the SQL is the period's grouped query; the run adds the comparison "
        f"period's and the whole's{more})"
    )
