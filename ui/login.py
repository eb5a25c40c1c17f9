"""The login page: the users of the app database (passwords hashed with argon2)."""

from __future__ import annotations

import streamlit as st

from asker import api
from asker.errors import AskerError
from ui import state
from ui.render import render_error
from ui.text import t

st.title(t("title"))
st.caption(t("subtitle"))
if st.session_state.pop("expired", False):
    st.info(t("session_expired"))
with st.form("login"):
    user = st.text_input(t("user"), key="login_user")
    password = st.text_input(t("password"), type="password", key="login_password")
    submitted = st.form_submit_button(t("login"))
st.caption(t("demo_hint"))
if submitted:
    try:
        who = api.login(state.runtime(), user.strip(), password)
    except AskerError as error:
        render_error(error)
    else:
        state.start_session(who)
        st.rerun()
