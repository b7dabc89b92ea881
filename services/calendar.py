"""Working days: Monday to Friday, minus Indonesian public holidays and admin-added days off."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DayOff
from services import audit, texts
from services.errors import ZibotError


@lru_cache(maxsize=16)
def national_holidays(year: int) -> Mapping[date, str]:
    """Indonesian public holidays and cuti bersama of one year (the ``holidays`` package)."""
    found = holidays.country_holidays(
        "ID", years=year, categories=("public", "government"), language="id"
    )
    return dict(found)


class WorkCalendar:
    """Which days are working days; pure once built."""

    def __init__(self, extra_days_off: Mapping[date, str] | None = None) -> None:
        self._extra = dict(extra_days_off or {})

    def extra_day_off(self, day: date) -> str | None:
        """The name of a day off an admin added, if ``day`` is one."""
        return self._extra.get(day)

    def day_off_name(self, day: date) -> str | None:
        """Why ``day`` is off (a holiday's name, or "Sabtu"/"Minggu"), or None."""
        if day in self._extra:
            return self._extra[day]
        name = national_holidays(day.year).get(day)
        if name:
            return name
        if day.weekday() >= 5:
            return texts.WEEKEND_NAMES[day.weekday() - 5]
        return None

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, not a holiday and not an added day off."""
        return self.day_off_name(day) is None

    def previous_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_before(self, day: date, count: int) -> date:
        """The ``count``-th working day before ``day``; 0 is ``day`` or the working day before."""
        result = day
        for _ in range(count):
            result = self.previous_working_day(result - timedelta(days=1))
        return self.previous_working_day(result)

    def working_days_after(self, start: date, end: date) -> int:
        """How many working days lie in (start, end]."""
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar with every day off the admins added."""
    return WorkCalendar({d.day: d.name for d in session.scalars(select(DayOff))})


def add_day_off(session: Session, *, day: date, name: str, now: datetime, actor: str) -> bool:
    """Add (or rename) a day off; return whether it was new."""
    if not name.strip():
        raise ZibotError(texts.HOLIDAY_NAME_EMPTY)
    existing = session.get(DayOff, day)
    if existing is None:
        session.add(DayOff(day=day, name=name.strip()[:200], created_at=now))
    else:
        existing.name = name.strip()[:200]
    audit.record(
        session, now=now, actor=actor, action="hari_libur", entity="day_off", entity_id=day,
        name=name.strip(),
    )  # fmt: skip
    session.flush()
    return existing is None


def days_off_between(session: Session, start: date, end: date) -> list[tuple[date, str, str]]:
    """Every day off from ``start`` to ``end``: (day, name, "nasional" or "tambahan")."""
    calendar = load_calendar(session)
    result = []
    day = start
    while day <= end:
        extra = calendar.extra_day_off(day)
        if extra:
            result.append((day, extra, texts.HOLIDAY_SOURCE_EXTRA))
        elif name := national_holidays(day.year).get(day):
            result.append((day, name, texts.HOLIDAY_SOURCE_NATIONAL))
        day += timedelta(days=1)
    return result
