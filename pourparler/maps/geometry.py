"""Outlines of areas: reading and checking GeoJSON, and measuring in an equal-area projection.

An outline is kept as GeoJSON text (RFC 7946: longitude then latitude, WGS 84), a
Polygon or a MultiPolygon. ``clean_outline`` reads what a user drew or a file held and
refuses, with a sentence a delegate can act on, anything that is not one closed, valid
polygon within the world's coordinates and the size limits below.

Areas are measured in Lambert's cylindrical equal-area projection on the authalic sphere
(``x = R·λ``, ``y = R·sin φ``): every region keeps its true area, so the share of an
administrative area that an area of control covers is the same as on the ground. Edges
are first cut to ``SEGMENT_DEGREES`` so that a long straight edge in longitude and
latitude (which is what GeoJSON means) stays that edge once projected. See docs/maps.md.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# shapely ships no type stubs; imported by name it is simply untyped.
shapely: Any = importlib.import_module("shapely")
shapely_geometry: Any = importlib.import_module("shapely.geometry")
shapely_validation: Any = importlib.import_module("shapely.validation")

# The radius of the sphere with the WGS 84 ellipsoid's surface area (metres).
AUTHALIC_RADIUS = 6_371_007.181
# Longest edge, in degrees, before projecting (about 5.5 km at the equator).
SEGMENT_DEGREES = 0.05
# What one outline may hold: enough for a district's real boundary, not a country's coast
# at full resolution (simplify it first).
MAX_VERTICES = 50_000
MAX_BYTES = 3_000_000
DECIMALS = 6  # about 11 cm: more is noise

POLYGONAL = ("Polygon", "MultiPolygon")


def parse_geojson(text: str) -> Any:
    """Read GeoJSON text, refusing what is not JSON or is too large."""
    if len(text.encode()) > MAX_BYTES:
        raise ValidationError(
            _("The outline is larger than %(mb)s MB: simplify it first.")
            % {"mb": MAX_BYTES // 1_000_000}
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("This is not GeoJSON: %(reason)s (line %(line)s).")
            % {"reason": error.msg, "line": error.lineno}
        ) from None


def geometry_of(document: Any) -> Any:
    """Return the geometry object of a GeoJSON geometry or single Feature."""
    if isinstance(document, dict) and document.get("type") == "Feature":
        return document.get("geometry")
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features") or []
        if len(features) != 1:
            raise ValidationError(
                _("Give one outline here, not a collection of %(n)s features: import the file.")
                % {"n": len(features)}
            )
        return geometry_of(features[0])
    return document


def check_shape(geometry: Any) -> Any:
    """Return the shapely shape of a GeoJSON geometry, or say why it cannot be an outline."""
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise ValidationError(_("There is no geometry."))
    if geometry["type"] not in POLYGONAL:
        raise ValidationError(
            _("A %(kind)s is not an area: draw or import a polygon.") % {"kind": geometry["type"]}
        )
    try:
        outline = shapely_geometry.shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as e:
        raise ValidationError(_("The polygon cannot be read (%(error)s).") % {"error": e}) from None
    if outline.is_empty:
        raise ValidationError(_("The polygon is empty."))
    coordinates = shapely.get_coordinates(outline)
    if len(coordinates) > MAX_VERTICES:
        raise ValidationError(
            _("The outline has %(n)s points; at most %(max)s are kept: simplify it first.")
            % {"n": len(coordinates), "max": MAX_VERTICES}
        )
    if not np.isfinite(coordinates).all():
        raise ValidationError(_("The outline has a point without coordinates."))
    longitudes, latitudes = coordinates[:, 0], coordinates[:, 1]
    if (np.abs(longitudes) > 180).any() or (np.abs(latitudes) > 90).any():
        raise ValidationError(
            _(
                "A point lies outside the world (longitude −180 to 180, latitude −90 to 90): "
                "were longitude and latitude swapped, or the file not in WGS 84?"
            )
        )
    if not outline.is_valid:
        raise ValidationError(
            _("The polygon is not valid: %(reason)s.")
            % {"reason": shapely_validation.explain_validity(outline)}
        )
    if outline.area == 0:
        raise ValidationError(_("The polygon has no area."))
    return outline


def to_text(outline: Any) -> str:
    """Write a shape as compact GeoJSON text, coordinates rounded to ``DECIMALS``, its
    rings in shapely's normal order: the same shape always gives the same text, so saving
    an area again does not change its outline or its digest."""
    rounded = shapely.set_precision(outline, 10**-DECIMALS)
    if rounded.is_empty or not rounded.is_valid or rounded.geom_type not in POLYGONAL:
        rounded = outline
    return json.dumps(shapely_geometry.mapping(shapely.normalize(rounded)), separators=(",", ":"))


def clean_outline(text: str) -> str:
    """Check an outline given as GeoJSON text; return it as stored (compact, rounded)."""
    outline = check_shape(geometry_of(parse_geojson(text)))
    return to_text(outline)


def read_outline(text: str) -> Any:
    """Return the shapely shape of a stored outline (trusted: it was checked on the way in)."""
    return shapely_geometry.shape(json.loads(text))


def _cylindrical_equal_area(coordinates: Any) -> Any:
    radians = np.radians(coordinates)
    return np.column_stack(
        (AUTHALIC_RADIUS * radians[:, 0], AUTHALIC_RADIUS * np.sin(radians[:, 1]))
    )


def project(outline: Any) -> Any:
    """Return a shape in the equal-area projection (metres), its edges cut short first."""
    return shapely.transform(shapely.segmentize(outline, SEGMENT_DEGREES), _cylindrical_equal_area)


def area_km2(outline: Any) -> float:
    """Return the true area of a shape given in longitude and latitude, in km²."""
    return float(project(outline).area) / 1e6
