"""Pages as PDF: a rendered template turned into a PDF with WeasyPrint, offline.

WeasyPrint may fetch what a page links to (style sheets, images). Here it reads only our
own static files, from the staticfiles finders; anything else (another host, a file path,
a data URL) is refused, so rendering never reaches the network and a record's text cannot
make the renderer read a local file.
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

PDF_BASE_URL = "https://pourparler.invalid/"


class FetchRefused(ValueError):
    """A page asked the PDF renderer for something other than one of our static files."""


def _static_file(url: str) -> tuple[bytes, str]:
    """Return one of our static files named by a URL under PDF_BASE_URL, and its type."""
    parts = urlsplit(url)
    base = urlsplit(PDF_BASE_URL)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
        prefix
    ):
        raise FetchRefused(f"The PDF may only use our static files, not {url[:80]!r}.")
    name = parts.path[len(prefix) :]
    path = _collected(name)
    if path is None:
        try:
            found = finders.find(name)
        except SuspiciousFileOperation as error:
            raise FetchRefused(f"No static file {parts.path[:80]!r}.") from error
        if not found or isinstance(found, list):
            raise FetchRefused(f"No static file {parts.path[:80]!r}.")
        path = Path(found)
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _collected(name: str) -> Path | None:
    """A file collected into STATIC_ROOT (where the names with a content hash live)."""
    root = Path(settings.STATIC_ROOT).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


@functools.cache
def static_only_fetcher_class() -> type[Any]:
    """WeasyPrint's fetcher, narrowed to our static files (no network, no local paths).

    Built on first use: importing WeasyPrint loads Pango and takes most of a second,
    which no process should pay before it makes a PDF.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            data, content_type = _static_file(url)
            return URLFetcherResponse(url, data, {"Content-Type": content_type})

    return StaticOnlyFetcher


@functools.cache
def font_configuration() -> Any:
    """One font configuration for the process: making it anew (fontconfig's setup) cost
    about a sixth of every PDF. Our style sheets declare no @font-face, so it holds only
    the system fonts and is the same for every document."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """Render a template to HTML, then to PDF bytes (A4, as its print style sheet says)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    fetcher = static_only_fetcher_class()()
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher)
    return bytes(document.write_pdf(font_config=font_configuration()))


def pdf_response(pdf: bytes, stem: str) -> HttpResponse:
    """Answer with a PDF to download, named after what it is and today's date."""
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{stem}-{day}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
