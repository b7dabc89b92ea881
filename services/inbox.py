"""Incoming updates taken once by the whole deployment.

WhatsApp bodies are kept whole in an inbox (``store`` / ``claim`` / ``finish``, below) before
the webhook is answered, so that a crash between the answer and the processing loses nothing.

Telegram redelivers an update when the answer to its webhook POST is late (and after a restart
of long polling, every update whose offset was not confirmed). Each process used to remember
update ids in memory, so a redelivery reaching another replica, or the same one after a restart,
was handled twice. ``claim_update`` records the id in ``processed_update``: the first claim wins,
every later one, from any process, is told to drop the update.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import InboxEntry, ProcessedUpdate

# Telegram keeps an undelivered update for 24 hours; a few days is ample.
KEEP = timedelta(days=3)
# Roughly one claim in this many also deletes the expired rows (cheap: an indexed range).
PRUNE_EVERY = 500


def claim_update(session: Session, channel: str, update_id: str, now: datetime) -> bool:
    """Record ``update_id`` of ``channel`` as taken: True the first time, False ever after.

    Runs in the caller's transaction (commit it before handling the update, so that another
    replica sees the claim).
    """
    values = {"channel": channel, "update_id": update_id, "received_at": now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(ProcessedUpdate).values(values).on_conflict_do_nothing()
        statement = pg.returning(ProcessedUpdate.update_id)
    elif dialect == "sqlite":
        lite = sqlite.insert(ProcessedUpdate).values(values).on_conflict_do_nothing()
        statement = lite.returning(ProcessedUpdate.update_id)
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(dialect)
    claimed = session.execute(statement).first() is not None
    if claimed and zlib.crc32(f"{channel}:{update_id}".encode()) % PRUNE_EVERY == 0:
        prune_updates(session, now - KEEP)
    return claimed


def prune_updates(session: Session, before: datetime) -> int:
    """Forget updates received before ``before``; how many."""
    result = session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.received_at < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- the inbox of webhook bodies (WhatsApp) -----------------------------------------------
# Meta retries an unacknowledged webhook for up to seven days: a body is remembered longer.
INBOX_KEEP = timedelta(days=8)
# How long a process holds an entry it is processing; after that (it died) another may take it.
INBOX_LEASE = timedelta(minutes=2)
# An entry whose processing failed this many times is given up (logged), not replayed forever.
INBOX_ATTEMPTS = 3


@dataclass(frozen=True)
class Claimed:
    """An inbox entry this process now holds: its key, the body as stored, the attempt."""

    key: str
    body: str
    attempt: int


def store(session: Session, channel: str, key: str, body: str, now: datetime) -> bool:
    """Keep an incoming body under ``key`` (unique per channel): True when it is new, False
    for a redelivery (nothing changes). Commit before answering the webhook."""
    values = {
        "channel": channel,
        "key": key,
        "body": body,
        "received_at": now,
        "attempts": 0,
    }
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(InboxEntry).values(values).on_conflict_do_nothing()
        statement = pg.returning(InboxEntry.id)
    elif dialect == "sqlite":
        lite = sqlite.insert(InboxEntry).values(values).on_conflict_do_nothing()
        statement = lite.returning(InboxEntry.id)
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(dialect)
    return session.execute(statement).first() is not None


def claim(session: Session, channel: str, key: str, now: datetime) -> Claimed | None:
    """Take the entry for processing: None when it is done, or another process holds it.

    One conditional UPDATE: on PostgreSQL the row lock makes a second claimer re-check the
    condition after the first commits, so exactly one of them wins.
    """
    result = session.execute(
        update(InboxEntry)
        .where(
            InboxEntry.channel == channel,
            InboxEntry.key == key,
            InboxEntry.done_at.is_(None),
            or_(InboxEntry.claimed_until.is_(None), InboxEntry.claimed_until < now),
        )
        .values(claimed_until=now + INBOX_LEASE, attempts=InboxEntry.attempts + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.execute(
        select(InboxEntry.body, InboxEntry.attempts).where(
            InboxEntry.channel == channel, InboxEntry.key == key
        )
    ).one()
    return Claimed(key, row.body, int(row.attempts))


def finish(
    session: Session, channel: str, key: str, now: datetime, error: str | None = None
) -> None:
    """The entry is processed (or given up, with ``error``): never processed again."""
    session.execute(
        update(InboxEntry)
        .where(InboxEntry.channel == channel, InboxEntry.key == key)
        .values(done_at=now, claimed_until=None, error=error[:200] if error else None)
    )


def release(session: Session, channel: str, key: str) -> None:
    """Give the entry back unprocessed (it is replayed by the next sweep)."""
    session.execute(
        update(InboxEntry)
        .where(InboxEntry.channel == channel, InboxEntry.key == key, InboxEntry.done_at.is_(None))
        .values(claimed_until=None)
    )


def pending(session: Session, channel: str, now: datetime, limit: int = 100) -> list[str]:
    """Keys of entries not processed and not held by anyone: what a replay takes, oldest
    first."""
    return list(
        session.scalars(
            select(InboxEntry.key)
            .where(
                InboxEntry.channel == channel,
                InboxEntry.done_at.is_(None),
                or_(InboxEntry.claimed_until.is_(None), InboxEntry.claimed_until < now),
            )
            .order_by(InboxEntry.received_at, InboxEntry.id)
            .limit(limit)
        )
    )


def prune_inbox(session: Session, before: datetime) -> int:
    """Forget processed entries received before ``before``; how many."""
    result = session.execute(
        delete(InboxEntry).where(InboxEntry.done_at.is_not(None), InboxEntry.received_at < before)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
