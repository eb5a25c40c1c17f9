"""Every string the UI shows, Chinese first, and English.

``t(key)`` picks the session's language."""

from __future__ import annotations

import streamlit as st

TEXT: dict[str, tuple[str, str]] = {
    "title": ("问数助手", "asker"),
    "subtitle": (
        "示范城市商业银行 · 用一句话问数据",
        "Demo city commercial bank · ask the data in one sentence",
    ),
    "login": ("登录", "Log in"),
    "logout": ("退出登录", "Log out"),
    "user": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "demo_hint": (
        "演示用户：zhang.wei、li.na、wang.fang、liu.yang、chen.jie（密码 asker-demo）",
        "Demo users: zhang.wei, li.na, wang.fang, liu.yang, chen.jie (password asker-demo)",
    ),
    "chat": ("问数", "Ask"),
    "ask_placeholder": (
        "例如：上个月各分行的存款余额",
        "e.g. deposit balance by branch last month",
    ),
    "thinking": ("正在取数…", "Working on it…"),
    "definition": ("口径", "Definition"),
    "version": ("版本", "version"),
    "as_of": ("数据日期", "Data date"),
    "sql": ("查看SQL", "Show SQL"),
    "assumptions": ("说明", "Notes"),
    "starters": ("可以这样问：", "Try asking:"),
    "helpful": ("有帮助", "Helpful"),
    "not_helpful": ("没帮助", "Not helpful"),
    "reason": ("原因（可选）", "Reason (optional)"),
    "send": ("提交", "Send"),
    "thanks": ("已收到反馈，谢谢！", "Thanks for the feedback!"),
    "no_data_role": ("您的角色不能查询业务数据。", "Your role cannot query business data."),
    "language": ("语言", "Language"),
    "new_chat": ("新对话", "New conversation"),
    "session_expired": ("登录已过期，请重新登录。", "Your session expired: log in again."),
    "no_rows": ("没有数据", "No data"),
}


def lang() -> str:
    return str(st.session_state.get("lang", "zh"))


def t(key: str) -> str:
    zh, en = TEXT[key]
    return zh if lang() == "zh" else en


# Starter questions per role: what that person typically asks first.
STARTERS: dict[str, tuple[tuple[str, str], ...]] = {
    "hq_analyst": (
        ("上个月各分行的存款余额", "Deposit balance by branch last month"),
        ("本季度各分行不良贷款率", "NPL ratio by branch this quarter"),
        ("今年以来每月新增客户数", "New customers per month this year"),
    ),
    "branch_manager": (
        ("各支行上个月末存款余额", "Deposit balance by sub-branch at last month end"),
        ("本行存款预算达成率", "Deposit budget attainment"),
        ("不良率同比", "NPL ratio year on year"),
    ),
    "subbranch_manager": (
        ("本月存款余额环比", "Deposit balance month on month"),
        ("贷款余额和不良率", "Loan balance and NPL ratio"),
        ("近三个月每月新增客户数", "New customers per month, last 3 months"),
    ),
    "client_manager": (
        ("我管户客户的存款余额", "Deposit balance"),
        ("各客群AUM余额", "AUM by segment"),
        ("近30天大额转出笔数", "Large outflows in the last 30 days"),
    ),
    "hq_executive": (
        ("各分行存款余额和贷款余额", "Deposits and loans by branch"),
        ("全行不良贷款率趋势", "NPL ratio trend"),
        ("存贷比", "Loan-to-deposit ratio"),
    ),
}


def starters(role: str) -> list[str]:
    return [zh if lang() == "zh" else en for zh, en in STARTERS.get(role, ())]


# --- operations (issue 11): export, feedback review, audit and usage pages, saved questions ---
TEXT.update(
    {
        "export_csv": ("导出 CSV", "Export CSV"),
        "export_xlsx": ("导出 Excel", "Export Excel"),
        "download": ("下载文件", "Download file"),
        "export_note": (
            "导出会按您的权限重新取数、脱敏、限制行数，加水印并记入审计日志。",
            "An export re-runs the query within your permissions, masked, capped, "
            "watermarked and audited.",
        ),
        "save_question": ("收藏问题", "Save question"),
        "saved_ok": ("已收藏", "Saved"),
        "correction": ("纠正（可选）", "Correction (optional)"),
        "corrected_question": ("正确的问题", "Corrected question"),
        "corrected_sql": ("正确的SQL", "Corrected SQL"),
        "saved_page": ("我的收藏", "Saved questions"),
        "home_panel": ("关键指标（环比）", "Key metrics (month on month)"),
        "new_saved": ("收藏一个新问题", "Save a new question"),
        "title_optional": ("标题（可选）", "Title (optional)"),
        "rerun": ("重新查询", "Re-run"),
        "share_with": ("共享给角色", "Share with role"),
        "not_shared": ("不共享", "Not shared"),
        "delete": ("删除", "Delete"),
        "shared_by": ("共享自", "Shared by"),
        "no_saved": ("还没有收藏的问题。", "No saved questions yet."),
        "review_page": ("反馈审核", "Feedback review"),
        "pending_items": ("待审核", "Pending"),
        "reviewed_items": ("已审核", "Reviewed"),
        "no_pending": ("没有待审核的反馈。", "No feedback waiting for review."),
        "check_sql": ("权限检查", "Check through the gate"),
        "promote": ("采纳为已审核示例", "Promote to verified example"),
        "reject": ("驳回", "Reject"),
        "reject_reason": ("驳回原因（必填）", "Reason for rejecting (required)"),
        "promoted": ("已采纳为示例", "Promoted to example"),
        "rejected": ("已驳回", "Rejected"),
        "feedback_from": ("反馈人", "From"),
        "original_answer_sql": ("原回答的SQL", "SQL of the original answer"),
        "audit_page": ("审计日志", "Audit log"),
        "audit_user": ("用户", "User"),
        "audit_org": ("机构", "Org unit"),
        "audit_action": ("操作", "Action"),
        "audit_decision": ("结果", "Decision"),
        "audit_code": ("代码", "Code"),
        "audit_since": ("起始日期", "From"),
        "audit_until": ("截止日期（含）", "To (inclusive)"),
        "audit_found": ("条记录", "records"),
        "verify_chain": ("校验审计链", "Verify the chain"),
        "chain_ok": (
            "审计链完整：共 {count} 条记录，哈希链与外部锚点一致。",
            "The chain is intact: {count} records, matching the external anchor.",
        ),
        "download_csv": ("下载 CSV", "Download CSV"),
        "usage_page": ("使用统计", "Usage"),
        "questions_total": ("提问数", "Questions"),
        "answered": ("已回答", "Answered"),
        "clarified": ("需澄清", "Clarified"),
        "refused": ("已拒绝", "Refused"),
        "failed": ("失败", "Failed"),
        "per_day": ("每日提问数", "Questions per day"),
        "per_branch": ("各分行提问数", "Questions per branch"),
        "per_role": ("各角色提问数", "Questions per role"),
        "top_metrics": ("最常问的指标", "Most asked metrics"),
        "unanswered": ("未回答的问题", "Unanswered questions"),
        "latency": ("耗时 p50 / p95", "Latency p50 / p95"),
        "tokens": ("大模型 token 用量", "LLM tokens used"),
        "count": ("次数", "Count"),
    }
)
