"""Dates, percentages and bars as Indonesian readers expect them (Babel, WITA)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

LOCALE = "id_ID"


@lru_cache(maxsize=4096)
def tanggal(day: date) -> str:
    """A short Indonesian date: ``27 Nov 2026``."""
    return format_date(day, "d MMM yyyy", locale=LOCALE)


def tanggal_panjang(day: date) -> str:
    """A long Indonesian date with the weekday: ``Jumat, 27 November 2026``."""
    return format_date(day, "EEEE, d MMMM yyyy", locale=LOCALE)


def waktu(moment: datetime, tz: ZoneInfo) -> str:
    """A local timestamp with the zone's abbreviation: ``27 Nov 2026 08.00 WITA``."""
    local = moment.astimezone(tz)
    return f"{format_datetime(local, 'd MMM yyyy HH.mm', locale=LOCALE)} {local.tzname()}"


def persen(value: float) -> str:
    """A whole percentage: ``67%``."""
    return f"{value:.0f}%"


def bar(value: float, width: int = 10) -> str:
    """A text bar for a percentage: ``███████░░░``."""
    filled = round(max(0.0, min(100.0, value)) / 100 * width)
    return "█" * filled + "░" * (width - filled)
