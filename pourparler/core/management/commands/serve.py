"""`pourparler serve`: collect static files, then run Pourparler under gunicorn."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pourparler.core import crypto

WSGI_APP = "pourparler.wsgi:application"
# The access log keeps the method, the path without its query string, the status, the
# size and the time taken: a query string can carry a searched name, and the referrer and
# user agent add nothing an operator needs.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def _default_port() -> str:
    return os.environ.get("PORT") or "8000"


class Command(BaseCommand):
    help = (
        "Serve Pourparler with gunicorn on HOST:PORT (static files are collected first). "
        "The port defaults to $PORT, or 8000."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument(
            "--port", default=None, help="port to listen on (default: $PORT, or 8000)"
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="number of gunicorn worker processes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host = str(options["host"]).strip()
        raw_port = options["port"] or _default_port()
        try:
            port = int(raw_port)
        except ValueError:
            raise CommandError(f"The port must be a number, not {raw_port!r}.") from None
        if not 0 < port < 65536:
            raise CommandError(f"The port must lie between 1 and 65535, not {port}.")
        workers = int(options["workers"])
        if workers < 1:
            raise CommandError("At least one worker is needed.")

        # Refuse to start without the master key (encryption at rest), rather than fail
        # on the first page that reads a record.
        try:
            crypto.master_key()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error

        call_command("collectstatic", interactive=False, verbosity=0)

        bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else bind_host  # noqa: S104
        self.stdout.write(
            f"Pourparler is starting on http://{shown_host}:{port}/ "
            f"(gunicorn, {workers} worker{'s' if workers != 1 else ''}; Ctrl-C stops it)."
        )
        if settings.DEMO_MODE:
            self.stdout.write("Demo mode: run `pourparler demo` to see the demo sign-ins.")
        elif getattr(settings, "SESSION_COOKIE_SECURE", False):
            self.stdout.write(
                "Session cookies are marked Secure: put an HTTPS reverse proxy in front."
            )
        self.stdout.flush()
        sys.stderr.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"{bind_host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            WSGI_APP,
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments
