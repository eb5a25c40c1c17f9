"""The facade the UI, the CLI, the evaluation harness and the benchmarks call; none of them
builds SQL or reads a store directly.

    rt = api.open_runtime(settings)          # once per process
    who = api.login(rt, "li.na", password)   # or api.local_user(rt, "li.na") on the command line
    answer = api.ask(rt, who, "各支行存款余额")

Modules by concern, each a thin facade over the layers below: ``runtime`` (the one Runtime),
``identity`` (sign-in, sessions), ``questions`` (ask, explain, SQL, feedback, saved questions,
home panel), ``dictionary`` (read, validate, import, export metrics), ``governance`` (drafts,
four-eyes review, versions, locks, impact), ``review`` (the feedback queue), ``operations``
(export), ``audit`` (verify, search, usage) and ``admin`` (init, index).
"""

from asker.access.identity import LocalUser, Password, Session
from asker.api.admin import init, rebuild_index, reviewed_examples, seed_app_db
from asker.api.audit import audit_row, llm_usage, usage
from asker.api.audit import search as search_audit
from asker.api.audit import to_csv as audit_csv
from asker.api.audit import verify as verify_audit
from asker.api.audit import verify_as as verify_audit_as
from asker.api.dictionary import (
    MetricDetail,
    export_metrics,
    import_metrics,
    list_metrics,
    metric_detail,
    metric_export_yaml,
    search_metrics,
    validate_dictionary,
    validate_published,
)
from asker.api.governance import (
    metric_deprecate,
    metric_draft,
    metric_draft_approve,
    metric_draft_check,
    metric_draft_diff,
    metric_draft_rebase,
    metric_draft_reject,
    metric_draft_save,
    metric_draft_start,
    metric_draft_submit,
    metric_draft_withdraw,
    metric_drafts,
    metric_impact,
    metric_import_drafts,
    metric_is_locked,
    metric_lock,
    metric_rollback,
    metric_unlock,
    metric_version_diff,
    saved_impact_cases,
)
from asker.api.health import readiness
from asker.api.identity import (
    bearer_sign_in,
    carries_signed_identity,
    chat_sso_secrets,
    local_user,
    login,
    session_expired,
    sign_in,
    sign_in_with_headers,
    sign_in_with_token,
    start_session,
)
from asker.api.operations import ExportFile, can_export, export
from asker.api.questions import (
    ask,
    ask_query,
    conversation,
    explain,
    feedback,
    feedback_with_correction,
    home_panel,
    refusal,
    remove_saved_question,
    rerun_saved_question,
    rights,
    roles,
    run_sql,
    save_question,
    saved_questions,
    share_saved_question,
    starters,
)
from asker.api.review import (
    check_correction,
    feedback_queue_items,
    promote_feedback,
    reject_feedback,
    verified_examples,
)
from asker.api.runtime import Runtime, grants, limits, open_runtime
from asker.api.tokens import add_service_account, create_token, list_tokens, revoke_token
from asker.appstate.feedback_queue import FeedbackItem
from asker.audit.request import request_scope
from asker.audit.search import AuditFilter
from asker.audit.usage import UsageReport

__all__ = [
    "AuditFilter",
    "ExportFile",
    "FeedbackItem",
    "LocalUser",
    "MetricDetail",
    "Password",
    "Runtime",
    "Session",
    "UsageReport",
    "add_service_account",
    "ask",
    "ask_query",
    "audit_csv",
    "audit_row",
    "bearer_sign_in",
    "can_export",
    "carries_signed_identity",
    "chat_sso_secrets",
    "check_correction",
    "conversation",
    "create_token",
    "explain",
    "export",
    "export_metrics",
    "feedback",
    "feedback_queue_items",
    "feedback_with_correction",
    "grants",
    "home_panel",
    "import_metrics",
    "init",
    "limits",
    "list_metrics",
    "list_tokens",
    "llm_usage",
    "local_user",
    "login",
    "metric_deprecate",
    "metric_detail",
    "metric_draft",
    "metric_draft_approve",
    "metric_draft_check",
    "metric_draft_diff",
    "metric_draft_rebase",
    "metric_draft_reject",
    "metric_draft_save",
    "metric_draft_start",
    "metric_draft_submit",
    "metric_draft_withdraw",
    "metric_drafts",
    "metric_export_yaml",
    "metric_impact",
    "metric_import_drafts",
    "metric_is_locked",
    "metric_lock",
    "metric_rollback",
    "metric_unlock",
    "metric_version_diff",
    "open_runtime",
    "promote_feedback",
    "readiness",
    "rebuild_index",
    "refusal",
    "reject_feedback",
    "remove_saved_question",
    "request_scope",
    "rerun_saved_question",
    "reviewed_examples",
    "revoke_token",
    "rights",
    "roles",
    "run_sql",
    "save_question",
    "saved_impact_cases",
    "saved_questions",
    "search_audit",
    "search_metrics",
    "seed_app_db",
    "session_expired",
    "share_saved_question",
    "sign_in",
    "sign_in_with_headers",
    "sign_in_with_token",
    "start_session",
    "starters",
    "usage",
    "validate_dictionary",
    "validate_published",
    "verified_examples",
    "verify_audit",
    "verify_audit_as",
]
