"""Group lifecycle against real databases (SQLite, and PostgreSQL when configured): a group
that became a supergroup (``members.move_chat``, from a service message or a refused send) and
the bot removed from a group (``members.bot_removed``), then linked again (``/hubungkan``).

Data: the sample plan (2026), KPU Kabupaten Badung (5103) with a linked group and one PIC
registered privately, the province coordination group and an admin. The clock is Monday 30
November 2026, 08:05 WITA (00:05 UTC): reminders go out.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from channel import TELEGRAM, as_telegram
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models import (
    AuditLog,
    ChatLink,
    Kendala,
    Outbox,
    Reminder,
    Snooze,
    Target,
    Unreachable,
    User,
    make_engine,
    upgrade_schema,
)
from scheduler.outbox import Dispatcher
from services import catalog, instruksi, kendala, members, texts
from services.importer import import_plan
from services.notify import Buttons, Moved, Removed, Sent
from services.reminders import ReminderPolicy, SweepResult, forget_stages, sweep_plan
from services.zi import Caller, Zibot

if TYPE_CHECKING:
    from conftest import Databases

WITA = ZoneInfo("Asia/Makassar")
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)  # 08:05 WITA
TUESDAY = MONDAY + timedelta(days=1)
BADUNG = "5103"
GROUP = "-5103"  # the Badung group (a basic group: it can become a supergroup)
SUPER = "-1009995103"  # the supergroup it became
PROVINCE = "-100510"
AGEN, ADMIN = 510301, 510001


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[str]:
    """One database per module and backend, emptied before each test."""
    with databases.scratch(request.param, tmp_path_factory.mktemp("db"), "groups") as url:
        yield url


@pytest.fixture(scope="module")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine, databases: Databases) -> Engine:
    return databases.empty(migrated_engine)


@pytest.fixture
def zi(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The sample plan, Badung's group and PIC, the province group and an admin."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        badung = catalog.find_satker(session, BADUNG)
        province = catalog.find_satker(session, "51")
        session.add_all(
            [
                ChatLink(
                    channel="telegram",
                    chat_id=GROUP,
                    satker_id=badung.id,
                    title="ZI Badung",
                    linked_at=IMPORTED,
                ),
                ChatLink(
                    channel="telegram",
                    chat_id=PROVINCE,
                    is_province=True,
                    title="ZI Provinsi",
                    linked_at=IMPORTED,
                ),
                User(
                    name="Ana", role="agen", satker_id=badung.id, telegram_id=AGEN,
                    created_at=IMPORTED,
                ),
                User(
                    name="Dewi", role="admin", satker_id=province.id, telegram_id=ADMIN,
                    created_at=IMPORTED,
                ),
            ]
        )  # fmt: skip
    return sessions


def sweep(sessions: sessionmaker[Session], now: datetime) -> SweepResult:
    with sessions.begin() as session:
        return sweep_plan(session, now=now, tz=WITA, policy=ReminderPolicy())


def move(sessions: sessionmaker[Session], old: str = GROUP, new: str = SUPER) -> bool:
    with sessions.begin() as session:
        return members.move_chat(
            session, channel="telegram", old_chat_id=old, new_chat_id=new, now=MONDAY
        )


def remove(
    sessions: sessionmaker[Session], chat: str = GROUP, now: datetime = MONDAY
) -> members.BotRemoval | None:
    with sessions.begin() as session:
        return members.bot_removed(
            session,
            channel="telegram",
            chat_id=chat,
            status="kicked",
            now=now,
            today=now.astimezone(WITA).date(),
        )


def chats_of(sessions: sessionmaker[Session], model: type, **where: object) -> dict[str, int]:
    """How many rows of ``model`` each chat has."""
    with sessions() as session:
        query = select(model.chat_id, func.count()).group_by(model.chat_id)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return {chat: int(n) for chat, n in session.execute(query)}


def link_of(sessions: sessionmaker[Session], chat: str) -> ChatLink | None:
    with sessions() as session:
        link = session.scalar(select(ChatLink).where(ChatLink.chat_id == chat))
        if link is not None:
            session.expunge(link)
        return link


def target_ids(sessions: sessionmaker[Session], count: int) -> list[int]:
    with sessions() as session:
        badung = catalog.find_satker(session, BADUNG)
        return list(
            session.scalars(
                select(Target.id).where(Target.satker_id == badung.id).order_by(Target.id)
            )
        )[:count]


def add_snoozes(
    sessions: sessionmaker[Session], chat: str, targets: list[int], until: date
) -> None:
    with sessions.begin() as session:
        session.add_all(
            Snooze(target_id=t, channel="telegram", chat_id=chat, until=until, created_at=MONDAY)
            for t in targets
        )


def zibot(sessions: sessionmaker[Session], now: datetime, tmp_path: Path) -> Zibot:
    return Zibot(sessions, lambda: now, WITA, tmp_path)


def in_group(user: int, chat: str) -> Caller:
    return Caller("telegram", chat, False, str(user), "someone")


# ---------------------------------------------------------------------- the move


def test_a_migration_moves_link_messages_snoozes_reminders_and_marks(
    zi: sessionmaker[Session],
) -> None:
    assert sweep(zi, MONDAY).messages > 0
    pending = chats_of(zi, Outbox, status="pending")
    reminders = chats_of(zi, Reminder)
    assert pending[GROUP] > 0 and reminders[GROUP] > 0
    targets = target_ids(zi, 3)
    add_snoozes(zi, GROUP, targets, date(2026, 12, 1))
    with zi.begin() as session:
        session.add(Unreachable(channel="telegram", chat_id=GROUP, reason="x", since=MONDAY))

    assert move(zi) is True

    link = link_of(zi, SUPER)
    assert link is not None and link.title == "ZI Badung" and link_of(zi, GROUP) is None
    assert chats_of(zi, Outbox, status="pending") == {
        SUPER: pending[GROUP],
        **{c: n for c, n in pending.items() if c != GROUP},
    }
    assert chats_of(zi, Reminder)[SUPER] == reminders[GROUP] and GROUP not in chats_of(zi, Reminder)
    assert chats_of(zi, Snooze) == {SUPER: 3}
    assert chats_of(zi, Unreachable) == {SUPER: 1}
    with zi() as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "pindah_grup")).all()
    assert [(a.entity_id, a.actor_label) for a in audit] == [(SUPER, "telegram:migrasi")]

    # The other service message (or the other replica) moves nothing more.
    before = (chats_of(zi, Outbox), chats_of(zi, Reminder), chats_of(zi, Snooze))
    assert move(zi) is False
    assert (chats_of(zi, Outbox), chats_of(zi, Reminder), chats_of(zi, Snooze)) == before


def test_moved_reminders_still_dedupe_a_snooze_that_ended(zi: sessionmaker[Session]) -> None:
    """ "Ingatkan besok" pressed in the old group: the reminder it brings back is recorded once,
    whichever id the group has when the sweep runs again."""
    (target,) = target_ids(zi, 1)
    add_snoozes(zi, GROUP, [target], MONDAY.astimezone(WITA).date())  # ends today
    sweep(zi, MONDAY)
    again = f"ulang:{MONDAY.astimezone(WITA).date()}"
    assert chats_of(zi, Reminder, stage=again) == {GROUP: 1}
    move(zi)
    with zi.begin() as session:
        forget_stages(session)
    sweep(zi, MONDAY + timedelta(hours=1))
    assert chats_of(zi, Reminder, stage=again) == {SUPER: 1}


def test_a_supergroup_linked_already_keeps_its_link_and_rows(
    zi: sessionmaker[Session],
) -> None:
    """Someone ran /hubungkan in the supergroup before the service message was handled: that
    link wins, rows both chats have are not doubled, and nothing violates a unique key."""
    sweep(zi, MONDAY)
    with zi.begin() as session:
        badung = catalog.find_satker(session, BADUNG)
        session.add(
            ChatLink(
                channel="telegram",
                chat_id=SUPER,
                satker_id=badung.id,
                title="ZI Badung (baru)",
                linked_at=MONDAY,
            )
        )
        # The supergroup already has a copy of every reminder of the old group, and a mark.
        copies = [
            Reminder(
                target_id=r.target_id,
                stage=r.stage,
                channel="telegram",
                chat_id=SUPER,
                outbox_id=r.outbox_id,
                day=r.day,
            )
            for r in session.scalars(select(Reminder).where(Reminder.chat_id == GROUP))
        ]
        session.add_all(copies)
        session.add(Unreachable(channel="telegram", chat_id=GROUP, reason="x", since=MONDAY))
        session.add(Unreachable(channel="telegram", chat_id=SUPER, reason="y", since=MONDAY))
    targets = target_ids(zi, 3)
    add_snoozes(zi, GROUP, targets, date(2026, 12, 1))
    add_snoozes(zi, SUPER, targets[:2], date(2026, 12, 1))
    add_snoozes(zi, SUPER, targets[:1], date(2026, 12, 2))

    assert move(zi) is True

    link = link_of(zi, SUPER)
    assert link is not None and link.title == "ZI Badung (baru)" and link_of(zi, GROUP) is None
    assert chats_of(zi, Reminder)[SUPER] == len(copies) and GROUP not in chats_of(zi, Reminder)
    assert chats_of(zi, Snooze) == {SUPER: 4}  # 3 on 1 Dec (one moved), 1 on 2 Dec
    assert chats_of(zi, Unreachable) == {SUPER: 1}
    assert move(zi) is False


def test_a_send_refused_with_chat_migrated_moves_the_same_things(
    zi: sessionmaker[Session],
) -> None:
    sweep(zi, MONDAY)
    add_snoozes(zi, GROUP, target_ids(zi, 2), date(2026, 12, 1))
    reminders = chats_of(zi, Reminder)[GROUP]

    class Notifier:
        channel = "telegram"
        presenter = TELEGRAM

        def __init__(self) -> None:
            self.sent: list[str] = []

        async def send(self, chat_id: str, text: str, buttons: Buttons, attachment: object) -> Sent:
            if chat_id == GROUP:
                raise Moved("Group migrated to supergroup", SUPER)
            self.sent.append(chat_id)
            return Sent(len(self.sent))

    notifier = Notifier()
    dispatcher = Dispatcher(zi, {"telegram": notifier}, lambda: MONDAY, workers=1)  # type: ignore[dict-item]
    stats = asyncio.run(dispatcher.drain())
    assert stats.failed == 0 and stats.unreachable == 0
    assert GROUP not in notifier.sent and SUPER in notifier.sent
    assert link_of(zi, SUPER) is not None
    assert chats_of(zi, Reminder)[SUPER] == reminders and chats_of(zi, Snooze) == {SUPER: 2}
    assert chats_of(zi, Outbox, status="pending") == {}


def test_two_replicas_moving_at_once_do_not_collide(zi: sessionmaker[Session]) -> None:
    """Both service messages handled at the same moment by two processes (on SQLite: two
    threads of one): one moves, the other finds nothing left; no error, nothing doubled."""
    sweep(zi, MONDAY)
    add_snoozes(zi, GROUP, target_ids(zi, 3), date(2026, 12, 1))
    reminders = chats_of(zi, Reminder)[GROUP]
    results: list[bool] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def replica() -> None:
        try:
            start.wait()
            results.append(move(zi))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(results) == [False, True]
    assert chats_of(zi, Reminder) == {
        SUPER: reminders,
        str(AGEN): chats_of(zi, Reminder)[str(AGEN)],
    }
    assert chats_of(zi, Snooze) == {SUPER: 3}


# ---------------------------------------------------------------------- the bot removed


def test_removed_from_a_satker_group(zi: sessionmaker[Session], tmp_path: Path) -> None:
    sweep(zi, MONDAY)
    waiting = chats_of(zi, Outbox, status="pending")[GROUP]

    removal = remove(zi)

    assert removal is not None and removal.notified == 1
    assert removal.scope.satker is not None and removal.scope.satker.code == BADUNG
    link = link_of(zi, GROUP)
    assert link is not None and link.active is False and link.left_at == MONDAY
    assert chats_of(zi, Outbox, status="undeliverable") == {GROUP: waiting}
    assert GROUP in chats_of(zi, Unreachable)
    with zi() as session:
        notice = as_telegram(session.scalars(select(Outbox).where(Outbox.kind == "grup")).one())
    assert notice.chat_id == PROVINCE and notice.status == "pending"
    assert "KPU Kabupaten Badung" in notice.text and "ZI Badung" in notice.text
    assert "/hubungkan 5103" in notice.text

    # The same update again (or on another replica): nothing more.
    assert remove(zi) is None
    assert chats_of(zi, Outbox, kind="grup") == {PROVINCE: 1}

    # Nothing targets the group any more: reminders, instructions, kendala answers.
    sweep(zi, TUESDAY)
    assert GROUP not in chats_of(zi, Outbox, day=TUESDAY.astimezone(WITA).date())
    assert str(AGEN) in chats_of(zi, Outbox, day=TUESDAY.astimezone(WITA).date())
    with zi.begin() as session:
        admin = members.find_member(session, "telegram", ADMIN)
        assert admin is not None
        instruksi.broadcast(
            session,
            admin=admin,
            text="Segera",
            attachment=None,
            now=TUESDAY,
            tz=WITA,
            channel="telegram",
        )
        assert GROUP not in kendala._satker_chats(session, admin.satker.id)
        badung = catalog.find_satker(session, BADUNG)
        assert kendala._satker_chats(session, badung.id) == []
    assert GROUP not in chats_of(zi, Outbox, kind="instruksi")

    # In the group (the bot added back, not linked yet) commands say to link it again.
    bot = zibot(zi, TUESDAY, tmp_path)
    with pytest.raises(Exception) as refused:
        bot.progress(in_group(AGEN, GROUP))
    assert str(refused.value) == texts.GROUP_LINK_INACTIVE.format(
        name="KPU Kabupaten Badung", argument=BADUNG
    )
    assert bot.scope(in_group(AGEN, GROUP)) is None

    # /hubungkan by the satker's agen restores it, and reminders resume.
    scope = bot.link(in_group(AGEN, GROUP), BADUNG, "ZI Badung")
    assert scope.active
    link = link_of(zi, GROUP)
    assert link is not None and link.active is True and link.left_at is None
    assert GROUP not in chats_of(zi, Unreachable)
    assert bot.progress(in_group(AGEN, GROUP)) is not None
    sweep(zi, TUESDAY + timedelta(days=1))
    assert GROUP in chats_of(zi, Outbox, day=(TUESDAY + timedelta(days=1)).astimezone(WITA).date())


def test_another_satkers_agen_cannot_take_over_an_inactive_group(
    zi: sessionmaker[Session], tmp_path: Path
) -> None:
    with zi.begin() as session:
        denpasar = catalog.find_satker(session, "5171")
        session.add(
            User(name="Made", role="agen", satker_id=denpasar.id, telegram_id=517101,
                 created_at=IMPORTED)
        )  # fmt: skip
    remove(zi)
    bot = zibot(zi, TUESDAY, tmp_path)
    with pytest.raises(Exception, match="Hanya admin"):
        bot.link(in_group(517101, GROUP), "5171", "ZI Badung")
    link = link_of(zi, GROUP)
    assert link is not None and link.active is False


def test_removed_from_the_province_group(zi: sessionmaker[Session], tmp_path: Path) -> None:
    removal = remove(zi, PROVINCE)
    assert removal is not None and removal.notified == 0 and removal.scope.is_province
    assert chats_of(zi, Outbox) == {}
    link = link_of(zi, PROVINCE)
    assert link is not None and not link.active

    # Kendala tickets wait for the province group; the weekly recap skips it.
    bot = zibot(zi, MONDAY, tmp_path)
    number, province_linked = bot.kendala_submit(
        Caller("telegram", str(AGEN), True, str(AGEN), "Ana"),
        target_id=None,
        category="lainnya",
        description="Server lambat",
        attachment=None,
    )
    assert province_linked is False
    with zi.begin() as session:
        assert kendala.post_pending(session, MONDAY, WITA) == 0
        assert session.scalars(select(Kendala.posted_at)).one() is None
    sweep(zi, MONDAY)
    assert PROVINCE not in chats_of(zi, Outbox)

    # A satker group lost meanwhile: nobody to tell, nothing recorded.
    removal = remove(zi, GROUP)
    assert removal is not None and removal.notified == 0

    # /hubungkan provinsi by an admin restores it; the waiting ticket goes out.
    bot.link(in_group(ADMIN, PROVINCE), "provinsi", "ZI Provinsi")
    link = link_of(zi, PROVINCE)
    assert link is not None and link.active
    with zi.begin() as session:
        assert kendala.post_pending(session, MONDAY, WITA) == 1
    assert number.startswith("KDL-")


def test_the_old_group_closing_just_before_its_migration_is_not_a_removal(
    zi: sessionmaker[Session],
) -> None:
    """If Telegram reports the bot "left" the old group as part of the upgrade, the link comes
    back active with the move and the notice to the province is withdrawn if still pending."""
    sweep(zi, MONDAY - timedelta(minutes=2))
    waiting = chats_of(zi, Outbox, status="pending")[GROUP]
    assert remove(zi, now=MONDAY - timedelta(minutes=1)) is not None
    assert chats_of(zi, Outbox, status="undeliverable") == {GROUP: waiting}
    assert move(zi) is True
    assert chats_of(zi, Outbox, status="pending").get(SUPER) == waiting
    link = link_of(zi, SUPER)
    assert link is not None and link.active and link.left_at is None
    assert chats_of(zi, Unreachable) == {}
    with zi() as session:
        notice = as_telegram(session.scalars(select(Outbox).where(Outbox.kind == "grup")).one())
    assert notice.status == "expired"


def test_a_removal_long_before_a_migration_stays_a_removal(zi: sessionmaker[Session]) -> None:
    remove(zi, now=MONDAY - timedelta(days=2))
    move(zi)
    link = link_of(zi, SUPER)
    assert link is not None and not link.active


def test_a_send_refused_because_the_bot_was_removed_counts_as_a_removal(
    zi: sessionmaker[Session],
) -> None:
    """The my_chat_member update was missed (the bot was down for more than a day): the first
    refused send deactivates the link and the province group is told in the same drain."""
    sweep(zi, MONDAY)

    class Notifier:
        channel = "telegram"
        presenter = TELEGRAM

        def __init__(self) -> None:
            self.sent: list[tuple[str, str]] = []
            self.refused = 0

        async def send(self, chat_id: str, text: str, buttons: Buttons, attachment: object) -> Sent:
            if chat_id == GROUP:
                self.refused += 1
                raise Removed("Forbidden: bot was kicked from the group chat")
            self.sent.append((chat_id, text))
            return Sent(len(self.sent))

    notifier = Notifier()
    dispatcher = Dispatcher(zi, {"telegram": notifier}, lambda: MONDAY, workers=1)  # type: ignore[dict-item]
    stats = asyncio.run(dispatcher.drain())
    assert stats.unreachable == 1 and notifier.refused == 1
    link = link_of(zi, GROUP)
    assert link is not None and link.active is False
    assert [t for c, t in notifier.sent if c == PROVINCE and "ZI Badung" in t]
    assert chats_of(zi, Outbox, status="pending") == {}
    assert GROUP in chats_of(zi, Outbox, status="undeliverable")


def test_two_processes_learning_the_removal_at_once_tell_the_province_once(
    zi: sessionmaker[Session], database_url: str
) -> None:
    """The my_chat_member update on one replica, a refused send on another, at the same
    moment: one notice. (On SQLite the two threads' writes simply take turns.)"""
    results: list[members.BotRemoval | None] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def replica(seconds: int) -> None:
        try:
            start.wait()
            results.append(remove(zi, now=MONDAY + timedelta(seconds=seconds)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    assert chats_of(zi, Outbox, kind="grup") == {PROVINCE: 1}
