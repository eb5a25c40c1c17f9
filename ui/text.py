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
