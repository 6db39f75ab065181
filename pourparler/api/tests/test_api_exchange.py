"""Import runs and the review queue through the API: lists with filters and pages,
records, no write but the decisions on a pending item (link, register, dismiss) with its
version, by those the review page lets decide; an item decided for a bearer the caller
may not see is hidden with it; the queries of a list and a detail are pinned."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pourparler.api.models import TokenScope
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.bearers.choices import NameKind
from pourparler.bearers.models import ExternalId, WeaponBearer
from pourparler.core.choices import ChangeAction
from pourparler.core.models import ChangeLogEntry
from pourparler.exchange.choices import ReviewStatus
from pourparler.exchange.models import ImportRun, ReviewItem
from pourparler.exchange.services import do_link_review_item, run_import
from pourparler.exchange.tests.helpers import actors_csv
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(world: World) -> dict[str, ReviewItem]:
    """Two UCDP actors the matcher was not sure of, waiting for a decision."""
    make_bearer(world.alice, name="Supporters of the Awami League", kind="militia")
    make_bearer(
        world.alice,
        name="East Bengal communists",
        kind="non_state_armed_group",
        names=[{"name": "PBCP", "kind": NameKind.ACRONYM}],
    )
    run_import("ucdp-actors", actors_csv(["372", "805"]), "bgd.csv", actor=world.alice)
    return {item.key: item for item in ReviewItem.objects.all()}


def test_runs_and_items_are_listed_filtered_and_read(
    world: World, queued: dict[str, ReviewItem], alice_api: ApiClient
) -> None:
    run = ImportRun.objects.get()
    runs = alice_api.get("/import-runs/").json()["items"]
    assert [r["id"] for r in runs] == [str(run.pk)]
    assert runs[0]["file_name"] == "bgd.csv" and runs[0]["queued"] == len(queued) == 2
    assert alice_api.get(f"/import-runs/{run.pk}/").json() == runs[0]
    assert ids_of(alice_api.get("/import-runs/", status="failed")) == []
    pending = ids_of(alice_api.get("/review-items/", status=ReviewStatus.PENDING))
    assert set(pending) == {str(item.pk) for item in queued.values()}
    page = alice_api.get("/review-items/", limit=1, run=str(run.pk)).json()
    assert len(page["items"]) == 1 and page["next_offset"] == 1
    item = page["items"][0]
    assert alice_api.get(f"/review-items/{item['id']}/").json() == item
    assert item["run"] == str(run.pk) and item["bearer"] is None


def test_they_are_read_only(world: World, queued: dict[str, ReviewItem]) -> None:
    head = ApiClient(world.carol)
    item = next(iter(queued.values()))
    assert head.post("/review-items/", {"name": "x"}).status_code == 405
    assert head.patch(f"/review-items/{item.pk}/", {"version": 1}).status_code == 405
    assert head.delete(f"/import-runs/{item.run_id}/", version=1).status_code == 405
    assert ReviewItem.objects.get(pk=item.pk).version == 1


def test_an_item_decided_for_a_hidden_bearer_is_hidden_with_it(
    world: World, queued: dict[str, ReviewItem], alice_api: ApiClient
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    item = next(iter(queued.values()))
    do_link_review_item(item, hidden, actor=world.carol, expected_version=item.version)
    assert alice_api.get(f"/review-items/{item.pk}/").json() == {"detail": "Not found."}
    assert str(item.pk) not in ids_of(alice_api.get("/review-items/"))
    shown = ApiClient(world.carol).get(f"/review-items/{item.pk}/").json()
    assert shown["bearer"] == str(hidden.pk) and shown["status"] == ReviewStatus.LINKED


# 3 to know the caller, 1 for the rows, 1 for the named users.
QUERIES = 5


@pytest.mark.parametrize("path", ["import-runs", "review-items"])
def test_a_list_and_a_detail_cost_a_fixed_number_of_queries(
    path: str, world: World, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    make_bearer(world.alice, name="Supporters of the Awami League", kind="militia")
    make_bearer(
        world.alice,
        name="East Bengal communists",
        kind="non_state_armed_group",
        names=[{"name": "PBCP", "kind": NameKind.ACRONYM}],
    )
    run_import("ucdp-actors", actors_csv(["372"]), "one.csv", actor=world.alice)
    alice_api.get("/topics/")  # the token's first use is noted once
    with CaptureQueriesContext(connection) as few:
        alice_api.get(f"/{path}/")
    run_import("ucdp-actors", actors_csv(["805"]), "two.csv", actor=world.alice)
    with django_assert_num_queries(QUERIES):
        rows = ids_of(alice_api.get(f"/{path}/"))
    assert len(rows) == 2 and len(few.captured_queries) == QUERIES
    with django_assert_num_queries(QUERIES):
        assert alice_api.get(f"/{path}/{rows[0]}/").status_code == 200


def pending_item(queued: dict[str, ReviewItem]) -> ReviewItem:
    return next(iter(queued.values()))


def test_an_item_is_linked_to_a_bearer_and_cannot_be_decided_twice(
    world: World, queued: dict[str, ReviewItem], alice_api: ApiClient
) -> None:
    item = pending_item(queued)
    army = make_bearer(world.alice, name="Bangladesh Army")
    path = f"/review-items/{item.pk}/"
    linked = alice_api.post(
        f"{path}link/", {"version": 1, "bearer": str(army.pk), "note": "Same UCDP actor."}
    )
    assert linked.status_code == 200, linked.content
    record = linked.json()
    assert record["status"] == ReviewStatus.LINKED and record["bearer"] == str(army.pk)
    assert record["version"] == 2 and record["note"] == "Same UCDP actor."
    assert alice_api.get(path).json() == record
    assert ExternalId.objects.filter(bearer=army, scheme=item.scheme, value=item.key).exists()
    for version in (1, 2):
        again = alice_api.post(f"{path}dismiss/", {"version": version})
        assert again.status_code == 409 and again.json()["current"] == record
    actions = ChangeLogEntry.objects.filter(object_id=item.pk).values_list("action", flat=True)
    assert ChangeAction.UPDATE in actions
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.LINKED


def test_an_item_is_registered_as_a_new_bearer_or_dismissed(
    world: World, queued: dict[str, ReviewItem], alice_api: ApiClient
) -> None:
    first, second = queued.values()
    registered = alice_api.post(
        f"/review-items/{first.pk}/register/", {"version": 1, "kind": "militia"}
    )
    assert registered.status_code == 200, registered.content
    bearer = WeaponBearer.objects.get(pk=registered.json()["bearer"])
    assert bearer.name == first.name and bearer.kind == "militia"
    assert registered.json()["status"] == ReviewStatus.CREATED
    dismissed = alice_api.post(
        f"/review-items/{second.pk}/dismiss/", {"version": 1, "note": "Protesters."}
    )
    assert dismissed.status_code == 200, dismissed.content
    assert dismissed.json()["status"] == ReviewStatus.DISMISSED
    assert dismissed.json()["bearer"] is None
    assert ids_of(alice_api.get("/review-items/", status=ReviewStatus.PENDING)) == []


def test_a_stale_version_is_a_conflict_and_a_hidden_bearer_a_missing_one(
    world: World, queued: dict[str, ReviewItem], alice_api: ApiClient
) -> None:
    item = pending_item(queued)
    path = f"/review-items/{item.pk}/"
    stale = alice_api.post(f"{path}dismiss/", {"version": 3})
    assert stale.status_code == 409
    assert stale.json()["current"] == alice_api.get(path).json()
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    for bearer in (hidden.pk, item.run_id):
        refused = alice_api.post(f"{path}link/", {"version": 1, "bearer": str(bearer)})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "bearer"]
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.PENDING


def test_only_those_the_review_page_lets_decide_may_decide(
    world: World, queued: dict[str, ReviewItem]
) -> None:
    item = pending_item(queued)
    path = f"/review-items/{item.pk}/dismiss/"
    auditor = ApiClient(world.audrey)
    assert auditor.get(f"/review-items/{item.pk}/").status_code == 200
    assert auditor.post(path, {"version": 1}).status_code == 403
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    assert reader.post(path, {"version": 1}).status_code == 403
    missing = ApiClient(world.alice).post(f"/review-items/{item.run_id}/dismiss/", {"version": 1})
    assert missing.status_code == 404
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.PENDING


def test_an_item_decided_for_a_hidden_bearer_cannot_be_decided_again_by_who_may_not_see_it(
    world: World, queued: dict[str, ReviewItem], alice_api: ApiClient
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    item = pending_item(queued)
    do_link_review_item(item, hidden, actor=world.carol, expected_version=item.version)
    answer = alice_api.post(f"/review-items/{item.pk}/dismiss/", {"version": 2})
    assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}
