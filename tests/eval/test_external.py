"""A BIRD-format dataset of our own (eval/fixtures/bird_mini) scored in all three presets with
one command, on the command line as a user runs it. Expected verdicts follow from each preset's
documented rules and the fixture's data, worked out by hand."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from eval.external import copy_to_duckdb, load_items
from eval.fixtures.bird_mini.make_fixture import build
from tests.helpers import asker


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("bird_mini"))


def test_the_fixture_is_in_birds_format(dataset: Path) -> None:
    items = load_items(dataset)
    assert len(items) >= 15 and {i.difficulty for i in items} == {
        "simple",
        "moderate",
        "challenging",
    }
    assert (dataset.parent / "dev_databases" / "library" / "library.sqlite").is_file()


def test_tables_are_copied_into_duckdb_with_a_catalog(dataset: Path, tmp_path: Path) -> None:
    catalog = copy_to_duckdb(
        dataset.parent / "dev_databases/library/library.sqlite", tmp_path / "l.duckdb"
    )
    assert set(catalog.table_names) == {"authors", "books", "members", "loans"}
    assert catalog.table("books").column("price").type == "DOUBLE"
    lite = sqlite3.connect(dataset.parent / "dev_databases/library/library.sqlite")
    assert lite.execute("SELECT COUNT(*) FROM loans").fetchone() == (12,)


def test_oracle_scores_the_gold_in_three_presets_with_one_command(
    dataset: Path, tmp_path: Path
) -> None:
    done = asker("eval", "run", "--dataset", str(dataset), "--mode", "oracle",
                 "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "out"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert set(summary["ex"]) == {"bird_ex", "spider_testsuite", "asker"}
    assert summary["run"]["presets"][0] == "bird_ex" and "EX (bird_ex)" in done.stdout
    # the gold through the gate equals the gold on SQLite wherever the gate accepts it; under
    # the strict presets except for 15, where DuckDB and SQLite pick different rows tied at LIMIT
    outcomes = [
        json.loads(line) for line in (tmp_path / "out/results.jsonl").read_text().splitlines()
    ]
    for o in outcomes:
        if o["got"] == "ok":
            assert o["correct"]["asker"], o
            assert all(o["correct"].values()) or o["id"] == "library/15", o
    assert sum(o["got"] == "ok" for o in outcomes) >= 12
    assert set(summary["per_tag"]["difficulty"]) == {"simple", "moderate", "challenging"}


def test_predictions_show_where_the_presets_differ(dataset: Path, tmp_path: Path) -> None:
    items = {str(i.question_id): i.sql for i in load_items(dataset)}
    predictions = dict(items)
    # 9: cities with duplicates; DISTINCT is right as a set (BIRD), wrong as a bag
    predictions["9"] = items["9"].replace("SELECT T3.city", "SELECT DISTINCT T3.city")
    # 7: the two columns swapped: only presets with column permutation accept it
    predictions["7"] = (
        "SELECT COUNT(*), IFNULL(genre, 'unknown') FROM books GROUP BY IFNULL(genre, 'unknown')"
    )
    # 2: the average within 1e-9 relative: only asker's tolerance accepts it
    predictions["2"] = "SELECT AVG(price) * 1.000000001 FROM books WHERE genre = 'fiction'"
    # 15: Emma ties with Pride and Prejudice at 9.99 at the LIMIT cut
    predictions["15"] = (
        "SELECT title FROM books WHERE price IS NOT NULL ORDER BY price, title LIMIT 2"
    )
    del predictions["13"]  # no prediction: wrong
    path = tmp_path / "predictions.json"
    path.write_text(
        json.dumps({k: f"{v}\t----- bird -----\tlibrary" for k, v in predictions.items()}), "utf-8"
    )
    done = asker("eval", "run", "--dataset", str(dataset), "--predictions", str(path),
                 "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "out"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    got = {
        o["id"]: o["correct"]
        for o in map(json.loads, (tmp_path / "out/results.jsonl").read_text().splitlines())
    }
    assert got["library/9"] == {"bird_ex": True, "spider_testsuite": False, "asker": False}
    assert got["library/7"] == {"bird_ex": False, "spider_testsuite": True, "asker": True}
    assert got["library/2"] == {"bird_ex": False, "spider_testsuite": False, "asker": True}
    assert got["library/15"] == {"bird_ex": False, "spider_testsuite": False, "asker": True}
    assert got["library/13"] == {"bird_ex": False, "spider_testsuite": False, "asker": False}
    assert got["library/0"] == {"bird_ex": True, "spider_testsuite": True, "asker": True}


def test_a_malformed_dataset_gets_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "dev.json"
    bad.write_text('[{"question": "no db"}]', "utf-8")
    done = asker(
        "eval",
        "run",
        "--dataset",
        str(bad),
        "--data-dir",
        str(tmp_path),
        "--out",
        str(tmp_path / "o"),
    )
    assert done.returncode == 1 and "EVAL_DATASET_INVALID" in done.stderr
