"""Where term matching and time parsing disagree, and words split by a value.

- A metric name that contains time words wins over them when it is longer: "存款较年初增量" is
  the metric 存款较年初增量, not 存款 compared with the start of the year; "本年累计新发放贷款" is
  the cumulative metric, not new loans over this year.
- A metric name split by a value is still the metric: "新增对公客户" is 新增客户 (new customers)
  with the filter 对公.
"""

from __future__ import annotations

from collections.abc import Callable

from asker.understand.lexicon import Lexicon, normalise
from asker.understand.matcher import Match, find_terms
from asker.understand.timeexpr import TimeParse

MAX_PIECE = 4  # characters of a metric name on each side of an inserted value


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def yield_time_to_metrics(
    question: str,
    time: TimeParse,
    lexicon: Lexicon,
    blocked: set[int],
    reparse: Callable[[str], TimeParse],
) -> TimeParse:
    """Time words inside a longer metric name are part of the name: the question's time is read
    again with those names blanked out, so the rest of it still counts ("2026年第2季度各分行本年累计
    新发放贷款金额" is the cumulative metric at the end of Q2 2026)."""
    metrics = [
        (m.start, m.end)
        for m in find_terms(question, lexicon, blocked)
        if any(t.kind == "metric" for t in m.terms)
    ]
    inside = [
        ((s.start, s.end), m)
        for s in time.spans
        for m in metrics
        if _overlaps((s.start, s.end), m) and m[1] - m[0] > s.end - s.start
    ]
    if not inside:
        return time
    hidden = {i for pair in inside for start, end in pair for i in range(start, end)}
    return reparse("".join(" " if i in hidden else c for i, c in enumerate(question)))


def _free_run(text: str, taken: set[int], start: int, step: int) -> str:
    """Up to MAX_PIECE untaken characters from ``start`` going left (-1) or right (+1)."""
    chars: list[str] = []
    i = start
    while 0 <= i < len(text) and i not in taken and len(chars) < MAX_PIECE:
        chars.append(text[i])
        i += step
    return "".join(reversed(chars)) if step < 0 else "".join(chars)


def split_metric_names(
    question: str, matches: list[Match], lexicon: Lexicon, blocked: set[int]
) -> list[Match]:
    """Metric names written around a value ('新增' + 对公 + '客户') as extra matches."""
    text = normalise(question) if len(normalise(question)) == len(question) else question.lower()
    taken = blocked | {i for m in matches for i in range(m.start, m.end)}
    extra: list[Match] = []
    for match in matches:
        if not any(t.kind == "value" for t in match.terms):
            continue
        left = _free_run(text, taken, match.start - 1, -1)
        right = _free_run(text, taken, match.end, 1)
        found = _joined_metric(left, right, lexicon)
        if found:
            (n_left, n_right), terms = found
            extra.append(
                Match(
                    left[-n_left:] + right[:n_right],
                    match.start - n_left,
                    match.end + n_right,
                    terms,
                )
            )
    return extra


def _joined_metric(left: str, right: str, lexicon: Lexicon) -> tuple[tuple[int, int], tuple] | None:  # type: ignore[type-arg]
    for n_left in range(len(left), 0, -1):
        for n_right in range(len(right), 0, -1):
            terms = lexicon.terms.get(left[-n_left:] + right[:n_right], [])
            metric_terms = tuple(t for t in terms if t.kind == "metric")
            if metric_terms:
                return (n_left, n_right), metric_terms
    return None
