"""The demo world `make run` serves: what each app puts in it, checked on one load.

Loading the world takes tens of seconds (every record goes through the services, the
change log and the audit chain), so the tests share one load: it happens inside a
transaction rolled back after the module's last test, and each test runs in a savepoint of
its own within it, so nothing a test writes reaches the next. They are kept in one module
so that `--dist loadfile` (the Makefile) runs them on one worker: one load per suite.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker, Settings

from pourparler.access import figures as access_figures
from pourparler.access.choices import PassageOutcome
from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.reading import (
    acceptance_visible_to,
    incidents_visible_to,
    passages_visible_to,
)
from pourparler.bearers.models import BearerName, BearerRelation, ExternalId, Unit, WeaponBearer
from pourparler.commitments.choices import Compliance, Instrument
from pourparler.commitments.figures import compliance_figures, tally
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.concerns.figures import outcome, outcome_figures
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
from pourparler.core.choices import Role
from pourparler.core.models import ChangeLogEntry, Delegation, Membership, User
from pourparler.demo.world import DEMO_PASSWORD, STAFF, load_demo_world
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.geo.models import AdminArea, Country, Situation
from pourparler.integration.figures import current_assessments
from pourparler.integration.models import IntegrationAssessment
from pourparler.law.assistant import applicable_law, facts_for_bearer
from pourparler.people.models import Person, PersonName, Position, Relationship
from pourparler.testing.http import sign_in
from pourparler.training.figures import figures as training_figures
from pourparler.training.models import DisseminationSession

# The demo world is what `make run` serves, on SQLite; the services that build it are
# tested on PostgreSQL by every app's own tests. Loading it on PostgreSQL too took over a
# minute of the suite's budget for no check the rest does not make.
pytestmark = [pytest.mark.django_db, pytest.mark.embedded_only]


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[bool]:
    """Load the world once (True: this load created it), rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = load_demo_world()
        yield loaded
        transaction.set_rollback(True)


def _user(username: str) -> User:
    return User.objects.get(username=username)


# ---- The loader, the accounts and the console commands -------------------------------------------
COUNTED = (
    User,
    Delegation,
    Membership,
    Country,
    AdminArea,
    WeaponBearer,
    BearerName,
    ExternalId,
    BearerRelation,
    Unit,
    Person,
    PersonName,
    Position,
    Relationship,
    Interaction,
    FollowUp,
    ChangeLogEntry,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def test_loader_creates_accounts_delegations_and_roles(demo_world: bool) -> None:
    assert demo_world is True
    delegations = {d.code: d for d in Delegation.objects.all()}
    assert set(delegations) == {"hq", "varnia", "kestria"}
    assert delegations["hq"].is_headquarters
    assert list(delegations["varnia"].countries.values_list("iso2", flat=True)) == ["QV"]
    assert list(delegations["kestria"].countries.values_list("iso2", flat=True)) == ["QK"]
    for spec in STAFF:
        user = _user(spec.username)
        assert user.check_password(DEMO_PASSWORD)
        membership = Membership.objects.get(user=user)
        assert (membership.delegation.code, membership.role) == (spec.delegation, spec.role)
        assert membership.is_current()
    assert _user("admin").is_superuser
    assert Membership.objects.get(user__username="admin").role == Role.ADMINISTRATOR
    assert AdminArea.objects.filter(country__iso2="QV").count() >= 4


def test_world_is_large_and_holds_restricted_records(demo_world: bool) -> None:
    assert Person.objects.count() >= 55
    assert Interaction.objects.count() >= 280
    assert Interaction.objects.filter(compartment__code="kestria").count() >= 60
    assert FollowUp.objects.filter(status="open").exists()
    assert FollowUp.objects.filter(status="done").exists()
    assert BearerRelation.objects.filter(kind="splinter_of").count() == 1

    restricted_person = Person.objects.get(restricted=True)
    restricted = Interaction.objects.filter(restricted=True)
    assert restricted.count() >= 3
    insiders = {_user("varnia.head"), _user("varnia.specialist")}
    assert set(restricted_person.restricted_to.all()) == insiders
    for username in ("varnia.head", "varnia.specialist"):
        user = _user(username)
        assert Person.objects.visible_to(user).filter(pk=restricted_person.pk).exists()
        assert Interaction.objects.visible_to(user).filter(restricted=True).count() == (
            restricted.count()
        )
    for username in ("varnia.delegate", "hq.analyst", "kestria.delegate", "auditor"):
        user = _user(username)
        assert not Person.objects.visible_to(user).filter(pk=restricted_person.pk).exists()
        assert not Interaction.objects.visible_to(user).filter(restricted=True).exists()
        assert not FollowUp.objects.visible_to(user).filter(restricted=True).exists()


def test_every_interaction_is_visible_to_its_creator(demo_world: bool) -> None:
    created: dict[object, set[object]] = defaultdict(set)
    for pk, creator_id in Interaction.objects.values_list("pk", "created_by_id"):
        created[creator_id].add(pk)
    assert created
    for creator_id, pks in created.items():
        creator = User.objects.get(pk=creator_id)
        visible = set(Interaction.objects.visible_to(creator).values_list("pk", flat=True))
        assert pks <= visible, creator.username


def test_delegations_do_not_see_each_other(demo_world: bool) -> None:
    kestria = _user("kestria.delegate")
    assert not Interaction.objects.visible_to(kestria).filter(compartment__code="varnia").exists()
    assert not Person.objects.visible_to(kestria).filter(compartment__code="varnia").exists()
    assert Interaction.objects.visible_to(kestria).exists()
    varnia = _user("varnia.delegate")
    assert not Interaction.objects.visible_to(varnia).filter(compartment__code="kestria").exists()
    assert not Person.objects.visible_to(varnia).filter(compartment__code="kestria").exists()
    # The auditor sees no compartment content at all.
    assert not Interaction.objects.visible_to(_user("auditor")).exists()


def test_field_delegates_have_a_full_home_page(demo_world: bool) -> None:
    for username in ("varnia.delegate", "kestria.delegate"):
        user = _user(username)
        assert user.interactions_attended.count() >= 30
        open_follow_ups = FollowUp.objects.visible_to(user).filter(owner=user, status="open")
        assert open_follow_ups.count() >= 3


def test_loading_twice_adds_nothing(demo_world: bool) -> None:
    before = _counts()
    assert load_demo_world() is False
    assert _counts() == before


def test_demo_command_refuses_outside_demo_mode(settings: Settings) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="POURPARLER_DEMO=1"):
        call_command("demo", stdout=StringIO())


def test_demo_command_finds_the_existing_world(demo_world: bool, settings: Settings) -> None:
    settings.DEMO_MODE = True
    before = _counts()
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "nothing was loaded" in text
    assert DEMO_PASSWORD in text
    assert "varnia.delegate" in text
    assert _counts() == before


def test_createuser_opens_and_posts_an_account_as_the_system(demo_world: bool) -> None:
    out = StringIO()
    call_command(
        "createuser",
        "new.delegate",
        "--delegation",
        "varnia",
        "--role",
        "field_delegate",
        "--first-name",
        "Nadia",
        "--password-stdin",
        stdin=StringIO("a rather long passphrase 42\n"),
        stdout=out,
    )
    user = _user("new.delegate")
    assert user.check_password("a rather long passphrase 42")
    membership = Membership.objects.get(user=user)
    assert (membership.delegation.code, membership.role) == ("varnia", Role.FIELD_DELEGATE)
    entries = ChangeLogEntry.objects.filter(object_id__in=[user.pk, membership.pk])
    assert entries.count() == 2
    assert set(entries.values_list("actor_name", flat=True)) == {"system"}
    assert "new.delegate" in out.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--delegation", "atlantis", "--role", "field_delegate"], "hq, kestria, varnia"),
        (["--delegation", "varnia", "--role", "general"], "field_delegate"),
    ],
)
def test_createuser_explains_unknown_delegations_and_roles(
    demo_world: bool, arguments: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "someone", *arguments, "--password-stdin", stdin=StringIO("x\n"))
    assert not User.objects.filter(username="someone").exists()


def test_createuser_refuses_a_weak_password(demo_world: bool) -> None:
    with pytest.raises(CommandError, match="Password refused"):
        call_command(
            "createuser",
            "someone",
            "--delegation",
            "hq",
            "--role",
            "auditor",
            "--password-stdin",
            stdin=StringIO("password\n"),
        )
    assert not User.objects.filter(username="someone").exists()


# ---- Concerns ------------------------------------------------------------------------------------
def test_the_demo_shows_every_part_of_a_concerns_life(demo_world: bool) -> None:
    assert demo_world is True
    concerns = Concern.objects.alive()
    by_delegation = {
        code: concerns.filter(compartment__code=code).count() for code in ("varnia", "kestria")
    }
    assert by_delegation["varnia"] >= 20 and by_delegation["kestria"] >= 8
    statuses = set(concerns.values_list("status", flat=True))
    assert {"raised", "responded", "addressed", "persisting", "closed"} <= statuses
    assert set(Representation.objects.values_list("level", flat=True)) == {
        "strategic",
        "operational",
        "tactical",
    }
    assert set(Representation.objects.values_list("mode", flat=True)) == {"oral", "written"}
    assert Representation.objects.filter(interaction__isnull=False).count() >= 5
    assert Representation.objects.filter(to_person__isnull=False).count() >= 10
    kinds = set(Response.objects.values_list("kind", flat=True))
    assert "no_response" in kinds and len(kinds) >= 5
    assert ConcernSource.objects.count() >= concerns.count()
    assert ConcernFollowUp.objects.filter(status="open").exists()
    assert ConcernFollowUp.objects.filter(status="done").exists()
    categories = set(concerns.values_list("category__code", flat=True))
    assert {"conduct-of-hostilities", "detention", "health-care", "use-of-force"} <= categories
    assert set(
        concerns.filter(compartment__code="kestria").values_list("category__code", flat=True)
    ) <= {"use-of-force", "detention"}


def test_the_demo_dates_hold_together(demo_world: bool) -> None:
    today = timezone.localdate()
    for concern in Concern.objects.alive():
        assert today - datetime.timedelta(days=730) <= concern.opened_on <= today
        assert concern.occurred_on <= concern.opened_on
        made = sorted(
            Representation.objects.filter(concern=concern).values_list("made_on", flat=True)
        )
        assert concern.raised_on == (made[0] if made else None)
        if concern.raised_on:
            assert concern.opened_on <= concern.raised_on <= today
        moves = list(
            ConcernStatusChange.objects.filter(concern=concern)
            .order_by("changed_on", "created_at")
            .values_list("to_status", "changed_on")
        )
        assert moves[0][0] == "open" and moves[-1][0] == concern.status
        assert [day for _status, day in moves] == sorted(day for _status, day in moves)


def test_the_restricted_concerns_are_known_to_two_people(demo_world: bool) -> None:
    restricted = Concern.objects.filter(restricted=True)
    assert restricted.count() == 2
    insiders = {_user("varnia.head"), _user("varnia.specialist")}
    for concern in restricted:
        assert set(concern.restricted_to.all()) == insiders
        assert Representation.objects.filter(concern=concern, to_person__restricted=True).exists()
    for username in ("varnia.head", "varnia.specialist"):
        assert Concern.objects.visible_to(_user(username)).filter(restricted=True).count() == 2
    for username in ("varnia.delegate", "hq.analyst", "kestria.delegate", "auditor"):
        user = _user(username)
        assert not Concern.objects.visible_to(user).filter(restricted=True).exists()
        assert not Representation.objects.visible_to(user).filter(concern__restricted=True).exists()


def test_the_demo_figures_are_worth_looking_at_and_differ_by_viewer(demo_world: bool) -> None:
    varnia = outcome(_user("varnia.delegate"))
    head = outcome(_user("varnia.head"))
    kestria = outcome(_user("kestria.delegate"))
    analyst = outcome(_user("hq.analyst"))
    assert head.concerns == varnia.concerns + 2
    assert analyst.concerns == varnia.concerns + kestria.concerns
    for figures in (varnia, kestria):
        assert figures.raised >= 8
        assert figures.response_rate is not None and 0.4 < figures.response_rate < 1
        assert figures.share_addressed is not None and 0.1 < figures.share_addressed < 0.7
        assert figures.time_to_first_representation is not None
        assert figures.time_to_address is not None
    grouped = outcome_figures(_user("varnia.delegate"))
    assert len(grouped.by_bearer) >= 4 and len(grouped.by_period) >= 4
    assert "Kestrian National Police" not in [o.label for o in grouped.by_bearer]


# ---- Access --------------------------------------------------------------------------------------
def test_the_demo_world_has_access_records_that_tell_a_story(demo_world: bool) -> None:
    assert demo_world is True

    passages = CheckpointPassage.objects.alive()
    assert 250 <= passages.count() <= 600
    outcomes = set(passages.values_list("outcome", flat=True))
    assert outcomes == set(PassageOutcome.values)
    assert passages.filter(compartment__code="kestria").count() >= 60
    # Every passage that ended in an incident has the incident recorded against it.
    at_incidents = passages.filter(outcome=PassageOutcome.INCIDENT)
    assert at_incidents.count() >= 2
    assert all(p.security_incidents.count() == 1 for p in at_incidents)
    assert 2 <= SecurityIncident.objects.filter(compartment__code="varnia").count() <= 4
    assert AccessConstraint.objects.values("category").distinct().count() >= 5

    # The FLHH came round after dialogue: refused, then partly, then accepted, each shown
    # by a contact with the group; its checkpoints turned us back less and less.
    head = _user("varnia.head")
    flhh = WeaponBearer.objects.get(name="Front for the Liberation of the Hollow Hills")
    series = list(
        acceptance_visible_to(head).filter(bearer=flhh).order_by("assessed_on", "created_at")
    )
    assert [a.status for a in series] == ["refused", "partly", "accepted"]
    shown_by = [a.interaction for a in series if a.interaction is not None]
    assert shown_by and all(flhh in i.bearers.all() for i in shown_by)
    partly, accepted = series[1].assessed_on, series[2].assessed_on
    at_flhh = passages_visible_to(head).filter(bearer=flhh)
    before = access_figures.outcome_counts(at_flhh.filter(occurred_at__date__lt=partly))
    after = access_figures.outcome_counts(at_flhh.filter(occurred_at__date__gte=accepted))
    assert before.total >= 5 and after.total >= 5
    assert before.turned_back / before.total > after.turned_back / after.total

    # The detention of two staff is restricted to the head and the specialist.
    delegate = _user("varnia.delegate")
    secret = SecurityIncident.objects.get(restricted=True)
    assert incidents_visible_to(head).filter(pk=secret.pk).exists()
    assert not incidents_visible_to(delegate).filter(pk=secret.pk).exists()

    # Each delegation sees its own checkpoints only; the analyst sees both.
    kestria = _user("kestria.delegate")
    kestrian = set(passages_visible_to(kestria).values_list("bearer__name", flat=True))
    assert kestrian == {"Kestrian National Police", "Kestrian Gendarmerie"}
    assert not passages_visible_to(delegate).filter(compartment__code="kestria").exists()
    analyst = _user("hq.analyst")
    assert passages_visible_to(analyst).count() == passages.count()
    assert AcceptanceAssessment.objects.visible_to(_user("auditor")).count() == 0

    # Acceptance in Kestria dipped during the unrest and came back.
    knp = WeaponBearer.objects.get(name="Kestrian National Police")
    statuses = list(
        acceptance_visible_to(kestria)
        .filter(bearer=knp)
        .order_by("assessed_on")
        .values_list("status", flat=True)
    )
    assert statuses == ["accepted", "partly", "accepted"]

    # The pages draw it.
    client = Client()
    sign_in(client, delegate)
    overview = client.get(reverse("access_overview"))
    assert overview.status_code == 200
    shown = overview.context["passages"]
    assert shown.counts.total == passages.filter(compartment__code="varnia").count()
    assert shown.most_stopped and shown.most_stopped[0].counts.stopped >= 5
    year_ago = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    assert client.get(reverse("access_overview"), {"since": year_ago}).status_code == 200
    profile = client.get(reverse("bearer_detail", args=[flhh.pk])).content.decode()
    assert "Acceptance of Front for the Liberation of the Hollow Hills over time" in profile


# ---- Dissemination and integration ---------------------------------------------------------------
def test_the_demo_world_holds_sessions_and_assessments_for_both_delegations(
    demo_world: bool,
) -> None:
    assert demo_world is True

    sessions = DisseminationSession.objects.alive()
    by_delegation = {
        code: sessions.filter(compartment__code=code) for code in ("varnia", "kestria")
    }
    # Varnia: pre-deployment briefings and courses for the army, workshops with armed
    # groups, police courses on the use of force.
    varnia = by_delegation["varnia"]
    assert varnia.filter(kind="pre_deployment", bearer__name="Varnian Armed Forces").exists()
    assert varnia.filter(kind="course", bearer__name="Varnian Armed Forces").exists()
    assert varnia.filter(kind="workshop", bearer__kind="non_state_armed_group").count() >= 3
    assert varnia.filter(
        kind="course", bearer__name="Varnian National Police", topics__code="use-of-force"
    ).exists()
    # Kestria: crowd-management courses for police and gendarmerie before the elections.
    kestria = by_delegation["kestria"]
    for name in ("Kestrian National Police", "Kestrian Gendarmerie"):
        assert kestria.filter(
            kind="course", bearer__name=name, topics__code="use-of-force"
        ).exists()
    assert sessions.filter(interaction__isnull=False).count() >= 20
    assert sessions.filter(tested__isnull=False).count() >= 10
    for session in sessions.filter(interaction__isnull=False).select_related("interaction")[:50]:
        assert session.compartment_id == session.interaction.compartment_id
        assert session.held_on == session.interaction.occurred_at.date()
    totals = sessions.aggregate(people=Sum("participants"), women=Sum("women"))
    assert 0 < totals["women"] < totals["people"]

    # Each delegate's figures count their own delegation only.
    for username, code in (("varnia.delegate", "varnia"), ("kestria.delegate", "kestria")):
        user = User.objects.get(username=username)
        mine = training_figures(DisseminationSession.objects.visible_to(user), user)
        expected = by_delegation[code].aggregate(people=Sum("participants"))["people"]
        assert mine.total.participants == expected
        assert mine.testing.mean_gain is not None and mine.testing.mean_gain > 0

    # Integration: the State forces have histories over nearly two years; armed groups a few.
    assessments = IntegrationAssessment.objects.alive()
    army = assessments.filter(bearer__name="Varnian Armed Forces")
    assert army.values("pillar").distinct().count() == 5
    assert army.filter(pillar="doctrine").count() >= 3
    days = army.order_by("assessed_on").values_list("assessed_on", flat=True)
    assert (days.last() - days.first()).days > 480
    assert assessments.filter(bearer__name="Eastern Ridge Movement", pillar="doctrine").exists()
    specialist = User.objects.get(username="varnia.specialist")
    first = army.first()
    assert first is not None
    bearer_id = first.bearer_id
    current = current_assessments(specialist, [bearer_id])[bearer_id]
    assert current["training"].level == 3 and current["sanctions"].level == 1
    # The one restricted assessment: seen by those named, not by the field delegate.
    restricted = assessments.get(restricted=True)
    delegate = User.objects.get(username="varnia.delegate")
    assert IntegrationAssessment.objects.visible_to(specialist).filter(pk=restricted.pk).exists()
    assert not IntegrationAssessment.objects.visible_to(delegate).filter(pk=restricted.pk).exists()
    kestria_delegate = User.objects.get(username="kestria.delegate")
    assert (
        not IntegrationAssessment.objects.visible_to(kestria_delegate)
        .filter(compartment__code="varnia")
        .exists()
    )


# ---- Commitments ---------------------------------------------------------------------------------
def test_the_demo_has_every_instrument_and_every_assessment(demo_world: bool) -> None:
    assert demo_world is True
    commitments = Commitment.objects.alive()
    instruments = Counter(commitments.values_list("instrument", flat=True))
    assert set(instruments) == set(Instrument.values)
    assert sum(instruments.values()) >= 12
    by_delegation = Counter(commitments.values_list("compartment__code", flat=True))
    assert by_delegation["varnia"] >= 8 and by_delegation["kestria"] >= 3
    assessments = Counter(ComplianceObservation.objects.values_list("assessment", flat=True))
    assert set(assessments) == set(Compliance.values)
    assert assessments[Compliance.KEPT] > assessments[Compliance.BREACHED] >= 3
    current = Counter(commitments.values_list("current_compliance", flat=True))
    assert current[""] >= 1 and current[Compliance.KEPT] >= 5
    assert current[Compliance.PARTLY_KEPT] >= 2
    assert commitments.filter(disclosure="public").count() >= 3
    assert commitments.filter(bearers__isnull=False).values("pk").distinct().count() == len(
        commitments
    )
    assert commitments.filter(interactions__isnull=False).distinct().count() >= 5
    # Signatories: people of the register and names as signed, for both capacities.
    signatories = Signatory.objects.alive()
    assert signatories.filter(person__isnull=False).count() >= 8
    assert any(s.name_as_signed for s in signatories.filter(person__isnull=True))
    assert {"political", "military", "other"} <= set(signatories.values_list("capacity", flat=True))
    two_parties = [c for c in commitments.prefetch_related("bearers") if c.bearers.count() == 2]
    assert len(two_parties) == 1


def test_the_demo_observations_carry_evidence_and_hold_together(demo_world: bool) -> None:
    observations = ComplianceObservation.objects.alive().select_related("commitment")
    today = timezone.localdate()
    for observation in observations:
        commitment = observation.commitment
        assert commitment.made_on <= observation.observed_on <= today
    for commitment in Commitment.objects.alive():
        latest = (
            ComplianceObservation.objects.alive()
            .filter(commitment=commitment)
            .order_by("-observed_on", "-created_at")
            .first()
        )
        assert commitment.current_compliance == (latest.assessment if latest else "")
        assert commitment.compliance_observed_on == (latest.observed_on if latest else None)
    breached = observations.filter(assessment=Compliance.BREACHED)
    assert breached.filter(incidents__isnull=False).distinct().count() >= 3
    assert observations.filter(passages__isnull=False).distinct().count() >= 8
    assert observations.filter(concerns__isnull=False).distinct().count() >= 3
    span = [o.observed_on for o in observations]
    assert (max(span) - min(span)).days >= 365


def test_the_restricted_commitment_is_known_to_two_people(demo_world: bool) -> None:
    restricted = Commitment.objects.filter(restricted=True)
    assert restricted.count() == 1
    insiders = {_user("varnia.head"), _user("varnia.specialist")}
    assert set(restricted.get().restricted_to.all()) == insiders
    for username in ("varnia.head", "varnia.specialist"):
        assert Commitment.objects.visible_to(_user(username)).filter(restricted=True).exists()
    for username in ("varnia.delegate", "hq.analyst", "kestria.delegate", "auditor"):
        user = _user(username)
        assert not Commitment.objects.visible_to(user).filter(restricted=True).exists()
        assert not Signatory.objects.visible_to(user).filter(commitment__restricted=True).exists()


def test_the_demo_figures_differ_by_viewer(demo_world: bool) -> None:
    varnia = tally(_user("varnia.delegate"))
    head = tally(_user("varnia.head"))
    kestria = tally(_user("kestria.delegate"))
    analyst = tally(_user("hq.analyst"))
    assert head.commitments == varnia.commitments + 1
    assert analyst.commitments == varnia.commitments + kestria.commitments
    assert tally(_user("auditor")).commitments == 0
    for figures in (varnia, kestria):
        assert figures.breached >= 1 and figures.kept >= 1
        assert figures.share_kept is not None and 0.3 < figures.share_kept < 0.9
    grouped = compliance_figures(_user("varnia.delegate"))
    assert len(grouped.by_instrument) >= 6 and len(grouped.by_year) >= 2
    assert "Kestrian National Police" not in [t.label for t in grouped.by_bearer]


# ---- Situations and the applicable law -----------------------------------------------------
def test_the_demo_situations_give_the_law_assistant_something_to_answer(demo_world: bool) -> None:
    assert demo_world is True
    by_name = {s.name: s for s in Situation.objects.alive()}
    assert by_name["Varnia: Hollow Hills conflict"].kind == "niac"
    assert by_name["Kestria: unrest in the capital"].kind == "other_violence"
    delegate = _user("varnia.delegate")
    army = WeaponBearer.objects.get(name="Varnian Armed Forces")
    facts = facts_for_bearer(delegate, army)
    assert facts is not None and facts.situation == "niac"
    answer = applicable_law(facts)
    assert answer.steps and all(step.references for step in answer.steps)
    police = WeaponBearer.objects.get(name="Kestrian National Police")
    kestrian = facts_for_bearer(_user("kestria.delegate"), police)
    assert kestrian is not None and kestrian.situation == "other_violence"
    assert answer.frameworks != applicable_law(kestrian).frameworks
