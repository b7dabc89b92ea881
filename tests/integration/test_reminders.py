"""The reminder engine against real databases (SQLite, and PostgreSQL when configured):
planning (``sweep_plan``, ``preview_day``), snoozes, the outbox dispatcher with a fake channel,
and two processes racing on PostgreSQL.

Data: the sample plan (2026), KPU Kabupaten Badung (5103) with a linked group and one PIC
registered privately, and the province coordination group. The clock is Monday 30 November
2026, 08:05 WITA (00:05 UTC) unless a test says otherwise.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from channel import TELEGRAM, as_telegram, telegram_parts
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models import (
    ChatLink,
    Outbox,
    Reminder,
    RencanaAksi,
    Satker,
    Snooze,
    Target,
    Unreachable,
    User,
    make_engine,
    make_session_factory,
    upgrade_schema,
)
from scheduler.engine import ReminderEngine
from scheduler.outbox import Dispatcher, backoff
from services import catalog
from services.calendar import add_day_off, days_off_between, load_calendar
from services.importer import import_plan
from services.notify import Buttons, Moved, RetryLater, SendFailed, Sent
from services.notify import Unreachable as ChatUnreachable
from services.reminders import (
    ReminderPolicy,
    SweepResult,
    failed_messages,
    preview_day,
    stage_on,
    sweep_plan,
)
from services.zi import Caller, Zibot

if TYPE_CHECKING:
    from conftest import Databases

PG_URL = os.environ.get("ZIBOT_TEST_DATABASE_URL", "")
WITA = ZoneInfo("Asia/Makassar")
POLICY = ReminderPolicy()
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)  # 08:05 WITA
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
BADUNG = "5103"
GROUP = "-1005103"  # the Badung group
PROVINCE = "-100510"  # the province coordination group
AGEN = 510301  # the Badung PIC's Telegram id (= their private chat)
CODE = re.compile(r"\b[A-Z]{2,3}-\d{2}\b")

# What the sample plan holds for Badung on Monday 30 Nov and Tuesday 1 Dec 2026 (see
# tests/unit/test_reminder_policy.py for how the stages are derived).
MONDAY_STAGES = {
    "MP-01": "late91",
    "MP-02": "late86",
    "MP-03": "late82",
    "TL-01": "late64",
    "TL-02": "late54",
    "TL-03": "h7",
    "SDM-01": "late72",
    "SDM-02": "late42",
    "SDM-03": "late1",  # tenggat Friday 27 Nov
    "SDM-04": "h7",
    "AK-01": "late82",
    "AK-02": "late91",
    "PW-01": "late72",
    "PW-02": "late33",
    "PW-03": "h3",  # tenggat Wednesday 2 Dec
    "PP-01": "late82",
    "PP-02": "h1",  # tenggat Tuesday 1 Dec
    "PP-05": "h7",
}
TUESDAY_NEW_STAGES = {
    "MP-03": "late83",
    "TL-03": "h3",
    "SDM-02": "late43",
    "AK-01": "late83",
    "PW-03": "h1",
    "PP-01": "late83",
    "PP-02": "h0",
}


# ---------------------------------------------------------------------- data


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[str]:
    """Like ``database_url`` in tests/conftest.py, but one database per module and backend
    (migrating costs ~0.4 s; ``engine`` below empties it before each test)."""
    with databases.scratch(request.param, tmp_path_factory.mktemp("db"), "reminders") as url:
        yield url


@pytest.fixture(scope="module")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine, databases: Databases) -> Engine:
    """An empty database at the newest schema (``sessions`` seeds the satkers into it)."""
    return databases.empty(migrated_engine)


@pytest.fixture
def zi(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The sample plan, Badung's group and PIC, and the province group."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        badung = catalog.find_satker(session, BADUNG)
        session.add_all(
            [
                ChatLink(
                    channel="telegram",
                    chat_id=GROUP,
                    satker_id=badung.id,
                    is_province=False,
                    title="ZI Badung",
                    linked_at=IMPORTED,
                ),
                ChatLink(
                    channel="telegram",
                    chat_id=PROVINCE,
                    satker_id=None,
                    is_province=True,
                    title="ZI Provinsi",
                    linked_at=IMPORTED,
                ),
                User(
                    name="Ana",
                    role="agen",
                    satker_id=badung.id,
                    telegram_id=AGEN,
                    created_at=IMPORTED,
                ),
            ]
        )
    return sessions


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def sweep(
    sessions: sessionmaker[Session], now: datetime, policy: ReminderPolicy = POLICY
) -> SweepResult:
    with sessions.begin() as session:
        return sweep_plan(session, now=now, tz=WITA, policy=policy)


def outbox_rows(sessions: sessionmaker[Session]) -> list[Outbox]:
    with sessions() as session:
        rows = list(session.scalars(select(Outbox).order_by(Outbox.id)))
        session.expunge_all()
        return [as_telegram(row) for row in rows]


def reminder_rows(
    sessions: sessionmaker[Session], day: date | None = None
) -> list[tuple[str, str, str]]:
    """(chat id, item code, stage) of every Reminder (of ``day``)."""
    with sessions() as session:
        query = (
            select(Reminder.chat_id, RencanaAksi.code, Reminder.stage)
            .join(Target, Target.id == Reminder.target_id)
            .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        )
        if day is not None:
            query = query.where(Reminder.day == day)
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def by_chat(rows: list[tuple[str, str, str]]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for chat, code, stage in rows:
        assert code not in found.setdefault(chat, {}), f"{code} twice for chat {chat}"
        found[chat][code] = stage
    return found


def target_id(sessions: sessionmaker[Session], code: str, satker: str = BADUNG) -> int:
    with sessions() as session:
        return session.scalars(
            select(Target.id)
            .join(RencanaAksi, RencanaAksi.id == Target.item_id)
            .join(Satker, Satker.id == Target.satker_id)
            .where(RencanaAksi.code == code, Satker.code == satker)
        ).one()


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def zibot(sessions: sessionmaker[Session], now: datetime, tmp_path: Path) -> Zibot:
    return Zibot(sessions, lambda: now, WITA, tmp_path / "bukti")


def deliver(sessions: sessionmaker[Session], now: datetime) -> None:
    """Send everything pending (a Telegram that accepts all), as the bot does after a sweep."""
    asyncio.run(Dispatcher(sessions, {"telegram": FakeNotifier()}, Clock(now)).drain())


GROUP_CALLER = Caller("telegram", GROUP, False, str(AGEN), "Ana")
PRIVATE_CALLER = Caller("telegram", str(AGEN), True, str(AGEN), "Ana")


# ---------------------------------------------------------------------- planning


def test_monday_sweep_records_one_digest_per_chat_and_the_weekly_recap(
    zi: sessionmaker[Session],
) -> None:
    result = sweep(zi, MONDAY)

    rows = outbox_rows(zi)
    kinds = sorted((row.kind, row.chat_id) for row in rows)
    assert kinds == [("digest", GROUP), ("digest", str(AGEN)), ("weekly", PROVINCE)]
    assert result == SweepResult(messages=3, reminders=2 * len(MONDAY_STAGES))
    for row in rows:
        assert row.status == "pending"
        assert row.day == date(2026, 11, 30)
        assert row.attempts == 0
        assert row.next_attempt_at == MONDAY
    assert {row.key for row in rows if row.kind == "weekly"} == {
        f"weekly:telegram:{PROVINCE}:2026-W49"
    }

    # One Reminder per (item, stage, chat): the same stages for the group and the PIC.
    assert by_chat(reminder_rows(zi)) == {GROUP: MONDAY_STAGES, str(AGEN): MONDAY_STAGES}
    # Only Badung has chats: nothing is recorded for the other nine satkers.
    digest = next(row for row in rows if row.chat_id == GROUP)
    assert "KPU Kabupaten Badung" in digest.text
    assert set(CODE.findall(digest.text)) == set(MONDAY_STAGES)
    assert "Tenggat besok" in digest.text and "Terlambat" in digest.text
    buttons = [data for row in json.loads(digest.buttons) for _, data in row]
    # Buttons for the 8 most urgent items, two per item: due soonest first (PP-02, due
    # tomorrow), then the most recently overdue; the oldest overdue (MP-01) has none.
    assert buttons[:2] == ["rl:PP-02", f"rt:{target_id(zi, 'PP-02')}"]
    assert "rl:SDM-03" in buttons and f"rt:{target_id(zi, 'SDM-03')}" in buttons
    assert "rl:MP-01" not in buttons
    assert len(buttons) == 16
    weekly = next(row for row in rows if row.kind == "weekly")
    assert "Rekap mingguan" in weekly.text and "KPU Kabupaten Badung" in weekly.text


def test_a_second_sweep_the_same_day_records_nothing(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    before = (count(zi, Outbox), count(zi, Reminder))
    assert sweep(zi, MONDAY + timedelta(minutes=1)) == SweepResult(0, 0)
    assert sweep(zi, MONDAY + timedelta(hours=9)) == SweepResult(0, 0)
    assert (count(zi, Outbox), count(zi, Reminder)) == before


def test_the_next_day_records_only_new_stages(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    deliver(zi, MONDAY)
    result = sweep(zi, TUESDAY)
    assert result.reminders == 2 * len(TUESDAY_NEW_STAGES)
    tuesday = by_chat(reminder_rows(zi, date(2026, 12, 1)))
    assert tuesday == {GROUP: TUESDAY_NEW_STAGES, str(AGEN): TUESDAY_NEW_STAGES}
    new = [row for row in outbox_rows(zi) if row.day == date(2026, 12, 1)]
    assert sorted((row.kind, row.chat_id) for row in new) == [
        ("digest", GROUP),
        ("digest", str(AGEN)),
    ]  # no second weekly recap on Tuesday
    # and the stages are what the policy says for that day
    with zi() as session:
        for code, stage in TUESDAY_NEW_STAGES.items():
            tenggat = session.scalars(
                select(RencanaAksi.tenggat).where(RencanaAksi.code == code)
            ).one()
            assert stage_on(tenggat, date(2026, 12, 1), load_calendar(session), POLICY) == stage


def test_catch_up_after_downtime_sends_the_current_stage_once(zi: sessionmaker[Session]) -> None:
    # Down since before Monday: the first sweep, on Wednesday 2 Dec, records what is due now,
    # one digest per chat, with the nearer stages (PW-03 is due today, not "3 days before").
    result = sweep(zi, WEDNESDAY)
    # one digest per chat, and the week's recap the province group missed on Monday
    assert sorted((row.kind, row.chat_id) for row in outbox_rows(zi)) == [
        ("digest", GROUP),
        ("digest", str(AGEN)),
        ("weekly", PROVINCE),
    ]
    assert result.messages == 3
    stages = by_chat(reminder_rows(zi))[GROUP]
    assert stages["PW-03"] == "h0"
    assert stages["PP-02"] == "late1"
    assert stages["TL-03"] == "h3"
    assert stages["TL-04"] == "h7"
    assert stages["SDM-03"] == "late2"
    assert len(stages) == len(MONDAY_STAGES) + 1  # + TL-04; one stage per item, once


def test_a_finished_target_is_not_reminded(zi: sessionmaker[Session], tmp_path: Path) -> None:
    sweep(zi, MONDAY)
    deliver(zi, MONDAY)
    zibot(zi, TUESDAY, tmp_path).report(PRIVATE_CALLER, "PP-02", "selesai")
    zibot(zi, TUESDAY, tmp_path).report(PRIVATE_CALLER, "PW-03", "proses")  # still open
    sweep(zi, TUESDAY)
    tuesday = by_chat(reminder_rows(zi, date(2026, 12, 1)))
    expected = {k: v for k, v in TUESDAY_NEW_STAGES.items() if k != "PP-02"}
    assert tuesday == {GROUP: expected, str(AGEN): expected}


def test_no_chat_no_reminder_and_other_satkers_are_separate(zi: sessionmaker[Session]) -> None:
    with zi.begin() as session:
        denpasar = catalog.find_satker(session, "5171")
        session.add(
            User(name="Wayan", role="agen", satker_id=denpasar.id, telegram_id=517101,
                 created_at=IMPORTED)
        )  # fmt: skip
        # a pimpinan does not get reminders privately
        session.add(
            User(name="Ketua", role="pimpinan", satker_id=denpasar.id, telegram_id=517102,
                 created_at=IMPORTED)
        )  # fmt: skip
    sweep(zi, MONDAY)
    chats = by_chat(reminder_rows(zi))
    assert set(chats) == {GROUP, str(AGEN), "517101"}
    assert chats["517101"] == MONDAY_STAGES
    digest = next(row for row in outbox_rows(zi) if row.chat_id == "517101")
    assert "Denpasar" in digest.text and "Badung" not in digest.text


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 29, 23, 59, tzinfo=UTC),  # Monday 07:59 WITA
        datetime(2026, 11, 28, 1, 0, tzinfo=UTC),  # Saturday 09:00 WITA
        datetime(2026, 11, 29, 3, 0, tzinfo=UTC),  # Sunday 11:00 WITA
        datetime(2026, 12, 25, 1, 0, tzinfo=UTC),  # Natal
    ],
    ids=["before-0800", "saturday", "sunday", "natal"],
)
def test_nothing_is_recorded_outside_send_time(zi: sessionmaker[Session], now: datetime) -> None:
    assert sweep(zi, now) == SweepResult(0, 0)
    assert count(zi, Outbox) == 0
    assert count(zi, Reminder) == 0


def test_an_added_day_off_stops_the_sweep_and_moves_the_reminder_earlier(
    zi: sessionmaker[Session],
) -> None:
    with zi.begin() as session:
        assert add_day_off(
            session, day=date(2026, 12, 1), name="Galungan", now=IMPORTED, actor="test"
        )
        assert not add_day_off(
            session, day=date(2026, 12, 1), name="Hari Raya Galungan", now=IMPORTED, actor="test"
        )
    with zi() as session:
        assert days_off_between(session, date(2026, 12, 1), date(2026, 12, 31)) == [
            (date(2026, 12, 1), "Hari Raya Galungan", "tambahan admin"),
            (date(2026, 12, 24), "Cuti Bersama Hari Raya Natal", "nasional"),
            (date(2026, 12, 25), "Hari Raya Natal", "nasional"),
        ]
    assert sweep(zi, TUESDAY) == SweepResult(0, 0)  # the day off itself
    sweep(zi, MONDAY)
    # PP-02 (tenggat Tuesday 1 Dec, now a day off) is due "today" on Monday.
    assert by_chat(reminder_rows(zi))[GROUP]["PP-02"] == "h0"


# ---------------------------------------------------------------------- snooze


def test_snooze_silences_the_item_in_that_chat_until_the_next_working_day(
    zi: sessionmaker[Session], tmp_path: Path
) -> None:
    sweep(zi, MONDAY)
    deliver(zi, MONDAY)
    code, until = zibot(zi, MONDAY, tmp_path).snooze(GROUP_CALLER, target_id(zi, "SDM-03"))
    assert (code, until) == ("SDM-03", date(2026, 12, 1))
    # Pressing twice keeps one snooze.
    zibot(zi, MONDAY, tmp_path).snooze(GROUP_CALLER, target_id(zi, "SDM-03"))
    assert count(zi, Snooze) == 1
    assert sweep(zi, MONDAY + timedelta(hours=2)) == SweepResult(0, 0)

    sweep(zi, TUESDAY)
    tuesday = by_chat(reminder_rows(zi, date(2026, 12, 1)))
    # The group gets SDM-03 again ("Pengingat ulang"); the PIC, who did not snooze, does not
    # (its stage late1 did not change).
    assert tuesday[GROUP] == {**TUESDAY_NEW_STAGES, "SDM-03": "ulang:2026-12-01"}
    assert tuesday[str(AGEN)] == TUESDAY_NEW_STAGES
    digest = next(r for r in outbox_rows(zi) if r.chat_id == GROUP and r.day.day == 1)
    assert "Pengingat ulang" in digest.text
    deliver(zi, TUESDAY)
    assert sweep(zi, WEDNESDAY).reminders > 0
    assert all(s != "ulang:2026-12-01" for _, _, s in reminder_rows(zi, date(2026, 12, 2)))


def test_snooze_before_the_sweep_excludes_the_item_for_that_chat_only(
    zi: sessionmaker[Session],
) -> None:
    # "Ingatkan besok" pressed before 08:00 on Monday (on an older reminder): until Tuesday.
    with zi.begin() as session:
        session.add(
            Snooze(target_id=target_id(zi, "SDM-03"), channel="telegram", chat_id=GROUP,
                   until=date(2026, 12, 1), created_at=MONDAY - timedelta(hours=1))
        )  # fmt: skip
    sweep(zi, MONDAY)
    deliver(zi, MONDAY)
    monday = by_chat(reminder_rows(zi))
    assert "SDM-03" not in monday[GROUP]
    assert monday[str(AGEN)]["SDM-03"] == "late1"
    sweep(zi, TUESDAY)
    assert by_chat(reminder_rows(zi, date(2026, 12, 1)))[GROUP]["SDM-03"] == "ulang:2026-12-01"


def test_a_snoozed_item_appears_once_in_the_next_digest(
    zi: sessionmaker[Session], tmp_path: Path
) -> None:
    sweep(zi, MONDAY)
    deliver(zi, MONDAY)
    zibot(zi, MONDAY, tmp_path).snooze(GROUP_CALLER, target_id(zi, "PP-02"))  # h1 -> h0
    sweep(zi, TUESDAY)
    digest = next(r for r in outbox_rows(zi) if r.chat_id == GROUP and r.day.day == 1)
    # Its new stage and the "ulang" both fall on Tuesday: listed once, recorded for both.
    assert CODE.findall(digest.text).count("PP-02") == 1, digest.text
    tuesday = reminder_rows(zi, date(2026, 12, 1))
    assert sorted(s for c, code, s in tuesday if c == GROUP and code == "PP-02") == [
        "h0",
        "ulang:2026-12-01",
    ]
    deliver(zi, TUESDAY)
    sweep(zi, WEDNESDAY)
    assert [s for c, code, s in reminder_rows(zi) if code == "PP-02" and "ulang" in s] == [
        "ulang:2026-12-01"
    ]


def test_snooze_of_a_finished_item_sends_no_ulang(
    zi: sessionmaker[Session], tmp_path: Path
) -> None:
    sweep(zi, MONDAY)
    deliver(zi, MONDAY)
    zibot(zi, MONDAY, tmp_path).snooze(GROUP_CALLER, target_id(zi, "SDM-03"))
    zibot(zi, MONDAY, tmp_path).report(PRIVATE_CALLER, "SDM-03", "selesai")
    sweep(zi, TUESDAY)
    assert "SDM-03" not in by_chat(reminder_rows(zi, date(2026, 12, 1)))[GROUP]


# ---------------------------------------------------------------------- stale digests


def test_stale_pending_digests_of_a_previous_day_expire(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)  # recorded, never sent (the bot died before draining)
    sweep(zi, TUESDAY)
    assert sweep(zi, WEDNESDAY).messages == 2
    by_day = {(row.day.day, row.kind, row.chat_id): row.status for row in outbox_rows(zi)}
    assert by_day == {
        (30, "digest", GROUP): "expired",
        (30, "digest", str(AGEN)): "expired",
        (30, "weekly", PROVINCE): "pending",  # the recap is not a digest: still sent
        (1, "digest", GROUP): "expired",
        (1, "digest", str(AGEN)): "expired",
        (2, "digest", GROUP): "pending",
        (2, "digest", str(AGEN)): "pending",
    }


def test_sent_digests_never_expire(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    deliver(zi, MONDAY)
    sweep(zi, TUESDAY)
    assert {r.status for r in outbox_rows(zi) if r.day.day == 30} == {"sent"}


def test_items_of_an_expired_digest_are_not_lost(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)  # recorded, never sent
    sweep(zi, TUESDAY)
    # SDM-03 is still in stage late1 on Tuesday and nobody was told: it must be in a digest
    # that can still be sent. Every item is, at Tuesday's stage.
    live = [r for r in outbox_rows(zi) if r.chat_id == GROUP and r.status == "pending"]
    assert any("SDM-03" in CODE.findall(r.text) for r in live)
    everything = {**MONDAY_STAGES, **TUESDAY_NEW_STAGES}
    assert by_chat(reminder_rows(zi)) == {GROUP: everything, str(AGEN): everything}
    with zi() as session:  # no Reminder is left pointing at an expired message
        assert not session.scalars(
            select(Reminder.id)
            .join(Outbox, Outbox.id == Reminder.outbox_id)
            .where(Outbox.status == "expired")
        ).all()


def test_weekly_recap_is_caught_up_after_monday_downtime(zi: sessionmaker[Session]) -> None:
    sweep(zi, TUESDAY)  # first sweep of the week
    sweep(zi, WEDNESDAY)
    sweep(zi, MONDAY + timedelta(days=7))
    assert [row.key for row in outbox_rows(zi) if row.chat_id == PROVINCE] == [
        f"weekly:telegram:{PROVINCE}:2026-W49",
        f"weekly:telegram:{PROVINCE}:2026-W50",
    ]


# ---------------------------------------------------------------------- preview


def preview_codes(summary: str) -> set[str]:
    return set(CODE.findall(summary))


def test_preview_matches_the_sweep_and_records_nothing(zi: sessionmaker[Session]) -> None:
    with zi.begin() as session:  # committed: any row the preview added would stay
        preview = preview_day(session, day=date(2026, 11, 30), policy=POLICY)
    assert count(zi, Outbox) == 0 and count(zi, Reminder) == 0
    assert preview.reason is None
    lines = {(line.recipient, line.kind): line.summary for line in preview.messages}
    assert set(lines) == {
        ("grup ZI Badung", "digest"),
        ("Ana (KPU Kabupaten Badung, pribadi)", "digest"),
        ("grup ZI Provinsi", "weekly"),
    }
    assert lines[("grup ZI Provinsi", "weekly")] == "rekap mingguan semua satker"

    sweep(zi, MONDAY)
    recorded = by_chat(reminder_rows(zi))
    assert preview_codes(lines[("grup ZI Badung", "digest")]) == set(recorded[GROUP])
    assert preview_codes(lines[("Ana (KPU Kabupaten Badung, pribadi)", "digest")]) == set(
        recorded[str(AGEN)]
    )
    summary = lines[("grup ZI Badung", "digest")]
    assert "Tenggat besok (1 hari kerja lagi): PP-02" in summary
    # Stages h3 and h7 were reached last week (before the first sweep): the preview states the
    # real distance on Monday, as the digest does, not the stage's name.
    assert "Tenggat 2 hari kerja lagi: PW-03" in summary
    assert "Tenggat 4 hari kerja lagi: TL-03" in summary
    assert "Tenggat 3 hari kerja lagi" not in summary

    # What was recorded is not previewed again; once delivered, the next day shows only the
    # new stages, and the next day's sweep records just that.
    deliver(zi, MONDAY)
    with zi() as session:
        again = preview_day(session, day=date(2026, 11, 30), policy=POLICY)
        tuesday = preview_day(session, day=date(2026, 12, 1), policy=POLICY)
    assert again.messages == [] and again.reason == "tidak ada yang jatuh tempo"
    previewed = {line.recipient: preview_codes(line.summary) for line in tuesday.messages}
    assert previewed == {
        "grup ZI Badung": set(TUESDAY_NEW_STAGES),
        "Ana (KPU Kabupaten Badung, pribadi)": set(TUESDAY_NEW_STAGES),
    }
    assert count(zi, Reminder) == 2 * len(MONDAY_STAGES)
    sweep(zi, TUESDAY)
    assert by_chat(reminder_rows(zi, date(2026, 12, 1))) == {
        GROUP: TUESDAY_NEW_STAGES,
        str(AGEN): TUESDAY_NEW_STAGES,
    }


def test_preview_of_a_day_off_says_so(zi: sessionmaker[Session]) -> None:
    with zi() as session:
        saturday = preview_day(session, day=date(2026, 12, 26), policy=POLICY)
        natal = preview_day(session, day=date(2026, 12, 25), policy=POLICY)
    assert saturday.reason == "hari libur: Sabtu" and saturday.messages == []
    assert natal.reason == "hari libur: Hari Raya Natal"


# ---------------------------------------------------------------------- the dispatcher


class FakeNotifier:
    """Records every send; fails the first N calls, or every call to some chats."""

    channel = "telegram"
    presenter = TELEGRAM

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Buttons, int]] = []
        self.calls: list[str] = []
        self.fail_first: list[Exception] = []
        self.fail_chat: dict[str, Callable[[], Exception]] = {}
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: object = None
    ) -> Sent:
        with self._lock:
            self.calls.append(chat_id)
            failure = self.fail_first.pop(0) if self.fail_first else None
        if failure is None and chat_id in self.fail_chat:
            failure = self.fail_chat[chat_id]()
        await asyncio.sleep(0.001)  # let the other workers interleave
        if failure is not None:
            raise failure
        with self._lock:
            message_id = next(self._ids)
            self.sent.append((chat_id, text, buttons, message_id))
        return Sent(message_id)

    def sent_to(self, chat_id: str) -> list[str]:
        return [text for chat, text, _, _ in self.sent if chat == chat_id]


def drain(dispatcher: Dispatcher) -> None:
    asyncio.run(dispatcher.drain())


def add_pending(
    sessions: sessionmaker[Session], count: int, chats: int, now: datetime = MONDAY
) -> None:
    with sessions.begin() as session:
        session.add_all(
            Outbox(
                key=f"test:{i}",
                kind="test",
                channel="telegram",
                chat_id=str(-(1000 + i % chats)),
                day=now.date(),
                text=f"message {i}",
                buttons="",
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            for i in range(count)
        )


def test_every_pending_message_is_sent_once_and_marked(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    clock = Clock(MONDAY + timedelta(seconds=3))
    notifier = FakeNotifier()
    dispatcher = Dispatcher(zi, {"telegram": notifier}, clock)
    stats = asyncio.run(dispatcher.drain())
    assert stats.sent == 3 and stats.retried == stats.failed == stats.unreachable == 0
    assert sorted(chat for chat, *_ in notifier.sent) == sorted([GROUP, str(AGEN), PROVINCE])
    for row in outbox_rows(zi):
        sent = [s for s in notifier.sent if s[0] == row.chat_id]
        assert len(sent) == 1
        _, text, buttons, message_id = sent[0]
        assert text == row.text
        assert row.status == "sent"
        assert row.message_id == str(message_id)
        assert row.sent_at == clock.now
        assert row.attempts == 1
        if row.kind == "digest":
            assert ("✅ PP-02 selesai", "rl:PP-02") in [b for r in buttons for b in r]
    drain(dispatcher)
    assert len(notifier.sent) == 3  # nothing twice


def test_many_workers_send_each_message_once(zi: sessionmaker[Session]) -> None:
    add_pending(zi, 120, chats=30)
    notifier = FakeNotifier()
    drain(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY), workers=8))
    assert sorted(text for _, text, _, _ in notifier.sent) == sorted(
        f"message {i}" for i in range(120)
    )
    assert {row.status for row in outbox_rows(zi)} == {"sent"}


def test_drain_limit_and_future_messages(zi: sessionmaker[Session]) -> None:
    add_pending(zi, 5, chats=5)
    add_pending_later = MONDAY + timedelta(minutes=10)
    with zi.begin() as session:
        session.execute(
            update(Outbox).where(Outbox.key == "test:4").values(next_attempt_at=add_pending_later)
        )
    notifier = FakeNotifier()
    dispatcher = Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY), workers=1)
    stats = asyncio.run(dispatcher.drain(limit=2))
    assert stats.sent == 2
    drain(dispatcher)
    assert len(notifier.sent) == 4  # test:4 is not due yet


def test_retry_later_keeps_the_message_pending_with_backoff(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    clock = Clock(MONDAY)
    notifier = FakeNotifier()
    notifier.fail_chat[GROUP] = lambda: RetryLater("Flood control exceeded", retry_after=30)
    dispatcher = Dispatcher(zi, {"telegram": notifier}, clock)
    stats = asyncio.run(dispatcher.drain())
    assert (stats.sent, stats.retried, stats.failed) == (2, 1, 0)
    group = next(row for row in outbox_rows(zi) if row.chat_id == GROUP)
    assert group.status == "pending"
    assert group.attempts == 1
    assert group.next_attempt_at == MONDAY + timedelta(seconds=30)
    assert group.last_error == "Flood control exceeded"

    del notifier.fail_chat[GROUP]
    clock.advance(seconds=29)
    drain(dispatcher)
    assert notifier.sent_to(GROUP) == []  # not due yet
    clock.advance(seconds=1)
    drain(dispatcher)
    assert len(notifier.sent_to(GROUP)) == 1
    group = next(row for row in outbox_rows(zi) if row.chat_id == GROUP)
    assert (group.status, group.attempts) == ("sent", 2)


def test_retry_without_retry_after_backs_off(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    clock = Clock(MONDAY)
    notifier = FakeNotifier()
    notifier.fail_chat[GROUP] = lambda: RetryLater("Bad Gateway")
    dispatcher = Dispatcher(zi, {"telegram": notifier}, clock)
    waits = []
    for attempt in range(1, 4):
        drain(dispatcher)
        group = next(row for row in outbox_rows(zi) if row.chat_id == GROUP)
        assert group.attempts == attempt
        waits.append(group.next_attempt_at - clock.now)
        clock.now = group.next_attempt_at
    assert waits == [backoff(1), backoff(2), backoff(3)]
    assert waits == [timedelta(seconds=5), timedelta(seconds=10), timedelta(seconds=20)]
    assert backoff(20) == timedelta(minutes=15)


def test_too_many_failures_mark_the_message_failed(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    clock = Clock(MONDAY)
    notifier = FakeNotifier()
    notifier.fail_chat[GROUP] = lambda: RetryLater("Timed out")
    dispatcher = Dispatcher(zi, {"telegram": notifier}, clock, max_attempts=3)
    for _ in range(5):
        drain(dispatcher)
        clock.advance(minutes=20)
    assert notifier.calls.count(GROUP) == 3
    group = next(row for row in outbox_rows(zi) if row.chat_id == GROUP)
    assert (group.status, group.attempts, group.last_error) == ("failed", 3, "Timed out")
    with zi() as session:
        assert [(row.chat_id, row.status) for row in failed_messages(session)] == [
            (GROUP, "failed")
        ]


def test_a_rejected_message_fails_at_once(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    notifier = FakeNotifier()
    notifier.fail_chat[PROVINCE] = lambda: SendFailed("Bad Request: can't parse entities")
    stats = asyncio.run(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY)).drain())
    assert (stats.sent, stats.failed) == (2, 1)
    with zi() as session:
        failed = failed_messages(session)
    assert [(row.chat_id, row.kind, row.attempts) for row in failed] == [(PROVINCE, "weekly", 1)]


def test_an_unreachable_chat_is_marked_and_skipped(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    with zi.begin() as session:  # something else waiting for the same chat
        session.add(
            Outbox(key="other", kind="test", channel="telegram", chat_id=str(AGEN),
                   day=date(2026, 11, 30), text="other", buttons="", status="pending",
                   attempts=0, next_attempt_at=MONDAY, created_at=MONDAY)
        )  # fmt: skip
    notifier = FakeNotifier()
    blocked = "Forbidden: bot was blocked by the user"
    notifier.fail_chat[str(AGEN)] = lambda: ChatUnreachable(blocked)
    stats = asyncio.run(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY), workers=1).drain())
    assert stats.unreachable == 1 and stats.sent == 2
    assert notifier.calls.count(str(AGEN)) == 1  # the second message is not even tried
    statuses = {row.key: row.status for row in outbox_rows(zi) if row.chat_id == str(AGEN)}
    assert set(statuses.values()) == {"undeliverable"} and len(statuses) == 2
    with zi() as session:
        mark = session.scalars(select(Unreachable)).one()
        assert (mark.channel, mark.chat_id) == ("telegram", str(AGEN))
        assert mark.reason == blocked
        assert {row.status for row in failed_messages(session)} == {"undeliverable"}

    # The next sweep plans nothing for that chat; the group still gets its digest.
    sweep(zi, TUESDAY)
    tuesday = [row.chat_id for row in outbox_rows(zi) if row.day == date(2026, 12, 1)]
    assert tuesday == [GROUP]


def test_a_deleted_group_is_marked_too(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    notifier = FakeNotifier()
    notifier.fail_chat[PROVINCE] = lambda: ChatUnreachable("Bad Request: chat not found")
    drain(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY)))
    drain(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY + timedelta(hours=1))))
    assert notifier.calls.count(PROVINCE) == 1
    assert count(zi, Unreachable) == 1
    # the next Monday's recap is not planned for it
    sweep(zi, MONDAY + timedelta(days=7))
    assert PROVINCE not in {row.chat_id for row in outbox_rows(zi) if row.day.day == 7}


def test_reminder_engine_plans_then_drains(zi: sessionmaker[Session]) -> None:
    clock = Clock(MONDAY)
    notifier = FakeNotifier()
    engine = ReminderEngine(zi, Dispatcher(zi, {"telegram": notifier}, clock), clock, WITA, POLICY)
    stats = asyncio.run(engine.sweep())
    assert stats is not None and stats.sent == 3
    again = asyncio.run(engine.sweep())
    assert again is not None and again.sent == 0
    clock.now = TUESDAY
    assert asyncio.run(engine.sweep()).sent == 2  # type: ignore[union-attr]
    assert len(notifier.sent) == 5


# ---------------------------------------------------------------------- two processes


def needs_postgresql(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip(
            "SQLite runs one bot process by design (a second `zibot run` is refused); "
            "processes racing on one database is a PostgreSQL deployment"
        )


@pytest.fixture
def second_engine(database_url: str) -> Iterator[Engine]:
    """Another engine (another pool of connections) on the same database: another process."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_two_dispatchers_racing_send_each_message_once(
    zi: sessionmaker[Session], database_url: str, second_engine: Engine
) -> None:
    needs_postgresql(database_url)
    total = 200
    add_pending(zi, total, chats=40)
    notifiers = [FakeNotifier(), FakeNotifier()]  # what each process handed to Telegram
    dispatchers = [
        Dispatcher(zi, {"telegram": notifiers[0]}, Clock(MONDAY), workers=4),
        Dispatcher(
            make_session_factory(second_engine),
            {"telegram": notifiers[1]},
            Clock(MONDAY),
            workers=4,
        ),
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(dispatcher: Dispatcher) -> None:
        try:
            barrier.wait()
            asyncio.run(dispatcher.drain())
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(d,)) for d in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    texts = Counter(text for n in notifiers for _, text, _, _ in n.sent)
    assert len(texts) == total
    assert [t for t, n in texts.items() if n > 1] == []
    assert {row.status for row in outbox_rows(zi)} == {"sent"}
    assert all(n.sent for n in notifiers), "one process did all the work: no race happened"


def test_two_dispatchers_in_one_loop_send_each_message_once(
    zi: sessionmaker[Session], database_url: str, second_engine: Engine
) -> None:
    needs_postgresql(database_url)
    add_pending(zi, 200, chats=40)
    notifier = FakeNotifier()
    first = Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY))
    second = Dispatcher(make_session_factory(second_engine), {"telegram": notifier}, Clock(MONDAY))

    async def both() -> None:
        await asyncio.gather(first.drain(), second.drain())

    asyncio.run(both())
    texts = Counter(text for _, text, _, _ in notifier.sent)
    assert len(texts) == 200 and max(texts.values()) == 1


def race_planners(
    factories: list[sessionmaker[Session]], now: datetime
) -> tuple[list[SweepResult], list[BaseException]]:
    """ReminderEngine.plan in one thread per session factory, started together."""
    barrier = threading.Barrier(len(factories))
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def plan(factory: sessionmaker[Session]) -> None:
        try:
            clock = Clock(now)
            engine = ReminderEngine(factory, Dispatcher(factory, {}, clock), clock, WITA, POLICY)
            barrier.wait()
            results.append(engine.plan())
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=plan, args=(f,)) for f in factories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_two_planners_racing_record_each_digest_once(
    zi: sessionmaker[Session], database_url: str, second_engine: Engine
) -> None:
    needs_postgresql(database_url)
    with zi.begin() as session:  # more chats, so that planning takes a little while
        for satker in session.scalars(select(Satker)):
            for n in range(3):
                session.add(
                    User(name=f"PIC {satker.code}-{n}", role="agen", satker_id=satker.id,
                         telegram_id=int(satker.code) * 100 + 50 + n, created_at=IMPORTED)
                )  # fmt: skip
    factories = [zi, make_session_factory(second_engine)]
    for day in (MONDAY, TUESDAY, WEDNESDAY):
        results, errors = race_planners(factories, day)
        assert errors == []
        assert min(r.messages for r in results) == 0  # the second planner found nothing
        assert max(r.messages for r in results) > 0
    rows = outbox_rows(zi)
    per_chat_day = Counter((row.chat_id, row.day, row.kind) for row in rows)
    assert max(per_chat_day.values()) == 1
    with zi() as session:
        duplicates = session.execute(
            select(Reminder.target_id, Reminder.stage, Reminder.chat_id)
            .group_by(Reminder.target_id, Reminder.stage, Reminder.chat_id)
            .having(func.count() > 1)
        ).all()
    assert duplicates == []


def test_preview_matches_the_sweep_after_an_undelivered_day(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)  # recorded, never delivered
    with zi() as session:
        preview = preview_day(session, day=date(2026, 12, 1), policy=POLICY)
    previewed = {line.recipient: preview_codes(line.summary) for line in preview.messages}
    sweep(zi, TUESDAY)
    recorded = by_chat(reminder_rows(zi, date(2026, 12, 1)))
    assert previewed == {
        "grup ZI Badung": set(recorded[GROUP]),
        "Ana (KPU Kabupaten Badung, pribadi)": set(recorded[str(AGEN)]),
    }


class OneChatWatcher(FakeNotifier):
    """Notes how many sends to one chat are in flight at once, and their order."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = 0
        self.most_at_once = 0
        self.texts: list[str] = []

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: object = None
    ) -> Sent:
        with self._lock:
            self.in_flight += 1
            self.most_at_once = max(self.most_at_once, self.in_flight)
            self.texts.append(text)
        try:
            await asyncio.sleep(0.01)
            return await super().send(chat_id, text, buttons, attachment)
        finally:
            with self._lock:
                self.in_flight -= 1


def test_one_chat_is_one_queue(zi: sessionmaker[Session]) -> None:
    # Four workers, four messages to one chat: sent one at a time, in the order recorded
    # (a kendala before its photo, part 1 of a digest before part 2).
    add_pending(zi, 4, chats=1)
    notifier = OneChatWatcher()
    drain(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY), workers=4))
    assert notifier.most_at_once == 1
    recorded = [row.text for row in sorted(outbox_rows(zi), key=lambda r: r.id)]
    assert notifier.texts == recorded


def test_a_blocked_chat_is_tried_once_for_all_its_messages(zi: sessionmaker[Session]) -> None:
    add_pending(zi, 4, chats=1)  # four messages waiting for one chat
    notifier = FakeNotifier()
    chat = outbox_rows(zi)[0].chat_id
    notifier.fail_chat[chat] = lambda: ChatUnreachable("Forbidden: bot was blocked by the user")
    stats = asyncio.run(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY), workers=4).drain())
    assert stats.unreachable == 1 and notifier.calls == [chat]
    assert {row.status for row in outbox_rows(zi)} == {"undeliverable"}
    assert count(zi, Unreachable) == 1


class PlansWhileSending(FakeNotifier):
    """Telegram answers the first message slowly; meanwhile the next day's sweep plans (the
    drain of a backlog crossing 08:00)."""

    def __init__(self, plan: Callable[[], object]) -> None:
        super().__init__()
        self.planner = threading.Thread(target=plan)

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: object = None
    ) -> Sent:
        if not self.planner.is_alive() and not self.sent:
            self.planner.start()
            # SQLite: the sweep completes; PostgreSQL: it waits for this message's row lock.
            await asyncio.to_thread(self.planner.join, 1.0)
        return await super().send(chat_id, text, buttons, attachment)


def test_a_digest_in_flight_when_the_next_day_begins_is_not_sent_twice(
    zi: sessionmaker[Session],
) -> None:
    sweep(zi, MONDAY)
    tuesday_clock = Clock(TUESDAY)
    engine: list[ReminderEngine] = []
    notifier = PlansWhileSending(lambda: engine[0].plan())
    dispatcher = Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY), workers=1)
    engine.append(ReminderEngine(zi, dispatcher, tuesday_clock, WITA, POLICY))
    asyncio.run(dispatcher.drain(limit=1))
    notifier.planner.join(10)
    [(chat, _, _, _)] = notifier.sent
    monday = next(r for r in outbox_rows(zi) if r.chat_id == chat and r.day.day == 30)
    tuesday = {code for c, code, _ in reminder_rows(zi, date(2026, 12, 1)) if c == chat}
    # The message Telegram accepted is recorded as sent, and its items are not repeated.
    assert (monday.status, tuesday) == ("sent", set(TUESDAY_NEW_STAGES))
    # The one that was not being sent expired and its items went into Tuesday's digest.
    others = [r for r in outbox_rows(zi) if r.day.day == 30 and r.kind == "digest"]
    assert sorted(r.status for r in others) == ["expired", "sent"]


AREAS = (
    ("MP", "Manajemen Perubahan"),
    ("TL", "Penataan Tatalaksana"),
    ("SDM", "Penataan Sistem Manajemen SDM"),
    ("AK", "Penguatan Akuntabilitas"),
    ("PW", "Penguatan Pengawasan"),
    ("PP", "Peningkatan Kualitas Pelayanan Publik"),
)


def test_a_long_digest_is_split_under_the_telegram_limit(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    plan = tmp_path / "rencana_aksi_2026.csv"
    lines = ["kode,area,kegiatan,bukti_dukung,tenggat,berlaku_untuk"]
    for code, name in AREAS:
        for n in range(1, 21):  # 120 overdue items with long activities
            activity = f"Kegiatan {code} nomor {n} " + "dengan uraian yang panjang " * 4
            lines.append(f"{code}-{n:02d},{name},{activity.strip()},Laporan,2026-06-30,semua")
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with sessions.begin() as session:
        import_plan(session, plan, year=None, now=IMPORTED, actor="test")
        badung = catalog.find_satker(session, BADUNG)
        session.add(
            ChatLink(channel="telegram", chat_id=GROUP, satker_id=badung.id, is_province=False,
                     title="ZI Badung", linked_at=IMPORTED)
        )  # fmt: skip
    result = sweep(sessions, MONDAY)
    rows = outbox_rows(sessions)
    # One notice in the outbox; Telegram says it in several messages, split when it is sent.
    assert len(rows) == result.messages == 1
    parts = telegram_parts(rows[0])
    assert len(parts) > 1
    assert all(len(part.text) <= 4096 for part in parts)
    assert "(lanjutan)" in parts[1].text
    # every item once across the parts; the buttons under the last part only
    listed = [code for p in parts for code in re.findall(r"<b>([A-Z]+-\d\d)</b>", p.text)]
    assert sorted(listed) == sorted(f"{c}-{n:02d}" for c, _ in AREAS for n in range(1, 21))
    assert [bool(part.buttons) for part in parts] == [False] * (len(parts) - 1) + [True]
    assert len(parts[-1].buttons) == 8
    with sessions() as session:
        owners = set(session.scalars(select(Reminder.outbox_id)))
    assert owners == {rows[0].id}
    assert count(sessions, Reminder) == 120
    assert sweep(sessions, MONDAY + timedelta(hours=1)) == SweepResult(0, 0)
    deliver(sessions, MONDAY)
    with sessions() as session:
        preview = preview_day(session, day=date(2026, 12, 1), policy=POLICY)
    assert preview.reason == "tidak ada yang jatuh tempo"  # late stages change on Wednesday


def test_a_person_who_unblocks_the_bot_gets_reminders_again(
    zi: sessionmaker[Session], tmp_path: Path
) -> None:
    sweep(zi, MONDAY)
    notifier = FakeNotifier()
    notifier.fail_chat[str(AGEN)] = lambda: ChatUnreachable("Forbidden: bot was blocked")
    drain(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY)))
    assert count(zi, Unreachable) == 1

    # The PIC unblocks the bot and sends /start: the mark goes, Tuesday's digest is planned.
    private = Caller("telegram", str(AGEN), True, str(AGEN), "Ana")
    assert zibot(zi, MONDAY, tmp_path).greet(private) is not None
    assert count(zi, Unreachable) == 0
    sweep(zi, TUESDAY)
    tuesday = {row.chat_id for row in outbox_rows(zi) if row.day == date(2026, 12, 1)}
    assert str(AGEN) in tuesday


def test_a_group_that_became_a_supergroup_is_followed(zi: sessionmaker[Session]) -> None:
    sweep(zi, MONDAY)
    supergroup = "-1009995103"
    notifier = FakeNotifier()
    notifier.fail_first = [Moved("Group migrated to supergroup", supergroup)]
    stats = asyncio.run(Dispatcher(zi, {"telegram": notifier}, Clock(MONDAY), workers=1).drain())
    assert stats.unreachable == 0 and stats.failed == 0
    with zi() as session:
        chats = set(session.scalars(select(ChatLink.chat_id)))
    assert supergroup in chats and notifier.calls[0] not in chats
    # Nothing was lost: every message went out, the moved one to the new id.
    assert {row.status for row in outbox_rows(zi)} == {"sent"}
    assert len(notifier.sent) == len(outbox_rows(zi))
