"""How tests reach the facade, as a process does: one runtime per settings (opened once and kept
for the test session, like the app's), and the principal of a user of the data dir (as the
command line's ``--user``). ``ask``/``explain``/``run_sql``/``ask_query`` take the settings and
a user name and answer like ``asker ask --user``: an unknown user is the answer's refusal."""

from __future__ import annotations

from typing import Any

from asker import api
from asker.config import Settings
from asker.errors import AskerError
from asker.types import Answer, Language, MetricQuery, Principal

_RUNTIMES: dict[str, api.Runtime] = {}


def runtime(settings: Settings) -> api.Runtime:
    key = settings.model_dump_json()
    if key not in _RUNTIMES:
        _RUNTIMES[key] = api.open_runtime(settings)
    return _RUNTIMES[key]


def who(settings: Settings, user: str | None) -> Principal:
    return api.local_user(runtime(settings), user)


def ask(
    settings: Settings, user: str | None, question: str, *, conversation: str | None = None
) -> Answer:
    return _as(settings, user, question, None, api.ask, question, conversation=conversation)


def explain(
    settings: Settings, user: str | None, question: str, *, conversation: str | None = None
) -> Answer:
    return _as(settings, user, question, None, api.explain, question, conversation=conversation)


def run_sql(
    settings: Settings, user: str | None, statement: str, *, language: Language = "zh"
) -> Answer:
    return _as(settings, user, statement, "zh", api.run_sql, statement, language=language)


def ask_query(settings: Settings, user: str | None, query: MetricQuery, **options: Any) -> Answer:
    return _as(settings, user, options.get("label", ""), None, api.ask_query, query, **options)


def _as(
    settings: Settings,
    user: str | None,
    text: str,
    refusal_language: Language | None,
    call: Any,
    *args: Any,
    **options: Any,
) -> Answer:
    try:
        rt = runtime(settings)
        principal = api.local_user(rt, user)
    except AskerError as error:
        return api.refusal(text, error, refusal_language)
    return call(rt, principal, *args, **options)  # type: ignore[no-any-return]
