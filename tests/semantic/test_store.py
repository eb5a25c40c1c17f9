"""The metric store on a real app database: seed, immutable versions, import/export, all or
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from asker.appstate.database import create_schema, engine_for
from asker.errors import ConfigError
from asker.semantic.definitions import seed_texts
from asker.semantic.store import MetricStore
from asker.warehouse.catalog import load_catalog


@pytest.fixture
def store(tmp_path: Path) -> MetricStore:
    engine = engine_for(f"sqlite:///{tmp_path / 'app.db'}")
    create_schema(engine)
    store = MetricStore(engine, load_catalog())
    store.import_texts(seed_texts(), author="system")
    return store


def edited(store: MetricStore, code: str, **changes: object) -> dict[str, str]:
    texts = store.export_texts()
    for name, text in texts.items():
        doc = yaml.safe_load(text)
        for metric in doc.get("metrics", []):
            if metric["code"] == code:
                metric.update(changes)
                return {name: yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)}
    raise KeyError(code)


def test_seeding_publishes_version_one_of_every_metric(store: MetricStore) -> None:
    current = store.current()
    assert len(current) >= 30 and {v.version for v in current.values()} == {1}
    assert {v.status for v in current.values()} == {"published"}
    assert store.published().metric("npl_ratio").locked


def test_export_then_import_changes_nothing(store: MetricStore, tmp_path: Path) -> None:
    before = {c: v.version for c, v in store.current().items()}
    report = store.import_texts(store.export_texts(), author="roundtrip")
    assert report.created == () and len(report.unchanged) == len(before)
    assert store.export_texts() == store.export_texts()


def test_a_changed_definition_is_a_new_version_and_the_old_one_stays(store: MetricStore) -> None:
    report = store.import_texts(
        edited(store, "deposit_avg_daily", synonyms=["日均存款", "存款均值"]), author="zhao.min"
    )
    assert report.created == (("deposit_avg_daily", 2),)
    versions = store.versions("deposit_avg_daily")
    assert [v.version for v in versions] == [1, 2]
    assert "存款均值" in versions[1].definition["synonyms"]
    assert "存款均值" not in versions[0].definition["synonyms"]  # immutable
    assert store.get("deposit_avg_daily").version == 2
    assert store.published().metric("deposit_avg_daily").synonyms == ("日均存款", "存款均值")


def test_a_broken_import_lists_every_problem_and_writes_nothing(store: MetricStore) -> None:
    before = store.export_texts()
    broken = edited(store, "npl_ratio", numerator="no_such_metric", category="宇宙")
    broken["extra.yaml"] = "metrics:\n  - code: Bad Code\n"
    with pytest.raises(ConfigError) as caught:
        store.import_texts(broken, author="x")
    problems = "\n".join(caught.value.params["problems"])
    assert "category" in problems and "Bad Code" in problems
    assert store.export_texts() == before
    assert [v.version for v in store.versions("npl_ratio")] == [1]


def test_a_reference_to_a_missing_metric_is_caught_against_the_whole_dictionary(
    store: MetricStore,
) -> None:
    with pytest.raises(ConfigError) as caught:
        store.import_texts(edited(store, "npl_ratio", numerator="no_such_metric"), author="x")
    assert any("no_such_metric" in p for p in caught.value.params["problems"])
