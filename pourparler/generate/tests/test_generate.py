"""The generator: a deterministic, valid, visible-as-it-should world, fast enough to be big.

One tiny world is generated per module (inside a transaction rolled back at the end) and
read by every test here; test_determinism.py makes three smaller ones of its own.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from pourparler.bearers.models import BearerName, BearerRelation, Unit, WeaponBearer
from pourparler.concerns.models import Concern
from pourparler.core import audit
from pourparler.core.choices import Role
from pourparler.core.models import AuditEvent, Membership, User
from pourparler.dialogue.models import Interaction
from pourparler.generate.landmarks import find_landmarks
from pourparler.generate.scales import scale_for
from pourparler.generate.world import (
    GENERATED_MODELS,
    NotEmpty,
    WorldGenerator,
    generate_world,
)
from pourparler.people.models import Person, PersonName
from pourparler.testing.http import sign_in

UNTIL = datetime.date(2026, 6, 30)
TINY = scale_for("tiny")
ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def generated(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[WorldGenerator]:
    """A tiny world, generated once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        yield generate_world(TINY, seed=7, until=UNTIL)
        transaction.set_rollback(True)


def delegate_of(generator: WorldGenerator, place: int = 0, n: int = 1) -> User:
    code = generator.places[place].code
    return User.objects.get(username=f"{code}.delegate{n}")


def test_counts_follow_the_scale(generated: WorldGenerator, db: None) -> None:
    assert Interaction.objects.visible_to  # the model is the one the pages read
    assert Interaction._base_manager.count() == TINY.interactions
    assert Person._base_manager.count() == TINY.people
    assert Concern._base_manager.count() == TINY.concerns
    assert WeaponBearer._base_manager.count() == TINY.bearers
    units = Unit._base_manager.count()
    assert TINY.units * 0.8 <= units <= TINY.units * 1.5
    generated_events = AuditEvent.objects.filter(request_id__startswith="gen-").count()
    assert generated_events == TINY.audit_events
    assert generated.places and len(generated.places) == TINY.delegations


def test_scales_are_tenths_of_each_other() -> None:
    large, medium, small = scale_for("large"), scale_for("medium"), scale_for("small")
    assert (large.interactions, large.audit_events) == (1_000_000, 10_000_000)
    assert (large.bearers, large.units, large.people, large.concerns) == (
        1_000,
        20_000,
        100_000,
        200_000,
    )
    assert medium.interactions * 10 == large.interactions
    assert small.people * 100 == large.people
    assert large.delegations == medium.delegations == small.delegations == 40
    with pytest.raises(ValueError, match="Unknown scale"):
        scale_for("huge")


def test_every_kind_is_present_and_valid(generated: WorldGenerator, db: None) -> None:
    for model in GENERATED_MODELS:
        sample = list(model._base_manager.order_by("pk")[:40])
        assert sample, f"no {model._meta.verbose_name_plural} generated"
        for obj in sample:
            try:
                obj.full_clean()
            except ValidationError as error:  # pragma: no cover - the message is the point
                pytest.fail(f"{model._meta.label} {obj.pk}: {error.message_dict}")
    assert BearerRelation._base_manager.exists()


def test_restricted_and_deleted_shares(generated: WorldGenerator, db: None) -> None:
    total = Interaction._base_manager.count()
    restricted = Interaction._base_manager.filter(restricted=True).count()
    deleted = Interaction._base_manager.filter(deleted_at__isnull=False).count()
    assert 0.01 * total <= restricted <= 0.12 * total
    assert 0 < deleted <= 0.05 * total
    # Every restricted interaction names its author, as the write path does.
    for interaction in Interaction._base_manager.filter(restricted=True):
        assert interaction.created_by in interaction.restricted_to.all()


def test_names_in_several_languages_and_scripts(generated: WorldGenerator, db: None) -> None:
    languages = {p.language for p in generated.places}
    assert len(languages) == TINY.delegations
    arabic = [n for n in PersonName._base_manager.filter(script="Arab") if ARABIC.search(n.name)]
    assert arabic, "no person name in Arabic script"
    assert all(n.transliteration and not ARABIC.search(n.transliteration) for n in arabic)
    assert BearerName._base_manager.filter(script="Arab", language="ar").exists()
    summaries = [i.summary for i in Interaction._base_manager.all()[:200]]
    assert any(ARABIC.search(s) for s in summaries)
    assert any(re.search("[éèàçñí]", s) for s in summaries)


def test_the_audit_chain_verifies(generated: WorldGenerator, db: None) -> None:
    result = audit.verify_database()
    assert result.ok, result.summary()
    assert result.checkpoints >= TINY.audit_events // 1000


def test_a_delegate_sees_exactly_their_compartment(generated: WorldGenerator, db: None) -> None:
    user = delegate_of(generated, 0)
    compartment = generated.places[0].delegation_id
    seen = set(Interaction.objects.visible_to(user).values_list("pk", flat=True))
    # The oracle: the rules of docs/architecture.md, written as plain SQL.
    through = Interaction.restricted_to.through._meta.db_table
    quote = connection.ops.quote_name
    pk = Interaction._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {quote(Interaction._meta.db_table)} WHERE compartment_id = %s "  # noqa: S608
            "AND deleted_at IS NULL AND (NOT restricted OR id IN "
            f"(SELECT interaction_id FROM {quote(through)} WHERE user_id = %s))",
            [
                pk.get_db_prep_value(compartment, connection),
                pk.get_db_prep_value(user.pk, connection),
            ],
        )
        expected = {pk.to_python(row[0]) for row in cursor.fetchall()}
    assert seen == expected
    assert len(seen) > 10
    others = {p.delegation_id for p in generated.places[1:]}
    assert not Interaction._base_manager.filter(pk__in=seen, compartment_id__in=others).exists()


def test_a_restricted_record_is_hidden_without_being_named(
    generated: WorldGenerator, db: None
) -> None:
    compartment = generated.places[0].delegation_id
    colleagues = list(
        User.objects.filter(
            memberships__delegation_id=compartment, memberships__ends_on__isnull=True
        )
    )
    restricted = Interaction._base_manager.filter(
        compartment_id=compartment, restricted=True, deleted_at__isnull=True
    ).first()
    assert restricted is not None
    named = set(restricted.restricted_to.all())
    outsider = next(u for u in colleagues if u not in named)
    assert not Interaction.objects.visible_to(outsider).filter(pk=restricted.pk).exists()
    author = restricted.created_by
    assert author is not None
    assert Interaction.objects.visible_to(author).filter(pk=restricted.pk).exists()


def test_an_encrypted_note_reads_back_on_the_page(generated: WorldGenerator, db: None) -> None:
    user = delegate_of(generated, 1)
    recent = Interaction.objects.visible_to(user).order_by("-occurred_at")[:50]
    interaction = next((i for i in recent if i.notes), None)
    assert interaction is not None
    stored = Interaction._base_manager.filter(pk=interaction.pk).values_list("notes", flat=True)
    assert stored[0].startswith("pp1:")
    client = Client()
    sign_in(client, user)
    page = client.get(reverse("interaction_detail", args=[interaction.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    note = interaction.notes
    assert note and note.split(";")[0][:30] in body.replace("&#x27;", "'")
    # A delegate of another delegation gets the same answer as for a missing record.
    stranger = delegate_of(generated, 2)
    other = Client()
    sign_in(other, stranger)
    assert other.get(reverse("interaction_detail", args=[interaction.pk])).status_code == 404


def test_the_printed_logins_have_postings_in_force(generated: WorldGenerator, db: None) -> None:
    roles = set(
        Membership.objects.filter(ends_on__isnull=True).values_list("role", flat=True).distinct()
    )
    assert {Role.FIELD_DELEGATE, Role.HEAD_OF_DELEGATION, Role.HQ_ANALYST, Role.AUDITOR} <= roles
    user = User.objects.get(username="hq.analyst1")
    assert user.check_password("bench-pourparler-not-secret")


def test_a_database_with_records_is_refused(generated: WorldGenerator, db: None) -> None:
    with pytest.raises(NotEmpty):
        generate_world(TINY, seed=7, until=UNTIL)
    with pytest.raises(CommandError, match="empty database"):
        call_command("generate", "--scale", "tiny", "--yes", "--no-progress", stdout=StringIO())


def test_the_landmarks_point_at_records_their_delegate_may_open(
    generated: WorldGenerator, db: None
) -> None:
    marks = find_landmarks()
    live = Interaction._base_manager.filter(deleted_at__isnull=True)
    counts = {p.code: live.filter(compartment_id=p.delegation_id).count() for p in generated.places}
    assert counts[marks.delegation] == max(counts.values())
    delegate = User.objects.get(username=marks.delegate)
    assert marks.delegate.startswith(f"{marks.delegation}.delegate")
    assert Interaction.objects.visible_to(delegate).filter(pk=marks.interaction_id).exists()
    assert WeaponBearer.objects.visible_to(delegate).filter(pk=marks.bearer_id).exists()
    assert Person.objects.visible_to(delegate).filter(pk=marks.person_id).exists()
    assert Concern.objects.visible_to(delegate).filter(pk=marks.concern_id).exists()
    assert (marks.analyst, marks.auditor) == ("hq.analyst1", "hq.auditor")
