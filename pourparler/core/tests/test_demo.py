"""The demo world loader and the console commands that go with it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from pytest_django import DjangoDbBlocker, Settings

from pourparler.bearers.models import BearerName, BearerRelation, ExternalId, Unit, WeaponBearer
from pourparler.core.choices import Role
from pourparler.core.models import ChangeLogEntry, Delegation, Membership, User
from pourparler.demo.world import DEMO_PASSWORD, STAFF, load_demo_world
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.geo.models import AdminArea, Country
from pourparler.people.models import Person, PersonName, Position, Relationship

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


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[bool]:
    """Load the world once for this module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = load_demo_world()
        yield loaded
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_every_interaction_is_visible_to_its_creator(demo_world: bool) -> None:
    created: dict[object, set[object]] = defaultdict(set)
    for pk, creator_id in Interaction.objects.values_list("pk", "created_by_id"):
        created[creator_id].add(pk)
    assert created
    for creator_id, pks in created.items():
        creator = User.objects.get(pk=creator_id)
        visible = set(Interaction.objects.visible_to(creator).values_list("pk", flat=True))
        assert pks <= visible, creator.username


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_field_delegates_have_a_full_home_page(demo_world: bool) -> None:
    for username in ("varnia.delegate", "kestria.delegate"):
        user = _user(username)
        assert user.interactions_attended.count() >= 30
        open_follow_ups = FollowUp.objects.visible_to(user).filter(owner=user, status="open")
        assert open_follow_ups.count() >= 3


@pytest.mark.django_db
def test_loading_twice_adds_nothing(demo_world: bool) -> None:
    before = _counts()
    assert load_demo_world() is False
    assert _counts() == before


def test_demo_command_refuses_outside_demo_mode(settings: Settings) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="POURPARLER_DEMO=1"):
        call_command("demo", stdout=StringIO())


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
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
