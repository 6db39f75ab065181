"""The UCDP Actor Dataset on the real file (v22.1, 1,725 actors) and on cut-outs of it."""

from __future__ import annotations

import re
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pourparler.bearers.choices import IdScheme, NameKind, OrganisationLevel, RelationKind
from pourparler.bearers.models import BearerName, BearerRelation, ExternalId, WeaponBearer
from pourparler.exchange.choices import ReviewStatus, RunStatus
from pourparler.exchange.importers.ucdp_actors import RELATIONS
from pourparler.exchange.models import ImportRun, Provenance, ReviewItem
from pourparler.exchange.services import run_import
from pourparler.exchange.tests.helpers import (
    ACTORS,
    REGISTRY,
    actor_rows,
    actors_csv,
    table_counts,
)
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

LEVELS = {
    "1": OrganisationLevel.FORMAL_GROUP,
    "2": OrganisationLevel.PARTY_SUPPORTERS,
    "3": OrganisationLevel.IDENTITY_GROUP,
    "4": OrganisationLevel.STATE,
}


def import_command(path: Path, *extra: str) -> tuple[str, float]:
    out = StringIO()
    started = time.perf_counter()
    call_command("import", "ucdp-actors", str(path), "--as", "alice", *extra, stdout=out)
    return out.getvalue(), time.perf_counter() - started


def test_the_real_actor_list_twice_leaves_one_bearer_per_actor(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = actor_rows()
    assert len(rows) == 1725
    first, seconds = import_command(ACTORS)
    assert "weapon bearer: 1725 created" in first
    run = ImportRun.objects.get(dry_run=False, status=RunStatus.COMPLETED)
    assert run.source == "UCDP Actor Dataset 22.1"
    assert run.report["by_model"]["weapon bearer"]["created"] == 1725
    assert run.report["by_model"]["external id"]["created"] == 1725

    # One bearer per actor, found by its UCDP id.
    ids = dict(
        ExternalId.objects.filter(scheme=IdScheme.UCDP_ACTOR).values_list("value", "bearer_id")
    )
    assert set(ids) == {row["ActorId"] for row in rows}
    assert len(set(ids.values())) == 1725
    assert WeaponBearer.objects.count() == 1725

    # Organisation levels, as the file gives them.
    levels = dict(WeaponBearer.objects.values_list("pk", "organisation_level"))
    assert Counter(levels[ids[r["ActorId"]]] for r in rows) == Counter(
        LEVELS[r["Org"]] for r in rows
    )
    for row in rows[:200]:
        assert levels[ids[row["ActorId"]]] == LEVELS[row["Org"]]

    # Splinter, temporary split, alliance and joined-group links between actors in the file.
    expected = set()
    for row in rows:
        for _flag, column, kind in RELATIONS:
            for other in re.findall(r"\d+", row[column]):
                if other in ids and other != row["ActorId"]:
                    expected.add((ids[row["ActorId"]], kind, ids[other]))
    stored = set(BearerRelation.objects.values_list("subject_id", "kind", "other_id"))
    assert stored == expected
    kinds = Counter(kind for _s, kind, _o in stored)
    assert kinds[RelationKind.SPLINTER_OF] > 100
    assert kinds[RelationKind.ALLIED_WITH] > 50
    assert kinds[RelationKind.JOINED] > 50

    # Names in the original language and script, with the transliteration UCDP gives.
    lpr = BearerName.objects.get(bearer_id=ids["5839"], name="Луганская народная республика")
    assert (lpr.script, lpr.transliteration, lpr.kind) == (
        "Cyrl",
        "Luganskaya narodnaya respublika",
        NameKind.OFFICIAL,
    )
    assert BearerName.objects.filter(
        bearer_id=ids["5839"], name="Lugansk People's Republic", kind=NameKind.TRANSLATION
    ).exists()
    # A rename keeps the actor: the old name is a former name of the same bearer.
    macedonia = WeaponBearer.objects.get(pk=ids["47"])
    assert macedonia.name == "Government of North Macedonia"
    assert BearerName.objects.filter(
        bearer=macedonia, name="Government of Macedonia, FYR", kind=NameKind.FORMER
    ).exists()
    assert "MK" in {c.iso2 for c in macedonia.countries.all()}
    # Successive acronyms of one actor, each a name of its own; all found by search.
    islamic_state = WeaponBearer.objects.get(pk=ids["234"])
    acronyms = set(
        BearerName.objects.filter(bearer=islamic_state, kind=NameKind.ACRONYM).values_list(
            "name", flat=True
        )
    )
    assert {"TQJBR", "ISI", "ISIS"} <= acronyms
    assert "monotheism and jihad" in islamic_state.search_text

    # Every fact carries its provenance: source, file, row and run.
    bangladesh = WeaponBearer.objects.get(pk=ids["143"])
    origin = Provenance.objects.get(object_id=bangladesh.pk)
    row_143 = next(i for i, r in enumerate(rows, start=2) if r["ActorId"] == "143")
    assert (origin.run, origin.file_name, origin.row_number) == (run, ACTORS.name, row_143)
    assert origin.source == "UCDP Actor Dataset 22.1"
    counts = table_counts(*REGISTRY)

    # The second run of the same file changes nothing and says so.
    second, seconds_again = import_command(ACTORS)
    assert "No changes" in second
    again = ImportRun.objects.exclude(pk=run.pk).get()
    assert (again.created, again.updated, again.conflicts, again.queued) == (0, 0, 0, 0)
    assert again.report["by_model"]["weapon bearer"]["unchanged"] == 1725
    assert table_counts(*REGISTRY) == counts
    with capsys.disabled():
        print(
            f"\nUCDP actors: first run {seconds:.1f} s ({1725 / seconds:.0f} rows/s), "
            f"second run {seconds_again:.1f} s ({1725 / seconds_again:.0f} rows/s)"
        )


BANGLADESH = ["143", "372", "374", "285", "1165", "805", "234", "1218", "141", "144"]


def test_a_dry_run_of_actors_lists_the_creates_and_writes_nothing(world: World) -> None:
    before = table_counts(*REGISTRY)
    run = run_import(
        "ucdp-actors", actors_csv(BANGLADESH), "bgd.csv", actor=world.bob, dry_run=True
    )
    assert run.status == RunStatus.PREVIEWED
    assert run.report["by_model"]["weapon bearer"]["created"] == len(BANGLADESH)
    assert "Government of Bangladesh" in {c["what"] for c in run.report["changes"]}
    assert table_counts(*REGISTRY) == before


def test_one_bad_actor_refuses_the_file_and_leaves_the_registry_as_it_was(world: World) -> None:
    run_import("ucdp-actors", actors_csv(BANGLADESH[:3]), "first.csv", actor=world.alice)
    before = table_counts(*REGISTRY)
    bad = actors_csv(BANGLADESH, change={"285": {"Org": "7"}, "1165": {"ActorIdPrev": "26x8"}})
    run = run_import("ucdp-actors", bad, "bgd.csv", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    where = {(e["row"], e["column"]) for e in run.report["errors"]}
    rows = [r["ActorId"] for r in actor_rows() if r["ActorId"] in BANGLADESH]
    assert where == {(rows.index("285") + 2, "Org"), (rows.index("1165") + 2, "ActorIdPrev")}
    assert "not “7”" in str(run.report["errors"])
    assert table_counts(*REGISTRY) == before


def test_a_bearer_registered_by_hand_with_the_same_name_is_linked_not_doubled(
    world: World,
) -> None:
    army = make_bearer(world.alice, name="Government of Bangladesh")
    run = run_import("ucdp-actors", actors_csv(["143"]), "bgd.csv", actor=world.alice)
    assert run.status == RunStatus.COMPLETED
    assert WeaponBearer.objects.filter(name="Government of Bangladesh").count() == 1
    assert ExternalId.objects.get(scheme=IdScheme.UCDP_ACTOR, value="143").bearer == army
    assert "linked by name" in " ".join(n["text"] for n in run.report["notes"])
    # What the bearer lacked is filled in; nothing it held is changed.
    army.refresh_from_db()
    assert (army.name, army.kind) == ("Government of Bangladesh", "armed_forces")
    assert army.organisation_level == OrganisationLevel.STATE
    # The next run finds it by id and has nothing to add.
    again = run_import("ucdp-actors", actors_csv(["143"]), "bgd.csv", actor=world.alice)
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)
    assert not again.changed_anything


def test_an_uncertain_or_short_name_waits_for_a_person(world: World) -> None:
    make_bearer(world.alice, name="Supporters of the Awami League", kind="militia")
    party = make_bearer(
        world.alice,
        name="East Bengal communists",
        kind="non_state_armed_group",
        names=[{"name": "PBCP", "kind": NameKind.ACRONYM}],
    )
    run = run_import("ucdp-actors", actors_csv(["372", "805", "143"]), "bgd.csv", actor=world.alice)
    assert run.queued == 2
    items = {i.key: i for i in ReviewItem.objects.all()}
    assert set(items) == {"372", "805"}
    assert items["805"].candidates[0]["bearer"] == str(party.pk)
    assert items["372"].candidates[0]["score"] < 97
    # Nothing was merged: no UCDP id on the hand-registered bearers, no new bearer for them.
    assert not ExternalId.objects.filter(value__in=["372", "805"]).exists()
    assert not WeaponBearer.objects.filter(name__in=["PBCP", "Supporters of Awami League"]).exists()
    # Importing again does not queue the same names twice.
    again = run_import("ucdp-actors", actors_csv(["372", "805", "143"]), "b.csv", actor=world.alice)
    assert again.queued == 0
    assert ReviewItem.objects.filter(status=ReviewStatus.PENDING).count() == 2


def test_an_actor_held_by_a_bearer_the_importer_may_not_see_is_left_alone(world: World) -> None:
    from pourparler.bearers.services import do_create_bearer

    hidden = do_create_bearer(
        actor=world.bob,
        name="Bangladesh Army (our file)",
        kind="armed_forces",
        external_ids=[(IdScheme.UCDP_ACTOR, "143")],
        restricted=True,
        restricted_to=[world.bob],
    )
    run = run_import("ucdp-actors", actors_csv(["143", "372"]), "bgd.csv", actor=world.alice)
    assert run.status == RunStatus.COMPLETED, run.report
    # Not registered twice, not touched, not linked; the note names neither.
    assert ExternalId.objects.filter(value="143").get().bearer == hidden
    assert WeaponBearer.objects.count() == 2
    hidden.refresh_from_db()
    assert (hidden.version, hidden.organisation_level) == (1, "")
    assert "Rows left alone: 1." in " ".join(n["text"] for n in run.report["notes"])
    assert "Bangladesh Army" not in str(run.report)
    # Bob, who may see it, imports the same row into it.
    own = run_import("ucdp-actors", actors_csv(["143"]), "bgd.csv", actor=world.bob)
    assert own.status == RunStatus.COMPLETED
    hidden.refresh_from_db()
    assert hidden.organisation_level == OrganisationLevel.STATE
