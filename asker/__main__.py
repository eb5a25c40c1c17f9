"""The ``asker`` command (``python -m asker`` and the console script): the CLI of
``asker.cli`` with the evaluation harness added as ``asker eval``. This top layer composes the
two peers, which may not import each other (ARCHITECTURE §2, §7)."""

from asker.cli import app
from eval.cli import eval_app

app.add_typer(eval_app, name="eval")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
