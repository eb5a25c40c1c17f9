"""The one ``Runtime`` of a process: settings, app database, warehouse, catalog, policy, the
published dictionary and what is built from it, the retrieval index, the audit log and the clock.

``open_runtime(settings)`` builds it once; every facade function takes it as its first argument.
Nothing is cached at module level: what the runtime builds lives on the runtime. What the
pipeline reads (``services()``) is rebuilt only when a metric version is published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from asker import pipeline
from asker.access.identity import (
    Authenticator,
    BearerValidator,
    bearer_validators_for,
    sign_in_for,
)
from asker.access.policy import Policy, load_policy
from asker.access.scope import load_org_directory
from asker.access.tokens import ApiTokenValidator
from asker.api.warehouse_pii import register_warehouse_pii
from asker.appstate.conversations import Conversations
from asker.appstate.database import engine_for
from asker.audit.log import AuditLog, anchor_path, load_or_create_key
from asker.clock import Clock, SystemClock
from asker.config import Settings
from asker.errors import AskerError, ConfigError
from asker.pipeline.concurrency import UserSlots
from asker.pipeline.scoped_words import ScopedContexts
from asker.retrieval.documents import Grants
from asker.retrieval.embeddings import embedder_for
from asker.retrieval.index import INDEX_DIR, HybridRetriever
from asker.semantic.compiler import Compiler
from asker.semantic.store import MetricStore
from asker.sql.chat import chat_model
from asker.types import DocKind, Hit
from asker.understand import leftovers
from asker.understand.domain import domain_vocabulary
from asker.understand.lexicon import build_lexicon
from asker.understand.parser import Context
from asker.understand.values import load_value_orgs, load_values
from asker.warehouse.catalog import Catalog, load_catalog
from asker.warehouse.datadir import read_manifest
from asker.warehouse.engine import Executor, Limits
from asker.warehouse.url import open_executor


def limits(settings: Settings) -> Limits:
    return Limits(
        memory_limit=settings.duckdb_memory_limit,
        threads=settings.duckdb_threads,
        temp_limit=settings.duckdb_temp_limit,
        address_space_mb=settings.executor_memory_mb,
    )


def data_date_of(settings: Settings) -> dt.date:
    """The warehouse's data date: from the data dir's manifest, else the setting."""
    try:
        return dt.date.fromisoformat(read_manifest(settings.data_dir).data_date)
    except AskerError:
        return settings.data_date


def is_demo(settings: Settings) -> bool:
    try:
        return read_manifest(settings.data_dir).demo
    except AskerError:
        return False


def grants(policy: Policy) -> Grants:
    """Who may see each table and column, from the permission policy, for the index."""
    return Grants(policy.role_names, lambda role, t, c: policy.role(role).column_access(t, c))


@dataclass
class Runtime:
    """Everything a facade call reads, built once per process by ``open_runtime``."""

    settings: Settings
    app_db: Engine
    catalog: Catalog
    policy: Policy
    audit: AuditLog
    authenticator: Authenticator
    clock: Clock
    data_date: dt.date
    # The chain ``Authorization: Bearer`` is resolved through, first match wins: asker's own
    # API tokens, then whatever single sign-on adds (an OIDC access-token validator against the
    # IdP's JWKS appends itself here in ``open_runtime``).
    bearer_validators: tuple[BearerValidator, ...] = ()
    _executor: Executor | None = field(default=None, repr=False)
    _slots: UserSlots | None = field(default=None, repr=False)
    _services: pipeline.Services | None = field(default=None, repr=False)
    _retriever: HybridRetriever | None = field(default=None, repr=False)

    @property
    def demo(self) -> bool:
        """Whether the data dir is the demo bank (read each time: a bank replaces it)."""
        return is_demo(self.settings)

    @property
    def metric_store(self) -> MetricStore:
        return MetricStore(self.app_db, self.catalog)

    @property
    def executor(self) -> Executor:
        """The runtime's sandboxed warehouse connection, opened on first use."""
        if self._executor is None:
            self._executor = open_executor(self.settings, limits(self.settings))
        return self._executor

    def compiler(self) -> Compiler:
        """A compiler over the published dictionary and the warehouse's data date."""
        return Compiler(self.metric_store.published(), self.catalog, self.data_date)

    def services(self) -> pipeline.Services:
        """What the pipeline reads, rebuilt when the published versions differ from those it was
        built for (a publish here or in another process)."""
        versions = self.metric_store.published_versions()
        if self._services is None or self._services.versions != versions:
            self._services = self._build_services(versions)
        return self._services

    def index_changed(self) -> None:
        """The retrieval index was rebuilt: the next search opens it again."""
        self._retriever = None

    def search(
        self,
        question: str,
        role: str,
        k: int = 8,
        kinds: Sequence[DocKind] | None = None,
        *,
        orgs: Iterable[str] | None = None,
    ) -> list[Hit]:
        """The ``Retriever`` the pipeline reads: the index opens on the first search only
        (deterministic questions never load Chroma)."""
        return self.retriever().search(question, role, k, kinds, orgs=orgs)

    def retriever(self) -> HybridRetriever:
        """The permission-filtered hybrid retriever over the data dir's index (built if missing)."""
        if self._retriever is None:
            from asker.api.admin import rebuild_index
            from asker.retrieval.build import open_retriever

            path = self.settings.data_dir / INDEX_DIR
            if not path.is_dir():
                rebuild_index(self)
            self._retriever = open_retriever(
                path, embedder_for(self.settings), self.metric_store.published()
            )
        return self._retriever

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()
            self._executor = None
        self.app_db.dispose()

    def _build_services(self, versions: dict[str, int]) -> pipeline.Services:
        settings = self.settings
        dictionary = self.metric_store.published()
        executor = self.executor
        values = load_values(dictionary, self.catalog, executor)
        register_warehouse_pii(self.catalog, executor)
        context = Context(
            dictionary,
            build_lexicon(dictionary, values),
            self.data_date,
            leftovers.segmenter(),
            domain_vocabulary(dictionary, self.catalog),
        )
        return pipeline.Services(
            settings=settings,
            dictionary=dictionary,
            versions=versions,
            compiler=Compiler(dictionary, self.catalog, self.data_date),
            context=context,
            scoped=ScopedContexts(context, load_value_orgs(dictionary, self.catalog, executor)),
            executor=executor,
            conversations=Conversations(self.app_db),
            value_labels={(d, k): label for d, k, label in values},
            data_date=self.data_date,
            policy=self.policy,
            orgs=load_org_directory(executor),
            app_db=self.app_db,
            retriever=self,
            chat_model=_configured_chat_model(settings),
            slots=self.slots,
        )

    @property
    def slots(self) -> UserSlots:
        """The process's per-user concurrency cap, kept across dictionary versions."""
        if self._slots is None:
            self._slots = UserSlots(self.settings.max_concurrent_queries_per_user)
        return self._slots


def _configured_chat_model(settings: Settings) -> Any:
    """The endpoint's chat model, made once per published dictionary; None when none is set or
    its host is not allowed (the LLM path then raises that error when a question needs it)."""
    try:
        return chat_model(settings)
    except ConfigError:
        return None


def open_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Build the process's runtime over an initialised data dir (DATA_DIR_MISSING otherwise)."""
    if settings.app_db_url is None and not (settings.data_dir / "app.db").is_file():
        raise ConfigError("DATA_DIR_MISSING", path=str(settings.data_dir))
    app_db = engine_for(settings.resolved_app_db_url)
    catalog = load_catalog()
    policy = load_policy(catalog, settings.policy_file)
    authenticator = sign_in_for(settings, app_db, policy.directory)
    return Runtime(
        settings=settings,
        app_db=app_db,
        catalog=catalog,
        policy=policy,
        audit=AuditLog(
            app_db, load_or_create_key(settings.data_dir), anchor_path(settings.data_dir)
        ),
        authenticator=authenticator,
        clock=clock or SystemClock(),
        data_date=data_date_of(settings),
        bearer_validators=bearer_validators_for(authenticator, ApiTokenValidator(app_db)),
    )
