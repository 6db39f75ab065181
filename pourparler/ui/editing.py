"""What every edit and delete page does around its one service call.

An edit names the version it was loaded at. A stale edit (``EditConflict``) is not saved:
the page answers 409 and shows the stored version beside the editor's. A record deleted
while someone edited it (``RecordGone``) sends them back with a message. A write the
service refuses (``ValidationError``) is shown on the form, for pages that say how.
Deleting names the version too; a stale or missing one is explained, never forced.

Views stay thin: they fetch the record through the read path, check who may change it,
build the form, and hand the rest to ``save_edit`` or ``delete_or_explain``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from pourparler.core.services import EditConflict, RecordGone


def posted_version(request: HttpRequest) -> int | None:
    """Return the version the form was loaded at, or None if it sent none that reads."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@dataclass
class Edit:
    """Where a form page stands after a request: the version the next save names, the
    conflict to show (if any), and the response to send instead once the work is done."""

    version: int | None
    what: str = "record"  # how messages and the conflict alert name the record
    conflict: EditConflict | None = None
    conflict_rows: list[dict[str, str]] = field(default_factory=list)
    done: HttpResponse | None = None

    @property
    def status(self) -> int:
        """409 while a conflict is shown, 200 otherwise."""
        return 409 if self.conflict else 200

    def context(self) -> dict[str, Any]:
        """What the form templates (``ui/record_form.html``) show of it."""
        return {
            "what": self.what,
            "version": self.version,
            "conflict": self.conflict,
            "conflict_rows": self.conflict_rows,
        }


def save_edit(
    request: HttpRequest,
    form: Any,
    *,
    record: Any,
    save: Callable[[int], object],
    compare: Callable[[Any], list[dict[str, str]]],
    what: str,
    saved: str,
    saved_to: str,
    gone_to: str,
    refused: Callable[[ValidationError], None] | None = None,
) -> Edit:
    """Run a form page's POST: validate, call ``save`` once, and say what happened.

    ``record`` is the record being edited (None when one is being made: then no version
    is read). ``save(version)`` calls one service with the version the editor started
    from (-1 if the form sent none, which the service refuses as stale). ``compare``
    lists, for a conflict, the fields where the stored record differs from the form.
    ``saved`` is the message after a save, ``saved_to`` and ``gone_to`` where to go after
    a save and after finding the record deleted. ``refused`` shows a ``ValidationError``
    from the service on the form; without it such an error propagates.
    """
    edit = Edit(version=None if record is None else record.version, what=what)
    if request.method != "POST":
        return edit
    if record is not None:
        version = posted_version(request)
        edit.version = -1 if version is None else version
    if not form.is_valid():
        return edit
    try:
        save(edit.version if edit.version is not None else -1)
    except EditConflict as exc:
        edit.conflict = exc
        edit.conflict_rows = compare(exc.current)
        edit.version = exc.current.version
    except RecordGone:
        messages.error(
            request,
            gettext("This %(what)s was deleted while you were editing it.") % {"what": what},
        )
        edit.done = redirect(gone_to)
    except ValidationError as error:
        if refused is None:
            raise
        refused(error)
    else:
        messages.success(request, saved)
        edit.done = redirect(saved_to)
    return edit


def delete_or_explain(
    request: HttpRequest,
    *,
    delete: Callable[[int], object],
    what: str,
    deleted: str,
    stale_to: str,
    done_to: str,
) -> HttpResponse:
    """Put a tombstone through ``delete(version)``, or explain why not.

    A missing or stale version is not forced: the user is sent back to the record
    (``stale_to``) to review it. ``deleted`` is the message after the deletion, and
    ``done_to`` where to go then, or when the record was already deleted.
    """
    version = posted_version(request)
    if version is not None:
        try:
            delete(version)
        except EditConflict:
            version = None
        except RecordGone:
            messages.error(request, gettext("This %(what)s was already deleted.") % {"what": what})
            return redirect(done_to)
    if version is None:
        messages.error(
            request,
            gettext("Someone changed this %(what)s since you opened it; review it before deleting.")
            % {"what": what},
        )
        return redirect(stale_to)
    messages.success(request, deleted)
    return redirect(done_to)
