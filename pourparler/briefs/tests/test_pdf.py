"""Rendering a page to PDF offline: our static files are read, nothing else is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static

from pourparler.briefs.pdf import (
    PDF_BASE_URL,
    FetchRefused,
    render_pdf,
    static_only_fetcher_class,
)
from pourparler.testing.pdf import pdf_pages_as_png, pdf_text


def test_a_template_renders_to_a_pdf_whose_text_can_be_read(tmp_path: Path) -> None:
    pdf = render_pdf("ui/_pdf_probe.html", {"name": "Col. Idris Maren"})
    assert pdf.startswith(b"%PDF-")
    assert "Col. Idris Maren" in pdf_text(pdf)
    pages = pdf_pages_as_png(pdf, tmp_path / "probe")
    assert len(pages) == 1 and pages[0].read_bytes().startswith(b"\x89PNG")


def test_our_style_sheet_is_read_and_nothing_else() -> None:
    fetcher = static_only_fetcher_class()()
    css = fetcher.fetch(PDF_BASE_URL + "static/ui/pourparler.css")
    assert css.content_type == "text/css" and len(css.read()) > 100
    for url in (
        "https://example.org/static/ui/pourparler.css",
        "file:///etc/passwd",
        PDF_BASE_URL + "etc/passwd",
        PDF_BASE_URL + "static/../../etc/passwd",
        PDF_BASE_URL + "static/ui/missing.css",
        "data:text/plain,hello",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)


def test_static_names_with_a_content_hash_are_read_from_the_collected_files(
    tmp_path: Path, settings: Any
) -> None:
    """Production serves ui/pourparler.<hash>.css (cached for good); PDFs find it too."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("ui/pourparler.css")
    assert re.fullmatch(r"/static/ui/pourparler\.[0-9a-f]{12}\.css", url)
    css = static_only_fetcher_class()().fetch(PDF_BASE_URL + url.lstrip("/"))
    source = Path(finders.find("ui/pourparler.css"))
    assert css.read() == source.read_bytes()
    with pytest.raises(FetchRefused):
        static_only_fetcher_class()().fetch(PDF_BASE_URL + "static/ui/pourparler.0000.css")


def test_before_collectstatic_pages_name_static_files_plainly(
    tmp_path: Path, settings: Any
) -> None:
    """A worker or a shell that renders a page before any collectstatic gets plain names."""
    settings.STATIC_ROOT = tmp_path / "never-collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "pourparler.ui.staticfiles.HashedStaticFiles"},
    }
    assert static("ui/pourparler.css") == "/static/ui/pourparler.css"
    css = static_only_fetcher_class()().fetch(PDF_BASE_URL + "static/ui/pourparler.css")
    assert len(css.read()) > 100
