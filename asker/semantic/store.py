"""The metric store: every version of every metric, immutable once written, in the app database.

It is the source of truth at run time, seeded from the YAML dictionary by ``asker init``.
An import is validated as a whole against the published dictionary and written in one
transaction, or not at all; identical content makes no new version, so export → import is a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)

from asker.appstate.database import metadata
from asker.errors import ConfigError, NotAnswerable
from asker.semantic import definitions, validate
from asker.semantic.definitions import DictionaryFile, DimensionFile, MetricFile
from asker.semantic.model import Dictionary, Metric
from asker.warehouse.catalog import Catalog

Status = Literal["draft", "in_review", "published", "deprecated"]

metric_versions = Table(
    "metric_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("source", String(128), nullable=False),
    Column("definition", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("author", String(64), nullable=False),
    Column("approver", String(64)),
    Column("comment", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    UniqueConstraint("code", "version", name="uq_metric_version"),
)

dimension_definitions = Table(
    "dimension_definitions",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("definition", JSON, nullable=False),
)


@dataclass(frozen=True)
class MetricVersion:
    code: str
    version: int
    status: str
    source: str
    author: str
    approver: str | None
    created_at: dt.datetime
    published_at: dt.datetime | None
    definition: dict[str, Any]
    comment: str | None = None  # the approver's comment (a rollback names its version)


@dataclass(frozen=True)
class ImportReport:
    created: tuple[tuple[str, int], ...]
    unchanged: tuple[str, ...]


def content_hash(definition: Mapping[str, Any]) -> str:
    canonical = json.dumps(definition, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_version(row: Any) -> MetricVersion:
    return MetricVersion(
        code=row.code,
        version=row.version,
        status=row.status,
        source=row.source,
        author=row.author,
        approver=row.approver,
        created_at=row.created_at,
        published_at=row.published_at,
        definition=dict(row.definition),
        comment=row.comment,
    )


class MetricStore:
    def __init__(self, engine: Engine, catalog: Catalog) -> None:
        self.engine = engine
        self.catalog = catalog

    # --- reading -----------------------------------------------------------------------------

    def versions(self, code: str) -> tuple[MetricVersion, ...]:
        query = (
            select(metric_versions)
            .where(metric_versions.c.code == code)
            .order_by(metric_versions.c.version)
        )
        with self.engine.connect() as con:
            return tuple(_as_version(r) for r in con.execute(query))

    def current(self, status: Status = "published") -> dict[str, MetricVersion]:
        """The latest version of each metric with ``status``. A metric whose latest published or
        deprecated version is deprecated is no longer published (a deprecation is a version)."""
        lifecycle = ("published", "deprecated")
        statuses = lifecycle if status in lifecycle else (status,)
        latest = (
            select(metric_versions.c.code, func.max(metric_versions.c.version).label("version"))
            .where(metric_versions.c.status.in_(statuses))
            .group_by(metric_versions.c.code)
            .subquery()
        )
        query = (
            select(metric_versions)
            .join(
                latest,
                (latest.c.code == metric_versions.c.code)
                & (latest.c.version == metric_versions.c.version),
            )
            .where(metric_versions.c.status == status)
            .order_by(metric_versions.c.id)
        )
        with self.engine.connect() as con:
            return {r.code: _as_version(r) for r in con.execute(query)}

    def get(self, code: str, version: int | None = None) -> MetricVersion:
        found = self.versions(code)
        if not found:
            raise NotAnswerable(
                "UNKNOWN_METRIC", name=code, suggestions=", ".join(sorted(self.current())[:5])
            )
        if version is None:
            published = [v for v in found if v.status == "published"]
            return (published or list(found))[-1]
        for v in found:
            if v.version == version:
                return v
        raise NotAnswerable(
            "UNKNOWN_METRIC",
            name=f"{code} v{version}",
            suggestions=f"{code} v1..v{found[-1].version}",
        )

    def dimension_files(self) -> list[DimensionFile]:
        """The dimensions of the dictionary, as stored."""
        return self._dimension_files()

    def _dimension_files(self) -> list[DimensionFile]:
        query = select(dimension_definitions).order_by(dimension_definitions.c.position)
        with self.engine.connect() as con:
            return [DimensionFile.model_validate(r.definition) for r in con.execute(query)]

    def published(self) -> Dictionary:
        """The dictionary answers use: the latest published version of every metric."""
        return self._dictionary({v.code: v for v in self.current().values()})

    def published_versions(self) -> dict[str, int]:
        return {code: v.version for code, v in self.current().items()}

    def _dictionary(self, versions: Mapping[str, MetricVersion]) -> Dictionary:
        files: dict[str, DictionaryFile] = {}
        for v in versions.values():
            files.setdefault(v.source, DictionaryFile()).metrics.append(
                MetricFile.model_validate(v.definition)
            )
        files["dimensions.yaml"] = DictionaryFile(dimensions=self._dimension_files())
        return definitions.build(files)

    # --- writing -----------------------------------------------------------------------------

    def import_texts(
        self, texts: Mapping[str, str], *, author: str, status: Status = "published"
    ) -> ImportReport:
        """Validate ``texts`` merged into the published dictionary; write all of it or nothing."""
        files, problems = {}, []
        for source, text in texts.items():
            parsed, found = definitions.parse_file(source, text)
            problems += found
            if parsed is not None:
                files[source] = parsed
        incoming = {m.code: (_source_name(src), m) for src, f in files.items() for m in f.metrics}
        dims = [d for f in files.values() for d in f.dimensions] or self._dimension_files()
        merged = {
            v.code: (v.source, MetricFile.model_validate(v.definition))
            for v in self.current().values()
        }
        merged.update(incoming)
        candidate = definitions.build(_group(merged, dims))
        problems += validate.check(candidate, self.catalog)
        if problems:
            raise ConfigError(
                "DICTIONARY_INVALID",
                source=", ".join(texts) or "-",
                problems=tuple(map(str, problems)),
            )
        return self._write(incoming, dims, author, status)

    def _write(
        self,
        incoming: Mapping[str, tuple[str, MetricFile]],
        dims: list[DimensionFile],
        author: str,
        status: Status,
    ) -> ImportReport:
        created: list[tuple[str, int]] = []
        unchanged: list[str] = []
        now = _now()
        with self.engine.begin() as con:
            self._replace_dimensions(con, dims)
            for code, (source, metric) in incoming.items():
                definition = metric.model_dump(mode="json", exclude_defaults=True)
                digest = content_hash(definition)
                rows = con.execute(
                    select(metric_versions)
                    .where(metric_versions.c.code == code)
                    .order_by(metric_versions.c.version)
                ).all()
                if rows and rows[-1].content_hash == digest and rows[-1].source == source:
                    unchanged.append(code)
                    continue
                version = (rows[-1].version if rows else 0) + 1
                con.execute(
                    metric_versions.insert().values(
                        code=code,
                        version=version,
                        status=status,
                        source=source,
                        definition=definition,
                        content_hash=digest,
                        author=author,
                        created_at=now,
                        published_at=now if status == "published" else None,
                    )
                )
                created.append((code, version))
        return ImportReport(tuple(created), tuple(unchanged))

    def _replace_dimensions(self, con: Any, dims: list[DimensionFile]) -> None:
        current = [
            d.model_dump(mode="json", exclude_defaults=True) for d in self._dimension_files()
        ]
        wanted = [d.model_dump(mode="json", exclude_defaults=True) for d in dims]
        if current == wanted:
            return
        con.execute(dimension_definitions.delete())
        con.execute(
            dimension_definitions.insert(),
            [{"code": d["code"], "position": i, "definition": d} for i, d in enumerate(wanted)],
        )

    def export_texts(self) -> dict[str, str]:
        """The published dictionary as YAML files ({file name: text}) that re-import unchanged."""
        by_source: dict[str, list[dict[str, Any]]] = {}
        for v in self.current().values():
            by_source.setdefault(v.source, []).append(v.definition)
        out = {src: _dump({"metrics": metrics}) for src, metrics in sorted(by_source.items())}
        dims = [d.model_dump(mode="json", exclude_defaults=True) for d in self._dimension_files()]
        out["dimensions.yaml"] = _dump({"dimensions": dims})
        return out


def _source_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def _group(
    merged: Mapping[str, tuple[str, MetricFile]], dims: list[DimensionFile]
) -> dict[str, DictionaryFile]:
    files: dict[str, DictionaryFile] = {}
    for source, metric in merged.values():
        files.setdefault(source, DictionaryFile()).metrics.append(metric)
    files.setdefault("dimensions.yaml", DictionaryFile()).dimensions.extend(dims)
    return files


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def published_metric(store: MetricStore, code: str) -> tuple[Metric, int]:
    """A published metric and its version (answers cite it)."""
    version = store.get(code)
    metric = definitions.to_metric(MetricFile.model_validate(version.definition), version.source)
    return metric, version.version
