"""The ``asker`` command's frame: the Typer app, the options every command shares, settings from
the command line, the runtime and the user a command acts as, and the one place an error that is
not an answer is printed (``fail``)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from asker.config import SecretFileError, Settings
from asker.errors import AskerError, ConfigError
from asker.types import json_value

if TYPE_CHECKING:
    from asker.api import Runtime

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
    except SecretFileError as exc:
        fail(ConfigError(exc.code, **exc.params))
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        fail(ConfigError("SETTING_INVALID", name=name, detail=first["msg"]))


def print_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(json_value(payload), ensure_ascii=False) + "\n")


def fail(error: AskerError, fmt: Format = Format.text) -> NoReturn:
    """Report an error that is not an answer (set-up, configuration) and exit."""
    if fmt is Format.json:
        print_json({"status": error.status, "code": error.code, "message": error.message("zh")})
    else:
        err.print(f"[bold red]错误 error[/bold red] [{error.code}] {error.message('zh')}")
    raise typer.Exit(error.exit_code)


UserOpt = Annotated[str | None, typer.Option("--user", help="以该用户身份执行 Run as this user.")]


def runtime_for(data_dir: Path | None, fmt: Format = Format.text) -> Runtime:
    """The command's runtime over the data dir (DATA_DIR_MISSING and the like end the command)."""
    from asker import api

    try:
        return api.open_runtime(settings_for(data_dir))
    except AskerError as error:
        fail(error, fmt)
