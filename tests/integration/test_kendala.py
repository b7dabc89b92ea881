"""Kendala tickets and instruksi against real databases (SQLite, and PostgreSQL when configured).

The use cases (``services.zi.Zibot``) and the planners (``services.kendala``,
``services.instruksi``) run on a migrated database with the Bali satkers and the 2026 sample
plan. The clock is moved by hand: Friday 27 November 2026, 09:00 WITA, unless a test says
otherwise. Outbox rows are what would be sent; a fake channel shows the order they go out in.

People: two agen of KPU Kabupaten Badung (5103), one agen of Jembrana (5101), Badung's
pimpinan of both structures (komisioner and sekretariat), Jembrana's sekretaris and an admin of
KPU Provinsi Bali (51). Badung and Jembrana have linked groups; the province group is linked by
the tests that need it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from channel import TELEGRAM, as_telegram
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from handlers.telegram.presenter import markup
from models import (
    AuditLog,
    BuktiDukung,
    ChatLink,
    Counter,
    Instruksi,
    InstruksiRead,
    Kendala,
    Outbox,
    RencanaAksi,
    Satker,
    Target,
    Unreachable,
    User,
    make_engine,
    upgrade_schema,
)
from scheduler.engine import kendala_planner
from scheduler.outbox import Dispatcher
from services import catalog, instruksi, kendala, members, texts
from services import evidence as evidence_module
from services.calendar import add_day_off, load_calendar
from services.errors import NotFound, ZibotError
from services.importer import import_plan
from services.kendala import Attachment
from services.notify import Buttons, Sent
from services.reminders import ReminderPolicy
from services.zi import Caller, Forbidden, NotLinked, NotRegistered, Zibot

if TYPE_CHECKING:
    from conftest import Databases

PG_URL = os.environ.get("ZIBOT_TEST_DATABASE_URL", "")
WITA = ZoneInfo("Asia/Makassar")
NUMBER = re.compile(r"KDL-\d{4}-\d{4}")
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def wita(day: date | str, hour: int = 9, minute: int = 0) -> datetime:
    """A local (WITA) moment as the aware UTC datetime every service takes."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WITA).astimezone(UTC)


FRIDAY = wita("2026-11-27")  # 09:00 WITA
SLA = 2

AGEN = 510301  # agen, Badung
AGEN2 = 510302  # another agen, Badung
AGEN_JEMBRANA = 510101  # agen, Jembrana
KETUA = 510311  # pimpinan (komisioner), Badung
SEKRETARIS = 510312  # pimpinan (sekretariat), Badung
SEKRETARIS_JEMBRANA = 510111  # pimpinan (sekretariat), Jembrana
ADMIN = 510001  # admin, KPU Provinsi Bali
BADUNG_GROUP = "-1005103"
JEMBRANA_GROUP = "-1005101"
PROVINCE = "-100510"
PROVINCE2 = "-100511"
ESCALATION = "-100999"


# ---------------------------------------------------------------------- database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[str]:
    """Like ``database_url`` in tests/conftest.py, but one database per module and backend
    (migrating costs ~0.4 s; ``engine`` below empties it before each test)."""
    with databases.scratch(request.param, tmp_path_factory.mktemp("db"), "kendala") as url:
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


def is_postgres(sessions: sessionmaker[Session]) -> bool:
    return sessions.kw["bind"].dialect.name == "postgresql"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    sessions: sessionmaker[Session]
    clock: Clock
    zi: Zibot
    ids: dict[int, int]  # Telegram id -> app_user id

    def at(self, moment: datetime) -> World:
        self.clock.now = moment
        return self


@pytest.fixture
def world(sessions: sessionmaker[Session], tmp_path: Path) -> World:
    """The sample plan, the people and the two satker groups (no province group yet)."""
    people = (
        (AGEN, "Made <Agen>", "agen", "5103", None),
        (AGEN2, "Wayan", "agen", "5103", None),
        (AGEN_JEMBRANA, "Komang", "agen", "5101", None),
        (KETUA, "Ketua Badung", "pimpinan", "5103", "komisioner"),
        (SEKRETARIS, "Sekretaris Badung", "pimpinan", "5103", "sekretariat"),
        (SEKRETARIS_JEMBRANA, "Sekretaris Jembrana", "pimpinan", "5101", "sekretariat"),
        (ADMIN, "Ayu Provinsi", "admin", "51", None),
    )
    ids: dict[int, int] = {}
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        for telegram_id, name, role, code, structure in people:
            user = User(
                name=name,
                role=role,
                structure=structure,
                satker_id=catalog.find_satker(session, code).id,
                telegram_id=telegram_id,
                created_at=IMPORTED,
            )
            session.add(user)
            session.flush()
            ids[telegram_id] = user.id
        for chat, code in ((BADUNG_GROUP, "5103"), (JEMBRANA_GROUP, "5101")):
            session.add(
                ChatLink(
                    channel="telegram",
                    chat_id=chat,
                    satker_id=catalog.find_satker(session, code).id,
                    is_province=False,
                    title=f"ZI {code}",
                    linked_at=IMPORTED,
                )
            )
    clock = Clock(FRIDAY)
    return World(sessions, clock, Zibot(sessions, clock, WITA, tmp_path / "bukti"), ids)


def link_province(world: World, chat_id: str = PROVINCE) -> None:
    with world.sessions.begin() as session:
        session.add(
            ChatLink(
                channel="telegram",
                chat_id=chat_id,
                satker_id=None,
                is_province=True,
                title="Koordinasi ZI Bali",
                linked_at=IMPORTED,
            )
        )


def private(telegram_id: int) -> Caller:
    return Caller("telegram", str(telegram_id), True, str(telegram_id))


def in_group(group: str, telegram_id: int) -> Caller:
    return Caller("telegram", group, False, str(telegram_id))


def target_id(world: World, item_code: str, satker_code: str = "5103") -> int:
    with world.sessions() as session:
        return session.scalars(
            select(Target.id)
            .join(RencanaAksi, RencanaAksi.id == Target.item_id)
            .join(Satker, Satker.id == Target.satker_id)
            .where(RencanaAksi.code == item_code, Satker.code == satker_code)
        ).one()


def submit(
    world: World,
    caller: Caller | int = AGEN,
    description: str = "Anggaran banner belum turun",
    *,
    category: str = "anggaran",
    target: int | None = None,
    attachment: Attachment | None = None,
) -> str:
    if isinstance(caller, int):
        caller = private(caller)
    number, _ = world.zi.kendala_submit(
        caller,
        target_id=target,
        category=category,
        description=description,
        attachment=attachment,
    )
    return number


def ticket(world: World, number: str) -> Kendala:
    with world.sessions() as session:
        found = kendala.find(session, number)
        session.expunge(found)
        return found


def rows(world: World, kind: str | None = None) -> list[Outbox]:
    with world.sessions() as session:
        query = select(Outbox).order_by(Outbox.id)
        if kind is not None:
            query = query.where(Outbox.kind == kind)
        found = list(session.scalars(query))
        session.expunge_all()
        return [as_telegram(row) for row in found]


def audit(world: World, action: str) -> list[AuditLog]:
    with world.sessions() as session:
        found = list(
            session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))
        )
        session.expunge_all()
        return found


def post(world: World, now: datetime | None = None) -> int:
    with world.sessions.begin() as session:
        return kendala.post_pending(session, now or world.clock.now, WITA)


def escalate(world: World, now: datetime, escalation_chat: str | None = ESCALATION) -> int:
    with world.sessions.begin() as session:
        return kendala.plan_escalations(
            session, now, WITA, sla_days=SLA, escalation_chat=escalation_chat
        )


def remind(world: World, now: datetime) -> int:
    with world.sessions.begin() as session:
        return instruksi.plan_reminders(session, now, WITA, calendar=load_calendar(session))


def buttons(row: Outbox) -> list[list[list[str]]]:
    return json.loads(row.buttons) if row.buttons else []


# ---------------------------------------------------------------------- numbering


def test_numbers_are_sequential_per_local_year_and_unique(world: World) -> None:
    assert [submit(world, AGEN, f"Kendala {n}") for n in range(1, 4)] == [
        "KDL-2026-0001",
        "KDL-2026-0002",
        "KDL-2026-0003",
    ]
    # New Year's Eve in WITA is still 2026; half past midnight WITA is 2027 (16:30 UTC).
    world.at(wita("2026-12-31", 23, 30))
    assert submit(world, AGEN_JEMBRANA) == "KDL-2026-0004"
    world.at(wita("2027-01-01", 0, 30))
    assert world.clock.now.year == 2026  # still 2026 in UTC
    assert submit(world, AGEN) == "KDL-2027-0001"
    assert submit(world, AGEN) == "KDL-2027-0002"

    with world.sessions() as session:
        numbers = [t.number for t in session.scalars(select(Kendala).order_by(Kendala.id))]
        counters = {
            name: value for name, value in session.execute(select(Counter.name, Counter.value))
        }
    assert len(set(numbers)) == 6
    assert counters["kendala:2026"] == 4 and counters["kendala:2027"] == 2
    assert kendala.parse_number(" kdl-2026-7 ") == (2026, 7)
    for bad in ("KDL-26-0001", "2026-0001", "KDL-2026-", ""):
        with pytest.raises(ZibotError):
            kendala.parse_number(bad)


def _create_in_threads(world: World, reporters: list[int]) -> tuple[list[str], list[BaseException]]:
    barrier = threading.Barrier(len(reporters))
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(telegram_id: int) -> None:
        try:
            with world.sessions.begin() as session:
                member = members.find_member(session, "telegram", telegram_id)
                assert member is not None
                barrier.wait(timeout=10)
                ticket = kendala.create(
                    session,
                    member=member,
                    satker_id=member.satker.id,
                    target_id=None,
                    category="lainnya",
                    description=f"dari {telegram_id}",
                    attachment=None,
                    channel="telegram",
                    origin_chat_id=str(telegram_id),
                    now=FRIDAY,
                    tz=WITA,
                )
                number = ticket.number
            with lock:
                numbers.append(number)
        except BaseException as exc:  # collected and reported by the test
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(r,)) for r in reporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return numbers, errors


def test_concurrent_reports_get_distinct_numbers_on_postgresql(world: World) -> None:
    if not is_postgres(world.sessions):
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises one process)")
    reporters = [AGEN, AGEN2, AGEN_JEMBRANA, KETUA, SEKRETARIS, SEKRETARIS_JEMBRANA]
    # First round: the year's counter does not exist yet, everyone races to create it.
    first, errors = _create_in_threads(world, reporters)
    assert errors == []
    # Second round: the counter exists, everyone races to increment it.
    second, errors = _create_in_threads(world, reporters)
    assert errors == []
    expected = [f"KDL-2026-{n:04d}" for n in range(1, 13)]
    assert sorted(first + second) == expected
    assert sorted(first) == expected[:6]
    with world.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Kendala)) == 12
        assert session.scalar(select(Counter.value).where(Counter.name == "kendala:2026")) == 12


# ---------------------------------------------------------------------- reporting


def test_a_ticket_is_saved_first_with_its_attachment_and_an_audit_row(world: World) -> None:
    photo = Attachment("kendala/foto.jpg", "image/jpeg", "foto.jpg")
    mp01 = target_id(world, "MP-01")
    number, linked = world.zi.kendala_submit(
        in_group(BADUNG_GROUP, AGEN),
        target_id=mp01,
        category="sarpras",
        description="  Ruang pelayanan belum ada  ",
        attachment=photo,
    )

    assert (number, linked) == ("KDL-2026-0001", False)
    saved = ticket(world, number)
    assert (saved.status, saved.target_id, saved.category) == ("baru", mp01, "sarpras")
    assert saved.description == "Ruang pelayanan belum ada"
    assert (saved.attachment, saved.attachment_type, saved.attachment_name) == (
        "kendala/foto.jpg",
        "image/jpeg",
        "foto.jpg",
    )
    assert (saved.origin_chat_id, saved.channel, saved.reporter_id) == (
        BADUNG_GROUP,
        "telegram",
        world.ids[AGEN],
    )
    assert saved.created_at == FRIDAY and saved.posted_at is None
    [row] = audit(world, "kendala")
    assert (row.entity_id, row.actor_id, row.at) == (number, world.ids[AGEN], FRIDAY)
    assert rows(world) == []  # nothing is sent before the province group exists

    link_province(world)
    assert world.zi.kendala_submit(
        private(AGEN), target_id=None, category="sdm", description="x", attachment=None
    ) == ("KDL-2026-0002", True)


def test_who_may_report_where(world: World) -> None:
    link_province(world)
    # A pimpinan may report, in private and in the satker's group.
    assert submit(world, KETUA) == "KDL-2026-0001"
    assert submit(world, in_group(BADUNG_GROUP, SEKRETARIS)) == "KDL-2026-0002"
    # An admin reports for the group's satker.
    assert submit(world, in_group(BADUNG_GROUP, ADMIN)) == "KDL-2026-0003"
    assert ticket(world, "KDL-2026-0003").satker_id == ticket(world, "KDL-2026-0001").satker_id

    refusals: list[tuple[Caller, type[ZibotError], str | None]] = [
        (private(999_999), NotRegistered, texts.NOT_REGISTERED),
        (in_group(PROVINCE, ADMIN), ZibotError, texts.WRITE_NOT_IN_PROVINCE_GROUP),
        (in_group("-100123", AGEN), NotLinked, texts.GROUP_NOT_LINKED),
        (in_group(BADUNG_GROUP, AGEN_JEMBRANA), Forbidden, None),
    ]
    for caller, error, message in refusals:
        with pytest.raises(error) as raised:
            submit(world, caller)
        if message is not None:
            assert str(raised.value) == message
    # A target of another satker (a forged button) and bad input are refused.
    with pytest.raises(NotFound):
        submit(world, AGEN, target=target_id(world, "MP-01", "5101"))
    with pytest.raises(ZibotError, match="Kategori"):
        submit(world, AGEN, category="gaji")
    with pytest.raises(ZibotError) as empty:
        submit(world, AGEN, "   ")
    assert str(empty.value) == texts.KENDALA_EMPTY
    with world.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Kendala)) == 3


# ---------------------------------------------------------------------- posting


def test_post_pending_waits_for_the_province_group_then_posts_once_to_each(world: World) -> None:
    photo = Attachment("kendala/foto.jpg", "image/jpeg", "foto.jpg")
    first = submit(
        world,
        AGEN,
        "Dana <b>belum</b> cair & SPJ ditolak",
        target=target_id(world, "MP-01"),
        attachment=photo,
    )
    second = submit(world, AGEN_JEMBRANA, "Tidak ada ruang arsip", category="sarpras")
    assert post(world) == 0
    assert rows(world) == []

    link_province(world)
    link_province(world, PROVINCE2)
    world.at(wita("2026-11-28", 22, 0))  # any time, even a Saturday night
    assert post(world) == 6  # two groups x (first + its photo, second)
    assert post(world) == 0
    posted = rows(world)
    assert len(posted) == 6 and len({r.key for r in posted}) == 6
    assert {r.kind for r in posted} == {"kendala"}
    assert sorted(r.chat_id for r in posted) == sorted([PROVINCE, PROVINCE2] * 3)

    with world.sessions() as session:
        tickets = {t.number: t for t in session.scalars(select(Kendala))}
        assert all(t.posted_at == world.clock.now for t in tickets.values())
        first_id, second_id = tickets[first].id, tickets[second].id
        activity = session.scalar(select(RencanaAksi.activity).where(RencanaAksi.code == "MP-01"))

    to_province = [r for r in posted if r.chat_id == PROVINCE]
    text_row, photo_row, other = to_province
    assert f"Kendala {first}" in text_row.text
    assert "KPU Kabupaten Badung" in text_row.text and "Made &lt;Agen&gt;" in text_row.text
    assert f"MP-01 {activity}" in text_row.text and "Anggaran" in text_row.text
    assert "Dana &lt;b&gt;belum&lt;/b&gt; cair &amp; SPJ ditolak" in text_row.text
    assert "<b>belum</b>" not in text_row.text
    assert buttons(text_row) == [
        [
            [texts.KENDALA_BUTTON_ANSWER, f"kt:{first_id}"],
            [texts.KENDALA_BUTTON_CLOSE, f"ks:{first_id}"],
        ]
    ]
    assert text_row.attachment is None
    assert (photo_row.attachment, photo_row.attachment_type) == ("kendala/foto.jpg", "image/jpeg")
    assert photo_row.text == texts.KENDALA_ATTACHMENT_CAPTION.format(number=first)
    assert f"Kendala {second}" in other.text and "KPU Kabupaten Jembrana" in other.text
    assert texts.KENDALA_GENERAL in other.text
    assert f"kt:{second_id}" in other.buttons
    assert text_row.id < photo_row.id  # the photo is recorded after the post


def test_post_pending_skips_an_unreachable_province_group_and_closed_tickets(
    world: World,
) -> None:
    link_province(world)
    link_province(world, PROVINCE2)
    with world.sessions.begin() as session:
        session.add(
            Unreachable(channel="telegram", chat_id=PROVINCE2, reason="kicked", since=FRIDAY)
        )
    number = submit(world)
    closed = submit(world, AGEN, "sudah beres")
    world.zi.kendala_close(private(ADMIN), closed)

    assert post(world) == 1
    [row] = rows(world, "kendala")[-1:]
    assert row.chat_id == PROVINCE and number in row.text
    assert not [r for r in rows(world) if r.chat_id == PROVINCE and closed in r.text]


# ---------------------------------------------------------------------- answering and closing


def test_an_admins_answer_goes_to_the_reporter_and_the_satker_group(world: World) -> None:
    link_province(world)
    number = submit(world, in_group(BADUNG_GROUP, AGEN), "Anggaran <belum> turun")
    post(world)
    before = len(rows(world))
    world.at(FRIDAY + timedelta(hours=2))

    assert world.zi.kendala_answer(private(ADMIN), number, " Sudah <b>dikoordinasikan</b> & ok ")

    saved = ticket(world, number)
    assert (saved.status, saved.answer) == ("ditanggapi", "Sudah <b>dikoordinasikan</b> & ok")
    assert (saved.answered_by_id, saved.answered_at) == (world.ids[ADMIN], world.clock.now)
    sent = rows(world)[before:]
    assert sorted(r.chat_id for r in sent) == sorted([str(AGEN), BADUNG_GROUP])
    for row in sent:
        assert row.kind == "kendala" and row.status == "pending"
        assert f"kendala {number}" in row.text
        assert "Sudah &lt;b&gt;dikoordinasikan&lt;/b&gt; &amp; ok" in row.text
        assert "Anggaran &lt;belum&gt; turun" in row.text
        assert "— Ayu Provinsi" in row.text
        assert "<belum>" not in row.text
    assert JEMBRANA_GROUP not in {r.chat_id for r in sent}
    [row] = audit(world, "tanggapi")
    assert (row.entity_id, row.actor_id) == (number, world.ids[ADMIN])
    assert "dikoordinasikan" in row.detail

    # By number or by id (the button), case-insensitively; the id path works too.
    world.at(FRIDAY + timedelta(hours=3))
    assert world.zi.kendala_answer(private(ADMIN), saved.id, "Tambahan") == number
    assert world.zi.kendala_answer(private(ADMIN), number.lower(), "Lagi") == number
    assert len(audit(world, "tanggapi")) == 3


def test_only_admins_answer_and_close(world: World) -> None:
    number = submit(world)
    for who in (AGEN, AGEN2, KETUA, SEKRETARIS):
        with pytest.raises(ZibotError) as answer:
            world.zi.kendala_answer(private(who), number, "saya jawab sendiri")
        assert str(answer.value) == texts.KENDALA_ADMIN_ONLY
        with pytest.raises(ZibotError) as close:
            world.zi.kendala_close(private(who), number)
        assert str(close.value) == texts.KENDALA_ADMIN_ONLY
    with pytest.raises(NotRegistered):
        world.zi.kendala_answer(private(999_999), number, "x")
    with pytest.raises(ZibotError) as empty:
        world.zi.kendala_answer(private(ADMIN), number, "   ")
    assert str(empty.value) == texts.KENDALA_ANSWER_EMPTY
    with pytest.raises(NotFound):
        world.zi.kendala_answer(private(ADMIN), "KDL-2026-0099", "x")
    with pytest.raises(ZibotError, match="tidak valid"):
        world.zi.kendala_answer(private(ADMIN), "KDL-2026", "x")

    saved = ticket(world, number)
    assert (saved.status, saved.answer, saved.closed_at) == ("baru", None, None)
    assert rows(world) == []
    assert audit(world, "tanggapi") == [] and audit(world, "tutup") == []


def test_closing_tells_the_reporter_only_and_freezes_the_ticket(world: World) -> None:
    number = submit(world, in_group(BADUNG_GROUP, AGEN))
    world.at(FRIDAY + timedelta(hours=1))

    assert world.zi.kendala_close(private(ADMIN), number) == number

    saved = ticket(world, number)
    assert (saved.status, saved.closed_at) == ("selesai", world.clock.now)
    [row] = rows(world)
    assert row.chat_id == str(AGEN)  # not the group
    assert row.text == texts.KENDALA_CLOSED_NOTICE.format(number=number, days=7)
    [entry] = audit(world, "tutup")
    assert (entry.entity_id, entry.actor_id) == (number, world.ids[ADMIN])
    for action in (
        lambda: world.zi.kendala_close(private(ADMIN), number),
        lambda: world.zi.kendala_answer(private(ADMIN), number, "terlambat"),
    ):
        with pytest.raises(ZibotError) as raised:
            action()
        assert str(raised.value) == texts.KENDALA_ALREADY_CLOSED.format(number=number)


def test_reopen_within_seven_days_posts_the_ticket_again(world: World) -> None:
    link_province(world)
    number = submit(world)
    post(world)
    world.zi.kendala_answer(private(ADMIN), number, "Sudah")
    world.at(wita("2026-11-30"))
    world.zi.kendala_close(private(ADMIN), number)
    posts_before = [r for r in rows(world) if r.chat_id == PROVINCE]

    for who in (AGEN2, KETUA, AGEN_JEMBRANA):  # not the reporter, not an admin
        with pytest.raises(ZibotError) as refused:
            world.zi.kendala_reopen(private(who), number)
        assert str(refused.value) == texts.KENDALA_REOPEN_FORBIDDEN
    world.at(wita("2026-12-07", 8, 59))  # 6 days 23 h 59 min after closing
    assert world.zi.kendala_reopen(private(AGEN), number) == number

    saved = ticket(world, number)
    assert (saved.status, saved.closed_at, saved.posted_at) == ("baru", None, None)
    assert saved.reopened_at == world.clock.now
    [entry] = audit(world, "buka")
    assert (entry.entity_id, entry.actor_id) == (number, world.ids[AGEN])
    with pytest.raises(ZibotError) as not_closed:
        world.zi.kendala_reopen(private(AGEN), number)
    assert str(not_closed.value) == texts.KENDALA_NOT_CLOSED.format(number=number)

    assert post(world) == 1
    reposted = [r for r in rows(world) if r.chat_id == PROVINCE][len(posts_before) :]
    assert len(reposted) == 1
    assert texts.KENDALA_REOPENED_MARK in reposted[0].text and number in reposted[0].text
    assert post(world) == 0

    # An admin may reopen too.
    world.zi.kendala_close(private(ADMIN), number)
    assert world.zi.kendala_reopen(private(ADMIN), number) == number


def test_reopen_after_seven_days_is_refused(world: World) -> None:
    number = submit(world)
    world.zi.kendala_close(private(ADMIN), number)
    world.at(FRIDAY + timedelta(days=7, seconds=1))
    with pytest.raises(ZibotError) as refused:
        world.zi.kendala_reopen(private(AGEN), number)
    assert str(refused.value) == texts.KENDALA_REOPEN_TOO_LATE.format(number=number, days=7)
    assert ticket(world, number).status == "selesai"
    assert audit(world, "buka") == []


def test_a_second_answer_in_the_same_second_is_sent_too(world: World) -> None:
    number = submit(world)
    world.zi.kendala_answer(private(ADMIN), number, "Jawaban pertama")
    world.zi.kendala_answer(private(ADMIN), number, "Jawaban kedua, yang benar")
    assert ticket(world, number).answer == "Jawaban kedua, yang benar"
    assert [r for r in rows(world) if "Jawaban kedua" in r.text] != []


def test_a_reopened_ticket_is_posted_again_under_a_frozen_clock(world: World) -> None:
    link_province(world)
    number = submit(world)
    post(world)
    world.zi.kendala_close(private(ADMIN), number)
    world.zi.kendala_reopen(private(AGEN), number)
    post(world)
    posts = [r for r in rows(world) if r.chat_id == PROVINCE]
    assert len(posts) == 2 and texts.KENDALA_REOPENED_MARK in posts[-1].text


# ---------------------------------------------------------------------- escalation


def test_escalation_waits_for_two_working_days_and_happens_once(world: World) -> None:
    link_province(world)
    number = submit(world, AGEN, "Tidak ada <anggaran>")
    post(world)
    ticket_id = ticket(world, number).id
    not_yet = [
        wita("2026-11-27", 17),  # the same Friday
        wita("2026-11-28", 9),  # Saturday
        wita("2026-11-29", 9),  # Sunday
        wita("2026-11-30", 8, 5),  # Monday: one working day
        wita("2026-11-30", 16),
    ]
    for moment in not_yet:
        assert escalate(world, moment) == 0, moment
    assert rows(world, "eskalasi") == []

    assert escalate(world, wita("2026-12-01", 8, 5)) == 2  # Tuesday: two working days
    for later in (wita("2026-12-01", 8, 6), wita("2026-12-02", 8, 5), wita("2026-12-03")):
        assert escalate(world, later) == 0
    to_chat, to_province = rows(world, "eskalasi")
    assert to_chat.chat_id == ESCALATION
    assert to_chat.text == markup(texts.KENDALA_ESCALATION).format(
        number=number,
        satker="KPU Kabupaten Badung",
        days=2,
        description="Tidak ada &lt;anggaran&gt;",
    )
    assert to_province.chat_id == PROVINCE
    assert to_province.text == texts.KENDALA_PROVINCE_REMINDER.format(
        number=number, satker="KPU Kabupaten Badung", days=2
    )
    assert buttons(to_province) == [[[texts.KENDALA_BUTTON_ANSWER, f"kt:{ticket_id}"]]]
    assert ticket(world, number).escalated_at == wita("2026-12-01", 8, 5)


def test_holidays_and_added_days_off_do_not_count(world: World) -> None:
    link_province(world)
    # 24 Dec 2026 is cuti bersama and 25 Dec Christmas: created Tuesday 22 Dec, due Monday 28.
    christmas = submit(world.at(wita("2026-12-22")), AGEN, "Natal")
    for moment in ("2026-12-23", "2026-12-24", "2026-12-25", "2026-12-26", "2026-12-27"):
        assert escalate(world, wita(moment, 8, 5)) == 0, moment
    assert escalate(world, wita("2026-12-28", 8, 5)) == 2

    # A day off an admin added (Galungan, say) counts as a holiday too.
    with world.sessions.begin() as session:
        add_day_off(session, day=date(2027, 1, 5), name="Galungan", now=FRIDAY, actor="test")
    galungan = submit(world.at(wita("2027-01-04")), AGEN, "Galungan")
    assert escalate(world, wita("2027-01-05", 8, 5)) == 0  # the day off itself
    assert escalate(world, wita("2027-01-06", 8, 5)) == 0  # one working day
    assert escalate(world, wita("2027-01-07", 8, 5)) == 2
    escalated = {m for r in rows(world, "eskalasi") for m in NUMBER.findall(r.text)}
    assert escalated == {christmas, galungan}


def test_escalation_without_an_escalation_chat_reminds_every_province_group(
    world: World,
) -> None:
    link_province(world)
    link_province(world, PROVINCE2)
    submit(world)
    assert escalate(world, wita("2026-12-01", 8, 5), escalation_chat=None) == 2
    assert sorted(r.chat_id for r in rows(world, "eskalasi")) == sorted([PROVINCE, PROVINCE2])
    assert escalate(world, wita("2026-12-02", 8, 5), escalation_chat=None) == 0


def test_answered_tickets_do_not_escalate_and_reopened_ones_can_again(world: World) -> None:
    link_province(world)
    answered = submit(world, AGEN, "dijawab")
    number = submit(world, AGEN, "dibuka lagi")
    world.zi.kendala_answer(private(ADMIN), answered, "Sudah")
    assert escalate(world, wita("2026-12-01", 8, 5)) == 2  # only ``number``
    assert all(number in r.text for r in rows(world, "eskalasi"))

    world.at(wita("2026-12-01", 10))
    world.zi.kendala_answer(private(ADMIN), number, "Sudah kami tindak lanjuti")
    world.at(wita("2026-12-02", 10))
    world.zi.kendala_close(private(ADMIN), number)
    world.at(wita("2026-12-03", 10))
    world.zi.kendala_reopen(private(AGEN), number)
    assert ticket(world, number).escalated_at is None

    assert escalate(world, wita("2026-12-04", 8, 5)) == 0  # one working day since reopening
    assert escalate(world, wita("2026-12-07", 8, 5)) == 2  # Monday: two
    assert escalate(world, wita("2026-12-08", 8, 5)) == 0
    again = rows(world, "eskalasi")
    assert len(again) == 4 and len({r.key for r in again}) == 4
    assert sorted(r.chat_id for r in again) == sorted([ESCALATION, PROVINCE] * 2)


def test_an_escalation_due_before_the_province_group_is_linked_is_not_lost(
    world: World,
) -> None:
    submit(world)
    escalate(world, wita("2026-12-01", 8, 5), escalation_chat=None)
    link_province(world)
    post(world, wita("2026-12-02", 8, 0))
    escalate(world, wita("2026-12-02", 8, 5), escalation_chat=None)
    assert [r.chat_id for r in rows(world, "eskalasi")] == [PROVINCE]


def test_the_planner_posts_at_once_but_escalates_only_at_reminder_time(world: World) -> None:
    planner = kendala_planner(WITA, ReminderPolicy(), sla_days=SLA, escalation_chat=ESCALATION)
    link_province(world)
    number = submit(world)

    def plan(moment: datetime) -> int:
        with world.sessions.begin() as session:
            return planner(session, moment)

    assert plan(wita("2026-11-28", 23)) == 1  # posted on a Saturday night
    assert plan(wita("2026-12-01", 7, 59)) == 0  # due, but before 08:00
    assert plan(wita("2026-12-01", 8, 0)) == 2
    assert plan(wita("2026-12-01", 8, 1)) == 0
    assert [r.kind for r in rows(world)] == ["kendala", "eskalasi", "eskalasi"]
    assert number in rows(world)[0].text


# ---------------------------------------------------------------------- lists


def test_visible_open_shows_own_satker_or_all_oldest_first_with_working_day_ages(
    world: World,
) -> None:
    old = submit(
        world.at(wita("2026-11-25")), AGEN, "paling lama", target=target_id(world, "MP-01")
    )
    jembrana = submit(world.at(wita("2026-11-26")), AGEN_JEMBRANA, "dari Jembrana")
    recent = submit(world.at(wita("2026-11-27")), AGEN2, "baru saja", category="sdm")
    closed = submit(world, AGEN, "sudah selesai")
    world.zi.kendala_close(private(ADMIN), closed)
    world.zi.kendala_answer(private(ADMIN), recent, "Dijawab")
    world.at(wita("2026-11-30", 10))  # Monday

    def listed(who: int) -> list[tuple[str, int, str]]:
        return [
            (t.number, t.age_working_days, t.status) for t in world.zi.kendala_list(private(who))
        ]

    badung = [(old, 3, "baru"), (recent, 1, "ditanggapi")]
    assert listed(AGEN) == badung
    assert listed(KETUA) == badung  # a pimpinan sees their satker's too
    assert listed(AGEN_JEMBRANA) == [(jembrana, 2, "baru")]
    assert listed(ADMIN) == [(old, 3, "baru"), (jembrana, 2, "baru"), (recent, 1, "ditanggapi")]

    first = world.zi.kendala_list(private(AGEN))[0]
    assert first.item is not None and first.item.startswith("MP-01 ")
    assert (first.satker_code, first.category, first.reporter) == (
        "5103",
        "Anggaran",
        "Made <Agen>",
    )
    assert world.zi.kendala_list(private(AGEN))[1].item is None
    with pytest.raises(NotRegistered):
        world.zi.kendala_list(private(999_999))


@pytest.fixture
def zibot_cli(
    world: World, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., object]:
    """Run ``zibot`` in-process on the test database, at Monday 30 Nov 2026 10:00 WITA."""
    for name in list(os.environ):
        if name.startswith("ZIBOT_"):
            monkeypatch.delenv(name)
    clock = tmp_path / "clock"
    clock.write_text("2026-11-30T10:00:00+08:00", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZIBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("ZIBOT_CLOCK_FILE", str(clock))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_lists_and_exports_every_ticket(
    world: World, zibot_cli: Callable, tmp_path: Path
) -> None:
    first = submit(
        world.at(wita("2026-11-25")), AGEN, "Anggaran <b> & SPJ", target=target_id(world, "MP-01")
    )
    second = submit(world.at(wita("2026-11-27")), AGEN_JEMBRANA, "Ruang arsip", category="sarpras")
    world.zi.kendala_answer(private(ADMIN), second, "Sudah dianggarkan")
    world.zi.kendala_close(private(ADMIN), second)

    listed = zibot_cli("kendala", "list")
    assert listed.exit_code == 0, listed.output
    assert first in listed.stdout and second in listed.stdout
    assert "Anggaran <b> & SPJ" in listed.stdout
    assert "menunggu tanggapan" in listed.stdout and "selesai" in listed.stdout

    path = tmp_path / "rekap" / "kendala.xlsx"
    exported = zibot_cli("kendala", "export", str(path))
    assert exported.exit_code == 0, exported.output
    assert texts.KENDALA_EXPORT_DONE.format(count=2, path=path) in exported.stdout.replace("\n", "")
    sheet = load_workbook(path)[texts.EXPORT_SHEET_KENDALA]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(values[0]) == texts.KENDALA_EXPORT_COLUMNS
    assert values[1][:3] == [first, "KPU Kabupaten Badung", "Made <Agen>"]
    assert str(values[1][3]).startswith("MP-01 ")
    assert values[1][4:8] == ["Anggaran", "menunggu tanggapan", "Anggaran <b> & SPJ", 3]
    assert values[2][0] == second and values[2][3] == texts.KENDALA_GENERAL
    assert values[2][5] == "selesai" and values[2][8] == "Sudah dianggarkan"

    refused = zibot_cli("kendala", "export", str(tmp_path / "kendala.csv"))
    assert refused.exit_code != 0


def test_cli_list_shows_descriptions_with_square_brackets_verbatim(
    world: World, zibot_cli: Callable
) -> None:
    submit(world, AGEN, "Kolom [bold]anggaran[/bold] kosong [/] lihat lampiran")
    listed = zibot_cli("kendala", "list")
    assert listed.exit_code == 0, listed.output
    assert "[bold]anggaran[/bold]" in listed.stdout


# ---------------------------------------------------------------------- the outbox, sent


class FakeNotifier:
    """Records what the dispatcher sends; text messages can be made slower than files."""

    channel = "telegram"
    presenter = TELEGRAM

    def __init__(self, text_delay: float = 0.0) -> None:
        self.sent: list[tuple[str, str, Buttons, object]] = []
        self.text_delay = text_delay
        self._ids = itertools.count(1000)

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: object = None
    ) -> Sent:
        await asyncio.sleep(self.text_delay if attachment is None else 0)
        self.sent.append((chat_id, text, buttons, attachment))
        return Sent(next(self._ids))


def test_the_post_and_its_photo_reach_the_province_group(world: World) -> None:
    link_province(world)
    number = submit(world, attachment=Attachment("kendala/foto.jpg", "image/jpeg", "foto.jpg"))
    post(world)
    fake = FakeNotifier()
    asyncio.run(Dispatcher(world.sessions, {"telegram": fake}, world.clock).drain())

    assert [chat for chat, *_ in fake.sent] == [PROVINCE, PROVINCE]
    [text_message] = [s for s in fake.sent if s[3] is None]
    [photo] = [s for s in fake.sent if s[3] is not None]
    assert number in text_message[1] and text_message[2][0][0][1].startswith("kt:")
    assert photo[3].path == "kendala/foto.jpg" and photo[3].mime_type == "image/jpeg"
    assert all(r.status == "sent" for r in rows(world))


def test_the_photo_never_arrives_before_its_post(world: World) -> None:
    link_province(world)
    submit(world, attachment=Attachment("kendala/foto.jpg", "image/jpeg", "foto.jpg"))
    post(world)
    fake = FakeNotifier(text_delay=0.2)
    asyncio.run(Dispatcher(world.sessions, {"telegram": fake}, world.clock).drain())
    assert [attachment is None for *_, attachment in fake.sent] == [True, False]


# ---------------------------------------------------------------------- instruksi


def broadcast(world: World, text_: str = "Lengkapi bukti dukung <MP> & TL", **kw: object) -> str:
    result = world.zi.instruksi_send(private(ADMIN), text_, kw.get("attachment"))  # type: ignore[arg-type]
    return result.number


def test_broadcast_reaches_every_satker_group_and_every_pimpinan_once(world: World) -> None:
    link_province(world)
    with world.sessions.begin() as session:
        session.add(  # a pimpinan reachable only on WhatsApp: no Telegram message
            User(
                name="Ketua Tabanan",
                role="pimpinan",
                structure="komisioner",
                satker_id=catalog.find_satker(session, "5102").id,
                whatsapp="628123",
                created_at=IMPORTED,
            )
        )
        session.add(
            Unreachable(channel="telegram", chat_id=str(SEKRETARIS_JEMBRANA), reason="blocked",
                        since=FRIDAY)
        )  # fmt: skip

    result = world.zi.instruksi_send(private(ADMIN), "Lengkapi bukti <MP> & TL", None)

    assert (result.number, result.groups, result.leaders) == ("INS-2026-0001", 2, 2)
    sent = rows(world, "instruksi")
    assert sorted(r.chat_id for r in sent) == sorted(
        [BADUNG_GROUP, JEMBRANA_GROUP, str(KETUA), str(SEKRETARIS)]
    )
    assert len({r.key for r in sent}) == len(sent)
    with world.sessions() as session:
        item = session.scalars(select(Instruksi)).one()
    for row in sent:
        assert "Instruksi INS-2026-0001" in row.text
        assert "Lengkapi bukti &lt;MP&gt; &amp; TL" in row.text and "Ayu Provinsi" in row.text
        assert buttons(row) == [[[texts.INSTRUKSI_BUTTON_READ, f"ib:{item.id}"]]]
        assert row.attachment is None
    assert PROVINCE not in {r.chat_id for r in sent}  # the coordination group is not a satker
    [entry] = audit(world, "instruksi")
    assert (entry.entity_id, entry.actor_id) == ("INS-2026-0001", world.ids[ADMIN])

    # A second instruction gets the next number, and an attachment goes to every chat.
    document = Attachment("instruksi/surat.pdf", "application/pdf", "surat.pdf")
    second = world.zi.instruksi_send(private(ADMIN), "Surat edaran terlampir", document)
    assert second.number == "INS-2026-0002"
    new = rows(world, "instruksi")[len(sent) :]
    files = [r for r in new if r.attachment]
    assert len(new) == 8 and len(files) == 4
    assert {(r.attachment, r.attachment_type) for r in files} == {
        ("instruksi/surat.pdf", "application/pdf")
    }
    assert {r.text for r in files} == {
        texts.INSTRUKSI_ATTACHMENT_CAPTION.format(number="INS-2026-0002")
    }
    assert sorted(r.chat_id for r in files) == sorted(r.chat_id for r in sent)


def test_only_admins_broadcast(world: World) -> None:
    for who in (AGEN, KETUA, SEKRETARIS):
        with pytest.raises(ZibotError) as refused:
            world.zi.instruksi_send(private(who), "Instruksi palsu", None)
        assert str(refused.value) == texts.INSTRUKSI_ADMIN_ONLY
    with pytest.raises(ZibotError):
        world.zi.instruksi_send(private(ADMIN), "   ", None)
    with world.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Instruksi)) == 0
    assert rows(world) == []


def test_confirm_records_once(world: World) -> None:
    broadcast(world)
    with world.sessions() as session:
        item_id = session.scalars(select(Instruksi.id)).one()
    world.at(FRIDAY + timedelta(minutes=5))
    assert world.zi.instruksi_confirm(private(KETUA), item_id) == ("INS-2026-0001", False)
    world.at(FRIDAY + timedelta(minutes=9))
    assert world.zi.instruksi_confirm(private(KETUA), item_id) == ("INS-2026-0001", True)
    with world.sessions() as session:
        [read] = session.scalars(select(InstruksiRead)).all()
        assert (read.user_id, read.confirmed_at) == (
            world.ids[KETUA],
            FRIDAY + timedelta(minutes=5),
        )
    assert len(audit(world, "dibaca")) == 1
    with pytest.raises(NotFound):
        world.zi.instruksi_confirm(private(KETUA), item_id + 100)
    with pytest.raises(NotRegistered):
        world.zi.instruksi_confirm(private(999_999), item_id)


def test_a_concurrent_double_press_records_one_confirmation_on_postgresql(world: World) -> None:
    if not is_postgres(world.sessions):
        pytest.skip("concurrent writers need PostgreSQL")
    broadcast(world)
    with world.sessions() as session:
        item_id = session.scalars(select(Instruksi.id)).one()
    presses = 4
    barrier = threading.Barrier(presses)
    results: list[bool] = []
    errors: list[BaseException] = []

    def press() -> None:
        try:
            with world.sessions.begin() as session:
                member = members.find_member(session, "telegram", SEKRETARIS)
                assert member is not None
                barrier.wait(timeout=10)
                _, already = instruksi.confirm(
                    session, member=member, instruksi_id=item_id, now=FRIDAY, channel="telegram"
                )
            results.append(already)
        except BaseException as exc:  # collected and reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=press) for _ in range(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(results) == [False] + [True] * (presses - 1)
    with world.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InstruksiRead)) == 1
    assert len(audit(world, "dibaca")) == 1


def test_status_per_satker_and_structure(world: World) -> None:
    first = broadcast(world)
    second = broadcast(world, "Instruksi kedua")
    with world.sessions() as session:
        ids = {seq: id_ for seq, id_ in session.execute(select(Instruksi.seq, Instruksi.id))}
    world.at(FRIDAY + timedelta(hours=1))
    world.zi.instruksi_confirm(private(SEKRETARIS), ids[1])
    world.zi.instruksi_confirm(private(AGEN), ids[1])  # pressed in the group: not a pimpinan
    world.zi.instruksi_confirm(private(KETUA), ids[2])

    status = world.zi.instruksi_status(private(ADMIN), first)
    assert (status.number, status.other_confirmations) == (first, 1)
    by_code = {s.satker_code: s for s in status.satkers}
    assert len(by_code) == 10 and status.satkers[0].satker_code == "51"
    assert {(p.name, p.structure, p.confirmed_at) for p in by_code["5103"].people} == {
        ("Ketua Badung", "komisioner", None),
        ("Sekretaris Badung", "sekretariat", FRIDAY + timedelta(hours=1)),
    }
    assert [(p.name, p.confirmed_at) for p in by_code["5101"].people] == [
        ("Sekretaris Jembrana", None)
    ]
    assert by_code["5102"].people == []

    # The latest by default, by plain number, by full number.
    assert world.zi.instruksi_status(private(ADMIN), "").number == second
    assert world.zi.instruksi_status(private(ADMIN), "2").number == second
    latest = world.zi.instruksi_status(private(ADMIN), " ins-2026-0002 ")
    [badung] = [s for s in latest.satkers if s.satker_code == "5103"]
    assert [p.name for p in badung.people if p.confirmed_at] == ["Ketua Badung"]
    for bad, error in (("7", NotFound), ("INS-x", ZibotError)):
        with pytest.raises(error):
            world.zi.instruksi_status(private(ADMIN), bad)
    with pytest.raises(Forbidden):
        world.zi.instruksi_status(private(KETUA), "")


def test_status_without_any_instruction(world: World) -> None:
    with pytest.raises(NotFound) as none:
        world.zi.instruksi_status(private(ADMIN), "")
    assert str(none.value) == texts.INSTRUKSI_NONE


def test_reminders_after_one_working_day_to_non_confirmers_only_once(world: World) -> None:
    number = broadcast(world)  # Friday 09:00
    with world.sessions() as session:
        item_id = session.scalars(select(Instruksi.id)).one()
    world.zi.instruksi_confirm(private(KETUA), item_id)
    broadcasted = len(rows(world))

    for moment in (wita("2026-11-27", 17), wita("2026-11-28"), wita("2026-11-29")):
        assert remind(world, moment) == 0, moment
    assert remind(world, wita("2026-11-30", 8, 5)) == 2  # Monday: one working day later
    assert remind(world, wita("2026-11-30", 9)) == 0
    assert remind(world, wita("2026-12-01", 8, 5)) == 0

    reminders = rows(world)[broadcasted:]
    assert sorted(r.chat_id for r in reminders) == sorted(
        [str(SEKRETARIS), str(SEKRETARIS_JEMBRANA)]
    )
    for row in reminders:
        assert row.kind == "instruksi"
        assert row.text == texts.INSTRUKSI_REMINDER.format(
            number=number, text="Lengkapi bukti dukung &lt;MP&gt; &amp; TL"
        )
        assert buttons(row) == [[[texts.INSTRUKSI_BUTTON_READ, f"ib:{item_id}"]]]
    with world.sessions() as session:
        assert session.scalars(select(Instruksi.reminded_at)).one() == wita("2026-11-30", 8, 5)


def test_the_planner_sends_instruksi_reminders_only_at_reminder_time(world: World) -> None:
    planner = kendala_planner(WITA, ReminderPolicy(), sla_days=SLA, escalation_chat=None)
    broadcast(world)
    before = len(rows(world))

    def plan(moment: datetime) -> int:
        with world.sessions.begin() as session:
            return planner(session, moment)

    assert plan(wita("2026-11-30", 7, 59)) == 0
    assert plan(wita("2026-11-30", 8, 0)) == 3  # the three pimpinan
    assert plan(wita("2026-11-30", 8, 1)) == 0
    assert len(rows(world)) == before + 3


def test_instruksi_rows_are_filed_under_the_local_day(world: World) -> None:
    world.at(wita("2026-11-30", 7, 30))  # Monday 07:30 WITA = Sunday 23:30 UTC
    broadcast(world)
    assert {r.day for r in rows(world, "instruksi")} == {date(2026, 11, 30)}


# --- files are published only with the transaction that records them -------------------------


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_bukti_file_appears_only_when_its_record_is_committed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = private(AGEN)
    slot = world.zi.evidence_slot(caller, "MP-01")

    def broken_audit(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away after the file was written")

    monkeypatch.setattr(evidence_module.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        world.zi.store_evidence(caller, slot, b"%PDF-1.4 x", "notulen.pdf", "application/pdf")
    with world.sessions() as session:
        assert session.scalars(select(BuktiDukung)).all() == []
    assert files_under(world.zi.evidence_dir) == []

    monkeypatch.undo()
    stored = world.zi.store_evidence(caller, slot, b"%PDF-1.4 x", "notulen.pdf", "application/pdf")
    assert files_under(world.zi.evidence_dir) == [stored.relative_path]
    assert (world.zi.evidence_dir / stored.relative_path).read_bytes() == b"%PDF-1.4 x"


def test_a_staged_attachment_is_removed_when_the_ticket_fails_or_the_draft_is_dropped(
    world: World,
) -> None:
    evidence_dir = world.zi.evidence_dir
    first = world.zi.save_attachment("kendala", b"\xff\xd8photo", "foto.jpg", "image/jpeg")
    assert files_under(evidence_dir) == [f"kendala/.{Path(first.path).name}.part"]
    with pytest.raises(ZibotError):  # not a category: the ticket is refused, nothing kept
        submit(world, category="bukan", attachment=first)
    assert files_under(evidence_dir) == []

    dropped = world.zi.save_attachment("kendala", b"\xff\xd8photo", "foto.jpg", "image/jpeg")
    world.zi.discard_attachment(dropped)
    assert files_under(evidence_dir) == []

    kept = world.zi.save_attachment("kendala", b"\xff\xd8photo", "foto.jpg", "image/jpeg")
    submit(world, attachment=kept)
    assert files_under(evidence_dir) == [kept.path] == ["kendala/foto.jpg"]


def test_conversations_are_kept_per_person_and_chat_until_they_expire(world: World) -> None:
    from models import Conversation
    from services import conversations

    where = {"channel": "telegram", "chat_id": BADUNG_GROUP}
    hour = timedelta(hours=1)
    with world.sessions.begin() as session:
        conversations.start(
            session, **where, user_id="1", kind="kendala", step="area", data={"a": 1},
            now=FRIDAY, ttl=hour,
        )  # fmt: skip
        conversations.start(
            session, **where, user_id="2", kind="bukti", step="file", data={"target": 7},
            now=FRIDAY, ttl=2 * hour,
        )  # fmt: skip
    with world.sessions.begin() as session:
        moved = conversations.advance(
            session, **where, user_id="1", step="text", data={"b": "é"}, now=FRIDAY, ttl=hour
        )
        assert moved is not None and (moved.step, moved.data) == ("text", {"a": 1, "b": "é"})
        assert conversations.get(session, **where, user_id="1", now=FRIDAY, kind="bukti") is None
        found = conversations.find(session, **where, kind="bukti", now=FRIDAY, target=7)
        assert found is not None and found.user_id == "2"
    later = FRIDAY + hour
    with world.sessions.begin() as session:
        assert conversations.get(session, **where, user_id="1", now=later) is None  # expired
        assert conversations.advance(
            session, **where, user_id="1", step="x", data={}, now=later, ttl=hour
        ) is None  # fmt: skip
        assert [s.user_id for s in conversations.expire(session, later)] == ["1"]
        finished = conversations.finish(session, **where, user_id="2")
        assert finished is not None and finished.kind == "bukti"
    with world.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
