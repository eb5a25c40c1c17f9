"""``asker tokens create|list|revoke``: API tokens for ``asker api`` that act as one user.

``create`` prints the token alone on its last line (``TOKEN=$(asker tokens create --user U |
tail -n1)``); it is shown once, only its hash is kept."""

from __future__ import annotations

import datetime as dt
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
from asker.clock import bank_time_text
from asker.errors import AskerError

tokens_app = typer.Typer(help="API 令牌 API tokens for asker api.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")


def _when(moment: dt.datetime | None) -> str:
    return bank_time_text(moment) if moment else "-"


@tokens_app.command("create")
def create(
    user: Annotated[str, typer.Option("--user", help="令牌代表的用户 The user it acts as.")],
    expires_days: Annotated[
        int | None,
        typer.Option("--expires-days", help="有效天数 Days valid (default ASKER_API_TOKEN_DAYS)."),
    ] = None,
    service_role: Annotated[
        str | None,
        typer.Option(
            "--service-role", help="先建服务账号，赋此角色 Create U as a service account first."
        ),
    ] = None,
    org: Annotated[
        str, typer.Option("--org", help="服务账号的机构 The service account's org unit.")
    ] = "HQ",
    data_dir: DataDir = None,
) -> None:
    """签发令牌（最后一行仅为令牌）。Issue a token; its last line of output is the token alone."""
    from asker import api

    rt = runtime_for(data_dir)
    try:
        if service_role is not None:
            api.add_service_account(rt, user, service_role, org)
        issued, expires = api.create_token(rt, user, days=expires_days)
    except AskerError as error:
        fail(error)
    finally:
        rt.close()
    out.print(
        f"已签发令牌 token issued: id {issued.token_id} · 用户 user {user}"
        f" · 到期 expires {_when(expires)}（只显示这一次 shown once）"
    )
    print(issued.token, flush=True)  # alone on the last line, without rich's wrapping


@tokens_app.command("list")
def list_(
    user: Annotated[str | None, typer.Option("--user", help="只看该用户 Only this user.")] = None,
    data_dir: DataDir = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """列出令牌（不含密钥）。List the tokens (never their secret)."""
    from asker import api

    rt = runtime_for(data_dir, fmt)
    found, now = api.list_tokens(rt, user), rt.clock.now()
    rt.close()
    if fmt is Format.json:
        print_json(
            {
                "status": "ok",
                "tokens": [
                    {
                        "token_id": t.token_id,
                        "user": t.user_id,
                        "state": t.state(now),
                        "created_at": t.created_at,
                        "expires_at": t.expires_at,
                        "last_used_at": t.last_used_at,
                    }
                    for t in found
                ],
            }
        )
        return
    table = Table("id", "用户 user", "状态 state", "到期 expires", "最近使用 last used")
    for t in found:
        table.add_row(
            t.token_id, t.user_id, t.state(now), _when(t.expires_at), _when(t.last_used_at)
        )
    out.print(table)


@tokens_app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(help="令牌编号 The token's id (asker tokens list).")],
    data_dir: DataDir = None,
) -> None:
    """吊销令牌，立即生效。Revoke a token; it stops working at once."""
    from asker import api

    rt = runtime_for(data_dir)
    try:
        info = api.revoke_token(rt, token_id)
    except AskerError as error:
        fail(error)
    finally:
        rt.close()
    err.print(f"已吊销 revoked: {info.token_id} ({info.user_id})")
