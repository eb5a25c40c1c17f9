"""The feedback review page (the right to review feedback): a thumbs-down with a corrected
question → SQL pair is checked through the gate, then promoted to a verified example or rejected
with a reason. Nothing is promoted automatically; reviewers never see warehouse rows."""

from __future__ import annotations

import streamlit as st

from asker import api
from asker.errors import AskerError
from ui import state
from ui.render import render_error
from ui.text import t

who = state.principal()
assert who is not None and "review_feedback" in state.rights()  # shown only with the right
rt = state.runtime()


def pending(item: api.FeedbackItem) -> None:
    key = f"review-{item.id}"
    with st.container(border=True):
        st.markdown(f"**#{item.id}** · {item.question}")
        st.caption(f"{t('feedback_from')}：{item.user_id} · {item.created_at:%Y-%m-%d %H:%M}")
        if item.reason:
            st.caption(f"{t('reason')}：{item.reason}")
        if item.sql:
            with st.expander(t("original_answer_sql")):
                st.code(item.sql, language="sql")
        question = st.text_input(
            t("corrected_question"), value=item.corrected_question or "", key=f"{key}-question"
        )
        sql = st.text_area(t("corrected_sql"), value=item.corrected_sql or "", key=f"{key}-sql")
        check, promote, reject = st.columns(3)
        reason = st.text_input(t("reject_reason"), key=f"{key}-reason")
        try:
            if check.button(t("check_sql"), key=f"{key}-check"):
                checked = api.check_correction(rt, who, item.id, sql)
                if checked.status == "ok":
                    st.success(checked.message)
                    st.code(checked.sql or "", language="sql")
                else:
                    render_error(checked)
            if promote.button(t("promote"), key=f"{key}-promote"):
                api.promote_feedback(rt, who, item.id, question=question, sql=sql)
                st.session_state.review_done = f"#{item.id} {t('promoted')}"
                st.rerun()
            if reject.button(t("feedback_reject"), key=f"{key}-reject"):
                api.reject_feedback(rt, who, item.id, reason)
                st.session_state.review_done = f"#{item.id} {t('feedback_rejected')}"
                st.rerun()
        except AskerError as error:
            render_error(error)


st.title(t("review_page"))
done = st.session_state.pop("review_done", None)
if done:
    st.success(done)
items = api.feedback_queue_items(rt, who)
st.subheader(f"{t('pending_items')}（{len(items)}）")
if not items:
    st.caption(t("no_pending"))
for found in items:
    pending(found)
st.subheader(t("reviewed_items"))
reviewed = [i for i in api.feedback_queue_items(rt, who, status=None) if i.status != "pending"]
st.dataframe(
    [
        {
            "#": i.id,
            t("corrected_question"): i.corrected_question or i.question,
            t("audit_decision"): t(i.status),
            t("reason"): i.review_reason or "",
            "reviewer": i.reviewer or "",
            "example": i.example_id,
        }
        for i in reviewed
    ],
    hide_index=True,
)
