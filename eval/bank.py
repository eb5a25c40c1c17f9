"""Score one bank case: deterministic / llm (``api.ask`` as the user) or oracle (the gold SQL
through the gate as that user, as if a model had written it, against the gold run ungated).

Every answer that returns rows is also held to the policy oracle: its SQL run on the user's
shadow warehouse must give the same rows, and no cell may hold a raw PII value the role may not
see. Either failure is a policy violation.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import sqlglot

from asker import api
from asker.access.accounts import principal
from asker.access.policy import Policy, load_policy
from asker.config import Settings
from asker.errors import AskerError
from asker.types import Answer, Labelled, MetricQuery, Principal
from asker.warehouse.catalog import load_catalog
from asker.warehouse.engine import DuckDBExecutor, open_warehouse
from eval.cases import Case
from eval.compare import PRESETS, Gold, compare
from eval.gold import run_gold
from eval.interactions import runnable, two_step
from eval.outcome import Outcome
from eval.shadow import Shadows, hidden_values

Mode = Literal["deterministic", "llm", "oracle"]
MODES: tuple[Mode, ...] = ("deterministic", "llm", "oracle")
UNLIMITED = 1_000_000_000  # the harness asks hundreds of questions a minute as each demo user


def eval_settings(settings: Settings, mode: Mode = "oracle") -> Settings:
    """The run's settings: rate limits lifted (they would score throttling, not answers); the
    deterministic mode scores the dictionary path alone, so no endpoint is used even if one is
    configured; the llm mode runs asker as deployed (dictionary first, the model for the rest)."""
    update: dict[str, object] = {
        "rate_limit_per_minute": UNLIMITED,
        "daily_question_quota": UNLIMITED,
    }
    if mode == "deterministic":
        update |= {"llm_base_url": None, "llm_model": None}
    return settings.model_copy(update=update)


def llm_configured(settings: Settings) -> bool:
    """Whether an LLM endpoint is set."""
    return bool(settings.llm_base_url and settings.llm_model)


# Without a model, what the dictionary cannot answer is refused as LLM_NOT_CONFIGURED: in the
# deterministic mode that is the right refusal for a case that expects NOT_ANSWERABLE.
DETERMINISTIC_REFUSALS = {"NOT_ANSWERABLE": ("NOT_ANSWERABLE", "LLM_NOT_CONFIGURED")}


@dataclass
class BankScorer:
    settings: Settings
    mode: Mode
    presets: tuple[str, ...]
    work_dir: Path

    def __post_init__(self) -> None:
        self.settings = eval_settings(self.settings, self.mode)
        self.rt = api.open_runtime(self.settings)
        self.executor = self.rt.executor
        self._shadow_executors: dict[Path, DuckDBExecutor] = {}
        self.shadows = Shadows(self.settings.warehouse_file, self.work_dir / "shadows")
        self.policy: Policy = load_policy(load_catalog())
        self.run_id = uuid.uuid4().hex[:8]
        self._raw: dict[tuple[str, str], set[str]] | None = None

    # --- one case ---------------------------------------------------------------------------

    def __call__(self, case: Case) -> Outcome:
        if self.mode not in case.modes:
            return _skipped(case, self.presets, f"not a {self.mode} case")
        if self.mode == "oracle":
            return self._oracle(case)
        return self._ask(case)

    def _ask(self, case: Case) -> Outcome:
        conversation = f"eval-{self.run_id}-{case.id}" if case.turns else None
        try:
            who = api.local_user(self.rt, case.user)
        except AskerError as error:
            return self._judge(case, api.refusal(case.question, error))
        for earlier in case.turns:
            api.ask(self.rt, who, earlier, conversation=conversation)
        answer = api.ask(self.rt, who, case.question, conversation=conversation)
        outcome = self._judge(case, answer)
        if answer.status != "clarify":
            return outcome
        verdict = self._two_step(case, who, answer, conversation)
        return replace(outcome, extra={**outcome.extra, "two_step": verdict})

    def _two_step(
        self, case: Case, who: Principal, answer: Answer, conversation: str | None
    ) -> str:
        """Run each choice of a clarification (one more interaction) against the gold."""

        def run_choice(choice: Labelled) -> Answer | None:
            picked = runnable(choice)
            try:
                if isinstance(picked, MetricQuery):
                    return api.ask_query(
                        self.rt, who, picked, label=choice.label, language=answer.language
                    )
                if isinstance(picked, str):
                    return api.ask(self.rt, who, picked, conversation=conversation)
            except AskerError:
                return None
            return None

        def is_gold(followed: Answer) -> bool:
            head = PRESETS[self.presets[0]]
            return compare(followed.columns, followed.rows, self.gold(case), head).equal

        return two_step(answer, bool(case.expect.sql), run_choice, is_gold)

    def _oracle(self, case: Case) -> Outcome:
        if not case.expect.sql:
            return _skipped(case, self.presets, "no gold SQL to send through the gate")
        sql = case.expect.model_sql or case.expect.sql
        try:
            answer = api.run_sql(self.rt, api.local_user(self.rt, case.user), sql)
        except AskerError as error:
            answer = api.refusal(sql, error, "zh")
        return self._judge(case, answer)

    def _judge(self, case: Case, answer: Answer) -> Outcome:
        correct, reason = self._correct(case, answer)
        return Outcome(
            id=case.id,
            expected=case.expect.status,
            got=answer.status,
            correct=correct,
            tags=case.tag_values(),
            code=answer.code,
            expected_code=case.expect.code,
            reason=reason,
            latency_ms=answer.elapsed_ms,
            metrics_gold=case.expect.metrics,
            metrics_got=tuple(m.code for m in answer.metrics),
            violations=self.violations(case.user, answer),
        )

    def _correct(self, case: Case, answer: Answer) -> tuple[dict[str, bool], str]:
        expect = case.expect
        if answer.status != expect.status:
            why = f"expected {expect.status}, got {answer.status} {answer.code or ''}".strip()
            return dict.fromkeys(self.presets, False), why
        if expect.status == "refused":
            accepted: tuple[str | None, ...] = (expect.code,)
            if self.mode == "deterministic" and expect.code is not None:
                accepted = DETERMINISTIC_REFUSALS.get(expect.code, accepted)
            right = expect.code is None or answer.code in accepted
            return dict.fromkeys(self.presets, right), "" if right else f"code {answer.code}"
        if expect.status == "clarify":
            offered = offered_metrics(answer)
            missing = [m for m in expect.choices if m not in offered]
            return dict.fromkeys(self.presets, not missing), f"choices lack {missing}" * bool(
                missing
            )
        gold = self.gold(case)
        verdicts = {p: compare(answer.columns, answer.rows, gold, PRESETS[p]) for p in self.presets}
        first = verdicts[self.presets[0]]
        return {p: v.equal for p, v in verdicts.items()}, first.reason

    def gold(self, case: Case) -> Gold:
        assert case.expect.sql
        return run_gold(case.expect.sql, self.executor, timeout_s=self.settings.query_timeout_s * 6)

    # --- the policy oracle --------------------------------------------------------------------

    def _shadow(self, path: Path) -> DuckDBExecutor:
        """The scorer's own connection to one shadow warehouse, opened once."""
        if path not in self._shadow_executors:
            self._shadow_executors[path] = open_warehouse(path, api.limits(self.settings))
        return self._shadow_executors[path]

    def violations(self, user: str, answer: Answer) -> tuple[str, ...]:
        if answer.status != "ok" or not answer.sql:
            return ()
        who = principal(self.rt.app_db, user)
        found = [f"raw PII in the result: {v[:2]}…" for v in self.raw_pii_in(who, answer.rows)]
        shadow = self._shadow(self.shadows.path(who))
        tree = sqlglot.parse_one(answer.sql, dialect="duckdb")
        on_shadow = shadow.execute(tree, row_cap=UNLIMITED, timeout_s=60)
        exact = PRESETS["asker"]
        verdict = compare(
            answer.columns, answer.rows, Gold(on_shadow.columns, on_shadow.rows), exact
        )
        if not verdict.equal:
            found.append(f"differs from {user}'s shadow warehouse: {verdict.reason}")
        return tuple(found)

    def raw_pii_in(self, who: Principal, rows: Sequence[Sequence[Any]]) -> list[str]:
        hidden = hidden_values(who, self.raw_values(), self.policy)
        return sorted({str(v) for row in rows for v in row if isinstance(v, str) and v in hidden})

    def raw_values(self) -> dict[tuple[str, str], set[str]]:
        if self._raw is None:
            raw: dict[tuple[str, str], set[str]] = {}
            for table, column in load_catalog().pii_columns():
                tree = sqlglot.parse_one(f'SELECT DISTINCT "{column.name}" FROM "{table}"')
                found = self.executor.execute(tree, row_cap=UNLIMITED, timeout_s=60).rows
                raw[(table, column.name)] = {
                    str(r[0]) for r in found if r[0] and len(str(r[0])) >= 4
                }
            self._raw = raw
        return self._raw


def offered_metrics(answer: Answer) -> set[str]:
    """Metric codes the answer's choices would run."""
    found: set[str] = set()
    for choice in answer.choices:
        value = choice.value
        if isinstance(value, MetricQuery):
            found |= set(value.metrics)
        elif isinstance(value, dict) and "metrics" in value:
            found |= set(value["metrics"])
    return found


def _skipped(case: Case, presets: Sequence[str], why: str) -> Outcome:
    return Outcome(
        id=case.id,
        expected=case.expect.status,
        got="skipped",
        correct=dict.fromkeys(presets, False),
        tags=case.tag_values(),
        reason=why,
    )
