"""``python -m asker`` is the ``asker`` command."""

from asker.cli import main

main()
