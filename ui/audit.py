"""The audit page (the right to read the audit log): search by user, org, action, time,
decision and code; verify the
hash chain from here; download the filtered log as CSV (it holds no data values); and the
anomaly alerts ``asker worker`` found (bursts of refusals, unusually many questions, exports
outside working hours)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from asker import api
from asker.clock import BANK_TIME
from asker.errors import AskerError
from ui import state
from ui.export_right import BANK_TIME_ZONE
from ui.render import render_error
from ui.text import t

who = state.principal()
assert who is not None and "read_audit" in state.rights()  # shown only to those with the right
rt = state.runtime()
ACTIONS = [
    "ask",
    "explain",
    "sql",
    "export",
    "login",
    "metric_workflow",
    "subscription",
    "delivery",
]
DECISIONS = ["ok", "clarify", "refused", "error"]


def moment(day: dt.date | None, *, next_day: bool = False) -> dt.datetime | None:
    """The start of ``day`` (or of the day after) in UTC+8, the bank's day."""
    if day is None:
        return None
    start = dt.datetime.combine(day, dt.time(), tzinfo=BANK_TIME)
    return start + dt.timedelta(days=1) if next_day else start


def filters() -> api.AuditFilter:
    user, org, code = st.columns(3)
    actions, results = st.columns(2)
    since, until = st.columns(2)
    return api.AuditFilter(
        user_id=user.text_input(t("audit_user"), key="audit-user"),
        org_id=org.text_input(t("audit_org"), key="audit-org"),
        codes=tuple(c for c in [code.text_input(t("audit_code"), key="audit-code")] if c),
        actions=tuple(actions.multiselect(t("audit_action"), ACTIONS, key="audit-action")),
        decisions=tuple(results.multiselect(t("audit_decision"), DECISIONS, key="audit-decision")),
        since=moment(since.date_input(t("audit_since"), value=None, key="audit-since")),
        until=moment(
            until.date_input(t("audit_until"), value=None, key="audit-until"), next_day=True
        ),
    )


st.title(t("audit_page"))
if st.button(t("verify_chain"), key="audit-verify"):
    try:
        report = api.verify_audit_as(rt, who)
    except AskerError as error:
        render_error(error)
    else:
        if report.ok:
            st.success(t("chain_ok").format(count=report.count))
        else:
            st.error("\n".join(report.problems))
query = filters()
entries = api.search_audit(rt, who, query)
st.caption(f"{len(entries)} {t('audit_found')}")
HEADERS = {
    "created_at": "audit_time",
    "user_id": "audit_user",
    "role": "audit_role",
    "org_id": "audit_org",
    "action": "audit_action",
    "decision": "audit_decision",
    "codes": "audit_code",
    "question": "audit_question",
    "row_count": "audit_rows",
}


def shown(entry: api.AuditEntry) -> dict[str, object]:
    """An entry as the page shows it: the time in the bank's time zone to the second, the role
    by its name, the headers in the page's language."""
    row = api.audit_row(entry)
    row["created_at"] = entry.created_at.astimezone(BANK_TIME_ZONE).strftime("%Y-%m-%d %H:%M:%S")
    if row.get("role"):
        row["role"] = state.role_name(str(row["role"]))
    return {t(HEADERS[k]) if k in HEADERS else k: v for k, v in row.items()}


st.dataframe([shown(e) for e in entries[:1000]], hide_index=True, key="audit-table")
st.download_button(
    t("download_csv"),
    data=api.audit_csv(rt, who, query),
    file_name="asker-audit.csv",
    mime="text/csv",
    key="audit-csv",
)

st.subheader(t("anomalies"))
found = api.anomaly_findings(rt, who)
if not found:
    st.caption(t("no_anomalies"))
else:
    st.dataframe(
        [
            {
                t("anomaly_rule"): f.payload.get("rule"),
                t("audit_user"): f.payload.get("user"),
                t("anomaly_count"): f.payload.get("count"),
                t("anomaly_sent"): f.status,
            }
            for f in reversed(found)
        ],
        hide_index=True,
        key="audit-anomalies",
    )
