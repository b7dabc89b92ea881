"""Conversations in the database: the one open step a person has in a chat, with an expiry.

A step (the /kendala draft, the /bukti prompt, the Tanggapi prompt) is a row keyed by channel,
chat and person: a restart of the bot, or another replica, continues it; nothing is recovered
by reading the bot's own prompt texts. ``data`` is a small JSON object. An expired row is as
good as absent; the engine's sweep deletes them a day later (``expire``), so that meanwhile a
late answer can be told its step has expired (``expired``). Time is injected (``now``).

One open step per person and chat (the unique key is channel, chat, person): starting another
step there replaces the open one, whatever its kind. So a /bukti prompt ends a /kendala draft
the person had open in the same chat (its next step is answered "expired"), and a second
"Tanggapi" press replaces the first prompt (a reply to the first is then not taken as an
answer). Steps in different chats (a private chat and a group) are independent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Conversation


@dataclass(frozen=True)
class Step:
    """An open conversation: what it is, where it stands, what it holds."""

    channel: str
    chat_id: str
    user_id: str
    kind: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    expires_at: datetime | None = None


def _row(session: Session, channel: str, chat_id: str, user_id: str) -> Conversation | None:
    return session.scalar(
        select(Conversation).where(
            Conversation.channel == channel,
            Conversation.chat_id == chat_id,
            Conversation.user_id == user_id,
        )
    )


def _view(row: Conversation) -> Step:
    return Step(
        row.channel, row.chat_id, row.user_id, row.kind, row.step, json.loads(row.data),
        row.expires_at,
    )  # fmt: skip


def start(
    session: Session,
    *,
    channel: str,
    chat_id: str,
    user_id: str,
    kind: str,
    step: str,
    data: dict[str, Any],
    now: datetime,
    ttl: timedelta,
) -> Step:
    """Open a conversation; one the person had open in this chat is replaced."""
    row = _row(session, channel, chat_id, user_id)
    if row is None:
        row = Conversation(channel=channel, chat_id=chat_id, user_id=user_id)
        session.add(row)
    row.kind, row.step, row.data = kind, step, json.dumps(data, ensure_ascii=False)
    row.expires_at, row.updated_at = now + ttl, now
    session.flush()
    return _view(row)


def get(
    session: Session, *, channel: str, chat_id: str, user_id: str, now: datetime, kind: str = ""
) -> Step | None:
    """The person's open conversation in this chat (of ``kind``, when given); None if there is
    none, it has expired or it is of another kind."""
    row = _row(session, channel, chat_id, user_id)
    if row is None or row.expires_at <= now or (kind and row.kind != kind):
        return None
    return _view(row)


def find(
    session: Session, *, channel: str, chat_id: str, kind: str, now: datetime, **match: object
) -> Step | None:
    """Anyone's open conversation of ``kind`` in this chat whose data has the ``match`` values
    (a prompt another person replies to)."""
    rows = session.scalars(
        select(Conversation).where(
            Conversation.channel == channel,
            Conversation.chat_id == chat_id,
            Conversation.kind == kind,
            Conversation.expires_at > now,
        )
    )
    for row in rows:
        view = _view(row)
        if all(view.data.get(key) == value for key, value in match.items()):
            return view
    return None


def open_steps(session: Session, *, channel: str, kind: str, now: datetime) -> list[Step]:
    """Every open conversation of ``kind`` on a channel (what a restarted bot continues)."""
    rows = session.scalars(
        select(Conversation)
        .where(
            Conversation.channel == channel,
            Conversation.kind == kind,
            Conversation.expires_at > now,
        )
        .order_by(Conversation.id)
    )
    return [_view(row) for row in rows]


def advance(
    session: Session,
    *,
    channel: str,
    chat_id: str,
    user_id: str,
    step: str,
    data: dict[str, Any],
    now: datetime,
    ttl: timedelta,
) -> Step | None:
    """Move an open conversation to ``step`` with ``data`` (merged); None if it is gone."""
    row = _row(session, channel, chat_id, user_id)
    if row is None or row.expires_at <= now:
        return None
    row.step = step
    row.data = json.dumps({**json.loads(row.data), **data}, ensure_ascii=False)
    row.expires_at, row.updated_at = now + ttl, now
    session.flush()
    return _view(row)


def finish(
    session: Session, *, channel: str, chat_id: str, user_id: str, kind: str = ""
) -> Step | None:
    """Close the person's conversation in this chat (only one of ``kind``, when given); what
    it was (None if there was none)."""
    row = _row(session, channel, chat_id, user_id)
    if row is None or (kind and row.kind != kind):
        return None
    view = _view(row)
    session.delete(row)
    session.flush()
    return view


def expired(
    session: Session, *, channel: str, chat_id: str, kind: str, now: datetime, **match: object
) -> Step | None:
    """A conversation of ``kind`` in this chat whose time is up but that is not deleted yet
    (``expire`` keeps them a while): so that a late answer is told it came too late."""
    rows = session.scalars(
        select(Conversation).where(
            Conversation.channel == channel,
            Conversation.chat_id == chat_id,
            Conversation.kind == kind,
            Conversation.expires_at <= now,
        )
    )
    for row in rows:
        view = _view(row)
        if all(view.data.get(key) == value for key, value in match.items()):
            return view
    return None


def expire(
    session: Session, now: datetime, *, kept: timedelta = timedelta(0), limit: int = 500
) -> list[Step]:
    """Delete up to ``limit`` conversations whose time ran out more than ``kept`` ago, the
    oldest first (``expires_at`` is indexed); what they were (e.g. to remove staged files)."""
    rows = session.scalars(
        select(Conversation)
        .where(Conversation.expires_at <= now - kept)
        .order_by(Conversation.expires_at, Conversation.id)
        .limit(limit)
    ).all()
    if rows:
        session.execute(delete(Conversation).where(Conversation.id.in_([r.id for r in rows])))
    return [_view(row) for row in rows]
