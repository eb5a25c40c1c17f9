"""asker's Streamlit app: log in, then ask. ``asker serve`` runs this file.

Pages are chosen by role (hidden, not disabled): roles that read data get the chat page.
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.nav import operations_pages
from ui.text import t

DATA_ROLES = ("hq_analyst", "branch_manager", "subbranch_manager", "client_manager", "hq_executive")
METRIC_PAGES = {"metric_admin": ("metrics",), "metric_approver": ("review", "metrics")}


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
        st.caption(f"{who.display_name}（{who.user_id} · {who.role}）")
        if st.button(t("new_chat"), key="new_chat"):
            state.new_conversation(who)
            st.rerun()
        if st.button(t("logout"), key="logout"):
            state.end_session()
            st.rerun()


def pages() -> list[st.Page]:
    who = state.principal()
    if who is None:
        return [st.Page("login.py", title=t("login"), default=True)]
    data_role = who.role in DATA_ROLES
    if data_role:
        home = [st.Page("chat.py", title=t("chat"), default=True)]
    elif who.role in METRIC_PAGES:
        names = METRIC_PAGES[who.role]
        home = [st.Page(f"{n}.py", title=t(n), default=n == names[0]) for n in names]
    else:
        home = [st.Page("no_data.py", title=t("title"), default=True)]
    return [*home, *operations_pages(who.role, data_role)]


st.set_page_config(page_title=t("title"), page_icon="🏦", layout="wide")
sidebar()
st.navigation(pages()).run()
