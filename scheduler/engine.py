"""The reminder engine: a periodic sweep plans from the rows and the clock, then drains."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from scheduler.outbox import Dispatcher, DrainStats
from services import instruksi, kendala
from services.calendar import load_calendar
from services.reminders import ReminderPolicy, SweepResult, is_send_time, sweep_plan

log = logging.getLogger(__name__)


class ReminderEngine:
    """Plans reminders into the outbox and sends them; safe to trigger as often as wanted."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        dispatcher: Dispatcher,
        clock: Callable[[], datetime],
        tz: ZoneInfo,
        policy: ReminderPolicy,
    ) -> None:
        self._sessions = sessions
        self._dispatcher = dispatcher
        self._clock = clock
        self._tz = tz
        self._policy = policy
        self._drain_lock = asyncio.Lock()
        self._planners: list[Callable[[Session, datetime], int]] = []
        self._tasks: list[Callable[[], Awaitable[object]]] = []
        self._housekeeping: list[Callable[[], object]] = []

    @property
    def dispatcher(self) -> Dispatcher:
        """The outbox dispatcher this engine drains with."""
        return self._dispatcher

    def add_planner(self, planner: Callable[[Session, datetime], int]) -> None:
        """Another source of outbox messages (kendala escalations ...) run on each sweep."""
        self._planners.append(planner)

    def add_task(self, task: Callable[[], Awaitable[object]]) -> None:
        """Work of another kind run at each sweep, before planning (the WhatsApp inbox's
        replay); a failure is logged and the sweep goes on."""
        self._tasks.append(task)

    def add_housekeeping(self, task: Callable[[], object]) -> None:
        """A bounded clean-up run on each sweep in its own unit of work (expired conversations
        ...); its failure is logged and does not keep the outbox from draining."""
        self._housekeeping.append(task)

    def housekeep(self) -> None:
        """Run the clean-ups."""
        for task in self._housekeeping:
            try:
                task()
            except Exception:
                log.exception("Housekeeping %s failed", getattr(task, "__name__", task))

    def plan(self) -> SweepResult:
        """Record what is due now (one unit of work)."""
        now = self._clock()
        with self._sessions.begin() as session:
            result = sweep_plan(
                session,
                now=now,
                tz=self._tz,
                policy=self._policy,
                busy=self._dispatcher.in_flight(),
            )
            extra = sum(planner(session, now) for planner in self._planners)
        return SweepResult(result.messages + extra, result.reminders)

    async def sweep(self) -> DrainStats | None:
        """Plan, then send what is pending, unless a drain is already running."""
        for task in self._tasks:
            try:
                await task()
            except Exception:
                log.exception("A sweep task failed; the next sweep runs it again")
        result = await asyncio.to_thread(self.plan)
        if result.messages:
            log.info("Sweep recorded %s messages (%s reminders)", *result.__dict__.values())
        if self._housekeeping:
            await asyncio.to_thread(self.housekeep)
        if self._drain_lock.locked():
            return None
        async with self._drain_lock:
            stats = await self._dispatcher.drain()
        if stats.sent or stats.retried or stats.failed or stats.unreachable:
            log.info(
                "Outbox: %s sent, %s to retry, %s failed, %s unreachable",
                stats.sent,
                stats.retried,
                stats.failed,
                stats.unreachable,
            )
        return stats


class SweepLoop:
    """The engine's own task: a sweep every ``interval`` seconds, and one as soon as
    something is kicked into the outbox. Owned by the application's lifecycle (``start`` when
    it starts, ``stop`` when it stops), whatever channels are configured; a failing sweep is
    logged and the next one runs on time."""

    def __init__(self, engine: ReminderEngine, interval: float) -> None:
        self._engine = engine
        self._interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.sweeps = 0

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Begin sweeping (in the running event loop); the first sweep runs at once."""
        if self.running:
            return
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._run(), name="zibot-sweep")

    def kick(self) -> None:
        """Sweep now rather than at the next interval (a sweep already running is followed
        by another one). Safe from any thread (a use case commits in a worker thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake.set()
        else:
            loop.call_soon_threadsafe(self._wake.set)

    def wake(self, _event: object = None) -> None:
        """``kick`` as an after-commit subscriber of events (``services.events``)."""
        self.kick()

    async def stop(self) -> None:
        """Cancel the loop and wait for it: a sweep in progress is interrupted between its
        database steps (each one its own transaction)."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self._engine.sweep()
            except Exception:
                log.exception("Sweep failed; the next one runs in %s s", self._interval)
            self.sweeps += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)


def kendala_planner(
    tz: ZoneInfo, policy: ReminderPolicy, *, sla_days: int, escalation_chat: str | None
) -> Callable[[Session, datetime], int]:
    """Kendala posts and answers go out at once; escalations and instruksi reminders, like
    deadline reminders, only on working days from the reminder time on."""

    def plan(session: Session, now: datetime) -> int:
        count = kendala.post_pending(session, now, tz)
        calendar = load_calendar(session)
        if is_send_time(now, tz, calendar, policy):
            count += kendala.plan_escalations(
                session,
                now,
                tz,
                sla_days=sla_days,
                escalation_chat=escalation_chat,
                calendar=calendar,
            )
            count += instruksi.plan_reminders(session, now, tz, calendar=calendar)
        return count

    return plan
