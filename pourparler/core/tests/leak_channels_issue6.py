"""The leak property test's channels of issue 6: negotiation files (their print page,
versions and PDF), handovers (the handover brief, what a handover passes), meeting
briefs of bearers and people, and the engagement plan of a bearer.

Each page a reader may open answers 200 and goes to the sweep (``shown``); each page of
a record hidden from them answers the 404 of a random id, body and all.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any, Protocol

from django.db.models import Max
from django.test import Client
from django.urls import resolve, reverse

from pourparler.core.tests.leak_world import (
    FILE_ROWS,
    Built,
    RecordSpec,
    WorldSpec,
    oracle_may,
    page_may,
)
from pourparler.negotiation.models import NegotiationVersion
from pourparler.testing.http import page_body
from pourparler.testing.pdf import pdf_text

# The pages about one record, by kind, besides its detail page (test_leaks.DETAIL).
FILE_PAGES = ("negotiation_file_print", "negotiation_version_list")
BEARER_PAGES = ("brief_bearer", "engagement_plan")
PERSON_PAGES = ("brief_person",)
HANDOVER_PAGES = ("handover_brief",)
# How many negotiation files of a run are also read as a PDF (half a second each).
PDF_DRAWS = 1


class Checks(Protocol):
    """What the leak test's tally offers these channels."""

    pdfs: int

    def expect(self, seen: bool, allowed: bool, what: str) -> None: ...


class Reader:
    """One signed-in reader's client, what they were shown (for the sweep), and the 404
    of a random id for each address they asked (their name is on every page, the 404
    too)."""

    def __init__(self, client: Client, shown: list[tuple[str, bytes]]) -> None:
        self.client = client
        self.shown = shown
        self.missing: dict[str, bytes] = {}

    def get(self, url: str) -> Any:
        """Ask for a page; what it shows goes to the sweep."""
        response = self.client.get(url)
        self.shown.append((url, response.content))
        return response

    def as_missing(self, url: str, pk: Any) -> bool:
        """Ask for a hidden record's page; say whether it is the 404 of a random id (at
        the same address, asked once for each kind of page)."""
        response = self.client.get(url)
        pattern = resolve(url).url_name or url
        if pattern not in self.missing:
            stranger = uuid.uuid4()
            self.missing[pattern] = body_without(
                self.client.get(url.replace(str(pk), str(stranger))), stranger
            )
        return response.status_code == 404 and body_without(response, pk) == self.missing[pattern]


def body_without(response: Any, pk: Any) -> bytes:
    """A page's body without its CSRF token and without the id it was asked for."""
    return page_body(response.content).replace(str(pk).encode(), b"<id>")


def check_pages_of_issue6(
    world: WorldSpec,
    built: Built,
    u: int,
    reader: Reader,
    detail: dict[int, bytes],
    tally: Checks,
    *,
    first: bool,
) -> None:
    """Files, handovers, briefs and plans, against the oracle; everything shown is swept.

    A brief or a plan costs a tenth of a second: the first reader of a world opens those
    they may see, the others check only that the hidden ones are refused."""

    def pages(
        names: tuple[str, ...],
        r: int,
        allowed: bool,
        *,
        extra: tuple[str, ...] = (),
        costly: bool = False,
    ) -> None:
        pk = built.objects[r].pk
        urls = [reverse(name, args=[pk]) for name in names] + list(extra)
        for url in urls:
            if allowed and costly and not first:
                continue
            if allowed:
                response = reader.get(url)
                tally.expect(
                    response.status_code == 200, True, f"{url} u{u} r{r}={world.records[r]}"
                )
            else:
                tally.expect(
                    reader.as_missing(url, pk),
                    True,
                    f"{url} is a missing record's 404 u{u} r{r}={world.records[r]}",
                )

    for r in world.by_kind.get("bearer", []):
        pages(BEARER_PAGES, r, oracle_may(world, u, r, "view"), costly=True)
    for r in world.by_kind.get("person", []):
        pages(PERSON_PAGES, r, page_may(world, u, r), costly=True)
    for r in world.by_kind.get("handover", []):
        pages(HANDOVER_PAGES, r, page_may(world, u, r))
        if r in detail:
            check_what_a_handover_passes(world, built, u, r, detail[r], tally)
    for r in world.by_kind.get("negotiation_file", []):
        allowed = page_may(world, u, r)
        pk = built.objects[r].pk
        last = NegotiationVersion.objects.filter(file=pk).aggregate(last=Max("number"))["last"]
        latest = reverse("negotiation_version_detail", args=[pk, last])
        # The PDF of a hidden file is refused like its print page (the first reader asks).
        refused_pdf = () if allowed or not first else (pdf_of(pk),)
        pages(FILE_PAGES, r, allowed, extra=(latest, *refused_pdf))
        if allowed and tally.pdfs < PDF_DRAWS:
            tally.pdfs += 1
            check_pdf(world, built, u, r, reader, tally)


def pdf_of(pk: Any) -> str:
    return reverse("negotiation_file_pdf", args=[pk])


def check_what_a_handover_passes(
    world: WorldSpec, built: Built, u: int, r: int, page: bytes, tally: Checks
) -> None:
    """A handover's page lists the files its outgoing colleague held (the successor,
    once done) and the follow-ups they owned, each as far as the reader may see it."""
    spec = world.records[r]
    for f in world.by_kind.get("negotiation_file", []):
        if world.records[f].facts[0] == r:
            tally.expect(
                built.markers[f].encode() in page,
                oracle_may(world, u, f, "view"),
                f"handover page shows its file u{u} r{r} f{f}={world.records[f]}",
            )
    first = next(
        h for h in world.by_kind["handover"] if world.records[h].compartment == spec.compartment
    )
    if first != r:
        return  # the follow-ups are owned by the first handover's outgoing colleague
    for f in world.by_kind.get("follow_up", []):
        if world.records[f].compartment == spec.compartment:
            tally.expect(
                built.markers[f].encode() in page,
                oracle_may(world, u, f, "view"),
                f"handover page shows a follow-up u{u} r{r} f{f}={world.records[f]}",
            )


def check_pdf(
    world: WorldSpec, built: Built, u: int, r: int, reader: Reader, tally: Checks
) -> None:
    """The file as a PDF: its title, and the rows the reader may see (the sweep reads its
    text for everything else)."""
    response = reader.client.get(pdf_of(built.objects[r].pk))
    tally.expect(response.status_code == 200, True, f"negotiation PDF u{u} r{r}")
    text = pdf_text(response.content).replace("\r", "").replace("\n", "")
    reader.shown.append((pdf_of(built.objects[r].pk), text.encode()))
    for i in [r, *(i for k in FILE_ROWS for i in world.by_kind.get(k, []))]:
        if i == r or world.records[i].parent == r:
            tally.expect(
                built.markers[i] in text,
                oracle_may(world, u, i, "view"),
                f"negotiation PDF shows u{u} r{r} i{i}={world.records[i]}",
            )


def versions_seen(world: WorldSpec, built: Built, u: int, action: str = "view") -> set[str]:
    """The ids of the versions a user may reach: a version is a row under its file, in the
    file's compartment and never restricted (negotiation/services.py ``_record_version``),
    so the oracle judges it as it would a new row of the file."""
    seen: set[str] = set()
    for f in world.by_kind.get("negotiation_file", []):
        row = RecordSpec("bottom_line", world.records[f].compartment, False, frozenset(), False)
        probe = WorldSpec(world.users, [*world.records, replace(row, parent=f)], world.grants)
        if oracle_may(probe, u, len(world.records), action):
            versions = NegotiationVersion.objects.filter(file=built.objects[f].pk)
            seen |= {str(pk) for pk in versions.values_list("pk", flat=True)}
    return seen


def check_versions(
    world: WorldSpec,
    built: Built,
    u: int,
    user: Any,
    api: Client,
    shown: list[tuple[str, bytes]],
    tally: Checks,
) -> None:
    """The versions of files: the read path (view and change) and the API's list."""
    for action in ("view", "change"):
        visible = NegotiationVersion.objects.visible_to(user, action).values_list("pk", flat=True)
        tally.expect(
            {str(pk) for pk in visible} == versions_seen(world, built, u, action),
            True,
            f"visible_to {action} negotiation versions u{u}",
        )
    response = api.get("/api/v1/negotiation-versions/", {"limit": 200})
    shown.append((response.request["PATH_INFO"], response.content))
    body = response.json() if response.status_code == 200 else {}
    tally.expect(
        {row["id"] for row in body.get("items", [])} == versions_seen(world, built, u)
        and body.get("next_offset", 0) is None,
        True,
        f"API list negotiation-versions u{u}: {response.status_code}",
    )
