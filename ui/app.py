"""asker's Streamlit app: log in, then ask. ``asker serve`` runs this file.

Pages follow the rights the policy gives the user's role (hidden, not disabled): the right to ask
gets the chat page; drafting and approving metrics get the metric pages.
"""

from __future__ import annotations

import streamlit as st

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
            return
        st.caption(f"{who.display_name}（{who.user_id} · {state.role_label(who)}）")
        guard_page(who, state.can_export())
        if st.button(t("new_chat"), key="new_chat"):
            state.new_conversation(who)
            st.rerun()
        if st.button(t("logout"), key="logout"):
            state.end_session()
            if getattr(st.user, "is_logged_in", False):  # signed in by the bank's SSO: end that too
                st.logout()
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
