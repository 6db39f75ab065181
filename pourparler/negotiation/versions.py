"""Reading a file's versions: a version's content as lines under the file's headings, and
the differences between two versions.

A version keeps linked people, interactions and the bearer as ids; they are named here
only if the reader may see them now.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.models import Interaction
from pourparler.negotiation.choices import FileStatus, IslandKind, Layer, Likelihood, Side
from pourparler.negotiation.models import NegotiationVersion
from pourparler.people.models import Person

HIDDEN = _("(someone you may not see)")
SECTIONS = (
    _("The file"),
    _("Island of agreements"),
    _("Iceberg"),
    _("Network of influence"),
    _("Red lines"),
    _("Bottom lines"),
    _("Scenarios"),
)


# What a version's summary says, as the service stores it (in English, like a log), and
# as a reader of another language reads it. A summary not listed is shown as stored.
SUMMARIES: dict[str, Any] = {
    "File opened": _("File opened"),
    "File details changed": _("File details changed"),
    "Red line changed; its sign-off is cleared": _("Red line changed; its sign-off is cleared"),
    "Red line signed off": _("Red line signed off"),
    "Island item added": _("Island item added"),
    "Island item changed": _("Island item changed"),
    "Island item removed": _("Island item removed"),
    "Iceberg entry added": _("Iceberg entry added"),
    "Iceberg entry changed": _("Iceberg entry changed"),
    "Iceberg entry removed": _("Iceberg entry removed"),
    "Stakeholder added": _("Stakeholder added"),
    "Stakeholder changed": _("Stakeholder changed"),
    "Stakeholder removed": _("Stakeholder removed"),
    "Link between stakeholders added": _("Link between stakeholders added"),
    "Link between stakeholders changed": _("Link between stakeholders changed"),
    "Link between stakeholders removed": _("Link between stakeholders removed"),
    "Red line added": _("Red line added"),
    "Red line changed": _("Red line changed"),
    "Red line removed": _("Red line removed"),
    "Bottom line added": _("Bottom line added"),
    "Bottom line changed": _("Bottom line changed"),
    "Bottom line removed": _("Bottom line removed"),
    "Scenario added": _("Scenario added"),
    "Scenario changed": _("Scenario changed"),
    "Scenario removed": _("Scenario removed"),
}
_HANDED_OVER = "Handed over to "


def summary_shown(summary: str) -> str:
    """A version's stored summary in the reader's language (as stored if unknown)."""
    if summary in SUMMARIES:
        return str(SUMMARIES[summary])
    if summary.startswith(_HANDED_OVER):
        return gettext("Handed over to %(name)s") % {"name": summary[len(_HANDED_OVER) :]}
    return summary


@dataclass(frozen=True)
class Section:
    """A heading of the file and its lines in one version (or their differences)."""

    title: str
    lines: list[tuple[str, str]]  # (mark, text): "" unchanged, "+" added, "-" removed

    @property
    def changed(self) -> bool:
        """Say whether any line was added or removed under this heading."""
        return any(mark for mark, _ in self.lines)


def content_of(version: NegotiationVersion) -> dict[str, Any]:
    """Return a version's picture of the file."""
    data: dict[str, Any] = json.loads(version.content)
    return data


class Names:
    """Names of the records versions point at, as one reader may see them."""

    def __init__(self, user: Any, contents: list[dict[str, Any]]) -> None:
        people: set[str] = set()
        contacts: set[str] = set()
        bearers: set[str] = set()
        for content in contents:
            people.update(content.get("counterparts", []))
            people.update(s["person"] for s in content.get("stakeholders", []) if s["person"])
            contacts.update(content.get("interactions", []))
            bearers.add(content.get("bearer", ""))
        self.people = {
            str(p.pk): str(p) for p in Person.objects.visible_to(user).filter(pk__in=people)
        }
        self.contacts = {
            str(i.pk): str(i) for i in Interaction.objects.visible_to(user).filter(pk__in=contacts)
        }
        self.bearers = {
            str(b.pk): b.name
            for b in WeaponBearer.objects.visible_to(user).filter(pk__in=bearers - {""})
        }

    def person(self, pk: str | None) -> str:
        return self.people.get(pk or "", str(HIDDEN))


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _stakeholder_name(stakeholder: dict[str, Any], names: Names) -> str:
    if stakeholder["name"]:
        return str(stakeholder["name"])
    return names.person(stakeholder["person"]) if stakeholder["person"] else gettext("(unnamed)")


def sections(content: dict[str, Any], names: Names) -> list[Section]:
    """Write one version's content as lines under the file's headings."""
    hidden = str(HIDDEN)
    file = [
        gettext("Title: %(value)s") % {"value": content["title"]},
        gettext("Objective: %(value)s") % {"value": content["objective"] or "—"},
        gettext("Status: %(value)s") % {"value": _label(FileStatus, content["status"])},
        gettext("Opened on: %(value)s") % {"value": content["opened_on"]},
        gettext("Bearer: %(value)s") % {"value": names.bearers.get(content["bearer"], hidden)},
        gettext("Holder: %(value)s") % {"value": content["holder"]},
        *(
            gettext("Counterpart: %(value)s") % {"value": names.person(pk)}
            for pk in content["counterparts"]
        ),
        *(
            gettext("Interaction: %(value)s") % {"value": names.contacts.get(pk, hidden)}
            for pk in content["interactions"]
        ),
    ]
    island = []
    for item in content["island"]:
        if item["kind"] == IslandKind.FACT:
            where = gettext("Agreed fact") if item["agreed"] else gettext("Contested fact")
        else:
            where = gettext("Convergent norm") if item["agreed"] else gettext("Divergent norm")
        island.append(f"{where}: {item['text']}")
    iceberg = [
        f"{_label(Side, e['side'])}, {_label(Layer, e['layer'])}: {e['text']}"
        for e in content["iceberg"]
    ]
    by_id = {s["id"]: _stakeholder_name(s, names) for s in content["stakeholders"]}
    network = [
        gettext("%(name)s — influence %(influence)s, proximity %(proximity)s")
        % {
            "name": by_id[s["id"]],
            "influence": s["influence"],
            "proximity": f"{s['proximity']:+d}",
        }
        + (f" — {s['note']}" if s["note"] else "")
        for s in content["stakeholders"]
    ]
    network += [
        gettext("Link: %(source)s — %(target)s (strength %(strength)s)")
        % {
            "source": by_id.get(link["source"], "?"),
            "target": by_id.get(link["target"], "?"),
            "strength": link["strength"],
        }
        + (f" — {link['note']}" if link["note"] else "")
        for link in content["links"]
    ]
    red = [
        r["text"]
        + (
            " "
            + gettext("[signed off by %(name)s on %(day)s]")
            % {"name": r["signed_off_by"], "day": r["signed_off_at"][:10]}
            if r["signed_off_at"]
            else " " + gettext("[not signed off]")
        )
        for r in content["red_lines"]
    ]
    bottom = [b["text"] for b in content["bottom_lines"]]
    scenarios = [
        gettext("%(text)s (likelihood %(likelihood)s) — costs: %(costs)s; benefits: %(benefits)s")
        % {
            "text": s["text"],
            "likelihood": _label(Likelihood, s["likelihood"]).lower(),
            "costs": s["costs"] or "—",
            "benefits": s["benefits"] or "—",
        }
        for s in content["scenarios"]
    ]
    groups = (file, island, iceberg, network, red, bottom, scenarios)
    return [
        Section(str(title), [("", line) for line in lines])
        for title, lines in zip(SECTIONS, groups, strict=True)
    ]


def diff(older: list[Section], newer: list[Section]) -> list[Section]:
    """Return, heading by heading, the lines of the newer version marked as added, removed
    or unchanged since the older one."""
    result = []
    for before, after in zip(older, newer, strict=True):
        a = [text for _, text in before.lines]
        b = [text for _, text in after.lines]
        lines: list[tuple[str, str]] = []
        for line in difflib.ndiff(a, b):
            mark, text = line[:1], line[2:]
            if mark == "?":
                continue
            lines.append(("" if mark == " " else mark, text))
        result.append(Section(after.title, lines))
    return result
