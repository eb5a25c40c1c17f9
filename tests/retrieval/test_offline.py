"""With the default configuration, building the index and searching it make no network
connection: sockets to anything but loopback and every name lookup fail during the test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asker import api
from asker.config import Settings
from tests import callers
from tests.helpers import copy_data_dir
from tests.test_offline import no_network  # noqa: F401  (the fixture)


def test_building_and_searching_the_index_uses_no_network(
    no_network: list[Any],  # noqa: F811
    tiny_dir: Path,
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    copy_data_dir(tiny_dir, data_dir, "index")
    settings = Settings(data_dir=data_dir)
    report = api.rebuild_index(callers.runtime(settings))
    assert report.added > 100
    retriever = callers.runtime(settings).retriever()
    for question in (
        "上个月各分行的存款余额",
        "NPL ratio by branch",
        "客户手机号",
        "各岗位员工人数",
    ):
        assert retriever.search(question, "branch_manager", k=5)
    assert callers.ask(settings, "li.na", "本季度不良贷款率").status == "ok"
    assert no_network == []
