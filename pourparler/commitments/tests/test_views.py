"""Commitment pages, tested through HTTP as a delegate would use them."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from pourparler.access.tests.conftest import incident, passage
from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import Compliance
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.services import do_add_signatory
from pourparler.commitments.tests.helpers import client_for, days_ago, fresh, observe, register
from pourparler.concerns.tests.helpers import open_concern
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.testing.http import count_queries, page_body
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


def register_data(world: World, army: WeaponBearer, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "compartment": str(world.varnia.pk),
        "instrument": "safe_passage",
        "title": "Safe passage on the Kessel Ford bridge road",
        "made_on": days_ago(30).isoformat(),
        "date_precision": "day",
        "place_name": "Kessel Ford",
        "bearers": [str(army.pk)],
        "scope": "Our medical teams may cross the bridge on notice given the day before.",
        "terms": "",
        "witness": "Two elders of Kessel Ford",
        "disclosure": "confidential",
        "sig-TOTAL_FORMS": "2",
        "sig-INITIAL_FORMS": "0",
        "sig-0-capacity": "military",
        "sig-0-bearer": str(army.pk),
        "sig-0-name_as_signed": "Col. Rasmus Holt",
        "sig-0-signed_as": "Commander, 21st Brigade",
        "sig-1-capacity": "",
    }
    data.update(extra)
    return data


def test_register_observe_and_edit_a_commitment_through_the_pages(
    world: World, army: WeaponBearer
) -> None:
    meeting = make_interaction(world.alice, world.varnia, bearers=[army])
    alice = client_for(world.alice)
    form = alice.get(reverse("commitment_create"))
    assert form.status_code == 200 and b"Register a commitment" in form.content
    offered = form.content.decode()
    assert f'<option value="{army.pk}">Varnian Armed Forces</option>' in offered
    response = alice.post(
        reverse("commitment_create"), register_data(world, army, interactions=[str(meeting.pk)])
    )
    assert response.status_code == 302, response.content.decode()
    commitment = Commitment.objects.get()
    assert response["Location"] == reverse("commitment_detail", args=[commitment.pk])
    assert list(commitment.interactions.all()) == [meeting]
    signatory = Signatory.objects.get()
    assert (signatory.name_as_signed, signatory.bearer) == ("Col. Rasmus Holt", army)

    crossing = passage(
        world.alice, world.varnia, army, "delayed", when=days_ago(10).isoformat(), delay_minutes=40
    )
    page = alice.get(reverse("compliance_create", args=[commitment.pk])).content.decode()
    assert "Kessel Ford bridge · delayed" in page
    recorded = alice.post(
        reverse("compliance_create", args=[commitment.pk]),
        {
            "observed_on": days_ago(9).isoformat(),
            "assessment": "partly_kept",
            "note": "Held forty minutes at the bridge although notice had been given.",
            "passages": [str(crossing.pk)],
        },
    )
    assert recorded.status_code == 302, recorded.content.decode()
    assert fresh(commitment).current_compliance == Compliance.PARTLY_KEPT

    detail = alice.get(reverse("commitment_detail", args=[commitment.pk])).content.decode()
    assert "Safe passage on the Kessel Ford bridge road" in detail
    assert "Held forty minutes" in detail and "Partly kept" in detail
    assert reverse("passage_detail", args=[crossing.pk]) in detail
    assert reverse("interaction_detail", args=[meeting.pk]) in detail
    assert "Col. Rasmus Holt" in detail and "Military leadership" in detail

    edit_url = reverse("commitment_edit", args=[commitment.pk])
    assert "Two elders of Kessel Ford" in alice.get(edit_url).content.decode()
    saved = alice.post(
        edit_url,
        register_data(world, army, version="1", title="Safe passage on the bridge road"),
    )
    assert saved.status_code == 302
    assert fresh(commitment).title == "Safe passage on the bridge road"
    assert fresh(commitment).version == 2


def test_the_form_shows_what_the_services_refuse(world: World, army: WeaponBearer) -> None:
    alice = client_for(world.alice)
    future = alice.post(
        reverse("commitment_create"),
        register_data(world, army, made_on=days_ago(-5).isoformat()),
    )
    assert future.status_code == 200 and b"cannot be in the future" in future.content
    nameless = alice.post(
        reverse("commitment_create"),
        register_data(world, army, **{"sig-0-name_as_signed": ""}),
    )
    assert nameless.status_code == 200
    assert b"Choose the person or write the name as signed." in nameless.content
    assert not Commitment.objects.exists()
    commitment = register(world.alice, world.varnia, [army], made=10)
    early = alice.post(
        reverse("compliance_create", args=[commitment.pk]),
        {"observed_on": days_ago(20).isoformat(), "assessment": "kept", "note": "Fine."},
    )
    assert early.status_code == 200 and b"cannot be observed before that" in early.content
    assert not ComplianceObservation.objects.exists()


def test_another_delegation_gets_the_same_404_as_for_a_missing_commitment(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.alice, world.varnia, [army])
    observation = observe(world.alice, commitment, 1)
    signatory = do_add_signatory(
        commitment, actor=world.alice, capacity="military", bearer=army, name_as_signed="Gen. X"
    )
    dave = client_for(world.dave)
    missing = uuid.uuid4()
    for name, pk in (
        ("commitment_detail", commitment.pk),
        ("commitment_edit", commitment.pk),
        ("commitment_delete", commitment.pk),
        ("compliance_create", commitment.pk),
        ("signatory_create", commitment.pk),
        ("compliance_edit", observation.pk),
        ("signatory_edit", signatory.pk),
    ):
        forbidden = dave.get(reverse(name, args=[pk]))
        absent = dave.get(reverse(name, args=[missing]))
        assert forbidden.status_code == absent.status_code == 404, name
        assert page_body(forbidden.content) == page_body(absent.content), name
    for name, pk in (("compliance_delete", observation.pk), ("signatory_delete", signatory.pk)):
        assert dave.post(reverse(name, args=[pk]), {"version": "1"}).status_code == 404
    assert dave.post(reverse("commitment_delete", args=[commitment.pk])).status_code == 404
    listed = dave.get(reverse("commitment_list")).content.decode()
    assert "Kessel Ford" not in listed and "No commitment matches." in listed
    assert fresh(commitment).deleted_at is None and ComplianceObservation.objects.count() == 1


def test_the_analyst_reads_but_may_not_change(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army])
    hana = client_for(world.hana)
    detail = hana.get(reverse("commitment_detail", args=[commitment.pk]))
    assert detail.status_code == 200 and b"Record compliance" not in detail.content
    assert hana.get(reverse("commitment_edit", args=[commitment.pk])).status_code == 403
    assert hana.get(reverse("compliance_create", args=[commitment.pk])).status_code == 403
    auditor = client_for(world.audrey)
    assert auditor.get(reverse("commitment_create")).status_code == 403
    assert auditor.get(reverse("commitment_detail", args=[commitment.pk])).status_code == 404


def test_the_detail_shows_only_the_evidence_the_viewer_may_see(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.carol, world.varnia, [army], made=30)
    secret = incident(
        world.carol,
        world.varnia,
        [army],
        "detention",
        when=days_ago(12).isoformat(),
        place_name="Kessel Ford market road",
        restricted=True,
        restricted_to=[world.carol],
    )
    concern = open_concern(world.carol, world.varnia, [army], summary="Convoy stopped", opened=11)
    observe(
        world.carol, commitment, 10, Compliance.BREACHED, incidents=[secret], concerns=[concern]
    )
    secret_url = reverse("security_incident_detail", args=[secret.pk])
    carol = client_for(world.carol).get(reverse("commitment_detail", args=[commitment.pk]))
    assert secret_url in carol.content.decode()
    alice = client_for(world.alice).get(reverse("commitment_detail", args=[commitment.pk]))
    body = alice.content.decode()
    assert secret_url not in body and "Kessel Ford market road" not in body
    assert "Convoy stopped" in body and "Breached" in body
    # Nothing says that evidence is hidden, not even a count.
    assert body.count("Security incident:") == 0 and body.count("Concern: ") == 1


def test_a_stale_edit_is_a_409_and_nothing_is_overwritten(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army], made=30)
    alice, bob = client_for(world.alice), client_for(world.bob)
    url = reverse("commitment_edit", args=[commitment.pk])
    mine = register_data(world, army, version="1", place_name="Alice's bridge")
    assert alice.post(url, mine).status_code == 302
    stale = bob.post(url, {**mine, "place_name": "Bob's bridge"})
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Not saved" in text and "Alice&#x27;s bridge" in text and "Bob&#x27;s bridge" in text
    assert fresh(commitment).place_name == "Alice's bridge"

    observation = observe(world.alice, commitment, 5)
    edit = reverse("compliance_edit", args=[observation.pk])
    data = {"version": "1", "observed_on": days_ago(5).isoformat(), "assessment": "kept"}
    assert alice.post(edit, {**data, "note": "Alice's note."}).status_code == 302
    late = bob.post(edit, {**data, "note": "Bob's note."})
    assert late.status_code == 409 and b"Not saved" in late.content
    assert ComplianceObservation.objects.get().note == "Alice's note."


def test_deleting_asks_first_then_puts_a_tombstone(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army])
    alice = client_for(world.alice)
    url = reverse("commitment_delete", args=[commitment.pk])
    ask = alice.get(url)
    assert ask.status_code == 200 and b"Delete this commitment?" in ask.content
    assert fresh(commitment).deleted_at is None
    stale = alice.post(url, {"version": "7"})
    assert stale.status_code == 302 and fresh(commitment).deleted_at is None
    gone = alice.post(url, {"version": "1"})
    assert gone.status_code == 302 and gone["Location"] == reverse("commitment_list")
    assert fresh(commitment).deleted_at is not None
    assert alice.get(reverse("commitment_detail", args=[commitment.pk])).status_code == 404


def test_the_list_filters_by_bearer_instrument_compliance_and_year(
    world: World, army: WeaponBearer
) -> None:
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    passage_c = register(world.alice, world.varnia, [army], title="Bridge passage", made=20)
    observe(world.alice, passage_c, 5, Compliance.BREACHED)
    register(
        world.alice,
        world.varnia,
        [police],
        title="Custody visits",
        instrument="detainee_access",
        made=400,
    )
    alice = client_for(world.alice)
    url = reverse("commitment_list")

    def titles(**params: str) -> set[str]:
        body = alice.get(url, params).content.decode()
        return {t for t in ("Bridge passage", "Custody visits") if t in body}

    assert titles() == {"Bridge passage", "Custody visits"}
    assert titles(bearer=str(police.pk)) == {"Custody visits"}
    assert titles(bearer=str(uuid.uuid4())) == set()
    assert titles(instrument="detainee_access") == {"Custody visits"}
    assert titles(compliance="breached") == {"Bridge passage"}
    assert titles(compliance="not_observed") == {"Custody visits"}
    assert titles(year=str(days_ago(400).year)) >= {"Custody visits"}
    listed = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.alice).latest("seq")
    assert listed.content_type is not None and listed.content_type.model == "commitment"


def test_reading_a_commitment_is_audited(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army])
    client_for(world.bob).get(reverse("commitment_detail", args=[commitment.pk]))
    read = AuditEvent.objects.filter(kind=AuditKind.READ, actor=world.bob).latest("seq")
    assert read.object_id == commitment.pk


def _fill(world: World, army: WeaponBearer, n: int) -> Commitment:
    """Add n commitments with signatories, contacts and observations with evidence."""
    commitment = None
    person = make_person(world.alice, world.varnia, full_name=f"Gen. {n}", bearer=army)
    for i in range(n):
        meeting = make_interaction(world.alice, world.varnia, bearers=[army])
        commitment = register(
            world.alice,
            world.varnia,
            [army],
            title=f"Commitment {n}-{i}",
            made=40,
            interactions=[meeting],
            signatories=[
                {"capacity": "military", "bearer": army, "person": person},
                {"capacity": "political", "bearer": army, "name_as_signed": f"Council {i}"},
            ],
        )
        crossing = passage(world.alice, world.varnia, army, when=days_ago(20).isoformat())
        event = incident(world.alice, world.varnia, [army], when=days_ago(19).isoformat())
        concern = open_concern(world.alice, world.varnia, [army], summary=f"C {i}", opened=18)
        observe(world.alice, commitment, 15, Compliance.KEPT, passages=[crossing])
        observe(
            world.alice,
            commitment,
            10,
            Compliance.BREACHED,
            incidents=[event],
            concerns=[concern],
            passages=[crossing],
        )
    assert commitment is not None
    return commitment


# Queries per page, pinned: a change that adds a query (or an N+1) must update this table.
# Every page pays 5 before it starts: the session and the user (2), the second-factor
# device (1) and the clearance (2). Pages showing confidential records pay 3 more to chain
# their audit event (lock the head, insert, move the head).
PINNED = {
    # 5 + 3 audit + the page of commitments and their parties (2), the figures box's
    # rows, and what the filters offer: bearers, years, delegations.
    "commitment_list": 14,
    # 5 + 3 audit + the commitment with its parties and contacts (3), the signatories
    # with their people and bearers, the observations with their authors and their
    # concerns, incidents and passages (4), and whether the user may change it.
    "commitment_detail": 17,
    # 5 + the figures (rows, bearer links) and what the filters offer (3).
    "commitment_figures": 10,
    # 5 + the choices offered: delegations (2), contacts, parties, staff, and for each
    # of the two signatory rows its bearers and people (2 × 2).
    "commitment_create": 14,
    # 5 + the commitment, whether it may change, and the concerns, incidents and
    # passages offered (with the parties they are about).
    "compliance_create": 10,
}


def _urls(commitment: Commitment) -> dict[str, str]:
    return {
        "commitment_list": reverse("commitment_list"),
        "commitment_detail": reverse("commitment_detail", args=[commitment.pk]),
        "commitment_figures": reverse("commitment_figures"),
        "commitment_create": reverse("commitment_create"),
        "compliance_create": reverse("compliance_create", args=[commitment.pk]),
    }


def test_query_counts_are_pinned_and_do_not_grow_with_rows(
    world: World, army: WeaponBearer
) -> None:
    client = client_for(world.alice)
    small = _urls(_fill(world, army, 1))
    client.get(reverse("commitment_list"))
    counted_small = {
        name: count_queries(lambda u=url: client.get(u)) for name, url in small.items()
    }
    large = _urls(_fill(world, army, 5))
    counted_large = {
        name: count_queries(lambda u=url: client.get(u)) for name, url in large.items()
    }
    assert counted_small == counted_large
    assert counted_large == PINNED


def test_signatories_are_added_corrected_and_removed_through_the_pages(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.carol, world.varnia, [army])
    chief = make_person(world.carol, world.varnia, full_name="Gen. Aurel Voss", bearer=army)
    carol, bob = client_for(world.carol), client_for(world.bob)
    added = carol.post(
        reverse("signatory_create", args=[commitment.pk]),
        {
            "capacity": "military",
            "bearer": str(army.pk),
            "person": str(chief.pk),
            "signed_as": "Chief of the General Staff",
            "signed_on": days_ago(60).isoformat(),
        },
    )
    assert added.status_code == 302, added.content.decode()
    signatory = Signatory.objects.get()
    assert (signatory.person, signatory.signed_as) == (chief, "Chief of the General Staff")
    url = reverse("signatory_edit", args=[signatory.pk])
    data = {"version": "1", "capacity": "military", "bearer": str(army.pk)}
    data["person"] = str(chief.pk)
    assert carol.post(url, {**data, "signed_as": "Chief of Staff"}).status_code == 302
    stale = bob.post(url, {**data, "signed_as": "Army chief"})
    assert stale.status_code == 409
    assert "Chief of Staff" in stale.content.decode() and "Army chief" in stale.content.decode()
    assert Signatory.objects.get().signed_as == "Chief of Staff"
    removed = carol.post(reverse("signatory_delete", args=[signatory.pk]), {"version": "2"})
    assert removed.status_code == 302
    assert not Signatory.objects.visible_to(world.carol).exists()


def test_a_signatory_edit_keeps_the_person_the_editor_may_not_see(
    world: World, army: WeaponBearer
) -> None:
    hidden = make_person(
        world.carol, world.varnia, full_name="Idris Kanaan", restricted=True, restricted_to=[]
    )
    commitment = register(world.carol, world.varnia, [army])
    signatory = do_add_signatory(
        commitment,
        actor=world.carol,
        capacity="military",
        bearer=army,
        person=hidden,
        name_as_signed="Abu Sahm",
    )
    # Alice cannot see the signatory at all: its person is hidden from her.
    alice = client_for(world.alice)
    assert alice.get(reverse("signatory_edit", args=[signatory.pk])).status_code == 404
    detail = alice.get(reverse("commitment_detail", args=[commitment.pk])).content.decode()
    assert "Abu Sahm" not in detail and "Idris" not in detail
    assert "No signatory recorded." in detail
