"""Scenarios of the applicable-law assistant: each shift the issue names, and unknown facts.

The assistant is a pure function: these tests build no database rows.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from pourparler.law.assistant import (
    DERIVED,
    DISCLAIMER,
    FACT_CHOICES,
    RULES,
    Answer,
    Facts,
    applicable_law,
    derive,
    situation_of,
)
from pourparler.law.references import REFERENCES


def ask(**facts: str) -> Answer:
    return applicable_law(Facts(**facts))


def keys(answer: Answer) -> list[str]:
    return [step.key for step in answer.steps]


def cited(answer: Answer) -> set[str]:
    return {reference.key for step in answer.steps for reference in step.references}


# The shifts ------------------------------------------------------------------------------


def test_police_incorporated_into_the_armed_forces_in_an_iac_are_combatants() -> None:
    answer = ask(situation="iac", bearer_kind="police", incorporated="yes", operation="hostilities")
    assert "incorporated-iac" in keys(answer)
    assert "api-43-3" in cited(answer)
    assert "notify" in answer.steps[keys(answer).index("incorporated-iac")].text
    assert answer.frameworks[0] == "ihl"
    assert answer.paradigms == ("hostilities",)
    assert "not-incorporated" not in keys(answer)


def test_gendarmerie_incorporated_in_a_niac_counts_as_armed_forces_without_the_ap_i_notice() -> (
    None
):
    answer = ask(situation="niac", bearer_kind="gendarmerie", incorporated="yes")
    assert "incorporated-niac" in keys(answer)
    assert "incorporated-iac" not in keys(answer)
    assert "cihl-4" in cited(answer)


def test_police_taking_a_direct_part_are_targetable_for_such_time_and_bound_by_ihl() -> None:
    answer = ask(
        situation="niac",
        bearer_kind="police",
        incorporated="no",
        direct_part="yes",
        operation="hostilities",
    )
    assert {"not-incorporated", "direct-part", "hostilities-niac"} <= set(keys(answer))
    assert {"api-51-3", "icrc-dph"} <= cited(answer)
    assert answer.paradigms == ("hostilities",)
    assert "such time" in answer.steps[keys(answer).index("direct-part")].text


def test_police_neither_incorporated_nor_fighting_stay_civilians_under_law_enforcement() -> None:
    answer = ask(
        situation="iac",
        bearer_kind="police",
        incorporated="no",
        direct_part="no",
        operation="arrest",
    )
    assert "not-incorporated" in keys(answer)
    assert "direct-part" not in keys(answer)
    assert answer.paradigms == ("law_enforcement",)
    assert {"api-50", "iccpr-9"} <= cited(answer)


def test_police_neither_incorporated_nor_taking_part_have_no_licence_to_fight() -> None:
    answer = ask(
        situation="niac",
        bearer_kind="police",
        incorporated="no",
        direct_part="no",
        operation="hostilities",
    )
    assert "hostilities-by-civilians" in keys(answer)
    assert "hostilities" not in answer.paradigms
    assert "law_enforcement" in answer.paradigms


def test_soldiers_policing_a_demonstration_follow_the_law_enforcement_rules() -> None:
    answer = ask(situation="other_violence", bearer_kind="armed_forces", operation="crowd")
    assert {"other-violence", "soldiers-policing", "crowd"} <= set(keys(answer))
    assert {"bpuff", "bpuff-12-14", "ccleo", "iccpr-21"} <= cited(answer)
    assert answer.paradigms == ("law_enforcement",)
    assert "ihl" not in answer.frameworks


def test_soldiers_policing_a_demonstration_during_a_niac_still_follow_law_enforcement() -> None:
    answer = ask(situation="niac", bearer_kind="armed_forces", operation="crowd")
    assert {"policing-in-conflict", "soldiers-policing", "crowd"} <= set(keys(answer))
    assert answer.paradigms == ("law_enforcement",)
    assert "ihl" in answer.frameworks  # the conflict goes on around them


def test_army_checkpoint_in_a_niac_is_law_enforcement_with_access_for_relief() -> None:
    answer = ask(situation="niac", bearer_kind="armed_forces", operation="checkpoint")
    assert {"checkpoint", "policing-in-conflict", "soldiers-policing"} <= set(keys(answer))
    assert {"bpuff-9", "iccpr-12", "cihl-55-56"} <= cited(answer)
    assert answer.paradigms == ("law_enforcement",)


def test_army_checkpoint_in_an_iac_names_the_combatants_and_law_enforcement() -> None:
    answer = ask(situation="iac", bearer_kind="armed_forces", operation="checkpoint")
    assert {"iac", "armed-forces-iac", "checkpoint"} <= set(keys(answer))
    assert answer.paradigms == ("law_enforcement",)


def test_arrest_by_armed_forces_in_a_niac_needs_grounds_and_a_judge() -> None:
    answer = ask(situation="niac", bearer_kind="armed_forces", operation="arrest")
    assert {"arrest", "no-ill-treatment", "state-forces-niac"} <= set(keys(answer))
    assert {"iccpr-9", "iccpr-7", "cat"} <= cited(answer)


def test_detention_by_armed_forces_in_an_iac_follows_gc_iii_and_iv() -> None:
    answer = ask(situation="iac", bearer_kind="armed_forces", operation="detention")
    assert "detention-iac" in keys(answer)
    assert {"gc3", "gc4-42-78", "api-75"} <= cited(answer)
    assert "detention_ihl" in answer.paradigms
    assert "detention-niac" not in keys(answer)


def test_detention_by_armed_forces_in_a_niac_uses_ca3_ihrl_and_the_mandela_rules() -> None:
    answer = ask(situation="niac", bearer_kind="armed_forces", operation="detention")
    assert "detention-niac" in keys(answer)
    assert {"gc-ca3", "iccpr-9", "mandela"} <= cited(answer)
    assert "detention-niac-apii" not in keys(answer)  # AP II not known to apply


def test_detention_in_a_niac_under_ap_ii_adds_its_guarantees() -> None:
    answer = ask(
        situation="niac",
        bearer_kind="armed_forces",
        operation="detention",
        ap2_party="yes",
        ap2_threshold="yes",
    )
    assert {"niac-apii", "detention-niac-apii"} <= set(keys(answer))
    assert "apii-4-6" in cited(answer)


def test_armed_group_in_a_niac_is_bound_by_ca3_and_custom_and_ap_ii_when_both_hold() -> None:
    answer = ask(
        situation="niac",
        bearer_kind="non_state_armed_group",
        operation="hostilities",
        ap2_party="yes",
        ap2_threshold="yes",
    )
    assert {"niac", "niac-apii", "armed-group-niac", "hostilities-niac"} <= set(keys(answer))
    assert {"gc-ca3", "cihl", "apii-1"} <= cited(answer)
    assert answer.paradigms == ("hostilities",)


@pytest.mark.parametrize(("party", "threshold"), [("no", "yes"), ("yes", "no"), ("no", "no")])
def test_armed_group_without_ap_ii_has_ca3_and_custom_only(party: str, threshold: str) -> None:
    answer = ask(
        situation="niac",
        bearer_kind="non_state_armed_group",
        ap2_party=party,
        ap2_threshold=threshold,
    )
    assert "niac-no-apii" in keys(answer)
    assert "niac-apii" not in keys(answer)
    assert "niac-apii-unknown" not in keys(answer)


def test_armed_group_policing_its_area_is_held_to_ca3() -> None:
    answer = ask(situation="niac", bearer_kind="non_state_armed_group", operation="detention")
    assert {"armed-group-policing", "detention-niac"} <= set(keys(answer))
    assert "soldiers-policing" not in keys(answer)


def test_armed_group_in_an_iac_depends_on_belonging_to_a_party() -> None:
    answer = ask(situation="iac", bearer_kind="non_state_armed_group")
    assert "armed-group-iac" in keys(answer)
    assert "gc3-4" in cited(answer)


def test_other_situation_of_violence_is_ihrl_only_and_ihl_does_not_apply() -> None:
    answer = ask(situation="other_violence", bearer_kind="police", operation="arrest")
    assert "ihl" not in answer.frameworks
    assert set(answer.frameworks) == {"ihrl", "domestic"}
    assert answer.paradigms == ("law_enforcement",)
    assert not {"iac", "niac", "not-incorporated", "incorporated-unknown"} & set(keys(answer))
    assert "IHL does not apply" in answer.steps[0].text


def test_shooting_at_rioters_outside_a_conflict_is_never_conduct_of_hostilities() -> None:
    answer = ask(situation="other_violence", bearer_kind="armed_forces", operation="hostilities")
    assert "hostilities-no-conflict" in keys(answer)
    assert answer.paradigms == ("law_enforcement",)
    assert "hostilities" not in answer.paradigms


def test_disaster_is_domestic_law_and_ihrl() -> None:
    answer = ask(situation="disaster", bearer_kind="armed_forces", operation="checkpoint")
    assert "disaster" in keys(answer)
    assert answer.frameworks == ("ihrl", "domestic")
    assert {"domestic", "idrl"} <= cited(answer)
    assert "ihl" not in answer.frameworks


def test_peace_operation_in_a_conflict_is_bound_when_it_fights() -> None:
    answer = ask(situation="niac", bearer_kind="peace_operation", operation="hostilities")
    assert "peace-operation" in keys(answer)
    assert "sgb-1999" in cited(answer)
    assert answer.paradigms == ("hostilities",)


def test_private_security_guards_are_civilians_unless_they_take_part() -> None:
    answer = ask(situation="niac", bearer_kind="private_security", direct_part="no")
    assert "private-security" in keys(answer)
    assert "direct-part" not in keys(answer)
    taking_part = ask(
        situation="niac", bearer_kind="private_security", direct_part="yes", operation="hostilities"
    )
    assert "direct-part" in keys(taking_part)
    assert taking_part.paradigms == ("hostilities",)


# Unknown facts: the answer says what changes ----------------------------------------------


def test_everything_unknown_asks_each_deciding_question() -> None:
    answer = ask()
    assert {"situation-unknown", "kind-unknown", "operation-unknown"} <= set(keys(answer))
    assert {"situation", "bearer_kind", "operation"} <= set(answer.open_questions)
    assert answer.paradigms == ()


def test_unknown_incorporation_and_direct_part_say_what_each_answer_changes() -> None:
    answer = ask(situation="iac", bearer_kind="police", operation="hostilities")
    assert {"incorporated-unknown", "direct-part-unknown"} <= set(keys(answer))
    assert {"incorporated", "direct_part"} <= set(answer.open_questions)
    step = answer.steps[keys(answer).index("incorporated-unknown")]
    assert "If it has" in step.text and "if it has not" in step.text
    assert "hostilities" not in answer.paradigms  # nothing decided yet


def test_unknown_ap_ii_says_what_changes_and_keeps_ca3() -> None:
    answer = ask(situation="niac", bearer_kind="armed_forces", ap2_threshold="yes")
    assert "niac-apii-unknown" in keys(answer)
    assert "ap2_party" in answer.open_questions
    assert "niac-apii" not in keys(answer) and "niac-no-apii" not in keys(answer)
    # Once known, the question goes away.
    known = ask(situation="niac", bearer_kind="armed_forces", ap2_threshold="yes", ap2_party="yes")
    assert "ap2_party" not in known.open_questions


def test_derogation_unknown_yes_and_no_each_answer_differently() -> None:
    base = {"situation": "other_violence", "bearer_kind": "police", "operation": "crowd"}
    unknown = ask(**base)
    derogated = ask(**base, derogated="yes")
    not_derogated = ask(**base, derogated="no")
    assert "derogation-unknown" in keys(unknown) and "derogated" in unknown.open_questions
    assert "derogated" in keys(derogated) and "hrc-gc29" in cited(derogated)
    assert "not-derogated" in keys(not_derogated)
    assert "derogated" not in not_derogated.open_questions


def test_the_operation_decides_the_paradigm_for_the_same_force() -> None:
    fighting = ask(situation="niac", bearer_kind="armed_forces", operation="hostilities")
    searching = ask(situation="niac", bearer_kind="armed_forces", operation="search")
    assert fighting.paradigms == ("hostilities",)
    assert searching.paradigms == ("law_enforcement",)
    assert "iccpr-17" in cited(searching)


# The table itself -------------------------------------------------------------------------


def _every_answer() -> list[Answer]:
    answers = []
    for situation, _ in FACT_CHOICES["situation"]:
        for kind, _ in FACT_CHOICES["bearer_kind"]:
            for operation, _ in FACT_CHOICES["operation"]:
                for tri in ("yes", "no", "unknown"):
                    answers.append(
                        ask(
                            situation=situation,
                            bearer_kind=kind,
                            operation=operation,
                            incorporated=tri,
                            direct_part=tri,
                            ap2_party=tri,
                            ap2_threshold=tri,
                            derogated=tri,
                        )
                    )
    return answers


def test_every_step_of_every_answer_cites_at_least_one_existing_reference() -> None:
    for answer in _every_answer():
        assert answer.steps, answer.facts
        assert answer.disclaimer == DISCLAIMER
        for step in answer.steps:
            assert step.references, step.key
            for reference in step.references:
                assert REFERENCES[reference.key] == reference


def test_every_reference_cited_is_in_the_references_table_and_every_rule_fires() -> None:
    for rule in RULES:
        assert rule.references, rule.key
        assert set(rule.references) <= set(REFERENCES), rule.key
    fired = {step.key for answer in _every_answer() for step in answer.steps}
    assert fired == {rule.key for rule in RULES}
    assert len({rule.key for rule in RULES}) == len(RULES)


def test_derived_facts_always_get_a_value() -> None:
    names = {name for name, _, _ in DERIVED}
    for answer in _every_answer():
        values = derive(answer.facts)
        assert names <= set(values), answer.facts
    assert derive(Facts(situation="disaster"))["conflict"] == "no"
    police = Facts(situation="niac", bearer_kind="police", incorporated="yes", direct_part="no")
    assert derive(police)["status"] == "fighter"
    assert derive(replace(police, incorporated="no"))["status"] == "civilian"
    assert derive(replace(police, incorporated="no", direct_part="yes"))["status"] == "direct_part"


def test_facts_refuse_a_value_outside_their_choices_and_read_odd_input_as_unknown() -> None:
    with pytest.raises(ValueError):
        Facts(situation="war")
    facts = Facts.from_mapping({"situation": "niac", "operation": "bombing"})
    assert facts.situation == "niac" and facts.operation == "unknown"
    assert (
        Facts.from_mapping(dict(pair.split("=") for pair in facts.as_query().split("&"))) == facts
    )


def test_situation_of_a_bearer_party_to_several_kinds_is_left_open() -> None:
    assert situation_of(["niac", "niac"]) == "niac"
    assert situation_of(["niac", "iac"]) == "unknown"
    assert situation_of([]) == "unknown"
