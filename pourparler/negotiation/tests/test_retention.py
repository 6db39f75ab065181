"""Retention of negotiation files: a file closed and left unchanged past its period is
anonymised with every row under it and every version of it; open and recently changed
files are kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pourparler.core import retention
from pourparler.core.tests.test_retention import plaintexts_in_database, verify_command
from pourparler.negotiation.choices import FileStatus
from pourparler.negotiation.models import (
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    NegotiationVersion,
    RedLine,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import do_update_file
from pourparler.negotiation.tests.helpers import fill, open_file
from pourparler.negotiation.versions import Names, content_of, sections
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TEN_YEARS = 10 * 365
CONFIG = {"negotiation_file": {"days": TEN_YEARS, "action": "anonymise"}}


def _closed(world: World, file: NegotiationFile) -> NegotiationFile:
    return do_update_file(
        file,
        actor=world.alice,
        expected_version=file.version,
        changes={"status": FileStatus.CLOSED},
        summary="File closed",
    )


def _last_changed_years_ago(file: NegotiationFile, years: int) -> None:
    """Move the file's versions back in time, as if it had been left alone since."""
    then = NOW - datetime.timedelta(days=365 * years)
    NegotiationVersion.objects.filter(file=file).update(created_at=then)


def test_a_closed_file_left_alone_is_anonymised_with_its_rows_and_versions(
    world: World,
) -> None:
    bearer = make_bearer(world.alice, name="Front of the Hills")
    old = open_file(world, bearer=bearer, title="Release of the Orun detainees")
    fill(world, old, tag=" (Orun)")
    old = _closed(world, NegotiationFile.objects.get(pk=old.pk))
    _last_changed_years_ago(old, 11)
    still_open = open_file(world, bearer=bearer, title="Visits to the Vass barracks")
    _last_changed_years_ago(still_open, 11)
    recent = _closed(world, open_file(world, bearer=bearer, title="Return of the Tarn bodies"))
    assert recent.status == FileStatus.CLOSED
    gone = ("Release of the Orun detainees", "12 held (Orun)", "Fear of reprisals (Orun)")
    gone += ("Elder of Orun (Orun)", "Imam of Kessel (Orun)", "No armed escort (Orun)")
    stays = ("Visits to the Vass barracks", "Return of the Tarn bodies")
    before = plaintexts_in_database()
    for secret in gone + stays:
        assert secret in before, secret
    versions_before = NegotiationVersion.objects.filter(file=old).count()

    [dry] = retention.run(config=CONFIG, now=NOW, dry_run=True).kinds
    assert (dry.examined, dry.expired) == (3, 1)
    [report] = retention.run(config=CONFIG, now=NOW).kinds

    assert (report.examined, report.expired, report.anonymised) == (3, 1, 1)
    after = plaintexts_in_database()
    for secret in gone:
        assert secret not in after, secret
    for secret in stays:
        assert secret in after, secret
    stored = NegotiationFile.objects.get(pk=old.pk)
    assert (stored.title, stored.objective, stored.status) == (retention.MARKER, "", "closed")
    assert stored.bearer_id == bearer.pk and not stored.counterparts.exists()
    assert {i.text for i in IslandItem.objects.filter(file=old)} == {retention.MARKER}
    assert {e.text for e in IcebergEntry.objects.filter(file=old)} == {retention.MARKER}
    assert {(s.name, s.note, s.person_id) for s in Stakeholder.objects.filter(file=old)} == {
        ("", "", None)
    }
    assert {link.note for link in StakeholderLink.objects.filter(file=old)} == {""}
    assert {r.text for r in RedLine.objects.filter(file=old)} == {retention.MARKER}
    # Every version is kept (the history of changes stays countable), emptied, and still
    # reads as a version page would.
    versions = list(NegotiationVersion.objects.filter(file=old))
    assert len(versions) == versions_before
    for version in versions:
        content = content_of(version)
        assert content["title"] == retention.MARKER and content["stakeholders"] == []
        assert sections(content, Names(world.alice, [content]))
    assert NegotiationFile.objects.get(pk=still_open.pk).title == "Visits to the Vass barracks"
    assert verify_command().startswith("OK")
    [again] = retention.run(config=CONFIG, now=NOW).kinds
    assert again.anonymised == 0
