"""The ``asker`` command (typer). Exit codes: 0 ok (or a clarifying question), 1 error, 2 usage,
3 refused. Every command takes ``--data-dir``; ``--format json`` prints one JSON object
(ARCHITECTURE §7). Commands by concern: ``questions`` (ask, explain, sql), ``metrics``,
``operations`` (init, serve, bench, index, audit verify)."""

from asker.cli import metrics, operations, questions, tokens
from asker.cli.app import app

__all__ = ["app", "main", "metrics", "operations", "questions", "tokens"]


def main() -> None:
    app()
