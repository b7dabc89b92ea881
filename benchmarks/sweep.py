"""Reminder engine at scale: sweep time on the national data set (and 10x), backlog drain rate.

    python benchmarks/sweep.py                      # SQLite, 1x and 10x
    python benchmarks/sweep.py --database-url postgresql+psycopg://postgres@127.0.0.1/test
    python benchmarks/sweep.py --drain 10000        # also drain 10,000 digests via the stand-in

Targets: one sweep < 500 ms at national scale (66,000 targets), cost growing with the number of
reminders due rather than the number of targets; a backlog drains at close to 30 messages/s
without a single 429.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))

import national
from national import reset_postgres, run_zibot, write_plan

TZ = ZoneInfo("Asia/Makassar")
MONDAY = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)  # 08:05 WITA
TUESDAY = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)


def link_every_satker(url: str) -> int:
    """One linked group per satker: every satker has somewhere to send its digest."""
    from sqlalchemy import insert, select

    from models import ChatLink, Satker, make_engine, make_session_factory

    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        ids = list(session.scalars(select(Satker.id)))
        session.execute(
            insert(ChatLink),
            [
                {"channel": "telegram", "chat_id": str(-10_000 - i), "satker_id": sid,
                 "is_province": False, "linked_at": MONDAY}
                for i, sid in enumerate(ids)
            ],
        )  # fmt: skip
    engine.dispose()
    return len(ids)


def time_sweep(url: str, now: datetime) -> tuple[float, int, int]:
    """(seconds, messages recorded, reminders recorded) of one planning pass."""
    from models import make_engine, make_session_factory
    from services.reminders import ReminderPolicy, sweep_plan

    engine = make_engine(url)
    sessions = make_session_factory(engine)
    start = time.perf_counter()
    with sessions.begin() as session:
        result = sweep_plan(session, now=now, tz=TZ, policy=ReminderPolicy())
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, result.messages, result.reminders


def mark_all_sent(url: str) -> None:
    """Record every pending message as sent (the drain is measured separately)."""
    from sqlalchemy import update

    from models import Outbox, make_engine, make_session_factory

    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        session.execute(
            update(Outbox).where(Outbox.status == "pending").values(status="sent", sent_at=MONDAY)
        )
    engine.dispose()


def build(url: str, work: Path, scale: int) -> int:
    """The national deployment times ``scale`` (more kab/kota), imported with the real CLI."""
    national.KABKOTA = 514 * scale + 38 * (scale - 1)
    satkers = national.write_satkers(work / "satker.csv")
    write_plan(work / "plan.csv", 2026)
    env = {**os.environ, "ZIBOT_DATABASE_URL": url}
    run_zibot(["init", "--seed", str(work / "satker.csv")], env, work)
    run_zibot(["import", str(work / "plan.csv"), "--year", "2026"], env, work)
    return satkers


def sweeps(url: str, work: Path, scale: int) -> None:
    """Time the first sweep of a day (many reminders), a repeat sweep, and the next day's."""
    satkers = build(url, work, scale)
    link_every_satker(url)
    targets = satkers * national.ITEMS
    first = time_sweep(url, MONDAY)
    again = time_sweep(url, MONDAY)
    mark_all_sent(url)  # as the dispatcher would have, before the next day
    tuesday = time_sweep(url, TUESDAY)
    tuesday_again = time_sweep(url, TUESDAY)
    print(f"scale {scale}x: {satkers} satkers, {targets} targets")
    for label, (seconds, messages, reminders) in (
        ("first sweep Monday 08:05", first),
        ("same day again", again),
        ("next working day", tuesday),
        ("next working day again", tuesday_again),
    ):
        print(f"  {label}: {seconds * 1000:.0f} ms, {messages} messages, {reminders} reminders")


def drain(url: str, work: Path, count: int) -> None:
    """Record ``count`` digests to private chats, then drain them through the real bot stack."""
    from botapi import BotApiStandIn
    from sqlalchemy import insert, select
    from telegram.ext import ExtBot

    from bot.app import flood_limiter
    from handlers.telegram.notifier import TelegramNotifier
    from models import Outbox, make_engine, make_session_factory
    from scheduler.outbox import Dispatcher

    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        session.execute(
            insert(Outbox),
            [
                {"key": f"bench:{i}", "kind": "digest", "channel": "telegram",
                 "chat_id": str(100_000 + i), "day": MONDAY.date(), "text": f"Pengingat {i}",
                 "buttons": "", "status": "pending", "attempts": 0,
                 "next_attempt_at": MONDAY, "created_at": MONDAY}
                for i in range(count)
            ],
        )  # fmt: skip
    api = BotApiStandIn()
    api.start()
    stamps: list[float] = []
    original = api._send_message  # timestamp every accepted send

    def stamped(*args: object) -> object:
        stamps.append(time.perf_counter())
        return original(*args)

    api._handlers["sendmessage"] = stamped

    async def run() -> float:
        bot = ExtBot(
            api.token, base_url=api.base_url, base_file_url=api.file_url,
            rate_limiter=flood_limiter(sessions),
        )  # fmt: skip
        async with bot:
            dispatcher = Dispatcher(
                sessions, {"telegram": TelegramNotifier(bot, work)}, lambda: MONDAY
            )
            start = time.perf_counter()
            await dispatcher.drain()
            return time.perf_counter() - start

    elapsed = asyncio.run(run())
    api.stop()
    with sessions() as session:
        sent = len(list(session.scalars(select(Outbox.id).where(Outbox.status == "sent"))))
    engine.dispose()
    window = max((sum(1 for s in stamps if t <= s < t + 1) for t in stamps), default=0)
    rate_429 = sum(1 for _, _, status in api.failures if status == 429)
    print(
        f"drain: {sent}/{count} sent in {elapsed:.1f} s = {sent / elapsed:.1f} msg/s "
        f"(limit 30/s); busiest 1 s window: {window} messages; 429 answers: {rate_429}"
    )


def main() -> None:
    """Run the sweep timings, and the drain when asked."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="a scratch database (PostgreSQL is emptied!)")
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--drain", type=int, default=0, help="digests to drain (e.g. 10000)")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    for scale in (int(s) for s in args.scales.split(",") if s):
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            url = args.database_url or f"sqlite:///{work / 'sweep.db'}"
            if url.startswith("postgresql"):
                reset_postgres(url)
            print(f"backend: {url.split(':', 1)[0]}")
            sweeps(url, work, scale)
    if args.drain:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            url = args.database_url or f"sqlite:///{work / 'drain.db'}"
            if url.startswith("postgresql"):
                reset_postgres(url)
            run_zibot(["init"], {**os.environ, "ZIBOT_DATABASE_URL": url}, work)
            drain(url, work, args.drain)


if __name__ == "__main__":
    main()
