"""Session state shared by the pages: the settings, the process's runtime, who is signed in and
when their session ends (the rule itself is the facade's: ``api.session_expired``).

A sign-in survives a reload: the browser keeps the signed session token and the open
conversation (``ui.session_cookie``); a page load without a session resumes from them, once, and
signing out removes them."""

from __future__ import annotations

import re
import time
from typing import Any

import streamlit as st

from asker import api
from asker.config import Settings
from asker.types import Principal
from ui import session_cookie


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
        session = _resume()
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
    """The role's name as the policy labels it, in the page's language (分行行长 / Branch
    manager)."""
    return role_name(who.role)


def role_name(role: str) -> str:
    """A role code as people read it in the page's language."""
    language = "en" if st.session_state.get("lang") == "en" else "zh"
    return dict(api.roles(runtime(), language)).get(role, role)


def _resume() -> api.Session | None:
    """The session the browser's token names, on the first run of a page load (after signing
    out, never again in this browser tab)."""
    if st.session_state.get("resume_tried"):
        return None
    st.session_state.resume_tried = True
    session = api.resume_session(runtime(), session_cookie.saved(session_cookie.TOKEN))
    if session is None:
        return None
    st.session_state.session = session
    st.session_state.token = api.session_token(runtime(), session)
    conversation = session_cookie.saved(session_cookie.CONVERSATION)
    if conversation and reopen(session.principal, conversation):
        return session  # type: ignore[no-any-return]
    new_conversation(session.principal)
    return session  # type: ignore[no-any-return]


def start_session(who: Principal) -> None:
    """Sign ``who`` in (a password or single sign-on): the session, its token for the browser,
    and a new conversation."""
    session = api.start_session(runtime(), who)
    st.session_state.session = session
    st.session_state.token = api.session_token(runtime(), session)
    st.session_state.resume_tried = True
    new_conversation(who)


def new_conversation(who: Principal) -> None:
    st.session_state.history = []
    st.session_state.reopened = False
    st.session_state.conversation = f"{who.user_id}-{time.time_ns()}"


def reopen(who: Principal, conversation: str) -> bool:
    """Show a past conversation of ``who`` again (its answers re-run now); False when it has no
    turns of theirs."""
    turns = api.reopen_conversation(runtime(), who, conversation)
    if not turns:
        return False
    history: list[dict[str, Any]] = [
        {"question": question, "answer": answer} for question, answer in turns
    ]
    st.session_state.history = history
    st.session_state.conversation = conversation
    st.session_state.reopened = True
    return True


_COOKIE_SAFE = re.compile(r"[A-Za-z0-9_.\-]{1,512}")


def keep_in_browser() -> None:
    """Hand the browser the session token and the open conversation (or, signed out, remove
    them); the page runs this on every run."""
    session = st.session_state.get("session")
    token, conversation = st.session_state.get("token", ""), st.session_state.get("conversation")
    if session is None or not token:
        if st.session_state.get("signed_out"):
            session_cookie.keep(
                {session_cookie.TOKEN: ("", 0), session_cookie.CONVERSATION: ("", 0)}
            )
        return
    hours = settings().session_hours
    left = (session.started - runtime().clock.now()).total_seconds() + hours * 3600
    values = {session_cookie.TOKEN: (token, int(left))}
    if conversation and _COOKIE_SAFE.fullmatch(conversation):
        values[session_cookie.CONVERSATION] = (conversation, int(left))
    session_cookie.keep(values)


def end_session() -> None:
    """Sign out: the session is recorded as ended (its token, wherever a copy is, resumes
    nothing), and the browser's copy is removed (``keep_in_browser``)."""
    session = st.session_state.get("session")
    if session is not None:
        api.end_session(runtime(), session)
    for key in ("session", "history", "conversation", "token"):
        st.session_state.pop(key, None)
    st.session_state.signed_out = True
