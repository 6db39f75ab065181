"""In a real headless Chromium: a big upload waits for the worker, and its page shows the
import done by itself once the worker has run; a brief's PDF is prepared the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from pourparler.bearers.models import WeaponBearer
from pourparler.exchange.choices import RunStatus
from pourparler.exchange.models import ImportRun
from pourparler.testing.personas import World, build_world, make_bearer
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

LIST = (
    "Groupe;Type;Pays\r\n"
    "Front populaire de Mbomou;groupe arme;CF\r\n"
    "Forces armées centrafricaines;armed forces;CAF\r\n"
    "Milice d'autodéfense de Kémo;militia;Central African Republic\r\n"
)


def test_a_queued_import_and_a_prepared_pdf_follow_the_worker(
    live_server: Any,
    browser: Any,
    settings: Any,
    tmp_path: Path,
    run_worker: Callable[[], str],
) -> None:
    settings.DATA_DIR = tmp_path
    settings.JOBS_IMPORT_BYTES = 10
    world: World = build_world()
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    upload = tmp_path / "liste.csv"
    upload.write_bytes(LIST.encode("cp1252"))
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    log_in(page, live_server.url, world.alice)

    page.goto(f"{live_server.url}/exchange/upload/")
    page.set_input_files("#id_file", str(upload))
    page.fill("#id_source", "Liste de mars")
    page.click("text=Which column holds what")
    page.fill("#id_map_name", "Groupe")
    page.fill("#id_map_kind", "Type")
    page.fill("#id_map_countries", "Pays")
    page.click("text=Preview the import")
    page.click("text=Import this file")
    page.wait_for_selector("text=Waiting for the worker")
    assert ImportRun.objects.get(dry_run=False).status == RunStatus.QUEUED
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "jobs-import-queued.png"), full_page=True)

    run_worker()
    # No click: the page reloads itself and shows what the worker did.
    page.wait_for_selector("text=What the import did", timeout=10_000)
    assert WeaponBearer.objects.count() == 4
    page.screenshot(path=str(SCREENSHOTS / "jobs-import-done.png"), full_page=True)

    page.goto(f"{live_server.url}/briefs/bearer/{army.pk}/")
    page.click("text=Prepare the PDF in the background")
    page.wait_for_selector("text=Waiting for the worker")
    run_worker()
    page.wait_for_selector("text=The PDF is ready", timeout=10_000)
    page.screenshot(path=str(SCREENSHOTS / "jobs-pdf-ready.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Download the PDF")
    assert download.value.suggested_filename.startswith("brief-varnian-armed-forces-")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert not [p for p in problems if "Content Security Policy" in p]
