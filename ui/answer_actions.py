"""Actions under an answer card: export (only for roles with the export right) and
save the question. An export re-runs the answer's plan or SQL on the server side: the rows on the
screen are never what is exported."""

from __future__ import annotations

import streamlit as st

from asker import api
from asker.types import Answer, Principal
from ui import state
from ui.render import render_error
from ui.text import t


def export_buttons(answer: Answer, key: str, who: Principal) -> None:
    rt = state.runtime()
    if answer.status != "ok" or not api.can_export(rt, who):
        return  # hidden, not disabled: 查导分离
    csv_col, xlsx_col, _ = st.columns([1, 1, 4])
    fmt = "csv" if csv_col.button(t("export_csv"), key=f"{key}-export-csv") else None
    fmt = "xlsx" if xlsx_col.button(t("export_xlsx"), key=f"{key}-export-xlsx") else fmt
    if fmt is not None:
        st.session_state[f"{key}-export"] = api.export(
            rt,
            who,
            fmt=fmt,
            question=answer.question,
            query=answer.plan,
            statement=answer.statement if answer.plan is None else None,
            language=answer.language,  # one language per answer, its file too
        )
    done = st.session_state.get(f"{key}-export")
    if done is None:
        return
    if done.data is None:
        render_error(done.answer)
        return
    st.download_button(
        f"{t('download')}：{done.filename}",
        data=done.data,
        file_name=done.filename,
        mime=done.mime,
        key=f"{key}-download",
    )
    st.caption(t("export_note"))


def save_button(answer: Answer, key: str, who: Principal) -> None:
    if answer.status != "ok":
        return
    if st.button(t("save_question"), key=f"{key}-save"):
        api.save_question(state.runtime(), who, answer.question)
        st.toast(t("saved_ok"))
