"""Fuzzing the API with schemathesis: every operation of the schema the running application
serves, with generated data (valid and invalid), as a field delegate with a read-write
token and records in her compartment.

Each answer must not be a server error and must be what the schema says: a documented
status code, a documented content type, a body that matches, documented headers.
``API_FUZZ_EXAMPLES`` generated examples per operation (50 by default, new ones on every run; ``make
test-api-long`` asks 1000). With ``API_FUZZ_COVERAGE=1`` (``make test-api-long``)
schemathesis also runs its coverage phase first: the boundary and wrong-type values of every
parameter, deterministic, about as many requests again. Marked ``fuzz``: ``make test-api``
runs it on SQLite, apart from the suites.

The world is built once per worker (a module fixture, rolled back at the end) and each
operation runs in a savepoint of its own inside it, so every operation starts from the
same records whatever the others created or deleted.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, settings
from pytest_django import DjangoDbBlocker
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pourparler.access.services import (
    do_record_acceptance,
    do_record_constraint,
    do_record_incident,
    do_record_passage,
)
from pourparler.api.api import api
from pourparler.api.models import TokenScope
from pourparler.api.tests.test_api_geo_context import add_context
from pourparler.api.tokens import issue_token
from pourparler.bearers.services import do_add_bearer_name, do_add_external_id
from pourparler.commitments.services import (
    do_add_signatory,
    do_record_compliance,
    do_register_commitment,
)
from pourparler.concerns.services import do_add_concern_source, do_schedule_concern_follow_up
from pourparler.concerns.tests.helpers import open_concern, represent, respond
from pourparler.dialogue.services import do_create_follow_up
from pourparler.exchange.services import run_import
from pourparler.exchange.tests.helpers import actors_csv
from pourparler.geo.models import Country
from pourparler.geo.services import do_create_admin_area
from pourparler.handover.services import (
    do_hand_over,
    do_link_introduction,
    do_prepare_handover,
)
from pourparler.integration.services import do_record_assessment
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import do_add_to_file, do_open_file, do_sign_off_red_line
from pourparler.people.services import do_add_person_name, do_create_relationship
from pourparler.testing.personas import (
    build_world,
    make_bearer,
    make_interaction,
    make_person,
    make_unit,
)
from pourparler.training.services import do_record_session

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "50"))
COVERAGE = os.environ.get("API_FUZZ_COVERAGE", "") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def fuzz_token(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """A world with a record of every kind in Varnia, and alice's read-write token: built
    once for the module, inside a transaction rolled back after its last operation."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> str:
    world = build_world()
    alice = world.alice
    country = Country.objects.get(iso2="AF")
    area = do_create_admin_area(actor=alice, country=country, pcode="AF01", name="Kabul")
    army = make_bearer(alice, name="Varnian Armed Forces", countries=[country])
    rebels = make_bearer(alice, name="Front of the Hills", kind="non_state_armed_group")
    do_add_bearer_name(army, actor=alice, name="VAF", kind="acronym")
    do_add_external_id(army, actor=alice, scheme="wikidata", value="Q1")
    brigade = make_unit(alice, army, admin_area=area)
    colonel = make_person(alice, world.varnia, bearer=army)
    do_add_person_name(colonel, actor=alice, name="Abu Idris")
    do_create_relationship(colonel, actor=alice, holder=alice)
    meeting = make_interaction(alice, world.varnia, bearers=[army, rebels])
    do_create_follow_up(meeting, actor=alice, action="Send the rules of engagement")
    make_person(world.dave, world.kestria, full_name="Maj. Tomas Vell", bearer=army)
    do_record_session(
        actor=alice,
        compartment=world.varnia,
        kind="briefing",
        bearer=army,
        participants=20,
        held_on=datetime.date(2026, 3, 2),
        language="en",
        units=[brigade],
        interaction=meeting,
    )
    do_record_assessment(
        actor=alice,
        compartment=world.varnia,
        bearer=army,
        pillar="doctrine",
        level=2,
        evidence="The field manual has a chapter on detention.",
        interactions=[meeting],
    )
    do_record_acceptance(
        actor=alice,
        compartment=world.varnia,
        bearer=army,
        status="partly",
        assessed_on=datetime.date(2026, 3, 2),
    )
    passage = do_record_passage(
        actor=alice,
        compartment=world.varnia,
        bearer=army,
        unit=brigade,
        place_name="Bridge checkpoint",
        outcome="incident",
    )
    do_record_constraint(
        actor=alice,
        compartment=world.varnia,
        category="movement",
        description="Roadblock on the road north.",
        bearer=army,
    )
    do_record_incident(
        actor=alice,
        compartment=world.varnia,
        kind="threat",
        description="A driver was threatened.",
        bearers=[army, rebels],
        passage=passage,
    )
    add_context(alice, army, 1, area)
    concern = open_concern(alice, world.varnia, [army], opened=20)
    do_add_concern_source(concern, actor=alice, kind="witness", reliability="B", credibility="2")
    represent(alice, concern, 10, to_person=colonel)
    respond(alice, concern, 5)
    do_schedule_concern_follow_up(concern, actor=alice, action="Ask for the inquiry's result")
    commitment = do_register_commitment(
        actor=alice,
        compartment=world.varnia,
        instrument="security_guarantee",
        title="Safe passage for ambulances",
        scope="Ambulances are not stopped.",
        bearers=[army, rebels],
        made_on=datetime.date(2026, 1, 15),
        interactions=[meeting],
    )
    do_add_signatory(commitment, actor=alice, capacity="military", bearer=army, person=colonel)
    do_record_compliance(
        commitment,
        actor=alice,
        observed_on=datetime.date(2026, 2, 1),
        assessment="breached",
        note="An ambulance was stopped at the bridge.",
        concerns=[concern],
        passages=[passage],
    )
    run_import("ucdp-actors", actors_csv(["372", "805"]), "bgd.csv", actor=alice)
    _negotiation_and_handover(world, army, colonel, meeting)
    assert brigade.pk
    return issue_token(alice, scope=TokenScope.READ_WRITE, name="fuzz").secret


def _negotiation_and_handover(world: Any, army: Any, colonel: Any, meeting: Any) -> None:
    """A negotiation file with a row of every kind (a red line signed off), and a draft
    handover of alice's with a joint introduction beside one done by the head."""
    alice = world.alice
    file = do_open_file(
        actor=alice,
        compartment=world.varnia,
        bearer=army,
        title="Access to Orun camp",
        objective="Visit every detainee.",
        counterparts=[colonel],
        interactions=[meeting],
    )
    add = functools.partial(do_add_to_file, file, actor=alice)
    add(IslandItem, kind="fact", agreed=True, text="Twelve are held.")
    add(IcebergEntry, side="counterpart", layer="motive", text="Fear of reprisals.")
    elder = add(Stakeholder, name="Elder of Orun", influence=3)
    known = add(Stakeholder, person=colonel, proximity=1)
    add(StakeholderLink, source=elder, target=known, strength=2)
    line = add(RedLine, text="No armed escort.")
    do_sign_off_red_line(line, actor=world.carol, expected_version=1)
    add(BottomLine, text="A first visit within a month.")
    add(Scenario, text="One block only.", costs="Others unseen.", likelihood="high")
    today = datetime.date.today()
    handover = do_prepare_handover(
        actor=alice,
        delegation=world.varnia,
        outgoing=alice,
        successor=world.bob,
        effective_on=today + datetime.timedelta(days=30),
        note="See the colonel first.",
    )
    joint = make_interaction(alice, world.varnia, our_participants=[alice, world.bob])
    do_link_introduction(handover, actor=alice, interaction=joint)
    done = do_prepare_handover(
        actor=world.carol,
        delegation=world.varnia,
        outgoing=world.bob,
        successor=alice,
        effective_on=today + datetime.timedelta(days=60),
    )
    do_hand_over(done, actor=world.carol, expected_version=1)


def served_schema() -> dict[str, Any]:
    """The OpenAPI document /api/v1/openapi.json serves (test_docs.py checks they are equal)."""
    return dict(api.get_openapi_schema())


# Loaded when the tests are collected (the database is not open yet), then called through
# the whole WSGI application: every middleware, the token check, the read path, the services.
schema = schemathesis.openapi.from_dict(served_schema())
schema.app = get_wsgi_application()
schema.config.phases.coverage.enabled = COVERAGE


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=False,
)
def test_the_api_answers_what_its_schema_says(case: Any, fuzz_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_token}"}, checks=CHECKS)
