"""The leak property test: generated worlds, every channel, checked against an oracle.

Hypothesis builds worlds (``leak_world.worlds``) of delegations, staff with roles and
postings (current, ended, not yet begun), need-to-know grants (live and expired, on a
delegation, a bearer or any record), and records of every kind that holds dialogue
content: bearers, people, interactions and follow-ups; concerns with their
representations, responses, sources, status changes and follow-ups; acceptance
assessments, checkpoint passages, access constraints and security incidents; training
sessions; integration assessments. Each has a compartment, a restriction, named members,
perhaps a tombstone, the bearers it is about, the parent that hides it, and links to other
records it shows.

For every user and record, what each channel yields must equal what the oracle says
(``leak_world.oracle_may``, and ``leak_world.page_may`` for what an app's pages add), an
independent reading of docs/security.md written without the application's access code:

- the restricted manager for ``view`` and ``change``, and ``count()``, per model;
- ``get_visible_or_404``;
- over HTTP, signed in as each of the first three active users of the world (a page costs
  what a hundred queries do; ``POURPARLER_LEAK_PAGE_READERS`` sets how many): every
  detail page (200 or 404); every list page (the record's link); the concern page (each
  record under the concern); the figures (checkpoint passages by outcome, people reached
  by training, concerns raised, responded to and addressed, the integration heat map)
  against the same figure worked out by hand from the oracle's visible set;
- and a sweep: no page the user was shown (lists, details, figures, the home page, bearer
  profiles and person pages with the other apps' panels) holds the text of any record
  the oracle hides from them.

``POURPARLER_LEAK_EXAMPLES`` sets how many worlds (``make test-leaks-long`` runs many
more), ``POURPARLER_LEAK_MINIMUM`` the fewest checks the run must make.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from pourparler.core.access import get_visible_or_404
from pourparler.core.models import User
from pourparler.core.tests.leak_world import (
    CHILDREN_OF_CONCERNS,
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
from pourparler.testing.http import sign_in

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("POURPARLER_LEAK_EXAMPLES", "22"))
MINIMUM_CHECKS = int(os.environ.get("POURPARLER_LEAK_MINIMUM", "11000"))
PAGE_READERS = int(os.environ.get("POURPARLER_LEAK_PAGE_READERS", "3"))

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
}
FIGURE_PAGES = ("home", "access_overview", "session_figures", "integration_overview")


class Tally:
    """Checks made, and what went wrong."""

    def __init__(self) -> None:
        self.checks = 0
        self.pages_swept = 0
        self.leaks: list[str] = []

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
            visible = set(model.objects.visible_to(user, action).values_list("pk", flat=True))
            expected = {built.objects[r].pk for r in indexes if oracle_may(world, u, r, action)}
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


def check_pages(world: WorldSpec, built: Built, u: int, user: User, tally: Tally) -> None:
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
        if spec.kind in CHILDREN_OF_CONCERNS and spec.parent in detail:
            tally.expect(
                built.markers[r].encode() in detail[spec.parent],
                oracle_may(world, u, r, "view"),
                f"concern page shows u{u} r{r}={spec}",
            )
        if spec.kind in ("follow_up", "concern_follow_up"):
            tally.expect(
                built.markers[r].encode() in figures["home"].content,
                False,
                f"home shows an unowned follow-up u{u} r{r}",
            )
    check_figures(world, built, u, {**figures, "concern_list": list_pages["concern"]}, tally)
    # The sweep: nothing the oracle hides appears on any page this user was shown.
    hidden = [
        (r, built.markers[r].encode())
        for r in range(len(built.objects))
        if not oracle_may(world, u, r, "view")
    ]
    for url, content in shown:
        tally.pages_swept += 1
        for r, marker in hidden:
            if marker in content:
                tally.leaks.append(f"LEAK: {url} shows u{u} r{r}={world.records[r]}")


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


def check_world(world: WorldSpec, tally: Tally) -> None:
    built = build(world)
    # Pages cost a hundred times what a query does: they are read by the first few
    # active users of each world (any role: Hypothesis orders the staff).
    readers = [u for u, spec in enumerate(world.users) if spec.active][:PAGE_READERS]
    for u, user in enumerate(built.users):
        user = User.objects.get(pk=user.pk)  # a fresh object: no cached clearance
        check_manager(world, built, u, user, tally, reads_pages=u in readers)
        if u in readers:
            check_pages(world, built, u, user, tally)


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
