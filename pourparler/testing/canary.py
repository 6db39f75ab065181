"""The canary run behind the encryption-at-rest acceptance test (core/tests/test_crypto.py).

Run in a process of its own, against a real SQLite file named by DATABASE_URL and a master
key file named by POURPARLER_MASTER_KEY_FILE:

    python -m pourparler.testing.canary write PLAN.json COPY_DIR
        migrate, store canary strings through the services in two compartments (with
        updates and a refused edit, so the change log holds old and attempted values),
        then copy the database with its -wal and -shm files while the connection is open;
    python -m pourparler.testing.canary read PLAN.json [COPY_DIR]
        read every canary back through the models and the change log (and copy again);

Each prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import Any

LIVE = 100


def _canary() -> str:
    return f"CANARY-{secrets.token_hex(16)}"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pourparler.settings")
    import django

    django.setup()


def _copy_database(copy_dir: Path) -> dict[str, int]:
    """Copy the SQLite file and its companions as they are on disk right now."""
    from django.conf import settings

    name = Path(settings.DATABASES["default"]["NAME"])
    copy_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        source = Path(f"{name}{suffix}")
        if source.exists():
            shutil.copyfile(source, copy_dir / source.name)
            sizes[source.name] = source.stat().st_size
    return sizes


def write(plan_path: Path, copy_dir: Path) -> dict[str, Any]:
    """Store the canaries and copy the database while the writer's connection is open."""
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from pourparler.core.models import DataKey
    from pourparler.core.services import EditConflict
    from pourparler.dialogue.services import do_update_interaction
    from pourparler.people.services import (
        do_add_person_name,
        do_create_relationship,
        do_update_person,
    )
    from pourparler.testing.personas import build_world, make_bearer, make_interaction, make_person

    world = build_world()
    army = make_bearer(world.alice, name="Canary Armed Forces")
    live: list[dict[str, Any]] = []  # canary, model, pk, field: read back through models
    logged: list[dict[str, Any]] = []  # canary only in the change log (replaced or refused)

    def keep(value: str, obj: Any, field: str) -> str:
        live.append({"canary": value, "model": obj._meta.label, "pk": str(obj.pk), "field": field})
        return value

    for writer, compartment, rival in (
        (world.alice, world.varnia, world.bob),
        (world.dave, world.kestria, world.dave),
    ):
        for i in range(5):
            full_name = _canary()
            person = make_person(writer, compartment, full_name=full_name, bearer=army)
            if i == 0:
                # A renamed person: the first name stays only in the change log.
                logged.append({"canary": full_name, "pk": str(person.pk), "field": "full_name"})
                full_name = _canary()
                person = do_update_person(
                    person, actor=writer, expected_version=1, changes={"full_name": full_name}
                )
            keep(full_name, person, "full_name")
            notes = _canary()
            person = do_update_person(
                person,
                actor=writer,
                expected_version=person.version,
                changes={"notes": notes},
            )
            keep(notes, person, "notes")
            entry = do_add_person_name(
                person, actor=writer, name=_canary(), transliteration=_canary(), script="Latn"
            )
            keep(entry.name, entry, "name")
            keep(entry.transliteration, entry, "transliteration")
            relationship = do_create_relationship(
                person, actor=writer, holder=writer, notes=_canary()
            )
            keep(relationship.notes, relationship, "notes")
        for i in range(5):
            summary = _canary()
            interaction = make_interaction(
                writer,
                compartment,
                bearers=[army],
                summary=summary,
                notes=_canary(),
                outcomes=_canary(),
                our_participants=[writer],
                follow_ups=[{"action": _canary()}, {"action": _canary()}],
            )
            if i < 3:
                # Replaced summaries live on in the change log's "before".
                logged.append({"canary": summary, "pk": str(interaction.pk), "field": "summary"})
                interaction = do_update_interaction(
                    interaction, actor=writer, expected_version=1, changes={"summary": _canary()}
                )
            keep(interaction.summary, interaction, "summary")
            keep(interaction.notes, interaction, "notes")
            keep(interaction.outcomes, interaction, "outcomes")
            for follow_up in interaction.follow_ups.all():
                keep(follow_up.action, follow_up, "action")
            if i == 0:
                # A refused edit: what the rival tried to save is in the conflict entry.
                attempted = _canary()
                logged.append({"canary": attempted, "pk": str(interaction.pk), "field": "summary"})
                try:
                    do_update_interaction(
                        interaction,
                        actor=rival,
                        expected_version=1,
                        changes={"summary": attempted},
                    )
                except EditConflict:
                    pass
                else:
                    raise AssertionError("the stale edit was not refused")
    # A control: a canary in a field that is not encrypted, which the scan must find.
    control = _canary()
    make_interaction(world.alice, world.varnia, bearers=[army], summary=".", place_name=control)
    assert len(live) == LIVE, len(live)
    assert len({c["canary"] for c in live + logged}) == len(live) + len(logged)
    plan_path.write_text(json.dumps({"live": live, "logged": logged}))
    copied = _copy_database(copy_dir)  # the connection is still open: the WAL holds data
    wrapped = list(DataKey.objects.values_list("wrapped_key", flat=True))
    return {
        "live": len(live),
        "logged": len(logged),
        "control": control,
        "copied": copied,
        "wrapped": wrapped,
    }


def _read(plan: dict[str, Any]) -> dict[str, Any]:
    from django.apps import apps

    from pourparler.core.crypto import CryptoError, decrypt_logged_value, query_tokens
    from pourparler.core.models import ChangeLogEntry

    read = 0
    failures: list[str] = []
    searchable = 0
    people = 0
    for item in plan["live"]:
        model = apps.get_model(item["model"])
        try:
            obj = model._base_manager.get(pk=item["pk"])
            if getattr(obj, item["field"]) == item["canary"]:
                read += 1
            else:
                failures.append(f"{item['model']}.{item['field']} differs")
        except CryptoError as error:
            failures.append(f"{item['model']}.{item['field']}: {error}")
            continue
        if item["model"] == "people.Person" and item["field"] == "full_name":
            people += 1
            # Found by the blind index, by the whole name and by its first letters.
            for query in (item["canary"], item["canary"][:10].lower()):
                tokens = query_tokens(obj.compartment_id, query)
                if not all(token in obj.search_tokens for token in tokens):
                    break
            else:
                searchable += 1
    logged_read = 0
    for item in plan["logged"]:
        entries = ChangeLogEntry.objects.filter(object_id=item["pk"])
        found = False
        for entry in entries:
            for side in (entry.before or {}, entry.after or {}):
                value = side.get(item["field"])
                try:
                    if decrypt_logged_value(entry, item["field"], value) == item["canary"]:
                        found = True
                except CryptoError as error:
                    failures.append(f"change log {entry.pk}: {error}")
        logged_read += found
    return {
        "read": read,
        "logged_read": logged_read,
        "people": people,
        "searchable": searchable,
        "failures": failures[:20],
        "failed": len(failures),
    }


def read(plan_path: Path, copy_dir: Path | None) -> dict[str, Any]:
    """Read every canary back; then copy the database while still connected."""
    _setup()
    result = _read(json.loads(plan_path.read_text()))
    if copy_dir is not None:
        result["copied"] = _copy_database(copy_dir)
    return result


def main(argv: list[str]) -> None:
    """Run one step of the canary test and print its result as JSON."""
    action, plan = argv[0], Path(argv[1])
    copy_dir = Path(argv[2]) if len(argv) > 2 else None
    if action == "write":
        assert copy_dir is not None
        result = write(plan, copy_dir)
    elif action == "read":
        result = read(plan, copy_dir)
    else:
        raise SystemExit(f"unknown action {action!r}")
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
