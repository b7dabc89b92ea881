"""What a channel reports about a message after it took it (WhatsApp's status webhooks), and
the two things a WhatsApp template leads to: its full message on request, and a report to the
province when Meta refuses the template itself.

The channel classifies its own error codes into a ``Failure``; these functions only change the
outbox row the status is about (found by its id, the tracker the send carried), in the caller's
transaction. A status can arrive late, twice, or out of order: each function changes nothing
when the row is no longer in the state the status is about.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ChatLink, Outbox, Unreachable
from services import events, notices
from services.outbox import MAX_ATTEMPTS, backoff, enqueue, mark_unreachable, outbox_row

log = logging.getLogger(__name__)

RECEIPTS = ("sent", "delivered", "read")  # in the order a message reaches them
TRACKER_PREFIX = "ob:"
REJECTED_KEY = "tplrej"


class Failure(enum.Enum):
    """What a failed delivery means for the outbox."""

    WINDOW_CLOSED = "window_closed"  # send it again as the approved template
    UNREACHABLE = "unreachable"  # the person cannot be reached there: stop writing
    RETRY = "retry"  # a passing problem (throughput, pair rate, server): back off and retry
    TEMPLATE_REJECTED = "template_rejected"  # the template itself is refused: tell the admins
    FAILED = "failed"  # anything else: give up on this message


@dataclass(frozen=True)
class StatusOutcome:
    """What one status did to the outbox (``changed`` False: stale, duplicate or unknown)."""

    changed: bool
    outbox_id: int | None = None
    action: str = ""


def tracker(outbox_id: int) -> str:
    """The tracker a send carries so that its statuses find the outbox row again."""
    return f"{TRACKER_PREFIX}{outbox_id}"


def parse_tracker(value: str | None) -> int | None:
    """The outbox id behind a tracker, or None (not ours, or malformed)."""
    if not value or not value.startswith(TRACKER_PREFIX):
        return None
    digits = value[len(TRACKER_PREFIX) :]
    return int(digits) if digits.isdigit() and len(digits) <= 18 else None


def _row(session: Session, outbox_id: int | None, channel: str) -> Outbox | None:
    if outbox_id is None:
        return None
    row = session.get(Outbox, outbox_id)
    return row if row is not None and row.channel == channel else None


def record_receipt(
    session: Session,
    *,
    channel: str,
    outbox_id: int | None,
    message_id: str,
    receipt: str,
    now: datetime,
) -> StatusOutcome:
    """``sent``/``delivered``/``read`` for the message last sent for the row: recorded, never
    moving back (``read`` stays when a late ``delivered`` arrives)."""
    row = _row(session, outbox_id, channel)
    if row is None or receipt not in RECEIPTS or row.message_id != message_id:
        return StatusOutcome(False, outbox_id)
    known = RECEIPTS.index(row.receipt) if row.receipt in RECEIPTS else -1
    if RECEIPTS.index(receipt) <= known:
        return StatusOutcome(False, row.id)
    row.receipt, row.receipt_at = receipt, now
    return StatusOutcome(True, row.id, receipt)


def record_failure(
    session: Session,
    *,
    channel: str,
    outbox_id: int | None,
    message_id: str,
    failure: Failure,
    error: str,
    now: datetime,
    template: str = "",
) -> StatusOutcome:
    """A message the channel accepted was not delivered after all: act on ``failure``."""
    row = _row(session, outbox_id, channel)
    if row is None or row.status != "sent":
        return StatusOutcome(False, outbox_id)
    error = error[:500]
    if failure is Failure.WINDOW_CLOSED:
        if row.via_template:  # a template cannot be outside the window: nothing to learn
            return StatusOutcome(False, row.id)
        row.status, row.via_template, row.next_attempt_at = "pending", True, now
        row.last_error = error
        events.publish(session, events.OutboxQueued(1))
        return StatusOutcome(True, row.id, "template")
    if row.message_id != message_id:  # about an earlier send of the row: stale
        return StatusOutcome(False, row.id)
    if failure is Failure.UNREACHABLE:
        row.status, row.last_error = "undeliverable", error
        mark_unreachable(session, channel=channel, chat_id=row.chat_id, reason=error, now=now)
        return StatusOutcome(True, row.id, "unreachable")
    if failure is Failure.RETRY and row.attempts < MAX_ATTEMPTS:
        row.status, row.last_error = "pending", error
        row.next_attempt_at = now + backoff(row.attempts)
        events.publish(session, events.OutboxQueued(1))
        return StatusOutcome(True, row.id, "retry")
    row.status, row.last_error = "failed", error
    if failure is Failure.TEMPLATE_REJECTED:
        report_template_rejected(session, template or "?", error, now)
        return StatusOutcome(True, row.id, "reported")
    log.warning("Outbox message %s failed after it was sent: %s", row.id, error)
    return StatusOutcome(True, row.id, "failed")


def notice_of(session: Session, outbox_id: int) -> notices.Notice | None:
    """The notice a row carries (None: a row stored as text, or unknown)."""
    row = session.get(Outbox, outbox_id)
    if row is None or not row.payload:
        return None
    try:
        return notices.load(row.payload)
    except (ValueError, KeyError, TypeError):
        return None


def report_template_rejected(session: Session, template: str, error: str, now: datetime) -> int:
    """Tell the province's groups that Meta refuses ``template`` (once a day per template and
    error code); how many messages were queued."""
    blocked = {(u.channel, u.chat_id) for u in session.scalars(select(Unreachable))}
    chats = [
        (link.channel, link.chat_id)
        for link in session.scalars(
            select(ChatLink).where(ChatLink.is_province.is_(True), ChatLink.active.is_(True))
        )
        if (link.channel, link.chat_id) not in blocked
    ]
    if not chats:
        log.warning("No province group to tell that template %s is refused: %s", template, error)
        return 0
    code = error.split(" ", 1)[0][:16]
    notice = notices.TemplateRejected(template=template, error=error[:200])
    day = now.date()
    rows = [
        outbox_row(
            key=f"{REJECTED_KEY}:{template[:60]}:{code}:{day.isoformat()}:{channel}:{chat}",
            kind="templat",
            chat_id=chat,
            day=day,
            notice=notice,
            now=now,
            channel=channel,
        )
        for channel, chat in chats
    ]
    try:
        with session.begin_nested():  # every message needing the template fails at once
            return enqueue(session, rows)
    except IntegrityError:
        return 0  # another worker reported it a moment before


@dataclass(frozen=True)
class DetailResult:
    """A "Lihat detail" press: queued (the full message follows), or why not."""

    queued: bool
    reason: str = ""  # "gone" (no such message) or "not_yours"


def request_detail(
    session: Session, *, channel: str, chat_id: str, outbox_id: int, now: datetime
) -> DetailResult:
    """The person pressed "Lihat detail" under a template: the full message it stands for is
    queued again for their chat, free-form (their press opened the window). Only the
    template's own recipient gets it; pressing twice queues it once per minute."""
    row = session.get(Outbox, outbox_id)
    if row is None or (row.payload is None and not row.text):
        return DetailResult(False, "gone")
    if row.channel != channel or row.chat_id != chat_id:
        return DetailResult(False, "not_yours")
    key = f"detail:{row.id}:{int(now.timestamp()) // 60}"
    fresh = {
        **outbox_row(
            key=key[:200],
            kind=row.kind[:32],
            chat_id=row.chat_id,
            day=now.date(),
            now=now,
            text=row.text,
            attachment=row.attachment,
            attachment_type=row.attachment_type,
            channel=row.channel,
        ),
        "payload": row.payload,
        "buttons": row.buttons,
    }
    enqueue(session, [fresh])
    return DetailResult(True)
