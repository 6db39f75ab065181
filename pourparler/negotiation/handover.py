"""What the negotiation app passes on at a handover: the outgoing colleague's files.

The handover service calls ``transfer`` inside its own transaction (docs/negotiation.md).
"""

from __future__ import annotations

from typing import Any

from pourparler.core.models import User
from pourparler.negotiation.services import do_pass_on_files


def transfer(handover: Any, *, actor: User) -> dict[str, int]:
    """Make the successor the holder of the files the outgoing colleague held in the
    handover's delegation; return how many were passed on."""
    passed = do_pass_on_files(
        actor=actor,
        outgoing=handover.outgoing,
        successor=handover.successor,
        delegation=handover.delegation,
    )
    return {"negotiation files": passed}
