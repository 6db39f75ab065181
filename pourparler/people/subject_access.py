"""Subject-access export: everything held about one person, as JSON or a printable document.

When someone asks what we hold about them, this gathers it in one file for the
data-protection officer to review before anything is released: the person record (with
its purpose and legal basis), other names, posts, who on our side holds the relationship,
the interactions they took part in with their follow-ups, representations made to them
and responses they gave, and the history of changes to their records (when, what kind,
by whom, which fields; never the old values).

Reading. Everything is read through the one read path, as the exporting user:
``get_visible_or_404`` for the person (a person the user cannot see is the same 404 as a
missing one) and ``visible_to(user)`` for every other record, so an interaction restricted
to others, or in a compartment the user does not read, is simply not in the file. The
export is therefore everything *this user* may see; a complete answer to a request needs
someone who sees the whole compartment, restricted records included (the head of
delegation asks the named members, or is named).

Who may export. A subject-access bundle gathers in one file what is otherwise read a
page at a time, so it is kept to those answerable for the compartment: the **head of
delegation** posted (now) to the person's delegation, a holder of a live **write grant**
on the person, or one on the delegation who holds no other posting there (a delegate
posted there with a write grant on the delegation still needs one on the person).
Anyone else who can see the person gets 403 and, as a rule, no button (the button is
decided from the clearance alone, see ``offers_export``); anyone who cannot see the
person gets the 404 of a missing one. Auditors and administrators see no compartment
content and so cannot export; a data-protection officer works through the head of
delegation or a grant.

Auditing. Every export appends an ``export`` event to the audit chain
(``audit.record_export``) with the ids of every record in the file, the format and the
channel (web or command line), in the same transaction as nothing else: if the event
cannot be written, no file is given out. File names carry the person's id, never a name.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.models import Signatory
from pourparler.concerns.models import Representation, Response
from pourparler.core import audit
from pourparler.core.access import Clearance, clearance_for, get_visible_or_404
from pourparler.core.choices import CONTENT_ROLES, Role
from pourparler.core.models import ChangeLogEntry, Membership, User
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.negotiation.models import NegotiationFile, Stakeholder
from pourparler.people.history import history_of
from pourparler.people.models import Person, PersonName, Position, Relationship

FORMATS = {"json": "application/json", "html": "text/html"}
FORMAT_TAG = "pourparler-subject-access/1"
NOTICE = gettext_lazy(
    "Everything the exporting user may see about this person, for a subject-access "
    "request. Review before release: free text may name third parties or staff, and "
    "records restricted to others are not included."
)
_STYLESHEET = Path(__file__).parent / "static" / "people" / "subject_access.css"


def follow_ups_of(interaction: Interaction) -> list[FollowUp]:
    """The follow-ups of an interaction that ``gather`` found visible."""
    return list(getattr(interaction, "visible_follow_ups", []))


class ExportRefused(PermissionDenied):
    """The user may see the person but may not export what is held about them."""


def _may_write(clearance: Clearance | None, person: Person) -> bool | None:
    """True if a write grant on the person opens it, False if the user cannot change its
    compartment at all, None if it depends on the user's postings there."""
    if clearance is None or person.compartment_id is None:
        return False
    if person.pk in clearance.granted(Person._meta.label, "change"):
        return True
    if person.compartment_id not in clearance.write_compartments:
        return False
    return None


def may_export(user: Any, person: Person) -> bool:
    """Say whether the user may export a person they read through the read path
    (``get_visible_or_404``): a write grant on the person; or the person's compartment
    writable and either a head-of-delegation posting there, or no content posting there
    at all (then a write grant on the delegation opened it). One query at most.

    Seen and writable, a person is changeable: restrictions apply alike to both.
    """
    clearance = clearance_for(user)
    decided = _may_write(clearance, person)
    if decided is not None:
        return decided
    compartment = person.compartment_id
    assert compartment is not None  # _may_write answered for people without one
    today = timezone.localdate()
    roles_here = set(
        Membership.objects.visible_to(user)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)
        .filter(user=user, delegation_id=compartment)
        .values_list("role", flat=True)
    )
    return Role.HEAD_OF_DELEGATION in roles_here or not roles_here & CONTENT_ROLES


def offers_export(user: Any, person: Person) -> bool:
    """Say, from the user's clearance alone (no query: the person page's cost is pinned),
    whether to show the export button: as ``may_export``, except that any head-of-
    delegation role stands for one in this compartment and any content posting for one
    here. The export itself checks exactly, so the button can be missing for a write-grant
    holder posted elsewhere (the command line serves them) or refused for a head of
    another delegation who is a delegate here."""
    clearance = clearance_for(user)
    decided = _may_write(clearance, person)
    if decided is not None or clearance is None:
        return bool(decided)
    return Role.HEAD_OF_DELEGATION in clearance.roles or not clearance.roles & CONTENT_ROLES


@dataclass
class SubjectAccess:
    """What is held about one person, as one user may see it."""

    person: Person
    exported_by: User
    exported_at: datetime.datetime
    names: list[PersonName] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    representations: list[Representation] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    signatures: list[Signatory] = field(default_factory=list)
    negotiation_files: list[NegotiationFile] = field(default_factory=list)
    stakes: list[Stakeholder] = field(default_factory=list)
    history: list[ChangeLogEntry] = field(default_factory=list)

    def follow_ups(self) -> list[FollowUp]:
        """The follow-ups of the interactions in the file."""
        return [f for i in self.interactions for f in follow_ups_of(i)]

    def record_ids(self) -> list[str]:
        """The id of every record in the file, the person first (for the audit event)."""
        groups: list[list[Any]] = [
            [self.person],
            self.names,
            self.positions,
            self.relationships,
            self.interactions,
            self.follow_ups(),
            self.representations,
            self.responses,
            self.signatures,
            self.negotiation_files,
            self.stakes,
        ]
        return [str(record.pk) for group in groups for record in group]

    def as_dict(self) -> dict[str, Any]:
        """The file's content as plain data (dates as ISO text once dumped)."""
        person = self.person
        return {
            "format": FORMAT_TAG,
            "notice": NOTICE,
            "exported_at": self.exported_at,
            "exported_by": self.exported_by.get_username(),
            "person": {
                "id": person.pk,
                "full_name": person.full_name,
                "notes": person.notes,
                "languages": person.languages,
                "purpose": person.purpose,
                "legal_basis": person.legal_basis,
                "legal_basis_label": str(person.get_legal_basis_display()),
                "delegation": person.compartment.name if person.compartment else None,
                "restricted": person.restricted,
                "recorded_at": person.created_at,
                "updated_at": person.updated_at,
                "anonymised_at": person.anonymised_at,
                "version": person.version,
            },
            "other_names": [
                {
                    "id": n.pk,
                    "name": n.name,
                    "language": n.language,
                    "script": n.script,
                    "transliteration": n.transliteration,
                    "recorded_at": n.created_at,
                }
                for n in self.names
            ],
            "positions": [
                {
                    "id": p.pk,
                    "bearer": p.bearer.name,
                    "unit": p.unit.name if p.unit else None,
                    "rank": p.rank,
                    "role_title": p.role_title,
                    "level": p.level,
                    "starts_on": p.starts_on,
                    "ends_on": p.ends_on,
                }
                for p in self.positions
            ],
            "relationships": [
                {
                    "id": r.pk,
                    "held_by": r.holder.display_name(),
                    "strength": r.strength,
                    "since": r.since,
                    "until": r.until,
                    "notes": r.notes,
                }
                for r in self.relationships
            ],
            "interactions": [
                {
                    "id": i.pk,
                    "kind": i.kind,
                    "occurred_at": i.occurred_at,
                    "level": i.level,
                    "place": i.place_name,
                    "bearers": [b.name for b in i.bearers.all()],
                    "topics": [t.name for t in i.topics.all()],
                    "situation": i.situation,
                    "legal_framework": i.legal_framework,
                    "confidentiality": i.confidentiality,
                    "summary": i.summary,
                    "notes": i.notes,
                    "outcomes": i.outcomes,
                    "follow_ups": [
                        {
                            "id": f.pk,
                            "action": f.action,
                            "due_on": f.due_on,
                            "status": f.status,
                            "done_on": f.done_on,
                        }
                        for f in follow_ups_of(i)
                    ],
                }
                for i in self.interactions
            ],
            "representations_made_to_them": [
                {
                    "id": r.pk,
                    "made_on": r.made_on,
                    "mode": r.mode,
                    "level": r.level,
                    "content": r.content,
                }
                for r in self.representations
            ],
            "responses_they_gave": [
                {
                    "id": r.pk,
                    "received_on": r.received_on,
                    "kind": r.kind,
                    "mode": r.mode,
                    "content": r.content,
                }
                for r in self.responses
            ],
            "commitments_they_signed": [
                {
                    "id": s.pk,
                    "commitment": s.commitment.title,
                    "instrument": s.commitment.instrument,
                    "name_as_signed": s.name_as_signed,
                    "signed_as": s.signed_as,
                    "capacity": s.capacity,
                    "for": s.bearer.name,
                    "signed_on": s.signed_on,
                }
                for s in self.signatures
            ],
            "negotiations_where_they_are_the_counterpart": [
                {
                    "id": f.pk,
                    "title": f.title,
                    "status": f.status,
                    "opened_on": f.opened_on,
                    "about": f.bearer.name if f.bearer else None,
                }
                for f in self.negotiation_files
            ],
            "negotiations_where_they_are_a_stakeholder": [
                {
                    "id": s.pk,
                    "file": s.file.title,
                    "influence": s.influence,
                    "proximity": s.proximity,
                    "note": s.note,
                }
                for s in self.stakes
            ],
            "history": self.history_rows(),
        }

    def history_rows(self) -> list[dict[str, Any]]:
        """The change history of the person's own records: metadata, never values."""
        return [
            {
                "at": e.at,
                "record": e.content_type.model,
                "record_id": e.object_id,
                "action": e.action,
                "version": e.object_version,
                "by": e.actor_name,
                "fields": [name for name, _, _ in e.changed_fields()],
            }
            for e in self.history
        ]


def gather(user: Any, person_id: Any) -> SubjectAccess:
    """Read what the user may see about one person; Http404 if they may not see the
    person at all, ExportRefused if they may see but not export."""
    person = get_visible_or_404(Person, user, person_id)
    if not may_export(user, person):
        raise ExportRefused(
            gettext("Only the head of delegation, or a holder of a write grant, exports.")
        )
    bundle = SubjectAccess(person=person, exported_by=user, exported_at=timezone.now())
    bundle.names = list(
        PersonName.objects.visible_to(user).filter(person=person).order_by("created_at", "id")
    )
    bundle.positions = list(
        Position.objects.visible_to(user)
        .filter(person=person)
        .select_related("bearer", "unit")
        .order_by("starts_on", "created_at")
    )
    bundle.relationships = list(
        Relationship.objects.visible_to(user)
        .filter(person=person)
        .select_related("holder")
        .order_by("since", "created_at")
    )
    # Linked records through the read path too: a bearer or follow-up the user may not
    # see stays out.
    linked: list[Any] = [
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user)),
        Prefetch("topics", queryset=Topic.objects.visible_to(user)),
        Prefetch(
            "follow_ups",
            queryset=FollowUp.objects.visible_to(user).order_by("due_on", "created_at"),
            to_attr="visible_follow_ups",
        ),
    ]
    bundle.interactions = list(
        Interaction.objects.visible_to(user)
        .filter(their_participants=person)
        .prefetch_related(*linked)
        .order_by("occurred_at", "id")
    )
    bundle.representations = list(
        Representation.objects.visible_to(user)
        .filter(to_person=person)
        .order_by("made_on", "created_at")
    )
    bundle.responses = list(
        Response.objects.visible_to(user)
        .filter(from_person=person)
        .order_by("received_on", "created_at")
    )
    bundle.signatures = list(
        Signatory.objects.visible_to(user)
        .filter(person=person)
        .select_related("commitment", "bearer")
        .order_by("signed_on", "created_at")
    )
    bundle.negotiation_files = list(
        NegotiationFile.objects.visible_to(user)
        .filter(counterparts=person)
        .prefetch_related(Prefetch("bearer", queryset=WeaponBearer.objects.visible_to(user)))
        .order_by("opened_on", "created_at")
    )
    bundle.stakes = list(
        Stakeholder.objects.visible_to(user)
        .filter(person=person)
        .select_related("file")
        .order_by("created_at", "id")
    )
    bundle.history = history_of(
        [person, *bundle.names, *bundle.positions, *bundle.relationships, *bundle.signatures]
    )
    return bundle


def stylesheet() -> SafeString:
    """The print stylesheet, embedded: the document is a file read and printed offline,
    where no /static/ URL resolves. It is only ever sent as an attachment, so the pages'
    Content-Security-Policy (no inline style) does not govern how it is shown."""
    css = _STYLESHEET.read_text(encoding="utf-8")
    assert "</" not in css
    return mark_safe(f"<style>\n{css}</style>")  # noqa: S308 - our own file, no user input


def render(bundle: SubjectAccess, export_format: str) -> bytes:
    """Return the file's bytes in a format ("json" or "html")."""
    if export_format == "json":
        text = json.dumps(bundle.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
    if export_format == "html":
        context = {
            "bundle": bundle,
            "history": bundle.history_rows(),
            "notice": NOTICE,
            "stylesheet": stylesheet(),
        }
        return render_to_string("people/subject_access.html", context).encode("utf-8")
    raise ValueError(f"Unknown export format {export_format!r}; known: {', '.join(FORMATS)}.")


@dataclass(frozen=True)
class Export:
    """A finished export: the bytes, their type and a file name without personal data."""

    content: bytes
    content_type: str
    filename: str


def export(user: Any, person_id: Any, export_format: str, *, channel: str) -> Export:
    """Gather, render and audit a subject-access export for one person.

    The audit event is written before the file is handed out; if it cannot be written,
    nothing is handed out.
    """
    if export_format not in FORMATS:
        raise ValueError(f"Unknown export format {export_format!r}; known: {', '.join(FORMATS)}.")
    bundle = gather(user, person_id)
    content = render(bundle, export_format)
    with transaction.atomic():
        audit.record_export(
            user,
            Person,
            bundle.record_ids(),
            export_format=export_format,
            compartment=bundle.person.compartment_id,
            detail={
                "purpose": "subject_access",
                "person": str(bundle.person.pk),
                "channel": channel,
            },
        )
    content_type = f"{FORMATS[export_format]}; charset=utf-8"
    filename = f"subject-access-{bundle.person.pk}.{export_format}"
    return Export(content, content_type, filename)
