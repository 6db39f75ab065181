"""The brief's applicable-law section: the law app's answer when it is there, else a
clearly marked place saying why there is none."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from pourparler.briefs import brief


def test_without_the_assistant_the_section_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brief, "_law_assistant", lambda: None)
    section = brief.law_section(object(), None)
    assert not section.available and section.answer is None
    assert "not installed" in section.note


def test_the_assistant_answers_from_the_facts_it_derives(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    assistant = SimpleNamespace(
        facts_for_bearer=lambda user, bearer: {"bearer": bearer} if bearer.known else None,
        applicable_law=lambda facts: asked.append(facts) or "IHL, conduct of hostilities",
    )
    monkeypatch.setattr(brief, "_law_assistant", lambda: assistant)
    known: Any = SimpleNamespace(known=True)
    section = brief.law_section(object(), known)
    assert section.answer == "IHL, conduct of hostilities" and asked == [{"bearer": known}]
    unknown = brief.law_section(object(), cast(Any, SimpleNamespace(known=False)))
    assert unknown.available and unknown.answer is None
    assert "do not say enough" in unknown.note
    nobody = brief.law_section(object(), None)
    assert nobody.available and nobody.answer is None and "No current post" in nobody.note
