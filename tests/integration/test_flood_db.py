"""Flood limits and update claims in the database, raced from several threads and engines."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import TypeVar

import pytest
from conftest import NOW
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from telegram.error import RetryAfter

from bot.flood import SharedRateLimiter
from models import ProcessedUpdate, RateSlot, make_engine, make_session_factory
from services import flood, inbox

T = TypeVar("T")


@pytest.fixture
def two_engines(engine: Engine, database_url: str) -> Iterator[list[sessionmaker[Session]]]:
    """Two independent engines on one database, as two replicas would have."""
    other = make_engine(database_url)
    yield [make_session_factory(engine), make_session_factory(other)]
    other.dispose()


def race(
    factories: list[sessionmaker[Session]], threads: int, each: int, work: Callable[[Session], T]
) -> list[T]:
    """Run ``work`` ``each`` times in each of ``threads`` threads (engines taken in turn),
    one committed transaction per call, all threads released at once."""
    results: list[T] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        factory = factories[index % len(factories)]
        try:
            barrier.wait()
            for _ in range(each):
                with factory.begin() as session:
                    value = work(session)
                with lock:
                    results.append(value)
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not errors, errors
    return results


def busiest(times: list[float], window: float) -> int:
    ordered = sorted(times)
    return max(sum(1 for u in ordered if t <= u < t + window) for t in ordered)


def test_concurrent_reservations_keep_the_overall_pace(
    two_engines: list[sessionmaker[Session]],
) -> None:
    granted = race(
        two_engines,
        6,
        40,
        lambda s: flood.reserve(s, flood.OVERALL_KEY, time.time(), flood.OVERALL),
    )
    assert len(granted) == 240
    ordered = sorted(granted)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    assert min(gaps) >= flood.OVERALL.interval - 1e-6  # no slot given twice, none squeezed in
    assert busiest(granted, 1.0) <= 26  # 25 a second (a 26th only by float rounding)
    assert busiest(granted, 1.0) <= 30


def test_concurrent_reservations_keep_each_group_under_twenty_a_minute(
    two_engines: list[sessionmaker[Session]],
) -> None:
    groups = [flood.group_key(-1001), flood.group_key(-1002)]
    counter = iter(range(10_000))
    lock = threading.Lock()

    def reserve(session: Session) -> tuple[str, float]:
        with lock:
            name = groups[next(counter) % 2]
        return name, flood.reserve(session, name, time.time(), flood.GROUP)

    granted = race(two_engines, 4, 25, reserve)
    for name in groups:
        times = [at for key, at in granted if key == name]
        assert len(times) == 50
        assert busiest(times, 60.0) <= 20
        start = min(times)
        assert sum(1 for t in times if t < start + 1) == flood.GROUP.burst  # the burst, at once
    with two_engines[0]() as session:
        assert session.scalar(select(func.count()).select_from(RateSlot)) == 2


def test_a_pause_holds_every_sender_back(two_engines: list[sessionmaker[Session]]) -> None:
    now = time.time()
    with two_engines[0].begin() as session:
        flood.reserve(session, flood.OVERALL_KEY, now, flood.OVERALL)
        flood.pause(session, flood.OVERALL_KEY, now + 30, flood.OVERALL)
    with two_engines[1].begin() as session:
        at = flood.reserve(session, flood.OVERALL_KEY, now + 1, flood.OVERALL)
    assert at == pytest.approx(now + 30)
    with two_engines[1].begin() as session:
        flood.pause(session, "telegram:chat:-5", now + 10, flood.GROUP)  # on a new row
        # A group's burst does not slip past the pause: the next one goes at its end.
        assert flood.reserve(session, "telegram:chat:-5", now, flood.GROUP) == now + 10


def test_an_update_is_claimed_once(two_engines: list[sessionmaker[Session]]) -> None:
    first, second = two_engines
    with first.begin() as session:
        assert inbox.claim_update(session, "telegram", "42", NOW)
    with second.begin() as session:
        assert not inbox.claim_update(session, "telegram", "42", NOW)
    with first.begin() as session:
        assert not inbox.claim_update(session, "telegram", "42", NOW)
        assert inbox.claim_update(session, "whatsapp", "42", NOW)  # channels are apart


def test_racing_replicas_claim_each_update_exactly_once(
    two_engines: list[sessionmaker[Session]],
) -> None:
    ids = iter(str(n // 4) for n in range(10_000))  # every id offered four times
    lock = threading.Lock()

    def claim(session: Session) -> tuple[str, bool]:
        with lock:
            update_id = next(ids)
        return update_id, inbox.claim_update(session, "telegram", update_id, NOW)

    results = race(two_engines, 4, 30, claim)
    winners = [update_id for update_id, won in results if won]
    assert len(results) == 120
    assert sorted(winners, key=int) == [str(n) for n in range(30)]


def test_old_claims_are_pruned(two_engines: list[sessionmaker[Session]]) -> None:
    sessions = two_engines[0]
    with sessions.begin() as session:
        inbox.claim_update(session, "telegram", "1", NOW - timedelta(days=4))
        inbox.claim_update(session, "telegram", "2", NOW)
        assert inbox.prune_updates(session, NOW - inbox.KEEP) == 1
    with sessions() as session:
        assert session.scalars(select(ProcessedUpdate.update_id)).all() == ["2"]


class SteppedClock:
    """A wall clock that moves only when told to (``at`` is the next reading)."""

    def __init__(self, start: float) -> None:
        self.at = start
        self.readings: list[float] = []

    def __call__(self) -> float:
        self.readings.append(self.at)
        return self.at


def slot(sessions: sessionmaker[Session], name: str) -> float | None:
    with sessions() as session:
        return session.scalar(select(RateSlot.tat).where(RateSlot.name == name))


def test_a_late_sender_takes_a_fresh_slot_instead_of_bunching(
    sessions: sessionmaker[Session],
) -> None:
    clock = SteppedClock(1000.0)
    limiter = SharedRateLimiter(sessions, wall_clock=clock)
    sent_at: list[float] = []

    async def send() -> bool:
        sent_at.append(clock.at)
        return True

    original = limiter._reserve

    def reserve_then_stall(name: str, limit: flood.Limit) -> float:
        at = original(name, limit)
        if len(reservations) == 0:
            clock.at += 0.5  # the process stalls half a second after its first reservation
        reservations.append(at)
        return at

    reservations: list[float] = []
    limiter._reserve = reserve_then_stall  # type: ignore[method-assign]
    result = asyncio.run(limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 5}, None))
    assert result is True
    assert reservations == [1000.0, 1000.5]  # the stale slot was given up
    assert sent_at == [1000.5]
    assert slot(sessions, flood.OVERALL_KEY) == pytest.approx(1000.5 + flood.OVERALL.interval)


def test_retry_after_pauses_the_limit_for_every_replica(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as bot.app sets it
    clock = SteppedClock(2000.0)
    limiter = SharedRateLimiter(sessions, wall_clock=clock, max_retries=2)
    attempts: list[float] = []

    async def send() -> bool:
        attempts.append(clock.at)
        if len(attempts) == 1:
            raise RetryAfter(timedelta(seconds=7))
        return True

    async def later(delay: float) -> None:  # sleeping moves the stepped clock instead
        clock.at += delay

    original_sleep = asyncio.sleep

    async def fake_sleep(delay: float, result: object = None) -> object:
        await later(delay)
        await original_sleep(0)
        return result

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    assert asyncio.run(limiter.process_request(send, (), {}, "sendMessage", {"chat_id": -77}, None))
    assert attempts[0] == 2000.0 and attempts[1] == pytest.approx(2007.1)
    tat = 2007.1 + flood.GROUP.tolerance + flood.GROUP.interval  # no burst after the pause
    assert slot(sessions, flood.group_key(-77)) == pytest.approx(tat)
