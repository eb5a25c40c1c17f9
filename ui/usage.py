"""The usage page (the right to read usage), counted from the audit log: questions per day, per
分行 and per role; answered, clarified, refused and failed shares; the most asked metrics;
unanswered questions; latency p50/p95; tokens used; charts and a CSV download."""

from __future__ import annotations

import csv
import io

import altair as alt
import pandas as pd
import streamlit as st

from asker import api
from ui import state
from ui.text import lang, t

who = state.principal()
assert who is not None and "read_usage" in state.rights()  # shown only with the right
rt = state.runtime()
OUTCOME_KEYS = {"ok": "answered", "clarify": "clarified", "refused": "refused", "error": "failed"}


def bar(pairs: tuple[tuple[str, int], ...], title: str) -> None:
    st.markdown(f"**{title}**")
    data = pd.DataFrame(pairs, columns=["key", "count"])
    if data.empty:
        st.caption("—")
        return
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=t("count")),
            y=alt.Y("key:N", sort="-x", title=None),
            tooltip=["key", "count"],
        )
    )
    st.altair_chart(chart, width="stretch")


def report_csv(report: api.UsageReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    writer.writerow(["total", "questions", report.questions])
    for section, pairs in (
        ("per_day", report.per_day),
        ("per_branch", report.per_branch),
        ("per_role", report.per_role),
        ("outcome", report.outcomes),
        ("top_metric", report.top_metrics),
    ):
        writer.writerows([section, k, v] for k, v in pairs)
    writer.writerows(["unanswered", f"{q} [{c}]", n] for q, c, n in report.unanswered)
    writer.writerow(["latency_ms", "p50", round(report.latency_p50_ms, 1)])
    writer.writerow(["latency_ms", "p95", round(report.latency_p95_ms, 1)])
    writer.writerow(["tokens", "total", report.tokens])
    return out.getvalue().encode("utf-8-sig")


def metric_names() -> dict[str, str]:
    """Metric codes to their names in the page's language (the usage page names metrics)."""
    zh = lang() == "zh"
    names = {}
    for m in api.list_metrics(rt):
        name, name_en = m.definition.get("name"), m.definition.get("name_en")
        names[m.code] = str((name if zh else name_en) or name or m.code)
    return names


def named(pairs: tuple[tuple[str, int], ...], names: dict[str, str]) -> tuple[tuple[str, int], ...]:
    return tuple((names.get(code, code), n) for code, n in pairs)


st.title(t("usage_page"))
report = api.usage(rt, who)
cells = st.columns(6)
cells[0].metric(t("questions_total"), report.questions)
for cell, (outcome, count) in zip(cells[1:5], report.outcomes, strict=True):
    share = f"{report.share(outcome) * 100:.1f}%"
    cell.metric(t(OUTCOME_KEYS[outcome]), count, delta=share, delta_color="off", delta_arrow="off")
cells[5].metric(t("tokens"), report.tokens)
st.caption(f"{t('latency')}：{report.latency_p50_ms:.0f} ms / {report.latency_p95_ms:.0f} ms")
days = pd.DataFrame(report.per_day, columns=["day", "count"])
if not days.empty:
    st.markdown(f"**{t('per_day')}**")
    st.altair_chart(
        alt.Chart(days)
        .mark_line(point=True)
        .encode(x=alt.X("day:T", title=None), y=alt.Y("count:Q", title=t("count"))),
        width="stretch",
    )
left, right = st.columns(2)
with left:
    bar(report.per_branch, t("per_branch"))
    bar(named(report.top_metrics, metric_names()), t("top_metrics"))
with right:
    bar(tuple((state.role_name(r), n) for r, n in report.per_role), t("per_role"))
    st.markdown(f"**{t('unanswered')}**")
    st.dataframe(
        pd.DataFrame(report.unanswered, columns=["question", "code", t("count")]),
        hide_index=True,
    )
st.download_button(
    t("download_csv"), data=report_csv(report), file_name="asker-usage.csv", key="usage-csv"
)
