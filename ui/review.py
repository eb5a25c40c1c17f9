"""Metric review (the right to approve metrics): drafts in review with their changes, their
check, and the
impact on evaluation cases and saved questions; approve (publishes a new version) or reject with
a comment. Whoever edited a draft cannot review it (four eyes)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from asker import api
from asker.errors import AskerError
from ui import state
from ui.draft_form import show_check
from ui.render import render_error
from ui.text import t

who = state.principal()
assert who is not None and "approve_metrics" in state.rights()
rt = state.runtime()


def _result(result: Any, error: str | None, hidden: bool) -> str:
    if error is not None:
        return f"`{error}`"
    if hidden or result is None:
        return t("impact_hidden")
    if not result.rows:
        return "—"
    first = ", ".join(str(v) for v in result.rows[0])
    more = f" (+{result.row_count - 1})" if result.row_count > 1 else ""
    return first + more


def impact(draft: Any) -> None:
    st.subheader(t("impact"))
    key = f"impact-{draft.id}-{draft.row_version}"
    if key not in st.session_state:
        st.session_state[key] = api.metric_impact(rt, who, draft.id)
    found = st.session_state[key]
    if not found:
        st.caption(t("impact_none"))
        return
    rows = [
        [
            item.case.id,
            _result(item.before, item.error_before, item.hidden),
            _result(item.after, item.error_after, item.hidden),
            "⚠️" if item.changed else "",
        ]
        for item in found
    ]
    columns = [t("impact_case"), t("impact_before"), t("impact_after"), t("impact_changed")]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True)


def decide(draft: Any) -> None:
    rv = int(st.session_state.setdefault(f"review-rv-{draft.id}", draft.row_version))
    comment = st.text_area(t("review_comment"), key=f"review_comment-{draft.id}")
    left, right = st.columns(2)
    try:
        if left.button(t("approve"), key="review_approve"):
            version = api.metric_draft_approve(rt, who, draft.id, rv, comment)
            st.session_state["review-done"] = t("approved").format(version=version.version)
            st.rerun()
        if right.button(t("reject"), key="review_reject"):
            api.metric_draft_reject(rt, who, draft.id, rv, comment)
            st.session_state["review-done"] = t("rejected")
            st.rerun()
    except AskerError as error:
        render_error(error)
        if error.code == "METRIC_DRAFT_STALE":
            st.session_state.pop(f"review-rv-{draft.id}", None)  # the next view starts afresh


st.title(t("review"))
st.caption(f"{who.display_name}：{t('no_data_role')}{t('metric_roles_note')}")
done = st.session_state.pop("review-done", None)
if done:
    st.success(done)
waiting = [d for d in api.metric_drafts(rt) if d.status == "in_review"]
if not waiting:
    st.info(t("no_review"))
else:
    labels = {d.id: f"#{d.id} {d.code}（{', '.join(d.editors)}）" for d in waiting}
    chosen_id = st.selectbox(
        t("review_pick"), list(labels), key="review_pick", format_func=labels.get
    )
    chosen = next(d for d in waiting if d.id == chosen_id)
    st.subheader(t("changes"))
    diff = api.metric_draft_diff(rt, chosen.id)
    for change in diff.changes:
        st.markdown(f"- `{change.field}`: {change.before or '—'} → {change.after or '—'}")
    st.code(diff.text, language="diff")
    show_check(api.metric_draft_check(rt, chosen.id).messages())
    impact(chosen)
    decide(chosen)
