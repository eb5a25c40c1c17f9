"""Golden files of the gate: ``tests/gate/golden/*.sql``.

Blocks are separated by blank lines. A block is ``input ;`` followed by either the expected
rewritten SQL (ending with ``;``) or ``# expect_issue: CODE``. A ``-- role: NAME`` line sets the
role: in the file's first block for the whole file, at the start of a block for that block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
ROLE = re.compile(r"^--\s*role:\s*(\w+)\s*$")
ISSUE = re.compile(r"^#\s*expect_issue:\s*(\w+)\s*$")


@dataclass(frozen=True)
class GoldenCase:
    file: str
    number: int
    role: str
    sql: str
    expected_sql: str | None
    expected_issue: str | None

    @property
    def id(self) -> str:
        return f"{self.file}-{self.number}"


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _role(lines: list[str]) -> tuple[str | None, list[str]]:
    role = None
    while lines and lines[0].startswith("--"):
        match = ROLE.match(lines[0])
        role = match.group(1) if match else role
        lines = lines[1:]
    return role, lines


def _case(file: str, number: int, role: str, lines: list[str]) -> GoldenCase:
    end = next(i for i, line in enumerate(lines) if line.rstrip().endswith(";"))
    sql = "\n".join(lines[: end + 1]).rstrip()[:-1]
    rest = "\n".join(lines[end + 1 :]).strip()
    issue = ISSUE.match(rest)
    expected_sql = None if issue else rest.rstrip(";")
    return GoldenCase(file, number, role, sql, expected_sql, issue.group(1) if issue else None)


def read_golden(path: Path) -> list[GoldenCase]:
    blocks = _blocks(path.read_text(encoding="utf-8"))
    default, _ = _role(blocks[0])
    cases = []
    for block in blocks[1:]:
        role, lines = _role(block)
        cases.append(_case(path.stem, len(cases) + 1, role or default or "hq_analyst", lines))
    return cases


def all_golden() -> list[GoldenCase]:
    return [case for path in sorted(GOLDEN.glob("*.sql")) for case in read_golden(path)]
