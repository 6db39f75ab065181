"""Integration pages through HTTP: the heat maps, history, recording, isolation, counts."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import AuditEvent, User
from pourparler.integration.choices import Pillar
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.profile import bearer_panels
from pourparler.integration.tests.conftest import assess
from pourparler.testing.http import count_queries, page_body, sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db

D = datetime.date


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def cells(body: str, bearer: str) -> list[str]:
    """Return the text of the heat-map cells on the row headed by the bearer's name."""
    row = re.search(r'<th scope="row"><a [^>]*>' + re.escape(bearer) + r"</a>.*?</tr>", body, re.S)
    assert row, f"no row for {bearer}"
    found = re.findall(
        r'<td class="heat (heat-\w+)">.*?class="heat-number"[^>]*>(.*?)<', row.group(0), re.S
    )
    return [f"{css} {number}" for css, number in found]


def test_the_heat_map_shows_each_bearers_current_levels_as_numbers_and_colours(
    world: World, army: WeaponBearer, erm: WeaponBearer
) -> None:
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2025, 2, 1))
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, D(2026, 2, 1))
    assess(world.bob, world.varnia, army, Pillar.TRAINING, 3, D(2026, 3, 1))
    assess(world.bob, world.varnia, army, Pillar.SANCTIONS, 1, D(2026, 3, 1))
    assess(world.carol, world.varnia, erm, Pillar.DOCTRINE, 1, D(2026, 1, 1))
    make_bearer(world.bob, name="Never Assessed Militia", kind="militia")
    response = client_for(world.alice).get(reverse("integration_overview"))
    body = response.content.decode()
    assert cells(body, "Varnian Armed Forces") == [
        "heat-2 2",
        "heat-none –",
        "heat-3 3",
        "heat-none –",
        "heat-1 1",
    ]
    assert cells(body, "Eastern Ridge Movement")[0] == "heat-1 1"
    assert "Partial" in body and "Substantial" in body and "Feb 2026" in body
    # A proper table: column and row headers with their scope, no inline style.
    for pillar in ("Doctrine", "Education", "Training", "Equipment", "Sanctions"):
        assert re.search(r'<th scope="col"[^>]*>' + pillar + "</th>", body)
    assert body.count('<th scope="row">') == 2
    assert "style=" not in body and "integration/integration.css" in body
    # Bearers never assessed only when asked for.
    assert "Never Assessed Militia" not in body
    everyone = client_for(world.alice).get(reverse("integration_overview"), {"all": "1"})
    assert "Never Assessed Militia" in everyone.content.decode()


def test_the_heat_map_is_made_of_what_the_viewer_may_see(world: World, army: WeaponBearer) -> None:
    knp = make_bearer(world.dave, name="Kestrian National Police", kind="police")
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, D(2026, 2, 1))
    assess(world.dave, world.kestria, knp, Pillar.TRAINING, 3, D(2026, 3, 1))
    alice = client_for(world.alice).get(reverse("integration_overview")).content.decode()
    dave = client_for(world.dave).get(reverse("integration_overview")).content.decode()
    assert "Varnian Armed Forces" in alice and "Kestrian National Police" not in alice
    assert "Kestrian National Police" in dave and "Varnian Armed Forces" not in dave
    hana = client_for(world.hana).get(reverse("integration_overview")).content.decode()
    assert "Varnian Armed Forces" in hana and "Kestrian National Police" in hana
    audrey = client_for(world.audrey).get(reverse("integration_overview")).content.decode()
    assert "Varnian Armed Forces" not in audrey


def test_the_bearer_profile_shows_its_pillars_with_a_link_to_the_history(
    world: World, army: WeaponBearer
) -> None:
    assess(world.bob, world.varnia, army, Pillar.EQUIPMENT, 4, D(2026, 5, 1))
    body = client_for(world.alice).get(reverse("bearer_detail", args=[army.pk])).content.decode()
    assert "Integration of the law" in body
    assert re.search(r'<td class="heat heat-4">.*?4.*?Full.*?May 2026', body, re.S)
    assert body.count('class="heat heat-none"') == 4
    assert reverse("assessment_history", args=[army.pk]) in body
    dave = client_for(world.dave).get(reverse("bearer_detail", args=[army.pk])).content.decode()
    assert 'class="heat heat-4"' not in dave and dave.count('class="heat heat-none"') == 5


def test_the_history_lists_a_pillars_assessments_newest_first(
    world: World, army: WeaponBearer
) -> None:
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2025, 1, 1), evidence="Old manual.")
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, D(2026, 1, 1), evidence="New ROE.")
    assess(world.bob, world.varnia, army, Pillar.SANCTIONS, 0, D(2026, 1, 1), evidence="No case.")
    client = client_for(world.alice)
    url = reverse("assessment_history_pillar", args=[army.pk, "doctrine"])
    body = client.get(url).content.decode()
    assert body.index("New ROE.") < body.index("Old manual.")
    assert "No case." not in body
    assert body.count(">current<") == 1
    every = client.get(reverse("assessment_history", args=[army.pk])).content.decode()
    assert "No case." in every and "New ROE." in every
    assert (
        client.get(reverse("assessment_history_pillar", args=[army.pk, "morale"])).status_code
        == 404
    )
    listed = AuditEvent.objects.filter(kind="list", actor=world.alice).latest("seq")
    assert listed.detail["count"] == 3


def test_record_an_assessment_from_the_bearer_to_the_history(
    world: World, army: WeaponBearer
) -> None:
    contact = make_interaction(world.bob, world.varnia, bearers=[army], place_name="Ministry")
    bob = client_for(world.bob)
    chooser = bob.get(reverse("assessment_create"))
    assert chooser.status_code == 200 and b"Which bearer?" in chooser.content
    url = reverse("assessment_create") + f"?bearer={army.pk}&pillar=doctrine"
    form = bob.get(url)
    assert form.status_code == 200 and contact.place_name.encode() in form.content
    response = bob.post(
        url,
        {
            "compartment": str(world.varnia.pk),
            "pillar": "doctrine",
            "level": "2",
            "assessed_on": "2026-06-01",
            "assessed_by": str(world.bob.pk),
            "evidence": "Rules of engagement for populated areas adopted in May.",
            "interactions": [str(contact.pk)],
        },
    )
    assert response.status_code == 302
    assessment = IntegrationAssessment.objects.get()
    assert (assessment.bearer, assessment.pillar, assessment.level) == (army, "doctrine", 2)
    assert list(assessment.interactions.all()) == [contact]
    detail = bob.get(response["Location"]).content.decode()
    assert "Rules of engagement for populated areas adopted in May." in detail
    assert reverse("interaction_detail", args=[contact.pk]) in detail


def test_the_form_explains_what_is_wrong(world: World, army: WeaponBearer) -> None:
    url = reverse("assessment_create") + f"?bearer={army.pk}"
    response = client_for(world.bob).post(
        url, {"compartment": str(world.varnia.pk), "pillar": "morale", "assessed_on": "2026-01-01"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice. morale is not one of the available choices." in body
    assert body.count("This field is required.") == 2  # level and evidence
    assert not IntegrationAssessment.objects.exists()


def test_another_delegation_gets_the_same_404_as_for_a_random_id(
    world: World, army: WeaponBearer
) -> None:
    assessment = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, D(2026, 2, 1))
    dave = client_for(world.dave)
    forbidden = dave.get(reverse("assessment_detail", args=[assessment.pk]))
    missing = dave.get(reverse("assessment_detail", args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert page_body(forbidden.content) == page_body(missing.content)
    assert dave.get(reverse("assessment_edit", args=[assessment.pk])).status_code == 404
    response = dave.post(reverse("assessment_delete", args=[assessment.pk]), {"version": "1"})
    assert response.status_code == 404
    assert IntegrationAssessment.objects.get(pk=assessment.pk).deleted_at is None
    history = dave.get(reverse("assessment_history", args=[army.pk])).content.decode()
    assert "Seen the texts." not in history


def test_readers_who_may_not_write_get_403(world: World, army: WeaponBearer) -> None:
    assessment = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, D(2026, 2, 1))
    hana = client_for(world.hana)
    assert hana.get(reverse("assessment_detail", args=[assessment.pk])).status_code == 200
    assert hana.get(reverse("assessment_edit", args=[assessment.pk])).status_code == 403
    assert client_for(world.audrey).get(reverse("assessment_create")).status_code == 403


def test_a_stale_correction_is_refused_and_both_versions_are_shown(
    world: World, army: WeaponBearer
) -> None:
    assessment = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2026, 2, 1))
    url = reverse("assessment_edit", args=[assessment.pk])
    data = {
        "level": "2",
        "assessed_on": "2026-02-01",
        "assessed_by": str(world.bob.pk),
        "evidence": "Seen the texts.",
        "version": "1",
    }
    assert client_for(world.bob).post(url, data).status_code == 302
    second = client_for(world.alice).post(url, {**data, "level": "3", "evidence": "Mine."})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Not saved" in body and "Mine." in body and "Partial" in body
    stored = IntegrationAssessment.objects.get(pk=assessment.pk)
    assert (stored.level, stored.evidence, stored.pillar) == (2, "Seen the texts.", "doctrine")


def test_delete_goes_back_to_the_history(world: World, army: WeaponBearer) -> None:
    assessment = assess(world.bob, world.varnia, army, Pillar.TRAINING, 2, D(2026, 2, 1))
    response = client_for(world.bob).post(
        reverse("assessment_delete", args=[assessment.pk]), {"version": "1"}
    )
    assert response["Location"] == reverse("assessment_history_pillar", args=[army.pk, "training"])
    assert not IntegrationAssessment.objects.visible_to(world.bob).exists()


# Queries per page, pinned. Every page pays five before it starts (the session, the user,
# the second-factor device, the clearance's postings and grants); pages that show
# assessments three more to chain their audit event. The heat map costs one query however
# many bearers and assessments it shows. A change that adds a query must update this.
PINNED = {
    "integration_overview": 11,
    "assessment_history": 11,
    "assessment_detail": 12,
    "assessment_edit": 19,
    "bearer_panel": 1,
}


def _fill(world: World, n: int) -> tuple[WeaponBearer, IntegrationAssessment]:
    assessment = None
    bearer = None
    for i in range(n):
        bearer = make_bearer(world.bob, name=f"Force {n}-{i}")
        contact = make_interaction(world.bob, world.varnia, bearers=[bearer])
        for pillar in Pillar.values:
            for year in (2024, 2025, 2026):
                assessment = assess(
                    world.bob, world.varnia, bearer, pillar, i % 5, D(year, 1 + i, 1),
                    interactions=[contact],
                )  # fmt: skip
    assert bearer is not None and assessment is not None
    return bearer, assessment


def test_query_counts_are_pinned_and_do_not_grow_with_rows(world: World) -> None:
    client = client_for(world.alice)

    def counted(bearer: WeaponBearer, assessment: IntegrationAssessment) -> dict[str, int]:
        urls = {
            "integration_overview": reverse("integration_overview"),
            "assessment_history": reverse("assessment_history", args=[bearer.pk]),
            "assessment_detail": reverse("assessment_detail", args=[assessment.pk]),
            "assessment_edit": reverse("assessment_edit", args=[assessment.pk]),
        }
        client.get(urls["integration_overview"])
        counts = {name: count_queries(lambda u=url: client.get(u)) for name, url in urls.items()}
        bearer_panels(world.alice, bearer)  # computes and caches the clearance
        counts["bearer_panel"] = count_queries(lambda: bearer_panels(world.alice, bearer))
        return counts

    assert counted(*_fill(world, 1)) == PINNED
    assert counted(*_fill(world, 4)) == PINNED


def test_an_assessment_of_a_bearer_the_viewer_may_not_see_is_out_of_reach(
    world: World,
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    assessment = assess(world.carol, world.varnia, hidden, Pillar.DOCTRINE, 1, D(2026, 2, 1))
    alice = client_for(world.alice)
    for name in ("assessment_detail", "assessment_edit"):
        forbidden = alice.get(reverse(name, args=[assessment.pk]))
        missing = alice.get(reverse(name, args=[uuid.uuid4()]))
        assert forbidden.status_code == missing.status_code == 404
        assert page_body(forbidden.content) == page_body(missing.content)
    assert alice.get(reverse("assessment_history", args=[hidden.pk])).status_code == 404
    assert b"Shadow Brigade" not in alice.get(reverse("integration_overview")).content
    carol = client_for(world.carol)
    assert (
        b"Shadow Brigade" in carol.get(reverse("assessment_detail", args=[assessment.pk])).content
    )
    assert b"Shadow Brigade" in carol.get(reverse("integration_overview")).content
