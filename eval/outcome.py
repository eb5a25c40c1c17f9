"""One scored case: what was expected, what came back, whether it is right under each preset.

Outcomes are appended one JSON line per case to ``results.jsonl`` as they finish, so an
interrupted run resumes by skipping the ids already there.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from asker.types import json_value


@dataclass(frozen=True)
class Outcome:
    id: str
    expected: str  # ok | clarify | refused
    got: str  # ok | clarify | refused | error | timeout | skipped
    correct: dict[str, bool]  # preset -> right under it (clarify/refusal: the same for all)
    tags: dict[str, str]
    code: str | None = None
    expected_code: str | None = None
    reason: str = ""
    latency_ms: float = 0.0
    metrics_gold: tuple[str, ...] = ()
    metrics_got: tuple[str, ...] = ()
    violations: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        return self.got != "skipped"

    def to_json(self) -> dict[str, Any]:
        return {k: json_value(v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Outcome:
        raw = dict(raw)
        for key in ("metrics_gold", "metrics_got", "violations"):
            raw[key] = tuple(raw.get(key) or ())
        return cls(**raw)


def read_outcomes(path: Path) -> list[Outcome]:
    """Outcomes already written; a line cut off by an interruption is ignored."""
    if not path.is_file():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(Outcome.from_json(json.loads(line)))
        except (json.JSONDecodeError, TypeError):
            continue
    return found


def append_outcome(path: Path, outcome: Outcome) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(outcome.to_json(), ensure_ascii=False) + "\n")
