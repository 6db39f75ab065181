"""A fictional world for demonstrations: two countries, their weapon bearers, people and dialogue.

Varnia lives through a non-international armed conflict between its armed forces and
two non-State armed groups (one of which has split); Kestria goes through unrest and a
tense election period, policed by its national police and gendarmerie. Every name,
place and identifier is invented; the ISO codes are user-assigned (QV, QK) and the
P-codes and external identifiers are plainly fake.

``load_demo_world()`` loads it only into a database that holds no delegation yet,
through the service layer (so every row is checked and logged), in one transaction.
Choices come from a seeded random generator; dates are relative to today, so the
world stays fresh but is otherwise the same on every run.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from pourparler.bearers.choices import (
    BearerKind,
    Echelon,
    IdScheme,
    Level,
    NameKind,
    RelationKind,
    Structure,
    TerritorialControl,
)
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.bearers.services import do_create_bearer, do_create_unit, do_relate_bearers
from pourparler.core.choices import Role
from pourparler.core.models import Delegation, User
from pourparler.core.services import do_create_delegation, do_create_user, do_post_member
from pourparler.dialogue.choices import (
    Confidentiality,
    InteractionKind,
    LegalFramework,
    Situation,
)
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.dialogue.seed import seed_topics
from pourparler.dialogue.services import (
    do_complete_follow_up,
    do_create_follow_up,
    do_record_interaction,
)
from pourparler.geo.models import AdminArea, Country
from pourparler.geo.services import do_create_admin_area, do_create_country
from pourparler.people.choices import LegalBasis, Strength
from pourparler.people.models import Person
from pourparler.people.services import do_add_position, do_create_person, do_create_relationship

SEED = 18640822
DEMO_PASSWORD = "pourparler-demo"  # noqa: S105 - the published password of the demo accounts
HISTORY_DAYS = 540
VARNIA_INTERACTIONS = 220
KESTRIA_INTERACTIONS = 80


class Writer(Protocol):
    """Anything with a ``write(text)``: sys.stdout, a management command's stdout."""

    def write(self, msg: str, /) -> object:
        """Write text."""


# --------------------------------------------------------------------------------------
# Staff and delegations
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSpec:
    """A demo account and its posting."""

    username: str
    first_name: str
    last_name: str
    role: str
    delegation: str
    posted_days_ago: int


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("admin", "Ingrid", "Halvorsen", Role.ADMINISTRATOR, "hq", 900),
    StaffSpec("varnia.delegate", "Tomás", "Ferreira", Role.FIELD_DELEGATE, "varnia", 580),
    StaffSpec("varnia.specialist", "Jonas", "Brandt", Role.ARMED_FORCES_SPECIALIST, "varnia", 600),
    StaffSpec("varnia.head", "Amira", "Benali", Role.HEAD_OF_DELEGATION, "varnia", 610),
    StaffSpec("kestria.delegate", "Sofia", "Lindqvist", Role.FIELD_DELEGATE, "kestria", 570),
    StaffSpec("kestria.specialist", "Kwabena", "Mensah", Role.POLICE_SPECIALIST, "kestria", 590),
    StaffSpec("hq.analyst", "Priya", "Raman", Role.HQ_ANALYST, "hq", 800),
    StaffSpec("auditor", "Hélène", "Dubois", Role.AUDITOR, "hq", 700),
)

# (code, name, ISO alpha-2 of its country or None, is headquarters)
DELEGATIONS: tuple[tuple[str, str, str | None, bool], ...] = (
    ("hq", "Headquarters", None, True),
    ("varnia", "Varnia", "QV", False),
    ("kestria", "Kestria", "QK", False),
)

COUNTRIES: tuple[tuple[str, str, str], ...] = (("QV", "QVA", "Varnia"), ("QK", "QKA", "Kestria"))

# Varnia's provinces: P-code, name, towns.
PROVINCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("QV01", "Velmora Capital District", ("Velmora", "Saint-Aubrin", "Velmora-Est")),
    ("QV02", "Hollow Hills", ("Dunmarrow", "Kessel Ford", "Brannoch")),
    ("QV03", "Eastern Ridge", ("Tarn Abbas", "Qasr Meriden", "Halvick")),
    ("QV04", "Sarn Valley", ("Orlbridge", "Lirac-sur-Sarn", "Sarnmouth")),
    ("QV05", "Northern Marches", ("Ennisvale", "Mirovane", "Castel-Noirmont")),
    ("QV06", "Brennic Coast", ("Port Selane", "Bérac", "Isle Maren")),
)
VARNIA_CAPITAL = "Velmora"
KESTRIA_CAPITAL = "Aldmere"

# --------------------------------------------------------------------------------------
# Bearers and their chains of command
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    """A unit in a chain of command, with its parent's key."""

    key: str
    name: str
    echelon: str
    level: str
    town: str
    pcode: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class BearerSpec:
    """A weapon bearer of the demo world."""

    key: str
    delegation: str
    country: str
    name: str
    short: str
    kind: str
    structure: str
    territorial_control: str
    framework: str
    members: str
    creator: str
    weight: int
    description: str
    leadership: str = ""
    community_ties: str = ""
    external_support: str = ""
    names: tuple[Mapping[str, str], ...] = ()
    external_ids: tuple[tuple[str, str], ...] = ()
    units: tuple[UnitSpec, ...] = ()


STRAT, OPER, TACT = Level.STRATEGIC, Level.OPERATIONAL, Level.TACTICAL
E = Echelon


def _name(
    name: str, kind: str, language: str = "", script: str = "", transliteration: str = ""
) -> dict[str, str]:
    return {
        "name": name,
        "kind": kind,
        "language": language,
        "script": script,
        "transliteration": transliteration,
    }


VAF_UNITS = (
    UnitSpec("gs", "General Staff of the Armed Forces", E.HEADQUARTERS, STRAT, "Velmora", "QV01"),
    UnitSpec("d1", "1st Division", E.DIVISION, OPER, "Ennisvale", "QV05", "gs"),
    UnitSpec("d2", "2nd Division", E.DIVISION, OPER, "Dunmarrow", "QV02", "gs"),
    UnitSpec("d3", "3rd Division", E.DIVISION, OPER, "Tarn Abbas", "QV03", "gs"),
    UnitSpec("b11", "11th Mechanised Brigade", E.BRIGADE, OPER, "Mirovane", "QV05", "d1"),
    UnitSpec("b12", "12th Infantry Brigade", E.BRIGADE, OPER, "Castel-Noirmont", "QV05", "d1"),
    UnitSpec("b21", "21st Infantry Brigade", E.BRIGADE, OPER, "Kessel Ford", "QV02", "d2"),
    UnitSpec("b22", "22nd Mountain Brigade", E.BRIGADE, OPER, "Brannoch", "QV02", "d2"),
    UnitSpec("b31", "31st Infantry Brigade", E.BRIGADE, OPER, "Qasr Meriden", "QV03", "d3"),
    UnitSpec("b32", "32nd Motorised Brigade", E.BRIGADE, OPER, "Orlbridge", "QV04", "d3"),
    UnitSpec(
        "n111", "111th Mechanised Infantry Battalion", E.BATTALION, TACT, "Mirovane", "QV05", "b11"
    ),
    UnitSpec("n112", "112th Tank Battalion", E.BATTALION, TACT, "Ennisvale", "QV05", "b11"),
    UnitSpec(
        "n121", "121st Infantry Battalion", E.BATTALION, TACT, "Castel-Noirmont", "QV05", "b12"
    ),
    UnitSpec(
        "n122", "122nd Infantry Battalion", E.BATTALION, TACT, "Lirac-sur-Sarn", "QV04", "b12"
    ),
    UnitSpec("n211", "211th Infantry Battalion", E.BATTALION, TACT, "Kessel Ford", "QV02", "b21"),
    UnitSpec("n212", "212th Infantry Battalion", E.BATTALION, TACT, "Dunmarrow", "QV02", "b21"),
    UnitSpec("n221", "221st Mountain Battalion", E.BATTALION, TACT, "Brannoch", "QV02", "b22"),
    UnitSpec("n222", "222nd Mountain Battalion", E.BATTALION, TACT, "Halvick", "QV03", "b22"),
    UnitSpec("n311", "311th Infantry Battalion", E.BATTALION, TACT, "Qasr Meriden", "QV03", "b31"),
    UnitSpec("n312", "312th Infantry Battalion", E.BATTALION, TACT, "Tarn Abbas", "QV03", "b31"),
    UnitSpec("n321", "321st Motorised Battalion", E.BATTALION, TACT, "Orlbridge", "QV04", "b32"),
    UnitSpec(
        "n322", "322nd Reconnaissance Battalion", E.BATTALION, TACT, "Sarnmouth", "QV04", "b32"
    ),
)

VNP_UNITS = (
    UnitSpec("hq", "National Police Headquarters", E.HEADQUARTERS, STRAT, "Velmora", "QV01"),
    UnitSpec("rc", "Capital Regional Police Command", E.COMMAND, OPER, "Velmora", "QV01", "hq"),
    UnitSpec("rn", "Northern Regional Police Command", E.COMMAND, OPER, "Ennisvale", "QV05", "hq"),
    UnitSpec("rs", "Southern Regional Police Command", E.COMMAND, OPER, "Orlbridge", "QV04", "hq"),
    UnitSpec("rk", "Coastal Regional Police Command", E.COMMAND, OPER, "Port Selane", "QV06", "hq"),
    UnitSpec("s1", "Velmora Central Police Station", E.STATION, TACT, "Velmora", "QV01", "rc"),
    UnitSpec("s2", "Saint-Aubrin Police Station", E.STATION, TACT, "Saint-Aubrin", "QV01", "rc"),
    UnitSpec("s3", "Mirovane Police Station", E.STATION, TACT, "Mirovane", "QV05", "rn"),
    UnitSpec("s4", "Sarnmouth Police Station", E.STATION, TACT, "Sarnmouth", "QV04", "rs"),
    UnitSpec(
        "s5", "Lirac-sur-Sarn Police Station", E.STATION, TACT, "Lirac-sur-Sarn", "QV04", "rs"
    ),
    UnitSpec(
        "s6", "Port Selane Harbour Police Station", E.STATION, TACT, "Port Selane", "QV06", "rk"
    ),
    UnitSpec("s7", "Bérac Police Station", E.STATION, TACT, "Bérac", "QV06", "rk"),
)

VG_UNITS = (
    UnitSpec("gc", "General Command of the Gendarmerie", E.HEADQUARTERS, STRAT, "Velmora", "QV01"),
    UnitSpec("l1", "1st Gendarmerie Legion", E.COMMAND, OPER, "Orlbridge", "QV04", "gc"),
    UnitSpec("l2", "2nd Gendarmerie Legion", E.COMMAND, OPER, "Dunmarrow", "QV02", "gc"),
    UnitSpec("l3", "3rd Gendarmerie Legion", E.COMMAND, OPER, "Port Selane", "QV06", "gc"),
    UnitSpec("c11", "Sarnmouth Gendarmerie Company", E.COMPANY, TACT, "Sarnmouth", "QV04", "l1"),
    UnitSpec("c12", "Lirac Gendarmerie Company", E.COMPANY, TACT, "Lirac-sur-Sarn", "QV04", "l1"),
    UnitSpec(
        "c21", "Kessel Ford Gendarmerie Company", E.COMPANY, TACT, "Kessel Ford", "QV02", "l2"
    ),
    UnitSpec("c22", "Brannoch Gendarmerie Company", E.COMPANY, TACT, "Brannoch", "QV02", "l2"),
    UnitSpec("c31", "Isle Maren Gendarmerie Company", E.COMPANY, TACT, "Isle Maren", "QV06", "l3"),
)

FLHH_UNITS = (
    UnitSpec("pmc", "FLHH Political-Military Council", E.HEADQUARTERS, STRAT, "Brannoch", "QV02"),
    UnitSpec("fn", "FLHH Northern Front", E.COMMAND, OPER, "Brannoch", "QV02", "pmc"),
    UnitSpec("fw", "FLHH Western Front", E.COMMAND, OPER, "Dunmarrow", "QV02", "pmc"),
    UnitSpec("fs", "FLHH Sarn Front", E.COMMAND, OPER, "Lirac-sur-Sarn", "QV04", "pmc"),
    UnitSpec("ln1", "FLHH Brannoch Heights Command", E.COMPANY, TACT, "Brannoch", "QV02", "fn"),
    UnitSpec("ln2", "FLHH Mirovane Hills Command", E.COMPANY, TACT, "Mirovane", "QV05", "fn"),
    UnitSpec("lw1", "FLHH Dunmarrow Command", E.COMPANY, TACT, "Dunmarrow", "QV02", "fw"),
    UnitSpec("lw2", "FLHH Kessel Ford Command", E.COMPANY, TACT, "Kessel Ford", "QV02", "fw"),
    UnitSpec("ls1", "FLHH Lirac Command", E.COMPANY, TACT, "Lirac-sur-Sarn", "QV04", "fs"),
)

ERM_UNITS = (
    UnitSpec("cc", "ERM Central Command", E.HEADQUARTERS, STRAT, "Halvick", "QV03"),
    UnitSpec("fr", "ERM Ridge Front", E.COMMAND, OPER, "Halvick", "QV03", "cc"),
    UnitSpec("fv", "ERM Valley Front", E.COMMAND, OPER, "Qasr Meriden", "QV03", "cc"),
    UnitSpec("lr1", "ERM Halvick Heights Command", E.COMPANY, TACT, "Halvick", "QV03", "fr"),
    UnitSpec("lr2", "ERM Tarn Abbas East Command", E.COMPANY, TACT, "Tarn Abbas", "QV03", "fr"),
    UnitSpec("lv1", "ERM Qasr Meriden Command", E.COMPANY, TACT, "Qasr Meriden", "QV03", "fv"),
    UnitSpec("lv2", "ERM Orlbridge Road Command", E.COMPANY, TACT, "Orlbridge", "QV04", "fv"),
)

HHRB_UNITS = (
    UnitSpec("lead", "HHRB leadership", E.HEADQUARTERS, STRAT, "Kessel Ford", "QV02"),
    UnitSpec("g1", "HHRB Kessel Ford group", E.COMPANY, TACT, "Kessel Ford", "QV02", "lead"),
    UnitSpec("g2", "HHRB Dunmarrow group", E.COMPANY, TACT, "Dunmarrow", "QV02", "lead"),
)

KNP_UNITS = (
    UnitSpec("gd", "KNP General Directorate", E.HEADQUARTERS, STRAT, "Aldmere"),
    UnitSpec("rm", "Aldmere Metropolitan Police", E.COMMAND, OPER, "Aldmere", None, "gd"),
    UnitSpec("rn", "Northern Police Region", E.COMMAND, OPER, "Ruvelsk", None, "gd"),
    UnitSpec("rs", "Southern Police Region", E.COMMAND, OPER, "Port Kessa", None, "gd"),
    UnitSpec("s1", "Aldmere Central Police Station", E.STATION, TACT, "Aldmere", None, "rm"),
    UnitSpec("s2", "Aldmere Old Town Police Station", E.STATION, TACT, "Aldmere", None, "rm"),
    UnitSpec("po", "Aldmere Public Order Unit", E.COMPANY, TACT, "Aldmere", None, "rm"),
    UnitSpec("s3", "Ruvelsk Police Station", E.STATION, TACT, "Ruvelsk", None, "rn"),
    UnitSpec("s4", "Holvard Police Station", E.STATION, TACT, "Holvard", None, "rn"),
    UnitSpec("s5", "Port Kessa Police Station", E.STATION, TACT, "Port Kessa", None, "rs"),
    UnitSpec("s6", "Tesslin Police Station", E.STATION, TACT, "Tesslin", None, "rs"),
)

KG_UNITS = (
    UnitSpec("cmd", "Kestrian Gendarmerie Command", E.HEADQUARTERS, STRAT, "Aldmere"),
    UnitSpec("bg", "Border Gendarmerie Group", E.COMMAND, OPER, "Drevan", None, "cmd"),
    UnitSpec("mg", "Mobile Gendarmerie Group", E.COMMAND, OPER, "Vintra", None, "cmd"),
    UnitSpec("b1", "Drevan Border Company", E.COMPANY, TACT, "Drevan", None, "bg"),
    UnitSpec("b2", "Holvard Border Company", E.COMPANY, TACT, "Holvard", None, "bg"),
    UnitSpec("m1", "1st Mobile Gendarmerie Company", E.COMPANY, TACT, "Vintra", None, "mg"),
    UnitSpec("m2", "2nd Mobile Gendarmerie Company", E.COMPANY, TACT, "Aldmere", None, "mg"),
)

BEARERS: tuple[BearerSpec, ...] = (
    BearerSpec(
        key="vaf",
        delegation="varnia",
        country="QV",
        name="Varnian Armed Forces",
        short="army",
        kind=BearerKind.ARMED_FORCES,
        structure=Structure.INTEGRATED,
        territorial_control=TerritorialControl.STATE,
        framework=LegalFramework.IHL,
        members="officers and soldiers",
        creator="varnia.specialist",
        weight=35,
        description=(
            "Conscript army of about 40,000 under a General Staff in Velmora, organised in "
            "three divisions. Engaged since the start of the conflict against the FLHH in "
            "the Hollow Hills and the ERM on the Eastern Ridge."
        ),
        leadership="Chief of the General Staff, answering to the Ministry of Defence.",
        names=(
            _name("Forces armées varniennes", NameKind.OFFICIAL, "fr", "Latn"),
            _name(
                "القوات المسلحة الفارنية",
                NameKind.TRANSLATION,
                "ar",
                "Arab",
                "al-Quwwat al-Musallaha al-Farniyya",
            ),
            _name("FAV", NameKind.ACRONYM, "fr", "Latn"),
            _name("Royal Varnian Army", NameKind.FORMER, "en", "Latn"),
        ),
        units=VAF_UNITS,
    ),
    BearerSpec(
        key="vnp",
        delegation="varnia",
        country="QV",
        name="Varnian National Police",
        short="police",
        kind=BearerKind.POLICE,
        structure=Structure.INTEGRATED,
        territorial_control=TerritorialControl.STATE,
        framework=LegalFramework.IHRL,
        members="police officers",
        creator="varnia.head",
        weight=15,
        description=(
            "Civilian police under the Ministry of the Interior, responsible for law and "
            "order in the cities; holds people arrested in connection with the conflict in "
            "its custody cells before transfer."
        ),
        leadership="Director-General of Police, appointed by the Minister of the Interior.",
        names=(
            _name("Police nationale varnienne", NameKind.OFFICIAL, "fr", "Latn"),
            _name(
                "الشرطة الوطنية الفارنية",
                NameKind.TRANSLATION,
                "ar",
                "Arab",
                "al-Shurta al-Wataniyya al-Farniyya",
            ),
            _name("PNV", NameKind.ACRONYM, "fr", "Latn"),
            _name("VNP", NameKind.ACRONYM, "en", "Latn"),
        ),
        units=VNP_UNITS,
    ),
    BearerSpec(
        key="vg",
        delegation="varnia",
        country="QV",
        name="Varnian Gendarmerie",
        short="gendarmerie",
        kind=BearerKind.GENDARMERIE,
        structure=Structure.INTEGRATED,
        territorial_control=TerritorialControl.STATE,
        framework=LegalFramework.IHRL,
        members="gendarmes",
        creator="varnia.specialist",
        weight=10,
        description=(
            "Force with military status policing rural areas and main roads. Some companies "
            "in the Hollow Hills have been placed under army command for operations."
        ),
        leadership="Commander of the Gendarmerie, under the Ministry of Defence.",
        names=(
            _name("Gendarmerie nationale varnienne", NameKind.OFFICIAL, "fr", "Latn"),
            _name("GNV", NameKind.ACRONYM, "fr", "Latn"),
        ),
        units=VG_UNITS,
    ),
    BearerSpec(
        key="flhh",
        delegation="varnia",
        country="QV",
        name="Front for the Liberation of the Hollow Hills",
        short="FLHH",
        kind=BearerKind.NON_STATE_ARMED_GROUP,
        structure=Structure.DECENTRALISED,
        territorial_control=TerritorialControl.SIGNIFICANT,
        framework=LegalFramework.IHL,
        members="fighters",
        creator="varnia.head",
        weight=20,
        description=(
            "Armed group born from village self-defence committees in the Hollow Hills; "
            "controls most of the upland villages and contests the roads between Dunmarrow, "
            "Kessel Ford and Brannoch."
        ),
        leadership=(
            "A Political-Military Council of about a dozen members; front commanders enjoy "
            "wide autonomy and local commanders often decide alone."
        ),
        community_ties=(
            "Strong ties with upland clans; local commanders are often village notables."
        ),
        external_support="Alleged funding from diaspora networks (unconfirmed).",
        names=(
            _name("Front de libération des Collines creuses", NameKind.TRANSLATION, "fr", "Latn"),
            _name(
                "جبهة تحرير التلال الجوفاء",
                NameKind.TRANSLATION,
                "ar",
                "Arab",
                "Jabhat Tahrir al-Tilal al-Jawfa'",
            ),
            _name("FLHH", NameKind.ACRONYM, "en", "Latn"),
            _name("FLCC", NameKind.ACRONYM, "fr", "Latn"),
            _name("Hollow Hills Self-Defence Committees", NameKind.FORMER, "en", "Latn"),
            _name("Les Collines", NameKind.ALIAS, "fr", "Latn"),
        ),
        external_ids=(
            (IdScheme.WIKIDATA, "Q-DEMO-0001"),
            (IdScheme.OTHER, "demo-registry:FLHH"),
        ),
        units=FLHH_UNITS,
    ),
    BearerSpec(
        key="erm",
        delegation="varnia",
        country="QV",
        name="Eastern Ridge Movement",
        short="ERM",
        kind=BearerKind.NON_STATE_ARMED_GROUP,
        structure=Structure.INTEGRATED,
        territorial_control=TerritorialControl.LOCAL,
        framework=LegalFramework.IHL,
        members="fighters",
        creator="varnia.head",
        weight=15,
        description=(
            "Hierarchical armed group on the Eastern Ridge with a written code of conduct; "
            "holds a string of villages above Halvick and Tarn Abbas."
        ),
        leadership="A Central Command under a single commander-in-chief; orders are written.",
        community_ties="Recruits in the ridge villages; runs schools and a clinic in Halvick.",
        external_support="None known.",
        names=(
            _name(
                "حركة السلسلة الشرقية",
                NameKind.OFFICIAL,
                "ar",
                "Arab",
                "Harakat al-Silsila al-Sharqiyya",
            ),
            _name("Mouvement de la Crête orientale", NameKind.TRANSLATION, "fr", "Latn"),
            _name("ERM", NameKind.ACRONYM, "en", "Latn"),
            _name("MCO", NameKind.ACRONYM, "fr", "Latn"),
        ),
        external_ids=((IdScheme.WIKIDATA, "Q-DEMO-0002"),),
        units=ERM_UNITS,
    ),
    BearerSpec(
        key="hhrb",
        delegation="varnia",
        country="QV",
        name="Hollow Hills Revolutionary Brigades",
        short="HHRB",
        kind=BearerKind.NON_STATE_ARMED_GROUP,
        structure=Structure.DECENTRALISED,
        territorial_control=TerritorialControl.LOCAL,
        framework=LegalFramework.IHL,
        members="fighters",
        creator="varnia.head",
        weight=5,
        description=(
            "Splinter of the FLHH's Western Front that rejected the ceasefire talks; a few "
            "hundred fighters around Kessel Ford and Dunmarrow."
        ),
        leadership="A former FLHH front commander and a handful of local commanders.",
        community_ties="Weak; relies on a few families around Kessel Ford.",
        names=(
            _name("HHRB", NameKind.ACRONYM, "en", "Latn"),
            _name(
                "الألوية الثورية للتلال الجوفاء",
                NameKind.TRANSLATION,
                "ar",
                "Arab",
                "al-Alwiya al-Thawriyya lil-Tilal al-Jawfa'",
            ),
            _name("Brigades du Pin noir", NameKind.ALIAS, "fr", "Latn"),
        ),
        external_ids=((IdScheme.OTHER, "demo-registry:HHRB"),),
        units=HHRB_UNITS,
    ),
    BearerSpec(
        key="knp",
        delegation="kestria",
        country="QK",
        name="Kestrian National Police",
        short="KNP",
        kind=BearerKind.POLICE,
        structure=Structure.INTEGRATED,
        territorial_control=TerritorialControl.STATE,
        framework=LegalFramework.IHRL,
        members="police officers",
        creator="kestria.specialist",
        weight=70,
        description=(
            "National police responsible for public order, criminal investigation and the "
            "security of polling stations; its public-order unit policed the demonstrations "
            "in Aldmere."
        ),
        leadership="Director-General, appointed by the President.",
        names=(
            _name(
                "Кестријска национална полиција",
                NameKind.OFFICIAL,
                "sr",
                "Cyrl",
                "Kestrijska nacionalna policija",
            ),
            _name(
                "Εθνική Αστυνομία της Κεστρίας",
                NameKind.TRANSLATION,
                "el",
                "Grek",
                "Ethniki Astynomia tis Kestrias",
            ),
            _name("KNP", NameKind.ACRONYM, "en", "Latn"),
            _name("Kestrian People's Militia", NameKind.FORMER, "en", "Latn"),
        ),
        units=KNP_UNITS,
    ),
    BearerSpec(
        key="kg",
        delegation="kestria",
        country="QK",
        name="Kestrian Gendarmerie",
        short="gendarmerie",
        kind=BearerKind.GENDARMERIE,
        structure=Structure.INTEGRATED,
        territorial_control=TerritorialControl.STATE,
        framework=LegalFramework.IHRL,
        members="gendarmes",
        creator="kestria.specialist",
        weight=30,
        description=(
            "Gendarmerie guarding the borders and reinforcing the police during "
            "demonstrations with its mobile companies; contributes a formed unit to a "
            "multinational peace operation."
        ),
        leadership="Commander of the Gendarmerie, under the Ministry of the Interior.",
        names=(
            _name(
                "Кестријска жандармерија",
                NameKind.OFFICIAL,
                "sr",
                "Cyrl",
                "Kestrijska žandarmerija",
            ),
            _name("KG", NameKind.ACRONYM, "en", "Latn"),
        ),
        units=KG_UNITS,
    ),
)

# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameSpec:
    """A fictional name, its spelling in another script and the languages spoken."""

    full_name: str
    languages: tuple[str, ...]
    other: str = ""
    language: str = ""
    script: str = ""


def _ar(full_name: str, arabic: str, *languages: str) -> NameSpec:
    return NameSpec(full_name, ("ar", *languages), arabic, "ar", "Arab")


def _ti(full_name: str, geez: str) -> NameSpec:
    return NameSpec(full_name, ("ti", "am", "en"), geez, "ti", "Ethi")


def _sr(full_name: str, cyrillic: str) -> NameSpec:
    return NameSpec(full_name, ("sr", "en"), cyrillic, "sr", "Cyrl")


def _el(full_name: str, greek: str) -> NameSpec:
    return NameSpec(full_name, ("el", "sr"), greek, "el", "Grek")


VARNIA_NAMES: tuple[NameSpec, ...] = (
    _ar("Yusuf al-Haddad", "يوسف الحداد", "fr"),
    _ar("Khalid Mansour", "خالد منصور", "fr"),
    _ar("Samir Darwish", "سمير درويش"),
    _ar("Tariq Bakri", "طارق بكري", "fr"),
    _ar("Nabil Qasim", "نبيل قاسم", "en"),
    _ar("Layla Nasser", "ليلى ناصر", "fr", "en"),
    _ar("Mariam al-Tayeb", "مريم الطيب", "fr"),
    _ar("Ibrahim Jaber", "إبراهيم جابر"),
    _ar("Faisal Khoury", "فيصل خوري", "fr"),
    _ar("Adel Farouk", "عادل فاروق"),
    _ar("Hassan Saleh", "حسن صالح", "fr"),
    _ar("Rania al-Amin", "رانيا الأمين", "en"),
    _ar("Omar Benhaddou", "عمر بنحدو", "fr"),
    _ar("Karim Zoubiri", "كريم زبيري", "fr"),
    NameSpec("Étienne Marchetti", ("fr",)),
    NameSpec("Mathilde Lefèvre", ("fr", "en")),
    NameSpec("Thibault Garnier", ("fr",)),
    NameSpec("Rémi Vasseur", ("fr", "ar")),
    NameSpec("Céline Aubert", ("fr", "en")),
    NameSpec("Armand Ferrand", ("fr",)),
    NameSpec("Gaëlle Brossard", ("fr",)),
    NameSpec("Lucien Perrin", ("fr", "en")),
    NameSpec("Baptiste Tissot", ("fr",)),
    NameSpec("Noémie Roche", ("fr", "pt")),
    _ti("Dawit Woldu", "ዳዊት ወልዱ"),
    _ti("Selam Gebremariam", "ሰላም ገብረማርያም"),
    _ti("Yonas Tekle", "ዮናስ ተክለ"),
    _ti("Berhane Asfaw", "ብርሃነ አስፋው"),
    _ti("Mekdes Kidane", "መቅደስ ኪዳነ"),
    NameSpec("João Quintela", ("pt", "fr")),
    NameSpec("Inês Salgado", ("pt", "fr")),
    NameSpec("Nuno Falcão", ("pt",)),
    NameSpec("Rui Brandão", ("pt", "en")),
    NameSpec("Lúcia Teixeira", ("pt", "fr")),
    NameSpec("Ibrahima Sawadogo", ("fr", "en")),
    NameSpec("Adjoa Boakye", ("en", "fr")),
    NameSpec("Oumar Kanouté", ("fr",)),
    NameSpec("Fatoumata Dembélé", ("fr",)),
    NameSpec("Teodor Halvik", ("fr", "en")),
    NameSpec("Ilka Morvane", ("fr",)),
    NameSpec("Piet Ostervald", ("fr", "en")),
)

KESTRIA_NAMES: tuple[NameSpec, ...] = (
    _sr("Milena Dragović", "Милена Драговић"),
    _sr("Stefan Kovačević", "Стефан Ковачевић"),
    _sr("Jelena Marković", "Јелена Марковић"),
    _sr("Nikola Radić", "Никола Радић"),
    _sr("Dragan Petrović", "Драган Петровић"),
    _sr("Vesna Ilić", "Весна Илић"),
    _sr("Bojan Lukić", "Бојан Лукић"),
    _sr("Zoran Babić", "Зоран Бабић"),
    _el("Nikos Karalis", "Νίκος Καραλής"),
    _el("Eleni Papadaki", "Ελένη Παπαδάκη"),
    _el("Giorgos Stamatis", "Γιώργος Σταμάτης"),
    _el("Katerina Vlachou", "Κατερίνα Βλάχου"),
    NameSpec("Emre Yıldırım", ("tr", "sr")),
    NameSpec("Zeynep Aksoy", ("tr", "en")),
    NameSpec("Murat Çelik", ("tr",)),
    NameSpec("Arben Kola", ("sq", "sr")),
    NameSpec("Drita Leka", ("sq", "en")),
    NameSpec("Besnik Gjoni", ("sq", "sr")),
)

# Noms de guerre for some members of armed groups: (name, script form, language, script).
NOMS_DE_GUERRE: tuple[tuple[str, str, str, str], ...] = (
    ("Abu Layth", "أبو الليث", "ar", "Arab"),
    ("Abu Firas", "أبو فراس", "ar", "Arab"),
    ("Abu Nour", "أبو نور", "ar", "Arab"),
    ("Umm Salim", "أم سليم", "ar", "Arab"),
    ("Le Berger", "", "fr", "Latn"),
    ("Commander Tarn", "", "en", "Latn"),
)

# How many people we know in each bearer, by level.
PEOPLE_SLOTS: tuple[tuple[str, str, int], ...] = (
    ("vaf", STRAT, 2),
    ("vaf", OPER, 5),
    ("vaf", TACT, 7),
    ("vnp", STRAT, 1),
    ("vnp", OPER, 2),
    ("vnp", TACT, 4),
    ("vg", STRAT, 1),
    ("vg", OPER, 1),
    ("vg", TACT, 3),
    ("flhh", STRAT, 1),
    ("flhh", OPER, 2),
    ("flhh", TACT, 4),
    ("erm", STRAT, 1),
    ("erm", OPER, 2),
    ("erm", TACT, 3),
    ("hhrb", TACT, 2),
    ("knp", STRAT, 2),
    ("knp", OPER, 4),
    ("knp", TACT, 6),
    ("kg", STRAT, 1),
    ("kg", OPER, 2),
    ("kg", TACT, 3),
)

# Rank and post titles by kind of bearer and echelon.
TITLES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    BearerKind.ARMED_FORCES: {
        E.HEADQUARTERS: (
            ("Lieutenant General", "Chief of the General Staff"),
            ("Major General", "Director of Operations"),
            ("Brigadier General", "Head of Military Legal Affairs"),
            ("Colonel", "Head of Training and Doctrine"),
        ),
        E.DIVISION: (
            ("Major General", "Division Commander"),
            ("Colonel", "Division Chief of Staff"),
            ("Lieutenant Colonel", "Division Legal Adviser"),
        ),
        E.BRIGADE: (
            ("Brigadier General", "Brigade Commander"),
            ("Colonel", "Deputy Brigade Commander"),
            ("Lieutenant Colonel", "Brigade Operations Officer"),
            ("Major", "Brigade Civil-Military Cooperation Officer"),
        ),
        E.BATTALION: (
            ("Lieutenant Colonel", "Battalion Commander"),
            ("Major", "Deputy Battalion Commander"),
            ("Captain", "Company Commander"),
            ("Lieutenant", "Platoon Leader"),
            ("Sergeant Major", "Battalion Sergeant Major"),
        ),
    },
    BearerKind.POLICE: {
        E.HEADQUARTERS: (
            ("Inspector General", "Director-General of Police"),
            ("Commissioner", "Director of Public Order"),
            ("Commissioner", "Head of Training"),
            ("Commissioner", "Director of Judicial Police"),
        ),
        E.COMMAND: (
            ("Chief Superintendent", "Regional Police Commander"),
            ("Superintendent", "Head of Regional Operations"),
            ("Superintendent", "Deputy Regional Commander"),
        ),
        E.STATION: (
            ("Chief Inspector", "Station Commander"),
            ("Inspector", "Deputy Station Commander"),
            ("Sergeant", "Custody Officer"),
        ),
        E.COMPANY: (
            ("Superintendent", "Commander, Public Order Unit"),
            ("Inspector", "Platoon Commander"),
        ),
    },
    BearerKind.GENDARMERIE: {
        E.HEADQUARTERS: (
            ("General", "Commander of the Gendarmerie"),
            ("Colonel", "Chief of Staff"),
        ),
        E.COMMAND: (
            ("Colonel", "Commander"),
            ("Lieutenant Colonel", "Deputy Commander"),
        ),
        E.COMPANY: (
            ("Captain", "Company Commander"),
            ("Lieutenant", "Deputy Company Commander"),
            ("Adjudant-chef", "Post Commander"),
        ),
    },
    BearerKind.NON_STATE_ARMED_GROUP: {
        E.HEADQUARTERS: (
            ("", "Member of the leadership council"),
            ("", "Spokesperson"),
            ("", "Head of Humanitarian Affairs"),
        ),
        E.COMMAND: (
            ("Commander", "Front Commander"),
            ("", "Deputy Front Commander"),
            ("", "Head of Detention"),
        ),
        E.COMPANY: (
            ("Commander", "Local Commander"),
            ("", "Checkpoint Chief"),
            ("", "Medical Coordinator"),
        ),
    },
}

RANK_LADDERS: dict[str, tuple[str, ...]] = {
    BearerKind.ARMED_FORCES: (
        "Sergeant",
        "Sergeant Major",
        "Lieutenant",
        "Captain",
        "Major",
        "Lieutenant Colonel",
        "Colonel",
        "Brigadier General",
        "Major General",
        "Lieutenant General",
    ),
    BearerKind.POLICE: (
        "Sergeant",
        "Inspector",
        "Chief Inspector",
        "Superintendent",
        "Chief Superintendent",
        "Commissioner",
        "Inspector General",
    ),
    BearerKind.GENDARMERIE: (
        "Adjudant",
        "Adjudant-chef",
        "Lieutenant",
        "Captain",
        "Major",
        "Lieutenant Colonel",
        "Colonel",
        "General",
    ),
}

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "fr": "French",
    "en": "English",
    "pt": "Portuguese",
    "ti": "Tigrinya",
    "am": "Amharic",
    "sr": "Serbian",
    "el": "Greek",
    "tr": "Turkish",
    "sq": "Albanian",
}

# --------------------------------------------------------------------------------------
# The dialogue: what kinds of contact, on which topics, in which words
# --------------------------------------------------------------------------------------

K = InteractionKind
ALL_KINDS_OF_BEARER = frozenset(BearerKind.values)
STATE_FORCES = frozenset({BearerKind.ARMED_FORCES, BearerKind.POLICE, BearerKind.GENDARMERIE})

KIND_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "varnia": (
        (K.CHECKPOINT, 55),
        (K.BILATERAL_MEETING, 50),
        (K.CALL, 22),
        (K.DISSEMINATION, 22),
        (K.DETENTION_VISIT, 15),
        (K.COURSE, 10),
        (K.TRACING_INQUIRY, 10),
        (K.WRITTEN, 8),
        (K.CIVIL_MILITARY, 8),
        (K.PRE_DEPLOYMENT, 6),
        (K.EXERCISE, 4),
        (K.CONFERENCE, 3),
    ),
    "kestria": (
        (K.BILATERAL_MEETING, 24),
        (K.DISSEMINATION, 14),
        (K.DETENTION_VISIT, 11),
        (K.CHECKPOINT, 9),
        (K.CALL, 8),
        (K.COURSE, 8),
        (K.PRE_DEPLOYMENT, 4),
        (K.WRITTEN, 3),
        (K.CONFERENCE, 2),
        (K.TRACING_INQUIRY, 2),
        (K.EXERCISE, 1),
    ),
}

KIND_BEARER_KINDS: dict[str, frozenset[str]] = {
    K.CHECKPOINT: ALL_KINDS_OF_BEARER,
    K.BILATERAL_MEETING: ALL_KINDS_OF_BEARER,
    K.CALL: ALL_KINDS_OF_BEARER,
    K.WRITTEN: ALL_KINDS_OF_BEARER,
    K.DISSEMINATION: ALL_KINDS_OF_BEARER,
    K.DETENTION_VISIT: ALL_KINDS_OF_BEARER,
    K.TRACING_INQUIRY: frozenset(
        {BearerKind.ARMED_FORCES, BearerKind.POLICE, BearerKind.NON_STATE_ARMED_GROUP}
    ),
    K.COURSE: STATE_FORCES,
    K.EXERCISE: frozenset({BearerKind.ARMED_FORCES, BearerKind.GENDARMERIE}),
    K.PRE_DEPLOYMENT: STATE_FORCES,
    K.CONFERENCE: STATE_FORCES,
    K.CIVIL_MILITARY: frozenset({BearerKind.ARMED_FORCES}),
}

KIND_LEVELS: dict[str, tuple[tuple[str, int], ...]] = {
    K.CHECKPOINT: ((TACT, 1),),
    K.BILATERAL_MEETING: ((STRAT, 2), (OPER, 4), (TACT, 4)),
    K.CALL: ((STRAT, 1), (OPER, 2), (TACT, 2)),
    K.WRITTEN: ((STRAT, 1), (OPER, 1)),
    K.DISSEMINATION: ((OPER, 1), (TACT, 3)),
    K.DETENTION_VISIT: ((OPER, 1), (TACT, 3)),
    K.TRACING_INQUIRY: ((OPER, 1), (TACT, 1)),
    K.COURSE: ((OPER, 1), (TACT, 1)),
    K.EXERCISE: ((OPER, 1),),
    K.PRE_DEPLOYMENT: ((OPER, 1), (TACT, 1)),
    K.CONFERENCE: ((STRAT, 1), (OPER, 1)),
    K.CIVIL_MILITARY: ((OPER, 1),),
}

# How many of their people take part, (low, high).
KIND_HEADCOUNT: dict[str, tuple[int, int]] = {
    K.CHECKPOINT: (1, 1),
    K.CALL: (1, 1),
    K.WRITTEN: (1, 1),
    K.BILATERAL_MEETING: (1, 2),
    K.DETENTION_VISIT: (1, 2),
    K.TRACING_INQUIRY: (1, 2),
    K.CIVIL_MILITARY: (1, 2),
    K.DISSEMINATION: (1, 3),
    K.COURSE: (1, 3),
    K.EXERCISE: (1, 2),
    K.PRE_DEPLOYMENT: (1, 2),
    K.CONFERENCE: (1, 3),
}

TOPIC_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    BearerKind.ARMED_FORCES: (
        ("conduct-of-hostilities", 6),
        ("detention", 3),
        ("health-care", 3),
        ("humanitarian-access", 3),
        ("security-of-staff", 2),
        ("mandate", 2),
        ("sanctions", 2),
        ("missing-persons", 2),
        ("new-technologies", 1),
    ),
    BearerKind.POLICE: (
        ("use-of-force", 7),
        ("detention", 4),
        ("equipment", 2),
        ("sanctions", 2),
        ("mandate", 1),
        ("missing-persons", 1),
        ("health-care", 1),
        ("security-of-staff", 1),
    ),
    BearerKind.GENDARMERIE: (
        ("use-of-force", 5),
        ("detention", 3),
        ("equipment", 2),
        ("sanctions", 1),
        ("conduct-of-hostilities", 1),
        ("humanitarian-access", 1),
    ),
    BearerKind.NON_STATE_ARMED_GROUP: (
        ("humanitarian-access", 5),
        ("security-of-staff", 4),
        ("conduct-of-hostilities", 3),
        ("detention", 3),
        ("missing-persons", 3),
        ("health-care", 3),
        ("mandate", 3),
        ("sanctions", 1),
    ),
}

# A topic a kind of contact is always about (the others are drawn by bearer).
KIND_FIRST_TOPICS: dict[str, tuple[str, ...]] = {
    K.CHECKPOINT: ("humanitarian-access", "security-of-staff"),
    K.DETENTION_VISIT: ("detention",),
    K.TRACING_INQUIRY: ("missing-persons",),
    K.CIVIL_MILITARY: ("humanitarian-access",),
    K.PRE_DEPLOYMENT: ("mandate",),
}

CONTEXTS = {
    "varnia": (
        "the recent fighting around {town}",
        "the offensive in {area}",
        "the displacement of families towards {town}",
        "the air strikes in {area}",
        "the shelling of villages near {town}",
        "the clashes near {town}",
    ),
    "kestria": (
        "the demonstrations in {town}",
        "the election-day incidents in {town}",
        "the post-election protests",
        "the fuel-price protests in {town}",
        "the vote count",
        "the arrests that followed the demonstrations in {town}",
    ),
}

DETAILS: dict[str, tuple[str, ...]] = {
    "conduct-of-hostilities": (
        "precautions when firing into populated areas around {town}",
        "the protection of civilians during operations in {area}",
        "the use of explosive weapons near markets and schools",
        "the distinction between fighters and civilians at night",
    ),
    "use-of-force": (
        "graduated use of force at roadblocks",
        "the use of firearms only as a last resort",
        "arrest procedures and the use of restraints",
        "crowd management near the market in {town}",
    ),
    "detention": (
        "registration of detainees within 24 hours",
        "notification of families after an arrest",
        "overcrowding in the holding cells in {town}",
        "access to people held by the {short}",
    ),
    "missing-persons": (
        "the cases of people reported missing by families in {town}",
        "the management of human remains after the clashes in {area}",
        "the exchange of lists of people held",
    ),
    "health-care": (
        "respect for ambulances at checkpoints",
        "access of the wounded to the hospital in {town}",
        "the protection of health workers in {area}",
    ),
    "humanitarian-access": (
        "access of relief convoys to {area}",
        "the procedure for notifying our movements",
        "delays at checkpoints on the road to {town}",
    ),
    "security-of-staff": (
        "security guarantees for our team in {town}",
        "the incident involving one of our vehicles near {town}",
        "acceptance of our presence by local commanders in {area}",
    ),
    "mandate": (
        "our neutral, impartial and independent approach",
        "the confidential nature of our dialogue",
        "our role in visiting detainees",
    ),
    "sanctions": (
        "disciplinary measures after the incident in {town}",
        "the investigation into alleged ill-treatment in {area}",
        "the code of conduct and how breaches are punished",
    ),
    "equipment": (
        "protective equipment for public-order units",
        "the risks of less-lethal weapons",
        "body-worn cameras for officers at demonstrations",
    ),
    "new-technologies": (
        "the use of armed drones",
        "legal reviews of new weapons",
        "cyber operations and civilian infrastructure",
    ),
}

KESTRIA_DETAILS: dict[str, tuple[str, ...]] = {
    "use-of-force": (
        "crowd management during the demonstrations in {town}",
        "the policing of polling stations on election day",
        "the use of firearms only as a last resort",
        "the dispersal of assemblies and the use of tear gas",
    ),
    "detention": (
        "the conditions of people held after the demonstrations in {town}",
        "access to a lawyer and notification of families after mass arrests",
        "overcrowding in the custody cells in {town}",
    ),
    "humanitarian-access": (
        "safe access of first-aid volunteers to the demonstrations in {town}",
        "the movement of our teams during the curfew",
    ),
    "security-of-staff": (
        "the safety of first-aid volunteers wearing the emblem",
        "the incident involving one of our vehicles near {town}",
    ),
    "health-care": (
        "access of injured demonstrators to hospitals in {town}",
        "respect for ambulances near the demonstrations",
    ),
    "missing-persons": ("people whose families have had no news since the arrests in {town}",),
}

LAW_PHRASES: dict[str, str] = {
    LegalFramework.IHL: "the rules of international humanitarian law",
    LegalFramework.IHRL: "international standards on law enforcement",
    LegalFramework.MIXED: "both IHL and the law-enforcement rules of human rights law",
    LegalFramework.DOMESTIC: "the provisions of the domestic law",
}

FIRST_SENTENCES: dict[str, tuple[str, ...]] = {
    K.CHECKPOINT: (
        "Passed the {short} checkpoint at {spot} after a {minutes}-minute wait; {person} "
        "checked the mission order and let the team through.",
        "Stopped by {short} personnel at {spot}; we explained the purpose of the movement and "
        "our mandate, and the team continued to {town}.",
        "Team delayed {minutes} minutes at {spot}: {person} said new orders required 24 hours' "
        "notice of every movement.",
        "Convoy turned back at {spot}; {person} cited orders from the {unit} and would not "
        "refer the matter up the chain of command.",
        "Routine crossing at {spot}, with a short exchange with {person} on {topic} in the "
        "context of {context}.",
    ),
    K.BILATERAL_MEETING: (
        "Meeting with {person}, {role} of the {unit}, in {town} on {topic}.",
        "Bilateral meeting at the headquarters of the {unit} in {town} to present our "
        "activities in {area} and discuss {topic}.",
        "Follow-up meeting with {person} on {topic}; the interlocutor confirmed that our "
        "presence in {area} remains accepted.",
        "Introductory meeting with {person}, newly in post as {role} of the {unit}; we "
        "presented our mandate and working methods and agreed to meet regularly.",
        "Meeting with {person} in {town} to take stock of the humanitarian consequences of "
        "{context}, with a focus on {topic}.",
    ),
    K.CALL: (
        "Call with {person} to notify the movement of a team to {town} and confirm security "
        "guarantees.",
        "{person} called to ask for help with the evacuation of wounded near {town}; we "
        "explained the conditions for our intervention.",
        "Call with {person} to prepare the next meeting on {topic}.",
        "Short call with {person} on {context}; we asked for news of people reported "
        "missing in {area}.",
    ),
    K.WRITTEN: (
        "Letter to {person}, {role} of the {unit}, summarising the concerns raised at the last "
        "meeting on {topic}.",
        "Confidential note handed to {person} on {topic}, with our recommendations.",
    ),
    K.DISSEMINATION: (
        "Dissemination session for {n} {members} of the {unit} in {town} on {topic}, including "
        "the protection of the emblem.",
        "Half-day session with {members} of the {unit} on {topic}; questions centred on "
        "practical cases from {area}.",
        "Presentation of our mandate and working methods to {n} {members} of the {unit} near "
        "{town}, followed by a discussion of {topic}.",
    ),
    K.COURSE: (
        "{days}-day course on {topic} for instructors of the {unit}, held at {spot}.",
        "Train-the-trainer course for {n} {members} of the {unit} on {topic}, held at {spot}.",
        "Module on {topic} delivered within the command and staff course of the {bearer}, at "
        "{spot}.",
    ),
    K.DETENTION_VISIT: (
        "Visit to {spot}; {n} detainees seen in private interviews.",
        "Follow-up visit to {spot}; findings on conditions and treatment shared with {person} "
        "at the end of the visit.",
        "Visit to {spot}, after months of dialogue on access.",
    ),
    K.TRACING_INQUIRY: (
        "Handed {n} tracing requests to {person} on behalf of families in {town}; the {unit} "
        "promised to check its registers.",
        "Tracing inquiry with the {unit} about {n} people reported missing after {context}.",
    ),
    K.PRE_DEPLOYMENT: (
        "Pre-deployment briefing for a contingent of the {unit} before its rotation to a "
        "multinational peace operation; focus on {topic}.",
        "Briefing for {n} {members} of the {unit} deploying abroad, on {topic} and the rules "
        "that will bind them.",
    ),
    K.CONFERENCE: (
        "Conference on {topic} in {town} attended by senior officers of the {short}; we "
        "presented lessons from the field.",
        "Round table with the {short} leadership on {topic}, held in {town}.",
    ),
    K.EXERCISE: (
        "Contributed scenarios on {topic} to a command-post exercise of the {unit} near {town}.",
        "Observed a field exercise of the {unit} and debriefed the staff on {topic}.",
    ),
    K.CIVIL_MILITARY: (
        "Civil-military coordination meeting with the {unit} in {town} on the safe passage of "
        "relief convoys to {area}.",
        "Coordination with the {unit} on deconfliction of our movements in {area} during "
        "{context}.",
    ),
}

SECOND_SENTENCES: tuple[str, ...] = (
    "Discussion focused on {detail}.",
    "We raised {detail}, recalling {law}.",
    "{person} asked for more material on {topic2}.",
    "Main point of discussion: {detail}.",
    "{person} acknowledged our concerns about {detail}.",
    "The atmosphere was {mood}.",
)

MOODS = ("cordial", "tense", "constructive", "businesslike", "guarded", "frank")

OUTCOMES: dict[str, tuple[str, ...]] = {
    "conduct-of-hostilities": (
        "Agreement to remind all units in {area} in writing of the precautions due in "
        "populated areas.",
        "Request for a session on the rules of behaviour in combat for junior commanders.",
    ),
    "use-of-force": (
        "Commitment to brief the officers deployed in {town} on the graduated use of force "
        "before the next gathering.",
        "Request for a course on crowd management for instructors.",
    ),
    "detention": (
        "Agreement in principle to a visit to all places of detention in {area}.",
        "Commitment to notify families within 48 hours of an arrest.",
        "Lists of detainees to be shared before the next visit.",
    ),
    "missing-persons": (
        "The {unit} will check its registers and answer within a month.",
        "Agreement to hand over information on human remains through our office.",
    ),
    "health-care": (
        "Ambulances bearing the emblem will be let through without search delays.",
        "Commitment to let the wounded reach the hospital in {town}.",
    ),
    "humanitarian-access": (
        "Access granted to {town} for the next relief convoy.",
        "Our movements will be notified through the {unit} liaison officer from now on.",
    ),
    "security-of-staff": (
        "Security guarantees confirmed for the team working in {town}.",
        "Undertaking to inform all checkpoints of our vehicles' markings.",
    ),
    "mandate": (
        "Our offer of services acknowledged; a further meeting at a higher level requested.",
        "The {short} accepted our presence in {area}.",
    ),
    "sanctions": (
        "Concern acknowledged; an internal inquiry was promised.",
        "The {short} will share the outcome of the disciplinary proceedings.",
    ),
    "equipment": ("The {short} asked for our technical paper on less-lethal weapons.",),
    "new-technologies": ("Agreement to continue the exchange on legal reviews of new weapons.",),
}
NO_OUTCOME = (
    "No commitment; {person} will refer the matter to the hierarchy.",
    "No tangible result; the dialogue continues.",
)

NOTES: tuple[str, ...] = (
    "Atmosphere {mood}. {person} was accompanied by an aide who took notes.",
    "{person} prefers to speak {language}; bring an interpreter next time.",
    "Tension is high in {area}; keep the next exchange short and factual.",
    "{person} hinted at pressure from the hierarchy on {topic2}; not to be raised in front of "
    "subordinates.",
    "Second contact this quarter; trust is growing.",
    "{person} asked that the meeting not be mentioned to other parties.",
)

FOLLOW_UP_ACTIONS: tuple[str, ...] = (
    "Send the written summary of the meeting to {person}",
    "Share the {manual} in {language} with the {unit}",
    "Propose dates for a dissemination session with the {unit}",
    "Brief the head of delegation before the next meeting with the {short}",
    "Prepare the written representation on {topic} for {person}",
)
TOPIC_FOLLOW_UP_ACTIONS: dict[str, tuple[str, ...]] = {
    "detention": (
        "Ask for the list of people held in {town}",
        "Arrange a follow-up visit to the place of detention in {town}",
    ),
    "missing-persons": ("Transmit the tracing requests from families in {town} to the {unit}",),
    "humanitarian-access": (
        "Check whether the movement-notification procedure has reached the {unit}",
    ),
    "security-of-staff": ("Send the list of our vehicles and their markings to the {unit}",),
    "health-care": ("Deliver the first-aid kits promised to the {unit}",),
    "use-of-force": ("Send the {unit} our guidance on the policing of assemblies",),
    "conduct-of-hostilities": ("Share the rules of behaviour in combat with the {unit}",),
}

PERSON_NOTES: tuple[str, ...] = (
    "Reachable through the {unit} liaison office.",
    "Took part in our course on {topic} two years ago.",
    "Well respected by subordinates; careful in what is said in front of them.",
    "Influential with communities in {area}.",
    "Prefers meetings early in the morning.",
)

RELATIONSHIP_NOTES: tuple[str, ...] = (
    "Met at a dissemination session; asked to stay in touch.",
    "Inherited from the previous delegate at the handover.",
    "Phone number in the delegation's contact sheet.",
    "",
    "",
    "",
)

# A confidential thread with the splinter group's commander, known only to two people.
RESTRICTED_PERSON = NameSpec("Idris Kanaan", ("ar", "fr"), "إدريس كنعان", "ar", "Arab")
RESTRICTED_ALIAS = ("أبو سهم", "Abu Sahm")
RESTRICTED_THREAD: tuple[tuple[str, int, tuple[str, ...], str, str], ...] = (
    (
        K.BILATERAL_MEETING,
        300,
        ("detention", "mandate"),
        "First meeting with {person} on the fate of soldiers captured near Kessel Ford; the "
        "commander confirmed holding prisoners and agreed in principle to a visit.",
        "Meeting place chosen by the group; we were driven there blindfolded. Do not record the "
        "location anywhere else.",
    ),
    (
        K.CALL,
        240,
        ("security-of-staff",),
        "Call with {person} to agree on a meeting place for the discussion on prisoners; "
        "security guarantees confirmed for the team.",
        "",
    ),
    (
        K.BILATERAL_MEETING,
        170,
        ("missing-persons", "detention"),
        "{person} handed over a list of 14 people held by the group, to be checked against our "
        "tracing requests.",
        "Eleven names match open tracing requests from families in Kessel Ford and Dunmarrow.",
    ),
    (
        K.BILATERAL_MEETING,
        95,
        ("detention", "health-care"),
        "Second meeting with {person} on a possible release of prisoners through our "
        "intermediary; conditions still under discussion.",
        "Two of the people held need medical care; raised as a matter of urgency.",
    ),
    (
        K.CALL,
        40,
        ("detention",),
        "Follow-up call with {person}: the visit to the people held near Dunmarrow is "
        "postponed by the group.",
        "",
    ),
    (
        K.BILATERAL_MEETING,
        12,
        ("detention", "missing-persons"),
        "Meeting with {person} to hand over family messages for people held by the HHRB and to "
        "fix a new date for the visit.",
        "The commander seemed under pressure from the FLHH; handle with great care.",
    ),
)

# --------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------


@dataclass
class UnitInfo:
    unit: Unit
    spec: UnitSpec
    area: AdminArea | None


@dataclass
class BearerInfo:
    spec: BearerSpec
    bearer: WeaponBearer
    units: list[UnitInfo] = field(default_factory=list)

    def units_at(self, level: str) -> list[UnitInfo]:
        return [u for u in self.units if u.spec.level == level]


@dataclass
class PersonInfo:
    person: Person
    name: NameSpec
    bearer: BearerInfo
    unit: UnitInfo
    level: str
    rank: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.rank} {self.name.full_name}".strip()


@dataclass
class _FollowUpPlan:
    action: str
    owner: User
    due_on: datetime.date
    done: bool


@dataclass
class _Plan:
    """Everything needed to record one interaction, decided before anything is written."""

    delegation: str
    actor: User
    kind: str
    occurred_at: datetime.datetime
    level: str
    place_name: str
    admin_area: AdminArea | None
    our_participants: list[User]
    their_participants: list[Person]
    bearers: list[WeaponBearer]
    topics: list[Topic]
    situation: str
    legal_framework: str
    confidentiality: str
    summary: str
    notes: str = ""
    outcomes: str = ""
    restricted: bool = False
    follow_ups: list[_FollowUpPlan] = field(default_factory=list)


@dataclass
class _Counts:
    follow_ups: int = 0
    done: int = 0
    restricted: int = 0


def load_demo_world(*, stdout: Writer | None = None) -> bool:
    """Load the fictional demo world into a database that holds no delegation yet.

    Return True if the world was loaded, False if the database already held a delegation
    (then nothing is written). Everything is written in one transaction.
    """
    with transaction.atomic():
        if Delegation.objects.exists():
            return False
        taken = sorted(
            User.objects.filter(username__in=[s.username for s in STAFF]).values_list(
                "username", flat=True
            )
        )
        if taken:
            raise ValueError(
                "The database holds no delegation but already has the demo accounts "
                f"{', '.join(taken)}; refusing to load the demo world into it."
            )
        WorldBuilder(stdout).build()
    return True


def print_demo_logins(stdout: Writer) -> None:
    """Print the demo accounts, their roles and delegations, and the shared password."""
    names = {code: name for code, name, _iso2, _hq in DELEGATIONS}
    rows = [(s.username, str(Role(s.role).label), names[s.delegation]) for s in STAFF]
    widths = [max(len(r[i]) for r in [("username", "role", "delegation"), *rows]) for i in (0, 1)]
    stdout.write(f"\nDemo sign-ins (every account has the password: {DEMO_PASSWORD})\n\n")
    header = ("username", "role", "delegation")
    for row in [header, *rows]:
        stdout.write(f"  {row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}\n")
    stdout.write(
        "\nSign in at the address the server prints (`make run` starts it next; by hand: "
        "`POURPARLER_DEMO=1 pourparler serve`). varnia.delegate and kestria.delegate "
        "have the fullest home pages.\n"
    )


class WorldBuilder:
    """Builds the world phase by phase, keeping what later phases need."""

    def __init__(self, stdout: Writer | None) -> None:
        self.out = stdout
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.started = time.monotonic()
        self.phase_started = self.started
        self.users: dict[str, User] = {}
        self.delegations: dict[str, Delegation] = {}
        self.countries: dict[str, Country] = {}
        self.areas: dict[str, AdminArea] = {}
        self.bearers: dict[str, BearerInfo] = {}
        self.people: dict[str, list[PersonInfo]] = {"varnia": [], "kestria": []}
        self.restricted_person: PersonInfo | None = None
        self.topics: dict[str, Topic] = {}
        # Every interaction recorded, by delegation, oldest first.
        self.interactions: dict[str, list[Interaction]] = {"varnia": [], "kestria": []}
        self.counts = _Counts()

    # -- helpers -----------------------------------------------------------------------

    def say(self, phase: str, detail: str) -> None:
        now = time.monotonic()
        if self.out is not None:
            self.out.write(
                f"  {phase:<13} {detail} ({now - self.phase_started:.1f} s, "
                f"{now - self.started:.1f} s in all)\n"
            )
        self.phase_started = now

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def weighted(self, options: Sequence[tuple[str, int]]) -> str:
        values = [value for value, _weight in options]
        weights = [weight for _value, weight in options]
        return self.rng.choices(values, weights=weights)[0]

    # -- phases ------------------------------------------------------------------------

    def build(self) -> None:
        if self.out is not None:
            self.out.write("Loading the demo world (Varnia and Kestria)…\n")
        self.bootstrap()
        self.geography()
        self.registry()
        self.interlocutors()
        self.dialogue()
        self.extensions()

    def extensions(self) -> None:
        """Let every domain app that has a ``demo.py`` add its records to the world.

        Apps are asked in ``INSTALLED_APPS`` order; each ``populate(world)`` gets this
        builder (its users, delegations, bearers with units, people, interactions,
        topics, random generator and today) and returns a line saying what it added.
        """
        for config in apps.get_app_configs():
            name = f"{config.name}.demo"
            if config.name == "pourparler.demo" or not config.name.startswith("pourparler."):
                continue
            if importlib.util.find_spec(name) is None:
                continue
            populate = importlib.import_module(name).populate
            self.say(config.label, populate(self))

    def bootstrap(self) -> None:
        for iso2, iso3, name in COUNTRIES:
            self.countries[iso2] = do_create_country(actor=None, iso2=iso2, iso3=iso3, name=name)
        for code, name, country_code, is_hq in DELEGATIONS:
            self.delegations[code] = do_create_delegation(
                actor=None,
                name=name,
                code=code,
                countries=[self.countries[country_code]] if country_code else [],
                is_headquarters=is_hq,
            )
        for spec in STAFF:
            is_admin = spec.role == Role.ADMINISTRATOR
            user = do_create_user(
                actor=None,
                username=spec.username,
                password=DEMO_PASSWORD,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@example.org",
                is_superuser=is_admin,
            )
            do_post_member(
                actor=None,
                user=user,
                delegation=self.delegations[spec.delegation],
                role=spec.role,
                starts_on=self.days_ago(spec.posted_days_ago),
            )
            self.users[spec.username] = user
        seed_topics()
        self.topics = {t.code: t for t in Topic.objects.alive()}
        self.say(
            "bootstrap",
            f"{len(COUNTRIES)} countries, {len(DELEGATIONS)} delegations, {len(STAFF)} accounts",
        )

    def geography(self) -> None:
        head = self.users["varnia.head"]
        for pcode, name, _towns in PROVINCES:
            self.areas[pcode] = do_create_admin_area(
                actor=head, country=self.countries["QV"], pcode=pcode, name=name, level=1
            )
        self.say("geography", f"{len(PROVINCES)} provinces of Varnia")

    def registry(self) -> None:
        units = 0
        for spec in BEARERS:
            actor = self.users[spec.creator]
            bearer = do_create_bearer(
                actor=actor,
                name=spec.name,
                kind=spec.kind,
                countries=[self.countries[spec.country]],
                names=spec.names,
                external_ids=spec.external_ids,
                description=spec.description,
                structure=spec.structure,
                leadership=spec.leadership,
                territorial_control=spec.territorial_control,
                community_ties=spec.community_ties,
                external_support=spec.external_support,
            )
            info = BearerInfo(spec=spec, bearer=bearer)
            made: dict[str, Unit] = {}
            for unit_spec in spec.units:
                area = self.areas[unit_spec.pcode] if unit_spec.pcode else None
                unit = do_create_unit(
                    bearer,
                    actor=actor,
                    name=unit_spec.name,
                    parent=made[unit_spec.parent] if unit_spec.parent else None,
                    echelon=unit_spec.echelon,
                    level=unit_spec.level,
                    location=unit_spec.town,
                    admin_area=area,
                )
                made[unit_spec.key] = unit
                info.units.append(UnitInfo(unit=unit, spec=unit_spec, area=area))
            units += len(spec.units)
            self.bearers[spec.key] = info
        do_relate_bearers(
            self.bearers["hhrb"].bearer,
            RelationKind.SPLINTER_OF,
            self.bearers["flhh"].bearer,
            actor=self.users["varnia.head"],
            since=self.days_ago(330),
        )
        self.say("registry", f"{len(BEARERS)} bearers, {units} units, 1 relation")

    def interlocutors(self) -> None:
        pools = {
            "varnia": list(VARNIA_NAMES),
            "kestria": list(KESTRIA_NAMES),
        }
        for pool in pools.values():
            self.rng.shuffle(pool)
        unit_cycles: dict[tuple[str, str], list[UnitInfo]] = {}
        title_cycles: dict[tuple[str, str], list[tuple[str, str]]] = {}
        noms = list(NOMS_DE_GUERRE)
        self.rng.shuffle(noms)
        for bearer_key, level, count in PEOPLE_SLOTS:
            info = self.bearers[bearer_key]
            delegation = info.spec.delegation
            for _ in range(count):
                cycle = unit_cycles.setdefault((bearer_key, level), [])
                if not cycle:
                    cycle.extend(info.units_at(level))
                    self.rng.shuffle(cycle)
                unit = cycle.pop()
                titles = title_cycles.setdefault((bearer_key, unit.spec.echelon), [])
                if not titles:
                    titles.extend(TITLES[info.spec.kind][unit.spec.echelon])
                    self.rng.shuffle(titles)
                rank, title = titles.pop()
                name = pools[delegation].pop()
                alias = None
                nsag = info.spec.kind == BearerKind.NON_STATE_ARMED_GROUP
                if nsag and noms and self.rng.random() < 0.5:
                    alias = noms.pop()
                self.people[delegation].append(
                    self._make_person(info, unit, level, rank, title, name, alias)
                )
        self._make_restricted_person()
        people = sum(len(p) for p in self.people.values()) + 1
        self.say(
            "people",
            f"{people} people ({len(self.people['varnia']) + 1} Varnia, "
            f"{len(self.people['kestria'])} Kestria), with positions and relationships",
        )

    def _holders(self, info: BearerInfo, level: str) -> list[str]:
        """Who on our side holds the relationship with someone of this bearer and level."""
        if info.spec.delegation == "kestria":
            if level == TACT:
                return ["kestria.delegate"]
            return ["kestria.specialist"] if self.rng.random() < 0.6 else ["kestria.delegate"]
        kind = info.spec.kind
        if kind == BearerKind.ARMED_FORCES:
            first = "varnia.specialist" if self.rng.random() < 0.7 else "varnia.delegate"
        elif kind == BearerKind.GENDARMERIE:
            first = "varnia.delegate" if self.rng.random() < 0.6 else "varnia.specialist"
        else:
            first = "varnia.delegate"
        return [first, "varnia.head"] if level == STRAT else [first]

    def _make_person(
        self,
        info: BearerInfo,
        unit: UnitInfo,
        level: str,
        rank: str,
        title: str,
        name: NameSpec,
        alias: tuple[str, str, str, str] | None,
    ) -> PersonInfo:
        delegation = info.spec.delegation
        holders = self._holders(info, level)
        actor = self.users[holders[0]]
        other_names: list[dict[str, str]] = []
        if name.other:
            other_names.append(
                {
                    "name": name.other,
                    "language": name.language,
                    "script": name.script,
                    "transliteration": name.full_name,
                }
            )
        if alias is not None:
            latin, script_form, language, script = alias
            if script_form:
                other_names.append(
                    {
                        "name": script_form,
                        "language": language,
                        "script": script,
                        "transliteration": latin,
                    }
                )
            else:
                other_names.append({"name": latin, "language": language, "script": script})
        area = unit.area.name if unit.area else unit.spec.town
        notes = ""
        if self.rng.random() < 0.45:
            topic = self.topics[self.weighted(TOPIC_WEIGHTS[info.spec.kind])]
            notes = self.rng.choice(PERSON_NOTES).format(
                unit=unit.spec.name, topic=_lc(topic.name), area=f"the {area}"
            )
        person = do_create_person(
            actor=actor,
            compartment=self.delegations[delegation],
            full_name=name.full_name,
            names=other_names,
            languages=list(name.languages),
            notes=notes,
        )
        self._positions(person, actor, info, unit, level, rank, title)
        self._relationships(person, holders)
        return PersonInfo(
            person=person, name=name, bearer=info, unit=unit, level=level, rank=rank, title=title
        )

    def _positions(
        self,
        person: Person,
        actor: User,
        info: BearerInfo,
        unit: UnitInfo,
        level: str,
        rank: str,
        title: str,
    ) -> None:
        starts = self.days_ago(self.rng.randint(90, 900))
        do_add_position(
            person,
            actor=actor,
            bearer=info.bearer,
            unit=unit.unit,
            rank=rank,
            role_title=title,
            level=level,
            starts_on=starts,
        )
        if self.rng.random() >= 0.5:
            return
        earlier: dict[str, str] = {STRAT: OPER, OPER: self.rng.choice([OPER, TACT]), TACT: TACT}
        earlier_level = earlier[level]
        candidates = [u for u in info.units_at(earlier_level) if u.unit.pk != unit.unit.pk]
        if not candidates:
            return
        past = self.rng.choice(candidates)
        titles = TITLES[info.spec.kind][past.spec.echelon]
        ladder = RANK_LADDERS.get(info.spec.kind, ())
        if rank in ladder:
            # A former post one rung or more below the present rank.
            lower = [
                t for t in titles if t[0] in ladder and ladder.index(t[0]) < ladder.index(rank)
            ]
            if lower:
                past_rank, past_title = self.rng.choice(lower)
            else:
                past_rank = ladder[max(0, ladder.index(rank) - 1)]
                past_title = self.rng.choice(titles)[1]
        else:
            past_rank, past_title = self.rng.choice(titles)
            past_rank = past_rank if rank else ""
        ends = starts - datetime.timedelta(days=1)
        do_add_position(
            person,
            actor=actor,
            bearer=info.bearer,
            unit=past.unit,
            rank=past_rank,
            role_title=past_title,
            level=earlier_level,
            starts_on=ends - datetime.timedelta(days=self.rng.randint(365, 1100)),
            ends_on=ends,
        )

    def _relationships(self, person: Person, holders: Sequence[str]) -> None:
        strengths = (
            (Strength.WORKING, 45),
            (Strength.TRUSTED, 25),
            (Strength.FIRST_CONTACT, 20),
            (Strength.STRAINED, 10),
        )
        for username in holders:
            holder = self.users[username]
            do_create_relationship(
                person,
                actor=holder,
                holder=holder,
                since=self.days_ago(self.rng.randint(30, 700)),
                strength=self.weighted(strengths),
                notes=self.rng.choice(RELATIONSHIP_NOTES),
            )

    def _make_restricted_person(self) -> None:
        head = self.users["varnia.head"]
        specialist = self.users["varnia.specialist"]
        hhrb = self.bearers["hhrb"]
        flhh = self.bearers["flhh"]
        name = RESTRICTED_PERSON
        person = do_create_person(
            actor=specialist,
            compartment=self.delegations["varnia"],
            full_name=name.full_name,
            names=[
                {
                    "name": name.other,
                    "language": name.language,
                    "script": name.script,
                    "transliteration": name.full_name,
                },
                {
                    "name": RESTRICTED_ALIAS[0],
                    "language": "ar",
                    "script": "Arab",
                    "transliteration": RESTRICTED_ALIAS[1],
                },
            ],
            languages=list(name.languages),
            notes=(
                "Known only to the head of delegation and the armed-forces specialist. Any "
                "mention of this contact outside that circle could endanger the interlocutor."
            ),
            legal_basis=LegalBasis.VITAL_INTEREST,
            restricted=True,
            restricted_to=[head, specialist],
        )
        lead = hhrb.units_at(STRAT)[0]
        split = self.days_ago(330)
        do_add_position(
            person,
            actor=specialist,
            bearer=hhrb.bearer,
            unit=lead.unit,
            rank="Commander",
            role_title="Commander of the HHRB",
            level=STRAT,
            starts_on=split,
        )
        front = next(u for u in flhh.units if u.spec.key == "fw")
        do_add_position(
            person,
            actor=specialist,
            bearer=flhh.bearer,
            unit=front.unit,
            rank="Commander",
            role_title="Front Commander",
            level=OPER,
            starts_on=split - datetime.timedelta(days=1400),
            ends_on=split - datetime.timedelta(days=1),
        )
        do_create_relationship(
            person,
            actor=specialist,
            holder=specialist,
            since=self.days_ago(310),
            strength=Strength.WORKING,
            notes="Contact through an intermediary in Kessel Ford; never by phone from the office.",
        )
        do_create_relationship(
            person,
            actor=specialist,
            holder=head,
            since=self.days_ago(300),
            strength=Strength.FIRST_CONTACT,
        )
        self.restricted_person = PersonInfo(
            person=person,
            name=name,
            bearer=hhrb,
            unit=lead,
            level=STRAT,
            rank="Commander",
            title="Commander of the HHRB",
        )

    # -- the dialogue ------------------------------------------------------------------

    def dialogue(self) -> None:
        plans: list[_Plan] = []
        for delegation, total in (
            ("varnia", VARNIA_INTERACTIONS - len(RESTRICTED_THREAD)),
            ("kestria", KESTRIA_INTERACTIONS),
        ):
            for _ in range(total):
                plans.append(self._plan_interaction(delegation))
        plans.extend(self._plan_restricted_thread())
        plans.sort(key=lambda plan: plan.occurred_at)
        self.say("planning", f"{len(plans)} interactions planned")
        for index, plan in enumerate(plans, start=1):
            self._record(plan)
            if self.out is not None and index % 100 == 0:
                self.out.write(f"    … {index} interactions recorded\n")
        self.say(
            "dialogue",
            f"{len(plans)} interactions ({self.counts.restricted} restricted), "
            f"{self.counts.follow_ups} follow-ups ({self.counts.done} done)",
        )

    def _plan_interaction(self, delegation: str) -> _Plan:
        rng = self.rng
        kind = self.weighted(KIND_WEIGHTS[delegation])
        eligible = [
            b
            for b in self.bearers.values()
            if b.spec.delegation == delegation and b.spec.kind in KIND_BEARER_KINDS[kind]
        ]
        info = rng.choices(eligible, weights=[b.spec.weight for b in eligible])[0]
        level = self.weighted(KIND_LEVELS[kind])
        pool = [p for p in self.people[delegation] if p.bearer is info]
        at_level = [p for p in pool if p.level == level] or pool
        low, high = KIND_HEADCOUNT[kind]
        wanted = rng.randint(low, high)
        theirs = rng.sample(at_level, min(wanted, len(at_level)))
        if len(theirs) < wanted and kind in (K.DISSEMINATION, K.COURSE, K.CONFERENCE):
            others = [p for p in pool if p not in theirs]
            theirs += rng.sample(others, min(wanted - len(theirs), len(others)))
        level = theirs[0].level
        bearers = [info]
        if kind == K.CIVIL_MILITARY and rng.random() < 0.5:
            bearers.append(self.bearers["vnp"])
        if kind == K.CONFERENCE and delegation == "kestria":
            bearers = [self.bearers["knp"], self.bearers["kg"]]

        topics = self._topics(kind, info)
        framework = self._framework(bearers, topics)
        ours = self._our_people(delegation, kind, info, level)
        # More contacts lately: the fighting spreads in Varnia; Kestria's election nears.
        skew = 1.3 if delegation == "varnia" else 1.6
        days = 1 + int((HISTORY_DAYS - 1) * rng.random() ** skew)
        hour = rng.randint(7, 17) if kind != K.CALL else rng.randint(7, 20)
        occurred = timezone.make_aware(
            datetime.datetime.combine(
                self.days_ago(days), datetime.time(hour, rng.choice((0, 15, 30, 45)))
            )
        )
        first = theirs[0]
        town = first.unit.spec.town
        place, spot = self._place(kind, first, delegation)
        area = first.unit.area
        values = self._phrases(delegation, first, info, topics, framework, town, place, spot)
        template = rng.choice(FIRST_SENTENCES[kind])
        if "headquarters of the {unit}" in template:
            place = f"{first.unit.spec.name} headquarters, {town}"
        summary = template.format(**values)
        if rng.random() < 0.75:
            summary += " " + _sentence(rng.choice(SECOND_SENTENCES).format(**values))
        notes = _sentence(rng.choice(NOTES).format(**values)) if rng.random() < 0.5 else ""
        outcomes = ""
        if kind not in (K.CHECKPOINT, K.CALL) and rng.random() < 0.65:
            options = OUTCOMES.get(topics[0].code, ()) + NO_OUTCOME
            outcomes = _sentence(rng.choice(options).format(**values))
        confidentiality = self._confidentiality(kind, level, info)
        recent = days <= 45
        follow_ups: list[_FollowUpPlan] = []
        if rng.random() < (0.6 if recent else 0.36):
            follow_ups = self._plan_follow_ups(
                1 if rng.random() < 0.7 else 2,
                occurred.date(),
                ours,
                values,
                delegation,
                topics[0].code,
            )
        return _Plan(
            delegation=delegation,
            actor=ours[0],
            kind=kind,
            occurred_at=occurred,
            level=level,
            place_name=place,
            admin_area=area if kind not in (K.CALL, K.WRITTEN) else None,
            our_participants=ours,
            their_participants=[p.person for p in theirs],
            bearers=[b.bearer for b in bearers],
            topics=topics,
            situation=Situation.NIAC if delegation == "varnia" else Situation.OTHER_VIOLENCE,
            legal_framework=framework,
            confidentiality=confidentiality,
            summary=summary,
            notes=notes,
            outcomes=outcomes,
            follow_ups=follow_ups,
        )

    def _topics(self, kind: str, info: BearerInfo) -> list[Topic]:
        weights = TOPIC_WEIGHTS[info.spec.kind]
        if info.spec.delegation == "kestria":
            weights = tuple(w for w in weights if w[0] != "conduct-of-hostilities")
        codes: list[str] = []
        if kind in KIND_FIRST_TOPICS:
            codes.append(self.rng.choice(KIND_FIRST_TOPICS[kind]))
        else:
            codes.append(self.weighted(weights))
        extra = self.rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
        for _ in range(extra):
            code = self.weighted(weights)
            if code not in codes:
                codes.append(code)
        return [self.topics[code] for code in codes]

    def _framework(self, bearers: Sequence[BearerInfo], topics: Sequence[Topic]) -> str:
        frameworks = {b.spec.framework for b in bearers}
        codes = {t.code for t in topics}
        if any(b.spec.kind == BearerKind.GENDARMERIE for b in bearers) and (
            "conduct-of-hostilities" in codes
        ):
            # Gendarmes placed under army command for operations: both bodies of law apply.
            return LegalFramework.MIXED
        if len(frameworks) > 1:
            return LegalFramework.MIXED
        if codes == {"sanctions"} and self.rng.random() < 0.5:
            return LegalFramework.DOMESTIC
        return frameworks.pop()

    def _our_people(self, delegation: str, kind: str, info: BearerInfo, level: str) -> list[User]:
        rng = self.rng
        names: list[str]
        if delegation == "kestria":
            if kind in (K.COURSE, K.PRE_DEPLOYMENT, K.CONFERENCE, K.EXERCISE):
                names = ["kestria.specialist"]
            elif level == STRAT:
                names = ["kestria.specialist"]
                if rng.random() < 0.5:
                    names.append("kestria.delegate")
            elif level == OPER:
                names = [rng.choice(["kestria.delegate", "kestria.specialist"])]
                if rng.random() < 0.35:
                    names.append(
                        "kestria.specialist"
                        if names[0] == "kestria.delegate"
                        else "kestria.delegate"
                    )
            else:
                names = ["kestria.delegate"]
                if rng.random() < 0.25:
                    names.append("kestria.specialist")
            return [self.users[n] for n in names]
        armed_forces = info.spec.kind == BearerKind.ARMED_FORCES
        if kind == K.CHECKPOINT:
            names = ["varnia.delegate" if rng.random() < 0.85 else "varnia.specialist"]
        elif kind in (K.COURSE, K.PRE_DEPLOYMENT, K.EXERCISE, K.CONFERENCE, K.CIVIL_MILITARY):
            names = ["varnia.specialist"]
            if kind == K.CONFERENCE:
                names.append("varnia.head")
            elif rng.random() < 0.3:
                names.append("varnia.delegate")
        elif level == STRAT:
            names = ["varnia.head"]
            names.append("varnia.specialist" if armed_forces else "varnia.delegate")
        elif armed_forces:
            if level == OPER:
                names = ["varnia.specialist"]
                if rng.random() < 0.45:
                    names.append("varnia.delegate")
            else:
                names = ["varnia.delegate"]
                if rng.random() < 0.3:
                    names.append("varnia.specialist")
        else:
            names = ["varnia.delegate"]
            if level == OPER and rng.random() < 0.3:
                names.append("varnia.head")
        return [self.users[n] for n in names]

    def _place(self, kind: str, first: PersonInfo, delegation: str) -> tuple[str, str]:
        rng = self.rng
        town = first.unit.spec.town
        unit = first.unit.spec.name
        short = first.bearer.spec.short
        capital = VARNIA_CAPITAL if delegation == "varnia" else KESTRIA_CAPITAL
        if kind == K.CHECKPOINT:
            spot = rng.choice(
                (
                    f"the {town} bridge",
                    f"the northern entrance to {town}",
                    f"the {town} junction",
                    f"the {town} ring road",
                    f"the market road in {town}",
                )
            )
            return f"Checkpoint at {spot}", spot
        if kind in (K.CALL, K.WRITTEN):
            return "", ""
        nsag = first.bearer.spec.kind == BearerKind.NON_STATE_ARMED_GROUP
        if kind == K.DETENTION_VISIT:
            if nsag:
                place = f"Place of detention held by the {short} near {town}"
                return place, f"a place of detention held by the {short} near {town}"
            if first.bearer.spec.kind == BearerKind.POLICE:
                return f"Police custody cells, {town}", f"the police custody cells in {town}"
            return (
                f"{unit} detention facility, {town}",
                f"the detention facility of the {unit} in {town}",
            )
        if kind == K.COURSE:
            academies: dict[str, str] = {
                BearerKind.ARMED_FORCES: "Military Academy",
                BearerKind.POLICE: "National Police Academy",
                BearerKind.GENDARMERIE: "Gendarmerie Training School",
            }
            academy = academies.get(first.bearer.spec.kind, "Training centre")
            return f"{academy}, {capital}", f"the {academy} in {capital}"
        if kind == K.PRE_DEPLOYMENT:
            return f"Peace Operations Training Centre, {capital}", ""
        if kind == K.CONFERENCE:
            return f"Conference centre, {capital}", ""
        if kind == K.EXERCISE:
            return f"{unit} training area near {town}", ""
        if kind == K.CIVIL_MILITARY:
            return f"Governor's office, {town}", ""
        if kind == K.DISSEMINATION:
            if nsag:
                return f"{short} position near {town}", ""
            return f"{unit}, {town}", ""
        if nsag:
            return rng.choice((f"Village near {town}", f"Our office in {town}")), ""
        return rng.choice((f"{unit} headquarters, {town}", f"Our office in {town}")), ""

    def _phrases(
        self,
        delegation: str,
        first: PersonInfo,
        info: BearerInfo,
        topics: Sequence[Topic],
        framework: str,
        town: str,
        place: str,
        spot: str,
    ) -> dict[str, object]:
        rng = self.rng
        area_obj = first.unit.area
        area = f"the {area_obj.name}" if area_obj else f"the {town} area"
        short = info.spec.short
        context = rng.choice(CONTEXTS[delegation]).format(town=town, area=area)
        code = topics[0].code
        details = DETAILS[code]
        if delegation == "kestria" and code in KESTRIA_DETAILS:
            details = KESTRIA_DETAILS[code]
        detail = rng.choice(details).format(town=town, area=area, short=short)
        language = LANGUAGE_NAMES[rng.choice(first.name.languages)]
        manual = (
            "IHL handbook"
            if framework in (LegalFramework.IHL, LegalFramework.MIXED)
            else "handbook on international policing standards"
        )
        return {
            "person": first.label,
            "role": first.title,
            "unit": first.unit.spec.name,
            "short": short,
            "bearer": info.spec.name,
            "members": info.spec.members,
            "town": town,
            "area": area,
            "place": place or town,
            "spot": spot or town,
            "topic": _lc(topics[0].name),
            "topic2": _lc(topics[-1].name),
            "detail": detail,
            "law": LAW_PHRASES.get(framework, LAW_PHRASES[LegalFramework.IHL]),
            "context": context,
            "mood": rng.choice(MOODS),
            "language": language,
            "manual": manual,
            "n": rng.randint(6, 45),
            "days": rng.randint(2, 5),
            "minutes": rng.choice((10, 15, 20, 30, 45, 60, 90)),
        }

    def _confidentiality(self, kind: str, level: str, info: BearerInfo) -> str:
        options: tuple[tuple[str, int], ...]
        if kind in (K.DISSEMINATION, K.COURSE, K.CONFERENCE, K.PRE_DEPLOYMENT, K.EXERCISE):
            options = ((Confidentiality.INTERNAL, 70), (Confidentiality.CONFIDENTIAL, 30))
        elif kind == K.DETENTION_VISIT or (
            level == STRAT and info.spec.kind == BearerKind.NON_STATE_ARMED_GROUP
        ):
            options = (
                (Confidentiality.CONFIDENTIAL, 55),
                (Confidentiality.STRICTLY_CONFIDENTIAL, 45),
            )
        else:
            options = (
                (Confidentiality.INTERNAL, 15),
                (Confidentiality.CONFIDENTIAL, 70),
                (Confidentiality.STRICTLY_CONFIDENTIAL, 15),
            )
        return self.weighted(options)

    def _plan_follow_ups(
        self,
        count: int,
        occurred: datetime.date,
        ours: Sequence[User],
        values: Mapping[str, object],
        delegation: str,
        topic_code: str,
    ) -> list[_FollowUpPlan]:
        rng = self.rng
        delegate = self.users[f"{delegation}.delegate"]
        templates = list(FOLLOW_UP_ACTIONS)
        if delegation == "kestria":
            templates = [t.replace("the head of delegation", "headquarters") for t in templates]
        specific = list(TOPIC_FOLLOW_UP_ACTIONS.get(topic_code, ()))
        plans: list[_FollowUpPlan] = []
        for _ in range(count):
            pool = specific if specific and rng.random() < 0.6 else templates
            template = pool.pop(rng.randrange(len(pool)))
            owner = delegate if delegate in ours and rng.random() < 0.75 else rng.choice(ours)
            due = occurred + datetime.timedelta(days=rng.randint(7, 45))
            if due < self.today - datetime.timedelta(days=30):
                done = rng.random() < 0.98
            elif due < self.today - datetime.timedelta(days=5):
                done = rng.random() < 0.8
            else:
                done = False
            plans.append(
                _FollowUpPlan(action=template.format(**values), owner=owner, due_on=due, done=done)
            )
        return plans

    def _plan_restricted_thread(self) -> list[_Plan]:
        person = self.restricted_person
        assert person is not None
        head = self.users["varnia.head"]
        specialist = self.users["varnia.specialist"]
        plans: list[_Plan] = []
        for index, (kind, days, codes, summary, notes) in enumerate(RESTRICTED_THREAD):
            ours = [specialist, head] if kind == K.BILATERAL_MEETING else [specialist]
            occurred = timezone.make_aware(
                datetime.datetime.combine(self.days_ago(days), datetime.time(10 + index % 4, 0))
            )
            follow_ups: list[_FollowUpPlan] = []
            if index in (0, 2, 4, 5):
                due = occurred.date() + datetime.timedelta(days=14)
                follow_ups.append(
                    _FollowUpPlan(
                        action=(
                            "Check the names on the list against open tracing requests"
                            if "missing-persons" in codes
                            else "Prepare the terms of a visit to the people held by the HHRB"
                        ),
                        owner=specialist if index % 2 == 0 else head,
                        due_on=due,
                        done=due < self.today - datetime.timedelta(days=7),
                    )
                )
            plans.append(
                _Plan(
                    delegation="varnia",
                    actor=specialist,
                    kind=kind,
                    occurred_at=occurred,
                    level=STRAT,
                    place_name="" if kind == K.CALL else "Village near Kessel Ford",
                    admin_area=None if kind == K.CALL else self.areas["QV02"],
                    our_participants=ours,
                    their_participants=[person.person],
                    bearers=[person.bearer.bearer],
                    topics=[self.topics[c] for c in codes],
                    situation=Situation.NIAC,
                    legal_framework=LegalFramework.IHL,
                    confidentiality=Confidentiality.STRICTLY_CONFIDENTIAL,
                    summary=summary.format(person=person.label),
                    notes=notes,
                    restricted=True,
                    follow_ups=follow_ups,
                )
            )
        return plans

    def _record(self, plan: _Plan) -> None:
        restricted_to: list[User] = []
        if plan.restricted:
            restricted_to = [self.users["varnia.head"], self.users["varnia.specialist"]]
            self.counts.restricted += 1
        interaction: Interaction = do_record_interaction(
            actor=plan.actor,
            compartment=self.delegations[plan.delegation],
            kind=plan.kind,
            summary=plan.summary,
            bearers=plan.bearers,
            their_participants=plan.their_participants,
            our_participants=plan.our_participants,
            topics=plan.topics,
            restricted=plan.restricted,
            restricted_to=restricted_to,
            occurred_at=plan.occurred_at,
            level=plan.level,
            place_name=plan.place_name,
            admin_area=plan.admin_area,
            situation=plan.situation,
            legal_framework=plan.legal_framework,
            confidentiality=plan.confidentiality,
            notes=plan.notes,
            outcomes=plan.outcomes,
        )
        self.interactions[plan.delegation].append(interaction)
        for entry in plan.follow_ups:
            follow_up: FollowUp = do_create_follow_up(
                interaction,
                actor=plan.actor,
                action=entry.action,
                owner=entry.owner,
                due_on=entry.due_on,
            )
            self.counts.follow_ups += 1
            if entry.done:
                done_on: datetime.date | None = entry.due_on
                if done_on is not None and done_on > timezone.localdate():
                    done_on = None
                do_complete_follow_up(
                    follow_up,
                    actor=entry.owner,
                    expected_version=follow_up.version,
                    done_on=done_on,
                )
                self.counts.done += 1


def _lc(text: str) -> str:
    """Lower-case the first letter of a name used inside a sentence."""
    return text[:1].lower() + text[1:]


def _sentence(text: str) -> str:
    """Upper-case the first letter of a sentence."""
    return text[:1].upper() + text[1:]
