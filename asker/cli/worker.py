"""Tell me when, from the command line: ``asker worker [--once]`` runs what is due;
``asker subscriptions add|list|remove`` and ``asker alerts add|list|remove`` manage what it sends,
each as ``--user``; ``asker users set-email`` records a user's directory address (mail goes there
only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from asker.cli.app import (
    DataDir,
    Format,
    FormatOpt,
    UserOpt,
    app,
    err,
    fail,
    out,
    print_json,
    runtime_for,
    settings_for,
)
from asker.errors import AskerError, UserFacingError

if TYPE_CHECKING:
    from asker.api import Runtime
    from asker.types import Principal

subscriptions_app = typer.Typer(help="订阅 Subscriptions to saved questions.", no_args_is_help=True)
alerts_app = typer.Typer(help="阈值预警 Threshold alerts.", no_args_is_help=True)
users_app = typer.Typer(help="用户 Users.", no_args_is_help=True)
app.add_typer(subscriptions_app, name="subscriptions")
app.add_typer(alerts_app, name="alerts")
app.add_typer(users_app, name="users")

ChannelOpt = Annotated[
    str, typer.Option("--channel", help="渠道 Channel: email or webhook (group robot).")
]
WebhookOpt = Annotated[
    str | None, typer.Option("--webhook-url", help="群机器人地址 The robot's webhook address.")
]


@app.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="运行到期的任务后退出 Run what is due, then exit.")
    ] = False,
    data_dir: DataDir = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """推送订阅、阈值预警与审计预警。Send subscriptions, threshold alerts and anomaly alerts."""
    from asker import worker as the_worker

    settings = settings_for(data_dir)
    if not once:
        out.print(f"asker worker: 每 {settings.worker_interval_s:g} 秒 every ... s (Ctrl+C 退出)")
        the_worker.serve(settings)
        return
    rt = runtime_for(data_dir, fmt)
    try:
        report = the_worker.run_once(rt)
    except AskerError as error:
        fail(error, fmt)
    finally:
        rt.close()
    if fmt is Format.json:
        print_json({"status": "ok", **vars(report)})
        return
    codes = f" · 代码 codes {', '.join(sorted(set(report.codes)))}" if report.codes else ""
    out.print(
        f"计划 planned {report.planned} · 已发送 sent {report.sent} · "
        f"待重试 retrying {report.retrying} · 失败 failed {report.failed}{codes}"
    )


@contextmanager
def acting(data_dir: Path | None, user: str | None) -> Iterator[tuple[Runtime, Principal]]:
    """The runtime and the user a command acts as; asker's errors end the command."""
    from asker import api

    rt = runtime_for(data_dir)
    try:
        yield rt, api.local_user(rt, user)
    except AskerError as error:
        fail(error)
    finally:
        rt.close()


@subscriptions_app.command("add")
def subscribe(
    saved_question: Annotated[int, typer.Argument(help="收藏的问题编号 Saved question id.")],
    *,
    schedule: Annotated[
        str, typer.Option("--schedule", help="频率 daily (data date moves), weekly, monthly.")
    ] = "daily",
    channel: ChannelOpt = "email",
    webhook_url: WebhookOpt = None,
    subscriber: Annotated[
        str | None,
        typer.Option("--subscriber", help="订阅人（默认自己）Who receives it (default: you)."),
    ] = None,
    data_dir: DataDir = None,
    user: UserOpt = None,
) -> None:
    """订阅收藏的问题。Subscribe to a saved question."""
    from asker import api

    with acting(data_dir, user) as (rt, who):
        made = api.subscribe(
            rt,
            who,
            saved_question,
            schedule=schedule,
            channel=channel,
            webhook_url=webhook_url,
            subscriber=subscriber,
        )
    out.print(f"已订阅 subscribed: #{made.id} → {made.subscriber_id} · {made.schedule} · {channel}")


@subscriptions_app.command("list")
def list_subscriptions(
    data_dir: DataDir = None, user: UserOpt = None, fmt: FormatOpt = Format.text
) -> None:
    """我收到或设置的订阅。The subscriptions you receive or set up."""
    from asker import api

    with acting(data_dir, user) as (rt, who):
        found = api.subscriptions(rt, who)
    rows = [
        {
            "id": s.id,
            "saved_question": s.saved_question_id,
            "subscriber": s.subscriber_id,
            "owner": s.owner_id,
            "schedule": s.schedule,
            "channel": s.channel,
        }
        for s in found
    ]
    if fmt is Format.json:
        print_json({"status": "ok", "subscriptions": rows})
        return
    table = Table(*(rows[0] if rows else ("id",)))
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    out.print(table)


@subscriptions_app.command("remove")
def unsubscribe(
    item: Annotated[int, typer.Argument(help="订阅编号 Subscription id.")],
    data_dir: DataDir = None,
    user: UserOpt = None,
) -> None:
    """停止订阅。Stop a subscription."""
    from asker import api

    with acting(data_dir, user) as (rt, who):
        api.unsubscribe(rt, who, item)
    err.print(f"已停止 stopped: #{item}")


def threshold_value(text: str) -> float:
    """``2%`` → 0.02, ``50`` → 50.0 (ratios are fractions in data)."""
    raw = text.strip()
    try:
        return float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise typer.BadParameter(f"不是数值 not a number: {text}") from None


@alerts_app.command("add")
def add_alert(
    question: Annotated[str, typer.Argument(help="答案为一个数的问题 A question with one number.")],
    *,
    when: Annotated[str, typer.Option("--when", help="比较 Comparison: > >= < <=.")] = ">",
    threshold: Annotated[
        str, typer.Option("--threshold", help="阈值 The line, e.g. 2% or 50.")
    ] = "0",
    channel: ChannelOpt = "email",
    webhook_url: WebhookOpt = None,
    data_dir: DataDir = None,
    user: UserOpt = None,
) -> None:
    """数据日期更新时检查，越线与恢复各提醒一次。Checked when the data date moves."""
    from asker import api

    line = threshold_value(threshold)
    with acting(data_dir, user) as (rt, who):
        made = api.add_alert(
            rt,
            who,
            question,
            comparison=when,
            threshold=line,
            channel=channel,
            webhook_url=webhook_url,
        )
    out.print(f"已设置预警 alert set: #{made.id} {made.metric} {made.comparison} {line:g}")


@alerts_app.command("list")
def list_alerts(
    data_dir: DataDir = None, user: UserOpt = None, fmt: FormatOpt = Format.text
) -> None:
    """我设置的预警。Your threshold alerts."""
    from asker import api

    with acting(data_dir, user) as (rt, who):
        found = api.alerts(rt, who)
    rows = [
        {
            "id": a.id,
            "question": a.question,
            "metric": a.metric,
            "comparison": a.comparison,
            "threshold": a.threshold,
            "state": a.state,
            "evaluated_date": a.evaluated_date,
        }
        for a in found
    ]
    if fmt is Format.json:
        print_json({"status": "ok", "alerts": rows})
        return
    table = Table(*(rows[0] if rows else ("id",)))
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    out.print(table)


@alerts_app.command("remove")
def remove_alert(
    item: Annotated[int, typer.Argument(help="预警编号 Alert id.")],
    data_dir: DataDir = None,
    user: UserOpt = None,
) -> None:
    """删除预警。Remove an alert."""
    from asker import api

    with acting(data_dir, user) as (rt, who):
        api.remove_alert(rt, who, item)
    err.print(f"已删除 removed: #{item}")


@users_app.command("set-email")
def set_email(
    user_id: Annotated[str, typer.Argument(help="用户 The user.")],
    address: Annotated[str, typer.Argument(help="目录中的邮箱 The directory's address.")],
    data_dir: DataDir = None,
) -> None:
    """登记用户的目录邮箱（邮件只发往此地址）。Record a user's directory e-mail address."""
    from asker import api

    rt = runtime_for(data_dir)
    try:
        api.set_email(rt, user_id, address)
    except (AskerError, UserFacingError) as error:
        fail(error)
    finally:
        rt.close()
    err.print(f"已登记 recorded: {user_id}")
