"""Expired conversations are deleted by the engine's sweep (a day after they expire, a bounded
batch at a time, oldest first), with the files their /kendala drafts had staged; a step that
expired but is not deleted yet still tells a late answer that it came too late."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Conversation
from scheduler.engine import ReminderEngine
from scheduler.outbox import Dispatcher
from services.reminders import ReminderPolicy
from services.usecases.drafts import EXPIRED_KEPT
from services.zi import Caller, Zibot

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def private(user: str) -> Caller:
    return Caller(channel="telegram", chat_id=user, is_private=True, user_id=user)


def count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Conversation)) or 0


def test_the_sweep_deletes_expired_steps_and_their_staged_files(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = Clock()
    zi = Zibot(sessions, clock, WITA, tmp_path / "bukti")
    staged = zi.save_attachment("kendala", PNG, "foto.png", "image/png")
    part = tmp_path / "bukti" / Path(staged.path).parent / f".{Path(staged.path).name}.part"
    assert part.exists()
    zi.draft_save(private("1"), "confirm", {"attachment": asdict(staged)})
    clock.now += timedelta(minutes=10)
    zi.draft_save(private("2"), "text", {})
    zi.draft_save(private("3"), "text", {})
    engine = ReminderEngine(sessions, Dispatcher(sessions, {}, clock), clock, WITA,
                            ReminderPolicy())  # fmt: skip
    engine.add_housekeeping(zi.expire_conversations)

    # Expired (30 minutes) but kept for a day: nothing is deleted yet.
    clock.now = NOW + timedelta(hours=2)
    asyncio.run(engine.sweep())
    assert count(sessions) == 3 and part.exists()

    # A day later a bounded batch goes, the oldest first, with the draft's staged file.
    clock.now = NOW + timedelta(minutes=40) + EXPIRED_KEPT
    assert zi.expire_conversations(limit=2) == 2
    assert not part.exists()
    with sessions() as session:
        assert session.scalars(select(Conversation.user_id)).all() == ["3"]
    asyncio.run(engine.sweep())
    assert count(sessions) == 0


def test_a_failing_clean_up_does_not_stop_the_sweep(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = Clock()
    engine = ReminderEngine(sessions, Dispatcher(sessions, {}, clock), clock, WITA,
                            ReminderPolicy())  # fmt: skip
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("boom")

    engine.add_housekeeping(broken)
    engine.add_housekeeping(lambda: ran.append("next"))
    asyncio.run(engine.sweep())
    assert ran == ["next"]
