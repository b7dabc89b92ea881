"""The reminder policy as a pure function of (tenggat, calendar, day): ``stage_on`` and
``is_send_time``. A reminder goes out on the working days where the stage changes to a new one
(the engine records each (target, stage, chat) once)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.calendar import WorkCalendar
from services.reminders import ReminderPolicy, is_send_time, stage_on

WITA = ZoneInfo("Asia/Makassar")
CAL = WorkCalendar()
POLICY = ReminderPolicy()


def d(text: str) -> date:
    return date.fromisoformat(text)


def working_days(start: date, end: date, calendar: WorkCalendar = CAL) -> list[date]:
    days = []
    day = start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def schedule(
    tenggat: str,
    start: str,
    end: str,
    calendar: WorkCalendar = CAL,
    policy: ReminderPolicy = POLICY,
) -> list[tuple[str, str]]:
    """(day, stage) of every working day in [start, end] on which a new stage begins: the days
    a sweep that runs every working day records a reminder."""
    result = []
    previous: str | None = None
    for day in working_days(d(start), d(end), calendar):
        stage = stage_on(d(tenggat), day, calendar, policy)
        if stage is not None and stage != previous:
            result.append((day.isoformat(), stage))
        previous = stage
    return result


def stages(
    tenggat: str,
    days: list[str],
    calendar: WorkCalendar = CAL,
    policy: ReminderPolicy = POLICY,
) -> list[str | None]:
    return [stage_on(d(tenggat), d(day), calendar, policy) for day in days]


# ---------------------------------------------------------------------- horizons


def test_ordinary_week_horizons_and_overdue() -> None:
    # Tenggat Friday 20 Nov 2026, no holiday near it.
    assert schedule("2026-11-20", "2026-11-02", "2026-12-02") == [
        ("2026-11-11", "h7"),
        ("2026-11-17", "h3"),
        ("2026-11-19", "h1"),
        ("2026-11-20", "h0"),
        ("2026-11-23", "late1"),
        ("2026-11-25", "late2"),
        ("2026-11-27", "late3"),
        ("2026-12-01", "late4"),
    ]


def test_nothing_before_the_far_horizon() -> None:
    assert stages("2026-11-20", ["2026-11-02", "2026-11-10"]) == [None, None]


def test_stage_stays_between_horizons() -> None:
    assert stages(
        "2026-11-20", ["2026-11-11", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"]
    ) == ["h7", "h7", "h3", "h3", "h1"]


def test_horizons_cross_a_weekend() -> None:
    # Tenggat Tuesday 1 Dec: "1 working day before" is the Monday, "3 before" the Thursday
    # before the weekend, "7 before" the Friday a week earlier.
    assert schedule("2026-12-01", "2026-11-16", "2026-12-03") == [
        ("2026-11-20", "h7"),
        ("2026-11-26", "h3"),
        ("2026-11-30", "h1"),
        ("2026-12-01", "h0"),
        ("2026-12-02", "late1"),
    ]


@pytest.mark.parametrize("tenggat", ["2026-12-05", "2026-12-06"])  # Saturday, Sunday
def test_tenggat_on_a_weekend_is_reminded_on_the_friday(tenggat: str) -> None:
    # h0 falls on a day off and moves to the Friday; "1 working day before" is that Friday
    # too, so the item is announced once there, as due today (h0).
    assert schedule(tenggat, "2026-11-16", "2026-12-10") == [
        ("2026-11-26", "h7"),
        ("2026-12-02", "h3"),
        ("2026-12-04", "h0"),
        ("2026-12-07", "late1"),  # the first working day after the tenggat
        ("2026-12-09", "late2"),
    ]


def test_public_holiday_and_cuti_bersama_move_reminders_earlier() -> None:
    # Tenggat Friday 25 Dec (Natal); Thursday 24 Dec is cuti bersama: the tenggat-day
    # reminder goes out on Wednesday 23 Dec, late1 on Monday 28 Dec.
    assert schedule("2026-12-25", "2026-12-01", "2027-01-08") == [
        ("2026-12-15", "h7"),
        ("2026-12-21", "h3"),
        ("2026-12-23", "h0"),
        ("2026-12-28", "late1"),
        ("2026-12-30", "late2"),
        ("2027-01-04", "late3"),  # 31 Dec, (1 Jan off), 4 Jan
        ("2027-01-07", "late4"),  # (5 Jan Isra Mikraj off), 6, 7 Jan
    ]


def test_horizon_after_holidays_lands_before_them() -> None:
    # Tenggat Monday 28 Dec: "1 working day before" is Wednesday 23 Dec.
    assert schedule("2026-12-28", "2026-12-01", "2026-12-30") == [
        ("2026-12-15", "h7"),
        ("2026-12-21", "h3"),
        ("2026-12-23", "h1"),
        ("2026-12-28", "h0"),
        ("2026-12-29", "late1"),
    ]


def test_added_day_off_moves_reminders_earlier() -> None:
    galungan = WorkCalendar({d("2026-11-19"): "Galungan"})
    assert schedule("2026-11-20", "2026-11-02", "2026-11-24", galungan) == [
        ("2026-11-10", "h7"),
        ("2026-11-16", "h3"),
        ("2026-11-18", "h1"),
        ("2026-11-20", "h0"),
        ("2026-11-23", "late1"),
    ]
    # A day off on the tenggat itself: the tenggat reminder goes out the working day before.
    on_tenggat = WorkCalendar({d("2026-11-20"): "Kuningan"})
    assert stage_on(d("2026-11-20"), d("2026-11-19"), on_tenggat, POLICY) == "h0"
    assert stage_on(d("2026-11-20"), d("2026-11-23"), on_tenggat, POLICY) == "late1"


# ---------------------------------------------------------------------- overdue


def test_overdue_every_two_working_days_and_none_in_between() -> None:
    days = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30"]
    assert stages("2026-11-20", days) == ["late1", "late1", "late2", "late2", "late3", "late3"]


def test_overdue_on_a_weekend_day_does_not_count() -> None:
    # The weekend right after a Friday tenggat is not "late" yet (no working day has passed).
    assert stages("2026-11-20", ["2026-11-21", "2026-11-22"]) == [None, None]


def test_long_overdue_item_keeps_its_cadence() -> None:
    # 27 Feb 2026 -> 30 Nov 2026: the stage number follows the working days elapsed.
    elapsed = CAL.working_days_after(d("2026-02-27"), d("2026-11-30"))
    assert stage_on(d("2026-02-27"), d("2026-11-30"), CAL, POLICY) == f"late{(elapsed + 1) // 2}"
    # (the first day of a schedule always counts as a change: drop it)
    changes = schedule("2026-02-27", "2026-11-20", "2026-12-04")[1:]
    assert [day for day, _ in changes] == [
        day.isoformat()
        for day in working_days(d("2026-11-23"), d("2026-12-04"))
        if CAL.working_days_after(d("2026-02-27"), day) % 2 == 1
    ]


def test_custom_horizons_and_overdue_every() -> None:
    policy = ReminderPolicy(horizons=(5, 2, 0), overdue_every=3)
    assert schedule("2026-11-20", "2026-11-02", "2026-12-03", policy=policy) == [
        ("2026-11-13", "h5"),
        ("2026-11-18", "h2"),
        ("2026-11-20", "h0"),
        ("2026-11-23", "late1"),
        ("2026-11-26", "late2"),
        ("2026-12-01", "late3"),
    ]


def test_horizons_without_the_tenggat_day() -> None:
    policy = ReminderPolicy(horizons=(3, 1))
    assert schedule("2026-11-20", "2026-11-02", "2026-11-23", policy=policy) == [
        ("2026-11-17", "h3"),
        ("2026-11-19", "h1"),
        ("2026-11-23", "late1"),
    ]


def test_overdue_every_working_day() -> None:
    policy = ReminderPolicy(overdue_every=1)
    assert schedule("2026-11-20", "2026-11-21", "2026-11-26", policy=policy) == [
        ("2026-11-23", "late1"),
        ("2026-11-24", "late2"),
        ("2026-11-25", "late3"),
        ("2026-11-26", "late4"),
    ]


# ---------------------------------------------------------------------- catch-up


def test_catch_up_sends_the_nearer_horizon_not_the_missed_one() -> None:
    # Down from the h7 day (20 Nov) on: the first sweep on Monday 30 Nov, the h1 day of a
    # Tuesday tenggat, records h1 (h7 and h3 are gone, never sent late).
    assert stage_on(d("2026-12-01"), d("2026-11-30"), CAL, POLICY) == "h1"
    # Down over the tenggat: the first sweep after it records late1, not h0.
    assert stage_on(d("2026-12-01"), d("2026-12-02"), CAL, POLICY) == "late1"
    # Down for a week after it: the current overdue stage, once.
    assert stage_on(d("2026-12-01"), d("2026-12-09"), CAL, POLICY) == "late3"


ORDER = {"h7": 0, "h3": 1, "h1": 2, "h0": 3}


def rank(stage: str) -> int:
    return ORDER[stage] if stage in ORDER else 3 + int(stage.removeprefix("late"))


@pytest.mark.parametrize("tenggat", ["2026-11-20", "2026-12-01", "2026-12-06", "2026-12-25"])
def test_stage_never_goes_back_to_an_older_one(tenggat: str) -> None:
    seen = [
        stage_on(d(tenggat), day, CAL, POLICY)
        for day in working_days(d("2026-11-01"), d("2027-01-15"))
    ]
    ranks = [rank(s) for s in seen if s is not None]
    assert ranks == sorted(ranks)
    # once a stage is reached there is always one
    first = next(i for i, s in enumerate(seen) if s is not None)
    assert None not in seen[first:]


# ---------------------------------------------------------------------- send time


def wita(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WITA)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (wita("2026-11-30T07:59:59"), False),  # Monday, before 08:00 WITA
        (wita("2026-11-30T08:00:00"), True),
        (wita("2026-11-30T08:05:00"), True),
        (wita("2026-11-30T23:59:00"), True),
        (wita("2026-11-28T09:00:00"), False),  # Saturday
        (wita("2026-11-29T09:00:00"), False),  # Sunday
        (wita("2026-12-24T09:00:00"), False),  # cuti bersama
        (wita("2026-12-25T09:00:00"), False),  # Natal
        # The clock is UTC; 08:05 WITA is 00:05 UTC of the same day.
        (datetime(2026, 11, 30, 0, 5, tzinfo=UTC), True),
        (datetime(2026, 11, 29, 23, 59, tzinfo=UTC), False),  # Mon 07:59 WITA
        (datetime(2026, 11, 27, 16, 30, tzinfo=UTC), False),  # Sat 00:30 WITA (Fri in UTC)
    ],
)
def test_is_send_time(moment: datetime, expected: bool) -> None:
    assert is_send_time(moment, WITA, CAL, POLICY) is expected


def test_is_send_time_with_another_time_and_an_added_day_off() -> None:
    late = ReminderPolicy(send_at=time(9, 30))
    assert not is_send_time(wita("2026-11-30T09:29:00"), WITA, CAL, late)
    assert is_send_time(wita("2026-11-30T09:30:00"), WITA, CAL, late)
    off = WorkCalendar({d("2026-11-30"): "Galungan"})
    assert not is_send_time(wita("2026-11-30T10:00:00"), WITA, off, POLICY)
