"""Keep docs/security.md and docs/asvs-trace.md honest.

* Every OWASP ASVS 5.0 requirement in scope (computed from the copy of the standard's CSV
  in docs/data/) appears exactly once in the trace, with its level and a valid status,
  and nothing out of scope is traced; the status counts at the top match the rows.
* Every ``path::name`` reference on either page names a file that exists and a function
  or class defined in it (read with ``ast``), and every repository path in backticks
  exists.
* Every role of ``core.choices.Role`` is a column of the permission matrix.

The pages and the CSV are in the repository, so this runs on a fresh clone.
"""

from __future__ import annotations

import ast
import csv
import itertools
import re
from collections import Counter
from functools import cache
from pathlib import Path

from pourparler.core.choices import Role

ROOT = Path(__file__).resolve().parents[3]
SECURITY = ROOT / "docs" / "security.md"
TRACE = ROOT / "docs" / "asvs-trace.md"
ASVS_CSV = ROOT / "docs" / "data" / "asvs-5.0.0-en.csv"

STATUSES = ("met", "partly", "not yet", "n/a")
# Level 1 and 2 everywhere; level 3 in these chapters too.
LEVEL_3_CHAPTERS = frozenset({"V6", "V8", "V11", "V14", "V16"})

TRACE_ROW = re.compile(r"^\|\s*(V\d+\.\d+\.\d+)\s*\|(.*)\|\s*$")
REFERENCE = re.compile(r"`([A-Za-z0-9_./-]+\.py)::([A-Za-z_][A-Za-z0-9_]*)`")
REPO_PATH = re.compile(r"`((?:pourparler|docs|scripts)/[A-Za-z0-9_./-]*[A-Za-z0-9_])`")
COUNT_ROW = re.compile(r"^\|\s*(met|partly|not yet|n/a|total)\s*\|\s*(\d+)\s*\|\s*$")


# ---- reading ----------------------------------------------------------------------------


def requirements_in_scope(csv_path: Path = ASVS_CSV) -> dict[str, str]:
    """Return {requirement id: level} for every requirement the trace must cover."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["req_id"]: row["L"]
        for row in rows
        if row["L"] in ("1", "2") or (row["L"] == "3" and row["chapter_id"] in LEVEL_3_CHAPTERS)
    }


def trace_rows(text: str) -> list[tuple[str, list[str]]]:
    """Return (requirement id, the other cells) for every requirement row of the trace."""
    rows = []
    for line in text.splitlines():
        match = TRACE_ROW.match(line)
        if match:
            rows.append((match.group(1), [cell.strip() for cell in match.group(2).split("|")]))
    return rows


@cache
def names_defined_in(path: Path) -> frozenset[str]:
    """Return the names of every function and class defined anywhere in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    )


# ---- checking -----------------------------------------------------------------------------


def trace_problems(text: str, scope: dict[str, str]) -> list[str]:
    """Say what is wrong with a trace: missing, repeated, out-of-scope rows, bad cells."""
    problems = []
    rows = trace_rows(text)
    seen = Counter(rid for rid, _ in rows)
    for rid in scope:
        if seen[rid] != 1:
            problems.append(f"{rid} appears {seen[rid]} times (once expected)")
    for rid, cells in rows:
        if rid not in scope:
            problems.append(f"{rid} is traced but not in scope")
            continue
        if len(cells) != 4:
            problems.append(f"{rid}: {len(cells) + 1} cells (id, L, status, why, evidence)")
            continue
        level, status, why, evidence = cells
        if level != scope[rid]:
            problems.append(f"{rid}: level {level!r}, the standard says {scope[rid]}")
        if status not in STATUSES:
            problems.append(f"{rid}: status {status!r} is not one of {STATUSES}")
        if not why:
            problems.append(f"{rid}: no reason given")
        if status in ("met", "partly") and not evidence.strip("— "):
            problems.append(f"{rid}: {status} without evidence")
    counts = status_counts(text)
    stated = stated_counts(text)
    if stated != counts:
        problems.append(f"the counts at the top say {stated}, the rows give {counts}")
    return problems


def status_counts(trace: str) -> dict[str, int]:
    """Count the trace's rows by status, with their total."""
    rows = trace_rows(trace)
    statuses = Counter(cells[1] for _, cells in rows if len(cells) == 4)
    return {status: statuses[status] for status in STATUSES} | {"total": len(rows)}


def stated_counts(text: str) -> dict[str, int]:
    """Read a '| status | requirements |' table of counts."""
    stated = {}
    for line in text.splitlines():
        match = COUNT_ROW.match(line)
        if match:
            stated[match.group(1)] = int(match.group(2))
    return stated


def reference_problems(text: str, root: Path = ROOT) -> list[str]:
    """Say which ``path::name`` references or backticked paths do not exist."""
    problems = []
    for path_text, name in REFERENCE.findall(text):
        path = root / path_text
        if not path.is_file():
            problems.append(f"{path_text}::{name}: no such file")
        elif name not in names_defined_in(path):
            problems.append(f"{path_text}::{name}: no function or class {name} in it")
    for path_text in REPO_PATH.findall(text):
        if not (root / path_text).exists():
            problems.append(f"{path_text}: no such file or directory")
    return problems


def matrix_section(text: str) -> str:
    """Return the permission matrix: from '### The matrix' to the next heading of its rank."""
    start = text.index("### The matrix")
    end = text.find("\n### ", start + 1)
    return text[start : end if end != -1 else len(text)]


def table_headers(section: str) -> list[list[str]]:
    """Return the header cells of every markdown table in a piece of text."""
    lines = section.splitlines()
    headers = []
    for line, below in itertools.pairwise(lines):
        if line.startswith("|") and re.match(r"^\|\s*-{3,}", below):
            headers.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return headers


def roles_missing_from_matrix(text: str) -> list[str]:
    """Return the roles that are not a column of every table of the matrix."""
    headers = table_headers(matrix_section(text))
    labels = [str(label) for _, label in Role.choices]
    if len(headers) < 2:
        return labels
    return [label for label in labels if any(label not in header for header in headers)]


# ---- the pages as they are --------------------------------------------------------------


def test_every_requirement_in_scope_is_traced_once_with_a_valid_status() -> None:
    scope = requirements_in_scope()
    assert len(scope) == 286  # 70 + 183 level 1 and 2, and 33 of level 3 in five chapters
    assert trace_problems(TRACE.read_text(encoding="utf-8"), scope) == []


def test_security_md_states_the_counts_of_the_trace() -> None:
    trace = TRACE.read_text(encoding="utf-8")
    assert stated_counts(SECURITY.read_text(encoding="utf-8")) == status_counts(trace)


def test_every_reference_names_an_existing_file_and_function() -> None:
    texts = {page.name: page.read_text(encoding="utf-8") for page in (SECURITY, TRACE)}
    for name, text in texts.items():
        assert reference_problems(text) == [], name
    # Enough references that a broken pattern could not pass by finding none.
    assert len(REFERENCE.findall(texts["security.md"])) >= 100
    assert len(REFERENCE.findall(texts["asvs-trace.md"])) >= 100


def test_every_role_is_a_column_of_the_matrix() -> None:
    assert roles_missing_from_matrix(SECURITY.read_text(encoding="utf-8")) == []


def test_the_trace_is_linked_and_no_section_is_a_placeholder() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    assert "(asvs-trace.md)" in text
    for heading in ("### Second-factor secrets", "### Data protection"):
        assert heading in text
        following = text[text.index(heading) :].split("\n### ")[0]
        assert "Placeholder" not in following, heading


# ---- the checks themselves can fail -----------------------------------------------------


SCOPE = {"V1.1.1": "2", "V1.2.1": "1"}
GOOD_TRACE = """\
| status | requirements |
| --- | --- |
| met | 1 |
| partly | 0 |
| not yet | 0 |
| n/a | 1 |
| total | 2 |

| id | L | status | why | evidence |
| --- | --- | --- | --- | --- |
| V1.1.1 | 2 | met | Decoded once by Django. | `pourparler/settings.py` |
| V1.2.1 | 1 | n/a | Nothing to encode. | — |
"""


def test_the_trace_check_accepts_a_good_trace() -> None:
    assert trace_problems(GOOD_TRACE, SCOPE) == []


def test_the_trace_check_catches_a_missing_repeated_foreign_or_bad_row() -> None:
    missing = GOOD_TRACE.replace("| V1.2.1 | 1 | n/a | Nothing to encode. | — |\n", "")
    assert any("V1.2.1 appears 0 times" in p for p in trace_problems(missing, SCOPE))
    repeated = GOOD_TRACE + "| V1.1.1 | 2 | met | Again. | `pourparler/settings.py` |\n"
    assert any("V1.1.1 appears 2 times" in p for p in trace_problems(repeated, SCOPE))
    foreign = GOOD_TRACE + "| V9.9.9 | 1 | met | Not asked. | `pourparler/settings.py` |\n"
    assert any("V9.9.9 is traced but not in scope" in p for p in trace_problems(foreign, SCOPE))
    bad_status = GOOD_TRACE.replace("| 2 | met |", "| 2 | done |")
    assert any("status 'done'" in p for p in trace_problems(bad_status, SCOPE))
    wrong_level = GOOD_TRACE.replace("| V1.1.1 | 2 |", "| V1.1.1 | 3 |")
    assert any("level '3'" in p for p in trace_problems(wrong_level, SCOPE))
    no_evidence = GOOD_TRACE.replace("once by Django. | `pourparler/settings.py` |", "once. | — |")
    assert any("met without evidence" in p for p in trace_problems(no_evidence, SCOPE))
    wrong_count = GOOD_TRACE.replace("| met | 1 |", "| met | 2 |")
    assert any("the counts at the top" in p for p in trace_problems(wrong_count, SCOPE))


def test_the_reference_check_catches_a_missing_file_function_or_path() -> None:
    good = "`pourparler/core/access.py::clearance_for` and `pourparler/core/access.py`"
    assert reference_problems(good) == []
    assert reference_problems("`pourparler/core/access.py::no_such_function`") == [
        "pourparler/core/access.py::no_such_function: no function or class no_such_function in it"
    ]
    assert reference_problems("`pourparler/core/tests/test_nothing.py::test_x`") == [
        "pourparler/core/tests/test_nothing.py::test_x: no such file"
    ]
    assert reference_problems("`docs/no-such-page.md`") == [
        "docs/no-such-page.md: no such file or directory"
    ]


def test_the_matrix_check_catches_a_missing_role() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    assert roles_missing_from_matrix(text.replace("| Auditor |", "| Reviewer |")) == ["Auditor"]
