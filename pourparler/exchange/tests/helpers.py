"""Shared by the exchange tests: the real files, cut-outs of them, and table counts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.test import Client

from pourparler.core.models import User
from pourparler.testing.http import sign_in

DATA = Path(__file__).parent / "data"
ACTORS = DATA / "ucdp-actor-221.csv"


def client_for(user: User) -> Client:
    """A browser signed in as the user."""
    client = Client()
    sign_in(client, user)
    return client


def actor_rows() -> list[dict[str, str]]:
    """The rows of the real UCDP actor list, as the csv module reads them."""
    with ACTORS.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def actors_csv(ids: Iterable[str], change: dict[str, dict[str, str]] | None = None) -> bytes:
    """A cut-out of the real actor list with only these actors (and cells changed)."""
    wanted = set(ids)
    rows = [row for row in actor_rows() if row["ActorId"] in wanted]
    for row in rows:
        row.update((change or {}).get(row["ActorId"], {}))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(actor_rows()[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def table_counts(*labels: str) -> dict[str, int]:
    """Count every row (tombstoned ones too) of the named models."""
    return {label: apps.get_model(label).objects.count() for label in labels}


REGISTRY = (
    "bearers.WeaponBearer",
    "bearers.BearerName",
    "bearers.ExternalId",
    "bearers.BearerRelation",
    "exchange.Provenance",
    "exchange.ReviewItem",
)
