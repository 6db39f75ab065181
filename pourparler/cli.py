"""The `pourparler` console command.

`pourparler demo`, `pourparler serve` and `pourparler createuser` are Pourparler's own;
every other word is handed to Django's management commands (migrate, check, shell…).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Pourparler or Django management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pourparler.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "pourparler"
    if len(args) > 1 and not args[1].startswith("-"):
        # `pourparler subject-access` and `pourparler subject_access` are the same command.
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
