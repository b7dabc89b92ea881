"""Putting messages in the outbox: one shape for every kind, and never the same key twice."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Outbox, Unreachable
from services import events
from services.notices import Notice, dump

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=15)

Buttons = Sequence[Sequence[tuple[str, str]]]


def outbox_row(
    *,
    key: str,
    kind: str,
    chat_id: str,
    day: date,
    now: datetime,
    notice: Notice | None = None,
    text: str = "",
    buttons: Buttons | None = None,
    attachment: str | None = None,
    attachment_type: str | None = None,
    channel: str = "telegram",
) -> dict[str, Any]:
    """A pending outbox row, due now: a notice, which the channel renders when it sends it
    (``text`` and ``buttons`` are for a message already in the channel's markup)."""
    return {
        "key": key,
        "kind": kind,
        "channel": channel,
        "chat_id": chat_id,
        "day": day,
        "text": text,
        "payload": dump(notice) if notice is not None else None,
        "buttons": json.dumps([list(row) for row in buttons]) if buttons else "",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "attachment": attachment,
        "attachment_type": attachment_type,
    }


def enqueue(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Record the rows whose keys are new (in the caller's transaction); return how many.

    Two processes may enqueue the same key at the same instant (two replicas sweeping, two
    workers reporting one failure): the insert skips a key another transaction already holds
    (``ON CONFLICT DO NOTHING``, on both backends), so the loser records nothing instead of
    failing its whole unit of work on the unique key."""
    if not rows:
        return 0
    unique = list({row["key"]: row for row in rows}.values())
    keys = [row["key"] for row in unique]
    known = set(session.scalars(select(Outbox.key).where(Outbox.key.in_(keys))))
    fresh = [row for row in unique if row["key"] not in known]
    if not fresh:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(Outbox).on_conflict_do_nothing(index_elements=["key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(Outbox).on_conflict_do_nothing(index_elements=["key"])
    else:  # pragma: no cover - zibot runs on SQLite and PostgreSQL
        statement = insert(Outbox)
    added = len(session.execute(statement.returning(Outbox.id), fresh).all())
    if added:
        events.publish(session, events.OutboxQueued(added))
    return added


def backoff(attempts: int) -> timedelta:
    """How long to wait before attempt ``attempts + 1``: 5 s, 10 s, 20 s ... up to 15 min."""
    return min(timedelta(seconds=5 * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def mark_unreachable(
    session: Session,
    *,
    channel: str,
    chat_id: str,
    reason: str,
    now: datetime,
    this_id: int | None = None,
    in_flight: Collection[int] = (),
) -> None:
    """The chat blocked the bot or does not exist: remember it, and everything still waiting
    for it is undeliverable (``this_id`` too; rows other workers are sending are left to them).
    In the caller's transaction."""
    known = session.scalar(
        select(Unreachable).where(Unreachable.channel == channel, Unreachable.chat_id == chat_id)
    )
    if known is None:
        try:
            with session.begin_nested():  # other workers may learn it at the same time
                session.add(
                    Unreachable(channel=channel, chat_id=chat_id, reason=reason[:500], since=now)
                )
        except IntegrityError:
            pass  # another worker recorded it first
    waiting = select(Outbox).where(
        Outbox.channel == channel, Outbox.chat_id == chat_id, Outbox.status == "pending"
    )
    if session.get_bind().dialect.name == "postgresql":
        # A row another process is sending (locked) is left to it: it records its own outcome.
        waiting = waiting.with_for_update(skip_locked=True)
    for row in session.scalars(waiting):
        if row.id == this_id or row.id not in in_flight:
            row.status, row.last_error = "undeliverable", reason[:500]
