"""Working days: Monday to Friday minus Indonesian public holidays (``holidays``, with the
*cuti bersama* days) and the days off admins add. Pure: no database."""

from __future__ import annotations

from datetime import date

import pytest

from services.calendar import WorkCalendar, national_holidays

CAL = WorkCalendar()
GALUNGAN = WorkCalendar({date(2026, 11, 19): "Galungan", date(2026, 11, 28): "Sabtu Galungan"})


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_national_holidays_have_indonesian_names_and_cuti_bersama() -> None:
    days = national_holidays(2026)
    assert days[d("2026-12-25")] == "Hari Raya Natal"
    assert days[d("2026-12-24")] == "Cuti Bersama Hari Raya Natal"  # category "government"
    assert days[d("2026-08-17")] == "Hari Kemerdekaan Republik Indonesia"
    assert d("2026-12-23") not in days
    assert national_holidays(2027)[d("2027-01-01")] == "Tahun Baru Masehi"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2026-11-30", None),  # Monday
        ("2026-12-04", None),  # Friday
        ("2026-11-28", "Sabtu"),
        ("2026-11-29", "Minggu"),
        ("2026-12-24", "Cuti Bersama Hari Raya Natal"),
        ("2026-12-25", "Hari Raya Natal"),
        ("2027-01-01", "Tahun Baru Masehi"),
        ("2027-01-05", "Isra Mikraj Nabi Muhammad"),
    ],
)
def test_day_off_name(day: str, name: str | None) -> None:
    assert CAL.day_off_name(d(day)) == name
    assert CAL.is_working_day(d(day)) is (name is None)


def test_extra_days_off_come_first_and_only_where_added() -> None:
    assert GALUNGAN.day_off_name(d("2026-11-19")) == "Galungan"
    assert GALUNGAN.extra_day_off(d("2026-11-19")) == "Galungan"
    assert not GALUNGAN.is_working_day(d("2026-11-19"))
    # An admin name on a Saturday wins over "Sabtu".
    assert GALUNGAN.day_off_name(d("2026-11-28")) == "Sabtu Galungan"
    assert GALUNGAN.extra_day_off(d("2026-11-20")) is None
    assert GALUNGAN.is_working_day(d("2026-11-20"))
    assert CAL.is_working_day(d("2026-11-19"))  # not in the plain calendar


@pytest.mark.parametrize(
    ("day", "previous", "following"),
    [
        ("2026-11-30", "2026-11-30", "2026-12-01"),  # a working day is its own previous one
        ("2026-11-27", "2026-11-27", "2026-11-30"),  # Friday -> Monday
        ("2026-11-28", "2026-11-27", "2026-11-30"),  # Saturday
        ("2026-11-29", "2026-11-27", "2026-11-30"),  # Sunday
        ("2026-12-23", "2026-12-23", "2026-12-28"),  # 24 cuti bersama, 25 Natal, weekend
        ("2026-12-25", "2026-12-23", "2026-12-28"),
        ("2026-12-31", "2026-12-31", "2027-01-04"),  # 1 Jan 2027 is a Friday holiday
        ("2027-01-04", "2027-01-04", "2027-01-06"),  # 5 Jan 2027 Isra Mikraj
    ],
)
def test_previous_and_next_working_day(day: str, previous: str, following: str) -> None:
    assert CAL.previous_working_day(d(day)) == d(previous)
    assert CAL.next_working_day(d(day)) == d(following)


def test_next_and_previous_working_day_skip_added_days_off() -> None:
    assert GALUNGAN.next_working_day(d("2026-11-18")) == d("2026-11-20")
    assert GALUNGAN.previous_working_day(d("2026-11-19")) == d("2026-11-18")


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        ("2026-11-20", 0, "2026-11-20"),
        ("2026-11-20", 1, "2026-11-19"),
        ("2026-11-20", 3, "2026-11-17"),
        ("2026-11-20", 7, "2026-11-11"),
        ("2026-12-01", 1, "2026-11-30"),  # across a weekend
        ("2026-12-01", 3, "2026-11-26"),
        ("2026-12-01", 7, "2026-11-20"),
        ("2026-12-06", 0, "2026-12-04"),  # Sunday -> Friday
        ("2026-12-06", 1, "2026-12-04"),
        ("2026-12-06", 3, "2026-12-02"),
        ("2026-12-25", 0, "2026-12-23"),  # Natal and cuti bersama
        ("2026-12-25", 1, "2026-12-23"),
        ("2026-12-28", 1, "2026-12-23"),
        ("2026-12-28", 3, "2026-12-21"),
    ],
)
def test_working_days_before(day: str, count: int, expected: str) -> None:
    assert CAL.working_days_before(d(day), count) == d(expected)


def test_working_days_before_counts_added_days_off() -> None:
    assert GALUNGAN.working_days_before(d("2026-11-20"), 1) == d("2026-11-18")
    assert GALUNGAN.working_days_before(d("2026-11-20"), 3) == d("2026-11-16")
    assert GALUNGAN.working_days_before(d("2026-11-19"), 0) == d("2026-11-18")


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-11-20", "2026-11-20", 0),
        ("2026-11-20", "2026-11-22", 0),  # the weekend
        ("2026-11-20", "2026-11-23", 1),
        ("2026-11-20", "2026-11-27", 5),
        ("2026-12-23", "2026-12-27", 0),  # 24, 25 off, then the weekend
        ("2026-12-23", "2026-12-28", 1),
        ("2026-12-23", "2027-01-06", 6),  # 28 29 30 31, (1 Jan off), 4, (5 off), 6
        ("2026-11-30", "2026-11-20", 0),  # end before start
    ],
)
def test_working_days_after(start: str, end: str, count: int) -> None:
    assert CAL.working_days_after(d(start), d(end)) == count


def test_working_days_after_counts_added_days_off() -> None:
    assert GALUNGAN.working_days_after(d("2026-11-18"), d("2026-11-20")) == 1
