"""Every page and every GET operation of the REST API costs a pinned number of SQL queries,
and that number does not grow with the rows it shows (the N+1 guard).

One world is built for the module (inside a transaction rolled back at the end) with a
batch of records of every kind a page lists, in Varnia (alice's delegation) and a little
in Kestria (hidden from her). Each page, list export and API operation is requested once
as the persona it is for (the main lists again as the headquarters analyst) and its
queries counted; then a second batch of every kind is added (every list shows twice the
rows, every first-batch record twice the linked rows) and each is requested again. A
count must be the same both times, and equal to the one pinned in ``QUERIES`` below.

``test_every_route_is_measured_or_exempt`` walks the URL resolver and the API's OpenAPI
operations: a new page or GET operation fails until it is measured here (a ``Page`` in
``PAGES``; API operations are found on their own) and pinned in ``QUERIES``, or listed in
``EXEMPT`` with the reason. docs/architecture.md, "Query counts", says how to update the
table.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.http import HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from pourparler.access.services import (
    do_record_acceptance,
    do_record_constraint,
    do_record_incident,
    do_record_passage,
)
from pourparler.api import tokens
from pourparler.api.api import api
from pourparler.api.models import TokenScope
from pourparler.api.tests.test_api_geo_context import add_context
from pourparler.api.tokens import issue_token
from pourparler.bearers.choices import NameKind
from pourparler.bearers.services import do_add_bearer_name, do_add_external_id, do_relate_bearers
from pourparler.commitments.services import (
    do_add_signatory,
    do_record_compliance,
    do_register_commitment,
)
from pourparler.concerns.services import do_add_concern_source, do_schedule_concern_follow_up
from pourparler.concerns.tests.helpers import open_concern, represent, respond
from pourparler.core import middleware
from pourparler.core.services import create_record
from pourparler.dashboards import figures
from pourparler.dialogue.services import do_create_follow_up
from pourparler.exchange import exports
from pourparler.exchange.models import ReviewItem
from pourparler.exchange.services import run_import
from pourparler.exchange.tests.helpers import actors_csv
from pourparler.geo.models import Country
from pourparler.geo.services import do_create_admin_area
from pourparler.handover.services import do_link_introduction, do_prepare_handover
from pourparler.integration.services import do_record_assessment
from pourparler.maps.tests.helpers import box, draw
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import do_add_to_file, do_open_file
from pourparler.people.services import (
    do_add_person_name,
    do_add_position,
    do_create_relationship,
)
from pourparler.testing.http import sign_in
from pourparler.testing.personas import (
    World,
    build_world,
    make_bearer,
    make_interaction,
    make_person,
    make_unit,
)
from pourparler.training.services import do_record_session

pytestmark = pytest.mark.django_db

Records = dict[str, Any]


# --------------------------------------------------------------------------------------
# What is measured
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page to request: its URL arguments (from the first batch's records), who asks,
    the query string, the status it answers, and its route's name when the key is not
    (one route measured with several arguments)."""

    args: Callable[[Records], dict[str, Any]] = lambda records: {}
    user: str = "alice"
    query: str = ""
    status: int = 200
    route: str = ""


def fixed(**args: Any) -> Callable[[Records], dict[str, Any]]:
    """URL arguments that do not depend on the records."""
    return lambda records: dict(args)


def pk(key: str, name: str = "pk") -> Callable[[Records], dict[str, Any]]:
    """URL arguments naming one record of the first batch by its id."""
    return lambda records: {name: records[key].pk}


PAGES: dict[str, Page] = {
    "home": Page(),
    "healthz": Page(),
    # The bearer registry and the people we know.
    "bearer_list": Page(),
    "bearer_detail": Page(pk("army")),
    "person_list": Page(),
    "person_detail": Page(pk("colonel")),
    # Dialogue.
    "interaction_list": Page(),
    "interaction_create": Page(),
    "interaction_detail": Page(pk("meeting")),
    "interaction_edit": Page(pk("meeting")),
    # Concerns.
    "concern_list": Page(),
    "concern_figures": Page(),
    "concern_create": Page(),
    "concern_detail": Page(pk("concern")),
    "concern_edit": Page(pk("concern")),
    "concern_status": Page(pk("concern")),
    "representation_create": Page(pk("concern")),
    "concern_response_create": Page(pk("concern")),
    "concern_source_create": Page(pk("concern")),
    "concern_follow_up_create": Page(pk("concern")),
    "representation_edit": Page(pk("representation")),
    "concern_response_edit": Page(pk("response")),
    # Humanitarian access.
    "access_overview": Page(),
    "acceptance_list": Page(),
    "acceptance_create": Page(),
    "acceptance_detail": Page(pk("acceptance")),
    "acceptance_edit": Page(pk("acceptance")),
    "passage_list": Page(),
    "passage_create": Page(),
    "passage_detail": Page(pk("passage")),
    "passage_edit": Page(pk("passage")),
    "access_constraint_list": Page(),
    "access_constraint_create": Page(),
    "access_constraint_detail": Page(pk("constraint")),
    "access_constraint_edit": Page(pk("constraint")),
    "security_incident_list": Page(),
    "security_incident_create": Page(),
    "security_incident_detail": Page(pk("incident")),
    "security_incident_edit": Page(pk("incident")),
    # Commitments.
    "commitment_list": Page(),
    "commitment_figures": Page(),
    "commitment_create": Page(),
    "commitment_detail": Page(pk("commitment")),
    "commitment_edit": Page(pk("commitment")),
    "signatory_create": Page(pk("commitment")),
    "compliance_create": Page(pk("commitment")),
    "signatory_edit": Page(pk("signatory")),
    "compliance_edit": Page(pk("compliance")),
    # Training.
    "session_list": Page(),
    "session_figures": Page(),
    "session_create": Page(),
    "session_detail": Page(pk("session")),
    "session_edit": Page(pk("session")),
    # Integration of the law.
    "integration_overview": Page(),
    "assessment_create": Page(),
    "assessment_detail": Page(pk("assessment")),
    "assessment_edit": Page(pk("assessment")),
    "assessment_history": Page(pk("army", "bearer_pk")),
    "assessment_history_pillar": Page(
        lambda records: {"bearer_pk": records["army"].pk, "pillar": "doctrine"}
    ),
    # The auditor's page.
    "audit_log": Page(user="audrey"),
    # Imports and the review queue.
    "import_list": Page(),
    "import_detail": Page(pk("import_run")),
    "import_upload": Page(),
    "review_list": Page(),
    "review_detail": Page(pk("review_item")),
    # The applicable-law assistant.
    "law_assistant": Page(),
    # Negotiation files.
    "negotiation_file_list": Page(),
    "negotiation_file_create": Page(),
    "negotiation_file_detail": Page(pk("file")),
    "negotiation_file_edit": Page(pk("file")),
    "negotiation_file_print": Page(pk("file")),
    "negotiation_version_list": Page(pk("file")),
    "negotiation_version_diff": Page(pk("file"), query="from=1&to=2"),
    "negotiation_version_detail": Page(lambda records: {"pk": records["file"].pk, "number": 1}),
    "negotiation_item_create": Page(lambda records: {"pk": records["file"].pk, "kind": "island"}),
    "negotiation_item_edit": Page(
        lambda records: {
            "pk": records["file"].pk,
            "kind": "island",
            "item_pk": records["island"].pk,
        }
    ),
    # Meeting briefs.
    "brief_bearer": Page(pk("army")),
    "brief_person": Page(pk("colonel")),
    # Handover.
    "handover_list": Page(),
    "handover_create": Page(user="carol"),
    "continuity": Page(user="carol"),
    "handover_detail": Page(pk("handover")),
    "handover_brief": Page(pk("handover")),
    # The engagement planner, maps, dashboards, networks.
    "engagement_plan": Page(pk("army", "bearer_pk")),
    "map": Page(),
    "bearer_map": Page(pk("army")),
    "map_areas_json": Page(),
    "map_passages_json": Page(),
    "map_incidents_json": Page(),
    "map_events_json": Page(),
    "area_create": Page(),
    "area_detail": Page(pk("area")),
    "area_edit": Page(pk("area")),
    "dashboard": Page(),
    "dashboard_headquarters": Page(user="hana"),
    "networks_bearer": Page(pk("army", "bearer_pk")),
    # Search across kinds (people's names are the costly part: decrypted for the viewer).
    "search": Page(query="q=Idris"),
    # The API's own pages.
    "api-v1:openapi-json": Page(),
}

# The headquarters analyst reads every compartment: the main lists and profiles again, as
# hana, over Varnia's and Kestria's records.
HEADQUARTERS_VIEWS = [
    "bearer_detail",
    "person_list",
    "person_detail",
    "interaction_list",
    "concern_list",
    "acceptance_list",
    "passage_list",
    "access_constraint_list",
    "security_incident_list",
    "commitment_list",
    "session_list",
    "integration_overview",
    "negotiation_file_list",
    "handover_list",
    "map_areas_json",
    "search",
]
PAGES.update(
    {f"{key}[hana]": replace(PAGES[key], user="hana", route=key) for key in HEADQUARTERS_VIEWS}
)

# Every list offered for export, as CSV (the other formats write the same rows).
PAGES.update(
    {
        f"export_list[{name}]": Page(fixed(name=name), query="format=csv", route="export_list")
        for name in exports.registry()
    }
)
# Every chart of the dashboards as CSV (PDF and PNG draw the same figures from the same
# builder, and take seconds to render).
PAGES.update(
    {
        f"dashboard_export[{key}]": Page(fixed(key=key, fmt="csv"), route="dashboard_export")
        for key in figures.DELEGATION_CHARTS
    }
)
PAGES.update(
    {
        f"dashboard_headquarters_export[{key}]": Page(
            fixed(key=key, fmt="csv"),
            user="hana",
            route="dashboard_headquarters_export",
        )
        for key in figures.HEADQUARTERS_CHARTS
    }
)

# Routes measured nowhere here, each with its reason. Anything else the resolver knows
# must be in PAGES (or be an API operation, found through the OpenAPI schema).
EXEMPT: dict[str, str] = {
    # Signing in and out: no list, no record; test_login.py covers them.
    "login": "sign-in page",
    "login_verify": "second-factor step of sign-in",
    "two_factor": "second-factor enrolment",
    "logout": "signing out",
    "set_language": "POST only (the language switcher)",
    # Writes: POST only (a GET is refused with 405).
    "person_subject_access": "POST only (the export is a download; people/tests)",
    "interaction_delete": "POST only",
    "follow_up_complete": "POST only",
    "concern_delete": "POST only",
    "representation_delete": "POST only",
    "concern_response_delete": "POST only",
    "concern_source_delete": "POST only",
    "concern_follow_up_done": "POST only",
    "acceptance_delete": "POST only",
    "passage_delete": "POST only",
    "access_constraint_delete": "POST only",
    "security_incident_delete": "POST only",
    "commitment_delete": "POST only",
    "signatory_delete": "POST only",
    "compliance_delete": "POST only",
    "session_delete": "POST only",
    "assessment_delete": "POST only",
    "import_confirm": "POST only",
    "import_cancel": "POST only",
    "review_decide": "POST only",
    "negotiation_file_delete": "POST only",
    "negotiation_item_delete": "POST only",
    "negotiation_red_line_sign_off": "POST only",
    "handover_confirm": "POST only",
    "handover_cancel": "POST only",
    "handover_introduction": "POST only",
    "area_delete": "POST only",
    # An upload's preview belongs to the one upload that made it (a file held on disk):
    # exchange/tests/test_upload*.py request it.
    "import_preview": "needs an uploaded file; exchange tests",
    # PDFs: the same view and context as the HTML page measured above, rendered by
    # WeasyPrint (seconds each, too slow for this module).
    "negotiation_file_pdf": "PDF of negotiation_file_print",
    "brief_bearer_pdf": "PDF of brief_bearer",
    "brief_person_pdf": "PDF of brief_person",
    "handover_brief_pdf": "PDF of handover_brief",
    # Background PDFs: a GET queues a job (a write); the job's pages need a worker's
    # result (briefs/tests, jobs/tests).
    "brief_prepare": "queues a background job",
    "brief_prepared": "the state of a background job",
    "brief_prepared_pdf": "a background job's PDF",
    # The API's interactive documentation: a static page of the schema (no query).
    "api-v1:openapi-view": "Swagger page, no data",
    # ninja's name for the API's root, for reverse() only: no view behind it (404).
    "api-v1:api-root": "no view",
    # The JSON 404 for any other path under /api/v1/ (a route with no name).
    "<unnamed: api/v1/^.*$>": "answers 404 for anything else",
}

# --------------------------------------------------------------------------------------
# The pinned counts. A change fails with both numbers: a new query is fine if it is
# deliberate; then update the number here (see docs/architecture.md, "Query counts").
# --------------------------------------------------------------------------------------

QUERIES: dict[str, int] = {
    # Pages (PAGES above), as the persona each is for.
    "home": 11,
    "healthz": 4,
    "bearer_list": 9,
    "bearer_detail": 50,
    "person_list": 9,
    "person_detail": 21,
    "interaction_list": 13,
    "interaction_create": 18,
    "interaction_detail": 25,
    "interaction_edit": 23,
    "concern_list": 15,
    "concern_figures": 11,
    "concern_create": 12,
    "concern_detail": 19,
    "concern_edit": 19,
    "concern_status": 7,
    "representation_create": 10,
    "concern_response_create": 9,
    "concern_source_create": 7,
    "concern_follow_up_create": 8,
    "representation_edit": 16,
    "concern_response_edit": 13,
    "access_overview": 22,
    "acceptance_list": 11,
    "acceptance_create": 10,
    "acceptance_detail": 14,
    "acceptance_edit": 16,
    "passage_list": 11,
    "passage_create": 11,
    "passage_detail": 15,
    "passage_edit": 17,
    "access_constraint_list": 11,
    "access_constraint_create": 11,
    "access_constraint_detail": 10,
    "access_constraint_edit": 17,
    "security_incident_list": 12,
    "security_incident_create": 11,
    "security_incident_detail": 11,
    "security_incident_edit": 18,
    "commitment_list": 14,
    "commitment_figures": 10,
    "commitment_create": 14,
    "commitment_detail": 17,
    "commitment_edit": 18,
    "signatory_create": 9,
    "compliance_create": 10,
    "signatory_edit": 14,
    "compliance_edit": 20,
    "session_list": 14,
    "session_figures": 19,
    "session_create": 15,
    "session_detail": 15,
    "session_edit": 23,
    "integration_overview": 11,
    "assessment_create": 6,
    "assessment_detail": 12,
    "assessment_edit": 19,
    "assessment_history": 11,
    "assessment_history_pillar": 11,
    "audit_log": 9,
    "import_list": 7,
    "import_detail": 6,
    "import_upload": 5,
    "review_list": 7,
    "review_detail": 9,
    "law_assistant": 5,
    "negotiation_file_list": 10,
    "negotiation_file_create": 14,
    "negotiation_file_detail": 26,
    "negotiation_file_edit": 19,
    "negotiation_file_print": 23,
    "negotiation_version_list": 10,
    "negotiation_version_diff": 14,
    "negotiation_version_detail": 13,
    "negotiation_item_create": 7,
    "negotiation_item_edit": 11,
    "brief_bearer": 34,
    "brief_person": 26,
    "handover_list": 9,
    "handover_create": 10,
    "continuity": 14,
    "handover_detail": 25,
    "handover_brief": 22,
    "engagement_plan": 22,
    "map": 12,
    "bearer_map": 12,
    "map_areas_json": 11,
    "map_passages_json": 9,
    "map_incidents_json": 9,
    "map_events_json": 9,
    "area_create": 10,
    "area_detail": 12,
    "area_edit": 16,
    "dashboard": 28,
    "dashboard_headquarters": 32,
    "networks_bearer": 19,
    "search": 12,
    "api-v1:openapi-json": 3,
    # The same as the headquarters analyst, over every compartment.
    "acceptance_list[hana]": 11,
    "access_constraint_list[hana]": 11,
    "bearer_detail[hana]": 50,
    "commitment_list[hana]": 14,
    "concern_list[hana]": 15,
    "handover_list[hana]": 9,
    "integration_overview[hana]": 11,
    "interaction_list[hana]": 13,
    "map_areas_json[hana]": 11,
    "negotiation_file_list[hana]": 10,
    "passage_list[hana]": 11,
    "person_detail[hana]": 21,
    "person_list[hana]": 9,
    "search[hana]": 13,
    "security_incident_list[hana]": 12,
    "session_list[hana]": 14,
    # Exports (CSV) of every list and every dashboard chart.
    "dashboard_export[access-bearer]": 15,
    "dashboard_export[access-time]": 14,
    "dashboard_export[commitments]": 10,
    "dashboard_export[concerns]": 13,
    "dashboard_export[continuity]": 14,
    "dashboard_export[coverage]": 14,
    "dashboard_export[integration]": 10,
    "dashboard_export[reach]": 10,
    "dashboard_headquarters_export[access-bearer]": 15,
    "dashboard_headquarters_export[access-time]": 14,
    "dashboard_headquarters_export[commitments]": 9,
    "dashboard_headquarters_export[concerns]": 13,
    "dashboard_headquarters_export[continuity]": 18,
    "dashboard_headquarters_export[coverage]": 14,
    "dashboard_headquarters_export[global]": 18,
    "dashboard_headquarters_export[integration]": 9,
    "dashboard_headquarters_export[reach]": 9,
    "export_list[acceptance]": 10,
    "export_list[admin-areas]": 11,
    "export_list[areas-of-control]": 10,
    "export_list[bearers]": 11,
    "export_list[commitments]": 11,
    "export_list[concerns]": 12,
    "export_list[constraints]": 10,
    "export_list[handovers]": 10,
    "export_list[imports]": 10,
    "export_list[incidents]": 11,
    "export_list[integration]": 12,
    "export_list[interactions]": 12,
    "export_list[negotiation-files]": 13,
    "export_list[passages]": 10,
    "export_list[people]": 10,
    "export_list[review]": 10,
    "export_list[sessions]": 12,
    # The API, as alice with a read token: 3 queries to know the caller (the token with
    # its owner, her postings, her grants), the rows, 1 for the users a restricted row
    # names, 1 per link an output shows, 3 to audit what a compartment record showed.
    "api:get_acceptanceassessment": 8,
    "api:get_accessconstraint": 8,
    "api:get_admin_area_boundary": 4,
    "api:get_adminarea": 5,
    "api:get_areaofcontrol": 8,
    "api:get_bearername": 5,
    "api:get_bearerrelation": 5,
    "api:get_bottomline": 8,
    "api:get_checkpointpassage": 8,
    "api:get_commitment": 10,
    "api:get_complianceobservation": 11,
    "api:get_concern": 9,
    "api:get_concernfollowup": 8,
    "api:get_concernsource": 8,
    "api:get_concernstatuschange": 8,
    "api:get_contextevent": 5,
    "api:get_contexteventactor": 5,
    "api:get_country": 5,
    "api:get_disseminationsession": 13,
    "api:get_externalid": 5,
    "api:get_followup": 8,
    "api:get_handover": 8,
    "api:get_icebergentry": 8,
    "api:get_importrun": 5,
    "api:get_integrationassessment": 10,
    "api:get_interaction": 12,
    "api:get_introduction": 8,
    "api:get_islanditem": 8,
    "api:get_negotiation_version_content": 10,
    "api:get_negotiationfile": 10,
    "api:get_negotiationversion": 8,
    "api:get_person": 8,
    "api:get_personname": 8,
    "api:get_populationfigure": 5,
    "api:get_position": 8,
    "api:get_redline": 8,
    "api:get_relationship": 8,
    "api:get_representation": 10,
    "api:get_response": 8,
    "api:get_reviewitem": 5,
    "api:get_scenario": 8,
    "api:get_securityincident": 9,
    "api:get_signatory": 8,
    "api:get_situation": 6,
    "api:get_situationparty": 5,
    "api:get_stakeholder": 8,
    "api:get_stakeholderlink": 8,
    "api:get_topic": 5,
    "api:get_unit": 5,
    "api:get_weaponbearer": 6,
    "api:list_acceptance_assessments": 8,
    "api:list_access_constraints": 8,
    "api:list_admin_areas": 5,
    "api:list_areas_of_control": 8,
    "api:list_bearer_names": 5,
    "api:list_bearer_relations": 5,
    "api:list_bearers": 6,
    "api:list_checkpoint_passages": 8,
    "api:list_commitments": 10,
    "api:list_compliance_observations": 11,
    "api:list_concern_follow_ups": 8,
    "api:list_concern_responses": 8,
    "api:list_concern_sources": 8,
    "api:list_concern_status_changes": 8,
    "api:list_concerns": 9,
    "api:list_context_event_actors": 5,
    "api:list_context_events": 5,
    "api:list_countries": 5,
    "api:list_external_ids": 5,
    "api:list_follow_ups": 8,
    "api:list_handover_introductions": 8,
    "api:list_handovers": 8,
    "api:list_import_runs": 5,
    "api:list_integration_assessments": 10,
    "api:list_interactions": 12,
    "api:list_negotiation_bottom_lines": 8,
    "api:list_negotiation_files": 10,
    "api:list_negotiation_iceberg_entries": 8,
    "api:list_negotiation_island_items": 8,
    "api:list_negotiation_red_lines": 8,
    "api:list_negotiation_scenarios": 8,
    "api:list_negotiation_stakeholder_links": 8,
    "api:list_negotiation_stakeholders": 9,
    "api:list_negotiation_versions": 8,
    "api:list_people": 8,
    "api:list_person_names": 8,
    "api:list_population_figures": 5,
    "api:list_positions": 8,
    "api:list_relationships": 8,
    "api:list_representations": 10,
    "api:list_review_items": 5,
    "api:list_security_incidents": 9,
    "api:list_sessions": 13,
    "api:list_signatories": 8,
    "api:list_situation_parties": 5,
    "api:list_situations": 6,
    "api:list_topics": 5,
    "api:list_units": 5,
}

# Pages and operations whose count still grows with their rows, each with why. Empty is
# the goal: a page listed here is measured but its growth is not yet a failure.
KNOWN_GROWING: dict[str, str] = {}


# --------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def queue_for_review(world: World, number: int) -> list[ReviewItem]:
    """Import two UCDP actors the matcher is not sure of (as exchange/tests do); the second
    batch copies the first one's items under new keys, in a run of its own."""
    alice = world.alice
    if number == 1:
        make_bearer(alice, name="Supporters of the Awami League", kind="militia")
        make_bearer(
            alice,
            name="East Bengal communists",
            kind="non_state_armed_group",
            names=[{"name": "PBCP", "kind": NameKind.ACRONYM}],
        )
    run = run_import("ucdp-actors", actors_csv(["372", "805"]), f"ucdp-{number}.csv", actor=alice)
    items = list(ReviewItem.objects.filter(run=run).order_by("row_number"))
    if number > 1:
        first = ReviewItem.objects.exclude(run=run).order_by("row_number")
        items = [
            create_record(
                ReviewItem(
                    subject=item.subject,
                    status=item.status,
                    name=item.name,
                    scheme=item.scheme,
                    key=f"{item.key}-{number}",
                    source=item.source,
                    file_name=run.file_name,
                    row_number=item.row_number,
                    run=run,
                    candidates=item.candidates,
                    payload=item.payload,
                ),
                actor=alice,
            )
            for item in first
        ]
    assert len(items) == 2, "the matcher no longer leaves these actors for review"
    return items


def add_batch(world: World, number: int, first: Records | None = None) -> Records:
    """Record one row of every kind a page lists, in Varnia by alice (and a little in
    Kestria by dave); ``number`` keeps the names and keys of each batch apart.

    A later batch adds its own bearers, people, interactions, concerns, files... (so every
    list doubles) and hangs its rows on the ``first`` batch's records too (so every detail
    page, profile and brief of a first-batch record shows twice as many linked rows).
    """
    alice = world.alice
    n = number
    country = Country.objects.get(iso2="AF")
    area = do_create_admin_area(actor=alice, country=country, pcode=f"AF{n:02d}", name=f"Area {n}")
    own_army = make_bearer(alice, name=f"Varnian Armed Forces {n}", countries=[country])
    own_rebels = make_bearer(alice, name=f"Front of the Hills {n}", kind="non_state_armed_group")
    # What this batch's rows are about: the first batch's bearers once there are some.
    army = first["army"] if first else own_army
    rebels = first["rebels"] if first else own_rebels
    do_add_bearer_name(army, actor=alice, name=f"VAF{n}", kind="acronym")
    do_add_external_id(army, actor=alice, scheme="wikidata", value=f"Q{n}")
    do_relate_bearers(own_rebels, "splinter_of", army, actor=alice)
    brigade = make_unit(alice, army, name=f"Brigade {n}", admin_area=area)
    make_unit(alice, own_army, name=f"Battalion {n}")
    colonel = make_person(alice, world.varnia, full_name=f"Col. Idris Maren {n}", bearer=army)
    known = first["colonel"] if first else colonel
    do_add_person_name(known, actor=alice, name=f"Abu Idris {n}")
    do_add_position(known, actor=alice, bearer=own_army, level="strategic", rank=f"General {n}")
    do_create_relationship(known, actor=alice, holder=world.users[("alice", "bob")[n - 1]])
    meeting = make_interaction(
        alice, world.varnia, bearers=[army, rebels], their_participants=[known, colonel]
    )
    talked = first["meeting"] if first else meeting
    follow_up = do_create_follow_up(talked, actor=alice, action=f"Send the rules {n}")
    kestrian = make_person(world.dave, world.kestria, full_name=f"Maj. Vell {n}", bearer=army)
    make_interaction(world.dave, world.kestria, bearers=[army], their_participants=[kestrian])
    session = do_record_session(
        actor=alice,
        compartment=world.varnia,
        kind="briefing",
        bearer=army,
        participants=20,
        held_on=days_ago(20 + n),
        language="en",
        units=[brigade],
        interaction=talked,
    )
    assessment = do_record_assessment(
        actor=alice,
        compartment=world.varnia,
        bearer=army,
        pillar="doctrine",
        level=2,
        evidence=f"The field manual has a chapter on detention ({n}).",
        interactions=[talked, meeting],
        sessions=[session],
    )
    acceptance = do_record_acceptance(
        actor=alice,
        compartment=world.varnia,
        bearer=army,
        status="partly",
        assessed_on=days_ago(30 + n),
    )
    passage = do_record_passage(
        actor=alice,
        compartment=world.varnia,
        bearer=army,
        unit=brigade,
        place_name=f"Bridge checkpoint {n}",
        outcome="incident",
        latitude=Decimal(f"4.3{n}"),
        longitude=Decimal("18.55"),
    )
    constraint = do_record_constraint(
        actor=alice,
        compartment=world.varnia,
        category="movement",
        description=f"Roadblock on the road north ({n}).",
        bearer=army,
    )
    incident = do_record_incident(
        actor=alice,
        compartment=world.varnia,
        kind="threat",
        description=f"A driver was threatened ({n}).",
        bearers=[army, rebels],
        passage=passage,
    )
    add_context(alice, army, n, area)
    concern = open_concern(alice, world.varnia, [army], summary=f"Shelling {n}", opened=20)
    raised = first["concern"] if first else concern
    source = do_add_concern_source(
        raised, actor=alice, kind="witness", reliability="B", credibility="2"
    )
    representation = represent(alice, raised, 10 - n, to_person=colonel)
    response = respond(alice, raised, 5 - n)
    do_schedule_concern_follow_up(raised, actor=alice, action=f"Ask for the inquiry {n}")
    commitment = do_register_commitment(
        actor=alice,
        compartment=world.varnia,
        instrument="security_guarantee",
        title=f"Safe passage for ambulances {n}",
        scope="Ambulances are not stopped.",
        bearers=[army, rebels],
        made_on=days_ago(60),
        interactions=[talked, meeting],
    )
    promised = first["commitment"] if first else commitment
    signatory = do_add_signatory(
        promised, actor=alice, capacity="military", bearer=army, person=colonel
    )
    compliance = do_record_compliance(
        promised,
        actor=alice,
        observed_on=days_ago(40 + n),
        assessment="breached",
        note="An ambulance was stopped at the bridge.",
        concerns=[concern],
        passages=[passage],
    )
    review_items = queue_for_review(world, n)
    area_of_control = draw(alice, world.varnia, army, box(18 + n, 4, 19 + n, 5), country="CF")
    file = do_open_file(
        actor=alice,
        compartment=world.varnia,
        bearer=army,
        title=f"Access to Orun camp {n}",
        objective="Visit every detainee.",
        counterparts=[known, colonel],
        interactions=[talked, meeting],
    )
    add = functools.partial(do_add_to_file, first["file"] if first else file, actor=alice)
    island = add(IslandItem, kind="fact", agreed=True, text=f"Twelve are held ({n}).")
    add(IcebergEntry, side="counterpart", layer="motive", text=f"Fear of reprisals ({n}).")
    elder = add(Stakeholder, name=f"Elder of Orun {n}", influence=3)
    insider = add(Stakeholder, person=colonel, proximity=1)
    add(StakeholderLink, source=elder, target=insider, strength=2)
    add(RedLine, text=f"No armed escort ({n}).")
    add(BottomLine, text=f"A first visit within a month ({n}).")
    add(Scenario, text=f"One block only ({n}).", costs="Others unseen.", likelihood="high")
    handover = first["handover"] if first else None
    if handover is None:
        handover = do_prepare_handover(
            actor=world.carol,
            delegation=world.varnia,
            outgoing=alice,
            successor=world.bob,
            effective_on=timezone.localdate() + datetime.timedelta(days=30),
            note="See the colonel first.",
        )
    else:
        do_prepare_handover(
            actor=world.carol,
            delegation=world.varnia,
            outgoing=world.carol,
            successor=world.bob,
            effective_on=timezone.localdate() + datetime.timedelta(days=60),
        )
    joint = make_interaction(alice, world.varnia, our_participants=[alice, world.bob])
    do_link_introduction(handover, actor=world.carol, interaction=joint)
    return {
        "army": army,
        "rebels": rebels,
        "colonel": colonel,
        "meeting": meeting,
        "follow_up": follow_up,
        "session": session,
        "assessment": assessment,
        "acceptance": acceptance,
        "passage": passage,
        "constraint": constraint,
        "incident": incident,
        "concern": concern,
        "source": source,
        "representation": representation,
        "response": response,
        "commitment": commitment,
        "signatory": signatory,
        "compliance": compliance,
        "import_run": review_items[0].run,
        "review_item": review_items[0],
        "area": area_of_control,
        "file": file,
        "island": island,
        "handover": handover,
    }


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


@dataclass
class Measure:
    """What one page or operation cost, in each pass."""

    url: str
    statuses: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    queries: list[list[str]] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)


def request(client: Client, url: str) -> tuple[int, list[str], str]:
    """GET a URL through the whole stack; return its status, the SQL it issued (a streamed
    body read to its end inside the count) and its body."""
    with CaptureQueriesContext(connection) as captured:
        response: HttpResponseBase = client.get(url)
        if isinstance(response, StreamingHttpResponse):
            body = b"".join(bytes(chunk) for chunk in response)
        else:
            body = getattr(response, "content", b"")
    sql = [query["sql"] for query in captured.captured_queries]
    return response.status_code, sql, body.decode(errors="replace")


@functools.cache
def openapi_paths() -> dict[str, Any]:
    """The paths of the OpenAPI document the API serves."""
    return dict(api.get_openapi_schema(path_prefix="/api/v1/")["paths"])


def api_operations() -> dict[str, str]:
    """Every GET operation of the API: key ``api:<operationId>`` -> path template."""
    found = {}
    for path, operations in openapi_paths().items():
        for method, operation in operations.items():
            if method == "get":
                found[f"api:{operation['operationId']}"] = path
    return found


def resolve_api_paths(token_client: Client) -> dict[str, str]:
    """Each API operation's URL: a list as it is, a detail with the first row of its list."""
    urls: dict[str, str] = {}
    templates = api_operations()
    lists = {path: key for key, path in templates.items() if "{pk}" not in path}
    for key, path in templates.items():
        if "{pk}" not in path:
            urls[key] = path
            continue
        list_path = path.split("{pk}")[0]
        body = json.loads(token_client.get(list_path).content)
        assert body["items"], f"{lists[list_path]} lists nothing: the world lacks a row"
        urls[key] = path.replace("{pk}", str(body["items"][0]["id"]))
    return urls


@pytest.fixture(scope="module")
def measured(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[dict[str, Measure]]:
    """Build the world, measure every page and operation, double the rows, measure again;
    all in one transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _measure_twice()
        transaction.set_rollback(True)


def _measure_twice() -> dict[str, Measure]:
    world = build_world()
    records = add_batch(world, 1)
    clients: dict[str, Client] = {}
    for name in sorted({page.user for page in PAGES.values()}):
        clients[name] = Client()
        sign_in(clients[name], world.users[name])
        clients[name].get("/")  # shows (and drops) what sign-in left for the next page
    token = issue_token(world.alice, scope=TokenScope.READ, name="query counts").secret
    token_client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    token_client.get("/api/v1/topics/")  # the token's first use is noted once
    # A running server knows every content type after its first pages: so do we, or a
    # page's count would depend on which pages this process served before.
    ContentType.objects.get_for_models(*django_apps.get_models())
    plan: dict[str, tuple[Client, str]] = {}
    for name, page in PAGES.items():
        url = reverse(page.route or name, kwargs=page.args(records))
        plan[name] = (clients[page.user], url + (f"?{page.query}" if page.query else ""))
    for key, url in resolve_api_paths(token_client).items():
        plan[key] = (token_client, url)
    results = {key: Measure(url) for key, (_, url) in plan.items()}
    # Writes that come on a clock or a counter, not with the page, stay out of the counts
    # however long the passes take: a session's last activity and a token's last use
    # (rewritten once a minute), and the audit checkpoint signed every 1000 events.
    with (
        mock.patch.object(middleware, "ACTIVITY_RESOLUTION_SECONDS", 10**9),
        mock.patch.object(tokens, "LAST_USED_RESOLUTION", datetime.timedelta(days=365)),
        override_settings(AUDIT_CHECKPOINT_EVERY=10**9),
    ):
        for batch in (1, 2):
            if batch == 2:
                add_batch(world, 2, records)
            # The dashboards keep figures per delegation, counted again after a change
            # (dashboards/kept.py): a view after the first one is what is pinned.
            figures.charts(figures.Scope(world.hana))
            for key, (client, url) in plan.items():
                status, sql, body = request(client, url)
                results[key].bodies.append(body)
                results[key].statuses.append(status)
                results[key].counts.append(len(sql))
                results[key].queries.append(sql)
    if os.environ.get("POURPARLER_PRINT_QUERY_COUNTS"):
        for key, found in sorted(results.items()):
            print(f'    "{key}": {found.counts[0]},  # {found.statuses} {found.counts}')
            if found.counts[0] != found.counts[1]:
                for sql in found.queries:
                    print("\n".join(["---", *sql]))
    return results


# --------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------


def measured_keys() -> list[str]:
    return sorted([*PAGES, *api_operations()])


def route_names(api_routes: set[str] | None = None) -> set[str]:
    """Every named route of the site, the API's operations left to ``api_operations``
    (their paths go to ``api_routes``)."""
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner, prefix + str(entry.pattern))
                continue
            assert isinstance(entry, URLPattern)
            if getattr(entry.callback, "__module__", "") == "ninja.operation":
                if api_routes is not None:
                    api_routes.add(f"/{prefix}{entry.pattern}")
                continue
            names.add(f"{namespace}{entry.name or f'<unnamed: {prefix}{entry.pattern}>'}")

    walk(get_resolver(), "", "")
    return names


def test_every_route_is_measured_or_exempt() -> None:
    api_routes: set[str] = set()
    routes = route_names(api_routes)
    documented = {path.replace("{pk}", "<pk>") for path in openapi_paths()}
    assert api_routes and api_routes <= documented, (
        f"API routes outside the OpenAPI schema escape the count: {api_routes - documented}"
    )
    pages = {page.route or key for key, page in PAGES.items()}
    missing = sorted(routes - pages - set(EXEMPT))
    assert not missing, (
        f"Routes neither measured nor exempt: {missing}. Add a Page to PAGES in "
        "core/tests/test_query_counts.py (and pin its count), or list it in EXEMPT with why."
    )
    stale = sorted((pages | set(EXEMPT)) - routes)
    assert not stale, f"PAGES or EXEMPT name routes that no longer exist: {stale}"
    unpinned = sorted(set(measured_keys()) - set(QUERIES))
    assert not unpinned, f"Measured but not pinned in QUERIES: {unpinned}"
    assert not set(QUERIES) - set(measured_keys()), "QUERIES pins what is not measured"


@pytest.mark.parametrize("key", measured_keys())
def test_answers_and_costs_what_is_pinned(key: str, measured: dict[str, Measure]) -> None:
    found = measured[key]
    expected = PAGES[key].status if key in PAGES else 200
    assert found.statuses == [expected, expected], (
        f"{key} ({found.url}) answered {found.statuses}, expected {expected}"
    )
    first, second = found.counts
    if key not in KNOWN_GROWING:
        assert first == second, (
            f"{key} ({found.url}) costs {first} queries with one batch of rows and {second} "
            "with two: a query per row (N+1). Fetch the related rows with select_related or "
            "a Prefetch over visible_to. The queries with two batches:\n"
            + "\n".join(found.queries[1])
        )
    assert first == QUERIES.get(key), (
        f"{key} ({found.url}) costs {first} queries, pinned at {QUERIES.get(key)}: a new "
        "query is fine if deliberate: update QUERIES in core/tests/test_query_counts.py."
    )


# What the second batch adds to a page: proof that the world doubles what the pages show
# (lists) and what a first-batch record's page links to (details), so an equal count means
# the page does not pay per row.
SECOND_BATCH_SHOWS = {
    "bearer_list": "Varnian Armed Forces 2",
    "bearer_detail": "Brigade 2",
    "person_list": "Col. Idris Maren 2",
    "person_detail": "Abu Idris 2",
    "interaction_detail": "Send the rules 2",
    "concern_list": "Shelling 2",
    "concern_detail": "Ask for the inquiry 2",
    "passage_list": "Bridge checkpoint 2",
    "commitment_list": "Safe passage for ambulances 2",
    "negotiation_file_list": "Access to Orun camp 2",
    "negotiation_file_detail": "Elder of Orun 2",
    "brief_bearer": "Brigade 2",
    "api:list_bearers": "Varnian Armed Forces 2",
    "api:list_people": "Col. Idris Maren 2",
    "api:list_negotiation_stakeholders": "Elder of Orun 2",
    "search": "Col. Idris Maren 2",
    "export_list[bearers]": "Varnian Armed Forces 2",
}


@pytest.mark.parametrize("key", sorted(SECOND_BATCH_SHOWS))
def test_the_second_batch_shows_where_it_should(key: str, measured: dict[str, Measure]) -> None:
    marker = SECOND_BATCH_SHOWS[key]
    first, second = measured[key].bodies
    assert marker not in first and marker in second, f"{key}: {marker!r} not added"
