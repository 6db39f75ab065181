"""In a real headless Chromium: a delegate uploads a list of bearers, reads the preview,
confirms, and decides on a name in the review queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pourparler.bearers.models import ExternalId, WeaponBearer
from pourparler.exchange.choices import ReviewStatus
from pourparler.exchange.models import ReviewItem
from pourparler.exchange.services import run_import
from pourparler.exchange.tests.helpers import actors_csv
from pourparler.testing.personas import World, build_world, make_bearer
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

LIST = (
    "Groupe;Type;Pays;Autres noms\r\n"
    'Front populaire de Mbomou;groupe arme;CF;"FPM; Front du Mbomou"\r\n'
    "Forces armées centrafricaines;armed forces;CAF;FACA\r\n"
    "Milice d'autodéfense de Kémo;militia;Central African Republic;\r\n"
    "Supporters of the Awami League;militia;BD;\r\n"
)


def test_upload_preview_confirm_and_review(
    live_server: Any, browser: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    world: World = build_world()
    make_bearer(world.alice, name="Forces armées centrafricaines")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "liste-bearers.csv"
    upload.write_bytes(LIST.encode("cp1252"))

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    log_in(page, live_server.url, world.alice)

    page.click("nav >> text=Imports")
    page.click("text=Import a list of bearers")
    page.set_input_files("#id_file", str(upload))
    page.fill("#id_source", "Liste de la délégation de Bangui, mars 2024")
    page.click("text=Which column holds what")
    page.fill("#id_map_name", "Groupe")
    page.fill("#id_map_kind", "Type")
    page.fill("#id_map_countries", "Pays")
    page.fill("#id_map_aliases", "Autres noms")
    page.click("text=Preview the import")
    page.wait_for_selector("text=Import this file")
    assert WeaponBearer.objects.count() == 1  # nothing written yet
    assert "Front populaire de Mbomou" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "exchange-preview.png"), full_page=True)

    page.click("text=Import this file")
    page.wait_for_selector("text=What the import did")
    assert WeaponBearer.objects.count() == 4
    assert list(tmp_path.glob("uploads/*.upload")) == []
    page.screenshot(path=str(SCREENSHOTS / "exchange-run.png"), full_page=True)

    # UCDP's "Supporters of Awami League" resembles the list's "… of the Awami League".
    run_import("ucdp-actors", actors_csv(["372", "374", "805"]), "ucdp.csv", actor=world.alice)
    page.goto(f"{live_server.url}/exchange/review/")
    page.screenshot(path=str(SCREENSHOTS / "exchange-review-queue.png"), full_page=True)
    page.click("text=Supporters of Awami League")
    page.wait_for_selector("text=Bearers it resembles")
    page.screenshot(path=str(SCREENSHOTS / "exchange-review-item.png"), full_page=True)
    page.click("text=It is this bearer")
    page.wait_for_selector("text=Decided: Supporters of Awami League")
    item = ReviewItem.objects.get(key="372")
    assert item.status == ReviewStatus.LINKED
    assert ExternalId.objects.get(value="372").bearer.name == "Supporters of the Awami League"
    assert not [p for p in problems if "Content Security Policy" in p]
