"""What the applicable-law assistant adds to the bearer profile and the interaction page.

* Bearer panel: the answer for the facts the records give (the bearer's kind, the
  situation it is a party to), with a link to the assistant filled in with them.
* Interaction panel: for each bearer of the contact the reader may see, the answer for
  the contact's situation and what it was about (a checkpoint encounter, a detention
  visit, a topic such as conduct of hostilities), beside the framework discussed.

Everything is read through ``visible_to(user)``. The answer shows no confidential record
(situations and their parties are shared context data), so nothing is audited here.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.models import Interaction
from pourparler.geo.models import SituationParty
from pourparler.law.assistant import UNKNOWN, Facts, applicable_law, facts_for_bearer, with_facts
from pourparler.ui.extensions import Panel

# Drawn below the apps' own records on a profile.
PANEL_ORDER = 200
# How many bearers of one interaction get an answer; contacts rarely have more.
MAX_BEARERS = 3

# What an interaction's kind says about the operation discussed.
OPERATION_OF_KIND = {"checkpoint": "checkpoint", "detention_visit": "detention"}
# What a topic says about it, when the kind says nothing.
OPERATION_OF_TOPIC = {"conduct-of-hostilities": "hostilities", "detention": "detention"}


def assistant_url(facts: Facts) -> str:
    """The assistant's address with the facts filled in."""
    return f"{reverse('law_assistant')}?{facts.as_query()}"


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """The applicable-law answer for what the records say about the bearer."""
    facts = facts_for_bearer(user, bearer)
    if facts is None:
        return []
    context = {
        "bearer": bearer,
        "facts": facts,
        "answer": applicable_law(facts),
        "url": assistant_url(facts),
    }
    return [Panel(template="law/_bearer_panel.html", context=context, order=PANEL_ORDER)]


def operation_of(interaction: Interaction) -> str:
    """The operation a contact was about, from its kind or else its one telling topic."""
    if interaction.kind in OPERATION_OF_KIND:
        return OPERATION_OF_KIND[interaction.kind]
    found = {
        OPERATION_OF_TOPIC[topic.code]
        for topic in interaction.topics.all()
        if topic.code in OPERATION_OF_TOPIC
    }
    return found.pop() if len(found) == 1 else UNKNOWN


def interaction_panels(user: Any, interaction: Interaction) -> list[Panel]:
    """The applicable-law answer for each bearer of the contact the reader may see.

    The interaction's own situation wins; without one, each bearer's situations decide.
    The page has already read the visible bearers and topics; this adds at most one
    query (the bearers' situations) and none when the interaction names its situation.
    """
    bearers = list(
        WeaponBearer.objects.visible_to(user).filter(interactions=interaction)[:MAX_BEARERS]
        if not _prefetched(interaction, "bearers")
        else interaction.bearers.all()[:MAX_BEARERS]
    )
    if not bearers:
        return []
    parties: list[Any] = []
    if not interaction.situation:
        parties = list(
            SituationParty.objects.visible_to(user)
            .filter(bearer__in=[b.pk for b in bearers])
            .select_related("situation")
        )
    operation = operation_of(interaction)
    rows = []
    for bearer in bearers:
        facts = facts_for_bearer(user, bearer, parties=parties)
        if facts is None:
            continue
        facts = with_facts(facts, operation=operation)
        if interaction.situation:
            facts = with_facts(facts, situation=interaction.situation)
        answer = applicable_law(facts)
        discussed = interaction.legal_framework
        rows.append(
            {
                "bearer": bearer,
                "facts": facts,
                "answer": answer,
                "url": assistant_url(facts),
                "discussed_elsewhere": discussed in ("ihl", "ihrl", "domestic")
                and discussed not in answer.frameworks,
            }
        )
    if not rows:
        return []
    context = {"interaction": interaction, "rows": rows}
    return [Panel(template="law/_interaction_panel.html", context=context, order=PANEL_ORDER)]


def _prefetched(instance: Any, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})
