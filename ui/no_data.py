"""Home of roles that read no warehouse data and have no page of their own."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.text import t

who = state.principal()
st.title(t("title"))
if who is not None:
    st.info(f"{who.display_name}：{t('no_data_role')}")
