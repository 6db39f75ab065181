"""``{% export_control "name" %}``: the Export control a list page includes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from pourparler.exchange import exports

register = template.Library()

FORMAT_LABELS = {
    "csv": "CSV",
    "xlsx": _("Excel (XLSX)"),
    "json": "JSON",
    "hxl": _("HXL-tagged CSV"),
    "geojson": _("GeoJSON (map)"),
}


@register.inclusion_tag("ui/_export.html", takes_context=True)
def export_control(context: template.Context, name: str) -> dict[str, Any]:
    """The form that exports the list with the page's current filters."""
    request = context["request"]
    export = exports.registry()[name]
    return {
        "export": export,
        "formats": [(fmt, FORMAT_LABELS[fmt]) for fmt in export.formats],
        "filters": sorted(exports.filters_of(request.GET).items()),
        "confidential_headers": [c.header for c in export.columns if c.confidential],
        "may_confidential": exports.may_export_confidential(request.user),
    }
