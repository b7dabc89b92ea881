"""Fairness and flood control around PTB: update order per chat, shared flood limits, dedupe.

* ``ChatOrderedProcessor`` runs the updates of different chats concurrently and those of one
  chat strictly one after the other, in the order they arrived (conversations, which PTB keys
  on chat and user, stay safe). A flooded chat waits behind its own answers; nobody else does.
* ``SharedRateLimiter`` reserves every message's slot in the database (``services.flood``), so
  Telegram's per-token limits hold across all replicas, not per process.
* ``dedupe_handler`` (long polling) and the webhook route claim each update id in the database
  (``services.inbox``): a redelivery is handled once by the whole deployment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import ApplicationHandlerStop, BaseRateLimiter, BaseUpdateProcessor, TypeHandler

from handlers.telegram.common import CHANNEL
from handlers.telegram.context import ZiContext
from services import flood, inbox

log = logging.getLogger(__name__)

RUNNING_UPDATES = 32  # handlers running at once (each chat counts once, however busy)
QUEUED_UPDATES = 4096  # updates accepted from the queue; beyond, the fetcher waits (in order)
LATE_RETRIES = 4  # fresh slots a late message may take before it goes anyway


class ArrivalGate(Protocol):
    """Told of every update as it arrives (in order) and once it has been processed."""

    def arrive(self, update: object) -> None: ...

    def leave(self, update: object) -> None: ...


@dataclass
class _Turn:
    """The queue of one chat: a FIFO lock and how many updates hold or wait for it."""

    lock: asyncio.Lock
    users: int = 0


def chat_key(update: object) -> Hashable | None:
    """What orders an update: its chat; the user for updates without a chat; else nothing."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, serial and in arrival order within one chat.

    PTB starts one task per update in queue order and passes it through its own (FIFO)
    semaphore, sized generously here, so ``do_process_update`` begins in arrival order and takes
    the chat's FIFO lock before its first suspension point (after telling the ``gate``, which
    counts updates per person as they arrive). Only then does it wait for one of
    ``running`` slots: updates queued behind a busy chat hold no slot, so a flood in one chat
    cannot starve the others. A chat's lock is dropped as soon as nothing holds or awaits it.
    """

    def __init__(
        self,
        running: int = RUNNING_UPDATES,
        queued: int = QUEUED_UPDATES,
        *,
        gate: ArrivalGate | None = None,
    ) -> None:
        super().__init__(max(queued, running, 2))
        self._gate = gate
        self._running_limit = running
        self._running: asyncio.Semaphore | None = None
        self._chats: dict[Hashable, _Turn] = {}

    async def initialize(self) -> None:
        self._running = asyncio.Semaphore(self._running_limit)

    async def shutdown(self) -> None:
        self._chats.clear()

    def busy_chats(self) -> int:
        """How many chats have an update running or waiting (for tests and diagnostics)."""
        return len(self._chats)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._running is None:
            self._running = asyncio.Semaphore(self._running_limit)
        running = self._running
        if self._gate is not None:
            self._gate.arrive(update)
        key = chat_key(update)
        turn = None
        if key is not None:
            turn = self._chats.get(key)
            if turn is None:
                turn = self._chats[key] = _Turn(asyncio.Lock())
            turn.users += 1
        try:
            if turn is None:
                await self._run(running, coroutine)
            else:
                async with turn.lock:
                    await self._run(running, coroutine)
        finally:
            if self._gate is not None:
                self._gate.leave(update)
            if turn is not None:
                turn.users -= 1
                if turn.users == 0 and self._chats.get(key) is turn:
                    del self._chats[key]

    @staticmethod
    async def _run(running: asyncio.Semaphore, coroutine: Awaitable[Any]) -> None:
        started = False
        try:
            async with running:
                started = True
                await coroutine
        finally:
            if not started and isinstance(coroutine, Coroutine):
                coroutine.close()  # cancelled while queued: never "never awaited"


# Bot API methods that put (or change) a message in a chat: these are what Telegram's flood
# limits count. Reads (getChatMember ...) and answerCallbackQuery pass unpaced.
_PACED_PREFIXES = ("send", "edit", "copy", "forward")
_UNPACED = frozenset({"sendchataction"})


def is_paced(endpoint: str) -> bool:
    """Whether a call to ``endpoint`` counts against the flood limits."""
    name = endpoint.lower()
    return name.startswith(_PACED_PREFIXES) and name not in _UNPACED


def group_of(data: dict[str, Any]) -> int | str | None:
    """The group or channel a call goes to (negative id or @name); None for private chats."""
    chat_id = data.get("chat_id")
    with contextlib.suppress(ValueError, TypeError):
        chat_id = int(chat_id)  # type: ignore[arg-type]
    if isinstance(chat_id, int) and chat_id < 0:
        return chat_id
    if isinstance(chat_id, str) and chat_id:
        return chat_id
    return None


class SharedRateLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter interface over slots reserved in the database.

    A message to a group first waits for the group's slot (20 a minute), then reserves and
    waits for an overall slot (30 a second): an overall slot is only taken once the message can
    really go, so a slow group never leaves holes in everyone else's pace. ``RetryAfter`` from
    Telegram pauses the affected limit for every replica, then the call is retried (at most
    ``max_retries`` times, or ``rate_limit_args`` for one call).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        overall: flood.Limit = flood.OVERALL,
        group: flood.Limit = flood.GROUP,
        max_retries: int = 3,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions = sessions
        self._overall = overall
        self._group = group
        self._max_retries = max_retries
        # Pacing needs real seconds between HTTP calls, shared by processes: the wall clock,
        # never the injected domain clock (a rehearsal clock file may stand still or jump).
        self._wall_clock = wall_clock

    async def initialize(self) -> None:
        """Nothing to set up: the slots live in the database."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    def _reserve(self, name: str, limit: flood.Limit) -> float:
        with self._sessions.begin() as session:
            return flood.reserve(session, name, self._wall_clock(), limit)

    def _pause(self, name: str, until: float, limit: flood.Limit) -> None:
        with self._sessions.begin() as session:
            flood.pause(session, name, until, limit)

    async def _wait_for(self, name: str, limit: flood.Limit) -> None:
        """Reserve a slot and sleep until it. A process that wakes up late (a busy event loop,
        a slow thread pool) would send together with the owners of the next slots: a message
        late by more than one interval gives its slot up and takes a fresh one, a few times
        at most, so lateness never bunches messages at Telegram."""
        for _ in range(LATE_RETRIES):
            at = await asyncio.to_thread(self._reserve, name, limit)
            delay = at - self._wall_clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._wall_clock() - at <= limit.interval:
                return
        log.debug("Sending late on %s after %d fresh slots", name, LATE_RETRIES)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not is_paced(endpoint) or data.get("chat_id") is None:
            return await callback(*args, **kwargs)
        max_retries = self._max_retries if rate_limit_args is None else rate_limit_args
        group = group_of(data)
        attempt = 0
        while True:
            if group is not None:
                await self._wait_for(flood.group_key(group), self._group)
            await self._wait_for(flood.OVERALL_KEY, self._overall)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt >= max_retries:
                    log.warning("Flood limit hit after %d retries: %s", max_retries, exc)
                    raise
                attempt += 1
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                name, limit = (
                    (flood.group_key(group), self._group)
                    if group is not None
                    else (flood.OVERALL_KEY, self._overall)
                )
                log.info("Flood limit hit on %s: every replica waits %.1f s", name, seconds)
                until = self._wall_clock() + seconds + 0.1
                await asyncio.to_thread(self._pause, name, until, limit)


def dedupe_handler(
    sessions: sessionmaker[Session], clock: Callable[[], datetime]
) -> TypeHandler[Update, ZiContext, None]:
    """The first handler under long polling: an update already claimed is dropped."""

    def claim(update_id: int) -> bool:
        with sessions.begin() as session:
            return inbox.claim_update(session, CHANNEL, str(update_id), clock())

    async def check(update: Update, context: ZiContext) -> None:
        if not await asyncio.to_thread(claim, update.update_id):
            log.info("Update %s was already handled: dropped", update.update_id)
            raise ApplicationHandlerStop

    return TypeHandler(Update, check)


# --- WhatsApp (h-waout) ----------------------------------------------------------------------


class WhatsAppPace:
    """The Cloud API's throughput per business number (80 messages a second by default),
    shared by every replica through ``rate_slot`` like Telegram's limits; a 130429 answer holds
    the number for every replica (``hold``). The pair rate (131056, too many to one person) is
    left to the outbox, which retries that one message later."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        phone_id: str,
        *,
        rate: int = 80,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions = sessions
        self._name = flood.whatsapp_key(phone_id)
        self._limit = flood.Limit(interval=1 / rate)
        self._wall_clock = wall_clock

    def _reserve(self) -> float:
        with self._sessions.begin() as session:
            return flood.reserve(session, self._name, self._wall_clock(), self._limit)

    def _pause(self, until: float) -> None:
        with self._sessions.begin() as session:
            flood.pause(session, self._name, until, self._limit)

    async def wait(self) -> None:
        """Reserve the number's next slot and sleep until it."""
        at = await asyncio.to_thread(self._reserve)
        delay = at - self._wall_clock()
        if delay > 0:
            await asyncio.sleep(delay)

    async def hold(self, seconds: float) -> None:
        """Nothing goes from the number for ``seconds``, from any replica."""
        log.info("WhatsApp throughput reached: every replica waits %.1f s", seconds)
        await asyncio.to_thread(self._pause, self._wall_clock() + seconds)
