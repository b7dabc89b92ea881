"""A digest states each item's real distance to its tenggat, whatever stage brought it in.

After downtime (or a newly linked group) an item 4 working days away is still in stage ``h7``
and one 2 days away in ``h3``: the headings must say 4 and 2.
"""

from __future__ import annotations

from datetime import date

from handlers.telegram.presenter import TelegramPresenter
from services import texts
from services.calendar import WorkCalendar
from services.notify import Buttons
from services.reminders import Digest, DueItem, Recipient, digest_notice, due_label

MONDAY = date(2026, 11, 30)
CALENDAR = WorkCalendar()


def render_digest(found: Digest, today: date, calendar: WorkCalendar) -> list[tuple[str, Buttons]]:
    """The digest as Telegram sends it."""
    parts = TelegramPresenter().render(digest_notice(found, today, calendar))
    return [(part.text, part.buttons) for part in parts]


def digest(*items: tuple[str, str, date]) -> Digest:
    found = Digest(Recipient("telegram", "-1", 1), "KPU Kabupaten Badung")
    for number, (code, stage, tenggat) in enumerate(items, start=1):
        found.items.append(DueItem(number, stage, code, f"Kegiatan {code}", tenggat, 1))
    return found


def heading_of(text: str, code: str) -> str:
    """The bold heading above the line of ``code``."""
    heading = ""
    for line in text.splitlines():
        if line.startswith("<b>"):
            heading = line.removeprefix("<b>").removesuffix("</b>")
        if f"<b>{code}</b>" in line:
            return heading
    raise AssertionError(f"{code} not in {text}")


def test_catch_up_items_are_listed_under_their_real_distance() -> None:
    text, _ = render_digest(
        digest(
            ("TL-03", "h7", date(2026, 12, 4)),  # Friday: 4 working days after Monday
            ("PW-03", "h3", date(2026, 12, 2)),  # Wednesday: 2
            ("PP-02", "h1", date(2026, 12, 1)),  # Tuesday: tomorrow
            ("SDM-04", "h7", date(2026, 12, 9)),  # 7 working days
            ("MP-01", "late3", date(2026, 11, 20)),
        ),
        MONDAY,
        CALENDAR,
    )[0]
    assert heading_of(text, "TL-03") == "Tenggat 4 hari kerja lagi"
    assert heading_of(text, "PW-03") == "Tenggat 2 hari kerja lagi"
    assert heading_of(text, "PP-02") == texts.REMINDER_STAGE_LABELS["h1"]
    assert heading_of(text, "SDM-04") == "Tenggat 7 hari kerja lagi"
    assert heading_of(text, "MP-01") == texts.REMINDER_STAGE_LATE
    assert "Tenggat 3 hari kerja lagi" not in text
    # Most urgent first: overdue, then nearest.
    order = [text.index(f"<b>{c}</b>") for c in ("MP-01", "PP-02", "PW-03", "TL-03", "SDM-04")]
    assert order == sorted(order)


def test_distances_skip_weekends_and_days_off() -> None:
    friday = date(2026, 11, 27)
    assert due_label(date(2026, 11, 30), friday, CALENDAR)[1] == "Tenggat 1 hari kerja lagi"
    # A tenggat on Saturday: Friday is its last working day.
    saturday = due_label(date(2026, 11, 28), friday, CALENDAR)[1]
    assert saturday.startswith("Tenggat 28 Nov 2026") and "hari kerja terakhir" in saturday
    # An admin-added day off (Tuesday) does not count.
    with_day_off = WorkCalendar({date(2026, 12, 1): "Galungan"})
    assert due_label(date(2026, 12, 2), MONDAY, with_day_off)[1] == "Tenggat 1 hari kerja lagi"
    assert due_label(MONDAY, MONDAY, CALENDAR)[1] == texts.REMINDER_STAGE_LABELS["h0"]
