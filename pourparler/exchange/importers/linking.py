"""Linking the actors that events and conflicts name to the bearers of the registry.

By identifier first (a UCDP actor id, an ACLED actor name recorded on a bearer), then
by name: a confident match links, an uncertain one goes to the review queue once per
name (and the decision links every event naming it, see ``link_decided``), no match
leaves the actor as a name. Civilians, protesters and rioters are never bearers.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from django.utils.translation import gettext_noop

from pourparler.bearers.choices import IdScheme
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.core.services import update_record
from pourparler.exchange.choices import ReviewStatus, ReviewSubject
from pourparler.exchange.engine import ImportContext
from pourparler.exchange.importers.common import KnownBearers
from pourparler.exchange.matching import NameMatcher, match_key
from pourparler.exchange.models import ReviewItem
from pourparler.exchange.reader import problem

# Names of people who do not carry weapons, as the datasets write them.
_NOT_BEARERS = re.compile(r"^(civilians?|protesters?|rioters?|unidentified)\b", re.IGNORECASE)


def is_not_a_bearer(name: str) -> bool:
    """Say whether a name designates civilians, protesters or rioters, not weapon bearers."""
    return bool(_NOT_BEARERS.match(name.strip()))


class ActorLinker:
    """Resolves an event's actors to bearers, once per distinct id or name in a run."""

    def __init__(self, ctx: ImportContext, scheme: str, subject: str = ReviewSubject.EVENT_ACTOR):
        self.ctx = ctx
        self.scheme = scheme
        self.subject = subject
        self.known = KnownBearers(scheme, ctx.actor)
        ucdp = scheme == IdScheme.UCDP_ACTOR
        self.ucdp = self.known if ucdp else KnownBearers(IdScheme.UCDP_ACTOR, ctx.actor)
        self.matcher = NameMatcher.for_user(ctx.actor)
        self.by_name: dict[str, WeaponBearer | None] = {}
        self.unlinked: Counter[str] = Counter()
        self.waiting = set(
            ReviewItem.objects.alive()
            .filter(status=ReviewStatus.PENDING, scheme=scheme)
            .values_list("key", flat=True)
        )

    def bearer(self, name: str, *, row: int, external_id: str = "") -> WeaponBearer | None:
        """Return the bearer an actor is, or None (queued for review or unknown)."""
        if external_id and external_id in self.ucdp.by_key:
            return self.ucdp.by_key[external_id]
        if not name or is_not_a_bearer(name) or external_id in self.ucdp.hidden:
            return None
        key = external_id if self.scheme == IdScheme.UCDP_ACTOR and external_id else name
        if self.scheme == IdScheme.ACLED_ACTOR and name in self.known.by_key:
            return self.known.by_key[name]
        folded = match_key(name)
        if folded in self.by_name:
            found = self.by_name[folded]
            if found is None:
                self.unlinked[name] += 1
            return found
        found = None
        if key in self.waiting:
            pass
        else:
            match = self.matcher.match(name)
            if match.confident and match.bearer_id is not None:
                found = WeaponBearer.objects.get(pk=match.bearer_id)
            elif match.uncertain:
                self.ctx.queue_review(
                    subject=self.subject,
                    name=name,
                    scheme=self.scheme,
                    key=key,
                    row=row,
                    candidates=match.candidates,
                )
                self.waiting.add(key)
        self.by_name[folded] = found
        if found is None:
            self.unlinked[name] += 1
        return found

    def report(self, limit: int = 30) -> None:
        """Note the names left unlinked, most frequent first."""
        if not self.unlinked:
            return
        shown = ", ".join(f"{name} ({count})" for name, count in self.unlinked.most_common(limit))
        more = len(self.unlinked) - limit
        self.ctx.note(
            problem(
                gettext_noop(
                    "Actor names linked to no bearer (waiting for review or unknown): "
                    "%(count)s. %(names)s%(more)s"
                ),
                count=len(self.unlinked),
                names=shown,
                more=f" (+{more})" if more > 0 else "",
            )
        )


def link_decided(item: ReviewItem, bearer: WeaponBearer, actor: User) -> None:
    """After a person links or registers a name, link the events and parties naming it."""
    from pourparler.geo.models import ContextEventActor, SituationParty

    if item.subject not in (ReviewSubject.EVENT_ACTOR, ReviewSubject.PARTY, ReviewSubject.ACTOR):
        return
    rows: list[Any]
    if item.scheme == IdScheme.UCDP_ACTOR:
        rows = list(ContextEventActor.objects.alive().filter(external_id=item.key, bearer=None))
        rows += list(SituationParty.objects.alive().filter(ucdp_actor_id=item.key, bearer=None))
    else:
        rows = list(ContextEventActor.objects.alive().filter(name=item.key, bearer=None))
        rows += list(SituationParty.objects.alive().filter(name=item.key, bearer=None))
    for row in rows:
        update_record(row, actor=actor, expected_version=row.version, changes={"bearer": bearer})
