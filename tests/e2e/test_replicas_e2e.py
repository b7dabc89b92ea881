"""Two ``zibot serve`` replicas on one PostgreSQL database, behind one Bot API stand-in.

Telegram's flood limits are per bot token, so they must hold for the replicas together, and an
update Telegram delivers twice (to either replica) must be answered once. Two processes need
PostgreSQL (SQLite runs one bot process); on SQLite the redelivery test restarts the one
replica instead, which an in-memory memory of update ids did not survive either.
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, insert, select

from handlers.telegram.presenter import TELEGRAM
from models import Outbox
from services import texts

from .botapi import Chat, JSONDict
from .conftest import FROZEN_NOW, START_TIMEOUT, Deployment
from .test_webhook_e2e import PUBLIC_URL, SECRET, SECRET_HEADER, free_port, healthy

BACKLOG = 240
ASKING = 120


@dataclass
class Replica:
    """One ``zibot serve`` process and where it listens."""

    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None  # None: the deployment's own process

    def post(self, update: JSONDict) -> httpx.Response:
        with httpx.Client(timeout=10) as client:
            return client.post(
                f"{self.base_url}/telegram", json=update, headers={SECRET_HEADER: SECRET}
            )

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def serve_settings(port: int) -> dict[str, str]:
    return {
        "ZIBOT_LISTEN": f"127.0.0.1:{port}",
        "ZIBOT_WEBHOOK_URL": PUBLIC_URL,
        "ZIBOT_WEBHOOK_SECRET": SECRET,
        "ZIBOT_SWEEP_SECONDS": "1",
        "ZIBOT_LOG_LEVEL": "INFO",
    }


def start_first(deployment: Deployment) -> Replica:
    port = free_port()
    deployment.start("serve", **serve_settings(port))
    replica = Replica(f"http://127.0.0.1:{port}", deployment.log_path)
    deployment.wait_until(lambda: healthy(replica.base_url), "answer /healthz", START_TIMEOUT)
    return replica


def start_second(deployment: Deployment) -> Replica:
    """Another replica of the same deployment (same database, stand-in and token)."""
    port = free_port()
    log_path = deployment.home / f"replica-{port}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [deployment.executable, "serve"],
            cwd=deployment.home,
            env=deployment.environment(**serve_settings(port)),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    replica = Replica(f"http://127.0.0.1:{port}", log_path, process)
    deployment.wait_until(
        lambda: process.poll() is None and healthy(replica.base_url),
        "start a second replica",
        START_TIMEOUT,
    )
    return replica


def stop(replica: Replica) -> None:
    process = replica.process
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


@pytest.fixture(scope="module")
def postgres(deployment: Deployment) -> Deployment:
    if not deployment.database_url.startswith("postgresql"):
        pytest.skip("two bot processes need PostgreSQL (SQLite supports one process)")
    return deployment


@pytest.fixture(scope="module")
def replicas(postgres: Deployment) -> Iterator[tuple[Replica, Replica]]:
    """Two replicas for the module: the deployment's process and a second one."""
    first = start_first(postgres)
    second = start_second(postgres)
    try:
        yield first, second
    finally:
        stop(second)
        postgres.stop()


def busiest(times: list[float], window: float) -> int:
    ordered = sorted(times)
    return max((sum(1 for u in ordered if t <= u < t + window) for t in ordered), default=0)


def test_a_redelivery_after_a_restart_is_dropped(deployment: Deployment) -> None:
    """Runs first, on both backends: the claim outlives the process that made it."""
    bot = deployment
    replica = start_first(bot)
    person = bot.new_user("Ulang")
    update = bot.api.send_text(Chat.private(person), person, "/bantuan")
    assert replica.post(update).status_code == 200
    bot.wait_for_message(person.id, 0)
    bot.stop()
    replica = start_first(bot)
    try:
        assert replica.post(update).status_code == 200  # acknowledged, so Telegram stops
        # A later update of the same chat is answered; the redelivery, before it, was not
        # (updates of one chat are handled in order).
        later = bot.api.send_text(Chat.private(person), person, "/start")
        assert replica.post(later).status_code == 200
        bot.wait_until(
            lambda: TELEGRAM.fill(texts.START_NEW) in [m["text"] for m in bot.api.sent(person.id)],
            "answer the later /start",
        )
        assert len(bot.api.sent(person.id)) == 2
        assert "already taken" in bot.log_text()
    finally:
        bot.stop()


def test_the_same_update_to_both_replicas_is_answered_once(
    postgres: Deployment, replicas: tuple[Replica, Replica]
) -> None:
    bot = postgres
    people = [bot.new_user(f"Ganda{n}") for n in range(8)]
    updates = [bot.api.send_text(Chat.private(p), p, "/bantuan") for p in people]
    statuses: list[int] = []

    def deliver(replica: Replica, update: JSONDict) -> None:
        statuses.append(replica.post(update).status_code)

    # Telegram redelivers a late update; here each goes to both replicas at the same moment.
    threads = [
        threading.Thread(target=deliver, args=(replica, update))
        for update in updates
        for replica in replicas
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert statuses == [200] * len(threads)  # both acknowledge: Telegram must not retry
    for person in people:
        bot.wait_for_message(person.id, 0)
    threading.Event().wait(1.0)  # a second answer, if any, would come within this
    assert [len(bot.api.sent(p.id)) for p in people] == [1] * len(people)


def test_two_replicas_together_stay_under_thirty_messages_a_second(
    postgres: Deployment, replicas: tuple[Replica, Replica]
) -> None:
    """A backlog of reminders drained by both replicas while people write to both."""
    bot = postgres
    now = datetime.fromisoformat(FROZEN_NOW)
    start = time.time()
    chats = [str(810_000 + n) for n in range(BACKLOG)]
    with bot.db() as session:
        session.execute(
            insert(Outbox),
            [
                {"key": f"flood-test:{chat}", "kind": "digest", "channel": "telegram",
                 "chat_id": chat, "day": now.date(), "text": f"Pengingat nomor {n}",
                 "buttons": "", "status": "pending", "attempts": 0,
                 "next_attempt_at": now - timedelta(minutes=1), "created_at": now}
                for n, chat in enumerate(chats)
            ],
        )  # fmt: skip
        session.commit()
    people = [bot.new_user(f"Ramai{n}") for n in range(ASKING)]
    updates = [bot.api.send_text(Chat.private(p), p, "/bantuan") for p in people]

    def deliver(part: int) -> None:
        for index in range(part, ASKING, 4):
            replicas[index % 2].post(updates[index])

    posters = [threading.Thread(target=deliver, args=(part,)) for part in range(4)]
    for poster in posters:
        poster.start()
    for poster in posters:
        poster.join(60)

    def drained() -> bool:
        with bot.db() as session:
            pending = session.scalar(
                select(func.count())
                .select_from(Outbox)
                .where(Outbox.key.like("flood-test:%"), Outbox.status != "sent")
            )
        if pending:
            return False
        answered = {int(p["chat_id"]) for _, _, p in bot.api.timed_calls("sendMessage")}
        return all(p.id in answered for p in people)

    bot.wait_until(drained, f"send the backlog of {BACKLOG} and answer {ASKING}", 60.0)

    def per_replica() -> list[int]:
        """What each replica's drains sent, from its log (a drain logs once it is over)."""
        return [
            sum(int(n) for n in re.findall(r"Outbox: (\d+) sent", r.log_text())) for r in replicas
        ]

    bot.wait_until(lambda: sum(per_replica()) >= BACKLOG, "log the drains", 15.0)
    wanted = {int(c) for c in chats} | {p.id for p in people}
    times = [
        at
        for at, _, p in bot.api.timed_calls("sendMessage")
        if at >= start and int(p["chat_id"]) in wanted
    ]
    assert len(times) == BACKLOG + ASKING  # each message once
    peak = busiest(times, 1.0)
    print(
        f"\nreplicas: {len(times)} messages in {max(times) - min(times):.1f} s, busiest 1 s "
        f"window {peak} (limit 30), reminders sent per replica {per_replica()}"
    )
    assert peak <= 30
    assert all(count > 0 for count in per_replica()), per_replica()  # both took part
