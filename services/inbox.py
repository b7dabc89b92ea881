"""Incoming updates taken once by the whole deployment.

Telegram redelivers an update when the answer to its webhook POST is late (and after a restart
of long polling, every update whose offset was not confirmed). Each process used to remember
update ids in memory, so a redelivery reaching another replica, or the same one after a restart,
was handled twice. ``claim_update`` records the id in ``processed_update``: the first claim wins,
every later one, from any process, is told to drop the update.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import ProcessedUpdate

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
