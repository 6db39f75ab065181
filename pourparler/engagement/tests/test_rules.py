"""The rules of the engagement planner, on plain facts (no database).

Each test builds a profile, asks for the plan and checks both the suggestion a rule gives
and the reasons it states.
"""

from __future__ import annotations

from dataclasses import replace

from pourparler.engagement.planner import (
    HIGH,
    LOW,
    MEDIUM,
    RULES,
    BearerProfile,
    CentralPerson,
    Suggestion,
    levels_without_contact,
    suggest,
)

ALL_LEVELS = frozenset({"strategic", "operational", "tactical"})
ALL_PILLARS = (
    ("doctrine", 3),
    ("education", 3),
    ("training", 3),
    ("equipment", 3),
    ("sanctions", 3),
)

# A bearer about which nothing calls for a suggestion: recent contact at every level,
# every pillar assessed above the gap, acceptance, no open concern, a structure of its
# own that triggers only its structural rule ("top" at medium priority).
CALM = BearerProfile(
    name="Varnian Armed Forces",
    kind="armed_forces",
    structure="integrated",
    integration=ALL_PILLARS,
    contact_levels=ALL_LEVELS,
    known_levels=ALL_LEVELS,
    days_since_contact=3,
    central_people=(),
    acceptance="accepted",
)


def codes(profile: BearerProfile) -> list[str]:
    return [s.code for s in suggest(profile)]


def one(profile: BearerProfile, code: str) -> Suggestion:
    found = [s for s in suggest(profile) if s.code == code]
    assert len(found) == 1, codes(profile)
    return found[0]


def test_rule_codes_are_unique() -> None:
    assert len({rule.code for rule in RULES}) == len(RULES)


def test_an_integrated_bearer_in_touch_everywhere_gets_only_the_top_at_medium() -> None:
    # No network yet (empty) asks to record people; the calm world knows someone.
    calm = replace(CALM, central_people=(CentralPerson("Gen. Oren Vasko", 0.5, 0.0),))
    assert codes(calm) == ["top"]
    top = one(calm, "top")
    assert top.priority == MEDIUM
    assert top.channel == "Chain of command: the top"
    assert "doctrine, orders and sanctions" in top.next_step
    assert top.reasons == (
        "The bearer is integrated and hierarchical: orders given at the top are carried "
        "down the chain of command.",
    )


def test_hierarchical_bearer_without_strategic_contact_goes_to_the_top_first() -> None:
    profile = replace(CALM, contact_levels=frozenset({"operational", "tactical"}))
    plan = suggest(profile)
    assert plan[0].code == "top"
    assert plan[0].priority == HIGH
    assert plan[0].reasons[1:] == (
        "We have had no contact at the strategic level in the last 180 days.",
        "We know someone who holds a post at the strategic level.",
    )
    # The top already covers the strategic level: no second suggestion for it.
    assert "level_strategic" not in [s.code for s in plan]


def test_a_state_force_of_unknown_structure_still_has_a_chain_of_command() -> None:
    profile = replace(CALM, kind="police", structure="unknown")
    top = one(profile, "top")
    assert top.reasons[0].startswith("The bearer is a State force")
    assert "structure" not in codes(profile)


def test_decentralised_group_goes_through_local_commanders() -> None:
    profile = replace(
        CALM,
        kind="non_state_armed_group",
        structure="decentralised",
        contact_levels=frozenset({"strategic"}),
    )
    local = one(profile, "local")
    assert local.channel == "Local commanders"
    assert local.priority == HIGH
    assert local.reasons == (
        "The bearer is decentralised: local commanders decide for themselves and orders "
        "from the top are not enough.",
        "We have had no contact at the tactical level in the last 180 days.",
        "We know someone who holds a post at the tactical level.",
    )
    assert "top" not in codes(profile)
    # Local commanders already cover the tactical level; the operational level is its own.
    assert "level_tactical" not in codes(profile)
    assert "level_operational" in codes(profile)


def test_community_ties_bring_in_community_and_religious_figures() -> None:
    profile = replace(
        CALM,
        kind="non_state_armed_group",
        structure="decentralised",
        community_ties=True,
        organisation_level="identity_group",
    )
    community = one(profile, "community")
    assert community.channel == "Community and religious figures"
    assert community.reasons == (
        "The bearer's record notes ties to communities.",
        "UCDP grades it an ethnic, clan, religious or tribal group.",
        "Its members answer to their communities as much as to any command.",
    )
    assert "community" not in codes(replace(profile, community_ties=False, organisation_level=""))


def test_partly_integrated_bearer_is_worked_at_both_ends() -> None:
    profile = replace(CALM, kind="militia", structure="mixed")
    both = one(profile, "both_ends")
    assert both.channel == "Leadership and field commanders"
    assert both.reasons[0].startswith("The bearer is partly integrated")
    assert {"top", "local"}.isdisjoint(codes(profile))


def test_unknown_structure_of_an_armed_group_asks_to_find_out() -> None:
    profile = replace(CALM, kind="non_state_armed_group", structure="unknown")
    found = one(profile, "structure")
    assert found.channel == "Our own records"
    assert found.reasons == (
        "The bearer's structure (integrated or decentralised) is not recorded.",
    )


def test_low_doctrine_and_sanctions_call_for_the_command_and_legal_advisers() -> None:
    profile = replace(
        CALM,
        integration=(
            ("doctrine", 1),
            ("education", 3),
            ("training", 3),
            ("equipment", 3),
            ("sanctions", 0),
        ),
    )
    gap = one(profile, "doctrine_sanctions")
    assert gap.priority == HIGH
    assert gap.next_step.startswith("Offer help to write the law into doctrine and sanctions")
    assert gap.reasons == (
        "Doctrine is at level 1 of 4 in the latest assessment you may see.",
        "Sanctions is at level 0 of 4 in the latest assessment you may see.",
    )
    # Level 2 is not a gap.
    assert "doctrine_sanctions" not in codes(
        replace(CALM, integration=(("doctrine", 2), *ALL_PILLARS[1:]))
    )


def test_low_training_calls_for_dissemination() -> None:
    profile = replace(CALM, integration=(*ALL_PILLARS[:2], ("training", 0), *ALL_PILLARS[3:]))
    training = one(profile, "education_training")
    assert training.channel == "Training and dissemination"
    assert "help with training of the units" in training.next_step
    assert training.reasons == (
        "Training is at level 0 of 4 in the latest assessment you may see.",
    )


def test_pillars_never_assessed_are_to_be_assessed() -> None:
    profile = replace(CALM, integration=(("doctrine", 3), ("sanctions", 3)))
    assess = one(profile, "assess")
    assert assess.priority == LOW
    assert assess.next_step == (
        "Assess the bearer's integration of the law in: education, training, equipment."
    )
    assert assess.reasons == ("No assessment you may see of: education, training, equipment.",)
    nothing = one(replace(CALM, integration=()), "assess")
    assert nothing.reasons == (
        "No assessment of the bearer's integration of the law that you may see.",
    )


def test_each_level_without_contact_is_a_suggestion_that_says_whom_we_know() -> None:
    profile = replace(
        CALM,
        contact_levels=frozenset({"strategic"}),
        known_levels=frozenset({"strategic", "operational"}),
    )
    assert levels_without_contact(profile) == ["operational", "tactical"]
    operational = one(profile, "level_operational")
    tactical = one(profile, "level_tactical")
    assert operational.priority == MEDIUM
    assert operational.next_step.startswith(
        "Ask for a meeting with the people we know at the operational"
    )
    assert operational.reasons == (
        "We have had no contact at the operational level in the last 180 days.",
        "We know someone who holds a post at the operational level.",
    )
    assert tactical.priority == LOW
    assert tactical.next_step.startswith("Find out who holds the posts at the tactical level")
    assert tactical.reasons[1] == "We know nobody who holds a post at the tactical level."
    assert "level_strategic" not in codes(profile)


def test_a_central_person_nobody_holds_is_a_broker_to_win() -> None:
    people = (
        CentralPerson("Maj. Lina Sork", degree=0.6, betweenness=0.5, person_id="p1"),
        CentralPerson(
            "Gen. Oren Vasko", degree=0.8, betweenness=0.2, person_id="p2", held_by=("Alice",)
        ),
    )
    profile = replace(CALM, central_people=people)
    broker = one(profile, "broker")
    assert broker.channel == "Through Maj. Lina Sork"
    assert broker.reasons == (
        "Maj. Lina Sork links more of the people we know than anyone we have no "
        "relationship with (betweenness 0.50, degree 0.60).",
        "Nobody on our side holds a relationship with Maj. Lina Sork.",
    )
    # The most central is not held, so the "held" rule does not speak.
    assert "held" not in codes(profile)


def test_the_most_central_person_held_by_our_staff_is_the_way_in() -> None:
    people = (
        CentralPerson("Gen. Oren Vasko", degree=1.0, betweenness=0.7, held_by=("Alice", "Bob")),
    )
    held = one(replace(CALM, central_people=people), "held")
    assert held.channel == "Through Gen. Oren Vasko"
    assert held.next_step.startswith("Ask Alice, Bob to use the relationship with Gen. Oren Vasko")
    assert held.reasons[1] == "Alice, Bob hold a relationship with Gen. Oren Vasko."
    assert "broker" not in codes(replace(CALM, central_people=people))


def test_an_empty_network_asks_to_record_people_but_an_unbuilt_one_says_nothing() -> None:
    empty = one(replace(CALM, central_people=()), "network")
    assert empty.reasons == (
        "We know nobody in the bearer: no post, relationship or stakeholder you may see.",
    )
    assert "network" not in codes(replace(CALM, central_people=None))


def test_refused_acceptance_comes_first_and_unknown_is_medium() -> None:
    refused = replace(CALM, acceptance="refused")
    assert suggest(refused)[0].code == "acceptance"
    assert suggest(refused)[0].reasons == (
        "The latest acceptance assessment you may see says the bearer refuses our offer.",
    )
    unknown = one(replace(CALM, acceptance="unknown"), "acceptance")
    assert unknown.priority == MEDIUM
    assert unknown.reasons == (
        "No acceptance assessment you may see says whether the bearer accepts us.",
    )
    assert "acceptance" not in codes(CALM)


def test_open_concerns_are_followed_up_at_the_next_contact() -> None:
    found = one(replace(CALM, open_concerns=2), "concerns")
    assert found.next_step.startswith("Follow up the 2 open concerns at the next contact")
    assert found.reasons == ("2 concerns you may see are still open with the bearer.",)
    single = one(replace(CALM, open_concerns=1), "concerns")
    assert single.next_step.startswith("Follow up the 1 open concern at the next contact")
    assert single.reasons == ("1 concern you may see is still open with the bearer.",)
    assert "concerns" not in codes(CALM)


def test_long_silence_and_no_contact_ever_call_to_re_establish_contact() -> None:
    never = one(replace(CALM, days_since_contact=None), "silence")
    assert never.priority == HIGH
    assert never.reasons == ("No interaction with the bearer that you may see was ever recorded.",)
    long_ago = one(replace(CALM, days_since_contact=400), "silence")
    assert long_ago.reasons == ("The last interaction you may see was 400 days ago.",)
    assert "silence" not in codes(replace(CALM, days_since_contact=180))


def test_external_support_suggests_those_who_support_the_bearer() -> None:
    found = one(replace(CALM, external_support=True), "supporters")
    assert found.channel == "Those who support the bearer"
    assert found.priority == LOW
    assert found.reasons == ("The bearer's record notes external support.",)


def test_suggestions_are_ordered_by_priority_then_by_rule() -> None:
    profile = replace(
        CALM,
        acceptance="refused",
        external_support=True,
        open_concerns=1,
        contact_levels=frozenset(),
        days_since_contact=None,
    )
    plan = suggest(profile)
    priorities = [s.priority for s in plan]
    assert priorities == sorted(priorities)
    assert [s.code for s in plan[:3]] == ["silence", "acceptance", "top"]
    assert plan[-1].code == "supporters"
