"""Reading the field's files: encodings, headers, HXL hashtag rows, dates and numbers."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest

from pourparler.exchange.reader import (
    ImportRefused,
    RowError,
    detect_encoding,
    is_hashtag_row,
    normalise_headers,
    parse_date,
    parse_decimal,
    parse_int,
    read_table,
    split_list,
)

DATA = Path(__file__).parent / "data"


def test_the_raw_census_table_is_read_as_windows_1252() -> None:
    raw = (DATA / "caf_admpop_adm1_2015_v2_raw.cp1252.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert detect_encoding(raw) == "cp1252"
    table = read_table(raw, "caf.csv")
    assert table.encoding == "cp1252"
    names = [row.get("Adm1_name") for row in table.rows]
    assert "Mambéré Kadéi" in names
    assert "Ouham Péndé" in names
    assert len(table.rows) == 17


def test_windows_1252_is_told_from_its_neighbours_by_the_letters_only_it_has() -> None:
    # Œ, « » and – are where cp1250 has other letters: reading cp1250 would garble them.
    text = "nom,remarque\r\nŒuvre « Sécurité »,Forces armées – Région\r\n"
    table = read_table(text.encode("cp1252"), "x.csv")
    assert table.encoding == "cp1252"
    assert table.rows[0].get("nom") == "Œuvre « Sécurité »"
    assert table.rows[0].get("remarque") == "Forces armées – Région"


def test_utf8_with_and_without_a_byte_order_mark() -> None:
    text = "name,kind\nالقوات المسلحة,armed_forces\n"
    plain = read_table(text.encode("utf-8"), "x.csv")
    marked = read_table(b"\xef\xbb\xbf" + text.encode("utf-8"), "x.csv")
    assert plain.encoding == "utf-8"
    assert marked.encoding == "utf-8-sig"
    assert plain.headers == marked.headers == ["name", "kind"]
    assert marked.rows[0].get("name") == "القوات المسلحة"


def test_blank_and_repeated_headers_get_names_of_their_own() -> None:
    assert normalise_headers(["", "Name", "Name", "  ", " Name ", "column_1"]) == [
        "column_1",
        "Name",
        "Name_2",
        "column_4",
        "Name_3",
        "column_1_2",
    ]
    table = read_table(b",Name,Name\n1,Alpha,Beta\n", "x.csv")
    assert table.rows[0].values == {"column_1": "1", "Name": "Alpha", "Name_2": "Beta"}


def test_the_hxl_hashtag_row_under_the_header_is_recognised_and_skipped() -> None:
    table = read_table((DATA / "conflict_data_BGD_hxl.csv").read_bytes(), "bgd.csv")
    assert table.hxl is not None
    assert len(table.rows) == 601
    assert table.rows[0].number == 3  # header is line 1, hashtags line 2
    assert table.column_for_tag("#adm1+name") == "adm_1"
    assert table.column_for_tag("#group+name+first") == "side_a"
    assert table.column_for_tag("#group+name") == "side_a"  # fewer attributes still match
    assert table.column_for_tag("#affected+killed") == "best"
    assert table.column_for_tag("#org") is None


def test_a_file_of_hashtags_without_text_headers() -> None:
    table = read_table(b"#org +name,#country +code\nFront A,CAF\n", "x.csv")
    assert table.hxl == ["#org+name", "#country+code"]
    assert table.column_for_tag("#org") == table.headers[0]
    assert table.rows[0].get(table.headers[0]) == "Front A"


def test_hashtag_rows_are_told_from_data() -> None:
    assert is_hashtag_row(["#org+name", "", "#adm1 +code"])
    assert not is_hashtag_row(["#org+name", "Front A"])
    assert not is_hashtag_row(["", ""])
    assert not is_hashtag_row(["# not a tag"])


def test_a_semicolon_file_is_split_on_semicolons() -> None:
    table = read_table(b"nom;type\nFront A;groupe\n", "x.csv")
    assert table.headers == ["nom", "type"]
    assert table.rows[0].get("type") == "groupe"


def test_an_xlsx_workbook_with_dates_blank_headers_and_hashtags() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", None, "Seen"])
    sheet.append(["#group+name", "", "#date"])
    sheet.append(["Front A", "x", datetime.datetime(2021, 3, 4)])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "groups.xlsx")
    assert table.headers == ["Name", "column_2", "Seen"]
    assert table.hxl == ["#group+name", "", "#date"]
    assert table.rows[0].values == {"Name": "Front A", "column_2": "x", "Seen": "2021-03-04"}
    assert table.rows[0].number == 3


def test_json_as_a_list_of_objects_and_as_rows_of_cells() -> None:
    objects = json.dumps({"data": [{"name": "Front A", "aliases": ["FA", "Front"]}]})
    table = read_table(objects.encode(), "x.json")
    assert table.rows[0].values == {"name": "Front A", "aliases": "FA; Front"}
    cells = json.dumps([["name", "kind"], ["#org+name", ""], ["Front B", "group"]])
    table = read_table(cells.encode(), "x.json")
    assert table.hxl == ["#org+name", ""]
    assert table.rows[0].get("name") == "Front B"


def test_broken_files_are_refused_with_a_reason() -> None:
    with pytest.raises(ImportRefused, match="Not valid JSON"):
        read_table(b"{", "x.json")
    with pytest.raises(ImportRefused, match="empty"):
        read_table(b"", "x.csv")
    with pytest.raises(ImportRefused, match="XLSX"):
        read_table(b"not a zip", "x.xlsx")


@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("2013-12-13", datetime.date(2013, 12, 13), "day"),
        ("2013-12-13 00:00:00.000", datetime.date(2013, 12, 13), "day"),
        ("13/12/2013", datetime.date(2013, 12, 13), "day"),
        ("1/2/2013", datetime.date(2013, 2, 1), "day"),
        ("15 June 2013", datetime.date(2013, 6, 15), "day"),
        ("15-June-2013", datetime.date(2013, 6, 15), "day"),
        ("2013-12", datetime.date(2013, 12, 1), "month"),
        ("December 2013", datetime.date(2013, 12, 1), "month"),
        ("2013", datetime.date(2013, 1, 1), "year"),
    ],
)
def test_dates_are_read_with_their_precision(text: str, day: datetime.date, precision: str) -> None:
    parsed = parse_date(text)
    assert (parsed.date, parsed.precision) == (day, precision)


@pytest.mark.parametrize("text", ["31/02/2013", "yesterday", "2013-13-01", "13 Brumaire 2013"])
def test_what_is_not_a_date_is_said_so(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


def test_numbers_with_thousands_separators_and_null_literals() -> None:
    assert parse_int("448,465") == 448465
    assert parse_int("1 263 826") == 1263826
    assert parse_int("12") == 12
    assert parse_int("<Null>") is None
    assert parse_int("") is None
    with pytest.raises(ValueError, match="whole number"):
        parse_int("1.5")
    with pytest.raises(ValueError, match="whole number"):
        parse_int("many")
    assert str(parse_decimal("22,488976")) == "22.488976"
    assert parse_decimal("n/a") is None


def test_multi_valued_cells() -> None:
    assert split_list("204, 1067") == ["204", "1067"]
    assert split_list("") == []
    assert split_list("Front A; Front B, West", ";") == ["Front A", "Front B, West"]


def test_a_row_error_names_file_row_and_column() -> None:
    error = RowError("groups.csv", 7, "kind", "unknown kind “rebels”")
    assert str(error) == "groups.csv, row 7, column kind: unknown kind “rebels”"
    refused = ImportRefused([error, RowError("groups.csv", 9, "name", "empty")])
    assert "row 7" in str(refused)
    assert "1 more" in str(refused)
