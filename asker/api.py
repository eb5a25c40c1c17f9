"""The one facade the UI, the CLI and the evaluation harness call. None of them builds SQL.

Every function returns an ``Answer`` (or a plain value) and turns asker's errors into refusals
with a code and a message in the caller's language; unexpected exceptions become INTERNAL_ERROR.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from sqlalchemy import Engine

from asker import __version__, pipeline
from asker.appdb import create_schema, engine_for
from asker.config import Settings
from asker.errors import AskerError, ConfigError
from asker.guardrails import users
from asker.guardrails.audit import (
    AuditLog,
    AuditRecord,
    AuditReport,
    anchor_path,
    hash_result,
    load_or_create_key,
)
from asker.guardrails.policy import load_policy
from asker.guardrails.scope import load_org_directory
from asker.semantic import definitions, validate
from asker.semantic.compiler import Compiler
from asker.semantic.lineage import metric_lineage
from asker.semantic.store import ImportReport, MetricStore, MetricVersion
from asker.types import Answer, Language, MetricQuery, Principal
from asker.understand import leftovers
from asker.understand.conversation import Conversations, record_feedback
from asker.understand.language import detect_language
from asker.understand.lexicon import build_lexicon
from asker.understand.parser import Context
from asker.understand.values import load_values
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
    return metric_store(settings).import_texts(definitions.read_texts(path), author=author)


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
    result = replace(result, extra={**result.extra, "timings_ms": dict(turn.timings)})
    action = {pipeline.EXPLAIN_STEPS: "explain", pipeline.SQL_STEPS: "sql"}.get(steps, "ask")
    return _audited(action, turn, _with_elapsed(result, started), settings)


def llm_usage(settings: Settings) -> list[tuple[dt.date, str, str, int, int]]:
    """Admin statistics of the LLM path: (day, user, model, prompt tokens, completion tokens)."""
    from asker.sql.usage import usage_by_day

    return usage_by_day(app_engine(settings))
