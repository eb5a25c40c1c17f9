"""The card of an attribution: a diverging bar of each member's contribution (rises one colour,
falls the other), the rows also shown as a table."""

from __future__ import annotations

from pathlib import Path

from asker.config import Settings
from tests import callers
from ui.figures import chart


def test_an_attribution_is_drawn_as_a_diverging_bar(tiny_dir: Path) -> None:
    found = callers.ask(
        Settings(data_dir=tiny_dir), "zhang.wei", "本月交易金额变化主要是哪些渠道带来的"
    )
    assert found.presentation is not None and found.presentation.rows_table
    spec = chart(found).to_dict()  # type: ignore[union-attr]
    assert spec["mark"]["type"] == "bar"
    color = spec["encoding"]["color"]
    assert ">= 0" in color["condition"]["test"] and color["condition"]["value"] != color["value"]
    assert spec["encoding"]["x"]["title"] == "变动贡献"
    values = [r[3] for r in found.rows]
    assert any(v < 0 for v in values) or any(v > 0 for v in values)
