"""The metric dictionary as people read it: list, search, one metric with its versions, lineage
and SQL; validate, import and export YAML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from asker.api.admin import rebuild_index
from asker.api.runtime import Runtime
from asker.errors import ConfigError
from asker.semantic import definitions, validate
from asker.semantic.lineage import metric_lineage
from asker.semantic.store import ImportReport, MetricVersion
from asker.types import MetricQuery
from asker.warehouse.catalog import Catalog


def list_metrics(rt: Runtime) -> tuple[MetricVersion, ...]:
    """The published version of every metric, in dictionary order."""
    return tuple(rt.metric_store.current().values())


def search_metrics(
    rt: Runtime, text: str = "", category: str = "", owner: str = ""
) -> tuple[MetricVersion, ...]:
    """Published metrics whose code, name, synonyms, abbreviations or aliases contain ``text``,
    in ``category`` and owned by ``owner`` (department or steward); empty filters match all."""
    needle = text.strip().casefold()
    found = []
    for version in list_metrics(rt):
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


@dataclass(frozen=True)
class MetricDetail:
    current: MetricVersion
    versions: tuple[MetricVersion, ...]
    lineage: dict[str, tuple[str, ...]]
    sql: str


def metric_detail(rt: Runtime, code: str) -> MetricDetail:
    """One metric: its published definition, every version, its lineage and sample SQL."""
    store = rt.metric_store
    comp = rt.compiler()
    return MetricDetail(
        current=store.get(code),
        versions=store.versions(code),
        lineage=metric_lineage(comp, code),
        sql=comp.compile(MetricQuery(metrics=(code,))).sql(pretty=True),
    )


def validate_dictionary(path: Path | None) -> list[str]:
    """Every problem in the YAML at ``path`` (a file or folder; default: the shipped seed)."""
    return _problems(definitions.read_texts(path) if path else definitions.seed_texts())


def validate_published(rt: Runtime) -> list[str]:
    """Every problem of the data dir's published dictionary against the runtime's catalog."""
    return _problems(rt.metric_store.export_texts(), rt.catalog)


def _problems(texts: dict[str, str], catalog: Catalog | None = None) -> list[str]:
    try:
        validate.load_dictionary(texts, catalog)
    except ConfigError as error:
        return list(error.params["problems"])
    return []


def import_metrics(rt: Runtime, path: Path, *, author: str) -> ImportReport:
    """Import YAML as new published versions where content changed; all or nothing."""
    report = rt.metric_store.import_texts(definitions.read_texts(path), author=author)
    rebuild_index(rt)  # newly published versions reach retrieval at once
    return report


def export_metrics(rt: Runtime, folder: Path) -> list[Path]:
    """Write the published dictionary as YAML files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rt.metric_store.export_texts().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def metric_export_yaml(rt: Runtime, code: str | None = None) -> str:
    """The published dictionary (or one metric) as one YAML document the import reads back."""
    store = rt.metric_store
    versions = [store.get(code)] if code else list(store.current().values())
    return yaml.safe_dump(
        {"metrics": [v.definition for v in versions]},
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
