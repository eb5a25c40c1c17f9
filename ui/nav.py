"""The operations pages each role gets besides its home (issue 11), hidden from the others."""

from __future__ import annotations

import streamlit as st

from asker import api
from ui.text import t


def operations_pages(role: str, data_role: bool) -> list[st.Page]:
    pages = []
    if data_role:
        pages.append(st.Page("saved.py", title=t("saved_page")))
    if role in api.REVIEW_ROLES:
        pages.append(st.Page("feedback_review.py", title=t("review_page")))
    if role in api.AUDIT_ROLES:
        pages.append(st.Page("audit.py", title=t("audit_page")))
    if role in api.USAGE_ROLES:
        pages.append(st.Page("usage.py", title=t("usage_page")))
    return pages
