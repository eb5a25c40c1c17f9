"""The metric draft form (the right to draft metrics): words and 口径 as fields, everything
else as YAML.

The row version the admin started from is kept in the session, so a save made after someone
else's is refused as stale (METRIC_DRAFT_STALE) instead of overwriting it; "reload" starts over
from the latest draft. Every save lists every validation problem and conflict.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
import yaml

from asker import api
from asker.errors import AskerError
from asker.types import Principal
from ui import state
from ui.render import render_error
from ui.text import t

TEXT_FIELDS = ("name", "name_en", "definition", "definition_en")
LIST_FIELDS = ("synonyms", "synonyms_en", "abbreviations", "aliases")
AREAS = {"definition": "definition_zh", "definition_en": "definition_en"}


def _rv_key(draft_id: int) -> str:
    return f"draft-rv-{draft_id}"


def started_at(draft: Any) -> int:
    """The row version this session started editing from."""
    return int(st.session_state.setdefault(_rv_key(draft.id), draft.row_version))


def _split(items: str) -> list[str]:
    parts = items.replace("，", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


def _rest(definition: dict[str, Any]) -> str:
    rest = {k: v for k, v in definition.items() if k not in (*TEXT_FIELDS, *LIST_FIELDS, "code")}
    return yaml.safe_dump(rest, allow_unicode=True, sort_keys=False, width=100)


def _body(draft: Any, values: dict[str, Any], rest_text: str) -> dict[str, Any] | None:
    try:
        rest = yaml.safe_load(rest_text) or {}
    except yaml.YAMLError as exc:
        st.error(f"YAML: {str(exc).splitlines()[0]}")
        return None
    if not isinstance(rest, dict):
        st.error("YAML: 顶层必须是映射 top level must be a mapping")
        return None
    body: dict[str, Any] = {"code": draft.code}
    for key in (*TEXT_FIELDS, *LIST_FIELDS):
        if values[key] or key in TEXT_FIELDS:
            body[key] = values[key]
    body.update({k: v for k, v in rest.items() if k not in body})
    return body


def show_check(messages: tuple[str, ...]) -> None:
    if not messages:
        st.success(t("draft_ok"))
        return
    st.error(t("problems"))
    for message in messages:
        st.error(message)


def form(who: Principal, draft: Any) -> None:
    """Edit ``draft`` (draft or rejected status) as ``who``."""
    rv = started_at(draft)
    suffix = f"{draft.id}-{rv}"
    values: dict[str, Any] = {}
    with st.form(f"draft-form-{suffix}"):
        for key in TEXT_FIELDS:
            current = str(draft.definition.get(key, ""))
            label = t(AREAS.get(key, key))
            widget = st.text_area if key in AREAS else st.text_input
            values[key] = widget(label, value=current, key=f"draft_{key}-{suffix}")
        for key in LIST_FIELDS:
            current = ", ".join(draft.definition.get(key, []))
            values[key] = _split(st.text_input(t(key), value=current, key=f"draft_{key}-{suffix}"))
        rest_text = st.text_area(
            t("other_fields"), value=_rest(draft.definition), height=240, key=f"draft_rest-{suffix}"
        )
        saved = st.form_submit_button(t("save_draft"))
    if saved:
        body = _body(draft, values, rest_text)
        if body is not None:
            save(who, draft, body, rv)


def save(who: Principal, draft: Any, body: dict[str, Any], rv: int) -> None:
    try:
        result = api.metric_draft_save(state.runtime(), who, draft.id, body, rv)
    except AskerError as error:
        render_error(error)
        if error.code == "METRIC_DRAFT_STALE":
            st.button(t("reload_draft"), key="draft_reload", on_click=reload, args=(draft.id,))
        return
    st.session_state[_rv_key(draft.id)] = result.draft.row_version
    st.session_state["draft-saved"] = result.check.messages()
    st.rerun()


def reload(draft_id: int) -> None:
    st.session_state.pop(_rv_key(draft_id), None)


def submit(who: Principal, draft: Any) -> None:
    left, right = st.columns(2)
    if left.button(t("submit_review"), key="draft_submit"):
        step, note = api.metric_draft_submit, "draft-submitted"
    elif right.button(t("withdraw"), key="draft_withdraw"):
        step, note = api.metric_draft_withdraw, "draft-withdrawn"
    else:
        return
    try:
        step(state.runtime(), who, draft.id, started_at(draft))
    except AskerError as error:
        render_error(error)
        return
    reload(draft.id)
    st.session_state[note] = True
    st.rerun()


def rebase(who: Principal, draft: Any, published: int) -> None:
    """A version was published after the draft started: show what differs, offer to rebase."""
    st.warning(t("base_changed").format(base=draft.base_version, current=published))
    diff = api.metric_draft_diff(state.runtime(), draft.id)
    st.code(diff.text or t("no_changes"), language="diff")
    if not st.button(t("rebase"), key="draft_rebase"):
        return
    try:
        api.metric_draft_rebase(state.runtime(), who, draft.id, started_at(draft))
    except AskerError as error:
        render_error(error)
        return
    reload(draft.id)
    st.rerun()


def section(who: Principal, draft: Any, published: int | None = None) -> None:
    """The draft of the metric on screen: its form, its check, submit; or its review status."""
    editors = ", ".join(draft.editors)
    st.subheader(t("draft"))
    st.caption(
        t("draft_of").format(
            id=draft.id, status=draft.status, rv=draft.row_version, editors=editors
        )
    )
    if st.session_state.pop("draft-submitted", False):
        st.success(t("submitted"))
    if draft.status == "in_review":
        st.info(t("in_review_note"))
        return
    if draft.status == "rejected" and draft.comment:
        st.warning(t("rejected_note").format(comment=draft.comment))
    if published is not None and draft.base_version != published:
        rebase(who, draft, published)
    form(who, draft)
    messages = st.session_state.pop("draft-saved", None)
    if messages is not None:
        st.success(t("saved"))
    else:
        messages = api.metric_draft_check(state.runtime(), draft.id).messages()
    show_check(tuple(messages))
    submit(who, draft)
