"""The engagement planner: which channels and next steps to try with a bearer, and why.

Three parts:

* ``suggest(profile)`` is a pure rule engine. A ``BearerProfile`` holds plain facts about
  a bearer (its kind and structure, its integration of the law pillar by pillar, the
  levels where we had contact lately, the most central people we know, open concerns,
  acceptance); each rule of ``RULES`` looks at those facts and, when they call for it,
  gives a ``Suggestion``: a channel, a next step, a priority, and the reasons, plain
  sentences naming the facts that triggered it.
* ``profile_for(user, bearer)`` gathers those facts, only through ``visible_to(user)``:
  two delegations looking at the same bearer get two plans, each from its own records.
* ``influence_network(user, bearer)`` builds the network of the people we know in the
  bearer (their posts in the unit tree, the relationships our staff hold with them and
  the networks of influence drawn in negotiation files) and ranks them by centrality.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# How far back a contact counts as recent.
RECENT_DAYS = 180
# A pillar at or below this level is an integration gap (0 none … 4 full).
GAP_LEVEL = 1
# How many central people a profile keeps.
CENTRAL_LIMIT = 5

LEVELS = (
    ("strategic", _("strategic")),
    ("operational", _("operational")),
    ("tactical", _("tactical")),
)
# The name of each level, as the pages show it (the codes stay English).
LEVEL_NAMES = dict(LEVELS)
LEVEL_WORDS = {
    "strategic": _("the strategic level (ministry, chief of staff, group leadership)"),
    "operational": _("the operational level (regional or brigade command)"),
    "tactical": _("the tactical level (checkpoints, stations, barracks, local commanders)"),
}
LEVEL_CHANNELS = {
    "strategic": _("Strategic level"),
    "operational": _("Operational level"),
    "tactical": _("Tactical level"),
}
PILLAR_NAMES = {
    "doctrine": _("Doctrine"),
    "education": _("Education"),
    "training": pgettext_lazy("integration pillar", "Training"),
    "equipment": _("Equipment"),
    "sanctions": _("Sanctions"),
}
# The same names inside a sentence (lower case in English and French).
PILLAR_WORDS = {
    "doctrine": _("doctrine"),
    "education": _("education"),
    "training": _("training"),
    "equipment": _("equipment"),
    "sanctions": _("sanctions"),
}
STATE_KINDS = frozenset({"armed_forces", "police", "gendarmerie", "other_law_enforcement"})

HIGH, MEDIUM, LOW = 1, 2, 3
PRIORITY_LABELS = {
    HIGH: pgettext_lazy("priority", "High"),
    MEDIUM: pgettext_lazy("priority", "Medium"),
    LOW: pgettext_lazy("priority", "Low"),
}


@dataclass(frozen=True)
class CentralPerson:
    """Someone in the network we know around a bearer, with their centrality."""

    label: str
    degree: float
    betweenness: float
    person_id: str | None = None
    level: str = ""
    held_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class BearerProfile:
    """Plain facts about a bearer, as one delegation's records show them."""

    name: str
    kind: str
    structure: str = "unknown"
    organisation_level: str = ""
    territorial_control: str = "unknown"
    community_ties: bool = False
    external_support: bool = False
    # The current level of each pillar assessed (pillars never assessed are missing).
    integration: tuple[tuple[str, int], ...] = ()
    # Levels with an interaction in the last RECENT_DAYS days.
    contact_levels: frozenset[str] = frozenset()
    # Levels where we know someone who holds a post now.
    known_levels: frozenset[str] = frozenset()
    # Days since the last interaction with the bearer (None: never).
    days_since_contact: int | None = None
    # The most central people, most central first; None when the network was not built.
    central_people: tuple[CentralPerson, ...] | None = None
    open_concerns: int = 0
    acceptance: str = "unknown"

    @property
    def pillars(self) -> dict[str, int]:
        """The current level of each pillar assessed."""
        return dict(self.integration)

    @property
    def is_state(self) -> bool:
        """Say whether the bearer is a State force (armed forces, police, gendarmerie…)."""
        return self.kind in STATE_KINDS


@dataclass(frozen=True)
class Suggestion:
    """A channel to use with a bearer and the next step on it, with the reasons."""

    code: str
    channel: str
    next_step: str
    priority: int
    reasons: tuple[str, ...]

    @property
    def priority_label(self) -> str:
        """High, medium or low."""
        return str(PRIORITY_LABELS[self.priority])


# A rule's condition returns the reasons that trigger it (empty: the rule does not apply)
# and the values its channel and next step are written with.
Match = tuple[list[str], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """Condition -> suggestion template."""

    code: str
    channel: str | Promise
    next_step: str | Promise
    priority: int | Callable[[BearerProfile], int]
    when: Callable[[BearerProfile], Match]

    def apply(self, profile: BearerProfile) -> Suggestion | None:
        reasons, values = self.when(profile)
        if not reasons:
            return None
        priority = self.priority(profile) if callable(self.priority) else self.priority
        return Suggestion(
            code=self.code,
            # Translated when the rule applies (the language of the request).
            channel=str(self.channel).format(**values),
            next_step=str(self.next_step).format(**values),
            priority=priority,
            reasons=tuple(reasons),
        )


NO_CONTACT_REASONS = {
    "strategic": _("We have had no contact at the strategic level in the last %(days)s days."),
    "operational": _("We have had no contact at the operational level in the last %(days)s days."),
    "tactical": _("We have had no contact at the tactical level in the last %(days)s days."),
}
KNOWN_REASONS = {
    "strategic": _("We know someone who holds a post at the strategic level."),
    "operational": _("We know someone who holds a post at the operational level."),
    "tactical": _("We know someone who holds a post at the tactical level."),
}
UNKNOWN_REASONS = {
    "strategic": _("We know nobody who holds a post at the strategic level."),
    "operational": _("We know nobody who holds a post at the operational level."),
    "tactical": _("We know nobody who holds a post at the tactical level."),
}


def and_list(names: list[str]) -> str:
    """``a, b and c`` in the language of the request."""
    if len(names) <= 1:
        return "".join(names)
    return gettext("%(first)s and %(last)s") % {
        "first": gettext(", ").join(names[:-1]),
        "last": names[-1],
    }


def _no_contact_reason(profile: BearerProfile, level: str) -> str:
    return str(NO_CONTACT_REASONS[level]) % {"days": RECENT_DAYS}


def _known_reason(p: BearerProfile, level: str) -> str:
    if level in p.known_levels:
        return str(KNOWN_REASONS[level])
    return str(UNKNOWN_REASONS[level])


def _hierarchical(p: BearerProfile) -> Match:
    reasons = []
    if p.structure == "integrated":
        reasons.append(
            gettext(
                "The bearer is integrated and hierarchical: orders given at the top are "
                "carried down the chain of command."
            )
        )
    elif p.structure == "unknown" and p.is_state:
        reasons.append(
            gettext(
                "The bearer is a State force: it has a chain of command answerable to a government."
            )
        )
    if reasons and "strategic" not in p.contact_levels:
        reasons.append(_no_contact_reason(p, "strategic"))
        reasons.append(_known_reason(p, "strategic"))
    return reasons, {}


def _hierarchical_priority(p: BearerProfile) -> int:
    return MEDIUM if "strategic" in p.contact_levels else HIGH


def _decentralised(p: BearerProfile) -> Match:
    if p.structure != "decentralised":
        return [], {}
    reasons = [
        gettext(
            "The bearer is decentralised: local commanders decide for themselves and orders "
            "from the top are not enough."
        )
    ]
    if "tactical" not in p.contact_levels:
        reasons.append(_no_contact_reason(p, "tactical"))
        reasons.append(_known_reason(p, "tactical"))
    return reasons, {}


def _mixed(p: BearerProfile) -> Match:
    if p.structure != "mixed":
        return [], {}
    return [
        gettext(
            "The bearer is partly integrated: the leadership sets the line, but field "
            "commanders keep room of their own."
        )
    ], {}


def _community(p: BearerProfile) -> Match:
    reasons = []
    if p.community_ties:
        reasons.append(gettext("The bearer's record notes ties to communities."))
    if p.organisation_level == "identity_group":
        reasons.append(gettext("UCDP grades it an ethnic, clan, religious or tribal group."))
    if reasons and p.structure in ("decentralised", "mixed"):
        reasons.append(
            gettext("Its members answer to their communities as much as to any command.")
        )
    return reasons, {}


def _unknown_structure(p: BearerProfile) -> Match:
    if p.structure != "unknown" or p.is_state:
        return [], {}
    return [gettext("The bearer's structure (integrated or decentralised) is not recorded.")], {}


def _gap(pillars: Iterable[str]) -> Callable[[BearerProfile], Match]:
    wanted = tuple(pillars)

    def when(p: BearerProfile) -> Match:
        levels = p.pillars
        low = [(name, levels[name]) for name in wanted if name in levels]
        low = [(name, level) for name, level in low if level <= GAP_LEVEL]
        reasons = [
            gettext("%(pillar)s is at level %(level)s of 4 in the latest assessment you may see.")
            % {"pillar": PILLAR_NAMES[name], "level": level}
            for name, level in low
        ]
        names = and_list([str(PILLAR_WORDS[name]) for name, _level in low])
        return reasons, {"pillars": names}

    return when


def _not_assessed(p: BearerProfile) -> Match:
    missing = [name for name in PILLAR_NAMES if name not in p.pillars]
    if not missing:
        return [], {}
    names = gettext(", ").join(str(PILLAR_WORDS[name]) for name in missing)
    if len(missing) == len(PILLAR_NAMES):
        return [
            gettext("No assessment of the bearer's integration of the law that you may see.")
        ], {"pillars": names}
    return [gettext("No assessment you may see of: %(names)s.") % {"names": names}], {
        "pillars": names
    }


def _level_without_contact(level: str) -> Callable[[BearerProfile], Match]:
    def when(p: BearerProfile) -> Match:
        if level in p.contact_levels:
            return [], {}
        # The structural rules already send us to the top, or to local commanders.
        if level == "strategic" and _hierarchical(p)[0]:
            return [], {}
        if level == "tactical" and _decentralised(p)[0]:
            return [], {}
        reasons = [_no_contact_reason(p, level), _known_reason(p, level)]
        # The whole next step is one sentence to translate (the word order differs).
        if level in p.known_levels:
            step = gettext("Ask for a meeting with the people we know at %(where)s.")
        else:
            step = gettext("Find out who holds the posts at %(where)s.")
        return reasons, {"step": step % {"where": LEVEL_WORDS[level]}}

    return when


def _level_priority(level: str) -> Callable[[BearerProfile], int]:
    def priority(p: BearerProfile) -> int:
        return MEDIUM if level in p.known_levels else LOW

    return priority


def _central_unheld(p: BearerProfile) -> Match:
    people = p.central_people or ()
    unheld = [c for c in people if not c.held_by and c.betweenness > 0]
    if not unheld:
        return [], {}
    top = unheld[0]
    figures = {
        "who": top.label,
        "betweenness": formats.number_format(top.betweenness, 2),
        "degree": formats.number_format(top.degree, 2),
    }
    return [
        gettext(
            "%(who)s links more of the people we know than anyone we have no "
            "relationship with (betweenness %(betweenness)s, degree %(degree)s)."
        )
        % figures,
        gettext("Nobody on our side holds a relationship with %(who)s.") % figures,
    ], {"who": top.label}


def _central_held(p: BearerProfile) -> Match:
    people = p.central_people or ()
    if not people or not people[0].held_by:
        return [], {}
    top = people[0]
    holders = gettext(", ").join(top.held_by)
    figures = {
        "who": top.label,
        "holders": holders,
        "betweenness": formats.number_format(top.betweenness, 2),
        "degree": formats.number_format(top.degree, 2),
    }
    return [
        gettext(
            "%(who)s is the most central person in the network we know "
            "(betweenness %(betweenness)s, degree %(degree)s)."
        )
        % figures,
        ngettext(
            "%(holders)s holds a relationship with %(who)s.",
            "%(holders)s hold a relationship with %(who)s.",
            len(top.held_by),
        )
        % figures,
    ], {"who": top.label, "holders": holders}


def _no_network(p: BearerProfile) -> Match:
    if p.central_people is None or p.central_people:
        return [], {}
    return [
        gettext("We know nobody in the bearer: no post, relationship or stakeholder you may see.")
    ], {}


ACCEPTANCE_REASONS = {
    "refused": _("The latest acceptance assessment you may see says the bearer refuses our offer."),
    "partly": _("The latest acceptance assessment you may see says the bearer accepts us in part."),
    "unknown": _("No acceptance assessment you may see says whether the bearer accepts us."),
}


def _acceptance(p: BearerProfile) -> Match:
    reason = ACCEPTANCE_REASONS.get(p.acceptance)
    return ([str(reason)] if reason else []), {}


def _acceptance_priority(p: BearerProfile) -> int:
    return HIGH if p.acceptance == "refused" else MEDIUM


def _open_concerns(p: BearerProfile) -> Match:
    if p.open_concerns <= 0:
        return [], {}
    count = p.open_concerns
    reason = ngettext(
        "%(count)s concern you may see is still open with the bearer.",
        "%(count)s concerns you may see are still open with the bearer.",
        count,
    ) % {"count": count}
    step = ngettext(
        "Follow up the %(count)s open concern at the next contact, at the level that can "
        "act on them.",
        "Follow up the %(count)s open concerns at the next contact, at the level that can "
        "act on them.",
        count,
    ) % {"count": count}
    return [reason], {"step": step}


def _silence(p: BearerProfile) -> Match:
    if p.days_since_contact is None:
        return [gettext("No interaction with the bearer that you may see was ever recorded.")], {}
    if p.days_since_contact > RECENT_DAYS:
        return [
            gettext("The last interaction you may see was %(days)s days ago.")
            % {"days": p.days_since_contact}
        ], {}
    return [], {}


def _external_support(p: BearerProfile) -> Match:
    if not p.external_support:
        return [], {}
    return [gettext("The bearer's record notes external support.")], {}


RULES: tuple[Rule, ...] = (
    Rule(
        "silence",
        _("Any level where we are known"),
        _(
            "Re-establish contact before anything else: a courtesy visit to remind who we are "
            "and what we do."
        ),
        HIGH,
        _silence,
    ),
    Rule(
        "acceptance",
        _("Whoever decides on our presence"),
        _(
            "Explain who we are, what we do and what we ask, and listen to what the bearer "
            "expects, before asking for anything else."
        ),
        _acceptance_priority,
        _acceptance,
    ),
    Rule(
        "top",
        _("Chain of command: the top"),
        _(
            "Seek a meeting at the strategic level: the law enters doctrine, orders and "
            "sanctions there, and is carried down the chain."
        ),
        _hierarchical_priority,
        _hierarchical,
    ),
    Rule(
        "local",
        _("Local commanders"),
        _(
            "Meet the commanders of the units on the ground one by one, where they act, and "
            "agree on concrete points with each."
        ),
        HIGH,
        _decentralised,
    ),
    Rule(
        "both_ends",
        _("Leadership and field commanders"),
        _(
            "Work at both ends: agree on the line with the leadership, then check with field "
            "commanders that it is known and followed."
        ),
        MEDIUM,
        _mixed,
    ),
    Rule(
        "community",
        _("Community and religious figures"),
        _(
            "Approach the community, religious and traditional figures the members listen to, "
            "and speak with them of the norms they already share with the law."
        ),
        MEDIUM,
        _community,
    ),
    Rule(
        "structure",
        _("Our own records"),
        _("Find out how the bearer is organised: who decides, and how far orders are obeyed."),
        MEDIUM,
        _unknown_structure,
    ),
    Rule(
        "doctrine_sanctions",
        _("Command and legal advisers"),
        _(
            "Offer help to write the law into {pillars}: manuals, orders, rules of engagement, "
            "and a system that investigates and punishes violations."
        ),
        HIGH,
        _gap(("doctrine", "sanctions")),
    ),
    Rule(
        "education_training",
        _("Training and dissemination"),
        _(
            "Propose dissemination sessions and help with {pillars} of the units, with "
            "scenarios drawn from their own operations."
        ),
        MEDIUM,
        _gap(("education", "training")),
    ),
    Rule(
        "equipment",
        _("Command and logistics"),
        _(
            "Discuss the means members need to act within the law (other means than firearms, "
            "markings)."
        ),
        LOW,
        _gap(("equipment",)),
    ),
    Rule(
        "assess",
        _("Our own records"),
        _("Assess the bearer's integration of the law in: {pillars}."),
        LOW,
        _not_assessed,
    ),
    *(
        Rule(
            f"level_{level}",
            LEVEL_CHANNELS[level],
            "{step}",
            _level_priority(level),
            _level_without_contact(level),
        )
        for level, _label in LEVELS
    ),
    Rule(
        "broker",
        _("Through {who}"),
        _("Build a relationship with {who}: they link people we know who are otherwise apart."),
        MEDIUM,
        _central_unheld,
    ),
    Rule(
        "held",
        _("Through {who}"),
        _("Ask {holders} to use the relationship with {who} to reach the others in the network."),
        LOW,
        _central_held,
    ),
    Rule(
        "network",
        _("Our own records"),
        _("Record the people we meet in the bearer, their posts and who on our side knows them."),
        MEDIUM,
        _no_network,
    ),
    Rule(
        "concerns",
        _("The next contact"),
        "{step}",
        MEDIUM,
        _open_concerns,
    ),
    Rule(
        "supporters",
        _("Those who support the bearer"),
        _(
            "Ask the States or groups that support the bearer to use their influence for "
            "respect of the law."
        ),
        LOW,
        _external_support,
    ),
)


def suggest(profile: BearerProfile) -> list[Suggestion]:
    """Apply every rule to the profile; the suggestions, highest priority first, in the
    order of the rules within a priority."""
    found = [s for s in (rule.apply(profile) for rule in RULES) if s is not None]
    order = {rule.code: i for i, rule in enumerate(RULES)}
    return sorted(found, key=lambda s: (s.priority, order[s.code]))


# --- Gathering the facts (through the read paths only) -------------------------------


@dataclass
class Plan:
    """What the plan page shows: the profile, its suggestions, the network."""

    profile: BearerProfile
    suggestions: list[Suggestion]
    levels_without_contact: list[str]
    person_ids: list[Any] = field(default_factory=list)


def _edge(graph: nx.Graph, a: str, b: str, weight: int) -> None:
    if a == b or weight <= 0:
        return
    if graph.has_edge(a, b):
        graph[a][b]["weight"] = max(graph[a][b]["weight"], weight)
    else:
        graph.add_edge(a, b, weight=weight)


STRENGTH_WEIGHTS = {"first_contact": 1, "working": 2, "trusted": 3, "strained": 1}


def influence_network(user: Any, bearer: Any) -> nx.Graph:
    """The network of the people the user may see in the bearer.

    Nodes: ``person:<id>`` for each visible person with a current post in the bearer
    (attributes ``label``, ``kind`` "person", ``level``, ``person``, ``held_by``),
    ``staff:<id>`` for our staff who hold a relationship with one of them (``kind``
    "staff"), and whatever the negotiation files' network of influence adds. Edges
    (weighted, stronger is closer): people in the same unit (2), in a unit and its
    parent (1; a post with no unit counts as the top, above the units without a parent),
    a relationship (by its strength), and the influence links of negotiation files.
    """
    from pourparler.bearers.models import Unit
    from pourparler.people.models import Person, Position, Relationship

    graph = nx.Graph()
    people = Person.objects.visible_to(user)
    positions = list(
        Position.objects.visible_to(user)
        .filter(bearer=bearer, ends_on__isnull=True, person__in=people)
        .select_related("person")
        .order_by("created_at", "id")
    )
    units = dict(Unit.objects.visible_to(user).filter(bearer=bearer).values_list("pk", "parent_id"))
    by_unit: dict[Any, list[str]] = {}
    for position in positions:
        node = f"person:{position.person_id}"
        if node not in graph:
            graph.add_node(
                node,
                label=str(position.person),
                kind="person",
                level=position.level,
                person=position.person_id,
                held_by=(),
            )
        # A unit the user may not see counts as no unit.
        unit = position.unit_id if position.unit_id in units else None
        by_unit.setdefault(unit, []).append(node)
    for unit, nodes in by_unit.items():
        for i, a in enumerate(nodes):
            for b in nodes[i + 1 :]:
                _edge(graph, a, b, 2)
        parent = units.get(unit) if unit is not None else None
        if unit is not None and (parent is None or parent in units):
            for a in nodes:
                for b in by_unit.get(parent, []):
                    _edge(graph, a, b, 1)
    person_ids = [graph.nodes[n]["person"] for n in graph.nodes]
    relationships = (
        Relationship.objects.visible_to(user)
        .filter(person_id__in=person_ids, until__isnull=True)
        .select_related("holder")
        .order_by("created_at", "id")
    )
    for relationship in relationships:
        holder = relationship.holder
        staff = f"staff:{holder.pk}"
        name = holder.display_name()
        if staff not in graph:
            graph.add_node(staff, label=name, kind="staff")
        node = f"person:{relationship.person_id}"
        _edge(graph, staff, node, STRENGTH_WEIGHTS.get(relationship.strength, 1))
        if name not in graph.nodes[node]["held_by"]:
            graph.nodes[node]["held_by"] = (*graph.nodes[node]["held_by"], name)
    _merge_negotiation(graph, user, bearer)
    return graph


def _merge_negotiation(graph: nx.Graph, user: Any, bearer: Any) -> None:
    """Add the negotiation files' network of influence about the bearer, if the app
    provides it (its graph is built through the same read paths)."""
    try:
        from pourparler.negotiation.graph import influence_graph
    except ImportError:  # pragma: no cover - the app is optional
        return
    other = influence_graph(user, bearer)
    for node, data in other.nodes(data=True):
        if node in graph:
            continue
        graph.add_node(
            node,
            label=data.get("label", node),
            kind=data.get("kind", "outsider"),
            level="",
            person=data.get("person"),
            held_by=(),
        )
    for a, b, data in other.edges(data=True):
        _edge(graph, a, b, int(data.get("weight", 1)))


def centrality(graph: nx.Graph, limit: int = CENTRAL_LIMIT) -> tuple[CentralPerson, ...]:
    """The people (not our staff) of the network, most central first: by betweenness
    over distances (a strong tie is a short way), then degree, then name."""
    if graph.number_of_nodes() == 0:
        return ()
    degree = nx.degree_centrality(graph)
    distances = nx.Graph()
    distances.add_nodes_from(graph.nodes)
    for a, b, data in graph.edges(data=True):
        distances.add_edge(a, b, distance=1 / data["weight"])
    between = nx.betweenness_centrality(distances, weight="distance", normalized=True)
    rows = [
        CentralPerson(
            label=str(data.get("label", node)),
            degree=round(degree[node], 2),
            betweenness=round(between[node], 2),
            person_id=str(data["person"]) if data.get("person") else None,
            level=str(data.get("level", "")),
            held_by=tuple(data.get("held_by", ())),
        )
        for node, data in graph.nodes(data=True)
        if data.get("kind") != "staff"
    ]
    rows.sort(key=lambda c: (-c.betweenness, -c.degree, c.label))
    return tuple(rows[:limit])


def profile_for(user: Any, bearer: Any, *, network: bool = True) -> BearerProfile:
    """Gather the facts about a bearer the user may see (``bearer`` was itself read
    through the read path). Without ``network`` the central people are left out (None),
    which spares the queries of the network for the short panel."""
    from pourparler.access.models import AcceptanceAssessment
    from pourparler.concerns.models import ACTIVE_STATUSES, Concern
    from pourparler.dialogue.models import Interaction
    from pourparler.integration.figures import current_assessments
    from pourparler.people.models import Person, Position

    current = current_assessments(user, [bearer])[bearer.pk]
    integration = tuple(
        (pillar, int(current[pillar].level)) for pillar in PILLAR_NAMES if pillar in current
    )
    interactions = Interaction.objects.visible_to(user).filter(bearers=bearer)
    now = timezone.now()
    since = now - datetime.timedelta(days=RECENT_DAYS)
    # The last contact at each level, in one query.
    last_at = dict(
        interactions.order_by()
        .values("level")
        .annotate(last=Max("occurred_at"))
        .values_list("level", "last")
    )
    contact_levels = frozenset(level for level, last in last_at.items() if last >= since)
    known_levels = frozenset(
        Position.objects.visible_to(user)
        .filter(bearer=bearer, ends_on__isnull=True, person__in=Person.objects.visible_to(user))
        .values_list("level", flat=True)
        .distinct()
    )
    acceptance = (
        AcceptanceAssessment.objects.visible_to(user)
        .filter(bearer=bearer)
        .order_by("-assessed_on", "-created_at")
        .values_list("status", flat=True)
        .first()
    )
    open_concerns = (
        Concern.objects.visible_to(user)
        .filter(bearers=bearer, status__in=ACTIVE_STATUSES)
        .distinct()
        .count()
    )
    central = centrality(influence_network(user, bearer)) if network else None
    return BearerProfile(
        name=bearer.name,
        kind=bearer.kind,
        structure=bearer.structure,
        organisation_level=bearer.organisation_level,
        territorial_control=bearer.territorial_control,
        community_ties=bool(bearer.community_ties.strip()),
        external_support=bool(bearer.external_support.strip()),
        integration=integration,
        contact_levels=contact_levels,
        known_levels=known_levels,
        days_since_contact=(now - max(last_at.values())).days if last_at else None,
        central_people=central,
        open_concerns=open_concerns,
        acceptance=acceptance or "unknown",
    )


def levels_without_contact(profile: BearerProfile) -> list[str]:
    """The levels with no recent contact, from the top."""
    return [level for level, _label in LEVELS if level not in profile.contact_levels]


def plan_for(user: Any, bearer: Any, *, network: bool = True) -> Plan:
    """The profile of the bearer, its suggestions and the levels without contact."""
    profile = profile_for(user, bearer, network=network)
    people = profile.central_people or ()
    return Plan(
        profile=profile,
        suggestions=suggest(profile),
        levels_without_contact=levels_without_contact(profile),
        person_ids=[c.person_id for c in people if c.person_id],
    )
