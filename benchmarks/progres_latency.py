"""/progres latency: from an update entering ``process_update`` to the reply request leaving.

Runs the real application (handlers, rate limiter, use cases, database) with a request object
that never touches the network and timestamps the first ``sendMessage``. Data: the national
deployment of ``national.py`` (553 satkers x 120 items).

    python benchmarks/progres_latency.py
    python benchmarks/progres_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1/test

Target on the 2-core machine: median < 30 ms, 95th percentile < 80 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from national import reset_postgres, run_zibot, write_plan, write_satkers
from telegram import Update
from telegram.request import BaseRequest, RequestData

BOT = {"id": 1, "is_bot": True, "first_name": "zibot", "username": "zibot_bench_bot"}
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


class TimingRequest(BaseRequest):
    """Answers the Bot API in-process and notes when the first reply leaves."""

    def __init__(self) -> None:
        self.first_send: float | None = None
        self.message_id = 0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float:
        """Unused: nothing waits on a socket."""
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Answer getMe and sendMessage; everything else is ``true``."""
        name = url.rsplit("/", 1)[-1]
        result: Any = True
        if name == "getMe":
            result = BOT
        elif name == "sendMessage":
            if self.first_send is None:
                self.first_send = time.perf_counter()
            params = request_data.parameters if request_data else {}
            self.message_id += 1
            result = {
                "message_id": self.message_id,
                "date": int(NOW.timestamp()),
                "chat": {"id": int(params["chat_id"]), "type": "group", "title": "g"},
                "from": BOT,
                "text": "ok",
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()


def command_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A group message carrying a command, as Telegram sends it."""
    command = text.split()[0]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(NOW.timestamp()),
            "chat": {"id": chat_id, "type": "group", "title": "ZI"},
            "from": {"id": 42, "is_bot": False, "first_name": "Ana"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }


def link_groups(database_url: str, count: int) -> tuple[list[int], list[int]]:
    """Link ``count`` province groups and ``count`` groups of one kab/kota satker."""
    from sqlalchemy import select

    from models import ChatLink, Satker, make_engine, make_session_factory

    engine = make_engine(database_url)
    province, satker = [-1000 - i for i in range(count)], [-5000 - i for i in range(count)]
    with make_session_factory(engine).begin() as session:
        kabkota = session.scalars(select(Satker).where(Satker.level == "kabkota")).first()
        assert kabkota is not None
        for chat in province:
            session.add(ChatLink(channel="telegram", chat_id=str(chat), is_province=True,
                                 satker_id=None, linked_at=NOW))  # fmt: skip
        for chat in satker:
            session.add(ChatLink(channel="telegram", chat_id=str(chat), is_province=False,
                                 satker_id=kabkota.id, linked_at=NOW))  # fmt: skip
    engine.dispose()
    return province, satker


async def measure(
    database_url: str, chats: list[int], evidence: Path, *, cold: bool = False
) -> list[float]:
    """Latency of /progres@bot in each chat (each chat once: the group flood limit is 20/min).

    ``cold``: the progress data changes before every request (as after a /lapor), so the
    ranking is recomputed from the database each time.
    """
    from bot.app import build_application
    from bot.runtime import Runtime
    from bot.settings import Settings
    from services.progress import bump_version

    settings = Settings.from_mapping(
        {
            "ZIBOT_DATABASE_URL": database_url,
            "ZIBOT_TELEGRAM_TOKEN": "1:BENCH",
            "ZIBOT_EVIDENCE_DIR": str(evidence),
        }
    )
    runtime = Runtime.create(settings, clock=lambda: NOW)
    request = TimingRequest()
    application = build_application(runtime, request=request)
    timings = []
    async with application:
        for number, chat in enumerate(chats, start=1):
            update = Update.de_json(
                command_update(number, chat, "/progres@zibot_bench_bot"), application.bot
            )
            if cold:
                with runtime.sessions.begin() as session:
                    bump_version(session)
            request.first_send = None
            start = time.perf_counter()
            await application.process_update(update)
            assert request.first_send is not None, "no reply was sent"
            timings.append(request.first_send - start)
            # Let the flood limiter (30 messages/s overall) refill: a long ranking is sent as
            # several messages, and the next update must not queue behind them.
            await asyncio.sleep(0.5)
    runtime.engine.dispose()
    return timings[3:]  # the first runs warm caches and connections


def report(label: str, timings: list[float]) -> None:
    """Print median and 95th percentile in milliseconds."""
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(
        f"{label}: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms over {len(ordered)} runs (target < 30 / < 80 ms)"
    )


def main() -> None:
    """Build the national data set, then time /progres in both kinds of group."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="a scratch database (PostgreSQL is emptied!)")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = args.database_url or f"sqlite:///{work / 'national.db'}"
        if url.startswith("postgresql"):
            reset_postgres(url)
        write_satkers(work / "satker.csv")
        write_plan(work / "plan.csv", 2026)
        env = {**os.environ, "ZIBOT_DATABASE_URL": url}
        run_zibot(["init", "--seed", str(work / "satker.csv")], env, work)
        run_zibot(["import", str(work / "plan.csv"), "--year", "2026"], env, work)
        province, satker = link_groups(url, args.runs + 3)
        print(f"backend: {url.split(':', 1)[0]}")
        report("/progres, province group (553 satkers ranked)", asyncio.run(
            measure(url, province, work / "bukti")))  # fmt: skip
        report("/progres, province group, data changed before each", asyncio.run(
            measure(url, province, work / "bukti", cold=True)))  # fmt: skip
        report("/progres, satker group", asyncio.run(measure(url, satker, work / "bukti")))


if __name__ == "__main__":
    main()
