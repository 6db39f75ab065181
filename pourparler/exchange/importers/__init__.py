"""The formats Pourparler imports; importing this package registers every kind."""

from pourparler.exchange.importers import events, generic, ocha, ucdp_actors, ucdp_conflicts

__all__ = ["events", "generic", "ocha", "ucdp_actors", "ucdp_conflicts"]
