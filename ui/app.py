"""asker's Streamlit app: log in, then ask. ``asker serve`` runs this file.

Pages follow the rights the policy gives the user's role (hidden, not disabled): the right to ask
gets the chat page; drafting and approving metrics get the metric pages.
"""

from __future__ import annotations

import streamlit as st

from asker import api
from asker.clock import BANK_TIME
from asker.types import Principal
from ui import state
from ui.export_right import guard_page
from ui.nav import home_pages, operations_pages
from ui.text import t


def sidebar() -> None:
    with st.sidebar:
        st.radio(
            t("language"),
            ["zh", "en"],
            key="lang",
            horizontal=True,
            format_func=lambda v: "中文" if v == "zh" else "English",
        )
        who = state.principal()
        if who is None:
            state.keep_in_browser()  # signed out: the login page removes the browser's token
            return
        st.caption(f"{who.display_name}（{who.user_id} · {state.role_label(who)}）")
        guard_page(who, state.can_export())
        if st.button(t("new_chat"), key="new_chat"):
            state.new_conversation(who)
            st.rerun()
        if st.button(t("logout"), key="logout"):
            state.end_session()
            state.keep_in_browser()  # the browser's session token removed before any redirect
            if getattr(st.user, "is_logged_in", False):  # signed in by the bank's SSO: end that too
                st.logout()
            st.rerun()
        state.keep_in_browser()
        if "ask" in state.rights():
            past_conversations(who)


def past_conversations(who: Principal) -> None:
    """The user's past conversations, the latest first; a click shows one again."""
    past = api.conversations(state.runtime(), who)
    with st.expander(t("past_conversations"), expanded=bool(past)):
        if not past:
            st.caption(t("no_past_conversations"))
        for item in past:
            title = (
                item.first_question
                if len(item.first_question) <= 24
                else f"{item.first_question[:24]}…"
            )
            label = f"{title} · {item.last_at.astimezone(BANK_TIME):%m-%d %H:%M}"
            current = item.conversation_id == st.session_state.get("conversation")
            if st.button(
                label, key=f"past-{item.conversation_id}", disabled=current, width="stretch"
            ):
                state.reopen(who, item.conversation_id)
                st.rerun()


def pages() -> list[st.Page]:
    who = state.principal()
    if who is None:
        return [st.Page("login.py", title=t("login"), default=True)]
    rights = state.rights()
    names = home_pages(rights)
    if names:
        home = [st.Page(f"{n}.py", title=t(n), default=n == names[0]) for n in names]
    else:
        home = [st.Page("no_data.py", title=t("title"), default=True)]
    return [*home, *operations_pages(rights)]


st.set_page_config(page_title=t("title"), page_icon="🏦", layout="wide")
sidebar()
st.navigation(pages()).run()
