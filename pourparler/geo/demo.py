"""Demo situations for Varnia and Kestria, recorded by hand as a legal adviser would.

Varnia is in a non-international armed conflict: the State's armed forces (with the
gendarmerie fighting beside them) against the Front for the Liberation of the Hollow
Hills, its splinter the Revolutionary Brigades and the Eastern Ridge Movement. Kestria
knows unrest policed by its national police and gendarmerie: another situation of
violence, where IHL does not apply. The applicable-law assistant reads these.
"""

from __future__ import annotations

from typing import Any

from pourparler.geo.choices import PartyRole, PartySide, SituationKind
from pourparler.geo.services import do_record_situation

SITUATIONS: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Varnia: Hollow Hills conflict",
        SituationKind.NON_INTERNATIONAL,
        "QV",
        "varnia.head",
        (
            ("vaf", PartySide.A, PartyRole.PRIMARY),
            ("vg", PartySide.A, PartyRole.SECONDARY),
            ("flhh", PartySide.B, PartyRole.PRIMARY),
            ("hhrb", PartySide.B, PartyRole.PRIMARY),
            ("erm", PartySide.B, PartyRole.PRIMARY),
        ),
    ),
    (
        "Kestria: unrest in the capital",
        SituationKind.OTHER_VIOLENCE,
        "QK",
        "kestria.delegate",
        (
            ("knp", PartySide.A, PartyRole.PRIMARY),
            ("kg", PartySide.A, PartyRole.PRIMARY),
        ),
    ),
)


def populate(world: Any) -> str:
    """Record the two situations and their parties."""
    parties = 0
    for name, kind, country, recorder, sides in SITUATIONS:
        do_record_situation(
            actor=world.users[recorder],
            name=name,
            kind=kind,
            countries=[world.countries[country]],
            started_on=world.days_ago(3 * 365),
            parties=[
                {"bearer": world.bearers[key].bearer, "side": side, "role": role}
                for key, side, role in sides
            ],
        )
        parties += len(sides)
    return f"{len(SITUATIONS)} situations, {parties} parties"
