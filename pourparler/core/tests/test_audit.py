"""The tamper-evident audit log: the chain, its checkpoints, what is appended, and verify.

The tamper tests run the pure verifier on in-memory copies of a 200-event chain with
one random edit, deletion, reordering, forged insertion or truncation each; every one
must be detected. The database tests show the hooks (changes, reads, lists, sign-ins,
grants) and that `pourparler audit verify` names the entry after one byte is changed.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import json
import random
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pourparler.core import audit
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditCheckpoint, AuditEvent, AuditHead, ChangeLogEntry
from pourparler.core.services import do_grant_access, seed_reference_records
from pourparler.dialogue.models import Interaction, Topic
from pourparler.dialogue.services import do_update_interaction
from pourparler.testing.http import page_body, sign_in
from pourparler.testing.personas import PASSWORD, World, make_interaction, make_person

UTC = datetime.UTC
KEY = Ed25519PrivateKey.generate()
KEY_ID = audit.key_id_of(KEY.public_key())
PUBLIC = {KEY_ID: KEY.public_key()}
CHAIN_LENGTH = 200
CHECKPOINT_EVERY = 50


# --- An in-memory chain ---------------------------------------------------------------------


def _sign(seq: int, hash_: str, at: datetime.datetime) -> dict[str, Any]:
    signature = KEY.sign(audit.checkpoint_message(seq, hash_, at, KEY_ID)).hex()
    return {"seq": seq, "hash": hash_, "at": at, "signature": signature, "public_key_id": KEY_ID}


def _random_event(rng: random.Random, seq: int) -> dict[str, Any]:
    def some_id() -> uuid.UUID | None:
        return uuid.UUID(int=rng.getrandbits(128)) if rng.random() < 0.8 else None

    kind = rng.choice(AuditKind.values)
    detail: dict[str, Any] = {"version": rng.randint(1, 9)}
    if kind == AuditKind.LIST:
        detail = {"ids": [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(3)], "count": 3}
    elif kind == AuditKind.CHANGE:
        detail = {
            "entry": str(uuid.UUID(int=rng.getrandbits(128))),
            "action": "update",
            "version": rng.randint(1, 9),
            "digest": f"{rng.getrandbits(256):064x}",
        }
    elif kind == AuditKind.LOGIN_FAILED:
        detail = {"username": rng.choice(["alice", "bob", "mallory"]), "ip": "10.0.0.7"}
    return {
        "seq": seq,
        "at": datetime.datetime(2026, 1, 1, tzinfo=UTC)
        + datetime.timedelta(seconds=seq * 7, microseconds=rng.randint(0, 999_999)),
        "actor_id": some_id(),
        "actor_name": rng.choice(["alice", "bob", "carol", "system", "anonymous"]),
        "request_id": f"{rng.getrandbits(64):016x}",
        "kind": kind,
        "content_type_id": rng.choice([None, 3, 17, 23]),
        "object_id": some_id(),
        "compartment_id": some_id(),
        "detail": detail,
    }


def _rechain(events: list[dict[str, Any]], start: int = 0) -> None:
    """What a forger without the key can do: recompute links and hashes from ``start``."""
    prev = events[start - 1]["hash"] if start > 0 else audit.GENESIS_HASH
    for event in events[start:]:
        event["prev_hash"] = prev
        event["hash"] = prev = audit.event_hash(event)


def build_chain(
    length: int = CHAIN_LENGTH, seed: int = 7
) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    """Return events, head and checkpoints (one every CHECKPOINT_EVERY events)."""
    rng = random.Random(seed)
    events = [_random_event(rng, seq) for seq in range(1, length + 1)]
    _rechain(events)
    checkpoints = [
        _sign(e["seq"], e["hash"], e["at"]) for e in events if e["seq"] % CHECKPOINT_EVERY == 0
    ]
    return events, {"seq": length, "hash": events[-1]["hash"]}, checkpoints


CHAIN = build_chain()


def fresh() -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    """Return a copy of CHAIN to tamper with (``mutate`` copies any detail it changes)."""
    events, head, checkpoints = CHAIN
    return [dict(e) for e in events], dict(head), [dict(c) for c in checkpoints]


def verify(
    events: list[dict[str, Any]], head: dict[str, Any] | None, checkpoints: list[dict[str, Any]]
) -> audit.VerifyResult:
    return audit.verify_events(events, head=head, checkpoints=checkpoints, public_keys=PUBLIC)


def _flip_char(rng: random.Random, text: str, alphabet: str) -> str:
    if not text:
        return rng.choice(alphabet)
    i = rng.randrange(len(text))
    replacement = rng.choice([c for c in alphabet if c != text[i]])
    return text[:i] + replacement + text[i + 1 :]


def mutate(rng: random.Random, value: Any) -> Any:
    """Return a value of the same shape that differs from the given one."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([-2, -1, 1, 2, 1000])
    if isinstance(value, datetime.datetime):
        return value + datetime.timedelta(microseconds=rng.choice([1, -1, 1000, 10**6]))
    if isinstance(value, uuid.UUID):
        return rng.choice([None, uuid.UUID(int=value.int ^ (1 << rng.randrange(122)))])
    if isinstance(value, str):
        alphabet = "0123456789abcdef" if len(value) == 64 else "abcdefghijklmnopqrstuvwxyz.-"
        return _flip_char(rng, value, alphabet)
    if isinstance(value, dict):
        changed = copy.deepcopy(value)
        if changed and rng.random() < 0.75:
            key = rng.choice(sorted(changed))
            if rng.random() < 0.2:
                del changed[key]
            else:
                changed[key] = mutate(rng, changed[key])
        else:
            changed["forged"] = 1
        return changed
    if isinstance(value, list):
        changed = list(value)
        if changed:
            i = rng.randrange(len(changed))
            changed[i] = mutate(rng, changed[i])
        else:
            changed.append("x")
        return changed
    if value is None:
        return rng.choice([1, "x", uuid.UUID(int=rng.getrandbits(128))])
    raise AssertionError(f"no mutation for {value!r}")


# Each tamper returns the tampered (events, head, checkpoints) and the seq the verifier
# should name first (None: any report will do).
Tampered = tuple[list[dict[str, Any]], dict[str, Any] | None, list[dict[str, Any]], int | None]


def edit_one_field(rng: random.Random) -> Tampered:
    events, head, checkpoints = fresh()
    i = rng.randrange(len(events))
    name = rng.choice(audit.EVENT_FIELDS)
    before = events[i][name]
    events[i][name] = mutate(rng, before)
    assert events[i][name] != before
    return events, head, checkpoints, (None if name == "seq" else i + 1)


def edit_and_rewrite_the_rest(rng: random.Random) -> Tampered:
    """Edit one event and recompute every later hash and the head: checkpoints catch it."""
    events, head, checkpoints = fresh()
    last_signed = max(c["seq"] for c in checkpoints)
    i = rng.randrange(last_signed)
    name = rng.choice([f for f in audit.HASHED_FIELDS if f not in ("seq", "prev_hash")])
    events[i][name] = mutate(rng, events[i][name])
    _rechain(events, i)
    head = {"seq": events[-1]["seq"], "hash": events[-1]["hash"]}
    return events, head, checkpoints, None


def delete_one(rng: random.Random) -> Tampered:
    events, head, checkpoints = fresh()
    i = rng.randrange(len(events))
    del events[i]
    return events, head, checkpoints, i + 1


def swap_two(rng: random.Random) -> Tampered:
    events, head, checkpoints = fresh()
    i, j = sorted(rng.sample(range(len(events)), 2))
    events[i], events[j] = events[j], events[i]
    if rng.random() < 0.5:  # and give them back the seq numbers of their new places
        events[i]["seq"], events[j]["seq"] = events[j]["seq"], events[i]["seq"]
    return events, head, checkpoints, i + 1


def insert_forged(rng: random.Random) -> Tampered:
    events, head, checkpoints = fresh()
    p = rng.randrange(len(events) + 1)
    forged = _random_event(rng, p + 1)
    forged["prev_hash"] = events[p - 1]["hash"] if p else audit.GENESIS_HASH
    forged["hash"] = audit.event_hash(forged)
    events.insert(p, forged)
    style = rng.choice(["as is", "renumber", "rechain", "rechain and move head"])
    if style != "as is":
        for event in events[p + 1 :]:
            event["seq"] += 1
    if style.startswith("rechain"):
        _rechain(events, p)
    if style == "rechain and move head":
        if p >= max(c["seq"] for c in checkpoints):
            p = 0  # beyond the last checkpoint only the head can tell; move it back there
            events, head, checkpoints = fresh()
            forged = _random_event(rng, 1)
            events.insert(0, forged)
            for event in events[1:]:
                event["seq"] += 1
            _rechain(events)
        head = {"seq": events[-1]["seq"], "hash": events[-1]["hash"]}
    return events, head, checkpoints, None


def truncate(rng: random.Random) -> Tampered:
    events, head, checkpoints = fresh()
    keep = rng.randrange(len(events))
    del events[keep:]
    if rng.random() < 0.5 and keep < max(c["seq"] for c in checkpoints):
        # Move the head back too: the checkpoint past the new end still tells.
        head = (
            {"seq": keep, "hash": events[-1]["hash"]}
            if events
            else {"seq": 0, "hash": audit.GENESIS_HASH}
        )
    return events, head, checkpoints, keep + 1


TAMPERS: dict[str, tuple[Callable[[random.Random], Tampered], int]] = {
    "edit one field": (edit_one_field, 600),
    "edit and rewrite the rest": (edit_and_rewrite_the_rest, 100),
    "delete one": (delete_one, 150),
    "swap two": (swap_two, 150),
    "insert a forged event": (insert_forged, 150),
    "truncate": (truncate, 150),
}


def test_the_untouched_chain_verifies() -> None:
    result = verify(*CHAIN)
    assert result.ok, result.problem
    assert (result.events, result.checkpoints) == (200, 4)
    assert result.summary() == "OK: 200 events, 4 checkpoints"


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_every_tampered_copy_is_detected(name: str) -> None:
    tamper, cases = TAMPERS[name]
    rng = random.Random(f"audit-{name}")
    detected = 0
    for case in range(cases):
        events, head, checkpoints, expected_seq = tamper(rng)
        result = verify(events, head, checkpoints)
        assert not result.ok, f"{name} case {case} went undetected"
        assert result.problem is not None
        if expected_seq is not None:
            assert result.problem.seq == expected_seq, (name, case, result.problem)
        detected += 1
    assert detected == cases


def test_there_are_at_least_200_tamper_cases() -> None:
    assert sum(cases for _, cases in TAMPERS.values()) >= 200


def test_a_checkpoint_does_not_verify_with_another_public_key() -> None:
    other = Ed25519PrivateKey.generate().public_key()
    result = audit.verify_events(
        CHAIN[0], head=CHAIN[1], checkpoints=CHAIN[2], public_keys={KEY_ID: other}
    )
    assert result.problem == audit.Problem(50, "the checkpoint's signature does not verify")
    unknown = audit.verify_events(CHAIN[0], head=CHAIN[1], checkpoints=CHAIN[2], public_keys={})
    assert unknown.problem is not None and "unknown key" in unknown.problem.message


def test_a_forged_checkpoint_signature_is_refused() -> None:
    events, head, checkpoints = fresh()
    checkpoints[2]["at"] += datetime.timedelta(seconds=1)
    assert verify(events, head, checkpoints).problem == audit.Problem(
        150, "the checkpoint's signature does not verify"
    )


def test_a_missing_head_row_is_reported() -> None:
    result = verify(CHAIN[0], None, CHAIN[2])
    assert result.problem == audit.Problem(None, "the audit head row is missing")
    assert audit.verify_events([], head=None).ok


# --- The database ---------------------------------------------------------------------------


def head() -> tuple[int, str]:
    row = AuditHead.objects.get()
    return row.seq, row.hash


def events_since(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))


def verify_command() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_appends_keep_the_chain_continuous() -> None:
    start, _ = head()
    for i in range(300):
        audit.append_event(AuditKind.KEY_OPERATION, actor=None, detail={"operation": f"op {i}"})
    events = events_since(0)
    assert [e.seq for e in events] == list(range(1, start + 301))
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
        assert event.hash == audit.event_hash(audit._fields_of(event))
    assert head() == (events[-1].seq, events[-1].hash)
    assert audit.verify_database().ok


@pytest.mark.django_db
def test_an_append_costs_three_queries() -> None:
    audit.append_event(AuditKind.KEY_OPERATION, actor=None)
    with CaptureQueriesContext(connection) as queries:
        audit.append_event(AuditKind.KEY_OPERATION, actor=None, detail={"operation": "x"})
    assert len(queries) == 3  # lock the head, insert the event, move the head


@pytest.mark.django_db
def test_every_change_log_entry_is_chained_with_a_digest(world: World) -> None:
    start, _ = head()
    interaction = make_interaction(world.alice, world.varnia, summary="Met the brigade.")
    entry = ChangeLogEntry.objects.get(object_id=interaction.pk)
    [event] = [
        e
        for e in events_since(start)
        if e.kind == AuditKind.CHANGE and e.object_id == interaction.pk
    ]
    assert event.actor == world.alice and event.actor_name == "alice"
    assert event.compartment_id == world.varnia.pk
    assert event.request_id == entry.request_id
    assert event.detail == {
        "entry": str(entry.pk),
        "action": "create",
        "version": 1,
        "digest": audit.changelog_digest(entry.before, entry.after),
    }
    assert "Met the brigade" not in str(event.detail)


@pytest.mark.django_db
def test_a_rolled_back_service_write_leaves_no_audit_event(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    before = head()
    count = AuditEvent.objects.count()
    # Moving the record into a compartment alice cannot write is refused after the write.
    with pytest.raises(PermissionDenied):
        do_update_interaction(
            interaction,
            actor=world.alice,
            expected_version=1,
            changes={"compartment": world.kestria},
        )
    with pytest.raises(RuntimeError), transaction.atomic():
        make_interaction(world.alice, world.varnia)
        raise RuntimeError("rolled back")
    assert head() == before
    assert AuditEvent.objects.count() == count


@pytest.mark.django_db
def test_a_failed_append_rolls_the_change_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = Interaction.objects.count()

    def broken(event: Any) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "event_hash", broken)
    with pytest.raises(RuntimeError):
        make_interaction(world.alice, world.varnia)
    assert Interaction.objects.count() == count


@pytest.mark.django_db
def test_seeding_reference_rows_chains_them_in_bulk() -> None:
    start, _ = head()
    rows = [{"code": f"audit-{i}", "name": f"Audit topic {i}"} for i in range(40)]
    with CaptureQueriesContext(connection) as queries:
        assert seed_reference_records(Topic, rows, key="code") == 40
    events = events_since(start)
    assert len(events) == 40 and {e.kind for e in events} == {AuditKind.CHANGE}
    # One head lock, one bulk insert and one head update, not three per row.
    assert sum("core_audit" in q["sql"] for q in queries.captured_queries) == 3
    assert audit.verify_database().ok


@pytest.mark.django_db
def test_sign_ins_failures_and_sign_outs_are_audited(client: Client, world: World) -> None:
    start, _ = head()
    client.post("/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post("/login/", {"username": "alice", "password": PASSWORD})
    client.post("/logout/")
    events = [e for e in events_since(start) if e.kind != AuditKind.CHANGE]
    assert [e.kind for e in events] == ["login_failed", "login_succeeded", "logout"]
    failed, succeeded, logged_out = events
    assert failed.actor is None and failed.actor_name == "anonymous"
    assert failed.detail == {"username": "alice", "ip": "10.1.2.3"}
    assert succeeded.actor == world.alice and logged_out.actor == world.alice
    assert "wrong" not in str(failed.detail) and PASSWORD not in str(succeeded.detail)


@pytest.mark.django_db
def test_detail_pages_append_a_read_and_lists_the_ids_shown(world: World) -> None:
    client = Client()
    sign_in(client, world.alice)
    interaction = make_interaction(world.alice, world.varnia)
    person = make_person(world.alice, world.varnia, full_name="Col. Idris Maren")
    start, _ = head()
    client.get(reverse("interaction_detail", args=[interaction.pk]))
    client.get(reverse("person_detail", args=[person.pk]))
    client.get(reverse("person_list"))
    client.get(reverse("person_detail", args=[uuid.uuid4()]))  # missing: nothing was read
    read_interaction, read_person, listed = events_since(start)
    assert (read_interaction.kind, read_interaction.object_id) == ("read", interaction.pk)
    assert read_interaction.actor == world.alice
    assert read_interaction.compartment_id == world.varnia.pk
    assert read_interaction.content_type == ContentType.objects.get_for_model(Interaction)
    assert (read_person.kind, read_person.object_id) == ("read", person.pk)
    assert listed.kind == "list" and str(person.pk) in listed.detail["ids"]
    assert "Idris" not in str(listed.detail)


@pytest.mark.django_db
def test_grants_are_audited(world: World) -> None:
    start, _ = head()
    grant = do_grant_access(
        actor=world.carol,
        grantee=world.dave,
        access="read",
        delegation=world.varnia,
        reason="Convoy planning across the border",
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    [event] = [e for e in events_since(start) if e.kind == AuditKind.GRANT_CHANGED]
    assert event.object_id == grant.pk and event.actor == world.carol
    assert event.detail["grantee"] == str(world.dave.pk) and event.detail["action"] == "granted"
    assert "Convoy" not in str(event.detail)


# --- `pourparler audit verify` and `checkpoint` ----------------------------------------------


@pytest.mark.django_db
def test_verify_passes_then_names_the_entry_after_one_character_changes(world: World) -> None:
    make_interaction(world.alice, world.varnia)
    assert verify_command().startswith("OK: ")
    target = AuditEvent.objects.filter(actor_name="alice").order_by("seq").first()
    assert target is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET actor_name = %s WHERE seq = %s", ["alicf", target.seq]
        )
    with pytest.raises(CommandError, match=rf"seq {target.seq}: hash does not match"):
        verify_command()


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["detail", "request_id", "at", "prev_hash", "hash"])
def test_verify_names_the_event_whatever_column_is_touched(world: World, column: str) -> None:
    make_interaction(world.alice, world.varnia)
    target = AuditEvent.objects.filter(kind=AuditKind.CHANGE).order_by("-seq").first()
    assert target is not None
    with connection.cursor() as cursor:
        select = f"SELECT {column} FROM core_auditevent WHERE seq = %s"  # noqa: S608
        cursor.execute(select, [target.seq])
        [raw] = cursor.fetchone()
        text = json.dumps(raw) if isinstance(raw, dict) else str(raw)
        digit = next(i for i, c in enumerate(text) if c.isdigit())
        changed = text[:digit] + str((int(text[digit]) + 1) % 10) + text[digit + 1 :]
        value: Any = changed
        if isinstance(raw, datetime.datetime):
            value = datetime.datetime.fromisoformat(changed)
        update = f"UPDATE core_auditevent SET {column} = %s WHERE seq = %s"  # noqa: S608
        cursor.execute(update, [value, target.seq])
    with pytest.raises(CommandError, match=rf"seq {target.seq}: "):
        verify_command()


@pytest.mark.django_db
def test_verify_notices_an_altered_or_forged_change_log_entry(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="First.")
    entry = ChangeLogEntry.objects.get(object_id=interaction.pk)
    event = AuditEvent.objects.get(kind=AuditKind.CHANGE, detail__entry=str(entry.pk))
    ChangeLogEntry.objects.filter(pk=entry.pk).update(after={**entry.after, "version": 9})
    with pytest.raises(CommandError, match=rf"seq {event.seq}: the change-log entry .* altered"):
        verify_command()
    ChangeLogEntry.objects.filter(pk=entry.pk).update(after=entry.after)
    assert verify_command().startswith("OK")
    forged = ChangeLogEntry.objects.create(
        actor=world.bob,
        actor_name="bob",
        request_id="forged",
        action="update",
        content_type=entry.content_type,
        object_id=interaction.pk,
        object_version=2,
        before=entry.after,
        after=entry.after,
    )
    with pytest.raises(CommandError, match=rf"1 change-log entries .*first: {forged.pk}"):
        verify_command()


@pytest.mark.django_db
def test_verify_notices_a_cut_off_tail_and_events_added_around_the_log(
    world: World, settings: Any
) -> None:
    settings.AUDIT_CHECKPOINT_EVERY = 5
    for _ in range(12):
        audit.append_event(AuditKind.KEY_OPERATION, actor=None)
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    AuditEvent.objects.filter(seq=last.seq).delete()
    with pytest.raises(CommandError, match="cut off"):
        verify_command()
    # Moving the head back too does not help: a signed checkpoint lies past the new end.
    checkpoint = AuditCheckpoint.objects.order_by("-seq").first()
    assert checkpoint is not None
    AuditEvent.objects.filter(seq__gte=checkpoint.seq).delete()
    new_last = AuditEvent.objects.order_by("-seq").first()
    assert new_last is not None
    AuditHead.objects.update(seq=new_last.seq, hash=new_last.hash)
    with pytest.raises(CommandError, match=rf"checkpoint covers seq {checkpoint.seq}"):
        verify_command()


@pytest.mark.django_db
def test_verify_notices_an_event_inserted_past_the_head(world: World) -> None:
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    forged = AuditEvent(
        seq=last.seq + 1,
        at=timezone.now(),
        actor_name="mallory",
        request_id="x",
        kind=AuditKind.READ,
        detail={},
        prev_hash=last.hash,
    )
    forged.hash = audit.event_hash(audit._fields_of(forged))
    forged.save(force_insert=True)
    with pytest.raises(CommandError, match=rf"seq {forged.seq}: the event lies past the head"):
        verify_command()


@pytest.mark.django_db
def test_checkpoints_are_written_every_n_events_and_on_demand(
    settings: Any,
) -> None:
    settings.AUDIT_CHECKPOINT_EVERY = 10
    start, _ = head()
    AuditCheckpoint.objects.all().delete()
    for _ in range(25):
        audit.append_event(AuditKind.KEY_OPERATION, actor=None)
    automatic = list(AuditCheckpoint.objects.values_list("seq", flat=True))
    assert automatic == [s for s in range(start + 1, start + 26) if s % 10 == 0]
    from io import StringIO

    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert f"Checkpoint at seq {start + 25}" in out.getvalue()
    assert AuditEvent.objects.order_by("-seq").values_list("kind", flat=True)[0] == "checkpoint"
    assert verify_command() == (
        f"OK: {start + 26} events, {AuditCheckpoint.objects.count()} checkpoints"
    )


@pytest.mark.django_db
def test_verify_fails_on_checkpoints_with_another_public_key(settings: Any, tmp_path: Path) -> None:
    audit.write_checkpoint()
    checkpoint = AuditCheckpoint.objects.order_by("-seq").first()
    assert checkpoint is not None
    mine = tmp_path / "mine.pub"
    mine.write_bytes(
        audit.signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    settings.AUDIT_PUBLIC_KEY_FILE = str(mine)
    assert verify_command().startswith("OK")  # the public key alone verifies
    other = tmp_path / "other.pub"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    settings.AUDIT_PUBLIC_KEY_FILE = str(other)
    with pytest.raises(CommandError, match=rf"seq {checkpoint.seq}: .*unknown key"):
        verify_command()


# --- Keys -------------------------------------------------------------------------------------


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.mark.django_db
def test_the_signing_key_is_read_from_a_file_as_pem_or_raw_bytes(
    settings: Any, tmp_path: Path
) -> None:
    key = Ed25519PrivateKey.generate()
    pem, raw = tmp_path / "audit.pem", tmp_path / "audit.raw"
    pem.write_bytes(_pem(key))
    raw.write_bytes(
        key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    )
    for path in (pem, raw):
        path.chmod(0o600)
        settings.AUDIT_SIGNING_KEY_FILE = str(path)
        assert audit.key_id_of(audit.signing_key().public_key()) == audit.key_id_of(
            key.public_key()
        )
        assert audit.write_checkpoint().public_key_id == audit.key_id_of(key.public_key())
    assert audit.verify_database().ok


@pytest.mark.django_db
def test_init_key_writes_a_private_key_and_its_public_half(settings: Any, tmp_path: Path) -> None:
    from io import StringIO

    path = tmp_path / "keys" / "audit.key"
    call_command("audit", "init-key", "--out", str(path), stdout=StringIO())
    assert (path.stat().st_mode & 0o777) == 0o600
    settings.AUDIT_SIGNING_KEY_FILE = str(path)
    settings.AUDIT_PUBLIC_KEY_FILE = str(path) + ".pub"
    audit.write_checkpoint()
    assert verify_command().startswith("OK")
    with pytest.raises(CommandError, match="exists"):
        call_command("audit", "init-key", "--out", str(path), stdout=StringIO())


def test_a_signing_key_beside_the_data_or_readable_by_others_is_refused(
    settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    inside = settings.DATA_DIR / "audit.pem"
    inside.write_bytes(_pem(Ed25519PrivateKey.generate()))
    inside.chmod(0o600)
    settings.AUDIT_SIGNING_KEY_FILE = str(inside)
    with pytest.raises(audit.AuditKeyError, match="beside the database"):
        audit.signing_key()
    assert [m.id for m in audit.check_audit_keys()] == ["pourparler.E101"]
    shared = tmp_path / "shared.pem"
    shared.write_bytes(_pem(Ed25519PrivateKey.generate()))
    shared.chmod(0o644)
    settings.AUDIT_SIGNING_KEY_FILE = str(shared)
    with pytest.raises(audit.AuditKeyError, match="readable by others"):
        audit.signing_key()


def test_demo_mode_makes_its_key_once_in_the_config_directory(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TESTING, settings.DEMO_MODE, settings.AUDIT_SIGNING_KEY_FILE = False, True, ""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    first = audit.signing_key()
    path = tmp_path / "pourparler" / "demo-audit-signing.key"
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    again = audit.signing_key()
    assert audit.key_id_of(first.public_key()) == audit.key_id_of(again.public_key())
    settings.DEMO_MODE = False
    with pytest.raises(audit.AuditKeyError, match="No audit signing key"):
        audit.signing_key()
    assert [m.id for m in audit.check_audit_keys_deploy()] == ["pourparler.W101"]


# --- The auditor's page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_only_auditors_see_the_audit_page_others_get_the_missing_page(world: World) -> None:
    for name in ("alice", "carol", "hana", "adam"):
        client = Client()
        sign_in(client, world.users[name])
        response = client.get("/audit/")
        assert response.status_code == 404
        assert page_body(response.content) == page_body(client.get("/no-such").content)
        assert b"Audit log" not in client.get("/").content
    auditor = Client()
    sign_in(auditor, world.audrey)
    assert auditor.get("/audit/").status_code == 200
    assert b'href="/audit/"' in auditor.get("/").content


@pytest.mark.django_db
def test_the_audit_page_filters_shows_metadata_only_and_is_itself_audited(
    world: World,
) -> None:
    alice = Client()
    sign_in(alice, world.alice)
    interaction = make_interaction(world.alice, world.varnia, summary="Secret ambulance route.")
    alice.get(reverse("interaction_detail", args=[interaction.pk]))
    alice.get(reverse("interaction_list"))
    auditor = Client()
    sign_in(auditor, world.audrey)

    def rows(**query: str) -> list[AuditEvent]:
        response = auditor.get("/audit/", query)
        assert response.status_code == 200
        assert b"Secret ambulance" not in response.content
        return list(response.context["page"].items)

    by_record = rows(record=str(interaction.pk))
    assert {e.kind for e in by_record} == {"change", "read", "list"}
    assert all(e.seq > f.seq for e, f in itertools.pairwise(by_record))
    reads = rows(user="alice", kind="read")
    assert [e.object_id for e in reads] == [interaction.pk]
    today = timezone.now().date()
    assert rows(since=str(today), until=str(today))
    assert rows(until=str(today - datetime.timedelta(days=1))) == []
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None and last.kind == AuditKind.LIST and last.actor == world.audrey
    assert last.content_type == ContentType.objects.get_for_model(AuditEvent)
    assert last.detail["filters"] == {"until": str(today - datetime.timedelta(days=1))}


@pytest.mark.django_db
def test_a_recorded_retention_rewrite_of_a_change_log_entry_still_verifies(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    entry = ChangeLogEntry.objects.get(object_id=interaction.pk)
    entry.after = {**entry.after, "summary": "[removed under the retention policy]"}
    entry.save(update_fields=["after"])
    with pytest.raises(CommandError, match="altered"):
        verify_command()
    audit.record_changelog_redaction(entry, actor=None, reason="retention: 5 years")
    assert verify_command().startswith("OK")
    entries = list(ChangeLogEntry.objects.order_by("at")[:30])
    for rewritten in entries:
        rewritten.after = {**(rewritten.after or {}), "rewritten": True}
        rewritten.save(update_fields=["after"])
    with pytest.raises(CommandError, match="altered"):
        verify_command()
    events = audit.record_changelog_redactions(entries, actor=None, reason="rotation", per_event=8)
    assert len(events) == 4
    assert verify_command().startswith("OK")


# SQLite's IMMEDIATE transactions serialise writers by design; the test database there is
# an in-memory shared cache that cannot hold concurrent writers at all. So this one exists
# on PostgreSQL only, where the head row lock alone keeps the chain whole.
if connection.vendor == "postgresql":

    @pytest.mark.postgres_only
    @pytest.mark.django_db(transaction=True)
    def test_concurrent_appends_on_postgresql_make_one_unbroken_chain() -> None:
        before = AuditEvent.objects.count()

        def append(worker: int) -> None:
            try:
                for i in range(25):
                    audit.append_event(AuditKind.READ, actor=None, detail={"w": worker, "i": i})
            finally:
                connection.close()

        threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert AuditEvent.objects.count() == before + 100
        assert audit.verify_database().ok
