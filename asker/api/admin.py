"""Setting up a data dir: the demo bank (``asker init``), the app database's seed, and the
retrieval index (built by init, rebuilt by ``asker index`` and after every publish)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from asker import __version__
from asker.access import demo_users
from asker.api.runtime import Runtime, grants, limits, open_runtime
from asker.appstate import verified_examples as verified
from asker.appstate.database import create_schema, engine_for
from asker.audit.log import load_or_create_key
from asker.config import Settings
from asker.retrieval.embeddings import embedder_for
from asker.retrieval.index import INDEX_DIR, SyncReport
from asker.retrieval.seeds import Example
from asker.semantic import definitions
from asker.semantic.store import MetricStore
from asker.understand.values import load_values
from asker.warehouse.catalog import load_catalog
from asker.warehouse.datadir import WAREHOUSE, Manifest, staged_data_dir, write_manifest
from asker.warehouse.demo_bank import SCALES, build_demo_bank
from asker.warehouse.url import WarehouseUrl, open_executor, parse_warehouse_url

Progress = Callable[[str], None]


def init(
    settings: Settings,
    *,
    scale: str,
    seed: int,
    force: bool = False,
    progress: Progress | None = None,
    warehouse_url: str | None = None,
) -> Manifest:
    """Build a demo data dir (warehouse, app database, index) in a staging folder and move it
    into place only when complete. With ``warehouse_url`` (a PostgreSQL or Spark Connect
    engine) the demo bank is bulk-loaded into that engine and the data dir points at it; the
    DuckDB file it was generated in stays beside, as the copy the engine was loaded from."""
    warehouse_url = warehouse_url or settings.warehouse_url
    url = parse_warehouse_url(warehouse_url) if warehouse_url else None
    with staged_data_dir(settings.data_dir, force=force) as staging:
        counts = build_demo_bank(
            staging / WAREHOUSE,
            scale=SCALES[scale],
            seed=seed,
            data_date=settings.data_date,
            progress=progress,
        )
        update: dict[str, object] = {"data_dir": staging, "warehouse_url": None}
        if url is not None and url.engine != "duckdb":
            load_demo_bank(url, staging / WAREHOUSE, settings, progress)
            update["warehouse_url"] = url.text
        staged = settings.model_copy(update=update)
        if progress:
            progress("metric dictionary")
        seed_app_db(staged)
        if progress:
            progress("retrieval index")
        staged_rt = open_runtime(staged)
        try:
            rebuild_index(staged_rt, examples=(), progress=progress)
        finally:
            staged_rt.close()  # the staging copy, about to be moved
        manifest = Manifest(
            demo=True,
            scale=scale,
            seed=seed,
            data_date=settings.data_date.isoformat(),
            asker_version=__version__,
            row_counts=counts,
            engine=url.engine if url is not None else "duckdb",
            warehouse_url=url.shown if url is not None and url.engine != "duckdb" else None,
        )
        write_manifest(staging, manifest)
    return manifest


def load_demo_bank(
    url: WarehouseUrl, duck_file: Path, settings: Settings, progress: Progress | None
) -> None:
    """Bulk-load the generated demo bank into the engine at ``url`` (its adapter's loader)."""
    catalog = load_catalog()
    timeout = settings.warehouse_connect_timeout_s
    if url.engine == "postgresql":
        from asker.warehouse import postgres

        postgres.load_tables(url, duck_file, catalog, connect_timeout_s=timeout, progress=progress)
    elif url.engine == "spark":
        from asker.warehouse import spark

        spark.load_tables(url, duck_file, catalog, connect_timeout_s=timeout, progress=progress)


def seed_app_db(settings: Settings) -> None:
    """Create the app database's tables, seed the metric store from the shipped dictionary and
    the demo users bound to rows of the demo warehouse."""
    engine = engine_for(settings.resolved_app_db_url)
    executor = open_executor(settings, limits(settings))
    try:
        create_schema(engine)
        MetricStore(engine, load_catalog()).import_texts(definitions.seed_texts(), author="system")
        load_or_create_key(settings.data_dir)  # the audit key lives beside, not in, the database
        demo_users.seed_demo_users(engine, executor)
    finally:
        executor.close()
        engine.dispose()


def reviewed_examples(rt: Runtime) -> tuple[Example, ...]:
    """Question -> SQL examples a reviewer promoted from the feedback queue, indexed beside the
    shipped ones, so every rebuild keeps them."""
    return tuple(
        Example(f"verified-{found.id}", found.question, found.sql, found.tables)
        for found in verified.list_examples(rt.app_db)
    )


def rebuild_index(
    rt: Runtime,
    *,
    examples: Sequence[Example] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Build or refresh the index of an initialised data dir from what the runtime holds
    (idempotent: ``asker init``, ``asker index``, after a publish or a promoted example)."""
    from asker.retrieval.build import rebuild

    if examples is None:
        examples = reviewed_examples(rt)
    dictionary = rt.metric_store.published()
    report = rebuild(
        rt.settings.data_dir / INDEX_DIR,
        embedder_for(rt.settings),
        dictionary,
        rt.catalog,
        grants(rt.policy),
        values=load_values(dictionary, rt.catalog, rt.executor),
        examples=examples,
        progress=progress,
    )
    rt.index_changed()  # the next search opens the refreshed index
    return report
