"""A guard rail: pages and forms read records only through the restricted manager."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
# Modules that serve users. The service layer and the core are allowed the raw manager.
SERVING = (
    "views.py",
    "forms.py",
    "api.py",
    "exports.py",
    "profile.py",
    "figures.py",
    "subject_access.py",
)
RAW_READ = re.compile(r"\b([A-Z]\w+)\.objects\.(?!visible_to\b)(\w+)")
# Models that are not records (no compartment): the user roster.
NOT_RECORDS = {"User"}


def serving_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name in SERVING)


def test_serving_modules_exist() -> None:
    names = {p.parent.name for p in serving_modules()}
    assert {"bearers", "people", "dialogue", "ui"} <= names


def test_no_serving_module_reads_a_record_around_visible_to() -> None:
    offenders = []
    for path in serving_modules():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in RAW_READ.finditer(line):
                if match.group(1) not in NOT_RECORDS:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_guard_catches_a_raw_read() -> None:
    assert RAW_READ.search("Interaction.objects.filter(pk=pk)")
    assert RAW_READ.search("Person.objects.all()")
    assert not RAW_READ.search("Interaction.objects.visible_to(user)")
