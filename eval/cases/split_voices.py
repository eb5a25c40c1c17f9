"""Split the ``voices`` suite into ``tuned`` (70%) and ``untouched`` (30%) by a recorded seed.

The split was made before the parser saw any of the questions: the ids are sorted, shuffled with
``random.Random(SEED)`` and the first 70% are tagged ``split: tuned``, the rest ``split:
untouched``. Only the tuned slice may be read to tune the parser; the untouched slice is run to
report, never read for failures. ``tests/eval/test_voices_suite.py`` checks the tags are this split.

    python eval/cases/split_voices.py
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

import yaml

SEED = 18_0607  # recorded: issue 18 item 6-7
TUNED_SHARE = 0.7
OUT = Path(__file__).resolve().parent


def assign(ids: Iterable[str], seed: int = SEED) -> dict[str, str]:
    """Each id's slice: the first 70% of the seeded shuffle of the sorted ids are tuned."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    cut = round(len(order) * TUNED_SHARE)
    return {cid: ("tuned" if i < cut else "untouched") for i, cid in enumerate(order)}


def main() -> None:
    paths = sorted(OUT.glob("voices_*.yaml"))
    loaded = {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths}
    split = assign(c["id"] for raw in loaded.values() for c in raw["cases"])
    for path, raw in loaded.items():
        header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True)
                         if line.startswith("#"))  # fmt: skip
        for case in raw["cases"]:
            case["tags"]["split"] = split[case["id"]]
        text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(header + text, encoding="utf-8")
    tuned = sum(v == "tuned" for v in split.values())
    print(f"{len(split)} cases: {tuned} tuned, {len(split) - tuned} untouched (seed {SEED})")


if __name__ == "__main__":
    main()
