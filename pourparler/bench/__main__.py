"""``python -m pourparler.bench``: run the benchmarks on the database the settings name."""

from __future__ import annotations

import importlib
import os
import sys


def main() -> None:
    """Set Django up, then hand the arguments to the runner."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pourparler.settings")
    import django

    django.setup()
    # Load the application as the server does, garbage-collector freeze included.
    importlib.import_module("pourparler.wsgi")
    from pourparler.bench.runner import cli

    sys.exit(cli(sys.argv[1:]))


if __name__ == "__main__":
    main()
