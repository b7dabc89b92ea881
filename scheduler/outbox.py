"""The outbox dispatcher: claim a pending message, send it, record the outcome at once.

Exactly-once, as far as the Bot API allows: a message is marked sent in its own short
transaction right after the channel accepted it, so only a message in flight at the instant of
a crash can repeat. On PostgreSQL the row stays locked (``FOR UPDATE SKIP LOCKED``) while it is
sent, so other processes skip it and a crash releases it at once. SQLite runs one process; its
workers share an in-memory set of the rows in flight.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from models import Outbox
from services import notices
from services.identities import window_open
from services.members import bot_removed, move_chat
from services.notify import (
    Attachment,
    DeliveringNotifier,
    Delivery,
    Moved,
    Notifier,
    Removed,
    Rendered,
    RetryLater,
    SendFailed,
    Sent,
    TemplateRejected,
)
from services.notify import Unreachable as ChatUnreachable
from services.outbox import MAX_ATTEMPTS, backoff, mark_unreachable
from services.receipts import report_template_rejected

log = logging.getLogger(__name__)


@dataclass
class DrainStats:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """A pending message taken by this worker."""

    id: int
    channel: str
    chat_id: str
    text: str
    buttons: list[list[tuple[str, str]]]
    attempts: int
    attachment: Attachment | None = None
    payload: str | None = None  # a notice (kind + parameters), rendered when it is sent
    window_open: bool = True  # a free-form message may go (WhatsApp's 24-hour window)
    via_template: bool = False  # it must go as the channel's approved template


class Dispatcher:
    """Sends what the outbox holds through one notifier per channel."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        notifiers: dict[str, Notifier],
        clock: Callable[[], datetime],
        *,
        workers: int = 4,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._sessions = sessions
        self._notifiers = notifiers
        self._clock = clock
        self._workers = workers
        self._max_attempts = max_attempts
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()
        self._postgres = sessions.kw["bind"].dialect.name == "postgresql"

    def add_notifier(self, channel: str, notifier: Notifier) -> None:
        """Send ``channel``'s messages through ``notifier`` too (a channel configured after the
        engine was built: WhatsApp in ``zibot serve``)."""
        self._notifiers[channel] = notifier

    def in_flight(self) -> list[int]:
        """Ids of the messages this process is sending right now."""
        with self._lock:
            return list(self._in_flight)

    async def drain(self, *, limit: int | None = None) -> DrainStats:
        """Send every due message (at most ``limit``) with a few concurrent workers."""
        stats = DrainStats()
        budget = [limit if limit is not None else -1]

        async def worker() -> None:
            while budget[0] != 0:
                if budget[0] > 0:
                    budget[0] -= 1
                if not await self._send_one(stats):
                    return

        await asyncio.gather(*(worker() for _ in range(self._workers)))
        return stats

    async def _send_one(self, stats: DrainStats) -> bool:
        """Claim, send and record one message; False when nothing is due."""
        claimed = await asyncio.to_thread(self._claim)
        if claimed is None:
            return False
        session, claim = claimed
        try:
            notifier = self._notifiers.get(claim.channel)
            if notifier is None:
                raise SendFailed(f"no notifier for channel {claim.channel}")
            sent = await self._deliver(notifier, claim)
        except Moved as exc:
            await asyncio.to_thread(self._finish_moved, session, claim, exc.new_chat_id)
            stats.retried += 1
        except ChatUnreachable as exc:
            await asyncio.to_thread(
                self._finish_unreachable, session, claim, str(exc), isinstance(exc, Removed)
            )
            stats.unreachable += 1
        except TemplateRejected as exc:
            await asyncio.to_thread(self._finish_template_rejected, session, claim, exc)
            stats.failed += 1
            stats.errors.append(str(exc))
        except RetryLater as exc:
            failed = await asyncio.to_thread(
                self._finish_retry, session, claim, str(exc), exc.retry_after
            )
            stats.failed += failed
            stats.retried += not failed
        except SendFailed as exc:
            await asyncio.to_thread(self._finish_failed, session, claim, str(exc))
            stats.failed += 1
            stats.errors.append(str(exc))
        except BaseException:
            await asyncio.to_thread(self._release, session, claim)
            raise
        else:
            await asyncio.to_thread(self._finish_sent, session, claim, sent)
            stats.sent += 1
        return True

    @staticmethod
    async def _deliver(notifier: Notifier, claim: Claim) -> Sent:
        """Render the message's notice through the channel's presenter (rows written before
        notices carry their text), then send it: the attachment with the first part, the
        buttons under the last."""
        notice = None
        if claim.payload:
            try:
                notice = notices.load(claim.payload)
                parts = notifier.presenter.render(notice)
            except (ValueError, KeyError, TypeError) as exc:
                raise SendFailed(f"cannot render notice: {exc}") from exc
        else:
            parts = [Rendered(claim.text, claim.buttons)]
        if isinstance(notifier, DeliveringNotifier):
            # The channel decides how (free-form or template, tracked by the outbox id).
            delivery = Delivery(claim.id, notice, claim.window_open, claim.via_template)
            return await notifier.deliver(claim.chat_id, delivery, parts, claim.attachment)
        sent = Sent(None)
        for number, part in enumerate(parts):
            attachment = claim.attachment if number == 0 else None
            sent = await notifier.send(claim.chat_id, part.text, part.buttons, attachment)
        return sent

    # --- database steps (run in a worker thread) -------------------------------------------

    def _claim(self) -> tuple[Session | None, Claim] | None:
        now = self._clock()
        session = self._sessions()
        try:
            with self._lock:
                # One chat, one queue: a message waits while an earlier one to the same chat
                # is pending (a ticket before its photo, part 1 before part 2).
                earlier = aliased(Outbox)
                first_in_chat = ~exists().where(
                    earlier.channel == Outbox.channel,
                    earlier.chat_id == Outbox.chat_id,
                    earlier.status == "pending",
                    earlier.id < Outbox.id,
                )
                query = (
                    select(Outbox)
                    .where(Outbox.status == "pending", Outbox.next_attempt_at <= now, first_in_chat)
                    .order_by(Outbox.next_attempt_at, Outbox.id)
                    .limit(1)
                )
                if self._in_flight:
                    query = query.where(Outbox.id.not_in(self._in_flight))
                if self._postgres:
                    query = query.with_for_update(skip_locked=True)
                row = session.scalar(query)
                if row is None:
                    session.rollback()
                    session.close()
                    return None
                self._in_flight.add(row.id)
            claim = Claim(
                row.id,
                row.channel,
                row.chat_id,
                row.text,
                [[(label, data) for label, data in r] for r in json.loads(row.buttons)]
                if row.buttons
                else [],
                row.attempts,
                Attachment(row.attachment, row.attachment_type or "") if row.attachment else None,
                row.payload,
                window_open(session, row.channel, row.chat_id, now),
                bool(row.via_template),
            )
        except BaseException:
            session.rollback()
            session.close()
            raise
        if self._postgres:
            return session, claim  # keep the row lock while sending
        session.rollback()
        session.close()
        return None, claim

    def _done(self, session: Session | None, claim: Claim, **values: object) -> None:
        active = self._sessions() if session is None else session
        try:
            row = active.get(Outbox, claim.id)
            if row is not None and row.status == "pending":
                for key, value in values.items():
                    setattr(row, key, value)
            active.commit()
        finally:
            active.close()
            with self._lock:
                self._in_flight.discard(claim.id)

    def _finish_sent(self, session: Session | None, claim: Claim, sent: Sent) -> None:
        self._done(
            session,
            claim,
            status="sent",
            sent_at=self._clock(),
            message_id=None if sent.message_id is None else str(sent.message_id),
            attempts=claim.attempts + 1,
            via_template=claim.via_template or sent.via_template,
            receipt=None,
            receipt_at=None,
        )

    def _finish_retry(
        self, session: Session | None, claim: Claim, error: str, retry_after: float | None
    ) -> bool:
        attempts = claim.attempts + 1
        if attempts >= self._max_attempts:
            self._done(session, claim, status="failed", attempts=attempts, last_error=error)
            log.warning("Outbox message %s failed after %s attempts: %s", claim.id, attempts, error)
            return True
        wait = timedelta(seconds=retry_after) if retry_after else backoff(attempts)
        self._done(
            session,
            claim,
            attempts=attempts,
            last_error=error,
            next_attempt_at=self._clock() + wait,
        )
        return False

    def _finish_template_rejected(
        self, session: Session | None, claim: Claim, exc: TemplateRejected
    ) -> None:
        """The message failed, and the province's admins hear that the template is refused
        (once a day per template and error)."""
        log.warning("Outbox message %s: template %s refused: %s", claim.id, exc.template, exc)
        active = self._sessions() if session is None else session
        try:
            row = active.get(Outbox, claim.id)
            if row is not None and row.status == "pending":
                row.status, row.attempts = "failed", claim.attempts + 1
                row.last_error = str(exc)[:500]
            report_template_rejected(active, exc.template, str(exc), self._clock())
            active.commit()
        finally:
            active.close()
            with self._lock:
                self._in_flight.discard(claim.id)

    def _finish_failed(self, session: Session | None, claim: Claim, error: str) -> None:
        log.warning("Outbox message %s failed: %s", claim.id, error)
        self._done(session, claim, status="failed", attempts=claim.attempts + 1, last_error=error)

    def _finish_unreachable(
        self, session: Session | None, claim: Claim, error: str, removed: bool = False
    ) -> None:
        active = self._sessions() if session is None else session
        try:
            now = self._clock()
            with self._lock:
                busy = set(self._in_flight)
            mark_unreachable(
                active,
                channel=claim.channel,
                chat_id=claim.chat_id,
                reason=error,
                now=now,
                this_id=claim.id,
                in_flight=busy,
            )
            if removed:  # the group lost the bot: as if its my_chat_member update had come
                bot_removed(
                    active,
                    channel=claim.channel,
                    chat_id=claim.chat_id,
                    status="left" if "not a member" in error.lower() else "kicked",
                    now=now,
                    today=now.date(),
                )
            active.commit()
        finally:
            active.close()
            with self._lock:
                self._in_flight.discard(claim.id)
        log.info("Chat %s:%s is unreachable: %s", claim.channel, claim.chat_id, error)

    def _finish_moved(self, session: Session | None, claim: Claim, new_chat_id: str) -> None:
        """Follow a group that became a supergroup, as its service messages do: link, pending
        messages, snoozes, reminders and marks move to the new id (``members.move_chat``)."""
        if session is not None:
            # Let the row go first: the move waits for the planning lock, and whoever holds
            # that lock may be waiting for this row.
            session.rollback()
            session.close()
        active = self._sessions()
        try:
            move_chat(
                active,
                channel=claim.channel,
                old_chat_id=claim.chat_id,
                new_chat_id=new_chat_id,
                now=self._clock(),
            )
            active.commit()
        finally:
            active.close()
            with self._lock:
                self._in_flight.discard(claim.id)
        log.info("Chat %s:%s moved to %s", claim.channel, claim.chat_id, new_chat_id)

    def _release(self, session: Session | None, claim: Claim) -> None:
        if session is not None:
            session.rollback()
            session.close()
        with self._lock:
            self._in_flight.discard(claim.id)
