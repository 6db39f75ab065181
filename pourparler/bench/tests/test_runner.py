"""The benchmark runner works end to end on a tiny generated world (few requests).

Nothing here looks at a timing: the report's shape, every endpoint answering 200 at
every layer with rows, the import and ``audit verify`` having run, the files written.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings

from pourparler.bench.runner import TARGETS_MS, run_bench, write_report
from pourparler.generate.scales import scale_for
from pourparler.generate.world import generate_world
from pourparler.search import index

# The databases are set up for the tests that ask for them (the module fixture reads them).
pytestmark = pytest.mark.django_db

REQUESTS = 5
ENDPOINTS = set(TARGETS_MS)


@pytest.fixture(scope="module")
def report(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """One run of the whole suite on a tiny world, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        generate_world(scale_for("tiny"), seed=1, until=datetime.date(2026, 6, 30))
        index.rebuild()
        with override_settings(REQUIRE_SECOND_FACTOR=False):
            yield run_bench(
                scale="tiny", requests=REQUESTS, warmup=1, progress=lambda _: None, profiled=2
            )
        transaction.set_rollback(True)


def test_every_endpoint_answers_with_rows_at_every_layer(report: dict[str, Any]) -> None:
    assert set(report["endpoints"]) == ENDPOINTS
    for key, result in report["endpoints"].items():
        assert result["statuses"] == {"200": REQUESTS + 1}, key
        assert result["floor_statuses"] == {"200": REQUESTS + 1}, key
        assert result["bytes_median"] > 0, key
        assert result["queries"] > 0, key
        assert result["sql_rows_median"] > 0, f"{key}: the database floor read no row"
        for layer in ("stack_ms", "floor_ms", "sql_ms"):
            assert set(result[layer]) == {"p50", "p95", "p99", "mean", "n"}, key
            assert result[layer]["n"] == REQUESTS, key
            assert result[layer]["p50"] <= result[layer]["p95"] <= result[layer]["p99"], key
        assert set(result["ratio_floor"]) == set(result["ratio_sql"]) == {"p50", "p95"}
        assert len(result["stack_samples_ms"]) == REQUESTS, key
        assert set(result["stack_gc"]) == {"gen0", "gen1", "gen2"}, key
        assert result["sql_kind"] == ("replayed" if "dashboard" in key else "hand-written")
        assert result["target_p95_ms"] == TARGETS_MS[key]
        assert isinstance(result["target_met"], bool)
        assert result["rss_mb"] > 0


def test_import_and_audit_verify_ran(report: dict[str, Any]) -> None:
    verified = report["audit_verify"]
    assert verified["ok"] is True
    assert verified["events"] >= scale_for("tiny").audit_events
    imported = report["import"]
    assert imported["completed"] is True
    assert imported["created"] >= imported["rows"] > 0
    assert imported["rows_per_s"] > 0


def test_profiles_and_machine_are_reported(report: dict[str, Any]) -> None:
    assert report["profiles"]
    assert all(
        key in ENDPOINTS and "function calls" in text for key, text in report["profiles"].items()
    )
    machine = report["machine"]
    assert machine["engine"] in {"sqlite", "postgresql"}
    assert machine["cpus"] and machine["python"] and machine["django"] and machine["sqlite"]
    assert "500 interactions" in report["counts"]


def test_the_report_is_written_as_json_and_markdown(report: dict[str, Any], tmp_path: Path) -> None:
    json_path, md_path = write_report(report, tmp_path, "sqlite")
    assert json_path.name == f"sqlite-tiny-{report['date']}.json"
    assert json.loads(json_path.read_text())["endpoints"].keys() == ENDPOINTS
    table = md_path.read_text()
    assert "| bearer profile page |" in table
    assert table.count("\n| ") == len(ENDPOINTS) + 2  # header, rule, one row each
    assert "events/s" in table and "rows/s" in table
