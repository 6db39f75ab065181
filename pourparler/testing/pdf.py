"""Looking at PDFs in tests: their text, and their pages as PNG pictures."""

from __future__ import annotations

from pathlib import Path

import pypdfium2


def pdf_text(pdf: bytes) -> str:
    """Return the text of every page, pages separated by a form feed."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\f".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def pdf_pages_as_png(pdf: bytes, stem: Path, scale: float = 1.5) -> list[Path]:
    """Save each page as ``<stem>-<n>.png`` (n from 1) and return the paths."""
    document = pypdfium2.PdfDocument(pdf)
    paths = []
    try:
        for number, page in enumerate(document, start=1):
            path = stem.with_name(f"{stem.name}-{number}.png")
            page.render(scale=scale).to_pil().save(path)
            paths.append(path)
    finally:
        document.close()
    return paths
