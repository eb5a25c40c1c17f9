"""The index is an idempotent upsert by stable id: re-running changes nothing, a changed
document is updated, a removed one deleted, and a search sees the change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from asker import api
from asker.config import Settings
from asker.retrieval.build import open_retriever, rebuild
from asker.retrieval.embeddings import HashingEmbedder
from asker.retrieval.index import open_client, open_collection, stored_documents, sync
from asker.semantic.model import Dictionary
from tests import callers
from tests.helpers import copy_data_dir
from tests.retrieval.conftest import TinyIndex


def _rebuild(index: TinyIndex, path: Path, dictionary: Dictionary) -> tuple[int, int, int, int]:
    report = rebuild(
        path,
        HashingEmbedder(),
        dictionary,
        index.catalog,
        api.grants(index.policy),
        values=index.values,
    )
    return report.added, report.updated, report.deleted, report.unchanged


def _stored(path: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    client = open_client(path)
    try:
        docs = stored_documents(open_collection(client, HashingEmbedder()))
    finally:
        client.close()  # type: ignore[attr-defined]
    return {d.id: (d.text, d.roles) for d in docs}


def test_rebuilding_changes_nothing(tiny_index: TinyIndex, tmp_path: Path) -> None:
    path = tmp_path / "index"
    added, updated, deleted, unchanged = _rebuild(tiny_index, path, tiny_index.dictionary)
    assert added > 0 and (updated, deleted, unchanged) == (0, 0, 0)
    before = _stored(path)
    assert _rebuild(tiny_index, path, tiny_index.dictionary) == (0, 0, 0, added)
    assert _stored(path) == before


def test_a_changed_metric_is_updated_and_a_removed_one_deleted(
    tiny_index: TinyIndex, tmp_path: Path
) -> None:
    path = tmp_path / "index"
    total = _rebuild(tiny_index, path, tiny_index.dictionary)[0]
    old = tiny_index.dictionary
    npl = old.metric("npl_ratio")
    changed = replace(npl, aliases=(*npl.aliases, "呆账比例测试"))
    # time_deposit_ratio is used by no other metric: removing it removes exactly one document
    metrics = tuple(
        changed if m is npl else m for m in old.metrics if m.code != "time_deposit_ratio"
    )
    new = replace(old, metrics=metrics)
    assert _rebuild(tiny_index, path, new) == (0, 1, 1, total - 2)
    stored = _stored(path)
    assert "metric:time_deposit_ratio" not in stored
    assert "呆账比例测试" in stored["metric:npl_ratio"][0]
    retriever = open_retriever(path, HashingEmbedder(), new)
    assert retriever.search("呆账比例测试", "hq_analyst", k=1)[0].id == "metric:npl_ratio"
    ids = {h.id for h in retriever.search("定期存款占比", "hq_analyst", k=20)}
    assert "metric:time_deposit_ratio" not in ids


def test_sync_removes_documents_no_longer_built(tiny_index: TinyIndex, tmp_path: Path) -> None:
    path = tmp_path / "index"
    docs = [d for d in _all_documents(tiny_index) if d.kind != "example"]
    sync(path, HashingEmbedder(), docs)
    report = sync(path, HashingEmbedder(), [d for d in docs if d.kind != "value"])
    values = sum(1 for d in docs if d.kind == "value")
    assert (report.added, report.updated, report.deleted) == (0, 0, values)


def test_another_vector_space_gets_its_own_collection(
    tiny_index: TinyIndex, tmp_path: Path
) -> None:
    path = tmp_path / "index"
    docs = _all_documents(tiny_index)[:20]
    sync(path, HashingEmbedder(features=1024), docs)
    sync(path, HashingEmbedder(), docs)
    client = open_client(path)
    try:
        names = [c.name for c in client.list_collections()]
    finally:
        client.close()  # type: ignore[attr-defined]
    assert names == ["asker-hash4096-c23-v1"]


def test_publishing_a_metric_version_refreshes_the_index(tiny_dir: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    copy_data_dir(tiny_dir, data_dir)
    settings = Settings(data_dir=data_dir)
    texts = callers.runtime(settings).metric_store.export_texts()
    name, text = next((n, t) for n, t in texts.items() if "code: npl_ratio" in t)
    edited = text.replace("- 不良率\n", "- 不良率\n  - 呆账比率测试词\n", 1)
    assert edited != text
    folder = tmp_path / "yaml"
    folder.mkdir()
    (folder / name).write_text(edited, encoding="utf-8")
    api.import_metrics(callers.runtime(settings), folder, author="test")
    hits = callers.runtime(settings).retriever().search("呆账比率测试词", "hq_analyst", k=1)
    assert hits[0].id == "metric:npl_ratio"


def _all_documents(index: TinyIndex) -> list:  # type: ignore[type-arg]
    from asker.retrieval.documents import build_documents

    return build_documents(
        index.dictionary, index.catalog, api.grants(index.policy), values=index.values
    )


def test_asker_index_command_rebuilds_idempotently(tiny_dir: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from asker.cli import app

    data_dir = tmp_path / "data"
    copy_data_dir(tiny_dir, data_dir, "index")
    runner = CliRunner()
    first = runner.invoke(app, ["index", "--data-dir", str(data_dir), "--format", "json"])
    again = runner.invoke(app, ["index", "--data-dir", str(data_dir), "--format", "json"])
    assert first.exit_code == 0 and again.exit_code == 0, first.output
    built, rebuilt = json.loads(first.stdout), json.loads(again.stdout)
    assert built["added"] > 100 and built["unchanged"] == 0
    assert rebuilt == {
        "status": "ok",
        "added": 0,
        "updated": 0,
        "deleted": 0,
        "unchanged": built["added"],
    }
    missing = runner.invoke(app, ["index", "--data-dir", str(tmp_path / "nope")])
    assert missing.exit_code == 1


def test_services_carry_a_lazy_retriever_over_the_index_init_built(
    tiny_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    copy_data_dir(tiny_dir, data_dir)
    assert (data_dir / "index").is_dir()  # asker init built it
    retriever = callers.runtime(Settings(data_dir=data_dir)).services().retriever
    assert retriever is not None
    hits = retriever.search("本季度不良贷款率", "branch_manager", k=3, kinds=["metric"])
    assert hits[0].id == "metric:npl_ratio" and {h.kind for h in hits} == {"metric"}
    assert retriever.search("本季度不良贷款率", "auditor") == []
