"""Session state shared by the pages: the settings, who is logged in, and session expiry."""

from __future__ import annotations

import time

import streamlit as st

from asker.config import Settings
from asker.types import Principal


def settings() -> Settings:
    if "settings" not in st.session_state:
        st.session_state.settings = Settings()
    return st.session_state.settings  # type: ignore[no-any-return]


def principal() -> Principal | None:
    """The logged-in user, or None (also when the session has expired)."""
    who = st.session_state.get("principal")
    if who is None:
        return None
    if time.time() - st.session_state.get("login_at", 0) > settings().session_hours * 3600:
        for key in ("principal", "history", "conversation", "login_at"):
            st.session_state.pop(key, None)
        st.session_state.expired = True
        return None
    return who  # type: ignore[no-any-return]


def start_session(who: Principal) -> None:
    st.session_state.principal = who
    st.session_state.login_at = time.time()
    new_conversation(who)


def new_conversation(who: Principal) -> None:
    st.session_state.history = []
    st.session_state.conversation = f"{who.user_id}-{time.time_ns()}"


def end_session() -> None:
    for key in ("principal", "history", "conversation", "login_at"):
        st.session_state.pop(key, None)
