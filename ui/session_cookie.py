"""The browser's copy of the session: the signed session token (``api.session_token``) and the
open conversation's id, kept as first-party cookies so a reload signs the user back in and shows
the conversation again. Never in the URL.

Streamlit reads cookies (``st.context.cookies``, as they were when the page was loaded) but
cannot set them, so a small script in the page sets them; it runs on the page's own origin.
``SameSite=Strict`` keeps them off requests from other sites; ``Secure`` is added under HTTPS.
"""

from __future__ import annotations

import json

import streamlit as st

TOKEN = "asker_session"
CONVERSATION = "asker_conversation"


def saved(name: str) -> str:
    """A cookie's value as the browser sent it when this page was loaded ('' when none)."""
    try:
        return str(st.context.cookies.get(name) or "")
    except Exception:  # no browser behind this run (a script run, a test without one)
        return ""


def _cookie(name: str, value: str, max_age: int) -> str:
    text = f"{name}={value}; Path=/; Max-Age={max(max_age, 0)}; SameSite=Strict"
    secure = "(location.protocol === 'https:' ? '; Secure' : '')"
    return f"document.cookie = {json.dumps(text)} + {secure};"


def keep(values: dict[str, tuple[str, int]]) -> None:
    """Set (or with max age 0, remove) these cookies in the browser: name → (value, seconds)."""
    script = "".join(_cookie(name, value, age) for name, (value, age) in values.items())
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
