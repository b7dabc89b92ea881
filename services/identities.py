"""People's chat identities and addresses: every recipient is (channel, chat id as text)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import UserIdentity
from services.errors import ZibotError

TELEGRAM = "telegram"
# The channels messages go out through (set by the composition root, ``use_channels``): a
# person is written to at their identities on these only, so an identity of a channel the
# bot does not run yet (a WhatsApp number before WhatsApp is configured) gets nothing.
_sending: set[str] = {TELEGRAM}


def use_channels(*channels: str) -> None:
    """Declare the channels that deliver messages in this process."""
    _sending.clear()
    _sending.update(channels)


def sending_channels() -> frozenset[str]:
    return frozenset(_sending)


@dataclass(frozen=True)
class Address:
    """Where a message goes: a channel and a chat id in it (text)."""

    channel: str
    chat_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id}"


def parse_address(value: str, *, channels: Iterable[str] = ("telegram", "whatsapp")) -> Address:
    """``channel:id``, or a bare Telegram chat id (``-1001234``); ``ZibotError`` otherwise."""
    value = value.strip()
    channel, sep, chat_id = value.partition(":")
    if not sep:
        channel, chat_id = TELEGRAM, value
    channel, chat_id = channel.strip().lower(), chat_id.strip()
    if channel not in set(channels) or not chat_id or len(chat_id) > 64:
        raise ZibotError(f"not an address: {value!r}")
    if channel == TELEGRAM and not chat_id.lstrip("-").isdigit():
        raise ZibotError(f"not a Telegram chat id: {chat_id!r}")
    return Address(channel, chat_id)


def addresses(session: Session, user_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Each person's private chats, as (channel, chat id): one per identity on a channel
    that delivers (``use_channels``)."""
    found: dict[int, list[tuple[str, str]]] = {}
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), 5000):
        for user_id, channel, external_id in session.execute(
            select(UserIdentity.user_id, UserIdentity.channel, UserIdentity.external_id)
            .where(
                UserIdentity.user_id.in_(ids[start : start + 5000]),
                UserIdentity.channel.in_(sorted(_sending)),
            )
            .order_by(UserIdentity.id)
        ):
            found.setdefault(user_id, []).append((channel, external_id))
    return found


# --- WhatsApp's customer-service window (h-waout) -------------------------------------------

WHATSAPP = "whatsapp"
# Meta lets a business write free-form only within 24 hours of the person's last message;
# outside it, only an approved template may be sent.
WINDOW = timedelta(hours=24)


def note_inbound(session: Session, channel: str, external_id: str, now: datetime) -> bool:
    """``external_id`` of ``channel`` wrote to the bot at ``now``: its window opens (never moves
    back for a late, older message). False when no identity is known for it (a stranger)."""
    identity = session.scalar(
        select(UserIdentity).where(
            UserIdentity.channel == channel, UserIdentity.external_id == str(external_id)
        )
    )
    if identity is None:
        return False
    last = identity.last_inbound_at
    if last is None or last < now:
        identity.last_inbound_at = now
    return True


def last_inbound(session: Session, channel: str, external_id: str) -> datetime | None:
    """When ``external_id`` last wrote to the bot, if it ever did (aware, UTC)."""
    return session.scalar(
        select(UserIdentity.last_inbound_at).where(
            UserIdentity.channel == channel, UserIdentity.external_id == str(external_id)
        )
    )


def window_open(session: Session, channel: str, external_id: str, now: datetime) -> bool:
    """Whether a free-form message may go to ``external_id`` now: always outside WhatsApp,
    within 24 hours of the person's last message on WhatsApp."""
    if channel != WHATSAPP:
        return True
    last = last_inbound(session, channel, external_id)
    return last is not None and now - last < WINDOW
