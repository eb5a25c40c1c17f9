"""Which warehouse engine asker runs on: ``ASKER_WAREHOUSE_URL``, else the data dir's manifest,
else the data dir's DuckDB file; and ``open_executor`` for it.

One adapter module per engine holds everything engine-specific: ``engine`` (DuckDB, embedded),
``postgres`` (the PostgreSQL family, psycopg 3) and ``spark`` (Spark Connect, pyspark's client,
an optional extra). A URL's password is never shown nor written: ``shown`` drops it.

>>> url = parse_warehouse_url("postgresql://asker:secret@db.bank:5433/dw?sslmode=require")
>>> (url.engine, url.host, url.port, url.database, url.shown)
('postgresql', 'db.bank', 5433, 'dw', 'postgresql://asker@db.bank:5433/dw?sslmode=require')
>>> parse_warehouse_url("sc://127.0.0.1:15002").engine
'spark'
>>> parse_warehouse_url("duckdb:///srv/asker/warehouse.duckdb").path
PosixPath('/srv/asker/warehouse.duckdb')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from asker.config import Settings
from asker.errors import AskerError, ConfigError
from asker.warehouse.datadir import read_manifest
from asker.warehouse.engine import Executor, Limits, open_warehouse
from asker.warehouse.executor_pool import PooledExecutor

Engine = Literal["duckdb", "postgresql", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "postgresql", "spark")
SCHEMES: dict[str, Engine] = {
    "duckdb": "duckdb",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "sc": "spark",
}
DEFAULT_PORTS: dict[Engine, int | None] = {"duckdb": None, "postgresql": 5432, "spark": 15002}


@dataclass(frozen=True)
class WarehouseUrl:
    """A parsed warehouse URL. ``text`` holds the password, if any: never show it, use ``shown``."""

    engine: Engine
    text: str
    host: str = ""
    port: int | None = None
    user: str | None = None
    password: str | None = None
    database: str = ""
    options: tuple[tuple[str, str], ...] = ()
    path: Path | None = None  # DuckDB's file

    @property
    def shown(self) -> str:
        """The URL without its password: safe for messages, logs and the manifest."""
        if self.engine == "duckdb":
            return f"duckdb:///{str(self.path).lstrip('/')}"
        scheme = "postgresql" if self.engine == "postgresql" else "sc"
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        tail = f"/{self.database}" if self.database else ""
        if self.engine == "postgresql" and self.options:
            tail += "?" + "&".join(f"{k}={v}" for k, v in self.options)
        return f"{scheme}://{user}{_host_part(self.host)}{port}{tail}"

    @property
    def host_label(self) -> str:
        """What a WAREHOUSE_UNAVAILABLE message names: host and port, never credentials."""
        if self.engine == "duckdb":
            return "localhost"
        return f"{_host_part(self.host)}:{self.port}" if self.port else self.host

    def unavailable(self) -> ConfigError:
        return ConfigError("WAREHOUSE_UNAVAILABLE", engine=self.engine, host=self.host_label)


def _host_part(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _invalid(reason: str) -> ConfigError:
    return ConfigError("WAREHOUSE_URL_INVALID", reason=reason)


def parse_warehouse_url(text: str) -> WarehouseUrl:
    """Parse ``text``; a URL asker cannot use is ``WAREHOUSE_URL_INVALID`` (its reason never
    repeats the URL, which may hold a password)."""
    text = text.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    engine = SCHEMES.get(scheme.split("+", 1)[0])
    if engine is None:
        reason = f"unknown scheme {scheme!r}" if scheme else "no scheme"
        raise _invalid(reason)
    if engine == "duckdb":
        path = text.split("://", 1)[1]
        if not path.startswith("/") or path == "/":
            raise _invalid("duckdb:/// needs an absolute file path")
        return WarehouseUrl(engine=engine, text=text, path=Path(unquote(path)))
    try:
        parts = urlsplit(text)
        port = parts.port or DEFAULT_PORTS[engine]
    except ValueError as exc:
        raise _invalid("the port is not a number") from exc
    if not parts.hostname:
        raise _invalid("no host")
    options = tuple(parse_qsl(parts.query, keep_blank_values=True))
    database = unquote(parts.path.lstrip("/")) if engine == "postgresql" else ""
    if engine == "spark" and parts.path.strip("/") and not parts.path.startswith("/;"):
        raise _invalid("sc://host:port takes no database path")
    return WarehouseUrl(
        engine=engine,
        text=text,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        database=database or (parts.username or "" if engine == "postgresql" else ""),
        options=options,
    )


def warehouse_url_of(settings: Settings) -> WarehouseUrl:
    """The warehouse the settings point at: ``warehouse_url``, else the engine the data dir was
    initialised on (its manifest), else the data dir's DuckDB file."""
    if settings.warehouse_url:
        return parse_warehouse_url(settings.warehouse_url)
    try:
        manifest = read_manifest(settings.data_dir)
    except AskerError:
        manifest = None
    if manifest is not None and manifest.warehouse_url and manifest.engine != "duckdb":
        return parse_warehouse_url(manifest.warehouse_url)
    path = settings.warehouse_file.absolute()
    return WarehouseUrl(engine="duckdb", text=f"duckdb://{path}", path=path)


def open_executor(settings: Settings, limits: Limits) -> Executor:
    """A new executor on the settings' warehouse; its owner (a runtime, a command) closes it.
    DuckDB runs in pre-started children (``executor_workers``), or in process when that is 0;
    PostgreSQL and Spark stop a query on the server at its deadline. An engine that cannot be
    reached is ``WAREHOUSE_UNAVAILABLE`` naming its host."""
    url = warehouse_url_of(settings)
    if url.engine == "postgresql":
        from asker.warehouse.postgres import PostgresExecutor

        return PostgresExecutor(
            url,
            pool_size=settings.warehouse_pool_size,
            connect_timeout_s=settings.warehouse_connect_timeout_s,
        )
    if url.engine == "spark":
        from asker.warehouse.spark import SparkExecutor

        return SparkExecutor(
            url,
            pool_size=settings.warehouse_pool_size,
            connect_timeout_s=settings.warehouse_connect_timeout_s,
        )
    assert url.path is not None
    if settings.executor_workers == 0:
        return open_warehouse(url.path, limits)
    return PooledExecutor(url.path.resolve(), limits, workers=settings.executor_workers)
