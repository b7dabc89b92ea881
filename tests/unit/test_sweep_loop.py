"""The reminder engine runs as the application's own task: it sweeps at once, again when
kicked and every interval, survives a failing sweep, and stops cleanly."""

from __future__ import annotations

import asyncio
from typing import cast

import pytest

from scheduler.engine import ReminderEngine, SweepLoop


class FakeEngine:
    def __init__(self, fail_first: bool = False) -> None:
        self.calls = 0
        self.fail_first = fail_first
        self.swept = asyncio.Event()
        self.cancelled = False

    async def sweep(self) -> None:
        self.calls += 1
        self.swept.set()
        if self.fail_first and self.calls == 1:
            raise RuntimeError("database away")


async def next_sweep(engine: FakeEngine) -> None:
    engine.swept.clear()
    await asyncio.wait_for(engine.swept.wait(), 5)


def test_sweeps_at_once_and_when_kicked_then_stops() -> None:
    async def scenario() -> tuple[int, bool]:
        engine = FakeEngine()
        loop = SweepLoop(cast(ReminderEngine, engine), interval=3600)  # never by the clock here
        loop.start()
        await asyncio.wait_for(engine.swept.wait(), 5)
        assert engine.calls == 1
        loop.kick()
        await next_sweep(engine)
        assert engine.calls == 2
        loop.start()  # already running: no second task
        await loop.stop()
        return engine.calls, loop.running

    calls, running = asyncio.run(scenario())
    assert (calls, running) == (2, False)


def test_a_failing_sweep_is_logged_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> int:
        engine = FakeEngine(fail_first=True)
        loop = SweepLoop(cast(ReminderEngine, engine), interval=0.01)  # the interval, short
        loop.start()
        await asyncio.wait_for(engine.swept.wait(), 5)
        await next_sweep(engine)  # the next one came by the interval, after the failure
        await loop.stop()
        return engine.calls

    assert asyncio.run(scenario()) >= 2
    assert "Sweep failed" in caplog.text


def test_stopping_interrupts_a_running_sweep() -> None:
    class SlowEngine(FakeEngine):
        async def sweep(self) -> None:
            self.swept.set()
            try:
                await asyncio.Event().wait()  # a drain that would take forever
            except asyncio.CancelledError:
                self.cancelled = True
                raise

    async def scenario() -> bool:
        engine = SlowEngine()
        loop = SweepLoop(cast(ReminderEngine, engine), interval=3600)
        loop.start()
        await asyncio.wait_for(engine.swept.wait(), 5)
        await asyncio.wait_for(loop.stop(), 5)
        return engine.cancelled

    assert asyncio.run(scenario()) is True
