"""Figures of a ``voices`` run per slice (tuned / untouched): EX, answered in ≤ 2 interactions,
and breakdowns by role, by voice and by failure class, as Markdown.

    python eval/cases/voices_slices.py RUN_DIR [--slice tuned|untouched|all] [--list]

``--list`` prints the failing cases of the tuned slice only (the untouched slice is never read
case by case: its figures are reported, its failures are not looked at).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from eval.cases import load_suite  # noqa: E402
from eval.outcome import Outcome, read_outcomes  # noqa: E402

HEAD = "asker"


def failure_class(o: Outcome) -> str:
    """What went wrong, in general terms: expected status -> got status (code), or wrong rows."""
    if o.correct[HEAD]:
        return "right"
    if o.expected == o.got == "ok":
        return "ok: rows differ from the gold"
    code = f" {o.code}" if o.code else ""
    return f"{o.expected} -> {o.got}{code}"


def _pct(right: int, n: int) -> str:
    return f"{right}/{n} = {right / n * 100:.1f}%" if n else "-"


def table(title: str, groups: dict[str, list[Outcome]]) -> list[str]:
    lines = [
        "",
        f"### {title}",
        "",
        "| value | n | EX / right | ≤ 2 interactions |",
        "|---|---|---|---|",
    ]
    for key in sorted(groups):
        group = groups[key]
        right = sum(o.correct[HEAD] for o in group)
        two = sum(o.correct[HEAD] or o.extra.get("two_step") == "reached" for o in group)
        lines.append(
            f"| {key} | {len(group)} | {_pct(right, len(group))} | {_pct(two, len(group))} |"
        )
    return lines


def report(outcomes: list[Outcome], name: str) -> list[str]:
    answerable = [o for o in outcomes if o.expected == "ok"]
    right = sum(o.correct[HEAD] for o in answerable)
    two = sum(o.correct[HEAD] or o.extra.get("two_step") == "reached" for o in answerable)
    clar = [o.extra["two_step"] for o in outcomes if "two_step" in o.extra]
    reached = clar.count("reached")
    judged = sum(v in ("reached", "missed") for v in clar)
    all_right = sum(o.correct[HEAD] for o in outcomes)
    lines = [
        f"## slice: {name}",
        "",
        f"- cases {len(outcomes)}; all statuses right: {_pct(all_right, len(outcomes))}",
        f"- **EX (answerable, {HEAD})**: {_pct(right, len(answerable))}",
        f"- **answered in ≤ 2 interactions** (answerable): {_pct(two, len(answerable))}",
        f"- clarifications whose choice reaches the gold: {_pct(reached, judged)} "
        f"({len(clar) - judged} clarifications without gold)",
    ]
    for status in ("clarify", "refused"):
        group = [o for o in outcomes if o.expected == status]
        lines.append(
            f"- expected {status}: {_pct(sum(o.correct[HEAD] for o in group), len(group))}"
        )
    by: dict[str, dict[str, list[Outcome]]] = defaultdict(lambda: defaultdict(list))
    for o in outcomes:
        for tag in ("permission", "voice", "shape"):
            by[tag][o.tags.get(tag, "-")].append(o)
    lines += table("by role", by["permission"]) + table("by voice", by["voice"])
    lines += table("by shape", by["shape"])
    classes = Counter(failure_class(o) for o in outcomes if not o.correct[HEAD])
    lines += ["", "### failures by class", "", "| class | n |", "|---|---|"]
    lines += [f"| {c} | {n} |" for c, n in classes.most_common()]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--slice", default="all", choices=["tuned", "untouched", "all"])
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    split = {c.id: c.tags.split for c in load_suite("voices")}
    outcomes = [o for o in read_outcomes(args.run_dir / "results.jsonl") if o.scored]
    if args.list:
        cases = {c.id: c for c in load_suite("voices")}
        for o in outcomes:
            if split.get(o.id) == "tuned" and not o.correct[HEAD]:
                c = cases[o.id]
                print(f"{failure_class(o)} | {c.user} | {c.turns} {c.question} | {o.reason[:150]}")
        return
    slices = ["tuned", "untouched"] if args.slice == "all" else [args.slice]
    lines: list[str] = []
    for name in slices:
        lines += [*report([o for o in outcomes if split.get(o.id) == name], name), ""]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
