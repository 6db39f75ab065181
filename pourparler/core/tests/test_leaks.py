"""The leak property test: generated worlds, every channel, checked against an oracle.

Hypothesis builds worlds (``leak_world.worlds``) of delegations, staff with roles and
postings (current, ended, not yet begun), need-to-know grants (live and expired, on a
delegation, a bearer or any record), and records of every kind that holds dialogue
content: bearers, people, interactions and follow-ups; concerns with their
representations, responses, sources, status changes and follow-ups; acceptance
assessments, checkpoint passages, access constraints and security incidents; training
sessions; integration assessments; commitments with their signatories and compliance
observations; negotiation files with the rows of their tools (island of agreements,
iceberg, stakeholders and their links, red and bottom lines, scenarios) and their
versions; handovers, drafts and done. Each has a compartment, a restriction, named
members, perhaps a tombstone, the bearers it is about, the parents that hide it, and
links to other records it shows.

For every user and record, what each channel yields must equal what the oracle says
(``leak_world.oracle_may``, and ``leak_world.page_may`` for what an app's pages add), an
independent reading of docs/security.md written without the application's access code:

- the restricted manager for ``view`` and ``change``, and ``count()`` (``view``), per model;
- ``get_visible_or_404``;
- over HTTP, signed in as each of the first two active users of the world (a page costs
  what a hundred queries do; ``POURPARLER_LEAK_PAGE_READERS`` sets how many): every
  detail page (200 or 404); every list page (the record's link); the concern and
  commitment pages (each record under them; a commitment's contacts and the evidence of
  its observations); the figures (checkpoint passages by outcome, people reached by
  training, concerns raised, responded to and addressed, the integration heat map,
  commitments by compliance and by party) against the same figure worked out by hand
  from the oracle's visible set;
- the exports (``/exchange/export/<list>/``): every list as JSON, with the confidential
  columns for a head of delegation, gives out exactly the ids its pages show (and as CSV
  too for the first reader of a world); a confidential export is refused to anyone else;
- the REST API with a personal token: every list gives exactly the ids the pages show;
  for the first reader of a world, every record hidden from them answers the 404 of a
  missing id, body and all;
- and a sweep: no page, export or API answer the user was given (lists, details,
  figures, the home page, bearer profiles and person pages with the other apps' panels)
  holds the text of any record the oracle hides from them;
- issue 6 (``leak_channels_issue6``): a file's print page, its versions and its latest
  version, and (for two files a run) its PDF; a handover's brief, and the files and
  follow-ups its page says pass; the meeting brief of every bearer and person and the
  engagement plan of every bearer: each answers 200 to a reader who may see the record
  and is swept, or the 404 of a random id, body and all.

``POURPARLER_LEAK_EXAMPLES`` sets how many worlds (``make test-leaks-long`` runs many
more), ``POURPARLER_LEAK_MINIMUM`` the fewest checks the run must make.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from pourparler.api.tokens import issue_token
from pourparler.core.access import get_visible_or_404
from pourparler.core.models import User
from pourparler.core.tests.leak_channels_issue6 import (
    Reader,
    check_pages_of_issue6,
    check_versions,
)
from pourparler.core.tests.leak_world import (
    CHILDREN_OF_CONCERNS,
    FILE_ROWS,
    MODELS,
    Built,
    GrantSpec,
    RecordSpec,
    UserSpec,
    WorldSpec,
    build,
    oracle_may,
    page_may,
    worlds,
)
from pourparler.exchange.exports import registry
from pourparler.testing.http import sign_in

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("POURPARLER_LEAK_EXAMPLES", "22"))
MINIMUM_CHECKS = int(os.environ.get("POURPARLER_LEAK_MINIMUM", "11000"))
PAGE_READERS = int(os.environ.get("POURPARLER_LEAK_PAGE_READERS", "2"))

DETAIL = {
    "bearer": "bearer_detail",
    "person": "person_detail",
    "interaction": "interaction_detail",
    "concern": "concern_detail",
    "acceptance": "acceptance_detail",
    "passage": "passage_detail",
    "constraint": "access_constraint_detail",
    "incident": "security_incident_detail",
    "session": "session_detail",
    "assessment": "assessment_detail",
    "commitment": "commitment_detail",
    "negotiation_file": "negotiation_file_detail",
    "handover": "handover_detail",
}
LISTS = {
    "bearer": "bearer_list",
    "person": "person_list",
    "interaction": "interaction_list",
    "concern": "concern_list",
    "acceptance": "acceptance_list",
    "passage": "passage_list",
    "constraint": "access_constraint_list",
    "incident": "security_incident_list",
    "session": "session_list",
    "commitment": "commitment_list",
    "negotiation_file": "negotiation_file_list",
    "handover": "handover_list",
}
FIGURE_PAGES = (
    "home",
    "access_overview",
    "session_figures",
    "integration_overview",
    "commitment_figures",
    "continuity",
)
# The records shown on the page of the record they are under (the parent's detail page).
SHOWN_UNDER_THEIR_PARENT = {
    *CHILDREN_OF_CONCERNS,
    "signatory",
    "observation",
    *FILE_ROWS,
    "stakeholder_link",
}
# The kind of record of each model, to find the export lists (/exchange/export/<list>/,
# docs/exports.md) that give out the world's records: every one the registry offers.
KIND_OF_MODEL = {model: kind for kind, model in MODELS.items()}
# The REST API's resources, by kind (docs/api.md).
API = "/api/v1"
API_PATHS = {
    "bearer": "bearers",
    "person": "people",
    "interaction": "interactions",
    "follow_up": "follow-ups",
    "acceptance": "acceptance-assessments",
    "passage": "checkpoint-passages",
    "constraint": "access-constraints",
    "incident": "security-incidents",
    "session": "sessions",
    "assessment": "integration-assessments",
    "commitment": "commitments",
    "concern": "concerns",
    "representation": "representations",
    "response": "concern-responses",
    "source": "concern-sources",
    "status_change": "concern-status-changes",
    "concern_follow_up": "concern-follow-ups",
    "signatory": "signatories",
    "observation": "compliance-observations",
    "negotiation_file": "negotiation-files",
    "island_item": "negotiation-island-items",
    "iceberg_entry": "negotiation-iceberg-entries",
    "stakeholder": "negotiation-stakeholders",
    "stakeholder_link": "negotiation-stakeholder-links",
    "red_line": "negotiation-red-lines",
    "bottom_line": "negotiation-bottom-lines",
    "scenario": "negotiation-scenarios",
    "handover": "handovers",
}


class Tally:
    """Checks made, and what went wrong."""

    def __init__(self) -> None:
        self.checks = 0
        self.pages_swept = 0
        self.pdfs = 0  # negotiation files read as a PDF (leak_channels_issue6.PDF_DRAWS)
        self.leaks: list[str] = []
        self.api_missing: dict[str, bytes] = {}  # the API's 404 for a random id, by path

    def expect(self, seen: bool, allowed: bool, what: str) -> None:
        self.checks += 1
        if seen != allowed:
            kind = "LEAK" if seen else "MISSING"
            self.leaks.append(f"{kind}: {what}")

    def same(self, got: Any, expected: Any, what: str) -> None:
        self.checks += 1
        if got != expected:
            self.leaks.append(f"WRONG FIGURE: {what}: shown {got!r}, visible {expected!r}")


@pytest.fixture(autouse=True)
def quiet_not_found() -> Iterator[None]:
    """Thousands of expected 404s: keep Django's 'Not Found' warnings out of the output."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


# ---- the channels ------------------------------------------------------------------------


def check_manager(
    world: WorldSpec, built: Built, u: int, user: User, tally: Tally, *, reads_pages: bool
) -> None:
    """The restricted manager (view and change), counts and the 404 helper (for a user
    who reads the pages, only for kinds without a detail page: the pages cover the rest)."""
    for action in ("view", "change"):
        for kind, model in MODELS.items():
            indexes = world.by_kind.get(kind, [])
            if not indexes:
                continue  # no row of this kind in the world (nor in the database)
            visible = set(model.objects.visible_to(user, action).values_list("pk", flat=True))
            expected = {built.objects[r].pk for r in indexes if oracle_may(world, u, r, action)}
            if action == "view":  # what figures count; no page counts what one may change
                count = model.objects.visible_to(user, action).count()
                tally.expect(count == len(expected), True, f"count {kind} {action} u{u}")
            for r in indexes:
                tally.expect(
                    built.objects[r].pk in visible,
                    built.objects[r].pk in expected,
                    f"visible_to {action} u{u}={world.users[u]} r{r}={world.records[r]}",
                )
    for r, obj in enumerate(built.objects):
        spec = world.records[r]
        if reads_pages and spec.kind in DETAIL:
            continue
        try:
            get_visible_or_404(MODELS[spec.kind], user, obj.pk)
            found = True
        except Http404:
            found = False
        tally.expect(found, oracle_may(world, u, r, "view"), f"404 helper u{u} r{r}={spec}")


def check_pages(
    world: WorldSpec, built: Built, u: int, user: User, tally: Tally, *, first: bool
) -> None:
    """Detail, list and figure pages over HTTP, and the sweep of everything shown."""
    client = Client()
    sign_in(client, user)
    shown: list[tuple[str, bytes]] = []

    def get(url: str) -> Any:
        response = client.get(url)
        shown.append((url, response.content))
        return response

    list_pages = {kind: get(reverse(name)) for kind, name in LISTS.items()}
    lists = {kind: page.content for kind, page in list_pages.items()}
    figures = {name: get(reverse(name)) for name in FIGURE_PAGES}
    detail: dict[int, bytes] = {}
    for r, obj in enumerate(built.objects):
        spec = world.records[r]
        if spec.kind not in DETAIL:
            continue
        allowed = page_may(world, u, r)
        url = reverse(DETAIL[spec.kind], args=[obj.pk])
        response = get(url)
        tally.expect(response.status_code == 200, allowed, f"detail page u{u} r{r}={spec}")
        if response.status_code == 200:
            detail[r] = response.content
        if spec.kind in LISTS:
            tally.expect(url.encode() in lists[spec.kind], allowed, f"list page u{u} r{r}={spec}")
    for r in world.by_kind.get("interaction", []):
        tally.expect(
            built.markers[r].encode() in lists["interaction"],
            oracle_may(world, u, r, "view"),
            f"list text u{u} r{r}={world.records[r]}",
        )
    for r, spec in enumerate(world.records):
        if spec.kind in SHOWN_UNDER_THEIR_PARENT and spec.parent in detail:
            tally.expect(
                built.markers[r].encode() in detail[spec.parent],
                oracle_may(world, u, r, "view"),
                f"{world.records[spec.parent].kind} page shows u{u} r{r}={spec}",
            )
        if spec.kind in ("follow_up", "concern_follow_up"):
            tally.expect(
                built.markers[r].encode() in figures["home"].content,
                False,
                f"home shows an unowned follow-up u{u} r{r}",
            )
    check_search(world, built, u, get, tally)
    check_commitment_pages(world, built, u, detail, tally)
    check_pages_of_issue6(world, built, u, Reader(client, shown), detail, tally, first=first)
    check_figures(world, built, u, {**figures, "concern_list": list_pages["concern"]}, tally)
    check_exports(world, built, u, client, shown, tally, csv_too=first)
    check_api(world, built, u, user, shown, tally, details=first)
    # The sweep: nothing the oracle hides appears on any page, export or API answer this
    # user was given.
    # Its text, and its id (in a link, an API body or an export), but on the answer to
    # the address that names it.
    hidden = [
        (r, token, own)
        for r in range(len(built.objects))
        if not oracle_may(world, u, r, "view")
        for token, own in (
            (built.markers[r].encode(), ""),
            (str(built.objects[r].pk).encode(), f"/{built.objects[r].pk}/"),
        )
    ]
    for url, content in shown:
        tally.pages_swept += 1
        for r, token, own in hidden:
            # A search page repeats what was searched for (its box): not a leak.
            asked = token.decode() in url
            if token in content and not (own and url.endswith(own)) and not asked:
                tally.leaks.append(f"LEAK: {url} shows u{u} r{r}={world.records[r]}")


# The kinds the search page finds, and how many of each are searched for per user.
SEARCHED = ("bearer", "person", "interaction", "concern")
SEARCHES_PER_KIND = 3


def check_search(
    world: WorldSpec, built: Built, u: int, get: Callable[[str], Any], tally: Tally
) -> None:
    """The search page finds a record by its marker exactly when the user may see it (the
    page is swept with the others: a hidden record's text or id on it is a leak)."""
    for kind in SEARCHED:
        for r in world.by_kind.get(kind, [])[:SEARCHES_PER_KIND]:
            page = get(reverse("search") + "?q=" + built.markers[r]).content
            link = reverse(DETAIL[kind], args=[built.objects[r].pk]).encode()
            tally.expect(link in page, oracle_may(world, u, r, "view"), f"search u{u} r{r}")


def check_commitment_pages(
    world: WorldSpec, built: Built, u: int, detail: dict[int, bytes], tally: Tally
) -> None:
    """A commitment's page: the contacts that led to it, and the evidence of each of its
    observations, each shown when the user may see both the observation and the evidence."""
    for r in world.by_kind.get("commitment", []):
        if r not in detail:
            continue
        spec = world.records[r]
        for i in spec.links:
            tally.expect(
                built.markers[i].encode() in detail[r],
                oracle_may(world, u, i, "view"),
                f"commitment page shows its contact u{u} r{r} i{i}={world.records[i]}",
            )
        observations = [
            o
            for o in world.by_kind.get("observation", [])
            if world.records[o].parent == r and oracle_may(world, u, o, "view")
        ]
        cited = {
            e
            for o in world.by_kind.get("observation", [])
            if world.records[o].parent == r
            for e in world.records[o].links
        }
        for e in sorted(cited):
            tally.expect(
                built.markers[e].encode() in detail[r],
                page_may(world, u, e) and any(e in world.records[o].links for o in observations),
                f"commitment page shows evidence u{u} r{r} e{e}={world.records[e]}",
            )


def check_exports(
    world: WorldSpec,
    built: Built,
    u: int,
    client: Client,
    shown: list[tuple[str, bytes]],
    tally: Tally,
    *,
    csv_too: bool,
) -> None:
    """Every list as JSON (and as CSV for the first reader of a world): the ids given out
    are those the list page shows, with the confidential columns for a head of delegation
    (who may have them), so the sweep reads the encrypted texts too; anyone else asking
    for them is refused."""
    user = world.users[u]
    head = user.role == "head_of_delegation" and user.posting == "current"
    extra = {"confidential": "1"} if head else {}
    for name, export in registry().items():
        kind = KIND_OF_MODEL.get(export.model)
        if kind is None:
            continue  # a list of something else than dialogue records (imports, areas)
        if kind not in world.by_kind:
            continue  # no row of this kind in the world: nothing to give out
        url = reverse("export_list", args=[name])
        for fmt in ("json", "csv") if csv_too else ("json",):
            response = client.get(url, {"format": fmt, **extra})
            tally.expect(response.status_code == 200, True, f"export {name} {fmt} u{u}")
            content = b"".join(response.streaming_content) if response.streaming else b""
            shown.append((f"{url}?format={fmt}", content))
            if fmt == "json":
                ids = {row["id"] for row in json.loads(content or b"[]")}
            else:
                rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
                column = rows[0].index("id") if rows else 0
                ids = {row[column] for row in rows[1:]}
            for r in world.by_kind.get(kind, []):
                tally.expect(
                    str(built.objects[r].pk) in ids,
                    page_may(world, u, r),
                    f"export {name} {fmt} u{u} r{r}={world.records[r]}",
                )
    if not head:
        url = reverse("export_list", args=["commitments"])
        response = client.get(url, {"format": "json", "confidential": "1"})
        tally.expect(response.status_code == 403, True, f"confidential export refused u{u}")


def check_api(
    world: WorldSpec,
    built: Built,
    u: int,
    user: User,
    shown: list[tuple[str, bytes]],
    tally: Tally,
    *,
    details: bool,
) -> None:
    """The REST API with a personal token: each list gives exactly the ids the record's
    pages show; with ``details`` (the first reader of a world), every hidden record is
    the 404 of a missing one, body and all."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, name='leak test').secret}")
    for kind, path in API_PATHS.items():
        if kind not in world.by_kind:
            continue  # no row of this kind in the world: nothing to list
        response = client.get(f"{API}/{path}/", {"limit": 200})
        shown.append((response.request["PATH_INFO"], response.content))
        body = response.json() if response.status_code == 200 else {}
        tally.expect(
            response.status_code == 200 and body["next_offset"] is None,
            True,
            f"API list {path} u{u} in one page: {response.status_code}",
        )
        ids = {row["id"] for row in body.get("items", [])}
        if path not in tally.api_missing:  # the same for everyone: asked once a run
            missing = client.get(f"{API}/{path}/{uuid.uuid4()}/")
            tally.expect(missing.status_code == 404, True, f"API {path} missing id u{u}")
            tally.api_missing[path] = missing.content
        for r in world.by_kind.get(kind, []):
            allowed = page_may(world, u, r)
            pk = str(built.objects[r].pk)
            tally.expect(pk in ids, allowed, f"API list {path} u{u} r{r}={world.records[r]}")
            if allowed or not details:
                continue  # a record shown is in the list, in the same form as its detail
            response = client.get(f"{API}/{path}/{pk}/")
            shown.append((response.request["PATH_INFO"], response.content))
            tally.expect(
                (response.status_code, response.content) != (404, tally.api_missing[path]),
                False,
                f"API detail {path} u{u} r{r}={world.records[r]}: {response.status_code}",
            )
    check_versions(world, built, u, user, client, shown, tally)


def check_figures(
    world: WorldSpec,
    built: Built,
    u: int,
    figures: dict[str, Any],
    tally: Tally,
) -> None:
    """One figure per app, shown to the user, against the same figure from the oracle."""

    def seen(kind: str) -> list[int]:
        return [r for r in world.by_kind.get(kind, []) if page_may(world, u, r)]

    # Humanitarian access: checkpoint passages by outcome (the overview).
    counts = figures["access_overview"].context["passages"].counts
    by_outcome = Counter(world.records[r].facts[0] for r in seen("passage"))
    tally.same(
        (counts.passed, counts.delayed, counts.turned_back, counts.incident),
        tuple(by_outcome[o] for o in ("passed", "delayed", "turned_back", "incident")),
        f"passages by outcome u{u}",
    )
    # Training: sessions, participants and women reached.
    total = figures["session_figures"].context["figures"].total
    sessions = [world.records[r].facts for r in seen("session")]
    tally.same(
        (total.sessions, total.participants, total.women),
        (len(sessions), sum(p for p, _ in sessions), sum(w for _, w in sessions)),
        f"people reached u{u}",
    )
    # Concerns: the outcome box of the list (concerns, raised, responded to, addressed).
    outcome = figures["concern_list"].context["outcome"]
    statuses = [world.records[r].facts[0] for r in seen("concern")]
    tally.same(
        (outcome.concerns, outcome.raised, outcome.responded, outcome.addressed),
        (
            len(statuses),
            sum(s != "open" for s in statuses),
            sum(s in ("responded", "addressed") for s in statuses),
            sum(s == "addressed" for s in statuses),
        ),
        f"concern outcomes u{u}",
    )
    # Integration: each cell of the heat map is the latest assessment the user may see.
    rows = figures["integration_overview"].context["rows"]
    shown_cells = {
        (row.bearer.pk, cell.pillar): cell.assessment.pk
        for row in rows
        for cell in row.cells
        if cell.assessment is not None
    }
    latest: dict[tuple[Any, str], Any] = {}
    for r in seen("assessment"):
        obj = built.objects[r]
        key = (obj.bearer_id, obj.pillar)
        order = (obj.assessed_on, obj.created_at, obj.pk)
        if key not in latest or order > latest[key][0]:
            latest[key] = (order, obj.pk)
    tally.same(
        shown_cells,
        {key: pk for key, (_, pk) in latest.items()},
        f"heat map u{u}",
    )
    tally.same(
        {row.bearer.pk for row in rows},
        {bearer for bearer, _ in latest},
        f"heat map rows u{u}",
    )
    # Commitments: the register's figures, overall by current compliance and by party
    # (a party the user may not see is no row).
    register = figures["commitment_figures"].context["figures"]
    overall = register.overall
    compliance = Counter(world.records[r].facts[0] or "not_observed" for r in seen("commitment"))
    tally.same(
        (overall.commitments, overall.kept, overall.partly_kept, overall.breached),
        (
            sum(compliance.values()),
            compliance["kept"],
            compliance["partly_kept"],
            compliance["breached"],
        ),
        f"commitments by compliance u{u}",
    )
    parties = Counter(
        str(built.objects[b].pk)
        for r in seen("commitment")
        for b in world.records[r].bearers
        if oracle_may(world, u, b, "view")
    )
    tally.same(
        {row.key: row.commitments for row in register.by_bearer},
        dict(parties),
        f"commitments by party u{u}",
    )


def check_world(world: WorldSpec, tally: Tally) -> None:
    built = build(world)
    # Pages cost a hundred times what a query does: they are read by the first few
    # active users of each world (any role: Hypothesis orders the staff).
    readers = [u for u, spec in enumerate(world.users) if spec.active][:PAGE_READERS]
    for u, user in enumerate(built.users):
        user = User.objects.get(pk=user.pk)  # a fresh object: no cached clearance
        check_manager(world, built, u, user, tally, reads_pages=u in readers)
        if u in readers:
            check_pages(world, built, u, user, tally, first=u == readers[0])


def test_no_channel_leaks_across_generated_worlds(db: None) -> None:
    tally = Tally()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(world=worlds())
    def run(world: WorldSpec) -> None:
        # Judge each world on its own leaks, so that Hypothesis shrinks to a world that
        # leaks by itself.
        before = len(tally.leaks)
        with transaction.atomic():
            check_world(world, tally)
            transaction.set_rollback(True)
        found = tally.leaks[before:]
        assert not found, "\n".join([*found[:20], f"in {world}"])

    run()
    assert tally.checks >= MINIMUM_CHECKS, f"only {tally.checks} checks"
    print(
        f"\nleak test: {tally.checks} checks and {tally.pages_swept} pages swept "
        f"over {EXAMPLES} worlds, {len(tally.leaks)} leaks"
    )


def test_the_oracle_is_not_trivial() -> None:
    """The oracle must say yes and no, or the property would prove nothing."""
    world = WorldSpec(
        users=[
            UserSpec("field_delegate", "d1", "current", True),
            UserSpec("field_delegate", "d2", "current", True),
            UserSpec("hq_analyst", "hq", "current", True),
            UserSpec("auditor", "hq", "current", True),
        ],
        records=[
            RecordSpec("interaction", "d1", False, frozenset(), False),
            RecordSpec("interaction", "d1", True, frozenset({0}), False),
        ],
        grants=[GrantSpec(3, "read", "interaction", 1, True)],
    )
    assert oracle_may(world, 0, 0, "view") and oracle_may(world, 0, 1, "change")
    assert not oracle_may(world, 1, 0, "view")
    assert oracle_may(world, 2, 0, "view") and not oracle_may(world, 2, 0, "change")
    assert not oracle_may(world, 2, 1, "view")
    assert oracle_may(world, 3, 1, "view") and not oracle_may(world, 3, 0, "view")


def test_the_oracle_reads_the_rules_of_bearer_grants_and_parents() -> None:
    """Bearer grants open non-restricted rows about the bearer, through a foreign key or a
    many-to-many link; a record grant opens the rows under the record, restricted ones
    too; a row under a hidden parent is hidden; pages of access and integration also hide
    a row about a bearer the viewer may not see."""
    world = WorldSpec(
        users=[
            UserSpec("field_delegate", "d2", "current", True),
            UserSpec("field_delegate", "d1", "current", True),
        ],
        records=[
            RecordSpec("bearer", None, False, frozenset(), False),  # 0: granted to user 0
            RecordSpec("bearer", None, True, frozenset(), False),  # 1: restricted
            RecordSpec("passage", "d1", False, frozenset(), False, bearers=frozenset({0})),
            RecordSpec("passage", "d1", True, frozenset({1}), False, bearers=frozenset({0})),
            RecordSpec("concern", "d1", False, frozenset(), False, bearers=frozenset({0})),
            RecordSpec("representation", "d1", True, frozenset(), False, parent=4),
            RecordSpec("concern", "d1", False, frozenset(), False),  # 6: granted to user 0
            RecordSpec("source", "d1", True, frozenset(), False, parent=6),
            RecordSpec("incident", "d1", False, frozenset(), False, parent=3),
            RecordSpec("assessment", "d1", False, frozenset(), False, bearers=frozenset({1})),
        ],
        grants=[
            GrantSpec(0, "read", "bearer", 0, True),
            GrantSpec(0, "write", "concern", 6, True),
        ],
    )
    # Through the bearer grant: the non-restricted passage and concern, nothing else.
    assert oracle_may(world, 0, 2, "view") and not oracle_may(world, 0, 2, "change")
    assert not oracle_may(world, 0, 3, "view")
    assert oracle_may(world, 0, 4, "view") and not oracle_may(world, 0, 5, "view")
    # Through the record grant: the concern and its restricted source, for change too.
    assert oracle_may(world, 0, 7, "view") and oracle_may(world, 0, 7, "change")
    # An incident at a passage the user may not see is hidden; the named member sees both.
    assert not oracle_may(world, 0, 8, "view")
    assert oracle_may(world, 1, 3, "view") and oracle_may(world, 1, 8, "view")
    # Pages: an assessment about a restricted bearer is out of reach of its own delegate.
    assert oracle_may(world, 1, 9, "view") and not page_may(world, 1, 9)
    assert oracle_may(world, 1, 2, "view") and page_may(world, 1, 2)


def test_the_oracle_hides_a_signatory_with_any_of_its_parents() -> None:
    """A signatory is hidden with its commitment, its person or the bearer it signed for
    (``access_via``), and a grant on any of the three opens it while the others show."""
    world = WorldSpec(
        users=[
            UserSpec("field_delegate", "d1", "current", True),
            UserSpec("field_delegate", "d2", "current", True),
        ],
        records=[
            RecordSpec("bearer", None, False, frozenset(), False),  # 0
            RecordSpec("bearer", None, True, frozenset({0}), False),  # 1: named to user 0
            RecordSpec("person", "d1", False, frozenset(), False),  # 2
            RecordSpec("commitment", "d1", False, frozenset(), False, bearers=frozenset({0})),
            RecordSpec("signatory", "d1", False, frozenset(), False, parent=3, via=frozenset({0})),
            RecordSpec(
                "signatory", "d1", False, frozenset(), False, parent=3, via=frozenset({1, 2})
            ),
        ],
        grants=[GrantSpec(1, "read", "commitment", 3, True)],
    )
    assert oracle_may(world, 0, 4, "view") and oracle_may(world, 0, 5, "change")
    # User 1 sees the commitment by a grant, and the signatory for the open bearer with
    # it; not the one for the restricted bearer, nor its person of another delegation.
    assert oracle_may(world, 1, 3, "view") and oracle_may(world, 1, 4, "view")
    assert not oracle_may(world, 1, 5, "view")
    world.grants.append(GrantSpec(1, "read", "bearer", 1, True))
    assert not oracle_may(world, 1, 5, "view")  # the person still hides it
    world.grants.append(GrantSpec(1, "read", "person", 2, True))
    assert oracle_may(world, 1, 5, "view") and not oracle_may(world, 1, 5, "change")


def test_the_oracle_reads_the_rules_of_negotiation_files() -> None:
    """A file is hidden with its bearer; a bearer grant opens the file about it when it is
    not restricted, and none of the rows under it; a grant on the file opens its rows."""
    world = WorldSpec(
        users=[
            UserSpec("field_delegate", "d2", "current", True),
            UserSpec("field_delegate", "d1", "current", True),
        ],
        records=[
            RecordSpec("bearer", None, False, frozenset(), False),  # 0: granted to user 0
            RecordSpec("bearer", None, True, frozenset(), False),  # 1: restricted, unnamed
            RecordSpec("negotiation_file", "d1", False, frozenset(), False, bearers=frozenset({0})),
            RecordSpec(
                "negotiation_file", "d1", True, frozenset({1}), False, bearers=frozenset({0})
            ),
            RecordSpec("scenario", "d1", False, frozenset(), False, parent=2),
            RecordSpec("negotiation_file", "d1", False, frozenset(), False, bearers=frozenset({1})),
            RecordSpec("red_line", "d1", False, frozenset(), False, parent=3),
        ],
        grants=[GrantSpec(0, "read", "bearer", 0, True)],
    )
    assert oracle_may(world, 0, 2, "view") and not oracle_may(world, 0, 2, "change")
    assert not oracle_may(world, 0, 3, "view") and not oracle_may(world, 0, 4, "view")
    assert oracle_may(world, 1, 3, "view") and oracle_may(world, 1, 6, "change")
    assert not oracle_may(world, 1, 5, "view")  # its bearer is hidden from its own delegate
    world.grants.append(GrantSpec(0, "read", "negotiation_file", 3, True))
    assert oracle_may(world, 0, 3, "view") and oracle_may(world, 0, 6, "view")
