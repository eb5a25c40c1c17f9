"""The one facade the UI, the CLI and the evaluation harness call. None of them builds SQL.

Every function returns an ``Answer`` (or a plain value) and turns asker's errors into refusals
with a code and a message in the caller's language; unexpected exceptions become INTERNAL_ERROR.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from sqlalchemy import Engine

from asker import __version__, pipeline
from asker.answer import from_error
from asker.appdb import create_schema, engine_for
from asker.config import Settings
from asker.errors import AccessDenied, AskerError, ConfigError, InvalidSql, UserFacingError
from asker.guardrails import audit_search, users
from asker.guardrails import export as export_rules
from asker.guardrails.audit import (
    AuditEntry,
    AuditLog,
    AuditRecord,
    AuditReport,
    anchor_path,
    hash_result,
    load_or_create_key,
)
from asker.guardrails.audit_search import AuditFilter
from asker.guardrails.gate import gate
from asker.guardrails.policy import Policy, load_policy
from asker.guardrails.scope import OrgDirectory, load_org_directory
from asker.guardrails.usage import QUESTION_ACTIONS, UsageReport, usage_report
from asker.retrieval.documents import Grants
from asker.retrieval.embeddings import embedder_for
from asker.retrieval.index import INDEX_DIR, HybridRetriever, LazyRetriever, SyncReport
from asker.retrieval.seeds import Example
from asker.semantic import definitions, impact, validate, version_diff, workflow
from asker.semantic.compiler import Compiler
from asker.semantic.conflicts import DraftCheck, candidate
from asker.semantic.drafts import Draft, DraftStore
from asker.semantic.impact import CaseImpact, ImpactCase
from asker.semantic.lineage import metric_lineage
from asker.semantic.store import ImportReport, MetricStore, MetricVersion
from asker.semantic.version_diff import VersionDiff
from asker.sql.usage import tokens_between
from asker.types import Answer, GatedQuery, Language, MetricQuery, Principal
from asker.understand import feedback_queue, leftovers
from asker.understand import saved_questions as saved
from asker.understand import verified_examples as verified
from asker.understand.conversation import Conversations, record_feedback
from asker.understand.feedback_queue import FeedbackItem
from asker.understand.language import detect_language
from asker.understand.lexicon import build_lexicon
from asker.understand.parser import Context, parse
from asker.understand.saved_questions import SavedQuestion
from asker.understand.values import load_values
from asker.understand.verified_examples import VerifiedExample
from asker.warehouse.catalog import load_catalog
from asker.warehouse.datadir import (
    WAREHOUSE,
    Manifest,
    read_manifest,
    staged_data_dir,
    write_manifest,
)
from asker.warehouse.demo_bank import SCALES, build_demo_bank
from asker.warehouse.engine import Limits, close_warehouse, open_warehouse

Progress = Callable[[str], None]


def init(
    settings: Settings,
    *,
    scale: str,
    seed: int,
    force: bool = False,
    progress: Progress | None = None,
) -> Manifest:
    """Build a demo data dir (warehouse, ...) in a staging folder and move it into place."""
    close_warehouse(settings.warehouse_file)  # only the file this replaces; others stay open
    with staged_data_dir(settings.data_dir, force=force) as staging:
        counts = build_demo_bank(
            staging / WAREHOUSE,
            scale=SCALES[scale],
            seed=seed,
            data_date=settings.data_date,
            progress=progress,
        )
        if progress:
            progress("metric dictionary")
        seed_app_db(settings.model_copy(update={"data_dir": staging}))
        if progress:
            progress("retrieval index")
        build_index(settings.model_copy(update={"data_dir": staging}), progress=progress)
        close_warehouse(staging / WAREHOUSE)  # the staging copy, about to be moved
        manifest = Manifest(
            demo=True,
            scale=scale,
            seed=seed,
            data_date=settings.data_date.isoformat(),
            asker_version=__version__,
            row_counts=counts,
        )
        write_manifest(staging, manifest)
    return manifest


def seed_app_db(settings: Settings) -> None:
    """Create the app database's tables, seed the metric store from the shipped dictionary and
    the demo users bound to rows of the demo warehouse."""
    engine = engine_for(settings.resolved_app_db_url)
    try:
        create_schema(engine)
        MetricStore(engine, load_catalog()).import_texts(definitions.seed_texts(), author="system")
        load_or_create_key(settings.data_dir)  # the audit key lives beside, not in, the database
        users.seed_demo_users(engine, open_warehouse(settings.warehouse_file, limits(settings)))
    finally:
        engine.dispose()
        close_warehouse(settings.warehouse_file)  # the staging copy, about to be moved


@cache
def _engine(url: str) -> Engine:
    return engine_for(url)


def app_engine(settings: Settings) -> Engine:
    """This process's engine for the app database (the data dir must exist)."""
    if settings.app_db_url is None and not (settings.data_dir / "app.db").is_file():
        raise ConfigError("DATA_DIR_MISSING", path=str(settings.data_dir))
    return _engine(settings.resolved_app_db_url)


def metric_store(settings: Settings) -> MetricStore:
    return MetricStore(app_engine(settings), load_catalog())


def compiler(settings: Settings) -> Compiler:
    """A compiler over the published dictionary and the warehouse's data date."""
    return Compiler(metric_store(settings).published(), load_catalog(), as_of_date(settings))


def list_metrics(settings: Settings) -> tuple[MetricVersion, ...]:
    """The published version of every metric, in dictionary order."""
    return tuple(metric_store(settings).current().values())


@dataclass(frozen=True)
class MetricDetail:
    current: MetricVersion
    versions: tuple[MetricVersion, ...]
    lineage: dict[str, tuple[str, ...]]
    sql: str


def metric_detail(settings: Settings, code: str) -> MetricDetail:
    """One metric: its published definition, every version, its lineage and sample SQL."""
    store = metric_store(settings)
    comp = compiler(settings)
    return MetricDetail(
        current=store.get(code),
        versions=store.versions(code),
        lineage=metric_lineage(comp, code),
        sql=comp.compile(MetricQuery(metrics=(code,))).sql(pretty=True),
    )


def validate_dictionary(path: Path | None) -> list[str]:
    """Every problem in the YAML at ``path`` (a file or folder; default: the shipped seed)."""
    texts = definitions.read_texts(path) if path else definitions.seed_texts()
    try:
        validate.load_dictionary(texts)
    except ConfigError as error:
        return list(error.params["problems"])
    return []


def import_metrics(settings: Settings, path: Path, *, author: str) -> ImportReport:
    """Import YAML as new published versions where content changed; all or nothing."""
    report = metric_store(settings).import_texts(definitions.read_texts(path), author=author)
    rebuild_index(settings)  # newly published versions reach retrieval at once
    return report


def export_metrics(settings: Settings, folder: Path) -> list[Path]:
    """Write the published dictionary as YAML files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in metric_store(settings).export_texts().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def as_of_date(settings: Settings) -> dt.date:
    """The warehouse's data date: from the data dir's manifest, else the setting."""
    try:
        return dt.date.fromisoformat(read_manifest(settings.data_dir).data_date)
    except AskerError:
        return settings.data_date


def limits(settings: Settings) -> Limits:
    return Limits(
        memory_limit=settings.duckdb_memory_limit,
        threads=settings.duckdb_threads,
        temp_limit=settings.duckdb_temp_limit,
    )


def run_sql(
    statement: str, *, settings: Settings, user: str | None = None, language: Language = "zh"
) -> Answer:
    """Run one SQL statement through the same gate and executor as every answer (``asker sql``)."""
    return _answer(pipeline.SQL_STEPS, statement, settings, user, None, language=language)


def _with_elapsed(result: Answer, started: float) -> Answer:
    return replace(result, elapsed_ms=(time.perf_counter() - started) * 1000)


# --- questions ------------------------------------------------------------------------------

DEMO_USER = "zhang.wei"
_SERVICES: dict[tuple[str, str, tuple[tuple[str, int], ...]], pipeline.Services] = {}


def services(settings: Settings) -> pipeline.Services:
    """What the pipeline reads, rebuilt only when a new metric version is published."""
    store = metric_store(settings)
    versions = store.published_versions()
    key = (
        str(settings.data_dir.resolve()),
        settings.resolved_app_db_url,
        tuple(sorted(versions.items())),
    )
    if key not in _SERVICES:
        _SERVICES[key] = _build_services(settings, store, versions)
    built = _SERVICES[key]
    # The caller's settings (LLM endpoint, limits) apply even when the services were built for
    # an earlier Settings object over the same data dir.
    return built if built.settings == settings else replace(built, settings=settings)


def _build_services(
    settings: Settings, store: MetricStore, versions: dict[str, int]
) -> pipeline.Services:
    leftovers.configure(settings.data_dir / "cache")
    dictionary = store.published()
    catalog = load_catalog()
    executor = open_warehouse(settings.warehouse_file, limits(settings))
    values = load_values(dictionary, catalog, executor)
    data_date = as_of_date(settings)
    return pipeline.Services(
        settings=settings,
        dictionary=dictionary,
        versions=versions,
        compiler=Compiler(dictionary, catalog, data_date),
        context=Context(dictionary, build_lexicon(dictionary, values), data_date),
        executor=executor,
        conversations=Conversations(app_engine(settings)),
        value_labels={(d, k): label for d, k, label in values},
        data_date=data_date,
        policy=load_policy(catalog),
        orgs=load_org_directory(executor),
        users=app_engine(settings),
        retriever=LazyRetriever(lambda: retriever(settings)),
    )


def resolve_user(settings: Settings, user: str | None) -> str:
    """The user a command runs as: a demo data dir defaults to zhang.wei, any other needs one."""
    if user:
        return user
    try:
        if read_manifest(settings.data_dir).demo:
            return DEMO_USER
    except AskerError:
        pass
    raise ConfigError("USER_REQUIRED")


def ask(
    question: str, *, settings: Settings, user: str | None = None, conversation: str | None = None
) -> Answer:
    """The full pipeline: understand, compile, gate, execute, answer."""
    return _answer(pipeline.ASK_STEPS, question, settings, user, conversation)


def explain(
    question: str, *, settings: Settings, user: str | None = None, conversation: str | None = None
) -> Answer:
    """Everything up to and including the gate: the plan and the final SQL, not executed."""
    return _answer(pipeline.EXPLAIN_STEPS, question, settings, user, conversation)


def ask_query(
    query: MetricQuery,
    *,
    settings: Settings,
    user: str | None = None,
    conversation: str | None = None,
    label: str = "",
    language: Language = "zh",
) -> Answer:
    """Run a MetricQuery the user picked (a clarifying choice or an offered alternative)."""
    return _answer(
        pipeline.QUERY_STEPS,
        label or "（选择）",
        settings,
        user,
        conversation,
        query=query,
        language=language,
    )


def feedback(
    settings: Settings, *, user: str, question: str, sql: str | None, rating: int, reason: str = ""
) -> None:
    """Store a thumbs up or down on an answer for review."""
    record_feedback(app_engine(settings), user, question, sql=sql, rating=rating, reason=reason)


def login(settings: Settings, user: str, password: str) -> Principal:
    """The user's principal when the password is right; LOGIN_FAILED or ACCOUNT_LOCKED otherwise.
    Every attempt is audited."""
    try:
        who = users.verify_password(
            app_engine(settings),
            user,
            password,
            max_failures=settings.login_max_failures,
            lockout_minutes=settings.login_lockout_minutes,
        )
    except AskerError as error:
        audit_log(settings).append(
            AuditRecord(
                user_id=user[:64],
                role="",
                org_id="",
                action="login",
                decision="refused",
                codes=(error.code,),
            )
        )
        raise
    audit_log(settings).append(
        AuditRecord(
            user_id=who.user_id, role=who.role, org_id=who.org_id, action="login", decision="ok"
        )
    )
    return who


def audit_log(settings: Settings) -> AuditLog:
    """This process's audit log: HMAC chain in the app database, key and anchor in the data dir."""
    key = (settings.resolved_app_db_url, str(settings.data_dir.resolve()))
    if key not in _AUDIT:
        _AUDIT[key] = AuditLog(
            app_engine(settings),
            load_or_create_key(settings.data_dir),
            anchor_path(settings.data_dir),
        )
    return _AUDIT[key]


_AUDIT: dict[tuple[str, str], AuditLog] = {}


def verify_audit(settings: Settings) -> AuditReport:
    """Check the whole chain against its key and its external anchor (``asker audit verify``)."""
    return audit_log(settings).verify()


def _audit_record(action: str, turn: pipeline.Turn, result: Answer) -> AuditRecord:
    who, gated = turn.principal, turn.gated
    return AuditRecord(
        user_id=turn.user_id[:64],
        role=who.role if who else "",
        org_id=who.org_id if who else "",
        action=action,  # type: ignore[arg-type]
        question=turn.question,
        plan=turn.query,
        generated_sql=turn.compiled.sql() if turn.compiled else pipeline.llm_generated_sql(turn),
        gated_sql=turn.sql,
        tables=gated.tables if gated else (),
        columns=gated.columns if gated else (),
        filters=tuple(f.label for f in gated.filters) if gated else (),
        masks=tuple(m.label for m in gated.masked_columns) if gated else (),
        decision=result.status,
        codes=(result.code,) if result.code else (),
        row_count=turn.result.row_count if turn.result else None,
        elapsed_ms=result.elapsed_ms,
        result_hash=hash_result(turn.result) if turn.result else None,
        **pipeline.llm_audit_fields(turn),
    )


def _audited(action: str, turn: pipeline.Turn, result: Answer, settings: Settings) -> Answer:
    """Append the audit record; if it cannot be written the answer is withheld (fail closed)."""
    try:
        audit_log(settings).append(_audit_record(action, turn, result))
    except AskerError as error:
        return pipeline.refusal(turn, error)
    return result


def _answer(
    steps: tuple[pipeline.Step, ...],
    question: str,
    settings: Settings,
    user: str | None,
    conversation: str | None,
    *,
    query: MetricQuery | None = None,
    language: Language | None = None,
) -> Answer:
    started = time.perf_counter()
    turn = pipeline.Turn(
        question=question,
        user_id=user or "",
        conversation_id=conversation,
        language=language or detect_language(question),
        query=query,
    )
    try:
        turn = replace(turn, user_id=resolve_user(settings, user))
        svc = services(settings)
    except Exception as exc:  # set-up errors end the turn through the same one place
        turn = pipeline.ended(turn, exc)
    else:
        turn = pipeline.run(steps, turn, svc)
        if conversation:
            svc.conversations.record(
                conversation,
                turn.user_id,
                turn.question,
                turn.query if turn.answer is None or turn.answer.status == "ok" else None,
            )
        if turn.answer is None:
            turn = replace(turn, answer=pipeline.explained(turn, svc))
    assert turn.answer is not None
    result = turn.answer
    result = replace(result, timings_ms=tuple(turn.timings.items()))
    if turn.query is not None:  # the plan an export re-runs (issue 11)
        result = replace(result, plan=turn.query)
    action = {pipeline.EXPLAIN_STEPS: "explain", pipeline.SQL_STEPS: "sql"}.get(steps, "ask")
    return _audited(action, turn, _with_elapsed(result, started), settings)


# --- metric governance: drafts, four-eyes review, versions, locks (asker/semantic/workflow) ---


_T = TypeVar("_T")


def _governance(settings: Settings) -> workflow.Governance:
    engine = app_engine(settings)
    return workflow.Governance(metric_store(settings), DraftStore(engine), as_of_date(settings))


def _workflow_step(
    settings: Settings, user: str, step: str, code: str, run: Callable[[Principal], _T]
) -> _T:
    """Run one workflow step as ``user`` and audit it, refused or done (action metric_workflow).

    The step is recorded after it ran: a step whose record cannot be written raises
    AUDIT_UNAVAILABLE so the person knows the log is incomplete."""
    who: Principal | None = None
    try:
        who = users.principal(app_engine(settings), user)
        result = run(who)
    except AskerError as error:
        _audit_step(
            settings, user, who, step, code, decision="refused", codes=(error.code,), detail=None
        )
        raise
    _audit_step(
        settings, user, who, step, code, decision="ok", codes=(), detail=_step_detail(result)
    )
    return result


def _draft_step(
    settings: Settings,
    user: str,
    step: str,
    draft_id: int,
    run: Callable[[workflow.Governance, Principal], _T],
) -> _T:
    """One workflow step on an existing draft, audited under the draft's metric."""
    gov = _governance(settings)
    code = gov.drafts.get(draft_id).code
    return _workflow_step(settings, user, step, code, lambda who: run(gov, who))


def _step_detail(result: object) -> dict[str, object]:
    detail: dict[str, object] = {}
    for name in ("id", "version", "row_version", "status"):
        if hasattr(result, name):
            detail[name] = getattr(result, name)
    if isinstance(result, workflow.Saved):
        detail = {**_step_detail(result.draft), "problems": len(result.check.messages())}
    return detail


def _audit_step(
    settings: Settings,
    user: str,
    who: Principal | None,
    step: str,
    code: str,
    *,
    decision: str,
    codes: tuple[str, ...],
    detail: dict[str, object] | None,
) -> None:
    audit_log(settings).append(
        AuditRecord(
            user_id=user[:64],
            role=who.role if who else "",
            org_id=who.org_id if who else "",
            action="metric_workflow",
            question=f"{step} {code}",
            plan={"step": step, "code": code, **(detail or {})},
            decision=decision,  # type: ignore[arg-type]
            codes=codes,
        )
    )


def _after_publish(settings: Settings) -> None:
    """Everything a newly published version must reach at once. ``services()`` is keyed by the
    published versions, so the chat answers with the new version on its next question; here the
    services built for older versions of this data dir are dropped and the retrieval index is
    brought up to date."""
    versions = tuple(sorted(metric_store(settings).published_versions().items()))
    here = (str(settings.data_dir.resolve()), settings.resolved_app_db_url)
    for key in [k for k in _SERVICES if k[:2] == here and k[2] != versions]:
        del _SERVICES[key]
    rebuild_index(settings)  # retrieval describes the published versions only


def search_metrics(
    settings: Settings, text: str = "", category: str = "", owner: str = ""
) -> tuple[MetricVersion, ...]:
    """Published metrics whose code, name, synonyms, abbreviations or aliases contain ``text``,
    in ``category`` and owned by ``owner`` (department or steward); empty filters match all."""
    needle = text.strip().casefold()
    found = []
    for version in list_metrics(settings):
        d = version.definition
        terms = [d["code"], d["name"], d["name_en"]]
        for field in ("synonyms", "synonyms_en", "abbreviations", "aliases"):
            terms += d.get(field, [])
        owners = (d.get("owner_department", ""), d.get("steward", ""))
        if needle and not any(needle in str(t).casefold() for t in terms):
            continue
        if category and d.get("category") != category:
            continue
        if owner and owner not in owners:
            continue
        found.append(version)
    return tuple(found)


def metric_is_locked(settings: Settings, code: str) -> bool:
    return workflow.is_locked(_governance(settings), code)


def metric_drafts(settings: Settings) -> tuple[Draft, ...]:
    """Open drafts (draft, in review, rejected), oldest first."""
    return DraftStore(app_engine(settings)).open_drafts()


def metric_draft(settings: Settings, draft_id: int) -> Draft:
    return DraftStore(app_engine(settings)).get(draft_id)


def metric_draft_check(settings: Settings, draft_id: int) -> DraftCheck:
    """Every validation problem and conflict of a draft (the YAML loader's validation)."""
    return workflow.check(_governance(settings), metric_draft(settings, draft_id))


def metric_draft_start(
    settings: Settings,
    user: str,
    code: str,
    definition: dict[str, object] | None = None,
    source: str = "custom.yaml",
) -> Draft:
    """Open a draft of a published metric (or of a new one, from ``definition``)."""
    gov = _governance(settings)
    return _workflow_step(
        settings,
        user,
        "create",
        code,
        lambda who: workflow.start_draft(gov, who, code, definition, source),
    )


def metric_draft_save(
    settings: Settings,
    user: str,
    draft_id: int,
    definition: dict[str, object],
    row_version: int,
) -> workflow.Saved:
    """Save an edit based on ``row_version``; a stale one is refused (METRIC_DRAFT_STALE)."""
    return _draft_step(
        settings,
        user,
        "edit",
        draft_id,
        lambda gov, who: workflow.save_draft(gov, who, draft_id, definition, row_version),
    )


def metric_draft_submit(settings: Settings, user: str, draft_id: int, row_version: int) -> Draft:
    return _draft_step(
        settings,
        user,
        "submit",
        draft_id,
        lambda gov, who: workflow.submit(gov, who, draft_id, row_version),
    )


def metric_draft_withdraw(settings: Settings, user: str, draft_id: int, row_version: int) -> Draft:
    """Discard a draft that is not in review."""
    return _draft_step(
        settings,
        user,
        "withdraw",
        draft_id,
        lambda gov, who: workflow.withdraw(gov, who, draft_id, row_version),
    )


def metric_draft_rebase(settings: Settings, user: str, draft_id: int, row_version: int) -> Draft:
    """Base a draft on the version published since it was started (after comparing them)."""
    return _draft_step(
        settings,
        user,
        "rebase",
        draft_id,
        lambda gov, who: workflow.rebase(gov, who, draft_id, row_version),
    )


def metric_draft_approve(
    settings: Settings, user: str, draft_id: int, row_version: int, comment: str = ""
) -> MetricVersion:
    """Approve a draft in review and publish it as the metric's next version (four eyes)."""
    version = _draft_step(
        settings,
        user,
        "approve",
        draft_id,
        lambda gov, who: workflow.approve(gov, who, draft_id, row_version, comment),
    )
    _after_publish(settings)
    return version


def metric_draft_reject(
    settings: Settings, user: str, draft_id: int, row_version: int, comment: str
) -> Draft:
    return _draft_step(
        settings,
        user,
        "reject",
        draft_id,
        lambda gov, who: workflow.reject(gov, who, draft_id, row_version, comment),
    )


def metric_rollback(
    settings: Settings, user: str, code: str, to_version: int, comment: str = ""
) -> MetricVersion:
    """Publish version ``to_version``'s content as the metric's next version."""
    gov = _governance(settings)
    version = _workflow_step(
        settings,
        user,
        "rollback",
        code,
        lambda who: workflow.rollback(gov, who, code, to_version, comment),
    )
    _after_publish(settings)
    return version


def metric_deprecate(settings: Settings, user: str, code: str, comment: str = "") -> MetricVersion:
    gov = _governance(settings)
    version = _workflow_step(
        settings, user, "deprecate", code, lambda who: workflow.deprecate(gov, who, code, comment)
    )
    _after_publish(settings)
    return version


def metric_unlock(settings: Settings, user: str, code: str, reason: str) -> None:
    gov = _governance(settings)
    _workflow_step(
        settings, user, "unlock", code, lambda who: workflow.unlock(gov, who, code, reason)
    )


def metric_lock(settings: Settings, user: str, code: str) -> None:
    gov = _governance(settings)
    _workflow_step(settings, user, "lock", code, lambda who: workflow.lock(gov, who, code))


def metric_version_diff(settings: Settings, code: str, before: int, after: int) -> VersionDiff:
    """What changed between two versions of a metric."""
    store = metric_store(settings)
    old, new = store.get(code, before), store.get(code, after)
    return version_diff.diff(
        old.definition, new.definition, f"{code} v{before}", f"{code} v{after}"
    )


def metric_draft_diff(settings: Settings, draft_id: int) -> VersionDiff:
    """What a draft changes against the published version it would replace."""
    draft = metric_draft(settings, draft_id)
    published = metric_store(settings).current().get(draft.code)
    before = published.definition if published else {}
    label = f"{draft.code} v{published.version}" if published else f"{draft.code} (new)"
    return version_diff.diff(before, draft.definition, label, f"{draft.code} draft {draft.id}")


def metric_impact(
    settings: Settings, draft_id: int, saved: tuple[ImpactCase, ...] | None = None
) -> tuple[CaseImpact, ...]:
    """Evaluation cases and saved questions using the draft's metric, each run with the
    published and with the proposed definition on this data dir's warehouse. ``saved``
    defaults to every saved question the deterministic parser understands."""
    if saved is None:
        saved = saved_impact_cases(settings)
    draft = metric_draft(settings, draft_id)
    store = metric_store(settings)
    published = store.published()
    cases = impact.cases_using(draft.code, published, saved)
    before = compiler(settings)
    try:
        metric_file = definitions.MetricFile.model_validate(draft.definition)
        proposed, _ = candidate(store, draft.code, draft.source, metric_file)
    except ValueError:  # an invalid draft: every case fails on the proposed side
        proposed = published
    after = Compiler(proposed, load_catalog(), as_of_date(settings))
    executor = open_warehouse(settings.warehouse_file, limits(settings))
    found = impact.measure(cases, before, after, executor, timeout_s=settings.query_timeout_s)
    if _is_demo(settings):
        return found
    # metric roles read no bank data: on a bank's own warehouse only what changed is shown
    return tuple(item.without_values() for item in found)


def saved_impact_cases(settings: Settings) -> tuple[ImpactCase, ...]:
    """Saved questions as impact cases: each parsed as it would be asked today."""
    context = services(settings).context
    cases = []
    for item in saved.every(app_engine(settings)):
        found = parse(item.question, context)
        if found.status == "ok" and found.query is not None:
            cases.append(ImpactCase(f"saved-{item.id}", item.title, found.query, "saved"))
    return tuple(cases)


def _is_demo(settings: Settings) -> bool:
    try:
        return read_manifest(settings.data_dir).demo
    except AskerError:
        return False


def metric_export_yaml(settings: Settings, code: str | None = None) -> str:
    """The published dictionary (or one metric) as one YAML document the import reads back."""
    store = metric_store(settings)
    versions = [store.get(code)] if code else list(store.current().values())
    return yaml.safe_dump(
        {"metrics": [v.definition for v in versions]},
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )


def metric_import_drafts(settings: Settings, user: str, text: str) -> tuple[workflow.Saved, ...]:
    """Uploaded YAML becomes drafts (one per changed metric) that go through review like any
    edit. The file's problems are refused all at once (DICTIONARY_INVALID), and so is a file
    naming a metric that already has an open draft, before anything is written."""
    parsed, problems = definitions.parse_file("upload.yaml", text)
    if problems or parsed is None:
        found = tuple(map(str, problems))
        raise ConfigError("DICTIONARY_INVALID", source="upload.yaml", problems=found)
    published = metric_store(settings).current()
    bodies = {m.code: m.model_dump(mode="json", exclude_defaults=True) for m in parsed.metrics}
    changed = {
        code: body
        for code, body in bodies.items()
        if code not in published or published[code].definition != body
    }
    open_codes = {d.code for d in metric_drafts(settings)} & set(changed)
    if open_codes:
        raise UserFacingError("METRIC_DRAFT_OPEN", metric=", ".join(sorted(open_codes)))
    saved = []
    for code, body in changed.items():
        draft = metric_draft_start(settings, user, code, body, "custom.yaml")
        saved.append(metric_draft_save(settings, user, draft.id, body, draft.row_version))
    return tuple(saved)


# --- operations (issue 11): export, feedback review, audit and usage pages, saved questions ---

REVIEW_ROLES = ("metric_admin", "metric_approver")  # curate the dictionary; read no data
AUDIT_ROLES = ("auditor",)
USAGE_ROLES = ("auditor", "metric_admin")  # the log's reader; the dictionary's owner


@dataclass(frozen=True)
class ExportFile:
    """An export: the answer it re-ran (refusals too) and, when allowed, the file's bytes."""

    answer: Answer
    data: bytes | None
    filename: str
    mime: str


def can_export(settings: Settings, who: Principal) -> bool:
    """Whether the role has the export right (the UI shows export buttons only then)."""
    try:
        export_rules.check_export_right(who, services(settings).policy)
    except AskerError:
        return False
    return True


def export(
    settings: Settings,
    *,
    user: str,
    fmt: str = "csv",
    question: str = "",
    query: MetricQuery | None = None,
    statement: str | None = None,
    language: Language = "zh",
) -> ExportFile:
    """Re-run an answer's source (its MetricQuery, its SQL statement, or else its question)
    through the gate for ``user`` — never rows held by the caller — capped at the export row cap,
    watermarked and audited (action ``export``). EXPORT_NOT_ALLOWED for roles without the right."""
    started = time.perf_counter()
    if query is not None:
        steps, text = pipeline.EXPORT_QUERY_STEPS, question or "（导出）"
    elif statement is not None:
        steps, text = pipeline.EXPORT_SQL_STEPS, statement
    else:
        steps, text = pipeline.EXPORT_QUESTION_STEPS, question
    turn = pipeline.Turn(question=text, user_id=user, language=language, query=query)
    try:
        kind = export_rules.check_format(fmt)
        turn = pipeline.run(steps, turn, services(settings))
    except Exception as exc:
        turn, kind = pipeline.ended(turn, exc), "csv"
    assert turn.answer is not None
    result = _audited("export", turn, _with_elapsed(turn.answer, started), settings)
    if result.status != "ok" or turn.principal is None:
        return ExportFile(result, None, "", "")
    mark = export_rules.Watermark(
        turn.principal.user_id, turn.principal.display_name, dt.datetime.now(dt.UTC)
    )
    write = export_rules.csv_bytes if kind == "csv" else export_rules.xlsx_bytes
    stamp = mark.at.astimezone(export_rules.CHINA).strftime("%Y%m%d-%H%M%S")
    return ExportFile(
        result,
        write(result.columns, result.rows, mark),
        f"asker-{turn.principal.user_id}-{stamp}.{kind}",
        export_rules.MIME[kind],
    )


def _require_role(who: Principal, roles: tuple[str, ...], target: str) -> None:
    if who.role not in roles:
        raise AccessDenied("ACCESS_DENIED", role=who.role, target=target)


def feedback_with_correction(
    settings: Settings,
    *,
    user: str,
    question: str,
    sql: str | None,
    rating: int,
    reason: str = "",
    corrected_question: str = "",
    corrected_sql: str = "",
) -> int:
    """A rating, optionally with a corrected question → SQL pair; pending review. Its id."""
    return feedback_queue.submit(
        app_engine(settings),
        user,
        question,
        sql=sql,
        rating=rating,
        reason=reason,
        corrected_question=corrected_question,
        corrected_sql=corrected_sql,
    )


def feedback_queue_items(
    settings: Settings, reviewer: Principal, *, status: str | None = "pending"
) -> tuple[FeedbackItem, ...]:
    """Thumbs-down items for a reviewer (metric_admin or metric_approver)."""
    _require_role(reviewer, REVIEW_ROLES, "反馈审核 feedback review")
    return feedback_queue.items(app_engine(settings), status=status)


def _gate_for_author(settings: Settings, author: str, statement: str) -> GatedQuery:
    """The corrected SQL through the gate for the user who wrote it: scope and masks applied."""
    svc = services(settings)
    return gate(
        statement,
        users.principal(svc.users, author),
        policy=svc.policy,
        catalog=svc.compiler.catalog,
        orgs=svc.orgs,
        dialect=svc.executor.dialect,
    )


def _correction(
    settings: Settings, reviewer: Principal, item_id: int, sql: str | None
) -> tuple[feedback_queue.FeedbackItem, str]:
    _require_role(reviewer, REVIEW_ROLES, "反馈审核 feedback review")
    found = feedback_queue.item(app_engine(settings), item_id)
    if found is None or found.status != "pending":
        raise UserFacingError("FEEDBACK_NOT_PENDING", item=item_id)
    statement = (sql or found.corrected_sql or "").strip()
    if not statement:
        raise UserFacingError("CORRECTION_REQUIRED", item=item_id)
    return found, statement


def check_correction(
    settings: Settings, reviewer: Principal, item_id: int, sql: str | None = None
) -> Answer:
    """The reviewer's check: the corrected SQL through the gate for the user who wrote it,
    planned but not run (reviewers read no data). A refusal comes back as a refused Answer."""
    found, statement = _correction(settings, reviewer, item_id, sql)
    try:
        gated = _gate_for_author(settings, found.user_id, statement)
    except AskerError as error:
        return from_error(statement, "zh", error)
    return Answer(
        status="ok",
        question=statement,
        language="zh",
        message="已通过权限检查（未执行） Passed the gate (not run)",
        sql=gated.sql,
        filters=gated.filters,
        masked_columns=gated.masked_columns,
        tables=gated.tables,
    )


def promote_feedback(
    settings: Settings,
    reviewer: Principal,
    item_id: int,
    *,
    question: str | None = None,
    sql: str | None = None,
) -> VerifiedExample:
    """A reviewer promotes a corrected pair to a verified example, only if the SQL passes the
    gate (for its author; the gate's own refusal is raised otherwise). The reviewer may edit the
    pair first. The promotion is audited."""
    found, pair_sql = _correction(settings, reviewer, item_id, sql)
    pair_question = (question or found.corrected_question or "").strip()
    if not pair_question:
        raise UserFacingError("CORRECTION_REQUIRED", item=item_id)
    gated = _gate_for_author(settings, found.user_id, pair_sql)
    # audited before it takes effect: a change the log cannot record does not happen
    _audit_review(settings, reviewer, item_id, "promoted", pair_question, gated=gated)
    engine = app_engine(settings)
    example = verified.add_example(
        engine,
        question=pair_question,
        sql=pair_sql,
        tables=gated.tables,
        author=found.user_id,
        reviewer=reviewer.user_id,
        source_feedback_id=item_id,
    )
    feedback_queue.close(
        engine,
        item_id,
        reviewer=reviewer.user_id,
        decision="promoted",
        reason="",
        example_id=example.id,
    )
    rebuild_index(settings)  # the verified example feeds retrieval from now on
    return example


def _audit_review(
    settings: Settings,
    reviewer: Principal,
    item_id: int,
    decision: str,
    question: str,
    *,
    gated: GatedQuery | None = None,
) -> None:
    """A review changes how later questions are answered: it is on the audit log."""
    audit_log(settings).append(
        AuditRecord(
            user_id=reviewer.user_id,
            role=reviewer.role,
            org_id=reviewer.org_id,
            action="metric_workflow",
            question=question,
            plan={"feedback_id": item_id, "review": decision},
            gated_sql=gated.sql if gated else None,
            tables=gated.tables if gated else (),
        )
    )


def reject_feedback(settings: Settings, reviewer: Principal, item_id: int, reason: str) -> None:
    """A reviewer rejects an item; the reason is kept (REASON_REQUIRED without one)."""
    _require_role(reviewer, REVIEW_ROLES, "反馈审核 feedback review")
    if not reason.strip():
        raise UserFacingError("REASON_REQUIRED")
    found = feedback_queue.item(app_engine(settings), item_id)
    if found is None or found.status != "pending":
        raise UserFacingError("FEEDBACK_NOT_PENDING", item=item_id)
    _audit_review(settings, reviewer, item_id, "rejected", reason.strip())
    feedback_queue.close(
        app_engine(settings),
        item_id,
        reviewer=reviewer.user_id,
        decision="rejected",
        reason=reason.strip(),
    )


def verified_examples(settings: Settings) -> tuple[VerifiedExample, ...]:
    """Every reviewer-verified question → SQL pair (the retrieval index is fed from here)."""
    return verified.list_examples(app_engine(settings))


def search_audit(
    settings: Settings, auditor: Principal, query: AuditFilter
) -> tuple[AuditEntry, ...]:
    """The audit page's search (auditor only), newest first."""
    _require_role(auditor, AUDIT_ROLES, "审计日志 audit log")
    return audit_search.search(app_engine(settings), query)


def audit_csv(settings: Settings, auditor: Principal, query: AuditFilter) -> bytes:
    """The filtered log as CSV: names, redacted questions, SQL and counts, no data values."""
    return audit_search.to_csv(search_audit(settings, auditor, query))


def verify_audit_as(settings: Settings, auditor: Principal) -> AuditReport:
    _require_role(auditor, AUDIT_ROLES, "审计日志 audit log")
    return verify_audit(settings)


def usage(
    settings: Settings,
    viewer: Principal,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> UsageReport:
    """Usage statistics counted from the audit log (auditor, metric_admin)."""
    _require_role(viewer, USAGE_ROLES, "使用统计 usage statistics")
    engine = app_engine(settings)
    entries = audit_search.search(
        engine, AuditFilter(actions=QUESTION_ACTIONS, since=since, until=until)
    )
    orgs = services(settings).orgs
    return usage_report(
        entries, lambda org: _branch_name(orgs, org), tokens=tokens_between(engine, since, until)
    )


def _branch_name(orgs: OrgDirectory, org_id: str) -> str:
    try:
        org = orgs.get(org_id)
    except AskerError:
        return org_id or "-"
    if org.org_level == "支行" and org.branch_id:
        return orgs.get(org.branch_id).org_name
    return org.org_name


def save_question(
    settings: Settings, who: Principal, question: str, title: str = ""
) -> SavedQuestion:
    if not question.strip():
        raise InvalidSql("EMPTY_INPUT")
    return saved.save(app_engine(settings), who.user_id, question, title)


def saved_questions(settings: Settings, who: Principal) -> tuple[SavedQuestion, ...]:
    """The user's saved questions and those shared with their role."""
    return saved.visible_to(app_engine(settings), who.user_id, who.role)


def share_saved_question(settings: Settings, who: Principal, item: int, role: str | None) -> None:
    if role is not None and role not in services(settings).policy.role_names:
        raise AccessDenied("ACCESS_DENIED", role=who.role, target=f"role {role}")
    saved.share(app_engine(settings), item, who.user_id, role)


def remove_saved_question(settings: Settings, who: Principal, item: int) -> None:
    saved.remove(app_engine(settings), item, who.user_id)


def rerun_saved_question(settings: Settings, who: Principal, item: int) -> Answer:
    """Ask a saved question again on today's data, as ``who`` (their scope, their masks)."""
    found = saved.get(app_engine(settings), item, who.user_id, who.role)
    return ask(found.question, settings=settings, user=who.user_id)


# A role's home panel: the key metrics it opens with, asked through the normal path.
HOME_PANEL: dict[str, tuple[str, ...]] = {
    "hq_analyst": ("存款余额环比", "贷款余额环比", "不良贷款率环比"),
    "branch_manager": ("存款余额环比", "贷款余额环比", "不良贷款率环比"),
    "subbranch_manager": ("存款余额环比", "贷款余额环比", "不良贷款率环比"),
    "client_manager": ("存款余额环比", "AUM余额环比"),
    "hq_executive": ("存款余额环比", "贷款余额环比", "不良贷款率环比"),
}


def home_panel(settings: Settings, who: Principal) -> tuple[Answer, ...]:
    """The role's key metrics with 环比, each within the user's own scope."""
    return tuple(
        ask(question, settings=settings, user=who.user_id)
        for question in HOME_PANEL.get(who.role, ())
    )


# --- retrieval index ------------------------------------------------------------------------


def grants(policy: Policy) -> Grants:
    """Who may see each table and column, from the permission policy, for the index."""
    return Grants(policy.role_names, lambda role, t, c: policy.role(role).column_access(t, c))


def build_index(
    settings: Settings, *, examples: Sequence[Example] = (), progress: Progress | None = None
) -> SyncReport:
    """Build or refresh the retrieval index of the data dir (idempotent); used by ``init``."""
    from asker.retrieval.build import rebuild

    engine = engine_for(settings.resolved_app_db_url)
    catalog = load_catalog()
    try:
        dictionary = MetricStore(engine, catalog).published()
        executor = open_warehouse(settings.warehouse_file, limits(settings))
        return rebuild(
            settings.data_dir / INDEX_DIR,
            embedder_for(settings),
            dictionary,
            catalog,
            grants(load_policy(catalog)),
            values=load_values(dictionary, catalog, executor),
            examples=examples,
            progress=progress,
        )
    finally:
        engine.dispose()


def reviewed_examples(settings: Settings) -> tuple[Example, ...]:
    """Question -> SQL examples a reviewer promoted from the feedback queue, indexed beside the
    shipped ones, so every rebuild keeps them."""
    return tuple(
        Example(f"verified-{found.id}", found.question, found.sql, found.tables)
        for found in verified_examples(settings)
    )


def rebuild_index(
    settings: Settings,
    *,
    examples: Sequence[Example] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Refresh the index of an initialised data dir (``asker index``, after a publish)."""
    app_engine(settings)  # DATA_DIR_MISSING when there is nothing to index
    if examples is None:
        examples = reviewed_examples(settings)
    return build_index(settings, examples=examples, progress=progress)


def retriever(settings: Settings) -> HybridRetriever:
    """The permission-filtered hybrid retriever over the data dir's index (built if missing)."""
    from asker.retrieval.build import open_retriever

    path = settings.data_dir / INDEX_DIR
    if not path.is_dir():
        rebuild_index(settings)
    return open_retriever(
        path,
        embedder_for(settings),
        metric_store(settings).published(),
        settings.data_dir / "cache",
    )


def llm_usage(settings: Settings) -> list[tuple[dt.date, str, str, int, int]]:
    """Admin statistics of the LLM path: (day, user, model, prompt tokens, completion tokens)."""
    from asker.sql.usage import usage_by_day

    return usage_by_day(app_engine(settings))
