"""Keeping a bank's asker: ``asker upgrade``, ``asker backup`` and ``asker restore``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from asker.cli.app import DataDir, Format, FormatOpt, app, fail, out, print_json, settings_for
from asker.errors import AskerError

if TYPE_CHECKING:
    from asker.api import BackupReport


@app.command()
def upgrade(data_dir: DataDir = None, fmt: FormatOpt = Format.text) -> None:
    """升级应用数据库结构（先备份）。Upgrade the app database's schema (back it up first)."""
    from asker import api

    try:
        done = api.upgrade_app_db(settings_for(data_dir))
    except AskerError as error:
        fail(error, fmt)
    if fmt is Format.json:
        print_json({"status": "ok", "before": done.before, "after": done.after})
    elif done.changed:
        out.print(f"已升级 upgraded: {done.before or 'none'} -> {done.after}")
    else:
        out.print(f"已是最新 already up to date: {done.after}")


@app.command()
def backup(
    output: Annotated[Path, typer.Option("--output", "-o", help="备份文件 Archive to write.")],
    data_dir: DataDir = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """备份应用数据库、审计密钥与锚点。Back up the app database with the audit key and anchor."""
    from asker import api

    try:
        report = api.backup(settings_for(data_dir), output)
    except AskerError as error:
        fail(error, fmt)
    _say(report, "已备份 backed up to", fmt)


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="asker backup 生成的备份 The backup archive.")],
    data_dir: DataDir = None,
    force: Annotated[
        bool, typer.Option("--force", help="替换非空目录中的同名文件 Replace them.")
    ] = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """从备份恢复到数据目录。Restore a backup into a data directory."""
    from asker import api

    settings = settings_for(data_dir)
    try:
        report = api.restore(archive, settings.data_dir, force=force)
    except AskerError as error:
        fail(error, fmt)
    _say(report, "已恢复 restored into", fmt)
    if fmt is Format.text:
        out.print(f"请校验 check it: asker audit verify --data-dir {report.path}")


def _say(report: BackupReport, head: str, fmt: Format) -> None:
    if fmt is Format.json:
        print_json(
            {
                "status": "ok",
                "path": str(report.path),
                "files": list(report.files),
                "schema_revision": report.schema_revision,
                "audit_head": report.audit_head,
            }
        )
        return
    out.print(
        f"{head} {report.path} · {', '.join(report.files)}"
        f" · 结构版本 schema {report.schema_revision} · 审计记录 audit records {report.audit_head}"
    )
