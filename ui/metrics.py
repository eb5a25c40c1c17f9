"""The metric library (the rights to draft or approve metrics): search the governed dictionary,
read a metric's page (口径, type, expression, dimensions, owner, versions, lineage, status), compare
versions, draft a change (draft right), roll back, deprecate, unlock and lock (approve right),
and import
or export YAML."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
import yaml

from asker import api
from asker.errors import AskerError
from ui import draft_form, state
from ui.render import render_error
from ui.text import t

CATEGORIES = ("监管", "风险", "考核", "财务", "业务")
EXPRESSION_FIELDS = (
    "measure",
    "numerator",
    "denominator",
    "expr",
    "inputs",
    "migration",
    "unit",
    "format",
)

who = state.principal()
rights = state.rights()
assert who is not None and rights & {"draft_metrics", "approve_metrics"}
rt = state.runtime()


def pick() -> Any:
    """Search by name, synonym, code, category and owner; the chosen metric's version."""
    left, middle, right = st.columns([3, 1, 2])
    text = left.text_input(t("metric_search"), key="metric_search")
    category = middle.selectbox(
        t("category"), ["", *CATEGORIES], key="metric_category", format_func=lambda c: c or t("any")
    )
    owner = right.text_input(t("owner"), key="metric_owner")
    found = api.search_metrics(rt, text, category, owner.strip())
    if not found:
        st.info(t("no_match"))
        return None
    options = [v.code for v in found]
    names = {v.code: f"{v.definition['name']}（{v.code}）" for v in found}
    code = st.selectbox(t("metric_pick"), options, key="metric_pick", format_func=names.get)
    return next(v for v in found if v.code == code)


def page(version: Any) -> None:
    d = version.definition
    st.header(f"{d['name']} · {d['name_en']}")
    st.caption(
        f"`{d['code']}` · {t('status')}: {version.status} · {t('version')} v{version.version}"
        f" · {d['category']} · {d['owner_department']} / {d['steward']}"
    )
    if d.get("locked"):
        st.warning(t("locked") if api.metric_is_locked(rt, d["code"]) else t("unlocked"))
    st.markdown(f"**{t('definition')}**：{d['definition']}")
    st.caption(d["definition_en"])
    st.markdown(f"**{t('metric_type')}**：{d['type']}")
    expression = {k: d[k] for k in EXPRESSION_FIELDS if k in d}
    st.code(yaml.safe_dump(expression, allow_unicode=True, sort_keys=False), language="yaml")
    st.markdown(f"**{t('dimensions')}**：{', '.join(d.get('dimensions', []))}")
    words = [
        *d.get("synonyms", []),
        *d.get("synonyms_en", []),
        *d.get("abbreviations", []),
        *d.get("aliases", []),
    ]
    st.caption(" · ".join(words))
    detail = api.metric_detail(rt, d["code"])
    st.subheader(t("lineage"))
    for table, columns in detail.lineage.items():
        st.caption(f"{table}: {', '.join(columns)}")
    with st.expander(t("sql")):
        st.code(detail.sql, language="sql")
    versions(detail.versions)


def versions(items: Any) -> None:
    st.subheader(t("versions"))
    rows = [
        [v.version, v.status, v.author, v.approver or "", str(v.published_at or "")[:19], v.comment]
        for v in items
    ]
    st.dataframe(
        pd.DataFrame(
            rows, columns=["v", t("status"), "author", "approver", "published", t("comment")]
        ),
        hide_index=True,
    )
    numbers = [v.version for v in items]
    if len(numbers) < 2:
        return
    st.subheader(t("diff"))
    left, right = st.columns(2)
    before = left.selectbox(t("diff_from"), numbers, index=len(numbers) - 2, key="diff_from")
    after = right.selectbox(t("diff_to"), numbers, index=len(numbers) - 1, key="diff_to")
    shown = api.metric_version_diff(rt, items[0].code, before, after)
    if not shown.changes:
        st.caption(t("no_changes"))
    for change in shown.changes:
        st.markdown(f"- `{change.field}`: {change.before or '—'} → {change.after or '—'}")
    if shown.text:
        st.code(shown.text, language="diff")


def run(step: Any, done: str = "") -> bool:
    """Run an api step; show its error (with the code) or a success note."""
    try:
        result = step()
    except AskerError as error:
        render_error(error)
        return False
    if done:
        st.success(done.format(version=getattr(result, "version", "")))
    return True


def admin(version: Any) -> None:
    code = version.code
    if st.session_state.pop("draft-withdrawn", False):
        st.success(t("withdrawn"))
    drafts = [d for d in api.metric_drafts(rt) if d.code == code]
    if drafts:
        draft_form.section(who, drafts[0], version.version)
        return
    if st.button(t("draft_start"), key="draft_start") and run(
        lambda: api.metric_draft_start(rt, who, code)
    ):
        st.rerun()
    with st.expander(t("new_metric")):
        new_code = st.text_input(t("new_code"), key="new_code").strip()
        template = {**version.definition, "code": new_code}
        if st.button(t("new_metric_start"), key="new_metric_start") and run(
            lambda: api.metric_draft_start(rt, who, new_code, template)
        ):
            st.session_state["admin_view_next"] = "new"  # the radio is drawn already
            st.rerun()


def new_drafts() -> None:
    """Drafts of metrics that are not published yet (made from a template or imported)."""
    published = {v.code for v in api.list_metrics(rt)}
    fresh = [d for d in api.metric_drafts(rt) if d.code not in published]
    if not fresh:
        st.info(t("no_new_drafts"))
        return
    labels = {d.id: f"#{d.id} {d.code}（{d.status}）" for d in fresh}
    chosen_id = st.selectbox(t("draft"), list(labels), key="new_draft_pick", format_func=labels.get)
    draft = next(d for d in fresh if d.id == chosen_id)
    st.code(yaml.safe_dump(draft.definition, allow_unicode=True, sort_keys=False), language="yaml")
    draft_form.section(who, draft)


def approver(version: Any) -> None:
    code, d = version.code, version.definition
    if d.get("locked"):
        if api.metric_is_locked(rt, code):
            reason = st.text_input(t("unlock_reason"), key="unlock_reason")
            if st.button(t("unlock"), key="metric_unlock") and run(
                lambda: api.metric_unlock(rt, who, code, reason)
            ):
                st.rerun()
        elif st.button(t("lock"), key="metric_lock") and run(
            lambda: api.metric_lock(rt, who, code)
        ):
            st.rerun()
    earlier = [v.version for v in api.metric_detail(rt, code).versions][:-1]
    comment = st.text_input(t("comment"), key="metric_comment")
    if earlier:
        target = st.selectbox(t("rollback_to"), earlier[::-1], key="rollback_to")
        if st.button(t("rollback"), key="metric_rollback"):
            run(
                lambda: api.metric_rollback(rt, who, code, target, comment),
                t("rolled_back"),
            )
    if st.button(t("deprecate"), key="metric_deprecate"):
        run(lambda: api.metric_deprecate(rt, who, code, comment), t("deprecated"))


def transfer(version: Any) -> None:
    left, right = st.columns(2)
    left.download_button(
        t("export"),
        api.metric_export_yaml(rt, version.code),
        file_name=f"{version.code}.yaml",
        key="export_one",
    )
    right.download_button(
        t("export_all"),
        api.metric_export_yaml(rt),
        file_name="metrics.yaml",
        key="export_all",
    )
    if "draft_metrics" not in rights:
        return
    upload = st.file_uploader(t("import"), type=["yaml", "yml"], key="import_yaml")
    if upload is not None and st.button(t("import"), key="import_run"):
        text = upload.getvalue().decode("utf-8")
        run(lambda: api.metric_import_drafts(rt, who, text))


st.title(t("metrics"))
st.caption(f"{who.display_name}：{t('no_data_role')}{t('metric_roles_note')}")
view = "library"
if "draft_metrics" in rights:
    if "admin_view_next" in st.session_state:
        st.session_state["admin_view"] = st.session_state.pop("admin_view_next")
    view = st.radio(
        t("admin_view"),
        ["library", "new"],
        key="admin_view",
        horizontal=True,
        format_func=lambda v: t("metrics") if v == "library" else t("new_drafts"),
    )
chosen = pick() if view == "library" else new_drafts()
if chosen is not None:
    page(chosen)
    if "draft_metrics" in rights:
        admin(chosen)
    else:
        approver(chosen)
    transfer(chosen)
