"""The change history of records a user has already read through the read path.

The change log (``core.ChangeLogEntry``) is not a record: it has no ``visible_to`` of its
own. What a user may see of it is the entries about records they may see, so this
takes the records themselves, read by the caller through ``visible_to`` or
``get_visible_or_404``, never ids from a request.
"""

from __future__ import annotations

from collections.abc import Iterable

from pourparler.core.models import ChangeLogEntry, Record


def history_of(records: Iterable[Record]) -> list[ChangeLogEntry]:
    """Return the change-log entries of these records, oldest first, in one query.

    Show their metadata; their encrypted before/after values are for
    ``crypto.decrypt_logged_value`` and only for someone who may see the record.
    """
    ids = [record.pk for record in records]
    entries = ChangeLogEntry.objects.filter(object_id__in=ids).select_related("content_type")
    return list(entries.order_by("at", "id"))
