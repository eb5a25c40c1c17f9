"""The login page: the users of the app database (passwords hashed with argon2, or bound to the
bank's LDAP/AD), when OIDC is configured the bank's single sign-on (Streamlit's ``st.login``:
authorization code with PKCE; the access token it hands over is checked by asker), and behind
the bank's reverse proxy the identity it signed into the ``X-Asker-*`` headers."""

from __future__ import annotations

import streamlit as st

from asker import api
from asker.errors import AskerError
from ui import state
from ui.render import render_error
from ui.text import t


def _single_sign_on() -> None:
    """The SSO button; back from the provider, its access token signs the user in."""
    if st.user.is_logged_in:
        try:
            who = api.sign_in_with_token(state.runtime(), st.user.tokens["access"])
        except AskerError as error:
            render_error(error)
        else:
            state.start_session(who)
            st.rerun()
    if st.button(t("sso_login"), key="sso_login"):
        st.login()


def _behind_the_proxy() -> None:
    """The identity the bank's reverse proxy signed into the page's headers, tried once per
    browser session (signing out stays signed out). Streamlit reports a loopback peer as None:
    a proxy on the same host is 127.0.0.1, which must itself be a configured proxy."""
    if st.session_state.get("proxy_tried") or not api.carries_signed_identity(st.context.headers):
        return
    st.session_state.proxy_tried = True
    peer = st.context.ip_address or "127.0.0.1"
    try:
        who = api.sign_in_with_headers(state.runtime(), peer, dict(st.context.headers))
    except AskerError as error:
        render_error(error)
    else:
        state.start_session(who)
        st.rerun()


st.title(t("title"))
st.caption(t("subtitle"))
if st.session_state.pop("expired", False):
    st.info(t("session_expired"))
if state.runtime().settings.trusted_header_proxies:
    _behind_the_proxy()
if state.runtime().settings.oidc_redirect_uri and state.runtime().settings.oidc_issuer:
    _single_sign_on()
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
