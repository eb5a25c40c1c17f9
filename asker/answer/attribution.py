"""A split change as the Answer people see: one row per member (its display name, its values at
both periods, its contribution or its rate and mix parts, as JSON numbers: yuan unrounded,
ratios as fractions), the whole change as ``Answer.attribution`` (§7 ``total_change``), and one
sentence in the question's language ("本月存款余额较上月减少 3.2 亿元，其中成都分行减少 2.1 亿元，
占 65%")."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from asker.answer.attribution_split import Member, Split, top_members_share
from asker.answer.parts import MetricAnswerParts, metric_refs
from asker.semantic.model import Metric
from asker.types import (
    Answer,
    AttributionSummary,
    Language,
    Period,
    Presentation,
    ResultColumn,
)

ADDITIVE_COLUMNS = ("value_before", "value_after", "contribution", "share")
RATIO_COLUMNS = ("value_before", "value_after", "rate_part", "mix_part", "contribution")


@dataclass(frozen=True)
class AttributionParts:
    """What the answer says besides the split: the metric, dimension and both periods."""

    metric: Metric
    dimension: str
    dimension_name: str
    period: Period
    compare_period: Period
    chosen: str | None = None  # why this dimension, when the question named none
    scope: str = ""  # the row scope the gate applied, in words
    balance: bool = False  # read at each period's end (余额): labelled 9月末, end of Sep 2026


def number(value: Fraction | None) -> Any:
    """An exact value as a JSON number (an int when whole)."""
    if value is None:
        return None
    return value.numerator if value.denominator == 1 else float(value)


def member_name(member: Member, language: Language) -> str:
    zh = language == "zh"
    if member.merged and member.withheld:
        return (
            f"其他（{member.merged} 个，含客户数过少的成员）"
            if zh
            else f"other ({member.merged}, incl. small cells)"
        )
    if member.merged:
        return f"其他（{member.merged} 个）" if zh else f"other ({member.merged})"
    if member.name is None:
        return "（未分类）" if zh else "(none)"
    return str(member.name)


def rows(split: Split, language: Language) -> tuple[tuple[Any, ...], ...]:
    out = []
    for m in split.members:
        values = [member_name(m, language), number(m.before), number(m.after)]
        if split.kind == "additive":
            share = m.contribution / split.total if split.total else None
            values += [number(m.contribution), number(share)]
        else:
            values += [number(m.rate), number(m.mix), number(m.contribution)]
        out.append(tuple(values))
    return tuple(out)


def columns(split: Split, parts: AttributionParts, language: Language) -> tuple[ResultColumn, ...]:
    zh = language == "zh"
    metric = parts.metric
    value_format = "percent" if metric.format == "percent" else metric.format
    labels = {
        "value_before": (
            _period(parts.compare_period, language, parts.balance),
            "percent" if split.kind == "ratio" else value_format,
        ),
        "value_after": (
            _period(parts.period, language, parts.balance),
            "percent" if split.kind == "ratio" else value_format,
        ),
        "contribution": (
            "变动贡献" if zh else "contribution",
            "percent" if split.kind == "ratio" else value_format,
        ),
        "share": ("占总变动" if zh else "share of change", "percent"),
        "rate_part": ("比率变动部分" if zh else "rate part", "percent"),
        "mix_part": ("结构变动部分" if zh else "mix part", "percent"),
    }
    names = ADDITIVE_COLUMNS if split.kind == "additive" else RATIO_COLUMNS
    out = [ResultColumn(parts.dimension, parts.dimension_name, "dimension", "text")]
    for name in names:
        label, fmt = labels[name]
        role = "difference" if name in ("contribution", "rate_part", "mix_part") else "other"
        if name == "value_before":
            role = "comparison"
        if name == "value_after":
            role = "measure"
        out.append(ResultColumn(name, label, role, fmt, metric.code))  # type: ignore[arg-type]
    return tuple(out)


def _period(period: Period, language: Language, balance: bool = False) -> str:
    from asker.answer import period_label

    label = period_label(period, language)
    if not balance or period.start == period.end:
        return label
    return f"{label}末" if language == "zh" else f"end of {label}"


def amount_text(value: Fraction, metric: Metric, language: Language, ratio: bool) -> str:
    """'3.20 亿元', '1,234 户', '0.13 个百分点' / '320.00m yuan', '0.13 pp'."""
    zh = language == "zh"
    size = abs(value)
    if ratio:
        pp = float(size) * 100
        return f"{pp:.2f} 个百分点" if zh else f"{pp:.2f} pp"
    if metric.unit == "元":
        return _yuan(size, zh)
    whole = f"{float(size):,.0f}" if size.denominator == 1 else f"{float(size):,.2f}"
    return f"{whole} {metric.unit}" if zh else whole


def _yuan(size: Fraction, zh: bool) -> str:
    steps = ((10**8, "亿元"), (10**4, "万元")) if zh else ((10**6, "m yuan"),)
    for step, unit in steps:
        if size >= step:
            return f"{float(size / step):,.2f} {unit}" if zh else f"{float(size / step):,.2f}{unit}"
    return f"{float(size):,.2f} 元" if zh else f"{float(size):,.2f} yuan"


def sentence(split: Split, parts: AttributionParts, language: Language) -> str:
    zh = language == "zh"
    metric, ratio = parts.metric, split.kind == "ratio"
    now = _period(parts.period, language, parts.balance)
    then = _period(parts.compare_period, language, parts.balance)
    total = split.total
    up = ("上升" if ratio else "增加") if zh else ("rose" if ratio else "increased")
    down = ("下降" if ratio else "减少") if zh else ("fell" if ratio else "decreased")
    if total == 0:
        head = (
            f"{now}{metric.name}较{then}持平"
            if zh
            else f"{metric.name_en} in {now} was unchanged from {then}"
        )
    else:
        way = up if total > 0 else down
        amount = amount_text(total, metric, language, ratio)
        head = (
            f"{now}{metric.name}较{then}{way} {amount}"
            if zh
            else f"{metric.name_en} {way} by {amount} from {then} to {now}"
        )
    lead = next((m for m in split.members if not m.merged), None)
    if lead is None or total == 0 or lead.contribution == 0:
        return head + ("。" if zh else ".")
    way = up if lead.contribution > 0 else down
    share = f"{float(lead.contribution / total):.0%}"
    amount = amount_text(lead.contribution, metric, language, ratio)
    name = member_name(lead, language)
    if zh:
        return f"{head}，其中{name}{way} {amount}，占 {share}。"
    return f"{head}; {name} {way} by {amount}, {share} of the change."


def notes(split: Split, parts: AttributionParts, language: Language) -> tuple[str, ...]:
    zh = language == "zh"
    out = []
    if parts.chosen:
        out.append(parts.chosen)
    if split.kind == "ratio":
        out.append(_ratio_note(language))
    if split.withheld:
        out.append(
            f"{split.withheld} 个成员涉及的客户数过少，已合并为「其他」"
            if zh
            else f"{split.withheld} member(s) with too few customers are merged into 'other'"
        )
    if parts.scope:
        out.append(f"范围：{parts.scope}" if zh else f"Scope: {parts.scope}")
    return tuple(out)


def _ratio_note(language: Language) -> str:
    if language == "zh":
        return (
            "比率变动部分 = 上期权重 ×（本期比率 − 上期比率）；"
            "结构变动部分 = （本期权重 − 上期权重）× 本期比率；两部分之和等于总变动"
        )
    return (
        "rate part = base weight × (ratio now − ratio before); mix part = (weight now − base "
        "weight) × ratio now; the parts add up to the total change"
    )


def attribution_answer(
    base: MetricAnswerParts, split: Split, parts: AttributionParts, elapsed_ms: float
) -> Answer:
    language = base.language
    result_columns = columns(split, parts, language)
    summary = AttributionSummary(
        metric=parts.metric.code,
        dimension=parts.dimension,
        kind="additive" if split.kind == "additive" else "ratio",
        period=parts.period,
        compare_period=parts.compare_period,
        value_before=number(split.before),
        value_after=number(split.after),
        total_change=number(split.total),
        rate_total=number(split.rate_total),
        mix_total=number(split.mix_total),
        chosen=parts.chosen,
        top_share=number(top_members_share(split.members)) if parts.chosen else None,
        merged=split.withheld,
    )
    extra = notes(split, parts, language)
    said = [n for n in extra if n != _ratio_note(language)]  # the sentence's own caveats
    message = sentence(split, parts, language)
    if said:
        message += (
            ("（" + "；".join(said) + "）") if language == "zh" else " (" + "; ".join(said) + ")"
        )
    return Answer(
        status="ok",
        question=base.question,
        language=language,
        message=message,
        sql=base.sql,
        columns=tuple(c.name for c in result_columns),
        rows=rows(split, language),
        as_of=base.as_of,
        metrics=metric_refs(base),
        filters=base.filters,
        masked_columns=base.masked,
        assumptions=base.assumptions + tuple(n for n in extra if n not in base.assumptions),
        choices=base.choices,
        elapsed_ms=elapsed_ms,
        result_columns=result_columns,
        presentation=Presentation("bar", x=parts.dimension, value="contribution", rows_table=True),
        plan=base.query,
        attribution=summary,
    )
