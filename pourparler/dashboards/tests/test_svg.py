"""The SVG charts: accessible markup, names escaped, not colour alone, long charts cut."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from pourparler.dashboards import svg
from pourparler.dashboards.templatetags.dashboards import figure

NS = {"s": "http://www.w3.org/2000/svg"}
SERIES = [svg.Series("a", "Passed"), svg.Series("b", "Turned back")]


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 (markup this module made, not untrusted input)


def test_a_chart_is_an_image_with_a_title_and_a_description() -> None:
    root = parsed(svg.stacked_bars("k", "Title", "What it shows", SERIES, [svg.Bar("x", (1, 2))]))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "k-svg-title k-svg-desc"
    assert root.findtext("s:title", namespaces=NS) == "Title"
    assert root.findtext("s:desc", namespaces=NS) == "What it shows"
    # Every bar says what it holds in words.
    titles = [t.text for t in root.iterfind("s:g/s:title", NS)]
    assert titles == ["x: Passed 1, Turned back 2"]


def test_series_differ_by_pattern_as_well_as_colour_and_are_named_in_the_legend() -> None:
    root = parsed(svg.stacked_bars("k", "T", "D", SERIES, [svg.Bar("x", (1, 2))], across=False))
    patterns = root.findall("s:defs/s:pattern", NS)
    assert [p.get("id") for p in patterns] == ["k-p-a", "k-p-b"]
    marks = [len(list(p)) for p in patterns]
    assert marks[0] == 1 and marks[1] > 1  # solid, then hatched
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Passed", "Turned back"} <= texts


def test_names_are_escaped() -> None:
    name = '<script>alert("x")</script> & co'
    markup = svg.stacked_bars("k", "T", "D", SERIES, [svg.Bar(name, (1, 0))])
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert parsed(markup) is not None


def test_a_long_chart_draws_thirty_rows_and_leaves_the_rest_to_the_table() -> None:
    bars = [svg.Bar(f"bearer {i}", (i + 1, 0)) for i in range(45)]
    root = parsed(svg.stacked_bars("k", "T", "D", SERIES, bars))
    assert len(root.findall("s:g/s:title", NS)) == 30
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "… and 15 more in the table" in texts


def test_nothing_to_draw_says_so() -> None:
    root = parsed(svg.stacked_bars("k", "T", "Nothing yet", SERIES, []))
    assert root.get("role") == "img"
    assert root.findtext("s:text", namespaces=NS) == "Nothing yet"


def test_a_heat_grid_writes_every_number_and_a_dash_for_an_empty_cell() -> None:
    root = parsed(svg.heat_grid("h", "T", "D", ["P1", "P2"], [("Army", [3, None])], top=4))
    cells = [t.text for t in root.iterfind("s:g/s:g/s:text", NS)]
    assert cells == ["3", "—"]


def test_ink_reads_on_its_colour() -> None:
    assert svg.ink_on("#000000") == "#FFFFFF"
    assert svg.ink_on("#F0E442") == "#000000"


def test_counts_in_the_tables_have_their_digits_grouped() -> None:
    assert figure(1234567) == "1,234,567"
    assert figure(12) == "12"
    assert figure("—") == "—"
