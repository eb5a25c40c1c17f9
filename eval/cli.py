"""``asker eval``: the evaluation harness on the command line (added to ``asker`` by
``asker/__main__.py``; this module does not import the CLI, its peer).

    asker eval run --suite bank --mode deterministic
    asker eval run --suite bank --mode oracle
    asker eval run --dataset path/to/dev.json            # BIRD-style JSON + SQLite, 3 presets

Exit codes: 0 the run finished, 1 error or any policy violation, 2 usage error.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from asker.config import Settings
from asker.errors import AskerError, ConfigError

eval_app = typer.Typer(
    name="eval",
    help="评测 The evaluation harness: gold cases, execution accuracy, policy checks, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class ModeName(StrEnum):
    deterministic = "deterministic"
    llm = "llm"
    oracle = "oracle"


class PresetName(StrEnum):
    asker = "asker"
    bird_ex = "bird_ex"
    spider_testsuite = "spider_testsuite"


def _fail(error: AskerError) -> NoReturn:
    err.print(f"[bold red]错误 error[/bold red] [{error.code}] {error.message('zh')}")
    err.print(error.message("en"))
    raise typer.Exit(1)


def _settings(data_dir: Path | None) -> Settings:
    try:
        return Settings(data_dir=data_dir) if data_dir else Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        _fail(ConfigError("SETTING_INVALID", name=name, detail=first["msg"]))


def _presets(headline: PresetName | None, default: str) -> tuple[str, ...]:
    first = headline.value if headline else default
    return (first, *(p.value for p in PresetName if p.value != first))


@eval_app.callback()
def harness() -> None:
    """评测 The evaluation harness: gold cases, execution accuracy, policy checks, reports."""


@eval_app.command()
def run(  # noqa: PLR0917 - typer reads the options from the signature
    suite: Annotated[
        str, typer.Option(help="评测集 Gold suite: eval/cases/<suite>_*.yaml.")
    ] = "bank",
    mode: Annotated[
        ModeName, typer.Option(help="deterministic | llm | oracle")
    ] = ModeName.deterministic,
    preset: Annotated[
        PresetName | None,
        typer.Option(help="主口径 Headline comparator preset (all three are always scored)."),
    ] = None,
    dataset: Annotated[
        Path | None, typer.Option(help="外部数据集 BIRD-style JSON (its SQLite files beside it).")
    ] = None,
    predictions: Annotated[
        Path | None, typer.Option(help="外部预测 {question_id: sql} to score with --dataset.")
    ] = None,
    cases_dir: Annotated[
        Path | None, typer.Option("--cases-dir", help="用例目录 Folder of the suite's YAML.")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="数据目录 Data directory.")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="输出目录 Results folder (default <data dir>/eval/...)."),
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="基线 A saved summary.json to diff against.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="并行数 Parallel workers.")] = 2,
    timeout: Annotated[float, typer.Option(min=1, help="单例超时 Seconds per case.")] = 120.0,
    fresh: Annotated[
        bool, typer.Option(help="重新开始 Ignore earlier results in the folder.")
    ] = False,
) -> None:
    """运行评测 Score a gold suite or an external dataset; write summary.json, report.md/html."""
    settings = _settings(data_dir)
    try:
        summary = _run(
            settings, suite=suite, mode=mode.value, preset=preset, dataset=dataset,
            predictions=predictions, cases_dir=cases_dir, out_dir=out_dir, baseline=baseline,
            workers=workers, timeout=timeout, fresh=fresh,
        )  # fmt: skip
    except AskerError as error:
        _fail(error)
    _print_summary(summary)
    raise typer.Exit(1 if summary["policy_violations"] else 0)


def _run(
    settings: Settings,
    *,
    suite: str,
    mode: str,
    preset: PresetName | None,
    dataset: Path | None,
    predictions: Path | None,
    cases_dir: Path | None,
    out_dir: Path | None,
    baseline: Path | None,
    workers: int,
    timeout: float,
    fresh: bool,
) -> dict[str, Any]:
    from eval.bank import BankScorer, llm_configured
    from eval.cases import CASES_DIR, load_suite
    from eval.external import ExternalScorer, cases_for, load_predictions
    from eval.report import write_report
    from eval.runner import RESULTS, Scorer, run_cases

    if mode == "llm" and not llm_configured(settings) and predictions is None:
        raise ConfigError("EVAL_LLM_NOT_CONFIGURED")
    if dataset is not None and mode == "deterministic" and predictions is None:
        mode = "oracle"  # the deterministic parser knows only the bank: score the gold path
    name = dataset.stem if dataset else suite
    label = "predictions" if predictions else mode
    folder = out_dir or settings.data_dir / "eval" / f"{name}-{label}"
    folder.mkdir(parents=True, exist_ok=True)
    if fresh:
        (folder / RESULTS).unlink(missing_ok=True)
    score: Scorer
    if dataset is not None:
        presets = _presets(preset, "bird_ex")
        cases = cases_for(dataset)
        external = ExternalScorer(
            dataset, folder / "databases", presets,
            predictions=load_predictions(predictions) if predictions else None, timeout_s=timeout,
        )  # fmt: skip
        external.prepare(cases)
        score = external
    else:
        presets = _presets(preset, "asker")
        cases = load_suite(suite, cases_dir or CASES_DIR)
        score = BankScorer(settings, mode, presets, folder)  # type: ignore[arg-type]
    try:
        outcomes = run_cases(
            cases, score, out_dir=folder, presets=presets, workers=workers, timeout_s=timeout
        )
    finally:
        if isinstance(score, ExternalScorer):
            score.close()
    run_info = {
        "suite": None if dataset else suite,
        "dataset": str(dataset) if dataset else None,
        "mode": label,
        "presets": list(presets),
        "data_dir": str(settings.data_dir),
        "out": str(folder),
    }
    return write_report(folder, outcomes, presets, run_info, baseline)


def _print_summary(summary: dict[str, Any]) -> None:
    run_info = summary["run"]
    head = run_info["presets"][0]
    out.print(
        f"[bold]EX ({head}) {_pct(summary['ex'][head])}[/bold] · "
        + " · ".join(f"{p} {_pct(v)}" for p, v in summary["ex"].items() if p != head)
        + f" · {summary['answerable']} answerable of {summary['scored']} scored"
    )
    be, lat = summary["by_expectation"], summary["latency_ms"]
    out.print(
        f"clarify {be['clarify']['correct']}/{be['clarify']['n']} · "
        f"refused {be['refused']['correct']}/{be['refused']['n']} · "
        f"latency p50 {lat['p50']} ms p95 {lat['p95']} ms max {lat['max']} ms"
    )
    two = summary["two_interactions"]
    out.print(
        f"≤2 interactions 两步内: {two['choice_reaches_gold']}/{two['with_gold']} "
        f"({_pct(two['share'])}) · {two['no_gold']} clarifications without gold"
    )
    table = Table("tag", "value", "n", "correct", "share")
    for tag, values in summary["per_tag"].items():
        if tag == "metric":
            continue
        for value, cell in values.items():
            table.add_row(tag, value, str(cell["n"]), str(cell["correct"]), _pct(cell["share"]))
    out.print(table)
    violations = summary["policy_violations"]
    style = "bold red" if violations else "bold green"
    out.print(f"[{style}]policy violations 违规: {len(violations)}[/{style}]")
    for item in violations[:20]:
        out.print(f"  - {item['id']}: {json.dumps(item['violations'], ensure_ascii=False)}")
    out.print(f"[dim]report: {run_info['out']}/report.md · summary.json · report.html[/dim]")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"
