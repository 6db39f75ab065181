"""The generated world: delegations, staff, the bearer registry, people, the dialogue and
what comes of it, and the audit trail of ten years of use.

Everything is drawn from one seed: each phase has its own random generator
(``random.Random("<seed>:<phase>")``) and ids are UUIDv7 made from the record's own time
and seeded random bits, so the same seed, scale and end date give the same rows.
Activity is skewed as in real life: bearers and delegations follow a power law (a few
bearers get most contacts), and recent years are denser than early ones.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import gc
import itertools
import json
import math
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from pourparler.access.choices import (
    AcceptanceStatus,
    ConstraintCategory,
    ConstraintEffect,
    IncidentKind,
    PassageOutcome,
    Severity,
)
from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.bearers.choices import (
    BearerKind,
    Echelon,
    IdScheme,
    Level,
    NameKind,
    OrganisationLevel,
    RelationKind,
    Structure,
    TerritorialControl,
)
from pourparler.bearers.models import BearerName, BearerRelation, ExternalId, Unit, WeaponBearer
from pourparler.commitments.choices import Capacity, Compliance, Disclosure, Instrument
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.concerns.choices import (
    ApplicableLaw,
    ConcernStatus,
    InformationCredibility,
    RepresentationMode,
    ResponseKind,
    SourceKind,
    SourceReliability,
)
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
from pourparler.core import audit, crypto
from pourparler.core.audit import EVENT_FIELDS, hash_of_canonical_json
from pourparler.core.choices import Role
from pourparler.core.models import (
    AuditCheckpoint,
    AuditEvent,
    AuditHead,
    Delegation,
    Membership,
    User,
)
from pourparler.core.text import search_blob
from pourparler.dialogue.choices import (
    Confidentiality,
    FollowUpStatus,
    InteractionKind,
    LegalFramework,
    Situation,
)
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.generate import texts
from pourparler.generate.scales import Scale
from pourparler.generate.writer import BulkWriter, Row
from pourparler.geo.models import AdminArea, Country
from pourparler.integration.choices import Pillar
from pourparler.integration.models import IntegrationAssessment
from pourparler.negotiation.choices import FileStatus, IslandKind, Layer, Likelihood, Side
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.people.choices import Strength
from pourparler.people.models import Person, PersonName, Position, Relationship
from pourparler.training.choices import SessionKind
from pourparler.training.models import DisseminationSession

# The password every generated account shares unless one is given (a bench database
# only: never a real one). Not stored anywhere but in this line.
BENCH_PASSWORD = "bench-pourparler-not-secret"  # noqa: S105 - a documented bench password
YEARS = 10
# Parents written per block, their links and children with them.
BLOCK = 20_000
# ISO 3166-1 user-assigned codes: fictional countries, never a real one.
USER_ASSIGNED = [f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + [
    f"Q{c}" for c in "MNOPQRSTUVWXYZ"
]
# The record kinds a run writes; ``pourparler generate`` refuses a database holding any.
GENERATED_MODELS: tuple[type[models.Model], ...] = (
    Delegation,
    Membership,
    AdminArea,
    WeaponBearer,
    BearerName,
    ExternalId,
    BearerRelation,
    Unit,
    Person,
    PersonName,
    Position,
    Relationship,
    Interaction,
    FollowUp,
    Concern,
    ConcernSource,
    Representation,
    Response,
    ConcernStatusChange,
    ConcernFollowUp,
    AcceptanceAssessment,
    CheckpointPassage,
    SecurityIncident,
    AccessConstraint,
    Commitment,
    Signatory,
    ComplianceObservation,
    DisseminationSession,
    NegotiationFile,
    IslandItem,
    IcebergEntry,
    Stakeholder,
    StakeholderLink,
    RedLine,
    BottomLine,
    Scenario,
    IntegrationAssessment,
)

# Choice values, computed once (``Enum.values`` builds a new list on every call).
ACCEPTANCESTATUS_VALUES: tuple[str, ...] = tuple(AcceptanceStatus.values)
APPLICABLELAW_VALUES: tuple[str, ...] = tuple(ApplicableLaw.values)
CAPACITY_VALUES: tuple[str, ...] = tuple(Capacity.values)
CONFIDENTIALITY_VALUES: tuple[str, ...] = tuple(Confidentiality.values)
CONSTRAINTCATEGORY_VALUES: tuple[str, ...] = tuple(ConstraintCategory.values)
CONSTRAINTEFFECT_VALUES: tuple[str, ...] = tuple(ConstraintEffect.values)
DISCLOSURE_VALUES: tuple[str, ...] = tuple(Disclosure.values)
INCIDENTKIND_VALUES: tuple[str, ...] = tuple(IncidentKind.values)
INFORMATIONCREDIBILITY_VALUES: tuple[str, ...] = tuple(InformationCredibility.values)
INSTRUMENT_VALUES: tuple[str, ...] = tuple(Instrument.values)
INTERACTIONKIND_VALUES: tuple[str, ...] = tuple(InteractionKind.values)
ISLANDKIND_VALUES: tuple[str, ...] = tuple(IslandKind.values)
LEGALFRAMEWORK_VALUES: tuple[str, ...] = tuple(LegalFramework.values)
LEVEL_VALUES: tuple[str, ...] = tuple(Level.values)
PASSAGEOUTCOME_VALUES: tuple[str, ...] = tuple(PassageOutcome.values)
RELATIONKIND_VALUES: tuple[str, ...] = tuple(RelationKind.values)
REPRESENTATIONMODE_VALUES: tuple[str, ...] = tuple(RepresentationMode.values)
RESPONSEKIND_VALUES: tuple[str, ...] = tuple(ResponseKind.values)
SESSIONKIND_VALUES: tuple[str, ...] = tuple(SessionKind.values)
SEVERITY_VALUES: tuple[str, ...] = tuple(Severity.values)
SITUATION_VALUES: tuple[str, ...] = tuple(Situation.values)
SOURCEKIND_VALUES: tuple[str, ...] = tuple(SourceKind.values)
SOURCERELIABILITY_VALUES: tuple[str, ...] = tuple(SourceReliability.values)
STRENGTH_VALUES: tuple[str, ...] = tuple(Strength.values)
STRUCTURE_VALUES: tuple[str, ...] = tuple(Structure.values)
TERRITORIALCONTROL_VALUES: tuple[str, ...] = tuple(TerritorialControl.values)
SIDE_VALUES: tuple[str, ...] = tuple(Side.values)
LAYER_VALUES: tuple[str, ...] = tuple(Layer.values)
LIKELIHOOD_VALUES: tuple[str, ...] = tuple(Likelihood.values)
PILLAR_VALUES: tuple[str, ...] = tuple(Pillar.values)

# The tables with most rows: their plain indexes are built after the load, not during it.
BIG_MODELS = (
    AuditEvent,
    Interaction,
    FollowUp,
    Person,
    Position,
    Concern,
    ConcernStatusChange,
    ConcernSource,
    Representation,
    CheckpointPassage,
)


class Writer(Protocol):
    """Where progress lines go (a command's stdout)."""

    def write(self, text: str) -> Any: ...


class NotEmpty(Exception):
    """The database already holds records: a generated world needs an empty one."""


@dataclass
class Staff:
    """A generated account and the posting it signs in with."""

    id: uuid.UUID
    username: str
    role: str
    delegation: str


@dataclass
class Place:
    """A delegation's country, its areas and its main language."""

    delegation_id: uuid.UUID
    code: str
    name: str
    language: str
    country_id: uuid.UUID
    areas: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    staff: list[uuid.UUID] = field(default_factory=list)
    bearers: list[uuid.UUID] = field(default_factory=list)
    bearer_cum: list[float] = field(default_factory=list)
    people: list[uuid.UUID] = field(default_factory=list)
    weight: float = 1.0


@dataclass
class BearerInfo:
    id: uuid.UUID
    name: str
    kind: str
    units: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def zipf_weights(n: int, s: float) -> list[float]:
    """Weights 1/k^s for k = 1..n: a power law where the first few take most."""
    return [1.0 / (k**s) for k in range(1, n + 1)]


def cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def pick(rng: random.Random, items: Sequence[Any], cum: Sequence[float]) -> Any:
    """Draw one item with the cumulative weights ``cum``."""
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


def poisson_like(rng: random.Random, mean: float) -> int:
    """A small count with the given mean (whole part, plus one with the fraction's odds)."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


class WorldGenerator:
    """Builds the world phase by phase into an empty database."""

    def __init__(
        self,
        scale: Scale,
        *,
        seed: int,
        until: datetime.date,
        writer: BulkWriter,
        password: str = BENCH_PASSWORD,
        out: Writer | None = None,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.writer = writer
        self.password = password
        self.out = out
        # The evening of the last day, but never later than now (no record from the future).
        self.end = min(
            datetime.datetime.combine(until, datetime.time(18, 0), tzinfo=datetime.UTC),
            datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0),
        )
        self.start = self.end - datetime.timedelta(days=365 * YEARS)
        self.span = (self.end - self.start).total_seconds()
        self.places: list[Place] = []
        self.hq_id: uuid.UUID | None = None
        self.staff: list[Staff] = []
        self.hq_staff: list[uuid.UUID] = []
        self.bearers: dict[uuid.UUID, BearerInfo] = {}
        self.topics: list[tuple[uuid.UUID, str]] = []
        # Per delegation: the ids of its interactions, people and concerns (for the audit trail).
        self.interactions: dict[int, list[tuple[uuid.UUID, datetime.datetime]]] = defaultdict(list)
        self.person_bearers: dict[tuple[int, uuid.UUID], list[uuid.UUID]] = defaultdict(list)
        self.concerns: dict[int, list[uuid.UUID]] = defaultdict(list)
        self.passages: dict[int, list[tuple[uuid.UUID, uuid.UUID]]] = defaultdict(list)

    # -- helpers -------------------------------------------------------------------------

    def rng(self, phase: str) -> random.Random:
        return random.Random(f"{self.seed}:{phase}")

    def uid(self, when: datetime.datetime, rng: random.Random) -> uuid.UUID:
        """A UUIDv7 of the record's own time, with seeded random bits."""
        millis = int(when.timestamp() * 1000) & ((1 << 48) - 1)
        rand = rng.getrandbits(74)
        value = millis << 80 | 0x7 << 76 | ((rand >> 62) & 0xFFF) << 64 | 0b10 << 62
        return uuid.UUID(int=value | (rand & ((1 << 62) - 1)))

    def moment(self, rng: random.Random) -> datetime.datetime:
        """A time in the last ten years, denser towards now (density grows linearly)."""
        offset = math.sqrt(rng.random()) * self.span
        return self.start + datetime.timedelta(seconds=offset)

    def after(self, when: datetime.datetime, rng: random.Random, days: float) -> datetime.datetime:
        """A time up to ``days`` after ``when``, never past the end."""
        later = when + datetime.timedelta(seconds=rng.random() * days * 86_400)
        return min(later, self.end)

    def base(
        self,
        rng: random.Random,
        when: datetime.datetime,
        author: uuid.UUID | None,
        compartment: uuid.UUID | None,
        *,
        restricted: bool = False,
        deleted: bool = False,
    ) -> Row:
        """The Record fields of a row made by ``author`` at ``when``."""
        row: Row = {
            "id": self.uid(when, rng),
            "created_at": when,
            "created_by_id": author,
            "updated_at": when,
            "updated_by_id": author,
            "version": 1,
            "deleted_at": None,
            "deleted_by_id": None,
            "compartment_id": compartment,
            "restricted": restricted,
        }
        if deleted:
            gone = self.after(when, rng, 90)
            row.update(deleted_at=gone, deleted_by_id=author, updated_at=gone, version=2)
        return row

    def flags(self, rng: random.Random) -> tuple[bool, bool]:
        """Whether a compartment record is restricted (~5%) and whether it is deleted (~1%)."""
        return rng.random() < self.scale.restricted_share, rng.random() < self.scale.deleted_share

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text + "\n")

    def links(self, model: type[models.Model], name: str) -> tuple[type[models.Model], str, str]:
        """The through model of a many-to-many and its two columns (source, target)."""
        m2m = model._meta.get_field(name)
        through = m2m.remote_field.through  # type: ignore[union-attr]
        return (
            through,
            m2m.m2m_field_name() + "_id",  # type: ignore[union-attr]
            m2m.m2m_reverse_field_name() + "_id",  # type: ignore[union-attr]
        )

    def write_links(
        self, model: type[models.Model], name: str, pairs: Sequence[tuple[Any, Any]]
    ) -> None:
        if not pairs:
            return
        through, source, target = self.links(model, name)
        # Link rows are a third of a world: straight to column values, no dict per row.
        columns = {c.attname: c for c in self.writer.columns(through)}
        first = columns[source].convert or _same
        second = columns[target].convert or _same
        self.writer.write_tuples(
            through, (source, target), ((first(a), second(b)) for a, b in pairs)
        )

    def text(self, rng: random.Random, language: str, topic: str, place: str, who: str) -> str:
        template = rng.choice(texts.SUMMARY[language])
        return template.format(who=who, place=place, topic=texts.TOPIC_WORDS[topic][language])

    # -- the run -------------------------------------------------------------------------

    def run(self) -> None:
        """Refuse a database that holds records, then write every phase."""
        refuse_unless_empty()
        self.topics = list(Topic.objects.order_by("sort_order").values_list("id", "code"))
        if not self.topics:
            raise NotEmpty("The database has no topics: run `pourparler migrate` first.")
        phases = [
            ("delegations and staff", self.delegations_and_staff),
            ("bearer registry", self.registry),
            ("people", self.people),
            ("interactions", self.dialogue),
            ("concerns", self.concerns_phase),
            ("humanitarian access", self.access_phase),
            ("commitments", self.commitments_phase),
            ("training", self.training_phase),
            ("negotiation files", self.negotiation_phase),
            ("integration of the law", self.integration_phase),
            ("audit trail", self.audit_phase),
        ]
        with self.writer.deferred_indexes(BIG_MODELS):
            for label, phase in phases:
                started = time.perf_counter()
                phase()
                self.say(f"  {label}: done in {time.perf_counter() - started:.1f} s")
        self.say(f"  indexes built again in {self.writer.index_seconds:.1f} s")

    # -- delegations, countries and staff -----------------------------------------------

    def delegations_and_staff(self) -> None:
        rng = self.rng("delegations")
        taken_iso2 = set(Country.objects.values_list("iso2", flat=True))
        taken_iso3 = set(Country.objects.values_list("iso3", flat=True))
        codes = [c for c in USER_ASSIGNED if c not in taken_iso2][: self.scale.delegations]
        if len(codes) < self.scale.delegations:
            raise NotEmpty("Too few free user-assigned country codes for the delegations.")
        founded = self.start - datetime.timedelta(days=365)
        hq = self.base(rng, founded, None, None)
        self.hq_id = hq["id"]
        delegations = [{**hq, "name": "Headquarters", "code": "hq", "is_headquarters": True}]
        countries, areas, covers = [], [], []
        names_seen: set[str] = set()
        weights = zipf_weights(len(codes), 0.8)
        for index, iso2 in enumerate(codes):
            name = self.country_name(rng, names_seen)
            iso3 = next(iso2 + c for c in "GHJKLMNPRSTVW" if iso2 + c not in taken_iso3)
            country = {**self.base(rng, founded, None, None), "iso2": iso2, "iso3": iso3}
            country["name"] = name
            countries.append(country)
            delegation = self.base(rng, founded, None, None)
            code = name.lower()
            delegations.append({**delegation, "name": name, "code": code, "is_headquarters": False})
            language = texts.LANGUAGES[index % len(texts.LANGUAGES)]
            place = Place(delegation["id"], code, name, language, country["id"])
            place.weight = weights[index]
            for level1 in range(8):
                area_name = self.place_name(rng)
                area = {
                    **self.base(rng, founded, None, None),
                    "country_id": country["id"],
                    "pcode": f"{iso2}{level1 + 1:02d}",
                    "name": area_name,
                    "level": 1,
                }
                areas.append(area)
                place.areas.append((area["id"], area_name))
            covers.append((delegation["id"], country["id"]))
            self.places.append(place)
        self.writer.write(Country, countries)
        self.writer.write(AdminArea, areas)
        self.writer.write(Delegation, delegations)
        self.write_links(Delegation, "countries", covers)
        self.staff_and_postings(rng, founded)

    def country_name(self, rng: random.Random, seen: set[str]) -> str:
        while True:
            name = "".join(rng.choice(texts.SYLLABLES) for _ in range(rng.choice((2, 3))))
            name = name.capitalize()
            if 5 <= len(name) <= 12 and name not in seen:
                seen.add(name)
                return name

    def place_name(self, rng: random.Random) -> str:
        return "".join(rng.choice(texts.SYLLABLES) for _ in range(2)).capitalize()

    def staff_and_postings(self, rng: random.Random, founded: datetime.datetime) -> None:
        password = make_password(self.password)
        users: list[Row] = []
        postings: list[Row] = []
        starts = (self.end - datetime.timedelta(days=400)).date()

        def account(username: str, role: str, delegation: uuid.UUID, code: str) -> uuid.UUID:
            first, last = rng.choice(texts.GIVEN["en"]), rng.choice(texts.FAMILY["en"])
            user_id = self.uid(founded, rng)
            users.append(
                {
                    "id": user_id,
                    "password": password,
                    "last_login": None,
                    "is_superuser": False,
                    "username": username,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "is_staff": False,
                    "is_active": True,
                    "date_joined": founded,
                }
            )
            posting = self.base(rng, founded, None, None)
            posting.update(
                user_id=user_id, delegation_id=delegation, role=role, starts_on=starts, ends_on=None
            )
            postings.append(posting)
            self.staff.append(Staff(user_id, username, role, code))
            return user_id

        assert self.hq_id is not None
        for n in range(1, self.scale.hq_analysts + 1):
            self.hq_staff.append(account(f"hq.analyst{n}", Role.HQ_ANALYST, self.hq_id, "hq"))
        account("hq.auditor", Role.AUDITOR, self.hq_id, "hq")
        account("hq.admin", Role.ADMINISTRATOR, self.hq_id, "hq")
        total_weight = sum(p.weight for p in self.places)
        for place in self.places:
            place.staff.append(
                account(
                    f"{place.code}.head", Role.HEAD_OF_DELEGATION, place.delegation_id, place.code
                )
            )
            place.staff.append(
                account(
                    f"{place.code}.armed",
                    Role.ARMED_FORCES_SPECIALIST,
                    place.delegation_id,
                    place.code,
                )
            )
            share = place.weight / total_weight * len(self.places)
            delegates = max(2, round(self.scale.staff_per_delegation * min(3.0, share)))
            for n in range(1, delegates + 1):
                place.staff.append(
                    account(
                        f"{place.code}.delegate{n}",
                        Role.FIELD_DELEGATE,
                        place.delegation_id,
                        place.code,
                    )
                )
        # Rotation: some staff held an earlier posting elsewhere, ended before this one.
        earlier_end = starts - datetime.timedelta(days=1)
        for member in self.staff:
            if member.delegation == "hq" or rng.random() > 0.2:
                continue
            other = rng.choice(self.places)
            if other.code == member.delegation:
                continue
            posting = self.base(rng, founded, None, None)
            posting.update(
                user_id=member.id,
                delegation_id=other.delegation_id,
                role=Role.FIELD_DELEGATE,
                starts_on=earlier_end - datetime.timedelta(days=700),
                ends_on=earlier_end,
            )
            postings.append(posting)
        self.writer.write(User, users)
        self.writer.write(Membership, postings)

    # -- the bearer registry ---------------------------------------------------------------

    def registry(self) -> None:
        rng = self.rng("registry")
        founded = self.start
        bearers, names, ids, countries, restricted = [], [], [], [], []
        per_place = self.spread(self.scale.bearers, minimum=3)
        kinds_state = [BearerKind.ARMED_FORCES, BearerKind.POLICE]
        others = [
            (BearerKind.NON_STATE_ARMED_GROUP, 50),
            (BearerKind.MILITIA, 15),
            (BearerKind.GENDARMERIE, 8),
            (BearerKind.OTHER_LAW_ENFORCEMENT, 10),
            (BearerKind.PRIVATE_SECURITY, 7),
            (BearerKind.PEACE_OPERATION, 5),
        ]
        other_kinds = [k for k, _ in others]
        other_cum = cumulative([w for _, w in others])
        external = itertools.count(1001)
        analyst = self.hq_staff[0]
        for place, count in zip(self.places, per_place, strict=True):
            for n in range(count):
                # Every country: its armed forces, its police and at least one armed group.
                kind: str
                if n < 2:
                    kind = kinds_state[n]
                elif n == 2:
                    kind = BearerKind.NON_STATE_ARMED_GROUP
                else:
                    kind = pick(rng, other_kinds, other_cum)
                area = rng.choice(place.areas)[1]
                language = place.language
                template = texts.BEARER_NAME[kind]
                fill = {
                    "country": place.name,
                    "country_ar": texts.arabic_script(place.name),
                    "place": area,
                    "place_ar": texts.arabic_script(area),
                }
                official = template["en" if language == "ar" else language].format(**fill)
                if kind in (BearerKind.NON_STATE_ARMED_GROUP, BearerKind.MILITIA):
                    official = f"{official} ({texts.ordinal(n)})" if n > 5 else official
                is_restricted = rng.random() < 0.01
                row = self.base(rng, founded, analyst, None, restricted=is_restricted)
                state = kind in kinds_state or kind in (
                    BearerKind.GENDARMERIE,
                    BearerKind.OTHER_LAW_ENFORCEMENT,
                )
                row.update(
                    name=official,
                    kind=kind,
                    description="",
                    organisation_level=OrganisationLevel.STATE
                    if state
                    else OrganisationLevel.FORMAL_GROUP,
                    structure=Structure.INTEGRATED if state else rng.choice(STRUCTURE_VALUES),
                    leadership="",
                    territorial_control=TerritorialControl.STATE
                    if state
                    else rng.choice(TERRITORIALCONTROL_VALUES),
                    community_ties="",
                    external_support="",
                )
                aliases = self.bearer_names(rng, row, template, fill, language, official)
                row["search_text"] = search_blob(
                    [
                        official,
                        *[a["name"] for a in aliases],
                        *[a["transliteration"] for a in aliases],
                    ]
                )
                bearers.append(row)
                names.extend(aliases)
                countries.append((row["id"], place.country_id))
                if kind == BearerKind.NON_STATE_ARMED_GROUP and rng.random() < 0.3:
                    neighbour = rng.choice(self.places)
                    if neighbour is not place:
                        countries.append((row["id"], neighbour.country_id))
                if is_restricted:
                    restricted.append((row["id"], analyst))
                for scheme in (IdScheme.UCDP_ACTOR, IdScheme.ACLED_ACTOR, IdScheme.WIKIDATA):
                    if rng.random() < self.scale.external_ids_per_bearer / 2:
                        value = str(next(external))
                        if scheme == IdScheme.WIKIDATA:
                            value = f"Q{value}"
                        ids.append(
                            {
                                **self.base(rng, founded, analyst, None),
                                "bearer_id": row["id"],
                                "scheme": scheme,
                                "value": value,
                            }
                        )
                self.bearers[row["id"]] = BearerInfo(row["id"], official, kind)
                place.bearers.append(row["id"])
            # Power law inside the delegation: the first bearers get most contacts.
            place.bearer_cum = cumulative(zipf_weights(len(place.bearers), 1.1))
        relations = []
        for place in self.places:
            # The police supported by the armed forces; groups splitting and allying.
            pairs: list[tuple[uuid.UUID, str, uuid.UUID]] = [
                (place.bearers[1], RelationKind.SUPPORTED_BY, place.bearers[0])
            ]
            for subject in place.bearers[2:]:
                if rng.random() < self.scale.relations_per_bearer:
                    other = rng.choice([b for b in place.bearers if b != subject])
                    pairs.append((subject, rng.choice(RELATIONKIND_VALUES), other))
            for subject, relation, other in pairs:
                row = self.base(rng, founded, analyst, None)
                row.update(
                    subject_id=subject,
                    other_id=other,
                    kind=relation,
                    since=self.moment(rng).date(),
                    until=None,
                )
                relations.append(row)
        self.writer.write(WeaponBearer, bearers)
        self.write_links(WeaponBearer, "countries", countries)
        self.write_links(WeaponBearer, "restricted_to", restricted)
        self.writer.write(BearerName, names)
        self.writer.write(ExternalId, ids)
        self.writer.write(BearerRelation, relations)
        self.units(rng, analyst)

    def bearer_names(
        self,
        rng: random.Random,
        bearer: Row,
        template: dict[str, str],
        fill: dict[str, str],
        language: str,
        official: str,
    ) -> list[Row]:
        founded = bearer["created_at"]
        rows = []

        def add(name: str, kind: str, lang: str, script: str, translit: str = "") -> None:
            row = self.base(rng, founded, bearer["created_by_id"], None)
            row.update(
                bearer_id=bearer["id"],
                name=name[:300],
                kind=kind,
                language=lang,
                script=script,
                transliteration=translit[:300],
            )
            rows.append(row)

        add(official, NameKind.OFFICIAL, "en" if language == "ar" else language, "Latn")
        if language == "ar" or rng.random() < 0.4:
            add(template["ar"].format(**fill), NameKind.TRANSLATION, "ar", "Arab", official)
        acronym = "".join(w[0] for w in official.split() if w[:1].isupper())
        if len(acronym) >= 2:
            add(acronym, NameKind.ACRONYM, "", "Latn")
        if rng.random() < 0.3:
            other = "fr" if language != "fr" else "es"
            add(template[other].format(**fill), NameKind.TRANSLATION, other, "Latn")
        return rows

    def spread(self, total: int, *, minimum: int = 0) -> list[int]:
        """Share ``total`` between the delegations by their weights (a power law), each
        getting at least ``minimum``; the counts add up to ``total`` (or to the minimums)."""
        weights = [p.weight for p in self.places]
        whole = sum(weights)
        remaining = max(0, total - minimum * len(weights))
        counts = [minimum + int(remaining * w / whole) for w in weights]
        # Hand out what rounding left to the largest delegations, in order.
        for i in itertools.cycle(range(len(counts))):
            if sum(counts) >= max(total, minimum * len(weights)):
                break
            counts[i] += 1
        return counts

    def units(self, rng: random.Random, analyst: uuid.UUID) -> None:
        bearer_ids = list(self.bearers)
        # Big bearers (the first of each delegation: armed forces) have many more units.
        weights = []
        for place in self.places:
            weights.extend(zipf_weights(len(place.bearers), 1.0))
        whole = sum(weights)
        rows: list[Row] = []
        echelons = [
            (Echelon.HEADQUARTERS, Level.STRATEGIC),
            (Echelon.DIVISION, Level.OPERATIONAL),
            (Echelon.BRIGADE, Level.OPERATIONAL),
            (Echelon.BATTALION, Level.TACTICAL),
        ]
        area_of = {b: p for p in self.places for b in p.bearers}
        for bearer_id, weight in zip(bearer_ids, weights, strict=True):
            info = self.bearers[bearer_id]
            count = max(1, round(self.scale.units * weight / whole))
            place = area_of[bearer_id]
            police = info.kind in (BearerKind.POLICE, BearerKind.GENDARMERIE)
            parents: list[uuid.UUID] = []
            layer: list[tuple[uuid.UUID, int]] = []
            made = 0
            depth = 0
            while made < count:
                echelon, level = echelons[min(depth, 3)]
                if police and depth >= 2:
                    echelon = Echelon.STATION
                if info.kind in (BearerKind.NON_STATE_ARMED_GROUP, BearerKind.MILITIA) and depth:
                    echelon = Echelon.OTHER
                width = 1 if depth == 0 else max(1, len(parents) * 3)
                layer = []
                for n in range(1, width + 1):
                    if made >= count:
                        break
                    area_id, area_name = rng.choice(place.areas)
                    name = texts.UNIT_NAMES[echelon].format(n=texts.ordinal(n), place=area_name)
                    row = self.base(rng, self.start, analyst, None)
                    row.update(
                        bearer_id=bearer_id,
                        parent_id=parents[(n - 1) % len(parents)] if parents else None,
                        name=name,
                        echelon=echelon,
                        level=level,
                        location=area_name,
                        admin_area_id=area_id,
                    )
                    rows.append(row)
                    info.units.append((row["id"], level))
                    layer.append((row["id"], n))
                    made += 1
                parents = [u for u, _ in layer]
                depth += 1
        self.writer.write(Unit, rows, total=len(rows))

    # -- people ------------------------------------------------------------------------------

    def person_name(self, rng: random.Random, language: str) -> tuple[str, str, str]:
        """(name as staff write it, name in its own script or a nom de guerre, script)."""
        if language == "ar":
            given, given_ar = rng.choice(texts.ARABIC_GIVEN)
            family, family_ar = rng.choice(texts.ARABIC_FAMILY)
            return f"{given} {family}", f"{given_ar} {family_ar}", "Arab"
        given, family = rng.choice(texts.GIVEN[language]), rng.choice(texts.FAMILY[language])
        return f"{given} {family}", f"{given} « {rng.choice(texts.FAMILY[language])} »", "Latn"

    def people(self) -> None:
        rng = self.rng("people")
        per_place = self.spread(self.scale.people, minimum=4)
        persons, names, positions, relationships, restricted = [], [], [], [], []
        for index, (place, count) in enumerate(zip(self.places, per_place, strict=True)):
            for _ in range(count):
                when = self.moment(rng)
                author = rng.choice(place.staff)
                is_restricted, deleted = self.flags(rng)
                row = self.base(
                    rng,
                    when,
                    author,
                    place.delegation_id,
                    restricted=is_restricted,
                    deleted=deleted,
                )
                full, other, script = self.person_name(rng, place.language)
                has_other = (
                    place.language == "ar" or rng.random() < self.scale.person_names_per_person
                )
                row.update(
                    full_name=full,
                    languages=[place.language] + (["en"] if rng.random() < 0.3 else []),
                    notes=rng.choice(
                        ["", texts.NOTES[place.language].format(ref=rng.randrange(10_000))]
                    ),
                    search_tokens=crypto.search_tokens(
                        place.delegation_id, [full, other if has_other else ""]
                    ),
                )
                persons.append(row)
                if is_restricted:
                    restricted.append((row["id"], author))
                if not deleted:
                    place.people.append(row["id"])
                if has_other:
                    name = self.base(rng, when, author, place.delegation_id)
                    name.update(
                        person_id=row["id"],
                        name=other,
                        language=place.language if script == "Arab" else "",
                        script=script,
                        transliteration=full if script == "Arab" else "",
                    )
                    names.append(name)
                for _ in range(max(1, poisson_like(rng, self.scale.positions_per_person))):
                    bearer_id = pick(rng, place.bearers, place.bearer_cum)
                    info = self.bearers[bearer_id]
                    unit_id, level = (
                        rng.choice(info.units)
                        if info.units and rng.random() < 0.8
                        else (None, rng.choice(LEVEL_VALUES))
                    )
                    starts = self.moment(rng).date()
                    position = self.base(rng, when, author, place.delegation_id)
                    position.update(
                        person_id=row["id"],
                        bearer_id=bearer_id,
                        unit_id=unit_id,
                        rank=rng.choice(texts.RANKS[place.language]),
                        role_title=rng.choice(texts.ROLE_TITLES[level]),
                        level=level,
                        starts_on=starts,
                        ends_on=None
                        if rng.random() < 0.7
                        else min(
                            starts + datetime.timedelta(days=rng.randrange(90, 1500)),
                            self.end.date(),
                        ),
                    )
                    positions.append(position)
                    if not deleted and not is_restricted:
                        self.person_bearers[(index, bearer_id)].append(row["id"])
                if rng.random() < self.scale.relationships_per_person:
                    relationship = self.base(rng, when, author, place.delegation_id)
                    relationship.update(
                        person_id=row["id"],
                        holder_id=rng.choice(place.staff),
                        since=when.date(),
                        until=None,
                        strength=rng.choice(STRENGTH_VALUES),
                        notes="",
                    )
                    relationships.append(relationship)
        self.writer.write(Person, persons, total=len(persons))
        self.write_links(Person, "restricted_to", restricted)
        self.writer.write(PersonName, names)
        self.writer.write(Position, positions)
        self.writer.write(Relationship, relationships)

    # -- the dialogue ----------------------------------------------------------------------

    def dialogue(self) -> None:
        rng = self.rng("interactions")
        per_place = self.spread(self.scale.interactions, minimum=10)
        topic_cum = cumulative(zipf_weights(len(self.topics), 0.7))
        kinds = INTERACTIONKIND_VALUES
        kind_cum = cumulative(zipf_weights(len(kinds), 0.9))
        # Made in time order, as they were recorded: ids (UUIDv7, from the time) then
        # go to the end of every index instead of anywhere in it.
        plan = sorted(
            (
                (self.moment(rng), i, p)
                for i, (p, n) in enumerate(zip(self.places, per_place, strict=True))
                for _ in range(n)
            ),
            key=lambda entry: entry[0],
        )
        for start in range(0, len(plan), BLOCK):
            rows: list[Row] = []
            follow_ups: list[Row] = []
            links: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
            for when, index, place in plan[start : start + BLOCK]:
                author = rng.choice(place.staff)
                is_restricted, deleted = self.flags(rng)
                row = self.base(
                    rng,
                    when,
                    author,
                    place.delegation_id,
                    restricted=is_restricted,
                    deleted=deleted,
                )
                bearer_id = pick(rng, place.bearers, place.bearer_cum)
                bearer_ids = {bearer_id}
                if rng.random() < self.scale.bearers_per_interaction - 1:
                    bearer_ids.add(pick(rng, place.bearers, place.bearer_cum))
                topics = {pick(rng, self.topics, topic_cum)}
                if rng.random() < self.scale.topics_per_interaction - 1:
                    topics.add(pick(rng, self.topics, topic_cum))
                topic_code = next(iter(topics))[1]
                area_id, area_name = rng.choice(place.areas)
                met = self.person_bearers.get((index, bearer_id), [])
                counterpart = rng.choice(met) if met else None
                info = self.bearers[bearer_id]
                who = info.name
                summary = self.text(rng, place.language, topic_code, area_name, who)
                kind = pick(rng, kinds, kind_cum)
                row.update(
                    kind=kind,
                    occurred_at=when,
                    level=rng.choice(LEVEL_VALUES),
                    place_name=area_name,
                    latitude=None,
                    longitude=None,
                    admin_area_id=area_id,
                    situation=rng.choice(SITUATION_VALUES),
                    legal_framework=rng.choice(LEGALFRAMEWORK_VALUES),
                    confidentiality=rng.choice(CONFIDENTIALITY_VALUES),
                    summary=summary,
                    notes=texts.NOTES[place.language].format(ref=rng.randrange(100_000))
                    if rng.random() < 0.6
                    else "",
                    outcomes=texts.OUTCOMES[place.language] if rng.random() < 0.4 else "",
                )
                rows.append(row)
                if not deleted:
                    self.interactions[index].append((row["id"], when))
                for b in bearer_ids:
                    links["bearers"].append((row["id"], b))
                for topic_id, _code in topics:
                    links["topics"].append((row["id"], topic_id))
                ours = {author}
                if rng.random() < self.scale.our_participants_per_interaction - 1:
                    ours.add(rng.choice(place.staff))
                links["our_participants"].extend((row["id"], u) for u in ours)
                if counterpart is not None:
                    links["their_participants"].append((row["id"], counterpart))
                    if rng.random() < self.scale.their_participants_per_interaction - 1:
                        other = rng.choice(met)
                        if other != counterpart:
                            links["their_participants"].append((row["id"], other))
                if is_restricted:
                    links["restricted_to"].append((row["id"], author))
                if rng.random() < self.scale.follow_ups_per_interaction:
                    due = self.after(when, rng, 30).date()
                    done = due < self.end.date() - datetime.timedelta(days=30)
                    follow = self.base(rng, when, author, place.delegation_id)
                    follow.update(
                        interaction_id=row["id"],
                        action=rng.choice(texts.ACTIONS[place.language]).format(
                            topic=texts.TOPIC_WORDS[topic_code][place.language], who=who
                        ),
                        owner_id=rng.choice(place.staff),
                        due_on=due,
                        status=FollowUpStatus.DONE if done else FollowUpStatus.OPEN,
                        done_on=due if done else None,
                    )
                    follow_ups.append(follow)
            self.writer.write(Interaction, rows, total=len(plan))
            for name in (
                "bearers",
                "topics",
                "our_participants",
                "their_participants",
                "restricted_to",
            ):
                self.write_links(Interaction, name, links[name])
            self.writer.write(FollowUp, follow_ups)

    # -- concerns ---------------------------------------------------------------------------

    def concerns_phase(self) -> None:
        rng = self.rng("concerns")
        per_place = self.spread(self.scale.concerns, minimum=2)
        rules = ["Common Article 3", "Article 13 AP II", "Principle 9 BPUFF", "Rule 87 CIHL", ""]
        plan = sorted(
            (
                (self.moment(rng), i, p)
                for i, (p, n) in enumerate(zip(self.places, per_place, strict=True))
                for _ in range(n)
            ),
            key=lambda entry: entry[0],
        )
        for start in range(0, len(plan), BLOCK):
            concerns: list[Row] = []
            children: dict[type[models.Model], list[Row]] = defaultdict(list)
            links: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
            made_by: list[tuple[Any, Any]] = []
            for occurred, index, place in plan[start : start + BLOCK]:
                opened = self.after(occurred, rng, 20)
                author = rng.choice(place.staff)
                is_restricted, deleted = self.flags(rng)
                row = self.base(
                    rng,
                    opened,
                    author,
                    place.delegation_id,
                    restricted=is_restricted,
                    deleted=deleted,
                )
                bearer_id = pick(rng, place.bearers, place.bearer_cum)
                topic_id, topic_code = rng.choice(self.topics)
                area_id, area_name = rng.choice(place.areas)
                units = self.bearers[bearer_id].units
                lang = place.language
                topic_words = texts.TOPIC_WORDS[topic_code][lang]
                row.update(
                    summary=texts.CONCERN_SUMMARY[lang].format(topic=topic_words, place=area_name)[
                        :200
                    ],
                    description=texts.CONCERN_DESCRIPTION[lang].format(
                        topic=topic_words, place=area_name, ref=rng.randrange(100_000)
                    ),
                    occurred_on=occurred.date(),
                    date_precision="day",
                    place_name=area_name,
                    admin_area_id=area_id,
                    latitude=None,
                    longitude=None,
                    unit_id=rng.choice(units)[0] if units and rng.random() < 0.4 else None,
                    category_id=topic_id,
                    legal_framework=rng.choice(APPLICABLELAW_VALUES),
                    rule=rng.choice(rules),
                    confidentiality=rng.choice(CONFIDENTIALITY_VALUES),
                    opened_on=opened.date(),
                )
                self.concern_history(rng, row, place, author, children, made_by)
                concerns.append(row)
                if not deleted:
                    self.concerns[index].append(row["id"])
                links["bearers"].append((row["id"], bearer_id))
                if rng.random() < 0.1:
                    other = pick(rng, place.bearers, place.bearer_cum)
                    if other != bearer_id:
                        links["bearers"].append((row["id"], other))
                if is_restricted:
                    links["restricted_to"].append((row["id"], author))
                for _ in range(poisson_like(rng, self.scale.sources_per_concern)):
                    source = self.base(rng, opened, author, place.delegation_id)
                    source.update(
                        concern_id=row["id"],
                        kind=rng.choice(SOURCEKIND_VALUES),
                        reliability=rng.choice(SOURCERELIABILITY_VALUES),
                        credibility=rng.choice(INFORMATIONCREDIBILITY_VALUES),
                        description="",
                        received_on=opened.date(),
                    )
                    children[ConcernSource].append(source)
                if rng.random() < self.scale.concern_follow_ups_per_concern:
                    follow = self.base(rng, opened, author, place.delegation_id)
                    follow.update(
                        concern_id=row["id"],
                        action=rng.choice(texts.ACTIONS[lang]).format(
                            topic=topic_words, who=area_name
                        ),
                        owner_id=author,
                        due_on=self.after(opened, rng, 30).date(),
                        status=FollowUpStatus.OPEN,
                        done_on=None,
                    )
                    children[ConcernFollowUp].append(follow)
            self.writer.write(Concern, concerns, total=len(plan))
            self.write_links(Concern, "bearers", links["bearers"])
            self.write_links(Concern, "restricted_to", links["restricted_to"])
            for model in (
                ConcernSource,
                Representation,
                Response,
                ConcernStatusChange,
                ConcernFollowUp,
            ):
                self.writer.write(model, children[model])
            self.write_links(Representation, "made_by", made_by)

    def concern_history(
        self,
        rng: random.Random,
        concern: Row,
        place: Place,
        author: uuid.UUID,
        children: dict[type[models.Model], list[Row]],
        made_by: list[tuple[Any, Any]],
    ) -> None:
        """Representations, responses and status moves, with the concern's status to match."""
        opened: datetime.datetime = concern["created_at"]
        compartment = place.delegation_id
        status: str = ConcernStatus.OPEN
        status_on = opened.date()
        concern.update(raised_on=None, raised_level="", responded_on=None, addressed_on=None)

        def move(to: str, on: datetime.date) -> None:
            nonlocal status, status_on
            change = self.base(rng, opened, author, compartment)
            change.update(
                concern_id=concern["id"], from_status=status, to_status=to, changed_on=on, note=""
            )
            children[ConcernStatusChange].append(change)
            status, status_on = to, on

        if rng.random() < 0.8:
            made = self.after(opened, rng, 30)
            level = rng.choice(LEVEL_VALUES)
            representation = self.base(rng, made, author, compartment)
            representation.update(
                concern_id=concern["id"],
                made_on=made.date(),
                mode=rng.choice(REPRESENTATIONMODE_VALUES),
                level=level,
                to_person_id=None,
                to_whom="",
                content=concern["summary"],
                interaction_id=None,
            )
            children[Representation].append(representation)
            made_by.append((representation["id"], author))
            concern.update(raised_on=made.date(), raised_level=level)
            move(ConcernStatus.RAISED, made.date())
            if rng.random() < 0.6:
                answered = self.after(made, rng, 60)
                kind = rng.choice([k for k in RESPONSEKIND_VALUES if k != ResponseKind.NO_RESPONSE])
                response = self.base(rng, answered, author, compartment)
                response.update(
                    concern_id=concern["id"],
                    representation_id=representation["id"],
                    received_on=answered.date(),
                    kind=kind,
                    mode=rng.choice(REPRESENTATIONMODE_VALUES),
                    from_person_id=None,
                    from_whom="",
                    content="",
                )
                children[Response].append(response)
                concern["responded_on"] = answered.date()
                move(ConcernStatus.RESPONDED, answered.date())
                if rng.random() < 0.5:
                    ended = self.after(answered, rng, 120).date()
                    final = rng.choice(
                        [ConcernStatus.ADDRESSED, ConcernStatus.PERSISTING, ConcernStatus.CLOSED]
                    )
                    if final == ConcernStatus.ADDRESSED:
                        concern["addressed_on"] = ended
                    move(final, ended)
        concern.update(status=status, status_on=status_on)

    # -- humanitarian access -------------------------------------------------------------------

    def access_phase(self) -> None:
        rng = self.rng("access")
        assessments, passages, incidents, constraints = [], [], [], []
        incident_bearers: list[tuple[Any, Any]] = []
        for index, place in enumerate(self.places):
            contacts = self.interactions[index]
            n = len(contacts)
            for _ in range(round(n * self.scale.acceptance_per_interaction) + 1):
                when = self.moment(rng)
                row = self.base(rng, when, rng.choice(place.staff), place.delegation_id)
                row.update(
                    bearer_id=pick(rng, place.bearers, place.bearer_cum),
                    status=rng.choice(ACCEPTANCESTATUS_VALUES),
                    assessed_on=when.date(),
                    interaction_id=None,
                    note="",
                )
                assessments.append(row)
            for _ in range(round(n * self.scale.passages_per_interaction) + 1):
                when = self.moment(rng)
                bearer_id = pick(rng, place.bearers, place.bearer_cum)
                units = self.bearers[bearer_id].units
                outcome = pick(rng, PASSAGEOUTCOME_VALUES, [70, 85, 95, 100])
                area_id, area_name = rng.choice(place.areas)
                row = self.base(rng, when, rng.choice(place.staff), place.delegation_id)
                row.update(
                    admin_area_id=area_id,
                    latitude=None,
                    longitude=None,
                    place_name=f"Checkpoint {area_name}",
                    bearer_id=bearer_id,
                    unit_id=rng.choice(units)[0] if units and rng.random() < 0.5 else None,
                    occurred_at=when,
                    outcome=outcome,
                    delay_minutes=rng.randrange(5, 240)
                    if outcome == PassageOutcome.DELAYED
                    else None,
                    team_size=rng.randrange(1, 6),
                    vehicle_count=rng.randrange(1, 4),
                    note="",
                )
                passages.append(row)
                self.passages[index].append((row["id"], bearer_id))
                if (
                    outcome == PassageOutcome.INCIDENT
                    or rng.random() < self.scale.incidents_per_passage
                ):
                    incident = self.base(rng, when, row["created_by_id"], place.delegation_id)
                    incident.update(
                        place_name=row["place_name"],
                        admin_area_id=area_id,
                        latitude=None,
                        longitude=None,
                        occurred_at=when,
                        kind=rng.choice(INCIDENTKIND_VALUES),
                        severity=rng.choice(SEVERITY_VALUES),
                        staff_affected=rng.randrange(0, 4),
                        description=texts.NOTES[place.language].format(ref=rng.randrange(100_000)),
                        passage_id=row["id"] if outcome == PassageOutcome.INCIDENT else None,
                    )
                    incidents.append(incident)
                    incident_bearers.append((incident["id"], bearer_id))
            for _ in range(round(n * self.scale.constraints_per_interaction) + 1):
                when = self.moment(rng)
                row = self.base(rng, when, rng.choice(place.staff), place.delegation_id)
                row.update(
                    place_name=rng.choice(place.areas)[1],
                    admin_area_id=None,
                    latitude=None,
                    longitude=None,
                    category=rng.choice(CONSTRAINTCATEGORY_VALUES),
                    subcategory="",
                    occurred_on=when.date(),
                    ended_on=None,
                    bearer_id=pick(rng, place.bearers, place.bearer_cum),
                    unit_id=None,
                    effect=rng.choice(CONSTRAINTEFFECT_VALUES),
                    description=texts.NOTES[place.language].format(ref=rng.randrange(100_000)),
                )
                constraints.append(row)
        self.writer.write(AcceptanceAssessment, assessments)
        self.writer.write(CheckpointPassage, passages)
        self.writer.write(SecurityIncident, incidents)
        self.write_links(SecurityIncident, "bearers", incident_bearers)
        self.writer.write(AccessConstraint, constraints)

    # -- commitments, training, negotiation ------------------------------------------------------

    def commitments_phase(self) -> None:
        rng = self.rng("commitments")
        commitments, signatories, observations = [], [], []
        bearer_links: list[tuple[Any, Any]] = []
        for index, place in enumerate(self.places):
            n = len(self.interactions[index])
            for _ in range(round(n * self.scale.commitments_per_interaction) + 1):
                when = self.moment(rng)
                author = rng.choice(place.staff)
                bearer_id = pick(rng, place.bearers, place.bearer_cum)
                instrument = rng.choice(INSTRUMENT_VALUES)
                row = self.base(rng, when, author, place.delegation_id)
                row.update(
                    instrument=instrument,
                    title=f"{Instrument(instrument).label}: {self.bearers[bearer_id].name}",
                    scope=texts.NOTES[place.language].format(ref=rng.randrange(100_000)),
                    terms="",
                    made_on=when.date(),
                    date_precision="day",
                    place_name=rng.choice(place.areas)[1],
                    witness="",
                    disclosure=rng.choice(DISCLOSURE_VALUES),
                    current_compliance="",
                    compliance_observed_on=None,
                )
                bearer_links.append((row["id"], bearer_id))
                signatory = self.base(rng, when, author, place.delegation_id)
                signatory.update(
                    commitment_id=row["id"],
                    person_id=None,
                    name_as_signed="",
                    signed_as="",
                    capacity=rng.choice(CAPACITY_VALUES),
                    bearer_id=bearer_id,
                    signed_on=when.date(),
                )
                signatories.append(signatory)
                observed = when
                for _ in range(rng.randrange(0, 3)):
                    observed = self.after(observed, rng, 180)
                    assessment = rng.choice(
                        [Compliance.KEPT, Compliance.PARTLY_KEPT, Compliance.BREACHED]
                    )
                    observation = self.base(rng, observed, author, place.delegation_id)
                    observation.update(
                        commitment_id=row["id"],
                        observed_on=observed.date(),
                        assessment=assessment,
                        note=texts.OUTCOMES[place.language],
                    )
                    observations.append(observation)
                    row.update(
                        current_compliance=assessment, compliance_observed_on=observed.date()
                    )
                commitments.append(row)
        self.writer.write(Commitment, commitments)
        self.write_links(Commitment, "bearers", bearer_links)
        self.writer.write(Signatory, signatories)
        self.writer.write(ComplianceObservation, observations)

    def training_phase(self) -> None:
        rng = self.rng("training")
        sessions: list[Row] = []
        topic_links: list[tuple[Any, Any]] = []
        for index, place in enumerate(self.places):
            n = len(self.interactions[index])
            for _ in range(round(n * self.scale.sessions_per_interaction) + 1):
                when = self.moment(rng)
                participants = rng.randrange(5, 120)
                tested = rng.random() < 0.4
                row = self.base(rng, when, rng.choice(place.staff), place.delegation_id)
                row.update(
                    kind=rng.choice(SESSIONKIND_VALUES),
                    held_on=when.date(),
                    ends_on=None,
                    place_name=rng.choice(place.areas)[1],
                    bearer_id=pick(rng, place.bearers, place.bearer_cum),
                    level=rng.choice(LEVEL_VALUES),
                    participants=participants,
                    women=rng.randrange(0, participants // 3 + 1),
                    language=place.language,
                    external_facilitators="",
                    tested=participants if tested else None,
                    pre_score=Decimal(rng.randrange(200, 600)) / 10 if tested else None,
                    post_score=Decimal(rng.randrange(500, 950)) / 10 if tested else None,
                    interaction_id=None,
                    notes="",
                )
                sessions.append(row)
                topic_links.append((row["id"], rng.choice(self.topics)[0]))
        self.writer.write(DisseminationSession, sessions)
        self.write_links(DisseminationSession, "topics", topic_links)

    def negotiation_phase(self) -> None:
        """Files with their island of agreements, iceberg, stakeholders (and a tie between
        two), a red line, a bottom line and a scenario each."""
        rng = self.rng("negotiation")
        files: list[Row] = []
        under: dict[type[models.Model], list[Row]] = defaultdict(list)
        per_place = self.spread(round(self.scale.bearers * self.scale.files_per_bearer), minimum=1)
        for place, count in zip(self.places, per_place, strict=True):
            lang = place.language
            for _ in range(count):
                when = self.moment(rng)
                holder = rng.choice(place.staff)
                bearer_id = pick(rng, place.bearers, place.bearer_cum)
                row = self.base(rng, when, holder, place.delegation_id)
                row.update(
                    title=f"Access to {self.bearers[bearer_id].name}",
                    objective=texts.OUTCOMES[lang],
                    bearer_id=bearer_id,
                    holder_id=holder,
                    status=FileStatus.OPEN if rng.random() < 0.7 else FileStatus.CLOSED,
                    opened_on=when.date(),
                )
                files.append(row)

                child = functools.partial(self.under_file, rng, row, under)
                note = texts.OUTCOMES[lang]
                for kind in ISLANDKIND_VALUES:
                    child(IslandItem, kind=kind, agreed=rng.random() < 0.5, text=note)
                for side in SIDE_VALUES:
                    child(IcebergEntry, side=side, layer=rng.choice(LAYER_VALUES), text=note)
                people = place.people
                first = child(
                    Stakeholder,
                    person_id=rng.choice(people) if people and rng.random() < 0.5 else None,
                    name=self.person_name(rng, lang)[0],
                    influence=rng.randrange(0, 4),
                    proximity=rng.randrange(-2, 3),
                    note="",
                )
                second = child(
                    Stakeholder,
                    person_id=None,
                    name=self.person_name(rng, lang)[0],
                    influence=rng.randrange(0, 4),
                    proximity=rng.randrange(-2, 3),
                    note="",
                )
                child(
                    StakeholderLink,
                    source_id=first["id"],
                    target_id=second["id"],
                    strength=rng.randrange(1, 4),
                    note="",
                )
                child(RedLine, text=note, set_by_id=holder, signed_off_by_id=None)
                child(BottomLine, text=note)
                child(
                    Scenario,
                    text=note,
                    costs="",
                    benefits="",
                    likelihood=rng.choice(LIKELIHOOD_VALUES),
                )
        self.writer.write(NegotiationFile, files)
        for model in (IslandItem, IcebergEntry, Stakeholder, StakeholderLink, RedLine):
            self.writer.write(model, under[model])
        self.writer.write(BottomLine, under[BottomLine])
        self.writer.write(Scenario, under[Scenario])

    def under_file(
        self,
        rng: random.Random,
        file: Row,
        under: dict[type[models.Model], list[Row]],
        model: type[models.Model],
        **fields: Any,
    ) -> Row:
        """A row under a negotiation file, made with it by its holder."""
        item = self.base(rng, file["created_at"], file["holder_id"], file["compartment_id"])
        item.update(file_id=file["id"], **fields)
        under[model].append(item)
        return item

    def integration_phase(self) -> None:
        """Integration of the law, pillar by pillar, for the bearers each delegation works
        with most: a first assessment and, often, later ones that move the level."""
        rng = self.rng("integration")
        rows: list[Row] = []
        for place in self.places:
            for bearer_id in place.bearers[: max(2, len(place.bearers) // 2)]:
                for pillar in PILLAR_VALUES:
                    level = rng.randrange(0, 3)
                    when = self.moment(rng)
                    for _ in range(1 + poisson_like(rng, 0.6)):
                        author = rng.choice(place.staff)
                        row = self.base(rng, when, author, place.delegation_id)
                        row.update(
                            bearer_id=bearer_id,
                            pillar=pillar,
                            level=level,
                            assessed_on=when.date(),
                            assessed_by_id=author,
                            evidence=texts.NOTES[place.language].format(ref=rng.randrange(10_000)),
                        )
                        rows.append(row)
                        level = min(4, level + rng.randrange(0, 2))
                        when = self.after(when, rng, 365)
        self.writer.write(IntegrationAssessment, rows)

    # -- the audit trail ---------------------------------------------------------------------------

    def audit_phase(self) -> None:
        """Ten years of reads, lists, sign-ins and sign-outs, chained onto the existing log.

        Events are made in seq order with times rising over the ten years (denser towards
        now), each hashed over the canonical form ``audit verify`` checks
        (``audit_hash``), with a checkpoint signed every ``POURPARLER_AUDIT_CHECKPOINT_EVERY``
        events as ``core.audit`` does. ``AuditEventMaker`` makes the events' contents and
        this method chains, signs and stores them; rows go to the driver as ready tuples
        (at ten million events, a dict per row would cost more than the insert).
        """
        every = max(1, int(settings.AUDIT_CHECKPOINT_EVERY))
        key = audit.signing_key()
        key_id = audit.key_id_of(key.public_key())
        with transaction.atomic():
            head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
            start_seq, start_hash = head.seq, head.hash
        maker = AuditEventMaker(
            self,
            start_seq=start_seq,
            interaction_type=ContentType.objects.get_for_model(Interaction).pk,
            concern_type=ContentType.objects.get_for_model(Concern).pk,
        )
        checkpoints: list[Row] = []
        state: dict[str, Any] = {"seq": start_seq, "hash": start_hash}

        def chained() -> Iterator[tuple[Any, ...]]:
            prev = start_hash
            for batch in maker.batches():
                for prefix, suffix, seq, stamp, columns in batch:
                    digest = audit_hash(prefix + prev + suffix)
                    if seq % every == 0:
                        at = datetime.datetime.fromisoformat(stamp + "+00:00")
                        message = audit.checkpoint_message(seq, digest, at, key_id)
                        checkpoints.append(
                            {
                                "seq": seq,
                                "hash": digest,
                                "at": at,
                                "signature": key.sign(message).hex(),
                                "public_key_id": key_id,
                            }
                        )
                    yield (seq, *columns, prev, digest)
                    prev = digest
                    state["seq"], state["hash"] = seq, digest

        self.writer.write_tuples(
            AuditEvent, AUDIT_COLUMNS, chained(), total=self.scale.audit_events
        )
        self.writer.write(AuditCheckpoint, checkpoints)
        AuditHead.objects.filter(pk=1).update(seq=state["seq"], hash=state["hash"])


class AuditEventMaker:
    """Makes the audit events' contents, in order, from the ``audit`` random generator.

    Each event comes as (canonical JSON before its ``prev_hash``, after it, seq, time,
    column values): the chaining (one SHA-256 an event) is left to the caller, so the
    contents could be made elsewhere (another process) without changing the sequence.
    """

    def __init__(
        self,
        world: WorldGenerator,
        *,
        start_seq: int,
        interaction_type: int,
        concern_type: int,
    ) -> None:
        self.world = world
        self.start_seq = start_seq
        self.interaction_type = interaction_type
        self.concern_type = concern_type
        self.total = world.scale.audit_events
        self.sqlite = world.writer.vendor == "sqlite"

    def batches(self, size: int = BLOCK) -> Iterator[list[tuple[Any, ...]]]:
        """Yield the events in lists of ``size``."""
        yield from _chunked(self.events(), size)

    def events(self) -> Iterator[tuple[Any, ...]]:
        """The events in seq order (see the class)."""
        world = self.world
        rng = world.rng("audit")
        sqlite = self.sqlite
        members = []
        for member in world.staff:
            if member.delegation == "hq":
                continue
            index = next(i for i, p in enumerate(world.places) if p.code == member.delegation)
            members.append((member.username, str(member.id), json.dumps(member.username), index))
        places = []
        for index, place in enumerate(world.places):
            contacts = [str(i) for i, _ in world.interactions[index]]
            concerns = [str(i) for i in world.concerns[index]]
            places.append((str(place.delegation_id), contacts, concerns))

        def column(text_id: str | None) -> str | None:
            if text_id is None:
                return None
            return text_id.replace("-", "") if sqlite else text_id

        random_ = rng.random
        n_members = len(members)
        start, span, total = world.start, world.span, self.total
        interaction_type, concern_type = self.interaction_type, self.concern_type
        for i in range(total):
            # The i-th of ``total`` times drawn with density rising linearly: rising with i.
            at = start + datetime.timedelta(seconds=math.sqrt((i + random_()) / total) * span)
            username, member_id, member_name, index = members[int(random_() * n_members)]
            compartment, contacts, concerns = places[index]
            roll = random_()
            actor_id: str | None = member_id
            actor_name, actor_json = username, member_name
            content_type: int | None = None
            object_id = compartment_id = None
            ip = f"10.{index}.0.{2 + int(random_() * 248)}"
            if roll < 0.55 and contacts:
                kind, content_type, compartment_id = "read", interaction_type, compartment
                object_id = contacts[int(random_() * len(contacts))]
                detail = '{"version":1}'
            elif roll < 0.75 and contacts:
                kind, content_type = "list", interaction_type
                shown = [
                    contacts[int(random_() * len(contacts))] for _ in range(1 + int(random_() * 10))
                ]
                detail = f'{{"count":{len(shown)},"ids":["' + '","'.join(shown) + '"]}'
            elif roll < 0.80 and concerns:
                kind, content_type, compartment_id = "read", concern_type, compartment
                object_id = concerns[int(random_() * len(concerns))]
                detail = '{"version":1}'
            elif roll < 0.90:
                kind, detail = "login_succeeded", f'{{"ip":"{ip}"}}'
            elif roll < 0.98:
                kind, detail = "logout", f'{{"ip":"{ip}"}}'
            else:
                kind, actor_id, actor_name, actor_json = (
                    "login_failed",
                    None,
                    "anonymous",
                    '"anonymous"',
                )
                detail = f'{{"ip":"{ip}","username":{member_name}}}'
            seq = self.start_seq + i + 1
            request_id = f"gen-{rng.getrandbits(48):012x}"
            stamp = at.isoformat(timespec="microseconds")[:-6]
            prefix = (
                f'{{"actor_id":{_plain(actor_id)},"actor_name":{actor_json},'
                f'"at":"{stamp}Z","compartment_id":{_plain(compartment_id)},'
                f'"content_type_id":{"null" if content_type is None else content_type},'
                f'"detail":{detail},"kind":"{kind}","object_id":{_plain(object_id)},'
                '"prev_hash":"'
            )
            suffix = f'","request_id":"{request_id}","seq":{seq}}}'
            yield (
                prefix,
                suffix,
                seq,
                stamp,
                (
                    stamp.replace("T", " ") if sqlite else at,
                    column(actor_id),
                    actor_name,
                    request_id,
                    kind,
                    content_type,
                    column(object_id),
                    column(compartment_id),
                    detail,
                ),
            )


def _same(value: Any) -> Any:
    return value


def _chunked(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# The audit table's columns, in the order the chain's fields are written.
AUDIT_COLUMNS = EVENT_FIELDS
audit_hash = hash_of_canonical_json


def _plain(value: str | None) -> str:
    """A value whose text needs no JSON escaping (ids, hex digests, choice values)."""
    return "null" if value is None else f'"{value}"'


def refuse_unless_empty() -> None:
    """Raise ``NotEmpty`` if the database holds any record a run would write (or any user).

    Only the reference data seeded by the migrations (countries, topics) may be there.
    """
    if User.objects.exists():
        raise NotEmpty("The database already has user accounts.")
    for model in GENERATED_MODELS:
        if model._base_manager.exists():
            raise NotEmpty(
                f"The database already holds records ({model._meta.verbose_name_plural})."
            )


def generate_world(
    scale: Scale,
    *,
    seed: int,
    until: datetime.date,
    password: str = BENCH_PASSWORD,
    progress: bool = False,
    out: Writer | None = None,
    chunk: int = 20_000,
) -> WorldGenerator:
    """Generate a world into the (empty) default database; return the generator, which
    knows the staff it made. Raises ``NotEmpty`` if the database holds records."""
    writer = BulkWriter(chunk=chunk, progress=progress)
    generator = WorldGenerator(
        scale, seed=seed, until=until, writer=writer, password=password, out=out
    )
    # Millions of live rows, ids and tuples and almost no reference cycles: the cyclic
    # garbage collector would walk them all again and again (a third of the time at the
    # medium scale). Off for the run, on again after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with writer:
            generator.run()
    finally:
        if collecting:
            gc.enable()
    return generator


def logins(generator: WorldGenerator) -> list[Staff]:
    """The accounts worth signing in with for a benchmark: one of each kind."""
    chosen: list[Staff] = []
    seen: set[tuple[str, str]] = set()
    for member in generator.staff:
        key = (member.role, member.delegation)
        wanted = {"hq", generator.places[0].code, generator.places[-1].code}
        if member.delegation in wanted and key not in seen:
            seen.add(key)
            chosen.append(member)
    return chosen


__all__ = ["BENCH_PASSWORD", "GENERATED_MODELS", "NotEmpty", "WorldGenerator", "generate_world"]
