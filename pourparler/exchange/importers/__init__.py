"""The formats Pourparler imports; importing this package registers every kind."""

from pourparler.exchange.importers import generic, ucdp_actors

__all__ = ["generic", "ucdp_actors"]
