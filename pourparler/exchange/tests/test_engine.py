"""The import framework: all or nothing, dry runs, idempotency, conflicts, provenance, audit.

A small importer of countries stands in for the real formats here, so each rule is
seen on its own; the real formats have their own tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import AuditEvent, ChangeLogEntry
from pourparler.core.services import snapshot, update_record
from pourparler.exchange import engine
from pourparler.exchange.batch import create_in_bulk
from pourparler.exchange.choices import RunStatus
from pourparler.exchange.engine import ImportContext, Importer
from pourparler.exchange.models import ImportRun, Provenance
from pourparler.exchange.reader import RowError, Table
from pourparler.exchange.services import run_import
from pourparler.geo.models import Country
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db

Item = tuple[int, str, str, str]


class CountryList(Importer):
    """Countries of the user-assigned range, one a row: iso2, iso3, name."""

    kind = "generic"
    source = "Test list of places"

    def parse(self, table: Table, errors: list[RowError]) -> list[Item]:
        items = []
        for row in table.rows:
            iso2 = row.get("iso2").upper()
            if len(iso2) != 2:
                errors.append(RowError(table.file_name, row.number, "iso2", "two letters expected"))
            items.append((row.number, iso2, row.get("iso3").upper(), row.get("name")))
        return items

    def apply(self, items: list[Item], ctx: ImportContext) -> None:
        stored = {c.iso2: c for c in Country.objects.alive().filter(iso2__in=[i[1] for i in items])}
        for number, iso2, iso3, name in ctx.progress(items, "places"):
            country = stored.get(iso2)
            if country is None:
                ctx.create(
                    Country(iso2=iso2, iso3=iso3, name=name),
                    row=number,
                    columns={"name": "name", "iso3": "iso3"},
                )
            else:
                ctx.update(country, row=number, changes={"name": name, "iso3": iso3})


@pytest.fixture(autouse=True)
def countries_importer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    engine.kinds()  # registers the real kinds first
    monkeypatch.setitem(engine.IMPORTERS, "generic", CountryList)
    yield


GOOD = "iso2,iso3,name\nQM,QMA,Varnia\nQN,QNA,Kestria\nQO,QOA,Orun\n"


OURS = ["QM", "QN", "QO", "QP", "QR", "QZ"]


def countries() -> dict[str, str]:
    return dict(Country.objects.filter(iso2__in=OURS).values_list("iso2", "name"))


def test_an_import_creates_every_fact_with_its_provenance_and_log(world: World) -> None:
    run = run_import("generic", GOOD.encode(), "places.csv", actor=world.alice)
    assert run.status == RunStatus.COMPLETED
    assert (run.created, run.updated, run.unchanged, run.conflicts) == (3, 0, 0, 0)
    assert run.rows == 3
    assert run.created_by == world.alice
    assert len(run.sha256) == 64
    assert countries() == {"QM": "Varnia", "QN": "Kestria", "QO": "Orun"}
    kestria = Country.objects.get(iso2="QN")
    [origin] = Provenance.objects.filter(object_id=kestria.pk)
    assert (origin.run, origin.row_number, origin.file_name) == (run, 3, "places.csv")
    assert origin.source == "Test list of places"
    assert origin.fact == kestria
    assert origin.object_version == 1
    # Every fact is in the change log under the importer's name, and chained for audit.
    entry = ChangeLogEntry.objects.get(object_id=kestria.pk)
    assert (entry.actor, entry.action, entry.after["name"]) == (world.alice, "create", "Kestria")
    assert AuditEvent.objects.filter(detail__entry=str(entry.pk)).count() == 1
    assert ChangeLogEntry.objects.filter(object_id=run.pk).count() == 2  # opened, closed


def test_the_same_file_twice_creates_nothing_new(world: World) -> None:
    run_import("generic", GOOD.encode(), "places.csv", actor=world.alice)
    facts, origins = Country.objects.count(), Provenance.objects.count()
    again = run_import("generic", GOOD.encode(), "places-again.csv", actor=world.bob)
    assert again.status == RunStatus.COMPLETED
    assert (again.created, again.updated, again.unchanged, again.conflicts) == (0, 0, 3, 0)
    assert not again.changed_anything
    assert (Country.objects.count(), Provenance.objects.count()) == (facts, origins)


def test_a_dry_run_lists_what_would_change_and_writes_nothing(world: World) -> None:
    before = (Country.objects.count(), Provenance.objects.count(), ChangeLogEntry.objects.count())
    run = run_import("generic", GOOD.encode(), "places.csv", actor=world.alice, dry_run=True)
    assert run.status == RunStatus.PREVIEWED
    assert run.dry_run
    assert run.created == 3
    assert [c["what"] for c in run.report["changes"]] == ["Varnia", "Kestria", "Orun"]
    assert {c["action"] for c in run.report["changes"]} == {"create"}
    # Only the run itself is recorded (one entry); no place, no provenance.
    after = (Country.objects.count(), Provenance.objects.count(), ChangeLogEntry.objects.count())
    assert after == (before[0], before[1], before[2] + 1)


def test_one_bad_row_refuses_the_whole_file_naming_row_and_column(world: World) -> None:
    bad = GOOD + "QPX,QPA,Nowhere\nQR,QRA,Far\n"
    before = (Country.objects.count(), Provenance.objects.count())
    run = run_import("generic", bad.encode(), "places.csv", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    assert run.errors == 1
    assert run.report["errors"] == [
        {
            "file": "places.csv",
            "row": 5,
            "column": "iso2",
            "reason": "two letters expected",
            "template": "two letters expected",
            "values": {},
        }
    ]
    assert (Country.objects.count(), Provenance.objects.count()) == before
    assert run.created == 0


def test_a_value_the_record_refuses_is_reported_against_its_column(world: World) -> None:
    too_long = GOOD + "QR,QRA," + "x" * 130 + "\n"
    before = Country.objects.count()
    run = run_import("generic", too_long.encode(), "places.csv", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    [error] = run.report["errors"]
    assert (error["row"], error["column"]) == (5, "name")
    assert "at most 120 characters" in error["reason"]
    assert Country.objects.count() == before


def test_a_changed_file_updates_facts_nobody_touched(world: World) -> None:
    run_import("generic", GOOD.encode(), "places.csv", actor=world.alice)
    changed = GOOD.replace("Orun", "Orun Province")
    run = run_import("generic", changed.encode(), "places-2.csv", actor=world.alice)
    assert (run.created, run.updated, run.unchanged, run.conflicts) == (0, 1, 2, 0)
    orun = Country.objects.get(iso2="QO")
    assert (orun.name, orun.version) == ("Orun Province", 2)
    latest = Provenance.objects.filter(object_id=orun.pk).order_by("-object_version").first()
    assert latest is not None
    assert (latest.run, latest.object_version, latest.file_name) == (run, 2, "places-2.csv")
    [change] = [c for c in run.report["changes"] if c["action"] == "update"]
    assert change["fields"] == {"name": ["Orun", "Orun Province"]}


def test_a_fact_changed_by_hand_is_a_conflict_and_is_not_overwritten(world: World) -> None:
    run_import("generic", GOOD.encode(), "places.csv", actor=world.alice)
    orun = Country.objects.get(iso2="QO")
    update_record(orun, actor=world.bob, expected_version=1, changes={"name": "Orun (checked)"})
    changed = GOOD.replace("Orun", "Orun Province")
    run = run_import("generic", changed.encode(), "places-2.csv", actor=world.alice)
    assert (run.updated, run.conflicts) == (0, 1)
    assert Country.objects.get(iso2="QO").name == "Orun (checked)"
    [conflict] = run.report["conflicts"]
    assert conflict["row"] == 4
    assert conflict["fields"] == {"name": ["Orun (checked)", "Orun Province"]}


def test_a_place_entered_by_hand_is_never_overwritten_by_an_import(world: World) -> None:
    from pourparler.geo.services import do_create_country

    do_create_country(actor=world.alice, iso2="QM", iso3="QMA", name="Varnia (by hand)")
    run = run_import("generic", GOOD.encode(), "places.csv", actor=world.alice)
    assert (run.created, run.conflicts) == (2, 1)
    assert Country.objects.get(iso2="QM").name == "Varnia (by hand)"


def test_staff_without_a_content_role_may_not_import(world: World) -> None:
    for user in (world.audrey, world.adam):
        with pytest.raises(PermissionDenied):
            run_import("generic", GOOD.encode(), "places.csv", actor=user)
    assert countries() == {}
    assert not ImportRun.objects.exists()


def test_bulk_creation_logs_what_create_record_would_log(world: World) -> None:
    varnia = Country.objects.get(iso2="FR")
    bearer = WeaponBearer(name="Front A", kind="non_state_armed_group", search_text="front a")
    create_in_bulk([bearer], actor=world.alice, m2m={bearer.pk: {"countries": [varnia]}})
    stored = WeaponBearer.objects.get(pk=bearer.pk)
    assert list(stored.countries.all()) == [varnia]
    assert (stored.version, stored.created_by, stored.updated_by) == (1, world.alice, world.alice)
    entry = ChangeLogEntry.objects.get(object_id=bearer.pk)
    assert entry.after == snapshot(stored)
    assert entry.content_type == ContentType.objects.get_for_model(WeaponBearer)
    assert AuditEvent.objects.filter(detail__entry=str(entry.pk)).count() == 1


def test_bulk_creation_checks_permission_after_the_write_and_rolls_back(world: World) -> None:
    bearer = WeaponBearer(name="Front B", kind="non_state_armed_group")
    with pytest.raises(PermissionDenied):
        create_in_bulk([bearer], actor=world.audrey)
    assert not WeaponBearer.objects.filter(name="Front B").exists()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def call(*args: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_reports_and_refuses(world: World, tmp_path: Path) -> None:
    good = write(tmp_path, "places.csv", GOOD)
    out, _ = call("generic", str(good), "--as", "alice", "--dry-run")
    assert "Dry run: 3 would be created" in out
    assert countries() == {}
    out, _ = call("generic", str(good), "--as", "alice")
    assert "3 created" in out
    out, _ = call("generic", str(good), "--as", "alice")
    assert "No changes" in out
    bad = write(tmp_path, "bad.csv", GOOD + "Q,QZA,Short\n")
    with pytest.raises(CommandError, match="refused: nothing was written"):
        call("generic", str(bad), "--as", "alice")
    with pytest.raises(CommandError, match="--as"):
        call("generic", str(good))
    with pytest.raises(CommandError, match="Unknown kind"):
        call("nonsense", str(good), "--as", "alice")
    with pytest.raises(CommandError, match="content role"):
        call("generic", str(good), "--as", "audrey")


def test_the_command_names_the_bad_row_on_stderr(world: World, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", GOOD + "Q,QZA,Short\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "generic", str(bad), "--as", "alice", stderr=err, stdout=StringIO())
    assert "bad.csv, row 5, column iso2: two letters expected" in err.getvalue()
