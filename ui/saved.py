"""Saved questions and the role's home panel: key metrics with 环比 within the user's own scope,
and favourites to re-run on fresh data or share with a role."""

from __future__ import annotations

import streamlit as st

from asker import api
from asker.errors import AskerError
from asker.types import Answer
from ui import state
from ui.render import fmt_number, render_error
from ui.text import t

who = state.principal()
assert who is not None  # the app shows this page only to logged-in users
rt = state.runtime()


def panel_card(column: st.delta_generator.DeltaGenerator, answer: Answer) -> None:
    shape = answer.presentation
    if answer.status != "ok" or shape is None or shape.kind != "headline" or not shape.value:
        with column:
            render_error(answer)
        return
    row = dict(zip(answer.columns, answer.rows[0], strict=False))
    value = answer.metric_column(shape.value, "measure")
    diff = answer.metric_column(shape.value, "difference")
    assert value is not None  # a headline's value is one of its measure columns
    change = row.get(diff.name) if diff is not None else None
    column.metric(
        value.label,
        fmt_number(row.get(value.name), value.format),
        delta=None if change is None else fmt_number(change, value.format),
        help=answer.message,
    )


def home_panel() -> None:
    st.subheader(t("home_panel"))
    if "home_panel" not in st.session_state:  # asked once per session: every ask is audited
        st.session_state.home_panel = api.home_panel(rt, who)
    answers = st.session_state.home_panel
    for column, answer in zip(st.columns(max(len(answers), 1)), answers, strict=False):
        panel_card(column, answer)


def saved_list() -> None:
    st.subheader(t("saved_page"))
    found = api.saved_questions(rt, who)
    if not found:
        st.caption(t("no_saved"))
    roles = [None, *(role for role, _ in api.roles(rt))]
    for item in found:
        with st.container(border=True):
            st.markdown(f"**{item.title}**")
            if item.user_id != who.user_id:
                st.caption(f"{t('shared_by')}：{item.user_id}")
            rerun, share, delete = st.columns([1, 2, 1])
            if rerun.button(t("rerun"), key=f"saved-{item.id}-rerun"):
                st.session_state[f"saved-{item.id}-answer"] = api.rerun_saved_question(
                    rt, who, item.id
                )
            if item.user_id == who.user_id:
                picked = share.selectbox(
                    t("share_with"),
                    roles,
                    index=roles.index(item.shared_role) if item.shared_role in roles else 0,
                    format_func=lambda r: t("not_shared") if r is None else state.role_name(r),
                    key=f"saved-{item.id}-share",
                )
                if picked != item.shared_role:
                    api.share_saved_question(rt, who, item.id, picked)
                if delete.button(t("delete"), key=f"saved-{item.id}-delete"):
                    api.remove_saved_question(rt, who, item.id)
                    st.rerun()
            answer = st.session_state.get(f"saved-{item.id}-answer")
            if answer is not None:
                show(answer)


def show(answer: Answer) -> None:
    if answer.status != "ok":
        render_error(answer)
        return
    st.caption(answer.message)
    st.dataframe(
        {c: [row[i] for row in answer.rows] for i, c in enumerate(answer.columns)},
        hide_index=True,
    )


def new_saved() -> None:
    with st.form("new-saved", clear_on_submit=True):
        question = st.text_input(t("new_saved"), key="new-saved-question")
        title = st.text_input(t("title_optional"), key="new-saved-title")
        if st.form_submit_button(t("save_question")):
            try:
                api.save_question(rt, who, question, title)
            except AskerError as error:
                render_error(error)
            else:
                st.rerun()


st.title(t("saved_page"))
home_panel()
saved_list()
new_saved()
