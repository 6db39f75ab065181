"""Generic lists of bearers (CSV in any encoding, XLSX, JSON, HXL) and the upload page."""

from __future__ import annotations

import io
import json
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pourparler.bearers.choices import BearerKind, IdScheme, NameKind
from pourparler.bearers.models import BearerName, ExternalId, Unit, WeaponBearer
from pourparler.exchange import uploads
from pourparler.exchange.choices import ReviewStatus, RunStatus
from pourparler.exchange.models import ImportRun, ReviewItem
from pourparler.exchange.services import run_import
from pourparler.exchange.tests.helpers import REGISTRY, client_for, table_counts
from pourparler.geo.models import Country
from pourparler.geo.services import do_create_admin_area
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

# A delegation's own list, as a spreadsheet exports it: French headers, a blank header
# cell, a repeated one, Windows-1252.
FRENCH = (
    "Groupe;Type;Pays;Autres noms;;Groupe\r\n"
    'Front populaire de Mbomou;groupe arme;CF;"FPM; Front du Mbomou";x;Mbomou\r\n'
    "Forces armées centrafricaines;armed forces;CAF;FACA;x;\r\n"
    "Milice d'autodéfense de Kémo;militia;Central African Republic;;x;Kémo\r\n"
)
FRENCH_MAP = ["--map", "name=Groupe", "--map", "kind=Type", "--map", "countries=Pays"]
FRENCH_MAP += ["--map", "aliases=Autres noms"]

HXL = (
    "Armed group,Code,Kind,Unit,Area,Country\n"
    "#group+name,#group+code,#group+type,#group+unit,#adm1+code,#country+code\n"
    "Front populaire de Mbomou,G-001,armed group,Zemio sector,CF62,CAF\n"
    "Front populaire de Mbomou,G-001,armed group,Obo sector,CF63,CAF\n"
    "Coalition des patriotes,G-002,armed group,,,CAF\n"
)


def command(path: Path, *extra: str) -> str:
    out = StringIO()
    call_command("import", "generic", str(path), "--as", "alice", *extra, stdout=out)
    return out.getvalue()


def bearers() -> dict[str, str]:
    return dict(WeaponBearer.objects.values_list("name", "kind"))


def test_a_cp1252_list_with_a_column_mapping_twice(world: World, tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_bytes(FRENCH.encode("cp1252"))
    out = command(path, *FRENCH_MAP, "--source", "Liste de la délégation, mars 2024")
    assert "cp1252" in out
    assert bearers() == {
        "Front populaire de Mbomou": BearerKind.NON_STATE_ARMED_GROUP,
        "Forces armées centrafricaines": BearerKind.ARMED_FORCES,
        "Milice d'autodéfense de Kémo": BearerKind.MILITIA,
    }
    front = WeaponBearer.objects.get(name="Front populaire de Mbomou")
    assert set(BearerName.objects.filter(bearer=front).values_list("name", flat=True)) == {
        "FPM",
        "Front du Mbomou",
    }
    assert [c.iso2 for c in front.countries.all()] == ["CF"]
    run = ImportRun.objects.get()
    assert run.source == "Liste de la délégation, mars 2024"
    assert run.encoding == "cp1252"
    counts = table_counts(*REGISTRY)
    again = command(path, *FRENCH_MAP)
    assert "No changes" in again
    assert table_counts(*REGISTRY) == counts


def test_hxl_hashtags_name_groups_their_units_areas_and_ids(world: World) -> None:
    car = Country.objects.get(iso2="CF")
    for pcode, name in (("CF62", "Mbomou"), ("CF63", "Haut-Mbomou")):
        do_create_admin_area(actor=world.alice, country=car, pcode=pcode, name=name)
    options = {"id_scheme": IdScheme.OTHER}
    run = run_import("generic", HXL.encode(), "groups.csv", actor=world.alice, options=options)
    assert run.status == RunStatus.COMPLETED, run.report
    front = ExternalId.objects.get(value="G-001").bearer
    assert front.name == "Front populaire de Mbomou"
    units = {u.name: u.admin_area.pcode for u in Unit.objects.filter(bearer=front) if u.admin_area}
    assert units == {"Zemio sector": "CF62", "Obo sector": "CF63"}
    assert ExternalId.objects.get(value="G-002").bearer.name == "Coalition des patriotes"
    again = run_import("generic", HXL.encode(), "groups.csv", actor=world.alice, options=options)
    assert (again.created, again.updated) == (0, 0)


def test_an_unknown_p_code_or_kind_refuses_the_file(world: World) -> None:
    bad = HXL.replace("CF63", "CF99").replace(
        "Coalition des patriotes,G-002,armed group", "X,G-3,rebels"
    )
    before = table_counts(*REGISTRY, "bearers.Unit")
    run = run_import("generic", bad.encode(), "groups.csv", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    where = {(e["row"], e["column"]) for e in run.report["errors"]}
    # No area is stored at all here: both P-codes are unknown.
    assert where == {(3, "Area"), (4, "Area"), (5, "Kind")}
    assert "rebels" in str(run.report["errors"])
    assert table_counts(*REGISTRY, "bearers.Unit") == before


def test_the_same_list_as_xlsx_and_as_json(world: World) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "kind", "country", "acronym"])
    sheet.append(["Forces armées centrafricaines", "armed forces", "CF", "FACA"])
    buffer = io.BytesIO()
    book.save(buffer)
    run = run_import("generic", buffer.getvalue(), "list.xlsx", actor=world.alice)
    assert run.created >= 2, run.report
    faca = BearerName.objects.get(name="FACA")
    assert (faca.kind, faca.bearer.kind) == (NameKind.ACRONYM, BearerKind.ARMED_FORCES)
    same = json.dumps([{"name": "Forces armées centrafricaines", "kind": "armed forces"}])
    again = run_import("generic", same.encode(), "list.json", actor=world.alice)
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)
    assert WeaponBearer.objects.count() == 1


def test_names_are_matched_against_the_registry_never_merged_silently(world: World) -> None:
    army = make_bearer(world.alice, name="Forces armées centrafricaines")
    make_bearer(world.alice, name="Front populaire du Mbomou", kind="non_state_armed_group")
    text = "name\nForces Armees Centrafricaines\nFront populaire de Mbomou\n"
    run = run_import("generic", text.encode(), "list.csv", actor=world.alice)
    assert run.queued == 1
    assert WeaponBearer.objects.count() == 2  # the exact name linked, the other one waits
    item = ReviewItem.objects.get()
    assert (item.name, item.status) == ("Front populaire de Mbomou", ReviewStatus.PENDING)
    assert army.names.count() == 0  # the same name folded: nothing to add


def test_a_list_without_a_name_column_says_which_to_map(world: World) -> None:
    run = run_import("generic", b"label,type\nFront A,militia\n", "x.csv", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    assert "map one to “name”" in run.report["errors"][0]["reason"]
    mapped = run_import(
        "generic",
        b"label,type\nFront A,militia\n",
        "x.csv",
        actor=world.alice,
        options={"mapping": {"name": "label"}},
    )
    assert mapped.status == RunStatus.COMPLETED
    assert bearers() == {"Front A": BearerKind.MILITIA}


# --------------------------------------------------------------------------------------
# The upload page
# --------------------------------------------------------------------------------------


@pytest.fixture
def held_in(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


def upload(client: Client, text: str, name: str = "liste.csv", **fields: str) -> str:
    data = {
        "file": SimpleUploadedFile(name, text.encode("cp1252")),
        "default_kind": "non_state_armed_group",
        "id_scheme": "other",
        **fields,
    }
    response = client.post(reverse("import_upload"), data)
    assert response.status_code == 302, response.content
    return str(response["Location"])


def test_upload_preview_then_confirm(world: World, held_in: Path) -> None:
    client = client_for(world.alice)
    assert client.get(reverse("import_upload")).status_code == 200
    fields = {"map_name": "Groupe", "map_kind": "Type", "map_countries": "Pays"}
    preview_url = upload(client, FRENCH, source="Liste de mars", **fields)
    # Nothing is written yet; the file waits on the server, not in the session.
    assert WeaponBearer.objects.count() == 0
    [held] = list(held_in.glob("*.upload"))
    assert held.read_bytes() == FRENCH.encode("cp1252")
    assert oct(held.stat().st_mode & 0o777) == "0o600"
    assert b"liste" not in str(dict(client.session.items())).encode()
    page = client.get(preview_url)
    assert page.status_code == 200
    assert b"Import this file" in page.content
    assert "Forces armées centrafricaines".encode() in page.content
    preview = ImportRun.objects.get()
    assert (preview.status, preview.created) == (RunStatus.PREVIEWED, 3)
    done = client.post(reverse("import_confirm", args=[preview.pk]))
    assert done.status_code == 302
    assert len(bearers()) == 3
    assert not held.exists()
    run = ImportRun.objects.get(dry_run=False)
    assert (run.status, run.source, run.created_by) == (
        RunStatus.COMPLETED,
        "Liste de mars",
        world.alice,
    )
    # Confirming twice imports nothing more.
    client.post(reverse("import_confirm", args=[preview.pk]))
    assert ImportRun.objects.filter(dry_run=False).count() == 1


def test_upload_cancelled_removes_the_file_and_writes_nothing(world: World, held_in: Path) -> None:
    client = client_for(world.alice)
    upload(client, FRENCH, map_name="Groupe")
    preview = ImportRun.objects.get()
    assert client.post(reverse("import_cancel", args=[preview.pk])).status_code == 302
    assert list(held_in.glob("*.upload")) == []
    preview.refresh_from_db()
    assert preview.status == RunStatus.CANCELLED
    assert client.post(reverse("import_confirm", args=[preview.pk])).status_code == 302
    assert WeaponBearer.objects.count() == 0


def test_a_refused_upload_shows_the_rows_and_holds_nothing(world: World, held_in: Path) -> None:
    client = client_for(world.alice)
    bad = FRENCH.replace("militia", "rebels")
    page = client.get(upload(client, bad, map_name="Groupe", map_kind="Type"))
    assert b"Import this file" not in page.content
    assert b"rebels" in page.content
    assert list(held_in.glob("*.upload")) == []
    assert WeaponBearer.objects.count() == 0


def test_only_the_uploader_confirms_and_only_content_roles_upload(
    world: World, held_in: Path
) -> None:
    upload(client_for(world.alice), FRENCH, map_name="Groupe")
    preview = ImportRun.objects.get()
    for user in ("dave", "bob"):
        other = client_for(getattr(world, user))
        assert other.get(reverse("import_preview", args=[preview.pk])).status_code == 404
        assert other.post(reverse("import_confirm", args=[preview.pk])).status_code == 404
    for user in ("audrey", "adam"):
        other = client_for(getattr(world, user))
        assert other.get(reverse("import_upload")).status_code == 403
        assert other.post(reverse("import_confirm", args=[preview.pk])).status_code == 403
    assert WeaponBearer.objects.count() == 0
    assert len(list(held_in.glob("*.upload"))) == 1


def test_held_files_left_for_a_day_are_swept(held_in: Path, world: World) -> None:
    run_id = uuid.uuid4()
    path = uploads.hold(run_id, b"x")
    assert uploads.sweep() == 0
    assert uploads.sweep(now=path.stat().st_mtime + uploads.MAX_AGE_SECONDS + 1) == 1
    assert uploads.take(run_id) is None


def test_names_alike_in_one_file_match_a_bearer_the_file_itself_registers(world: World) -> None:
    """The second name matches the first, which this run registers and has not written yet."""
    text = "name\nGroupe armé numéro 1\nGroupe armé numéro 10\n"
    run = run_import("generic", text.encode(), "alike.csv", actor=world.alice)
    assert run.status == RunStatus.COMPLETED
    first = WeaponBearer.objects.get(name="Groupe armé numéro 1")
    # The second is either that bearer under another name, or a bearer of its own.
    seconds = WeaponBearer.objects.filter(name="Groupe armé numéro 10")
    assert seconds.exists() or first.names.filter(name="Groupe armé numéro 10").exists()
