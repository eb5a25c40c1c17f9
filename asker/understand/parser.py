"""Question → MetricQuery, deterministically (no LLM): the fast path, and the whole product when
no model is configured. It returns a confidence, the assumptions it made and the alternatives;
when it cannot map a question confidently it asks (``clarify``) or refuses (``NOT_ANSWERABLE``),
never presenting a guess as fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from asker.semantic.model import Dictionary
from asker.semantic.periods import month_end
from asker.semantic.query_checks import is_balance
from asker.types import Filter, Labelled, MetricQuery, Order, Period, Understanding
from asker.understand import entity_query, leftovers, typos
from asker.understand.attribution_words import attribution_query, find_attribution
from asker.understand.collect import Parts, collect, metric_from_products
from asker.understand.domain import in_domain
from asker.understand.exclusion import apply_exclusions, find_exclusions
from asker.understand.followup import is_followup, merge
from asker.understand.function_words import function_class
from asker.understand.language import detect_language
from asker.understand.lexicon import Lexicon
from asker.understand.matcher import find_terms
from asker.understand.meaning_words import CHANGE, ask_base, change_words, honours_change
from asker.understand.order_words import IDENTITY_SET, find_order
from asker.understand.org_mentions import org_mentions
from asker.understand.org_words import own_spans, under_us_spans
from asker.understand.overlaps import split_metric_names, yield_time_to_metrics
from asker.understand.ranking import Ranking
from asker.understand.subjects import flow_choices, flow_of, subject_of
from asker.understand.timeexpr import TimeParse, TimeSpan, parse_time
from asker.understand.vocabulary import BANK_WIDE, DESTRUCTIVE, MEASURE_WORDS, VAGUE_WORDS
from asker.words import Segmenter

_CJK = re.compile(r"[\u4e00-\u9fff]")
ORG_DIMENSIONS = ("branch", "subbranch")
CHIT_CHAT = ("politeness", "particle", "pronoun", "demonstrative")
POPULAR = ("deposit_balance", "loan_balance", "npl_ratio", "customer_count", "txn_amount")


@dataclass(frozen=True)
class Context:
    """What the parser reads besides the question."""

    dictionary: Dictionary
    lexicon: Lexicon
    data_date: date
    words: Segmenter = field(default_factory=leftovers.segmenter)
    domain: frozenset[str] = frozenset()  # ``domain.domain_vocabulary``: empty = not judged


def _blocked(
    time_spans: tuple[TimeSpan, ...], ranking_spans: tuple[tuple[int, int], ...]
) -> set[int]:
    spans = [(s.start, s.end) for s in time_spans] + list(ranking_spans)
    return {i for start, end in spans for i in range(start, end)}


def parse(question: str, ctx: Context, previous: MetricQuery | None = None) -> Understanding:
    """The MetricQuery a question asks for, or a clarifying question, or a refusal.
    With ``previous`` (the conversation's last query) a follow-up is resolved against it.
    Words left unexplained are tried as typos of a known term (``typos``) before asking."""
    found = _parse(question, ctx, previous)
    if not found.unexplained or found.code not in ("CLARIFY_TERMS", "NOT_ANSWERABLE"):
        return found  # a word of change or a threshold asked about is no typo
    understood = {i for m in find_terms(question, ctx.lexicon) for i in range(m.start, m.end)}
    timed = {i for s in parse_time(question, ctx.data_date).spans for i in range(s.start, s.end)}
    fixes = tuple(
        c
        for c in typos.corrections(question, ctx.lexicon, understood, ctx.domain, timed)
        if _overlaps_unexplained(question, c, found.unexplained)
        and not (CHANGE.search(c.typed) and not CHANGE.search(c.term))  # 增幅 is no typo of 增量
    )
    if not fixes:
        return _offer_close_terms(question, found, ctx, previous, blocked=(understood, timed))
    retry = _parse(typos.apply(question, fixes), ctx, previous)
    if _rank(retry) <= _rank(found):
        return found
    notes = tuple(f"「{c.typed}」按「{c.term}」理解" for c in fixes)
    return replace(retry, question=question, assumptions=(*notes, *retry.assumptions))


def _offer_close_terms(
    question: str,
    found: Understanding,
    ctx: Context,
    previous: MetricQuery | None,
    *,
    blocked: tuple[set[int], set[int]],
) -> Understanding:
    """A typo two terms are equally close to (代款余额: 贷款余额 or 存款余额) is not guessed: each
    reading the parser answers is offered as a runnable choice."""
    close = [
        c
        for c in typos.close_terms(question, ctx.lexicon, *blocked)
        if _overlaps_unexplained(question, c, found.unexplained)
    ]
    zh = found.language == "zh"
    choices = []
    for c in close[:4]:
        reading = _parse(typos.apply(question, (c,)), ctx, previous)
        if reading.status == "ok" and not reading.unexplained and reading.query is not None:
            label = f"「{c.typed}」是指「{c.term}」" if zh else f"'{c.typed}' as {c.term}"
            choices.append(Labelled(label, reading.query))
    if not choices:
        return found
    return replace(
        found,
        status="clarify",
        code="CLARIFY_TERMS",
        query=None,
        confidence=0.3,
        unexplained=tuple(dict.fromkeys(c.typed for c in close)),
        choices=tuple(choices),
    )


def _overlaps_unexplained(question: str, fix: typos.Correction, words: tuple[str, ...]) -> bool:
    """A typo is read only where the parser found a word it did not understand."""
    for word in words:
        for m in re.finditer(re.escape(word), question, re.I):
            if m.start() < fix.end and fix.start < m.end():
                return True
    return False


def _rank(found: Understanding) -> tuple[int, int]:
    """Answered beats asked beats refused; fewer unexplained words beat more."""
    return {"ok": 2, "clarify": 1}.get(found.status, 0), -len(found.unexplained)


def _parse(question: str, ctx: Context, previous: MetricQuery | None) -> Understanding:
    language = detect_language(question)
    ranking = find_order(question)
    rank_blocked = _blocked((), ranking.spans)
    time = yield_time_to_metrics(
        question,
        parse_time(question, ctx.data_date),
        ctx.lexicon,
        rank_blocked,
        lambda text: parse_time(text, ctx.data_date),
    )
    own = own_spans(question)
    unit = {i for a, b in own if not OWN_BOOK.search(question[a:b]) for i in range(a, b)}
    unit |= {i for a, b in under_us_spans(question) for i in range(a, b)}
    book = {i for a, b in own if OWN_BOOK.search(question[a:b]) for i in range(a, b)}
    scanned = entity_query.scan(question, _blocked(time.spans, ()) | unit)
    if entity_query.ranking_inside(scanned, ranking.spans):
        ranking = Ranking(None, None, ())  # 'at least 1m' is a threshold, not a ranking
    read = _read(question, ctx, time, ranking, scanned, previous=previous, own=unit | book)
    if _entity_unused(read.applied.query, scanned) or _own_book(read.applied.query, scanned, book):
        read = _read(
            question,
            ctx,
            time,
            ranking,
            scanned.without_entity(),
            previous=previous,
            own=unit | book,
        )
    parts, applied, followup = read.parts, read.applied, read.followup
    inherited_period = followup and read.period_inherited
    query = applied.query
    parts.assumptions.extend(applied.assumptions)
    used = parts.spans + [(s.start, s.end) for s in time.spans] + list(ranking.spans)
    used += [m.span() for m in BANK_WIDE.finditer(question)]  # 总部, 本行: a scope, not noise
    used += list(applied.used) + list(read.excluded)
    used += [(a, b) for a, b in own if query.entity is None or not OWN_BOOK.search(question[a:b])]
    used += list(under_us_spans(question))
    why = find_attribution(question) if query.metrics else None
    used += list(why.spans) if why else []  # 为什么…下降, 主要是哪个分行: an attribution
    ignore = MEASURE_WORDS if query.metrics else frozenset()
    base = Understanding(
        question=question,
        language=language,
        status="ok",
        unexplained=leftovers.unexplained(question, used, ctx.words, ignore),
        set_aside=leftovers.set_aside(question, used, ctx.words, ignore),
        named_orgs=tuple(k for d in ORG_DIMENSIONS for k in parts.filters.get(d, [])),
        org_mentions=org_mentions(question, ctx.lexicon),
        bank_wide=bool(BANK_WIDE.search(question)),
        followup=followup,
    )
    if refused := _refusal(base, applied):
        return refused
    if not query.metrics and (subject := _named_alone(base)):
        base, query = _subject_default(base, query, parts, subject, ctx)
        if base.status != "ok":
            return base
    if not query.metrics:
        found = _without_metric(base, parts, time, ctx)
        in_domain_refusal = found.code == "NOT_ANSWERABLE" and not found.out_of_domain
        return replace(found, query=query) if in_domain_refusal else found
    if why is not None and not query.entity:
        query = attribution_query(query)  # the dimension, when none is named, is chosen later
    elif query.order and not query.dimensions and not query.entity:
        query = replace(query, dimensions=("branch",))
        parts.assumptions.append("按分行排名" if language == "zh" else "ranked by branch")
    if inherited_period:
        query = _whole_month_for_flows(query, parts, ctx, language == "zh")
    if stock := _flow_on_stock(base, query, ctx):
        return _ask_flow(base, query, stock, flow_of(question) or "", ctx)
    if (changes := change_words(question, used)) and not honours_change(query, ctx.dictionary):
        return ask_base(base, query, tuple(parts.assumptions), changes)
    return _decide(base, query, parts, ctx)


OWN_BOOK = re.compile(r"客户|客群|customers|clients|book", re.I)
# Words that ask for the entities one by one, whoever owns them.
LISTING = re.compile(
    r"各|每个|每位|每户|逐个|分别|名单|清单|明细|列出|列一下|列个|哪些|哪几|有谁|谁"
    r"|\beach\b|\bper\b|\blist\b|\bwhich\b|\bwho\b",
    re.I,
)


def _own_book(query: MetricQuery, scanned: entity_query.Scan, book: set[int]) -> bool:
    """'我名下客户的贷款余额' is the total of the asker's book (the scope), not a list of
    customers: the entity word is inside the own-book words and nothing asks for a list."""
    spans = scanned.words.entity_spans
    if query.entity is None or not book or not spans:
        return False
    if not all(set(range(*span)) <= book for span in spans):
        return False
    asks_list = query.order or query.limit or query.thresholds or query.attributes
    return not asks_list and not LISTING.search(scanned.text)


def _entity_unused(query: MetricQuery, scanned: entity_query.Scan) -> bool:
    """Entity words the query did not take ('guarantee type'), or an entity word with nothing to
    list by ('客户' alone): read again as ordinary words (a term, a subject's default)."""
    if query.entity is None:
        return bool(scanned.words.attribute_spans)
    listed = IDENTITY_SET.search(scanned.text)  # '哪些客户' asks for a list, never a count
    return not query.metrics and not scanned.thresholds and not listed


def _refusal(base: Understanding, applied: entity_query.Applied) -> Understanding | None:
    """A question asker never answers (it would change data), or a threshold it cannot read."""
    if DESTRUCTIVE.search(base.question):
        return replace(base, status="refused", code="NOT_ANSWERABLE")
    if applied.problem is not None:
        return replace(
            base, status="refused", code="THRESHOLD_INVALID", unexplained=(applied.problem,)
        )
    return None


@dataclass(frozen=True)
class _Read:
    parts: Parts
    applied: entity_query.Applied
    followup: bool
    period_inherited: bool
    excluded: tuple[tuple[int, int], ...]  # the negation words (不含, excluding) used


def _read(
    question: str,
    ctx: Context,
    time: TimeParse,
    ranking: Ranking,
    scanned: entity_query.Scan,
    *,
    previous: MetricQuery | None,
    own: frozenset[int] | set[int] = frozenset(),
) -> _Read:
    """Terms, parts and the query, with the entity words of ``scanned`` and the words of the
    asker's own unit (``own``: a scope, never a breakdown) taken out first."""
    language = detect_language(question)
    blocked = _blocked(time.spans, ranking.spans) | scanned.blocked | set(own)
    matches = find_terms(question, ctx.lexicon, blocked)
    matches = sorted(
        matches + split_metric_names(question, matches, ctx.lexicon, blocked), key=lambda m: m.start
    )
    parts = collect(question, matches, ctx.dictionary, ctx.lexicon, language)
    exclusions = find_exclusions(question, matches)
    query = apply_exclusions(_query(parts, time, ranking.order, ranking.limit), exclusions, matches)
    followup = previous is not None and is_followup(question, query)
    inherited = followup and query.period is None
    if previous is not None and followup:
        query = merge(previous, query)
    if not query.metrics and (product_metric := metric_from_products(parts)):
        query = replace(query, metrics=(product_metric,))
    applied = entity_query.apply(
        question,
        query,
        scanned,
        matches=matches,
        metric_spans=parts.metric_spans,
        dictionary=ctx.dictionary,
        language=language,
    )
    return _Read(parts, applied, followup, inherited, exclusions.spans)


def _named_alone(base: Understanding) -> tuple[str, str] | None:
    """A subject word that is the question's only unexplained word (besides a flow word)."""
    subject = subject_of(base.unexplained)
    flow = flow_of(base.question) or "\0"
    if subject is None or any(w != subject[0] and flow not in w for w in base.unexplained):
        return None
    return subject


def _subject_default(
    base: Understanding, query: MetricQuery, parts: Parts, subject: tuple[str, str], ctx: Context
) -> tuple[Understanding, MetricQuery]:
    """'客户' alone is the documented default (customer_count); '流失客户' asks which answerable
    question is meant (the count's change, the new ones) rather than answer the count."""
    word, code = subject
    zh = base.language == "zh"
    rest = tuple(w for w in base.unexplained if w != word)
    if flow := flow_of(base.question):
        return _ask_flow(replace(base, unexplained=rest), query, code, flow, ctx), query
    metric = ctx.dictionary.metric(code)
    parts.assumptions.append(
        f"「{word}」按默认口径理解为{metric.name}"
        if zh
        else f"'{word}' is read as {metric.name_en}, the documented default"
    )
    return replace(base, unexplained=rest), replace(query, metrics=(code,))


def _ask_flow(
    base: Understanding, query: MetricQuery, code: str, flow: str, ctx: Context
) -> Understanding:
    """'流失客户', '净增客户', 'lost customers': a flow the dictionary has no metric for is
    asked about, offering the stock's change and the count of new ones, never the stock alone."""
    choices = flow_choices(query, code, ctx.dictionary, base.language == "zh")
    rest = tuple(w for w in base.unexplained if flow not in w)
    return replace(
        base,
        status="clarify",
        code="CLARIFY_METRIC",
        query=None,
        confidence=0.3,
        choices=choices,
        unexplained=(flow, *rest),
    )


def _flow_on_stock(base: Understanding, query: MetricQuery, ctx: Context) -> str | None:
    """The stock metric a flow word left unexplained applies to ('流失' + 客户数), if any."""
    flow = flow_of(base.question)
    if flow is None or not any(flow.lower() in w.lower() for w in base.unexplained):
        return None
    dictionary = ctx.dictionary
    return next((m for m in query.metrics if is_balance(dictionary.metric(m), dictionary)), None)


def _whole_month_for_flows(query: MetricQuery, parts: Parts, ctx: Context, zh: bool) -> MetricQuery:
    """A follow-up that keeps a single day from a balance question ('上个月末' then '换成日均'):
    a flow or a daily average over that one day is not what anyone means, so it is read over
    that day's month, and the answer says so. A day named outright ('今天的交易笔数') stays."""
    period = query.period
    if period is None or period.start != period.end:
        return query
    if all(is_balance(ctx.dictionary.metric(m), ctx.dictionary) for m in query.metrics):
        return query
    month = Period(period.end.replace(day=1), min(month_end(period.end), ctx.data_date))
    parts.assumptions.append(
        f"{period.end.isoformat()} 是时点，期间类指标按该月（{month.start:%Y年%m月}）统计"
        if zh
        else f"{period.end.isoformat()} is a single day: flows are read over its month"
    )
    return replace(query, period=month)


def _decide(base: Understanding, query: MetricQuery, parts: Parts, ctx: Context) -> Understanding:
    if _not_allowed(query, ctx):
        return replace(base, status="refused", code="DIMENSION_NOT_ALLOWED", query=query)
    confidence = max(0.0, 1.0 - 0.25 * len(base.unexplained))
    if base.unexplained:
        return _partly_understood(base, query, parts, confidence)
    return replace(
        base,
        query=query,
        confidence=confidence,
        assumptions=tuple(parts.assumptions),
        choices=tuple(parts.choices),
    )


def _not_allowed(query: MetricQuery, ctx: Context) -> bool:
    wanted = {*query.dimensions, *(f.dimension for f in query.filters)}
    return any(not wanted <= set(ctx.dictionary.metric(m).dimensions) for m in query.metrics)


def _query(parts: Parts, time: TimeParse, order: Order | None, limit: int | None) -> MetricQuery:
    filters = tuple(Filter(dim, tuple(keys)) for dim, keys in parts.filters.items())
    period = time.period
    if period is not None and time.point_in_time:
        period = Period(period.end, period.end)
    return MetricQuery(
        metrics=tuple(parts.metrics),
        dimensions=tuple(parts.dimensions),
        filters=filters,
        period=period,
        grain=time.grain,
        compare=time.compare,
        order=order,
        limit=limit,
    )


def _without_metric(
    base: Understanding, parts: Parts, time: TimeParse, ctx: Context
) -> Understanding:
    """No metric named. Unknown words (利润, 天气) are refused, naming them; a question about the
    bank's data that is only vague (各分行的情况, 业绩, 报表) gets a choice of metrics."""
    vague = [w for w in base.unexplained if w.lower() in VAGUE_WORDS]
    unknown = [w for w in base.unexplained if w.lower() not in VAGUE_WORDS]
    about_data = bool(parts.dimensions or parts.filters or time.spans or vague or _vague_in(base))
    # No content word at all ('最近咋样', 'how are we doing', '那个数是多少'): a question about
    # the asker's own figures that names none of them, so the metrics are offered.
    if unknown or (not about_data and _has_content(base, ctx.words)):
        names_bank_things = bool(parts.dimensions or parts.filters)  # 分行, 手机银行: in domain
        outside = not names_bank_things and _outside_domain(base, unknown, ctx)
        return replace(
            base,
            status="refused",
            code="NOT_ANSWERABLE",
            unexplained=tuple(unknown),
            out_of_domain=outside,
        )
    choices = []
    for code in POPULAR:
        metric = ctx.dictionary.metric(code)
        if all(d in metric.dimensions for d in (*parts.dimensions, *parts.filters)):
            parts_for = Parts(metrics=[code], dimensions=parts.dimensions, filters=parts.filters)
            label = metric.name if base.language == "zh" else metric.name_en
            choices.append(Labelled(label, _query(parts_for, time, None, None)))
    return replace(
        base,
        status="clarify",
        code="CLARIFY_METRIC",
        choices=tuple(choices),
        confidence=0.3,
        unexplained=(),
    )


def _outside_domain(base: Understanding, unknown: list[str], ctx: Context) -> bool:
    """No content word of the bank's data. The catalog's comments are Chinese, so an English
    word is judged only when there is none (chit-chat): 'staff' must still reach the model."""
    if not ctx.domain or base.followup or (unknown and base.language != "zh"):
        return False  # a follow-up takes its subject from the conversation
    if any(in_domain(w, ctx.domain, ctx.words) for w in unknown):
        return False
    text = base.question.lower()  # jieba may cut a domain word apart (那入|职): read the text too
    return not any(len(w) >= 2 and w in text for w in ctx.domain if _CJK.search(w))


def _has_content(base: Understanding, words: Segmenter) -> bool:
    """Whether some word of the question is neither grammar nor a filler (a name, a number), or
    the question is only a greeting or thanks (你好, thanks): chit-chat, not a question."""
    if base.unexplained or re.search(r"\d", base.question):
        return True
    said = [w for w in words.cut(base.question.lower()) if re.search(r"\w", w)]
    return all(function_class(w) in CHIT_CHAT for w in said)


def _vague_in(base: Understanding) -> bool:
    """Vague words that are also fillers ('数据', '占比') still show the question is about data."""
    text = base.question.lower()
    return any(word in text for word in VAGUE_WORDS)


def _partly_understood(
    base: Understanding, query: MetricQuery, parts: Parts, confidence: float
) -> Understanding:
    """Some words were not understood: ask before answering only what was understood."""
    zh = base.language == "zh"
    words = ("、" if zh else ", ").join(base.unexplained)
    label = (
        f"忽略「{words}」，按已识别的指标回答"
        if zh
        else f"Ignore '{words}' and answer what was understood"
    )
    return replace(
        base,
        status="clarify",
        code="CLARIFY_TERMS",
        query=query,
        confidence=confidence,
        assumptions=tuple(parts.assumptions),
        choices=(Labelled(label, query), *parts.choices),
    )
