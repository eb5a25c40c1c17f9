"""The chat page: one box, one answer card per question, follow-ups in the same conversation."""

from __future__ import annotations

from typing import Any

import streamlit as st

from asker import api
from asker.types import Answer, MetricQuery
from ui import state
from ui.answer_actions import export_buttons, save_button
from ui.figures import chart
from ui.render import headline, pretty_sql, render_error, table_view
from ui.text import lang, t

who = state.principal()
assert who is not None  # the app shows this page only to logged-in users


def ask(pending: tuple[str, Any, str, str, str]) -> Answer:
    """Ask what is pending: a typed question, or a picked query recorded under the question it
    answers (never a button's label: the audit and the usage page read the question)."""
    kind, value, _, asked, language = pending
    rt = state.runtime()
    conversation = st.session_state.conversation
    if kind == "query" and isinstance(value, MetricQuery):
        return api.ask_query(
            rt,
            who,
            value,
            conversation=conversation,
            label=asked,
            language="en" if language == "en" else "zh",  # the clarified question's
        )  # type: ignore[arg-type]
    return api.ask(rt, who, str(value), conversation=conversation)


def table(answer: Answer) -> None:
    data, columns = table_view(answer)
    st.dataframe(data, hide_index=True, width="stretch", column_config=columns)


def notes(answer: Answer, key: str) -> None:
    for metric in answer.metrics:
        version = f"{t('version')} v{metric.version}"
        st.caption(f"**{t('definition')}** · {metric.name}（{version}）：{metric.definition}")
    if answer.as_of:
        st.caption(f"{t('as_of')}：{answer.as_of}")
    for item in (*answer.filters, *answer.masked_columns):
        st.caption(f"· {item.label}")
    for note in answer.assumptions:
        st.info(note)
    choices(answer, key)
    if answer.sql:
        with st.expander(t("sql")):
            st.code(pretty_sql(answer.sql), language="sql")


def choices(answer: Answer, key: str) -> None:
    for number, choice in enumerate(answer.choices):
        if st.button(choice.label, key=f"{key}-choice-{number}"):
            st.session_state.pending = (
                "query",
                choice.value,
                choice.label,
                answer.question,
                answer.language,
            )
            st.rerun()


def feedback(answer: Answer, key: str) -> None:
    left, right, reason_box = st.columns([1, 1, 4])
    reason = reason_box.text_input(
        t("reason"), key=f"{key}-reason", label_visibility="collapsed", placeholder=t("reason")
    )
    with st.expander(t("correction")):  # a corrected question → SQL pair for the reviewers
        fixed_question = st.text_input(t("corrected_question"), key=f"{key}-fixed-question")
        fixed_sql = st.text_area(t("corrected_sql"), key=f"{key}-fixed-sql")
    rating = 1 if left.button(t("helpful"), key=f"{key}-up") else None
    rating = -1 if right.button(t("not_helpful"), key=f"{key}-down") else rating
    if rating is not None:
        api.feedback_with_correction(
            state.runtime(),
            who,
            question=answer.question,
            sql=answer.sql,
            rating=rating,
            reason=reason,
            corrected_question=fixed_question,
            corrected_sql=fixed_sql,
        )
        st.toast(t("thanks"))


def card(answer: Answer, key: str) -> None:
    if answer.status in ("refused", "error"):
        render_error(answer)
        return
    st.markdown(f"**{answer.message}**")
    if answer.status == "clarify":
        choices(answer, key)
        return
    if answer.row_count == 0:
        st.caption(t("no_rows"))
    headline(answer)
    figure = chart(answer)
    if figure is not None:
        st.altair_chart(figure, width="stretch")
    if answer.presentation is not None and answer.presentation.rows_table:
        table(answer)
    notes(answer, key)
    export_buttons(answer, key, who)
    save_button(answer, key, who)
    feedback(answer, key)


st.title(t("title"))
history: list[dict[str, Any]] = st.session_state.setdefault("history", [])
if not history:
    st.caption(t("starters"))
    for number, question in enumerate(api.starters(state.runtime(), who, lang())):
        if st.button(question, key=f"starter-{number}"):
            st.session_state.pending = ("question", question, question, question, "")
            st.rerun()
FOLD = 200  # characters of a question shown before the rest is folded away


def echo(question: str) -> None:
    """The question as asked; a long one folded after its first lines."""
    with st.chat_message("user"):
        if len(question) <= FOLD:
            st.text(question)
            return
        st.text(f"{question[:FOLD]}…")
        with st.expander(t("whole_question").format(n=len(question))):
            st.text(question)


if history and st.session_state.get("reopened"):
    st.caption(t("rerun_note"))
for number, turn in enumerate(history):
    echo(turn["question"])
    with st.chat_message("assistant"):
        if turn["answer"] is None:
            st.caption(t("not_answered"))
        else:
            card(turn["answer"], f"turn-{number}")

prompt = st.chat_input(t("ask_placeholder"))
pending = st.session_state.pop("pending", None)
if prompt:
    pending = ("question", prompt, prompt, prompt, "")
if pending:
    echo(pending[2])  # at once, before the answer is ready
    with st.chat_message("assistant"), st.spinner(t("thinking")):
        answer = ask(pending)
    history.append({"question": pending[2], "answer": answer})
    st.rerun()
