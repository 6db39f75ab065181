"""The UCDP Actor Dataset (v22.1 codebook): every actor of UCDP's data as a bearer.

One row is one actor. What is taken:

* ``ActorId`` → an external id (``ucdp_actor``): the key that makes a second import of
  the same file change nothing, and that events and conflicts link by;
* ``NameData`` → the bearer's name; ``NameOrig``, ``NameOrigFull`` (mother tongue, with
  its script; "Луганская … / Luganskaya …" keeps the Latin half as transliteration),
  ``NameOrigFullEng``, ``NewName…`` → its other names; when ``NameChange`` is 1 the
  original names are recorded as former names (a rename keeps the UCDP id);
* ``Org`` → the organisation level (1 formal group, 2 party supporters, 3 identity
  group, 4 a State's government, whose bearer is its armed forces);
* ``Splinter``/``ActorIdPrev``, ``SplitTemp``/``ActorIdSplitTemp``,
  ``Alliance``/``ActorIdAlliance``, ``JoinGroup``/``ActorIdGroup`` → relations between
  bearers (the cells may list several ids);
* ``Location`` → the countries (UCDP's names, resolved to ISO countries when they still
  exist).

An actor whose id is new is matched by name against the bearers registered by hand:
a confident match gets the UCDP id, an uncertain one waits in the review queue, and
no match registers a new bearer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from pourparler.bearers.choices import (
    BearerKind,
    IdScheme,
    NameKind,
    OrganisationLevel,
    RelationKind,
)
from pourparler.bearers.models import BearerName, BearerRelation, ExternalId, WeaponBearer
from pourparler.bearers.services import refresh_bearer_search
from pourparler.core.text import fold, search_blob
from pourparler.exchange.choices import ImportKind, ReviewStatus, ReviewSubject
from pourparler.exchange.engine import ImportContext, Importer, register
from pourparler.exchange.importers.common import (
    KnownBearers,
    NameEntry,
    distinct_names,
    is_acronym,
    name_entry,
    require_columns,
)
from pourparler.exchange.matching import NameMatcher
from pourparler.exchange.models import ReviewItem
from pourparler.exchange.reader import RowError, Table, clean_text, problem
from pourparler.geo.lookup import CountryResolver

ORG_LEVELS = {
    "1": OrganisationLevel.FORMAL_GROUP,
    "2": OrganisationLevel.PARTY_SUPPORTERS,
    "3": OrganisationLevel.IDENTITY_GROUP,
    "4": OrganisationLevel.STATE,
}
# (flag column, id column, relation) for the links between actors.
RELATIONS = (
    ("Splinter", "ActorIdPrev", RelationKind.SPLINTER_OF),
    ("SplitTemp", "ActorIdSplitTemp", RelationKind.TEMPORARY_SPLIT_OF),
    ("Alliance", "ActorIdAlliance", RelationKind.ALLIED_WITH),
    ("JoinGroup", "ActorIdGroup", RelationKind.JOINED),
)
REQUIRED = ("ActorId", "NameData", "Org")
FLAGS = ("NameChange", "Splinter", "SplitTemp", "Alliance", "JoinGroup")


@dataclass
class Actor:
    """One row of the actor list, checked."""

    row: int
    actor_id: str
    name: str
    level: str
    kind: str
    names: list[NameEntry]
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # kind, id, column
    locations: str = ""

    def payload(self) -> dict[str, Any]:
        """What a person needs to register the actor from the review queue."""
        return {
            "kind": self.kind,
            "organisation_level": self.level,
            "names": [n.as_fields() for n in self.names],
            "locations": self.locations,
        }


def actor_names(values: dict[str, str], primary: str) -> list[NameEntry]:
    """Gather an actor's other names from the name columns, each with its kind."""
    renamed = values.get("NameChange", "").strip() == "1"
    orig = clean_text(values.get("NameOrig"))
    orig_full = clean_text(values.get("NameOrigFull"))
    orig_eng = clean_text(values.get("NameOrigFullEng"))
    new = clean_text(values.get("NewName"))
    new_full = clean_text(values.get("NewNameFullMotherTongue"))
    new_eng = clean_text(values.get("NewNameFullEng"))
    entries: list[NameEntry] = []
    if orig:
        kind = (
            NameKind.FORMER
            if renamed
            else (NameKind.ACRONYM if is_acronym(orig) else NameKind.ALIAS)
        )
        entries.append(name_entry(orig, kind))
    if orig_full:
        entries.append(name_entry(orig_full, NameKind.FORMER if renamed else NameKind.OFFICIAL))
    if orig_eng:
        if renamed:
            kind = NameKind.FORMER
        else:
            kind = NameKind.TRANSLATION if orig_full else NameKind.OFFICIAL
        entries.append(name_entry(orig_eng, kind, "en" if orig_full else ""))
    if new:
        # "TQJBR, ISI, ISIS, IS": the successive acronyms of one actor.
        parts = [p.strip() for p in new.split(",")]
        if len(parts) > 1 and all(is_acronym(p) for p in parts):
            entries.extend(name_entry(p, NameKind.ACRONYM) for p in parts)
        else:
            entries.append(name_entry(new, NameKind.ACRONYM if is_acronym(new) else NameKind.ALIAS))
    if new_full:
        entries.append(name_entry(new_full, NameKind.OFFICIAL))
    if new_eng:
        kind = NameKind.TRANSLATION if new_full and new_full != new_eng else NameKind.OFFICIAL
        entries.append(name_entry(new_eng, kind, "en" if kind == NameKind.TRANSLATION else ""))
    return distinct_names(primary, entries)


@register
class UcdpActors(Importer):
    """The UCDP Actor Dataset, as the CSV UCDP publishes."""

    kind = ImportKind.UCDP_ACTORS
    source = "UCDP Actor Dataset"

    def source_of(self, table: Table) -> str:
        versions = {row.get("Version") for row in table.rows if row.get("Version")}
        return f"{self.source} {sorted(versions)[-1]}" if versions else self.source

    def parse(self, table: Table, errors: list[RowError]) -> list[Actor]:
        if not require_columns(table, REQUIRED, errors):
            return []
        actors: list[Actor] = []
        seen: dict[str, int] = {}
        file = table.file_name
        for row in table.rows:
            actor_id = row.get("ActorId")
            if not re.fullmatch(r"\d+", actor_id):
                errors.append(
                    RowError(
                        file,
                        row.number,
                        "ActorId",
                        problem(gettext_noop("a whole number is needed")),
                    )
                )
                continue
            if actor_id in seen:
                errors.append(
                    RowError(
                        file,
                        row.number,
                        "ActorId",
                        problem(
                            gettext_noop("actor %(id)s is already on row %(row)s"),
                            id=actor_id,
                            row=seen[actor_id],
                        ),
                    )
                )
                continue
            seen[actor_id] = row.number
            name = clean_text(row.get("NameData"))
            if not name:
                errors.append(
                    RowError(
                        file, row.number, "NameData", problem(gettext_noop("the actor has no name"))
                    )
                )
            level = ORG_LEVELS.get(row.get("Org"))
            if level is None:
                errors.append(
                    RowError(
                        file,
                        row.number,
                        "Org",
                        problem(
                            gettext_noop("expected 1, 2, 3 or 4, not “%(value)s”"),
                            value=row.get("Org"),
                        ),
                    )
                )
            for flag in FLAGS:
                if row.get(flag) not in ("", "0", "1"):
                    errors.append(
                        RowError(file, row.number, flag, problem(gettext_noop("expected 0 or 1")))
                    )
            relations: list[tuple[str, str, str]] = []
            for flag, column, relation in RELATIONS:
                ids = [v.strip() for v in row.get(column).split(",") if v.strip()]
                for other in ids:
                    if not other.isdigit():
                        errors.append(
                            RowError(
                                file,
                                row.number,
                                column,
                                problem(
                                    gettext_noop("“%(value)s” is not an actor id"), value=other
                                ),
                            )
                        )
                    elif other != actor_id:
                        relations.append((relation, other, column))
                if ids and row.get(flag) == "0":
                    errors.append(
                        RowError(
                            file,
                            row.number,
                            flag,
                            problem(
                                gettext_noop("is 0 but %(column)s names actors"), column=column
                            ),
                        )
                    )
            if not name or level is None:
                continue
            kind = (
                BearerKind.ARMED_FORCES
                if level == OrganisationLevel.STATE
                else (BearerKind.NON_STATE_ARMED_GROUP)
            )
            actors.append(
                Actor(
                    row=row.number,
                    actor_id=actor_id,
                    name=name[:200],
                    level=level,
                    kind=kind,
                    names=actor_names(row.values, name),
                    relations=relations,
                    locations=row.get("Location"),
                )
            )
        return actors

    def apply(self, items: list[Actor], ctx: ImportContext) -> None:
        known = KnownBearers(IdScheme.UCDP_ACTOR, ctx.actor)
        known.load_names(known.by_key.values())
        matcher = NameMatcher.for_user(ctx.actor, exclude_scheme=IdScheme.UCDP_ACTOR)
        waiting = set(
            ReviewItem.objects.alive()
            .filter(scheme=IdScheme.UCDP_ACTOR, status=ReviewStatus.PENDING)
            .values_list("key", flat=True)
        )
        countries = CountryResolver()
        unplaced: Counter[str] = Counter()
        refresh: dict[Any, WeaponBearer] = {}
        for actor in ctx.progress(items, "actors"):
            places, left = countries.resolve_list(actor.locations)
            unplaced.update(left)
            if actor.actor_id in known.hidden:
                ctx.skipped += 1
                continue
            bearer = known.get(actor.actor_id)
            if bearer is not None:
                self._update(actor, bearer, places, known, ctx, refresh)
                continue
            if actor.actor_id in waiting:
                ctx.note(
                    problem(
                        gettext_noop("Row %(row)s: %(name)s still waits in the review queue."),
                        row=actor.row,
                        name=actor.name,
                    )
                )
                continue
            match = matcher.match(actor.name, *(n.name for n in actor.names))
            if match.uncertain:
                ctx.queue_review(
                    subject=ReviewSubject.ACTOR,
                    name=actor.name,
                    scheme=IdScheme.UCDP_ACTOR,
                    key=actor.actor_id,
                    row=actor.row,
                    candidates=match.candidates,
                    payload=actor.payload(),
                )
                continue
            if match.confident and match.bearer_id is not None:
                bearer = WeaponBearer.objects.get(pk=match.bearer_id)
                ctx.note(
                    problem(
                        gettext_noop("Row %(row)s: %(name)s linked by name to %(bearer)s."),
                        row=actor.row,
                        name=actor.name,
                        bearer=bearer.name,
                    )
                )
                ctx.create(
                    ExternalId(bearer=bearer, scheme=IdScheme.UCDP_ACTOR, value=actor.actor_id),
                    row=actor.row,
                    what=f"UCDP actor {actor.actor_id} → {bearer.name}",
                    columns={"value": "ActorId"},
                )
                known.remember(actor.actor_id, bearer, [])
                bearer = ctx.fill(
                    bearer, row=actor.row, changes={"organisation_level": actor.level}
                )
                self._add_names(actor, bearer, known, ctx, refresh, also=[actor.name])
                continue
            bearer = self._register(actor, places, ctx)
            known.remember(actor.actor_id, bearer, [n.name for n in actor.names])
        self._relate(items, known, ctx)
        for name, rows in sorted(unplaced.items()):
            ctx.note(
                problem(
                    gettext_noop("“%(name)s” (%(rows)s rows) is no country we hold: not linked."),
                    name=name,
                    rows=rows,
                )
            )

        def refresh_search() -> None:
            for bearer in refresh.values():
                refresh_bearer_search(bearer)

        ctx.after_flush(refresh_search)

    def _register(self, actor: Actor, places: list[Any], ctx: ImportContext) -> WeaponBearer:
        bearer = WeaponBearer(
            name=actor.name,
            kind=actor.kind,
            organisation_level=actor.level,
            search_text=search_blob(
                [actor.name, *(p for n in actor.names for p in (n.name, n.transliteration))]
            ),
        )
        ctx.create(bearer, row=actor.row, columns={"name": "NameData"}, m2m={"countries": places})
        for entry in actor.names:
            ctx.create(
                BearerName(bearer=bearer, **entry.as_fields()),
                row=actor.row,
                what=f"{entry.name} ({actor.name})",
                columns={"name": "NameOrigFull", "transliteration": "NameOrigFull"},
            )
        ctx.create(
            ExternalId(bearer=bearer, scheme=IdScheme.UCDP_ACTOR, value=actor.actor_id),
            row=actor.row,
            what=f"UCDP actor {actor.actor_id}",
            columns={"value": "ActorId"},
        )
        return bearer

    def _update(
        self,
        actor: Actor,
        bearer: WeaponBearer,
        places: list[Any],
        known: KnownBearers,
        ctx: ImportContext,
        refresh: dict[Any, WeaponBearer],
    ) -> None:
        if not ctx.created_by_import(bearer):
            # Registered by hand and linked to UCDP: the import only adds what is missing.
            ctx.fill(bearer, row=actor.row, changes={"organisation_level": actor.level})
            self._add_names(actor, bearer, known, ctx, refresh, also=[actor.name])
            return
        ctx.update(
            bearer,
            row=actor.row,
            changes={"name": actor.name, "kind": actor.kind, "organisation_level": actor.level},
            m2m={"countries": places},
        )
        self._add_names(actor, bearer, known, ctx, refresh)

    def _add_names(
        self,
        actor: Actor,
        bearer: WeaponBearer,
        known: KnownBearers,
        ctx: ImportContext,
        refresh: dict[Any, WeaponBearer],
        also: Sequence[str] = (),
    ) -> None:
        held = known.names_of(bearer)
        extra = [NameEntry(name=n, kind=NameKind.ALIAS) for n in also]
        for entry in [*extra, *actor.names]:
            if fold(entry.name) in held:
                continue
            held.add(fold(entry.name))
            ctx.create(
                BearerName(bearer=bearer, **entry.as_fields()),
                row=actor.row,
                what=f"{entry.name} ({bearer.name})",
            )
            refresh[bearer.pk] = bearer

    def _relate(self, items: list[Actor], known: KnownBearers, ctx: ImportContext) -> None:
        stored = set(
            BearerRelation.objects.alive()
            .filter(subject__in=[b.pk for b in known.by_key.values()])
            .values_list("subject_id", "kind", "other_id")
        )
        for actor in ctx.progress(items, "relations"):
            subject = known.get(actor.actor_id)
            for kind, other_id, column in actor.relations:
                other = known.get(other_id)
                if subject is None:
                    continue
                if other is None:
                    ctx.note(
                        problem(
                            gettext_noop(
                                "Row %(row)s, %(column)s: actor %(id)s is neither in the file "
                                "nor in the registry; the relation is not recorded."
                            ),
                            row=actor.row,
                            column=column,
                            id=other_id,
                        )
                    )
                    continue
                key = (subject.pk, kind, other.pk)
                if key in stored:
                    ctx.count_unchanged(BearerRelation)
                    continue
                stored.add(key)
                ctx.create(
                    BearerRelation(subject=subject, kind=kind, other=other),
                    row=actor.row,
                    what=f"{subject.name} — {RelationKind(kind).label} — {other.name}",
                    columns={"other": column},
                )
