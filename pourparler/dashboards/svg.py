"""Charts drawn on the server as SVG: stacked bars (across or up) and a heat grid.

Every picture is self-describing for people who do not see it: ``role="img"``, a
``<title>`` and a ``<desc>`` that says what the table beside it holds, and a ``<title>``
on every bar. Colours come from the Okabe–Ito palette (told apart with the common kinds
of colour blindness) and each series also has its own fill pattern and a legend in words,
so no figure is told by colour alone; counts are written on the bars wide enough to hold
them. The markup is built with ElementTree, which escapes every name it is given, and
holds no style attribute or script (the content security policy forbids them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
# Okabe & Ito, "Color Universal Design" (2008), in an order where neighbours differ.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
PATTERNS = ("solid", "hatch", "dots", "cross", "rhatch", "lines", "grid", "solid")
GREY = "#6B7280"
# A picture draws at most so many rows (bars across, rows of a grid); the table has them all.
MAX_ROWS = 30


@dataclass(frozen=True)
class Series:
    """One kind of segment of every bar: what it counts, its colour and its pattern."""

    key: str
    label: str
    colour: str = ""
    pattern: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar: its label and one count per series, in the series' order; bars across may
    be grouped under headings (``group``, drawn once above the first bar of each group)."""

    label: str
    values: tuple[int, ...]
    group: str = ""

    @property
    def total(self) -> int:
        """The length of the whole bar."""
        return sum(self.values)


def styled(series: Sequence[Series]) -> list[Series]:
    """Give each series without a colour or pattern the next of the palette's."""
    return [
        Series(
            s.key,
            s.label,
            s.colour or PALETTE[i % len(PALETTE)],
            s.pattern or PATTERNS[i % len(PATTERNS)],
        )
        for i, s in enumerate(series)
    ]


def _luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2)."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better on the colour."""
    return "#000000" if _luminance(colour) > 0.179 else "#FFFFFF"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = text
    return element


def _pattern(defs: ET.Element, pid: str, colour: str, kind: str) -> None:
    """A fill made of the colour and, over it, the series' own marks."""
    pattern = _sub(defs, "pattern", id=pid, width=8, height=8, patternUnits="userSpaceOnUse")
    _sub(pattern, "rect", width=8, height=8, fill=colour)
    ink = ink_on(colour)
    marks: dict[str, list[tuple[str, dict[str, object]]]] = {
        "hatch": [("path", {"d": "M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6"})],
        "rhatch": [("path", {"d": "M0,0 L8,8 M-2,6 L2,10 M6,-2 L10,2"})],
        "cross": [("path", {"d": "M0,8 L8,0 M0,0 L8,8"})],
        "lines": [("path", {"d": "M0,4 L8,4"})],
        "grid": [("path", {"d": "M0,4 L8,4 M4,0 L4,8"})],
        "dots": [("circle", {"cx": 4, "cy": 4, "r": 1.6, "fill": ink, "stroke": "none"})],
    }
    for tag, attrs in marks.get(kind, []):
        drawn: dict[str, object] = {"stroke": ink, "stroke_width": 1.2, "fill": "none", **attrs}
        ET.SubElement(pattern, tag, {k.replace("_", "-"): str(v) for k, v in drawn.items()})


def _svg(key: str, title: str, description: str, height: float) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {round(height)}",
            "width": str(WIDTH),
            "height": str(round(height)),
            "role": "img",
            "aria-labelledby": f"{key}-svg-title {key}-svg-desc",
            "class": "chart-svg",
            "font-family": "sans-serif",
            "font-size": "12",
        },
    )
    _sub(svg, "title", title, id=f"{key}-svg-title")
    _sub(svg, "desc", description, id=f"{key}-svg-desc")
    return svg


def _legend(svg: ET.Element, key: str, series: Sequence[Series], y: float) -> float:
    """Draw the legend from ``y`` down, wrapping; return the y under it."""
    x = 0.0
    for s in series:
        width = 36 + 7.5 * len(s.label)
        if x and x + width > WIDTH:
            x, y = 0.0, y + 20
        item = _sub(svg, "g")
        _sub(
            item,
            "rect",
            x=x,
            y=y,
            width=14,
            height=14,
            fill=f"url(#{key}-p-{s.key})",
            stroke="#1F2937",
        )
        _sub(item, "text", s.label, x=x + 19, y=y + 11, fill="#1F2937")
        x += width
    return y + 26


def _short(label: str, limit: int = 26) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _done(svg: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 (escaped by ElementTree)


def empty(key: str, title: str, message: str) -> SafeString:
    """A small picture saying there is nothing to draw."""
    svg = _svg(key, title, message, 40)
    _sub(svg, "text", message, x=0, y=24, fill=GREY)
    return _done(svg)


def stacked_bars(
    key: str,
    title: str,
    description: str,
    series: Sequence[Series],
    bars: Sequence[Bar],
    *,
    across: bool = True,
) -> SafeString:
    """Draw bars made of one segment per series: across (one row per bar, labels on the
    left) or up (one column per bar, for a time line, labels below)."""
    series = styled(series)
    if not bars or not any(bar.total for bar in bars):
        return empty(key, title, description)
    top = max(bar.total for bar in bars) or 1
    if across:
        label_w, right = 210.0, 40.0
        area = WIDTH - label_w - right
        row, gap = 22.0, 8.0
        svg = _svg(key, title, description, 0)
        defs = _sub(svg, "defs")
        for s in series:
            _pattern(defs, f"{key}-p-{s.key}", s.colour, s.pattern)
        y = _legend(svg, key, series, 4)
        heading = ""
        for bar in bars[:MAX_ROWS]:
            if bar.group and bar.group != heading:
                heading = bar.group
                _sub(svg, "text", _short(heading, 80), x=0, y=y + 13, font_weight="bold")
                y += 20
            group = _sub(svg, "g")
            name = f"{bar.group} · {bar.label}" if bar.group else bar.label
            _sub(group, "title", f"{name}: " + _parts(series, bar))
            _sub(group, "text", _short(bar.label, 30), x=label_w - 6, y=y + 15, text_anchor="end")
            x = label_w
            for s, value in zip(series, bar.values, strict=True):
                if not value:
                    continue
                w = value / top * area
                _sub(
                    group, "rect", x=round(x, 1), y=y, width=round(w, 1), height=row,
                    fill=f"url(#{key}-p-{s.key})", stroke="#FFFFFF",
                )  # fmt: skip
                if w >= 8 * len(str(value)) + 14:
                    _count(group, value, x + w / 2, y + row / 2, s.colour)
                x += w
            _sub(group, "text", str(bar.total), x=round(x + 4, 1), y=y + 15, fill="#1F2937")
            y += row + gap
        y = _more(svg, len(bars), y)
        height = y + 4
    else:
        chart_h, bottom = 160.0, 22.0
        svg = _svg(key, title, description, 0)
        defs = _sub(svg, "defs")
        for s in series:
            _pattern(defs, f"{key}-p-{s.key}", s.colour, s.pattern)
        base = _legend(svg, key, series, 4) + 14 + chart_h
        slot = WIDTH / len(bars)
        every = max(1, -(-len(bars) // 12))
        _sub(svg, "line", x1=0, y1=base, x2=WIDTH, y2=base, stroke="#9CA3AF")
        for index, bar in enumerate(bars):
            group = _sub(svg, "g")
            _sub(group, "title", f"{bar.label}: " + _parts(series, bar))
            x = index * slot + slot * 0.15
            w = slot * 0.7
            y = base
            for s, value in zip(series, bar.values, strict=True):
                if not value:
                    continue
                h = value / top * chart_h
                y -= h
                _sub(
                    group, "rect", x=round(x, 1), y=round(y, 1), width=round(w, 1),
                    height=round(h, 1), fill=f"url(#{key}-p-{s.key})", stroke="#FFFFFF",
                )  # fmt: skip
                if h >= 18 and w >= 8 * len(str(value)) + 14:
                    _count(group, value, x + w / 2, y + h / 2, s.colour)
            if bar.total:
                _sub(
                    group, "text", str(bar.total), x=round(x + w / 2, 1), y=round(y - 3, 1),
                    text_anchor="middle", fill="#1F2937",
                )  # fmt: skip
            if index % every == 0:
                _sub(
                    group, "text", _short(bar.label, 12), x=round(x + w / 2, 1),
                    y=base + 15, text_anchor="middle", fill="#1F2937",
                )  # fmt: skip
        height = base + bottom
    svg.set("viewBox", f"0 0 {WIDTH} {round(height)}")
    svg.set("height", str(round(height)))
    return _done(svg)


def _more(svg: ET.Element, rows: int, y: float) -> float:
    """Say how many rows the picture leaves to the table; return the y under it."""
    if rows <= MAX_ROWS:
        return y
    text = _("… and %(n)s more in the table") % {"n": rows - MAX_ROWS}
    _sub(svg, "text", text, x=0, y=y + 12, fill=GREY)
    return y + 20


def _count(parent: ET.Element, value: int, cx: float, cy: float, colour: str) -> None:
    """Write a count on a segment, on a plain patch of the segment's colour so the pattern
    behind does not blur it."""
    width = 8 * len(str(value)) + 10
    _sub(
        parent, "rect", x=round(cx - width / 2, 1), y=round(cy - 8, 1), width=width, height=16,
        rx=3, fill=colour, stroke="#FFFFFF", stroke_width=1,
    )  # fmt: skip
    _sub(
        parent, "text", str(value), x=round(cx, 1), y=round(cy + 4, 1), text_anchor="middle",
        fill=ink_on(colour), font_weight="bold",
    )  # fmt: skip


def _parts(series: Sequence[Series], bar: Bar) -> str:
    return ", ".join(f"{s.label} {v}" for s, v in zip(series, bar.values, strict=True))


# A sequential scale of blues, light to dark, for the heat grid (count or level).
SHADES = ("#F1F5F9", "#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C")


def heat_grid(
    key: str,
    title: str,
    description: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int | None]]],
    *,
    top: int | None = None,
    texts: Sequence[Sequence[str]] | None = None,
) -> SafeString:
    """Draw a grid of cells shaded by their number (darker is more), each with its number
    (or the text given) written in it; an empty cell is drawn blank and says "—"."""
    if not rows:
        return empty(key, title, description)
    values = [v for _label, cells in rows for v in cells if v is not None]
    top = top if top is not None else max(values, default=0)
    label_w = 210.0
    cell_w = (WIDTH - label_w) / max(1, len(columns))
    cell_h = 26.0
    svg = _svg(key, title, description, 0)
    y = 4.0
    for index, column in enumerate(columns):
        _sub(
            svg, "text", _short(column, 16), x=round(label_w + cell_w * (index + 0.5), 1),
            y=y + 12, text_anchor="middle", font_weight="bold", fill="#1F2937",
        )  # fmt: skip
    y += 20
    for r, (label, cells) in enumerate(rows[:MAX_ROWS]):
        group = _sub(svg, "g")
        _sub(group, "text", _short(label, 30), x=label_w - 6, y=y + 17, text_anchor="end")
        for c, value in enumerate(cells):
            shade = "#FFFFFF" if value is None else _shade(value, top)
            text = texts[r][c] if texts is not None else ("—" if value is None else str(value))
            cell = _sub(group, "g")
            _sub(cell, "title", f"{label}, {columns[c]}: {text}")
            _sub(
                cell, "rect", x=round(label_w + c * cell_w, 1), y=y, width=round(cell_w, 1),
                height=cell_h, fill=shade, stroke="#9CA3AF",
            )  # fmt: skip
            _sub(
                cell, "text", text, x=round(label_w + (c + 0.5) * cell_w, 1), y=y + 17,
                text_anchor="middle", fill=ink_on(shade) if value is not None else GREY,
            )  # fmt: skip
        y += cell_h
    y = _more(svg, len(rows), y + 6)
    height = y
    svg.set("viewBox", f"0 0 {WIDTH} {round(height)}")
    svg.set("height", str(round(height)))
    return _done(svg)


def _shade(value: int, top: int) -> str:
    if top <= 0 or value <= 0:
        return SHADES[0]
    step = 1 + round((len(SHADES) - 2) * value / top)
    return SHADES[min(step, len(SHADES) - 1)]
