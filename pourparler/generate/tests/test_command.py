"""`pourparler generate` as an operator runs it: options, the summary, the sign-ins."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pourparler.core.models import User
from pourparler.dialogue.models import Interaction


@pytest.mark.django_db
def test_the_command_writes_the_world_and_names_the_sign_ins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "a-password-from-the-environment"
    monkeypatch.setenv("BENCH_SECRET", secret)
    out = StringIO()
    call_command(
        "generate",
        "--factor",
        "0.0002",
        "--seed",
        "5",
        "--until",
        "2026-01-31",
        "--password-env",
        "BENCH_SECRET",
        "--yes",
        "--no-progress",
        stdout=out,
    )
    text = out.getvalue()
    assert "rows/s in all" in text
    assert "core_auditevent" in text
    assert "hq.analyst1" in text and "hq.auditor" in text and ".delegate1" in text
    # The password is named, never printed.
    assert secret not in text
    assert "$BENCH_SECRET" in text
    assert User.objects.get(username="hq.analyst1").check_password(secret)
    latest = Interaction._base_manager.order_by("-occurred_at").first()
    assert latest is not None and latest.occurred_at.date().isoformat() <= "2026-01-31"


@pytest.mark.django_db
def test_a_factor_out_of_range_is_refused() -> None:
    with pytest.raises(CommandError, match="factor"):
        call_command("generate", "--factor", "2", "--yes", "--no-progress", stdout=StringIO())
