"""The conventions by which apps add to shared pages: timelines, panels, navigation."""

from __future__ import annotations

import datetime

from pourparler.core.models import User
from pourparler.ui.extensions import TimelineEntry, _merge


def _entry(when: datetime.date | datetime.datetime, title: str) -> TimelineEntry:
    return TimelineEntry(when=when, kind="k", title=title, url="/", record=User())


def test_timelines_merge_dates_and_times_newest_first_and_keep_the_limit() -> None:
    noon = datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)
    entries = [
        _entry(datetime.date(2026, 3, 1), "day before"),
        _entry(noon + datetime.timedelta(hours=3), "afternoon"),
        _entry(datetime.date(2026, 3, 3), "day after"),
        _entry(noon - datetime.timedelta(hours=3), "morning"),
    ]
    merged = _merge(entries, limit=3)
    assert [e.title for e in merged] == ["day after", "afternoon", "morning"]
