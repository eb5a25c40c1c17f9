"""``asker metrics``: list, show, validate, import and export the metric dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from asker.cli.app import (
    DataDir,
    Format,
    FormatOpt,
    app,
    err,
    fail,
    out,
    print_json,
    runtime_for,
)
from asker.errors import AskerError

metrics_app = typer.Typer(help="指标字典 The metric dictionary.", no_args_is_help=True)
app.add_typer(metrics_app, name="metrics")


@metrics_app.command("list")
def metrics_list(data_dir: DataDir = None, fmt: FormatOpt = Format.text) -> None:
    """列出已发布指标。List the published metrics."""
    from asker import api

    try:
        versions = api.list_metrics(runtime_for(data_dir, fmt))
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
        detail = api.metric_detail(runtime_for(data_dir, fmt), code)
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
    data_dir: DataDir = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """校验指标字典并列出全部问题。Validate a dictionary and list every problem.

    With a path, that YAML; with ``--data-dir`` and no path, the data dir's published dictionary
    against its catalog; with neither, the dictionary shipped with asker."""
    from asker import api

    if path is None and data_dir is not None:
        problems = api.validate_published(runtime_for(data_dir, fmt))
    else:
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
        report = api.import_metrics(runtime_for(data_dir, fmt), path, author=author)
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
        written = api.export_metrics(runtime_for(data_dir), output)
    except AskerError as error:
        fail(error)
    out.print(f"已导出 exported {len(written)} files to {output}")
