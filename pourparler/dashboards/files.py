"""A chart as a file: its table as CSV, the chart and table as PDF, the picture as PNG.

The PDF is rendered offline by WeasyPrint (``briefs.pdf.render_pdf``, our static files
only). The PNG is that same renderer's PDF of the picture alone, rasterised by pdfium
(``pypdfium2``) and cropped to what is drawn with Pillow: no browser, no hand-made
rasteriser.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from pourparler.briefs.pdf import render_pdf
from pourparler.dashboards.figures import Chart, Scope
from pourparler.exchange.exports import as_text

PNG_SCALE = 2.0
PNG_MARGIN = 16


def csv_bytes(chart: Chart) -> bytes:
    """The chart's table as UTF-8 CSV with a byte-order mark, one header row; text cells
    that a spreadsheet would run as a formula are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([as_text(cell) for cell in chart.table.header])
    for label, values in chart.table.rows:
        writer.writerow([as_text(label), *(as_text(value) for value in values)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _context(chart: Chart, scope: Scope) -> dict[str, Any]:
    return {"chart": chart, "scope": scope, "printed": timezone.localtime(), "for_pdf": True}


def pdf_bytes(chart: Chart, scope: Scope, request: HttpRequest | None = None) -> bytes:
    """The chart, its table and what they mean, as an A4 PDF."""
    return render_pdf("dashboards/chart_pdf.html", _context(chart, scope), request)


def png_bytes(chart: Chart, scope: Scope, request: HttpRequest | None = None) -> bytes:
    """The chart's picture with its title as a PNG, about 950 pixels wide."""
    import pypdfium2
    from PIL import Image, ImageChops

    pdf = render_pdf("dashboards/chart_png.html", _context(chart, scope), request)
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=PNG_SCALE).to_pil().convert("RGB")
    finally:
        document.close()
    white = Image.new("RGB", image.size, (255, 255, 255))
    box = ImageChops.difference(image, white).getbbox()
    if box is not None:
        left, top, right, bottom = box
        image = image.crop(
            (
                max(0, left - PNG_MARGIN),
                max(0, top - PNG_MARGIN),
                min(image.width, right + PNG_MARGIN),
                min(image.height, bottom + PNG_MARGIN),
            )
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
