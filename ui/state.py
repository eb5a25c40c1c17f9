"""Session state shared by the pages: the settings, the process's runtime, who is signed in and
when their session ends (the rule itself is the facade's: ``api.session_expired``)."""

from __future__ import annotations

import time

import streamlit as st

from asker import api
from asker.config import Settings
from asker.types import Principal


def settings() -> Settings:
    if "settings" not in st.session_state:
        st.session_state.settings = Settings()
    return st.session_state.settings  # type: ignore[no-any-return]


@st.cache_resource(show_spinner=False, hash_funcs={Settings: lambda s: s.model_dump_json()})
def _runtime(for_settings: Settings) -> api.Runtime:
    return api.open_runtime(for_settings)


def runtime() -> api.Runtime:
    """The process's runtime for these settings: built once, shared by every session."""
    return _runtime(settings())


def principal() -> Principal | None:
    """The signed-in user, or None (also when the session has expired)."""
    session = st.session_state.get("session")
    if session is None:
        return None
    if api.session_expired(runtime(), session):
        end_session()
        st.session_state.expired = True
        return None
    return session.principal  # type: ignore[no-any-return]


def rights() -> frozenset[str]:
    """What the signed-in user may do (the policy's rights of their role)."""
    who = principal()
    return api.rights(runtime(), who) if who else frozenset()


def can_export() -> bool:
    """Whether the signed-in user's role has the export right."""
    who = principal()
    return who is not None and api.can_export(runtime(), who)


def role_label(who: Principal) -> str:
    """The role's name as the policy labels it (e.g. 分行行长)."""
    return dict(api.roles(runtime())).get(who.role, who.role)


def start_session(who: Principal) -> None:
    st.session_state.session = api.start_session(runtime(), who)
    new_conversation(who)


def new_conversation(who: Principal) -> None:
    st.session_state.history = []
    st.session_state.conversation = f"{who.user_id}-{time.time_ns()}"


def end_session() -> None:
    for key in ("session", "history", "conversation"):
        st.session_state.pop(key, None)
