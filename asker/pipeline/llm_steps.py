"""The LLM path: questions the dictionary path cannot answer. Retrieval-ranked prompt,
NL2MQL first, free SQL second; every candidate then meets the gate with a bounded repair loop
(``llm_repair``)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from asker.access.question_scope import check_named_orgs, visible_orgs
from asker.errors import AccessDenied, NotAnswerable, ProviderError
from asker.pii import redact_pii
from asker.pipeline.turn import Services, Turn
from asker.sql import answers
from asker.sql.chain import Chain
from asker.sql.chat import Call, chat_model
from asker.sql.context import everything, from_hits
from asker.sql.injection import PROMPT_INJECTION, looks_like_injection
from asker.sql.prompts import PROMPT_VERSION
from asker.sql.turn import LlmTurn
from asker.sql.usage import check_token_quota, record_usage
from asker.sql.visible import Visible, build_visible, metric_tables, scoped_values
from asker.types import Answer, Principal, Understanding
from asker.understand.org_mentions import org_mentions
from asker.understand.vocabulary import BANK_WIDE

log = logging.getLogger(__name__)


def screen_question(turn: Turn, services: Services) -> Turn:
    """A question that tries to instruct the model is flagged for the audit log; it widens
    nothing, since whatever the model returns still meets the gate."""
    if looks_like_injection(turn.question):
        return replace(turn, flags=(*turn.flags, PROMPT_INJECTION))
    return turn


def llm_model(services: Services) -> Any:
    """The chat model: a test's fake, else the configured endpoint, else None."""
    return services.chat_model or chat_model(services.settings)


def llm_needed(turn: Turn, found: Understanding, services: Services) -> Turn:
    """The dictionary cannot answer: hand the question to the LLM path, or say it needs one. A
    question about nothing the bank's data holds is refused either way: no model answers it."""
    if found.out_of_domain:
        raise NotAnswerable("NOT_ANSWERABLE", detail="")
    if llm_model(services) is None:
        raise NotAnswerable("LLM_NOT_CONFIGURED", detail=_unknown_words(found))
    return replace(turn, route="llm")


def visible_to(principal: Principal, services: Services) -> Visible:
    """What the principal's role may see, from the policy: the only names a prompt may hold."""
    role = services.policy.role(principal.role)
    catalog = services.compiler.catalog
    readable = {t.name for t in catalog.tables if role.can_read_table(t.name)}
    dictionary = services.dictionary
    metrics = [m for m in dictionary.metrics if metric_tables(m, dictionary) <= readable]
    orgs = visible_orgs(principal, services.policy, services.orgs) if readable else frozenset()
    names = {o.org_id: o.org_name for o in services.orgs.orgs}
    owners = services.scoped.value_orgs if services.scoped is not None else {}
    values, hidden = scoped_values(services.value_labels, orgs, names, owners)
    return build_visible(
        catalog,
        access=role.column_access,
        metrics=metrics if readable else (),
        dimensions=[(d.code, d.name, d.name_en) for d in dictionary.dimensions] if readable else (),
        values=values if readable else (),
        hidden_values=hidden,
    )


def llm_chain(turn: Turn, services: Services) -> Chain:
    assert turn.principal is not None
    who, settings = turn.principal, services.settings
    model_name = settings.llm_model or type(llm_model(services)).__name__

    def record(made: Call) -> None:
        record_usage(
            services.app_db,
            user_id=who.user_id,
            role=who.role,
            org_id=who.org_id,
            model=model_name,
            made=made,
        )

    return Chain(
        model=llm_model(services),
        method=settings.llm_structured_output,
        budget=settings.llm_prompt_token_budget,
        data_date=services.data_date,
        on_call=record,
    )


def with_calls(llm: LlmTurn, chain: Chain, **changes: Any) -> LlmTurn:
    return replace(llm, calls=llm.calls + tuple(chain.calls), **changes)


def prepare_llm(turn: Turn, services: Services) -> Turn:
    """Start the LLM path: what the role may see (nothing: refused before any prompt), the
    user's token quota, and the question with its PII patterns replaced."""
    if turn.route != "llm":
        return turn
    assert turn.principal is not None
    visible = visible_to(turn.principal, services)
    if visible.empty:
        raise AccessDenied("ACCESS_DENIED", role=turn.principal.role, target="数据仓库 (warehouse)")
    settings = services.settings
    check_token_quota(services.app_db, turn.principal.user_id, settings.llm_daily_token_quota)
    question = redact_pii(turn.question)
    return replace(
        turn, llm=LlmTurn(question=question, visible=visible, model=settings.llm_model or "")
    )


def rewrite_followup(turn: Turn, services: Services) -> Turn:
    """In a conversation, the last turns rewrite a follow-up into a standalone question."""
    if turn.route != "llm" or not turn.conversation_id:
        return turn
    assert turn.llm is not None
    history = services.conversations.last_questions(turn.conversation_id, turn.user_id)
    if not history:
        return turn
    llm, chain = turn.llm, llm_chain(turn, services)
    standalone = redact_pii(chain.rewrite([redact_pii(q) for q in history], llm.question))
    llm = with_calls(llm, chain, question=standalone, rewritten=standalone != llm.question)
    check_words_in_scope(standalone, turn.principal, services)  # the model's words, checked too
    return replace(turn, llm=llm)


def check_words_in_scope(question: str, principal: Principal | None, services: Services) -> None:
    """The scope check of ``check_scope`` on a question the model wrote: every org it mentions
    and any whole-bank word, resolved against the whole tree (ACCESS_DENIED outside scope)."""
    assert principal is not None
    seen = visible_orgs(principal, services.policy, services.orgs)
    mentions = org_mentions(question, services.context_for(seen).lexicon)
    bank_wide = bool(BANK_WIDE.search(question))
    check_named_orgs(principal, (), bank_wide, services.policy, services.orgs, mentions=mentions)


def _in_scope(text: str, turn: Turn, services: Services) -> bool:
    """Whether the model's ``text`` names only orgs inside the principal's scope."""
    try:
        check_words_in_scope(text, turn.principal, services)
    except AccessDenied:
        return False
    return True


RETRIEVAL_UNAVAILABLE = "retrieval_unavailable"  # the audit flag


def retrieve(turn: Turn, services: Services) -> Turn:
    """The context of the prompt: retrieval hits the role may see, else every visible item (also
    when the embeddings endpoint fails: the answer stays possible and the audit record says so)."""
    if turn.route != "llm":
        return turn
    assert turn.llm is not None and turn.principal is not None
    llm = turn.llm
    hits = []
    flags = turn.flags
    if services.retriever is not None:
        try:
            orgs = visible_orgs(turn.principal, services.policy, services.orgs)
            hits = services.retriever.search(llm.question, turn.principal.role, k=12, orgs=orgs)
        except ProviderError as error:  # a dead embeddings endpoint: answer without ranking
            log.warning("retrieval unavailable (%s): the prompt lists what the role sees", error)
            flags = (*flags, RETRIEVAL_UNAVAILABLE)
    context = (
        from_hits(llm.question, hits, llm.visible)
        if hits
        else everything(llm.question, llm.visible)
    )
    return replace(turn, llm=replace(llm, context=context), flags=flags)


def plan_with_llm(turn: Turn, services: Services) -> Turn:
    """NL2MQL first; free SQL over the retrieved schema when the dictionary cannot express it;
    a clarifying question when the model asks one."""
    if turn.route != "llm":
        return turn
    assert turn.llm is not None
    llm, chain = turn.llm, llm_chain(turn, services)
    outcome = chain.plan(llm.question, llm.context)
    if outcome.action == "clarify":

        def shows(text: str) -> bool:
            return not llm.visible.names_hidden(text) and _in_scope(text, turn, services)

        answered = replace(turn, llm=with_calls(llm, chain))
        return replace(
            answered, answer=answers.clarify(turn.question, turn.language, outcome, shows)
        )
    if outcome.action == "not_answerable":
        raise NotAnswerable("NOT_ANSWERABLE")
    candidate, shadow = outcome.candidate, None
    if candidate is None:
        candidate = chain.write_sql(llm.question, llm.context)
    elif services.settings.llm_evaluate_both:
        shadow = chain.write_sql(llm.question, llm.context)
    return replace(turn, llm=with_calls(llm, chain, candidate=candidate, shadow=shadow))


def llm_sql_answer(turn: Turn) -> Turn:
    """An answer from the model's SQL says so (no governed 口径 stands behind it)."""
    assert turn.answer is not None
    notes = answers.notes(turn.language, turn.llm, free_sql=True)
    return replace(turn, answer=replace(turn.answer, assumptions=turn.answer.assumptions + notes))


def llm_sql_plan(turn: Turn, services: Services) -> Answer:
    zh = turn.language == "zh"
    return Answer(
        status="ok",
        question=turn.question,
        language=turn.language,
        message="仅生成查询计划，未执行" if zh else "Plan only: not executed",
        sql=turn.sql,
        as_of=services.data_date,
        filters=turn.gated.filters if turn.gated else (),
        masked_columns=turn.gated.masked_columns if turn.gated else (),
        assumptions=answers.notes(turn.language, turn.llm, free_sql=True),
    )


def llm_audit_fields(turn: Turn) -> dict[str, Any]:
    """What the audit record adds for the LLM path: flags, the model, the prompt version."""
    fields: dict[str, Any] = {"flags": turn.flags}
    if turn.llm is not None:
        fields["model"] = turn.llm.model or "chat"
        fields["prompt_version"] = PROMPT_VERSION
    return fields


def llm_generated_sql(turn: Turn) -> str | None:
    """The SQL the model wrote, before the gate rewrote it (None on the dictionary path)."""
    candidate = turn.llm.candidate if turn.llm else None
    return candidate.sql if candidate is not None else None


def _unknown_words(found: Understanding) -> str:
    if not found.unexplained:
        return ""
    if found.language == "zh":
        return f"指标字典中没有「{'、'.join(found.unexplained)}」。"
    return f"The metric dictionary has no '{', '.join(found.unexplained)}'. "
