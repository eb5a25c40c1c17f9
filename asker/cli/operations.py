"""Running asker: ``asker init``, ``serve``, ``bench``, ``index`` and ``audit verify``."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from asker.cli.app import (
    DataDir,
    Format,
    FormatOpt,
    ScaleName,
    app,
    err,
    fail,
    out,
    print_json,
    runtime_for,
    settings_for,
)
from asker.errors import AskerError, ConfigError


class EngineName(StrEnum):
    duckdb = "duckdb"
    postgresql = "postgresql"
    spark = "spark"


@app.command()
def init(  # noqa: PLR0917 (typer: one parameter per option)
    data_dir: DataDir = None,
    scale: Annotated[
        ScaleName, typer.Option(help="演示银行规模 tiny|small|large")
    ] = ScaleName.small,
    seed: Annotated[int, typer.Option(help="生成器种子 Generator seed.")] = 42,
    force: Annotated[bool, typer.Option("--force", help="重建已存在的数据目录 Rebuild.")] = False,
    engine: Annotated[
        EngineName, typer.Option(help="演示银行装入的引擎 Engine to load the demo bank into.")
    ] = EngineName.duckdb,
    warehouse_url: Annotated[
        str | None,
        typer.Option(
            help="引擎地址 Engine URL: postgresql://user@host:port/db or sc://host:port "
            "(default ASKER_WAREHOUSE_URL)."
        ),
    ] = None,
) -> None:
    """构建演示银行数据目录。Build the demo bank data directory."""
    from asker import api
    from asker.warehouse.url import parse_warehouse_url

    settings = settings_for(data_dir)
    try:
        url = warehouse_url or settings.warehouse_url
        if engine is not EngineName.duckdb and not url:
            raise ConfigError(
                "WAREHOUSE_URL_INVALID", reason=f"--engine {engine.value} needs --warehouse-url"
            )
        if url and parse_warehouse_url(url).engine != engine.value:
            raise ConfigError(
                "WAREHOUSE_URL_INVALID",
                reason=f"the URL is not a {engine.value} URL (--engine {engine.value})",
            )
        with err.status("") as status:
            manifest = api.init(
                settings,
                scale=scale.value,
                seed=seed,
                force=force,
                progress=lambda step: status.update(f"正在生成 building: {step}"),
                warehouse_url=url if engine is not EngineName.duckdb else None,
            )
    except KeyboardInterrupt:
        fail(ConfigError("BUILD_INTERRUPTED"))
    except AskerError as error:
        fail(error)
    rows = sum(manifest.row_counts.values())
    where = f" · {manifest.warehouse_url}" if manifest.warehouse_url else ""
    out.print(
        f"已初始化 initialised {settings.data_dir}{where} · scale={manifest.scale}"
        f" seed={manifest.seed}"
        f" · 数据日期 data date {manifest.data_date}"
        f" · {len(manifest.row_counts)} tables, {rows:,} rows"
    )


@app.command()
def serve(
    data_dir: DataDir = None,
    port: Annotated[int, typer.Option(help="端口 Port.")] = 8501,
    address: Annotated[str, typer.Option(help="监听地址 Address to listen on.")] = "127.0.0.1",
) -> None:
    """启动问数网页（Streamlit）。Start the chat app (Streamlit)."""
    from importlib import resources

    from asker import api
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
        "--client.disableDataExport",  # grids offer no CSV or copy: the audited export only
        "true",
    ]
    sso = api.chat_sso_secrets(settings)  # the SSO button's provider settings, for st.login
    if sso is not None:
        command += ["--secrets.files", str(sso.absolute())]
    env = {**os.environ, "ASKER_DATA_DIR": str(settings.data_dir.absolute())}
    out.print(f"问数助手 asker: http://{address}:{port}  (Ctrl+C 退出 to stop)")
    become(command, env)


def become(command: list[str], env: dict[str, str]) -> NoReturn:
    """Replace this process with the server's, so a signal to ``asker serve`` or ``asker api``
    (SIGTERM from systemd, Kubernetes, a shell) reaches the server itself and nothing is left
    running after it."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)


@app.command("api")
def api_server(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option(help="监听地址 Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 Port.")] = 8000,
) -> None:
    """启动 HTTP 接口（OpenAPI 见 /openapi.json）。Start the HTTP API (OpenAPI at /openapi.json)."""
    settings = settings_for(data_dir)
    runtime_for(data_dir).close()  # a missing or broken data dir ends here, not in the server
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "asker.http.app:app_from_env",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",  # asker.http writes one JSON line per request, with its id
        "--no-proxy-headers",  # the peer is the connection's own: the trusted header checks it
        "--timeout-graceful-shutdown",
        str(settings.api_shutdown_grace_s),
    ]
    env = {**os.environ, "ASKER_DATA_DIR": str(settings.data_dir.absolute())}
    out.print(f"问数助手 asker api: http://{host}:{port}/openapi.json  (Ctrl+C 退出 to stop)")
    become(command, env)


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


audit_app = typer.Typer(help="审计日志 The audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = None, fmt: FormatOpt = Format.text) -> None:
    """校验审计日志的哈希链与外部锚点。Check the audit log's hash chain and external anchor."""
    from asker import api

    try:
        report = api.verify_audit(runtime_for(data_dir, fmt))
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
                runtime_for(data_dir, fmt),
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
