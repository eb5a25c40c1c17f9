"""An interrupted or failed init leaves no half-written data dir; --force swaps only when whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from asker import api
from asker.config import Settings
from asker.errors import ConfigError
from asker.warehouse.datadir import read_manifest, staged_data_dir


def test_a_failure_inside_the_stage_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "data"
    with pytest.raises(RuntimeError), staged_data_dir(target, force=False) as staging:
        (staging / "half.txt").write_text("half")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_force_keeps_the_old_dir_until_the_new_one_is_whole(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(KeyboardInterrupt), staged_data_dir(target, force=True):
        raise KeyboardInterrupt
    assert (target / "old.txt").read_text() == "old"
    with staged_data_dir(target, force=True) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert [p.name for p in target.iterdir()] == ["new.txt"]


def test_without_force_an_existing_dir_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught, staged_data_dir(tmp_path, force=False):
        pass
    assert caught.value.code == "DATA_DIR_EXISTS"


def test_an_interrupted_init_leaves_no_data_dir(tmp_path: Path) -> None:
    steps: list[str] = []

    def interrupt_on_third_step(step: str) -> None:
        steps.append(step)
        if len(steps) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        api.init(
            Settings(data_dir=tmp_path / "data"),
            scale="tiny",
            seed=1,
            progress=interrupt_on_third_step,
        )
    assert list(tmp_path.iterdir()) == []


def test_the_manifest_marks_a_demo_data_dir(tiny_dir: Path) -> None:
    manifest = read_manifest(tiny_dir)
    assert manifest.demo and manifest.scale == "tiny" and manifest.seed == 42
    assert manifest.data_date == "2026-09-30"
    assert manifest.row_counts["dim_org"] > 30
