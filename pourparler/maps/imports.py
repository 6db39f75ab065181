"""Reading a GeoJSON file of outlines to import as areas of control: all or nothing.

The file may hold one geometry, one Feature or a FeatureCollection. Every feature is
checked (``maps.geometry``); if any is refused, nothing is imported and each problem
names its feature by number and by the name its properties give (``name``, ``NAME``,
``admin1Name``…), so the person can find it in the GIS program that made the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pourparler.maps.geometry import check_shape, parse_geojson, to_text

MAX_FEATURES = 500
NAME_KEYS = ("name", "Name", "NAME", "label", "title", "nom", "adm2_name", "adm1_name")


@dataclass(frozen=True)
class Outline:
    """One checked outline of a file: how to name it in a message, its name, its GeoJSON."""

    label: str
    name: str
    text: str


def _name(feature: Any) -> str:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict):
        return ""
    for key in NAME_KEYS:
        value = properties.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


def read_outlines(data: bytes) -> list[Outline]:
    """Return the checked outlines of a GeoJSON file, or refuse it with every problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text: GeoJSON always is.")) from None
    document = parse_geojson(text)
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise ValidationError(_("The FeatureCollection has no list of features."))
    elif isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    elif isinstance(document, dict) and "coordinates" in document:
        features = [{"type": "Feature", "geometry": document, "properties": {}}]
    else:
        raise ValidationError(_("Expected GeoJSON: a FeatureCollection, a Feature or a geometry."))
    if not features:
        raise ValidationError(_("The file holds no feature."))
    if len(features) > MAX_FEATURES:
        raise ValidationError(
            _("The file holds %(n)s features; import at most %(max)s at a time.")
            % {"n": len(features), "max": MAX_FEATURES}
        )
    outlines: list[Outline] = []
    problems: list[str] = []
    for number, feature in enumerate(features, start=1):
        name = _name(feature)
        label = (
            _("Feature %(n)s (“%(name)s”)") % {"n": number, "name": name}
            if name
            else _("Feature %(n)s") % {"n": number}
        )
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        try:
            shape = check_shape(geometry)
        except ValidationError as error:
            problems.append(f"{label}: {' '.join(error.messages)}")
            continue
        outlines.append(Outline(label=label, name=name, text=to_text(shape)))
    if problems:
        raise ValidationError(
            [_("Nothing was imported. Correct the file and import it again."), *problems]
        )
    return outlines
