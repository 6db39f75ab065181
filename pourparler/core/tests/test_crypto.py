"""Encryption at rest: tokens, keys, the change log, the blind index, and the canary test."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import Client
from django.test.utils import isolate_apps
from django.urls import reverse
from pytest_django import Settings

from pourparler.core import crypto, keys
from pourparler.core.choices import ChangeAction
from pourparler.core.fields import EncryptedFieldError, EncryptedTextField
from pourparler.core.models import AuthenticatorDevice, ChangeLogEntry, DataKey
from pourparler.core.services import EditConflict
from pourparler.dialogue.models import Interaction
from pourparler.dialogue.services import do_update_interaction
from pourparler.people.models import Person
from pourparler.people.services import do_add_person_name
from pourparler.testing.http import give_totp_device, sign_in
from pourparler.testing.personas import World, make_interaction, make_person

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def fresh_keys() -> Iterator[None]:
    """Forget cached keys before and after a test that changes the master key."""
    crypto.clear_key_cache()
    yield
    crypto.clear_key_cache()


def db_id(obj: models.Model) -> Any:
    """Return a record's id as raw SQL compares it (SQLite keeps UUIDs as hex)."""
    return obj.pk.hex if connection.vendor == "sqlite" else obj.pk


def stored(obj: models.Model, field: str) -> Any:
    """Return what the database holds for one field of a record (not the plaintext)."""
    return type(obj)._base_manager.filter(pk=obj.pk).values_list(field, flat=True).get()


# ---- tokens --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_value_round_trips_and_the_database_holds_a_token(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="Met Col. Maren at dawn.")
    token = stored(interaction, "summary")
    assert crypto.is_token(token) and "Maren" not in token
    assert token.startswith("pp1:")
    assert Interaction.objects.get(pk=interaction.pk).summary == "Met Col. Maren at dawn."
    aad = crypto.record_aad("dialogue.Interaction", "summary", interaction.pk)
    assert crypto.decrypt_token(token, aad=aad) == "Met Col. Maren at dawn."


@pytest.mark.django_db
def test_the_wrong_aad_does_not_decrypt(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="Secret.")
    token = stored(interaction, "summary")
    for aad in (
        crypto.record_aad("dialogue.Interaction", "notes", interaction.pk),
        crypto.record_aad("dialogue.Interaction", "summary", world.alice.pk),
        crypto.changelog_aad("dialogue.Interaction", "summary", interaction.pk),
    ):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_token(token, aad=aad)


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_row_fails_loudly(world: World) -> None:
    first = make_interaction(world.alice, world.varnia, summary="First.")
    second = make_interaction(world.alice, world.varnia, summary="Second.")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dialogue_interaction SET summary = %s WHERE id = %s",
            [stored(first, "summary"), db_id(second)],
        )
    moved = Interaction.objects.get(pk=second.pk)
    with pytest.raises(crypto.DecryptionError, match="altered or moved"):
        _ = moved.summary


@pytest.mark.django_db
def test_a_tampered_ciphertext_fails(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="Secret.")
    token = stored(interaction, "summary")
    prefix, body = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[20] ^= 1
    tampered = f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    aad = crypto.record_aad("dialogue.Interaction", "summary", interaction.pk)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_token(tampered, aad=aad)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_token("pp1:not-a-token", aad=aad)


@pytest.mark.django_db
def test_empty_text_stays_empty(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="Said.", notes="")
    assert stored(interaction, "notes") == ""
    assert Interaction.objects.get(pk=interaction.pk).notes == ""


@pytest.mark.django_db
def test_sql_cannot_filter_order_or_update_encrypted_fields(world: World) -> None:
    make_person(world.alice, world.varnia, full_name="Col. Idris Maren")
    with pytest.raises(EncryptedFieldError, match="encrypted at rest"):
        Person.objects.filter(full_name="Col. Idris Maren")
    with pytest.raises(EncryptedFieldError):
        Person.objects.filter(full_name__icontains="maren")
    assert Person.objects.filter(notes__isnull=True).count() == 0

    with isolate_apps("pourparler.core"):

        class Leaky(models.Model):
            secret = EncryptedTextField()

            class Meta:
                app_label = "core"
                ordering = ["-secret"]

            def __str__(self) -> str:
                return "leaky"

        errors = Leaky._meta.get_field("secret").check()
    assert [e.id for e in errors if isinstance(e, checks.Error)] == ["core.E101"]
    with pytest.raises(EncryptedFieldError, match="not update"):
        Person.objects.update(full_name="Nobody")  # last: it spoils the transaction


@pytest.mark.django_db
def test_each_compartment_has_its_own_data_key(world: World) -> None:
    varnian = make_interaction(world.alice, world.varnia, summary="V.")
    kestrian = make_interaction(world.dave, world.kestria, summary="K.")
    key_of = {
        obj.compartment_id: crypto.parse_token(stored(obj, "summary"))[0]
        for obj in (varnian, kestrian)
    }
    assert key_of[world.varnia.pk] != key_of[world.kestria.pk]
    active = DataKey.objects.filter(retired_at__isnull=True)
    assert {k.compartment_id for k in active} >= {world.varnia.pk, world.kestria.pk}
    assert all(k.master_key_id == crypto.master_key().key_id for k in active)


@pytest.mark.django_db
def test_a_wrapped_data_key_cannot_be_moved_to_another_compartment(
    world: World, fresh_keys: None
) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="V.")
    key = DataKey.objects.get(compartment=world.varnia, retired_at__isnull=True)
    DataKey.objects.filter(pk=key.pk).update(compartment=world.kestria)
    crypto.clear_key_cache()
    with pytest.raises(crypto.DecryptionError, match="altered or moved"):
        _ = Interaction.objects.get(pk=interaction.pk).summary


@pytest.mark.django_db
def test_another_master_key_reads_nothing_and_says_why(world: World, fresh_keys: None) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="V.")
    other = crypto.using_master_key(crypto.new_key())
    with other, pytest.raises(crypto.MasterKeyMismatch, match="wrapped by master key"):
        _ = Interaction.objects.get(pk=interaction.pk).summary


# ---- the master key ------------------------------------------------------------------------


def test_a_key_file_inside_the_data_directory_is_refused(
    settings: Settings, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "var"
    inside = tmp_path / "var" / "keys" / "master.key"
    inside.parent.mkdir(parents=True)
    crypto.write_key_file(inside, crypto.new_key())
    settings.MASTER_KEY_FILE = str(inside)
    with pytest.raises(ImproperlyConfigured, match="beside the data it protects"):
        crypto.read_master_key()
    with pytest.raises(CommandError, match="beside the data"):
        call_command("keys", "init", "--out", str(tmp_path / "var" / "other.key"))


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_key_file_beside_the_sqlite_database_is_refused(
    settings: Settings, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "var"
    database = {**settings.DATABASES["default"]}
    database.update(ENGINE="django.db.backends.sqlite3", NAME=str(tmp_path / "db" / "p.sqlite3"))
    settings.DATABASES = {**settings.DATABASES, "default": database}
    with pytest.raises(ImproperlyConfigured):
        crypto.check_key_location(tmp_path / "db" / "master.key")
    crypto.check_key_location(tmp_path / "elsewhere" / "master.key")


def test_a_key_file_elsewhere_is_read(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    key = crypto.new_key()
    crypto.write_key_file(path, key)
    assert path.stat().st_mode & 0o777 == 0o600
    settings.MASTER_KEY_FILE = str(path)
    found = crypto.read_master_key()
    assert found.key == key and found.key_id == crypto.key_id(key) and len(found.key_id) == 8
    settings.MASTER_KEY = crypto.encode_key(key)
    with pytest.raises(ImproperlyConfigured, match="set only one"):
        crypto.read_master_key()
    settings.MASTER_KEY_FILE = ""
    assert crypto.read_master_key().key == key
    settings.MASTER_KEY = "not base64!"
    with pytest.raises(ImproperlyConfigured, match="base64"):
        crypto.read_master_key()


def test_demo_mode_makes_its_key_once_outside_var(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    settings.TESTING = False
    settings.DEMO_MODE = True
    settings.MASTER_KEY = settings.MASTER_KEY_FILE = ""
    first = crypto.read_master_key()
    path = tmp_path / "config" / "pourparler" / "demo-master.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert crypto.read_master_key().key == first.key
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured, match="No master key"):
        crypto.read_master_key()


def test_keys_init_writes_a_private_key_and_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "k" / "master.key"
    call_command("keys", "init", "--out", str(out))
    assert out.stat().st_mode & 0o777 == 0o600
    assert len(crypto.decode_key(out.read_text(), "test")) == 32
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("keys", "init", "--out", str(out))


# ---- the change log ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_change_log_holds_no_plaintext_and_can_be_read_back(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="Ambulance route.")
    do_update_interaction(
        interaction, actor=world.alice, expected_version=1, changes={"summary": "New route."}
    )
    with pytest.raises(EditConflict):
        do_update_interaction(
            interaction, actor=world.bob, expected_version=1, changes={"summary": "Bob's route."}
        )
    entries = ChangeLogEntry.objects.filter(object_id=interaction.pk)
    dump = json.dumps([[e.before, e.after] for e in entries])
    for text in ("Ambulance", "New route", "Bob's route"):
        assert text not in dump
    update = entries.get(action=ChangeAction.UPDATE)
    # Unchanged encrypted text keeps its token, so only what changed shows as changed.
    assert {name for name, _, _ in update.changed_fields()} == {"summary", "updated_at", "version"}
    assert crypto.decrypt_logged_value(update, "summary", update.before["summary"]) == (
        "Ambulance route."
    )
    conflict = entries.get(action=ChangeAction.CONFLICT)
    assert crypto.decrypt_logged_value(conflict, "summary", conflict.after["summary"]) == (
        "Bob's route."
    )
    kind = conflict.after["kind"]
    assert crypto.decrypt_logged_value(conflict, "kind", kind) == "bilateral_meeting"
    with pytest.raises(crypto.DecryptionError):
        # A logged copy is bound to the log: it is not the record's own ciphertext.
        crypto.decrypt_token(
            update.after["summary"],
            aad=crypto.record_aad("dialogue.Interaction", "summary", interaction.pk),
        )


# ---- the blind index -----------------------------------------------------------------------


@pytest.mark.django_db
def test_people_are_found_by_blind_index_without_plaintext(client: Client, world: World) -> None:
    maren = make_person(world.alice, world.varnia, full_name="Col. Ïdris Maren-Sáleh")
    do_add_person_name(maren, actor=world.alice, name="إدريس مارن", transliteration="Abu Karim")
    make_person(world.alice, world.varnia, full_name="Maj. Ines Korro")
    make_person(world.dave, world.kestria, full_name="Cmdt. Idris Brandt")
    tokens = stored(maren, "search_tokens")
    for leak in ("idris", "maren", "saleh", "karim", "مارن"):
        assert leak not in tokens
    sign_in(client, world.alice)

    def found(query: str) -> bool:
        response = client.get(reverse("person_list"), {"q": query})
        return reverse("person_detail", args=[maren.pk]).encode() in response.content

    for query in ("idris", "IDRIS maren", "Mar", "saleh", "maren-saleh", "abu kar", "مارن", "col."):
        assert found(query), query
    for query in ("idris korro", "ma", "aren", "xyz"):
        assert not found(query), query
    page = client.get(reverse("person_list"), {"q": "idris"}).content
    assert b"Brandt" not in page  # Kestria's Idris stays invisible to Alice


@pytest.mark.django_db
def test_the_person_list_is_sorted_by_name(client: Client, world: World) -> None:
    for name in ("Zed Ultimo", "Anna Primo", "maya Medio"):
        make_person(world.alice, world.varnia, full_name=name)
    sign_in(client, world.alice)
    page = client.get(reverse("person_list")).content.decode()
    assert page.index("Anna Primo") < page.index("maya Medio") < page.index("Zed Ultimo")


# ---- rotation in process -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rewrap_keeps_every_value_and_the_search(
    world: World, settings: Settings, fresh_keys: None
) -> None:
    person = make_person(world.alice, world.varnia, full_name="Col. Idris Maren", notes="N.")
    interaction = make_interaction(world.alice, world.varnia, summary="Said.")
    old_tokens = stored(person, "search_tokens")
    new_key = crypto.new_key()
    report = keys.rotate(new_key, data_keys=False, stream=None)
    assert report.rewrapped >= 1 and report.indexed["people.Person"] >= 1
    assert stored(person, "search_tokens") != old_tokens
    settings.MASTER_KEY = crypto.encode_key(new_key)
    crypto.clear_key_cache()
    assert Person.objects.get(pk=person.pk).full_name == "Col. Idris Maren"
    assert Interaction.objects.get(pk=interaction.pk).summary == "Said."
    query = crypto.query_tokens(world.varnia.pk, "maren")
    assert all(t in stored(person, "search_tokens") for t in query)
    assert keys.verify(stream=None).failures == []


@pytest.mark.django_db
def test_a_rotation_that_fails_changes_nothing(world: World, fresh_keys: None) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="Said.")
    with connection.cursor() as cursor:  # one value no key can open
        cursor.execute(
            "UPDATE dialogue_interaction SET notes = %s WHERE id = %s",
            [stored(interaction, "summary"), db_id(interaction)],
        )
    before = list(DataKey.objects.values_list("pk", "wrapped_key", "master_key_id"))
    with pytest.raises(crypto.DecryptionError):
        keys.rotate(crypto.new_key(), data_keys=True, stream=None)
    assert list(DataKey.objects.values_list("pk", "wrapped_key", "master_key_id")) == before
    assert [f for f in keys.verify(stream=None).failures if "notes" in f]


# ---- the canary test (the acceptance test) -----------------------------------------


def _forms(canary: str) -> list[bytes]:
    """Return the byte patterns that would betray a canary: UTF-8 as typed, folded and in
    capitals, the hex part alone, UTF-16 both ways, and base64 at the three alignments."""
    text = canary.encode()
    patterns = [text, canary.lower().encode(), canary.upper().encode(), canary[7:].encode()]
    patterns += [canary.encode("utf-16-le"), canary.encode("utf-16-be")]
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * shift + text)
            patterns.append(encoded[4 if shift else 0 : -4])
    return patterns


def _hits(directory: Path, canaries: list[str]) -> tuple[int, int]:
    """Count canaries found in the raw bytes of every file of a copy; return the byte total."""
    blobs = [path.read_bytes() for path in sorted(directory.iterdir())]
    hits = sum(1 for c in canaries if any(p in blob for p in _forms(c) for blob in blobs))
    return hits, sum(len(blob) for blob in blobs)


def _run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"stdout": done.stdout}


@pytest.mark.own_database
def test_canaries_never_reach_the_disk_and_survive_a_rotation(
    tmp_path: Path, migrated_database: Callable[[Path], Path]
) -> None:
    started = time.monotonic()
    data_dir, key_dir = tmp_path / "data", tmp_path / "keys"
    migrated_database(data_dir / "pourparler.sqlite3")
    old_key, new_key = key_dir / "old.key", key_dir / "new.key"
    crypto.write_key_file(old_key, crypto.new_key())
    crypto.write_key_file(new_key, crypto.new_key())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POURPARLER_", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="pourparler.settings",
        POURPARLER_TESTING="1",
        POURPARLER_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'pourparler.sqlite3'}",
        POURPARLER_MASTER_KEY_FILE=str(old_key),
    )
    plan = tmp_path / "plan.json"
    canary = ["-m", "pourparler.testing.canary"]

    written = _run([*canary, "write", str(plan), str(tmp_path / "copy1")], env)
    assert written["live"] == 100 and written["logged"] >= 6
    wal = (tmp_path / "copy1" / "pourparler.sqlite3-wal").read_bytes()
    assert b"pp1:" in wal  # copied while the WAL held the writes (as ciphertext)
    everything = [c["canary"] for group in json.loads(plan.read_text()).values() for c in group]
    hits, size = _hits(tmp_path / "copy1", everything)
    assert hits == 0
    assert _hits(tmp_path / "copy1", [written["control"]])[0] == 1  # the scan does see text
    read = _run([*canary, "read", str(plan)], env)
    assert (read["read"], read["logged_read"], read["failed"]) == (100, written["logged"], 0)
    assert read["searchable"] == read["people"] == 10

    rotation = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pourparler.cli", "keys", "rotate", "--new-key-file",
         str(new_key), "--data-keys"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert rotation.returncode == 0, rotation.stderr[-4000:]
    assert "values and" in rotation.stdout

    env_new = {**env, "POURPARLER_MASTER_KEY_FILE": str(new_key)}
    after = _run([*canary, "read", str(plan), str(tmp_path / "copy2")], env_new)
    assert (after["read"], after["logged_read"], after["failed"]) == (100, written["logged"], 0)
    assert after["searchable"] == 10
    hits_after, size_after = _hits(tmp_path / "copy2", everything)
    assert hits_after == 0
    # The old data keys were destroyed and the file rewritten: not even their wrapped
    # bytes remain for the old master key to open.
    copy2 = b"".join(path.read_bytes() for path in (tmp_path / "copy2").iterdir())
    assert written["wrapped"] and not any(w.encode() in copy2 for w in written["wrapped"])
    stale = _run([*canary, "read", str(plan)], env)  # the old master key
    assert (stale["read"], stale["logged_read"]) == (0, 0) and stale["failed"] > 0
    verified = subprocess.run(
        [sys.executable, "-m", "pourparler.cli", "keys", "verify"],
        env=env_new, cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr[-2000:]
    print(
        f"\ncanary test: {len(everything)} canaries ({written['live']} live, "
        f"{written['logged']} only in the change log); copy 1 {size} bytes "
        f"({written['copied']}), {hits} hits, read {read['read']}+{read['logged_read']}; "
        f"after rotation copy 2 {size_after} bytes, {hits_after} hits, read "
        f"{after['read']}+{after['logged_read']}; old key read {stale['read']}; "
        f"{time.monotonic() - started:.1f} s"
    )


# ---- second-factor seeds (core.AuthenticatorDevice) ----------------------------------------


@pytest.mark.django_db
def test_rotations_keep_second_factor_sign_in_working(
    client: Client, world: World, settings: Settings, fresh_keys: None
) -> None:
    device = give_totp_device(world.alice)
    seed = device.seed
    first = stored(device, "secret")
    # A rewrap keeps the token (the data key is the same), under a new master key.
    rewrap_key = crypto.new_key()
    keys.rotate(rewrap_key, data_keys=False, stream=None)
    settings.MASTER_KEY = crypto.encode_key(rewrap_key)
    crypto.clear_key_cache()
    assert stored(device, "secret") == first
    assert AuthenticatorDevice.objects.get(pk=device.pk).seed == seed
    # Fresh data keys re-encrypt the seed, since the device model has an encrypted field.
    assert AuthenticatorDevice in crypto.encrypted_models()
    new_key = crypto.new_key()
    report = keys.rotate(new_key, data_keys=True, stream=None)
    assert report.values >= 1 and report.retired_data_keys >= 1
    settings.MASTER_KEY = crypto.encode_key(new_key)
    crypto.clear_key_cache()
    second = stored(device, "secret")
    assert second != first and crypto.is_token(second)
    assert crypto.parse_token(second)[0] != crypto.parse_token(first)[0]
    assert AuthenticatorDevice.objects.get(pk=device.pk).seed == seed
    sign_in(client, world.alice)
    assert client.get("/").status_code == 200
    verified = keys.verify(stream=None)
    assert verified.failures == [] and verified.values >= 1


def seed_scene(argv: list[str]) -> None:
    """One step of the seed disk test below, in a process of its own (Django set up).

    ``write COPY0 COPY1``: migrate a fresh database to the release before encrypted seeds
    (core 0005, otp_totp) and give a user a TOTPDevice with a plaintext key; copy the
    database (COPY0); migrate to the end (0006 moves and encrypts the key); enrol a second
    user through the pages (a wrong code, then a right one); sign the first user in, and
    refuse the same code replayed; copy the database with its WAL, connection open
    (COPY1). ``read COPY2``: sign both users in again (after a rotation), then copy.
    Prints one JSON object; logs every SQL statement on stderr, where a line ``UPGRADED``
    marks the end of the upgrade.
    """
    from django.conf import settings as django_settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor
    from django.test.utils import setup_test_environment

    from pourparler.core.models import User
    from pourparler.core.services import do_create_user
    from pourparler.core.twofactor import manual_key
    from pourparler.testing.http import totp_code
    from pourparler.testing.personas import PASSWORD

    def copy(directory: str) -> int:
        name = Path(django_settings.DATABASES["default"]["NAME"])
        Path(directory).mkdir(parents=True)
        size = 0
        for suffix in ("", "-wal", "-shm", "-journal"):
            source = Path(f"{name}{suffix}")
            if source.exists():
                shutil.copyfile(source, Path(directory) / source.name)
                size += source.stat().st_size
        return size

    def sign_in_with(user: User, code: str) -> Client:
        browser = Client()
        browser.force_login(user)
        status = browser.post("/login/verify/", {"code": code}).status_code
        assert status == 302, status
        return browser

    # Every SQL statement is logged with its parameters (on stderr): the logs are scanned.
    logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    result: dict[str, Any] = {"codes": []}
    action = argv[0]
    if action == "write":
        # The executor, not the command: other apps' post_migrate seeding needs their tables.
        release = [("core", "0005_datakey"), ("otp_totp", "0003_add_timestamps")]
        MigrationExecutor(connection).migrate(release)
        before = MigrationExecutor(connection).loader.project_state(release)
        old_user = before.apps.get_model("core", "User")._default_manager.create(
            username="legacy", password=make_password(PASSWORD)
        )
        legacy_seed = os.urandom(20)
        before.apps.get_model("otp_totp", "TOTPDevice")._default_manager.create(
            user_id=old_user.pk, name="Old phone", key=legacy_seed.hex()
        )
        result["copy0"] = copy(argv[1])
        call_command("migrate", verbosity=0)
        sys.stderr.write("UPGRADED\n")
        sys.stderr.flush()
        setup_test_environment()

        user = do_create_user(actor=None, username="enrolled", password=PASSWORD)
        browser = Client()
        browser.force_login(user)
        page = browser.get("/account/two-factor/").content.decode()
        device = AuthenticatorDevice.objects.get(user=user)
        right = totp_code(device)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        refused = browser.post("/account/two-factor/", {"code": wrong})
        AuthenticatorDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        confirmed = browser.post("/account/two-factor/", {"code": right})
        assert b"did not match" in refused.content and confirmed.status_code == 302

        legacy_user = User.objects.get(username="legacy")
        legacy = AuthenticatorDevice.objects.get(user=legacy_user)
        code = totp_code(legacy)
        sign_in_with(legacy_user, code)
        replayer = Client()
        replayer.force_login(legacy_user)
        replayed = replayer.post("/login/verify/", {"code": code}).content
        result["codes"] += [wrong, right, code]
        result.update(
            seeds=[legacy_seed.hex(), device.seed.hex()],
            legacy_moved=legacy.seed == legacy_seed,
            page_showed_seed=manual_key(device) in page,
            replay_refused=b"did not match" in replayed,
            copy1=copy(argv[2]),
        )
    elif action == "read":
        setup_test_environment()
        seeds = []
        for username in ("legacy", "enrolled"):
            user = User.objects.get(username=username)
            device = AuthenticatorDevice.objects.get(user=user)
            # Both devices used this step or the next before the rotation: let them reuse
            # it, rather than wait up to 30 seconds for a step they have not used.
            AuthenticatorDevice.objects.filter(pk=device.pk).update(last_t=-1)
            code = totp_code(device)
            sign_in_with(user, code)
            result["codes"].append(code)
            seeds.append(device.seed.hex())
        result.update(signed_in=len(seeds), seeds=seeds, copy2=copy(argv[1]))
    sys.stdout.write(json.dumps(result) + "\n")


def _seed_patterns(seed: bytes) -> list[bytes]:
    """Return the byte patterns that would betray a seed: the raw bytes, hex and base32 in
    both cases (as UTF-8 and UTF-16), and base64 of each at the three alignments."""
    b32 = base64.b32encode(seed).rstrip(b"=")
    texts = [seed, seed.hex().encode(), seed.hex().upper().encode(), b32, b32.lower()]
    patterns = texts + [text.decode().encode("utf-16-le") for text in texts[1:]]
    for text in texts:
        for shift in range(3):
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                encoded = encode(b"\0" * shift + text)
                patterns.append(encoded[4 if shift else 0 : -4])
    return patterns


def _seed_hits(directory: Path, seeds: list[bytes]) -> int:
    """Count the seeds found in the raw bytes of the files of a database copy."""
    blobs = [path.read_bytes() for path in sorted(directory.iterdir())]
    return sum(1 for s in seeds if any(p in blob for p in _seed_patterns(s) for blob in blobs))


def _log_leaks(text: str, seeds: list[bytes], codes: list[str]) -> list[str]:
    """Return the seeds (in any text form) and codes (standing alone) found in a log."""
    data = text.encode()
    leaks = [s.hex() for s in seeds if any(p in data for p in _seed_patterns(s))]
    # Not after a full stop either: the microseconds of a timestamp are six digits too.
    alone = [c for c in codes if re.search(rf"(?<![0-9A-Za-z.]){c}(?![0-9A-Za-z])", text)]
    return leaks + alone


def _scene(args: list[str], env: dict[str, str]) -> tuple[dict[str, Any], str]:
    script = (
        "import sys, django; django.setup(); "
        "from pourparler.core.tests.test_crypto import seed_scene; seed_scene(sys.argv[1:])"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script, *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


@pytest.mark.own_database
def test_second_factor_seeds_never_reach_the_disk_or_the_logs_and_survive_a_rotation(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    data_dir, key_dir = tmp_path / "data", tmp_path / "keys"
    data_dir.mkdir()
    old_key, new_key = key_dir / "old.key", key_dir / "new.key"
    crypto.write_key_file(old_key, crypto.new_key())
    crypto.write_key_file(new_key, crypto.new_key())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POURPARLER_", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="pourparler.settings",
        POURPARLER_TESTING="1",
        POURPARLER_LOG_LEVEL="DEBUG",
        POURPARLER_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'pourparler.sqlite3'}",
        POURPARLER_MASTER_KEY_FILE=str(old_key),
    )
    copies = [tmp_path / f"copy{n}" for n in range(3)]

    written, log = _scene(["write", str(copies[0]), str(copies[1])], env)
    seeds = [bytes.fromhex(h) for h in written["seeds"]]
    assert written["legacy_moved"] and written["page_showed_seed"] and written["replay_refused"]
    # Controls: before the upgrade the legacy key lay on disk and in the SQL log, and the
    # scans found it there.
    assert _seed_hits(copies[0], seeds[:1]) == 1
    before_upgrade, after_upgrade = log.split("UPGRADED\n", 1)
    assert _log_leaks(before_upgrade, seeds[:1], []) == [seeds[0].hex()]
    assert "core_authenticatordevice" in after_upgrade  # the SQL log covers the device writes
    assert _seed_hits(copies[1], seeds) == 0
    assert _log_leaks(after_upgrade, seeds, written["codes"]) == []

    rotation = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pourparler.cli", "keys", "rotate", "--new-key-file",
         str(new_key), "--data-keys"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert rotation.returncode == 0, rotation.stderr[-4000:]
    assert _log_leaks(rotation.stdout + rotation.stderr, seeds, written["codes"]) == []

    env_new = {**env, "POURPARLER_MASTER_KEY_FILE": str(new_key)}
    read, read_log = _scene(["read", str(copies[2])], env_new)
    assert read["signed_in"] == 2 and read["seeds"] == written["seeds"]
    assert _seed_hits(copies[2], seeds) == 0
    assert _log_leaks(read_log, seeds, read["codes"]) == []
    verified = subprocess.run(
        [sys.executable, "-m", "pourparler.cli", "keys", "verify"],
        env=env_new, cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr[-2000:]
    print(
        f"\nseed disk test: 2 seeds x {len(_seed_patterns(seeds[0]))} byte patterns; "
        f"before upgrade {written['copy0']} bytes, legacy seed found; after upgrade and "
        f"enrolment {written['copy1']} bytes, 0 hits; after rotation {read['copy2']} bytes, "
        f"0 hits; logs {len(log) + len(read_log)} characters, 0 seeds, 0 of "
        f"{len(written['codes']) + len(read['codes'])} codes; "
        f"{time.monotonic() - started:.1f} s"
    )
