"""Alembic's command line on the app database, without an ini file.

``python -m asker.appstate.migrations current | history | upgrade head | revision ...``
works on the database asker's settings name (``ASKER_APP_DB_URL``, else the data dir's app.db).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic.config import CommandLine

from asker.appstate.database import alembic_config
from asker.config import Settings


def main(argv: Sequence[str] | None = None) -> None:
    cli = CommandLine(prog="python -m asker.appstate.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    config = alembic_config(url=Settings().resolved_app_db_url)
    config.cmd_opts = options
    cli.run_cmd(config, options)


if __name__ == "__main__":
    main()
