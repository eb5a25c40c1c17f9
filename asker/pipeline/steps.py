"""The dictionary path's steps: input checks, understanding, compile, gate, execute, answer;
and the steps of a statement given as SQL (``asker sql``)."""

from __future__ import annotations

from dataclasses import replace

from asker import answer
from asker.access.question_scope import check_named_orgs, visible_orgs
from asker.errors import AccessDenied, InvalidSql
from asker.pipeline.attribution_steps import (
    build_attribution_answer,
    compile_attribution,
    is_attribution,
    why_choice,
)
from asker.pipeline.entity_answers import detail_refusal, threshold_filters
from asker.pipeline.llm_steps import llm_model, llm_needed, llm_sql_answer
from asker.pipeline.principal_words import under_us
from asker.pipeline.query_limits import gate_for, run_query, started
from asker.pipeline.rate_limits import QuestionLimits, check_and_count
from asker.pipeline.turn import Services, Turn
from asker.pipeline.unknown_words import by_retrieval
from asker.semantic.query_checks import is_balance
from asker.types import (
    Answer,
    Labelled,
    Language,
    MetricQuery,
    Understanding,
)
from asker.understand.language import detect_language
from asker.understand.parser import parse


def check_input(turn: Turn, services: Services) -> Turn:
    text = turn.question.strip()
    language = detect_language(text)
    if not text:
        raise InvalidSql("EMPTY_INPUT")
    limit = services.settings.max_input_chars
    if len(text) > limit:
        raise InvalidSql("QUESTION_TOO_LONG", length=len(text), limit=limit)
    return replace(turn, question=text, language=language)


def identify(turn: Turn, services: Services) -> Turn:
    """Who asks: the principal the facade's ``Authenticator`` resolved (its role and org unit
    decide what they may see). A turn without one is refused, never answered as nobody."""
    if turn.principal is None:
        raise AccessDenied("UNKNOWN_USER", user=turn.user_id)
    return turn


def within_limits(turn: Turn, services: Services) -> Turn:
    """Questions per minute and per day, per user and role (RATE_LIMITED, DAILY_QUOTA_EXCEEDED)."""
    assert turn.principal is not None
    check_and_count(
        services.app_db,
        turn.principal.user_id,
        turn.principal.role,
        limits=QuestionLimits.from_settings(services.settings),
    )
    return turn


def understand(turn: Turn, services: Services) -> Turn:
    previous = None
    if turn.conversation_id:
        previous = services.conversations.last_query(turn.conversation_id, turn.user_id)
    assert turn.principal is not None
    seen = visible_orgs(turn.principal, services.policy, services.orgs)
    found = parse(turn.question, services.context_for(seen), previous)
    unplaced = found.code == "CLARIFY_TERMS" or (found.code == "NOT_ANSWERABLE" and found.query)
    if unplaced and llm_model(services) is None:
        found = by_retrieval(found, turn, services)  # unknown words: the index before asking
    # (with a model, words the dictionary cannot place go to the model with the retrieved context)
    found = under_us(found, turn, services)
    turn = replace(turn, understanding=found)
    if found.status == "refused":
        if found.code == "DIMENSION_NOT_ALLOWED" and found.query is not None:
            services.compiler.check(found.query)  # raises with the metric and allowed dimensions
        return llm_needed(turn, found, services)
    if found.status == "clarify":
        if found.code == "CLARIFY_TERMS" and llm_model(services) is not None:
            return replace(turn, route="llm")  # words the dictionary does not know: ask the model
        return replace(turn, answer=_clarify(found, services))
    return replace(turn, query=found.query)


def _clarify(found: Understanding, services: Services) -> Answer:
    zh = found.language == "zh"
    words = ("、" if zh else ", ").join(found.unexplained)
    if found.code == "CLARIFY_TERMS":
        message = (
            f"没有理解「{words}」。请换个说法，或选择下面的问法。"
            if zh
            else f"I did not understand '{words}'. Rephrase, or pick one of these."
        )
    elif found.code == "CLARIFY_COMPARE":
        message = (
            f"「{words}」需要一个比较基准：较年初、同比还是环比？请选择下面的问法。"
            if zh
            else f"'{words}' needs a base: since the start of the year, year on year or vs the "
            "previous period? Pick one of these."
        )
    else:
        message = "请问您想看哪个指标？" if zh else "Which metric would you like to see?"
    return Answer(
        status="clarify",
        question=found.question,
        language=found.language,
        code=found.code,
        message=message,
        assumptions=found.assumptions,
        choices=concrete_choices(found, services),
    )


def concrete_choices(found: Understanding, services: Services) -> tuple[Labelled, ...]:
    """Choices carry the MetricQuery to run when picked (a metric swapped in, for example)."""
    out = []
    for choice in found.choices:
        value = choice.value
        if isinstance(value, dict) and "replace_metric" in value and found.query is not None:
            old, new = value["replace_metric"]
            metrics = tuple(new if m == old else m for m in found.query.metrics)
            value = replace(found.query, metrics=metrics)
        out.append(Labelled(choice.label, value))
    return tuple(out)


def check_scope(turn: Turn, services: Services) -> Turn:
    """A question naming an org outside the asker's scope is refused, naming it."""
    assert turn.understanding is not None and turn.principal is not None
    found = turn.understanding
    check_named_orgs(
        turn.principal,
        found.named_orgs,
        found.bank_wide,
        services.policy,
        services.orgs,
        mentions=found.org_mentions,
    )
    return turn


def compile_query(turn: Turn, services: Services) -> Turn:
    if turn.route == "llm":
        return turn  # the repair loop compiled and gated the model's candidate
    assert turn.query is not None
    if is_attribution(turn):
        return replace(turn, compiled=compile_attribution(turn, services))
    compiled = services.compiler.compile(turn.query)
    return replace(turn, compiled=compiled)


def gate_query(turn: Turn, services: Services) -> Turn:
    """The fail-closed permission gate: the compiled SQL meets the same checks as any other."""
    if turn.route == "llm":
        return turn
    turn = started(turn, services)
    assert turn.compiled is not None and turn.principal is not None
    try:
        gated = gate_for(turn.compiled.tree, turn.principal, services, turn.deadline)
    except AccessDenied:
        if turn.query is None or not turn.query.entity:
            raise
        if services.policy.role(turn.principal.role).detail:
            raise
        return replace(turn, answer=detail_refusal(turn, services.dictionary))
    return replace(turn, gated=gated, sql=gated.sql)


def execute(turn: Turn, services: Services) -> Turn:
    assert turn.gated is not None
    settings = services.settings
    cap = min(settings.row_cap, turn.gated.row_cap or settings.row_cap)
    return replace(turn, result=run_query(turn, services, turn.gated.tree, cap))


def build_answer(turn: Turn, services: Services) -> Turn:
    if turn.route == "llm" and turn.compiled is None:
        return llm_sql_answer(build_sql_answer(turn, services))
    assert turn.compiled is not None and turn.result is not None and turn.understanding is not None
    parts = answer_parts(turn, services)
    if is_attribution(turn):
        return build_attribution_answer(turn, services, parts)
    if (why := why_choice(turn, services)) is not None:
        parts = replace(parts, choices=(*parts.choices, why))
    found = answer.from_metric_result(parts, turn.result)
    if turn.llm is not None and turn.llm.agree is not None:
        found = replace(found, paths_agree=turn.llm.agree)
    return replace(turn, answer=found)


def answer_parts(turn: Turn, services: Services) -> answer.MetricAnswerParts:
    assert turn.compiled is not None and turn.understanding is not None
    compiled, found = turn.compiled, turn.understanding
    query = compiled.query
    assert query.period is not None
    return answer.MetricAnswerParts(
        question=turn.question,
        language=turn.language,
        metrics=compiled.metrics,
        versions=services.versions,
        period=query.period,
        filters=_filter_labels(query, turn.language, services)
        + (turn.gated.filters if turn.gated else ()),
        masked=turn.gated.masked_columns if turn.gated else (),
        dimension_names={d.code: (d.name, d.name_en) for d in services.dictionary.dimensions},
        assumptions=found.assumptions + _default_period_note(turn, services),
        choices=concrete_choices(found, services),
        sql=turn.sql or "",
        as_of=services.data_date,
        query=query,
        compared=compiled.compare_buckets,
    )


def _filter_labels(
    query: MetricQuery, language: Language, services: Services
) -> tuple[Labelled, ...]:
    zh = language == "zh"
    assert query.period is not None
    labels = [
        Labelled(
            ("期间：" if zh else "Period: ") + answer.period_label(query.period, language),
            {"start": query.period.start, "end": query.period.end},
        )
    ]
    labels += threshold_filters(query, language, services.dictionary)
    for f in query.filters:
        dim = services.dictionary.dimension(f.dimension)
        names = [services.value_labels.get((f.dimension, v), v) for v in f.values]
        head = f"{dim.name}：" if zh else f"{dim.name_en}: "
        if f.exclude:  # NOT IN: the answer says what was kept out
            head = f"{dim.name}：不含 " if zh else f"{dim.name_en}: excluding "
        labels.append(
            Labelled(
                head + ("、" if zh else ", ").join(names),
                {"dimension": f.dimension, "values": list(f.values)}
                | ({"exclude": True} if f.exclude else {}),
            )
        )
    return tuple(labels)


def _default_period_note(turn: Turn, services: Services) -> tuple[str, ...]:
    assert turn.query is not None and turn.compiled is not None
    if turn.query.period is not None:
        return ()
    zh = turn.language == "zh"
    balances = all(is_balance(m, services.dictionary) for m in turn.compiled.metrics)
    day = services.data_date.isoformat()
    if turn.query.grain:
        label = answer.period_label(turn.compiled.query.period, turn.language)  # type: ignore[arg-type]
        return (
            f"未指定期间，按{label}展示趋势" if zh else f"No period named: the trend over {label}",
        )
    if balances:
        return (
            f"未指定期间，取数据日期 {day} 的时点值"
            if zh
            else f"No period named: the balance on the data date {day}",
        )
    label = answer.period_label(turn.compiled.query.period, turn.language)  # type: ignore[arg-type]
    return (
        f"未指定期间，按数据日期所在月（{label}）统计"
        if zh
        else f"No period named: the data date's month ({label})",
    )


def given_query(turn: Turn, services: Services) -> Turn:
    """A query the user picked (a clarifying choice, an alternative): no parsing needed."""
    assert turn.query is not None
    orgs = tuple(
        v for f in turn.query.filters if f.dimension in ("branch", "subbranch") for v in f.values
    )
    found = Understanding(
        question=turn.question,
        language=turn.language,
        status="ok",
        query=turn.query,
        confidence=1.0,
        named_orgs=orgs,
    )
    return replace(turn, understanding=found)


def check_statement(turn: Turn, services: Services) -> Turn:
    limit = services.settings.max_input_chars
    if len(turn.question) > limit:
        raise InvalidSql("INPUT_TOO_LONG", length=len(turn.question), limit=limit)
    return turn


def gate_statement(turn: Turn, services: Services) -> Turn:
    """A statement typed by a power user meets the same gate as compiled and model-written SQL."""
    turn = started(turn, services)
    assert turn.principal is not None
    gated = gate_for(turn.question, turn.principal, services, turn.deadline)
    return replace(turn, gated=gated, sql=gated.sql)


def build_sql_answer(turn: Turn, services: Services) -> Turn:
    assert turn.result is not None and turn.gated is not None
    found = answer.from_result(
        turn.question, turn.language, turn.result, sql=turn.sql or "", as_of=services.data_date
    )
    return replace(
        turn,
        answer=replace(found, filters=turn.gated.filters, masked_columns=turn.gated.masked_columns),
    )
