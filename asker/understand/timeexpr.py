"""Time expressions in a question: the period it names, a grain (按月, monthly) and a comparison
(同比, MoM, 较年初), all resolved against the bank's data date, never the wall clock.

Periods are inclusive, end no later than the data date and start no earlier than the history
start (2024-01-01). A period wholly outside that range is returned unclipped with a label that
says so, so the caller can refuse it.

>>> from datetime import date
>>> got = parse_time("上个月各分行存款余额是多少", date(2026, 9, 30))
>>> got.period.start, got.period.end, got.label_zh, got.label_en
(datetime.date(2026, 8, 1), datetime.date(2026, 8, 31), '2026年8月', 'August 2026')
>>> got = parse_time("3月末贷款余额较年初增长多少", date(2026, 9, 30))
>>> got.period.start, got.point_in_time, got.compare, [s.kind for s in got.spans]
(datetime.date(2026, 3, 31), True, 'ytd', ['period', 'compare'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from asker.semantic.periods import HISTORY_START
from asker.types import Compare, Grain, Period
from asker.understand.time_lexicon import Named, end_point, normalize
from asker.understand.time_rules import RULES, Rule

__all__ = ["TimeParse", "TimeSpan", "parse_time"]


@dataclass(frozen=True)
class TimeSpan:
    """A piece of the input text one time expression consumed."""

    start: int
    end: int
    kind: str  # "period" | "grain" | "compare"


@dataclass(frozen=True)
class TimeParse:
    period: Period | None  # None when the text names no period (the caller applies defaults)
    grain: Grain | None
    compare: Compare | None
    spans: tuple[TimeSpan, ...]
    point_in_time: bool
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str  # "period" | "grain" | "compare" | "sply" (去年同期, decided once all is seen)
    named: Named | None = None
    value: str | None = None
    weak: bool = False


def parse_time(text: str, data_date: date) -> TimeParse:
    """Every time expression in ``text``; the first period named wins, every span is listed."""
    norm = normalize(text)
    hits = _merge_ranges(norm, _attach_context(norm, _scan(norm, data_date)))
    return _assemble(_settle_sply(hits), data_date)


def _scan(text: str, data_date: date) -> list[_Hit]:
    """Apply the rules in priority order; a rule only sees text no earlier rule consumed."""
    taken = [False] * len(text)
    hits: list[_Hit] = []
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            start, end = _trimmed(match)
            if start >= end or any(taken[start:end]):
                continue
            hit = _hit(rule, match, start, end, data_date)
            if hit is not None or rule.claim:
                taken[start:end] = [True] * (end - start)
            if hit is not None:
                hits.append(hit)
    return sorted(hits, key=lambda h: h.start)


def _trimmed(match: re.Match[str]) -> tuple[int, int]:
    start, end = match.span()
    text = match.string
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _hit(rule: Rule, match: re.Match[str], start: int, end: int, data_date: date) -> _Hit | None:
    if rule.resolve is None:
        return _Hit(start, end, rule.kind, value=rule.value, weak=rule.weak)
    named = rule.resolve(match, data_date)
    if named is None:
        return None
    return _Hit(start, end, rule.kind, named=named, weak=named.weak)


# Context around a period: "截至6月末" / "as of" only widen the span; "end of March" and
# "March-end" turn the period into its last day.
_AS_OF = re.compile(r"(?:截至|截止到?|截至到|as\s+(?:of|at))\s*$", re.IGNORECASE)
_END_OF = re.compile(
    r"(?:(?:at|as\s+of|by)\s+)?(?:the\s+)?end\s+(?:of\s+)?(?:the\s+)?$", re.IGNORECASE
)
_END_AFTER = re.compile(r"[\s-]*end(?![A-Za-z])", re.IGNORECASE)


def _attach_context(text: str, hits: list[_Hit]) -> list[_Hit]:
    out: list[_Hit] = []
    for i, hit in enumerate(hits):
        low = out[-1].end if out else 0
        high = hits[i + 1].start if i + 1 < len(hits) else len(text)
        out.append(_with_context(text, hit, low, high) if hit.kind == "period" else hit)
    return out


def _with_context(text: str, hit: _Hit, low: int, high: int) -> _Hit:
    assert hit.named is not None
    named, start, end = hit.named, hit.start, hit.end
    if not named.point and (m := _END_OF.search(text, low, start)):
        named, start = end_point(named), m.start()
    elif not named.point and (m := _END_AFTER.match(text, end, high)):
        named, end = end_point(named), m.end()
    if m := _AS_OF.search(text, low, start):
        start = m.start()
    return replace(hit, start=start, end=end, named=named)


# Two periods joined by 至/到/-/to form one range ("2025年10月至2026年3月").
_CONNECTOR = re.compile(r"\s*(?:至|到|~|-|—|–|to|through|until|till)\s*", re.IGNORECASE)
_FROM = re.compile(r"(?:从|自|from)\s*$", re.IGNORECASE)


def _merge_ranges(text: str, hits: list[_Hit]) -> list[_Hit]:
    out: list[_Hit] = []
    for hit in hits:
        prev = out[-1] if out else None
        if prev is not None and _joinable(text, prev, hit):
            out[-1] = _joined(text, prev, hit, out[-2].end if len(out) > 1 else 0)
        else:
            out.append(hit)
    return out


def _joinable(text: str, first: _Hit, second: _Hit) -> bool:
    if first.kind != "period" or second.kind != "period" or first.weak or second.weak:
        return False
    assert first.named is not None and second.named is not None
    return (
        first.named.period.start <= second.named.period.end
        and _CONNECTOR.fullmatch(text, first.end, second.start) is not None
    )


def _joined(text: str, first: _Hit, second: _Hit, low: int) -> _Hit:
    assert first.named is not None and second.named is not None
    a, b = first.named, second.named
    named = Named(Period(a.period.start, b.period.end), f"{a.zh}至{b.zh}", f"{a.en} to {b.en}")
    m = _FROM.search(text, low, first.start)
    return _Hit(m.start() if m else first.start, second.end, "period", named=named)


def _settle_sply(hits: list[_Hit]) -> list[_Hit]:
    """去年同期 next to another period is a year-on-year comparison of that period; alone it is
    the data date's month one year earlier."""
    has_period = any(h.kind == "period" for h in hits)
    kind = "compare" if has_period else "period"
    return [
        replace(h, kind=kind, value="yoy" if has_period else None) if h.kind == "sply" else h
        for h in hits
    ]


_GRAINS: dict[str, Grain] = {"day": "day", "month": "month", "quarter": "quarter", "year": "year"}
_COMPARES: dict[str, Compare] = {"yoy": "yoy", "mom": "mom", "ytd": "ytd"}


def _assemble(hits: list[_Hit], data_date: date) -> TimeParse:
    periods = [h for h in hits if h.kind == "period"]
    chosen = next((h for h in periods if not h.weak), periods[0] if periods else None)
    compare = next((_COMPARES[h.value or ""] for h in hits if h.kind == "compare"), None)
    grains = [h for h in hits if h.kind == "grain"]
    strong = [h for h in grains if not h.weak] or grains
    grain = _GRAINS[strong[0].value or ""] if strong else None
    spans = tuple(TimeSpan(h.start, h.end, h.kind) for h in hits)
    if chosen is None or chosen.named is None:
        return TimeParse(None, grain, compare, spans, False, "", "")
    period, label_zh, label_en = _resolve(chosen.named, data_date)
    return TimeParse(period, grain, compare, spans, chosen.named.point, label_zh, label_en)


def _resolve(named: Named, data_date: date) -> tuple[Period, str, str]:
    """Clip the named period to [history start, data date] and label it honestly."""
    p, dd, hs = named.period, data_date.isoformat(), HISTORY_START.isoformat()
    if p.start > data_date:
        return (
            p,
            f"{named.zh}（晚于数据日期{dd}，暂无数据）",
            f"{named.en} (after the data date {dd}; no data yet)",
        )
    if p.end < HISTORY_START:
        return (
            p,
            f"{named.zh}（早于数据起始日{hs}，无数据）",
            f"{named.en} (before the history start {hs}; no data)",
        )
    clipped = Period(max(p.start, HISTORY_START), min(p.end, data_date))
    zh, en = named.zh, named.en
    start, end = clipped.start.isoformat(), clipped.end.isoformat()
    if named.show_range:
        zh, en = f"{zh}（{start}至{end}）", f"{en} ({start} to {end})"
    elif clipped.end != p.end:
        zh, en = f"{zh}（截至{end}）", f"{en} (to {end})"
    if clipped.start != p.start:
        zh, en = f"{zh}（数据自{hs}起）", f"{en} (data from {hs})"
    return clipped, zh, en
