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
    # the metric governance console (ui/metrics.py, ui/review.py)
    "metrics": ("指标库", "Metric library"),
    "review": ("指标审批", "Metric review"),
    "metric_search": ("搜索指标（名称、同义词、编码）", "Search metrics (name, synonym, code)"),
    "category": ("类别", "Category"),
    "owner": ("归口部门或负责人", "Owner department or steward"),
    "any": ("全部", "All"),
    "metric_pick": ("指标", "Metric"),
    "no_match": ("没有符合条件的指标。", "No metric matches."),
    "metric_type": ("类型", "Type"),
    "expression": ("计算方式", "Expression"),
    "dimensions": ("可用维度", "Dimensions"),
    "status": ("状态", "Status"),
    "versions": ("版本历史", "Versions"),
    "lineage": ("血缘（表和字段）", "Lineage (tables and columns)"),
    "locked": (
        "🔒 监管指标，已锁定：修改前须由指标审批人解锁。",
        "🔒 Locked regulatory metric: an approver must unlock it before it can be changed.",
    ),
    "unlocked": (
        "🔓 已解锁，可以起草修改；发布后自动重新锁定。",
        "🔓 Unlocked: it can be drafted; publishing locks it again.",
    ),
    "diff": ("版本对比", "Compare versions"),
    "diff_from": ("从版本", "From version"),
    "diff_to": ("到版本", "To version"),
    "no_changes": ("两个版本内容相同。", "The two versions are the same."),
    "draft_start": ("起草修改", "Draft a change"),
    "draft": ("草稿", "Draft"),
    "draft_of": (
        "草稿 #{id}（{status}，第 {rv} 次保存，编辑人：{editors}）",
        "Draft #{id} ({status}, revision {rv}, edited by {editors})",
    ),
    "name": ("中文名称", "Chinese name"),
    "name_en": ("英文名称", "English name"),
    "synonyms": ("同义词（用逗号分隔）", "Synonyms, Chinese (comma separated)"),
    "synonyms_en": ("英文同义词（用逗号分隔）", "Synonyms, English (comma separated)"),
    "abbreviations": ("简称（用逗号分隔）", "Abbreviations (comma separated)"),
    "aliases": ("别名（用逗号分隔）", "Aliases (comma separated)"),
    "definition_zh": ("口径（中文）", "Definition (Chinese)"),
    "definition_en": ("口径（英文）", "Definition (English)"),
    "other_fields": (
        "其他字段（YAML：类型、计算方式、维度、单位……）",
        "Other fields (YAML: type, expression, dimensions, unit, ...)",
    ),
    "save_draft": ("保存草稿", "Save draft"),
    "saved": ("草稿已保存。", "Draft saved."),
    "draft_ok": (
        "校验通过，没有冲突，可以提交审批。",
        "Valid and without conflicts: ready for review.",
    ),
    "problems": (
        "校验问题和冲突（提交前须全部解决）：",
        "Problems and conflicts (fix all before submitting):",
    ),
    "submit_review": ("提交审批", "Submit for review"),
    "submitted": ("已提交审批。", "Submitted for review."),
    "reload_draft": ("重新载入最新草稿", "Reload the latest draft"),
    "in_review_note": (
        "草稿正在审批中，不能编辑。",
        "The draft is in review and cannot be edited.",
    ),
    "review_comment": ("审批意见", "Review comment"),
    "rejected_note": ("审批退回：{comment}", "Sent back by the reviewer: {comment}"),
    "approve": ("批准并发布", "Approve and publish"),
    "reject": ("退回", "Reject"),
    "approved": ("已发布为第 {version} 版。", "Published as version {version}."),
    "rejected": ("已退回给作者。", "Sent back to the author."),
    "no_review": ("没有待审批的草稿。", "No draft is waiting for review."),
    "review_pick": ("待审批草稿", "Draft in review"),
    "changes": ("改动（与当前发布版本相比）", "Changes (against the published version)"),
    "impact": (
        "影响分析（用例分别按当前版本和草稿运行）",
        "Impact (each case run with the published and the proposed version)",
    ),
    "impact_hidden": (
        "{rows} 行（非演示数据，不显示数值）",
        "{rows} rows (not demo data: values not shown)",
    ),
    "impact_none": (
        "没有评测用例或已保存问题使用该指标。",
        "No evaluation case or saved question uses this metric.",
    ),
    "impact_case": ("用例", "Case"),
    "impact_before": ("当前版本结果", "Published result"),
    "impact_after": ("草稿结果", "Proposed result"),
    "impact_changed": ("是否变化", "Changed"),
    "rollback": ("回滚到此版本（发布为新版本）", "Roll back to this version (published as new)"),
    "rollback_to": ("回滚到版本", "Roll back to version"),
    "rolled_back": ("已发布为第 {version} 版。", "Published as version {version}."),
    "deprecate": ("停用指标", "Deprecate the metric"),
    "deprecated": ("指标已停用。", "The metric is deprecated."),
    "unlock": ("解锁", "Unlock"),
    "lock": ("重新锁定", "Lock again"),
    "unlock_reason": ("解锁原因（记入审计日志）", "Reason for unlocking (audited)"),
    "comment": ("说明", "Comment"),
    "export": ("导出 YAML", "Export YAML"),
    "export_all": ("导出全部指标 YAML", "Export all metrics as YAML"),
    "import": (
        "导入 YAML（每个指标生成一份草稿，需审批后发布）",
        "Import YAML (each metric becomes a draft that needs review)",
    ),
    "imported": ("已生成 {count} 份草稿。", "{count} draft(s) created."),
    "base_changed": (
        "草稿基于第 {base} 版，之后已发布第 {current} 版。"
        "请对比下面的差异（草稿相对最新版本），确认后基于最新版本。",
        "The draft was based on version {base}; version {current} was published since. Compare "
        "the draft with it below, then rebase the draft on it.",
    ),
    "admin_view": ("查看", "View"),
    "new_drafts": ("新指标草稿", "New metric drafts"),
    "no_new_drafts": ("没有新指标草稿。", "No draft of a new metric."),
    "new_metric": ("以此指标为模板新建指标", "New metric from this one as a template"),
    "new_code": ("新指标编码（小写字母、数字、下划线）", "New metric code (a-z, 0-9, _)"),
    "new_metric_start": ("创建新指标草稿", "Create the new metric's draft"),
    "withdraw": ("撤回草稿", "Withdraw the draft"),
    "withdrawn": ("草稿已撤回。", "The draft was withdrawn."),
    "rebase": ("基于最新版本", "Rebase on the latest version"),
    "metric_roles_note": ("可以管理指标定义。", "You can manage metric definitions."),
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
        "feedback_reject": ("驳回", "Reject"),
        "reject_reason": ("驳回原因（必填）", "Reason for rejecting (required)"),
        "promoted": ("已采纳为示例", "Promoted to example"),
        "feedback_rejected": ("已驳回", "Rejected"),
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
