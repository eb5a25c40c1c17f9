"""Questions from the command line: ``asker ask``, ``asker explain`` and ``asker sql``, each as
the ``--user`` given (on a demo data dir, the demo user by default)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from asker.cli.answers import emit
from asker.cli.app import DataDir, Format, FormatOpt, UserOpt, app, settings_for
from asker.errors import AskerError
from asker.types import Answer, Language

if TYPE_CHECKING:
    from asker.api import Runtime
    from asker.types import Principal

Run = Callable[["Runtime", "Principal"], Answer]


def answer_as(
    data_dir: Path | None, user: str | None, question: str, run: Run, language: Language | None
) -> Answer:
    """``run`` as the user; a data dir or user that cannot be had is the answer's refusal."""
    from asker import api

    try:
        rt = api.open_runtime(settings_for(data_dir))
        who = api.local_user(rt, user)
    except AskerError as error:
        return api.refusal(question, error, language)
    return run(rt, who)


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(help="一条 SELECT 语句 One SELECT statement.")],
    data_dir: DataDir = None,
    user: UserOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """通过安全检查与沙箱执行一条 SQL。Run one SQL statement through the checks and sandbox."""
    from asker import api

    def run(rt: Runtime, who: Principal) -> Answer:
        return api.run_sql(rt, who, statement, language="zh")

    emit(answer_as(data_dir, user, statement, run, "zh"), fmt)


ConversationOpt = Annotated[
    str | None,
    typer.Option("--conversation", help="会话ID，用于追问 Conversation id for follow-ups."),
]


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="问题 The question, in Chinese or English.")],
    data_dir: DataDir = None,
    user: UserOpt = None,
    conversation: ConversationOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """提问并得到答案。Ask a question and get the answer."""
    _question("ask", question, data_dir, user=user, conversation=conversation, fmt=fmt)


@app.command()
def explain(
    question: Annotated[str, typer.Argument(help="问题 The question, in Chinese or English.")],
    data_dir: DataDir = None,
    user: UserOpt = None,
    conversation: ConversationOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """显示查询计划与最终SQL，不执行。Show the plan and the final SQL without running it."""
    _question("explain", question, data_dir, user=user, conversation=conversation, fmt=fmt)


def _question(
    how: str,
    question: str,
    data_dir: Path | None,
    *,
    user: str | None,
    conversation: str | None,
    fmt: Format,
) -> None:
    from asker import api

    ask_or_explain = api.ask if how == "ask" else api.explain

    def run(rt: Runtime, who: Principal) -> Answer:
        return ask_or_explain(rt, who, question, conversation=conversation)

    emit(answer_as(data_dir, user, question, run, None), fmt)
