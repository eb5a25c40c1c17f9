"""The ``asker`` command. Exit codes: 0 ok (or a clarifying question), 1 error, 2 usage, 3 refused.

Every command takes ``--data-dir``; ``--format json`` prints one JSON object (ARCHITECTURE §7).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from asker.config import Settings
from asker.errors import AskerError, ConfigError
from asker.types import Answer, json_value

app = typer.Typer(
    name="asker",
    help="asker：用中文或英文向银行数据提问。Ask the bank's data in Chinese or English.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    text = "text"
    json = "json"


class ScaleName(StrEnum):
    tiny = "tiny"
    small = "small"
    large = "large"


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="数据目录 Data directory (default ASKER_DATA_DIR or ./.asker)."
    ),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", help="输出格式 Output format: text or json.")
]


def settings_for(data_dir: Path | None, **overrides: Any) -> Settings:
    """Settings from the environment, with the command line's choices on top."""
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        fail(ConfigError("SETTING_INVALID", name=name, detail=first["msg"]))


def print_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(json_value(payload), ensure_ascii=False) + "\n")


def emit(answer: Answer, fmt: Format) -> None:
    """Print the answer and exit with its status's code."""
    if fmt is Format.json:
        print_json(answer.to_json())
    else:
        _print_answer(answer)
    raise typer.Exit(_EXIT[answer.status])


_EXIT = {"ok": 0, "clarify": 0, "error": 1, "refused": 3}


def _print_answer(answer: Answer) -> None:
    zh = answer.language == "zh"
    if answer.status in ("refused", "error"):
        tag = {"refused": "拒绝 refused", "error": "错误 error"}[answer.status]
        err.print(f"[bold red]{tag}[/bold red] [{answer.code}] {answer.message}")
        return
    out.print(f"[bold]{answer.message}[/bold]")
    if answer.rows or answer.columns:
        table = Table(*answer.columns, show_lines=False)
        for row in answer.rows:
            table.add_row(*(_cell(v) for v in row))
        out.print(table)
    for metric in answer.metrics:
        head = "口径" if zh else "Definition"
        out.print(f"[dim]{head} · {metric.name} v{metric.version}：{metric.definition}[/dim]")
    for item in (*answer.filters, *answer.masked_columns):
        out.print(f"[dim]· {item.label}[/dim]")
    for note in answer.assumptions:
        out.print(f"[yellow]· {note}[/yellow]")
    for number, choice in enumerate(answer.choices, start=1):
        out.print(f"  [cyan]{number}. {choice.label}[/cyan]")
    if answer.sql and answer.status == "ok":
        out.print(f"[dim]SQL: {answer.sql}[/dim]")
    as_of = (
        (f" · 数据日期 {answer.as_of}" if zh else f" · data date {answer.as_of}")
        if answer.as_of
        else ""
    )
    out.print(f"[dim]{answer.elapsed_ms:.0f} ms{as_of}[/dim]")


def _cell(value: Any) -> str:
    value = json_value(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def fail(error: AskerError, fmt: Format = Format.text) -> NoReturn:
    """Report an error that is not an answer (set-up, configuration) and exit."""
    if fmt is Format.json:
        print_json({"status": error.status, "code": error.code, "message": error.message("zh")})
    else:
        err.print(f"[bold red]错误 error[/bold red] [{error.code}] {error.message('zh')}")
    raise typer.Exit(error.exit_code)


@app.command()
def init(
    data_dir: DataDir = None,
    scale: Annotated[
        ScaleName, typer.Option(help="演示银行规模 tiny|small|large")
    ] = ScaleName.small,
    seed: Annotated[int, typer.Option(help="生成器种子 Generator seed.")] = 42,
    force: Annotated[bool, typer.Option("--force", help="重建已存在的数据目录 Rebuild.")] = False,
) -> None:
    """构建演示银行数据目录。Build the demo bank data directory."""
    from asker import api

    settings = settings_for(data_dir)
    try:
        with err.status("") as status:
            manifest = api.init(
                settings,
                scale=scale.value,
                seed=seed,
                force=force,
                progress=lambda step: status.update(f"正在生成 building: {step}"),
            )
    except KeyboardInterrupt:
        fail(ConfigError("BUILD_INTERRUPTED"))
    except AskerError as error:
        fail(error)
    rows = sum(manifest.row_counts.values())
    out.print(
        f"已初始化 initialised {settings.data_dir} · scale={manifest.scale} seed={manifest.seed}"
        f" · 数据日期 data date {manifest.data_date}"
        f" · {len(manifest.row_counts)} tables, {rows:,} rows"
    )


UserOpt = Annotated[str | None, typer.Option("--user", help="以该用户身份执行 Run as this user.")]


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(help="一条 SELECT 语句 One SELECT statement.")],
    data_dir: DataDir = None,
    user: UserOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """通过安全检查与沙箱执行一条 SQL。Run one SQL statement through the checks and sandbox."""
    from asker import api

    settings = settings_for(data_dir)
    emit(api.run_sql(statement, settings=settings, user=user, language="zh"), fmt)


ConversationOpt = Annotated[
    str | None,
    typer.Option("--conversation", help="会话ID，用于追问 Conversation id for follow-ups."),
]


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="问题 The question, in Chinese or English.")],
    data_dir: DataDir = None,
    user: UserOpt = None,
    conversation: ConversationOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """提问并得到答案。Ask a question and get the answer."""
    _question("ask", question, data_dir, user=user, conversation=conversation, fmt=fmt)


@app.command()
def explain(
    question: Annotated[str, typer.Argument(help="问题 The question, in Chinese or English.")],
    data_dir: DataDir = None,
    user: UserOpt = None,
    conversation: ConversationOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """显示查询计划与最终SQL，不执行。Show the plan and the final SQL without running it."""
    _question("explain", question, data_dir, user=user, conversation=conversation, fmt=fmt)


def _question(
    how: str,
    question: str,
    data_dir: Path | None,
    *,
    user: str | None,
    conversation: str | None,
    fmt: Format,
) -> None:
    from asker import api

    run = api.ask if how == "ask" else api.explain
    emit(run(question, settings=settings_for(data_dir), user=user, conversation=conversation), fmt)


@app.command()
def serve(
    data_dir: DataDir = None,
    port: Annotated[int, typer.Option(help="端口 Port.")] = 8501,
    address: Annotated[str, typer.Option(help="监听地址 Address to listen on.")] = "127.0.0.1",
) -> None:
    """启动问数网页（Streamlit）。Start the chat app (Streamlit)."""
    import os
    import subprocess
    from importlib import resources

    from asker.warehouse.datadir import read_manifest

    settings = settings_for(data_dir)
    try:
        read_manifest(settings.data_dir)
    except AskerError as error:
        fail(error)
    app_file = str(resources.files("ui").joinpath("app.py"))
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        app_file,
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.enableXsrfProtection",
        "true",
    ]
    env = {**os.environ, "ASKER_DATA_DIR": str(settings.data_dir.absolute())}
    out.print(f"问数助手 asker: http://{address}:{port}  (Ctrl+C 退出 to stop)")
    raise typer.Exit(subprocess.call(command, env=env))


@app.command()
def bench(
    data_dir: DataDir = None,
    scales: Annotated[
        str, typer.Option(help="要计时构建的规模 Scales to time, comma-separated.")
    ] = "tiny,small",
    repeat: Annotated[int, typer.Option(help="每条查询重复次数 Runs per query.")] = 30,
    output: Annotated[Path | None, typer.Option(help="结果 JSON 文件 Write results here.")] = None,
) -> None:
    """运行基准测试。Run the benchmarks: build time and size per scale, raw query latency."""
    from asker import bench as benchmarks

    settings = settings_for(data_dir)
    names = [s.strip() for s in scales.split(",") if s.strip()]
    report = benchmarks.run(settings, scales=names, repeat=repeat, say=out.print)
    if output is not None:
        output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


metrics_app = typer.Typer(help="指标字典 The metric dictionary.", no_args_is_help=True)
app.add_typer(metrics_app, name="metrics")


@metrics_app.command("list")
def metrics_list(data_dir: DataDir = None, fmt: FormatOpt = Format.text) -> None:
    """列出已发布指标。List the published metrics."""
    from asker import api

    try:
        versions = api.list_metrics(settings_for(data_dir))
    except AskerError as error:
        fail(error, fmt)
    rows = [
        {
            "code": v.code,
            "name": v.definition["name"],
            "name_en": v.definition["name_en"],
            "type": v.definition["type"],
            "category": v.definition["category"],
            "version": v.version,
            "status": v.status,
            "locked": v.definition.get("locked", False),
        }
        for v in versions
    ]
    if fmt is Format.json:
        print_json({"status": "ok", "metrics": rows})
        return
    table = Table("code", "名称", "name", "类型", "类别", "版本", "状态", "锁定")
    for r in rows:
        table.add_row(
            r["code"],
            r["name"],
            r["name_en"],
            r["type"],
            r["category"],
            f"v{r['version']}",
            r["status"],
            "🔒" if r["locked"] else "",
        )
    out.print(table)


@metrics_app.command("show")
def metrics_show(
    code: Annotated[str, typer.Argument(help="指标编码 Metric code, e.g. npl_ratio.")],
    data_dir: DataDir = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """显示指标口径、版本、血缘与示例SQL。Show a metric's definition, versions, lineage, SQL."""
    from asker import api

    try:
        detail = api.metric_detail(settings_for(data_dir), code)
    except AskerError as error:
        fail(error, fmt)
    current = detail.current
    versions = detail.versions
    payload = {
        "status": "ok",
        "code": current.code,
        "version": current.version,
        "definition": current.definition,
        "lineage": detail.lineage,
        "sql": detail.sql,
        "versions": [
            {
                "version": v.version,
                "status": v.status,
                "author": v.author,
                "created_at": v.created_at,
            }
            for v in versions
        ],
    }
    if fmt is Format.json:
        print_json(payload)
        return
    d = current.definition
    out.print(
        f"[bold]{d['name']}[/bold] {d['name_en']} · {current.code} · v{current.version} "
        f"· {d['category']} · {d['owner_department']} {d['steward']}"
    )
    out.print(f"口径：{d['definition']}")
    out.print(f"Definition: {d['definition_en']}")
    out.print(
        "血缘 lineage: " + "; ".join(f"{t}({', '.join(c)})" for t, c in detail.lineage.items())
    )
    out.print("版本 versions: " + ", ".join(f"v{v.version} {v.status}" for v in versions))
    out.print(detail.sql)


@metrics_app.command("validate")
def metrics_validate(
    path: Annotated[
        Path | None,
        typer.Argument(help="YAML 文件或目录 File or folder (default: the shipped dictionary)."),
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """校验指标字典并列出全部问题。Validate a dictionary and list every problem."""
    from asker import api

    problems = api.validate_dictionary(path)
    if fmt is Format.json:
        print_json({"status": "error" if problems else "ok", "problems": problems})
    elif problems:
        err.print(f"[bold red]{len(problems)} 个问题 problem(s):[/bold red]")
        for problem in problems:
            err.print(f"  - {problem}")
    else:
        out.print("指标字典校验通过 The dictionary is valid.")
    raise typer.Exit(1 if problems else 0)


@metrics_app.command("import")
def metrics_import(
    path: Annotated[Path, typer.Argument(help="YAML 文件或目录 File or folder.")],
    data_dir: DataDir = None,
    author: Annotated[str, typer.Option(help="作者 Recorded as the author.")] = "import",
    fmt: FormatOpt = Format.text,
) -> None:
    """导入指标（内容变化才生成新版本，全部校验通过才写入）。Import metric definitions."""
    from asker import api

    try:
        report = api.import_metrics(settings_for(data_dir), path, author=author)
    except AskerError as error:
        fail(error, fmt)
    if fmt is Format.json:
        print_json(
            {
                "status": "ok",
                "created": [{"code": c, "version": v} for c, v in report.created],
                "unchanged": list(report.unchanged),
            }
        )
        return
    out.print(
        f"新版本 new versions: {len(report.created)} · 未变化 unchanged: {len(report.unchanged)}"
    )
    for code, version in report.created:
        out.print(f"  {code} v{version}")


@metrics_app.command("export")
def metrics_export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="输出目录 Folder to write.")
    ] = Path("dictionary"),
    data_dir: DataDir = None,
) -> None:
    """导出已发布指标为 YAML。Export the published dictionary as YAML."""
    from asker import api

    try:
        written = api.export_metrics(settings_for(data_dir), output)
    except AskerError as error:
        fail(error)
    out.print(f"已导出 exported {len(written)} files to {output}")


audit_app = typer.Typer(help="审计日志 The audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = None, fmt: FormatOpt = Format.text) -> None:
    """校验审计日志的哈希链与外部锚点。Check the audit log's hash chain and external anchor."""
    from asker import api

    try:
        report = api.verify_audit(settings_for(data_dir))
    except AskerError as error:
        fail(error, fmt)
    if fmt is Format.json:
        print_json(
            {
                "status": "ok" if report.ok else "error",
                "count": report.count,
                "problems": list(report.problems),
            }
        )
    elif report.ok:
        out.print(f"审计日志完整 The audit log is intact: {report.count} records.")
    else:
        head = "审计日志被篡改 The audit log was tampered with"
        err.print(f"[bold red]{head}[/bold red] ({report.count} records):")
        for problem in report.problems:
            err.print(f"  - {problem}")
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def index(data_dir: DataDir = None, fmt: FormatOpt = Format.text) -> None:
    """重建检索索引。Rebuild the retrieval index (metrics, glossary, schema, values, examples)."""
    from asker import api

    try:
        with err.status("") as status:
            report = api.rebuild_index(
                settings_for(data_dir),
                progress=lambda step: status.update(f"正在索引 indexing: {step}"),
            )
    except KeyboardInterrupt:
        fail(ConfigError("INDEX_INTERRUPTED"), fmt)
    except AskerError as error:
        fail(error, fmt)
    counts = {
        "added": report.added,
        "updated": report.updated,
        "deleted": report.deleted,
        "unchanged": report.unchanged,
    }
    if fmt is Format.json:
        print_json({"status": "ok", **counts})
    else:
        out.print(
            f"索引已更新 index updated: 新增 added {report.added} · 更新 updated {report.updated}"
            f" · 删除 deleted {report.deleted} · 未变 unchanged {report.unchanged}"
        )


def main() -> None:
    app()
