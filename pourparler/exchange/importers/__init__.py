"""The formats Pourparler imports; importing this package registers every kind."""

from pourparler.exchange.importers import ucdp_actors

__all__ = ["ucdp_actors"]
