"""Which pages a signed-in user gets, from the rights the policy gives their role; the others
are hidden, not disabled."""

from __future__ import annotations

import streamlit as st

from ui.text import t


def home_pages(rights: frozenset[str]) -> tuple[str, ...]:
    """The pages a user starts on, the first being the default."""
    if "ask" in rights:
        return ("chat",)
    if "approve_metrics" in rights:
        return ("review", "metrics")
    if "draft_metrics" in rights:
        return ("metrics",)
    return ()


def operations_pages(rights: frozenset[str]) -> list[st.Page]:
    pages = []
    if "ask" in rights:
        pages.append(st.Page("saved.py", title=t("saved_page")))
    if "review_feedback" in rights:
        pages.append(st.Page("feedback_review.py", title=t("review_page")))
    if "read_audit" in rights:
        pages.append(st.Page("audit.py", title=t("audit_page")))
    if "read_usage" in rights:
        pages.append(st.Page("usage.py", title=t("usage_page")))
    return pages
