"""Rendering a page to PDF offline: our static files are read, nothing else is."""

from __future__ import annotations

from pathlib import Path

import pytest

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
