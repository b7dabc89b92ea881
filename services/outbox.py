"""Putting messages in the outbox: one shape for every kind, and never the same key twice."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import Outbox
from services import events
from services.notices import Notice, dump

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
    """Record the rows whose keys are new (in the caller's transaction); return how many."""
    if not rows:
        return 0
    keys = [row["key"] for row in rows]
    known = set(session.scalars(select(Outbox.key).where(Outbox.key.in_(keys))))
    fresh = [row for row in rows if row["key"] not in known]
    if fresh:
        session.execute(insert(Outbox), fresh)
        events.publish(session, events.OutboxQueued(len(fresh)))
    return len(fresh)
