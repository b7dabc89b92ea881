"""/tautkan: a person registered on one channel links another chat account to themselves.

The registered account asks for a one-time code (``issue_link_code``); the other account sends
it back (``redeem_link_code``), and from then on both are the same person: one ``app_user``
with one ``user_identity`` per channel. Works in either direction (Telegram → WhatsApp or
WhatsApp → Telegram); only the code's SHA-256 is stored, and it expires after
``LINK_CODE_MINUTES``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models import LinkCode, User, UserIdentity
from services import access, audit, events, members, texts
from services.access import Caller
from services.errors import ZibotError
from services.invites import ALPHABET, normalise_code
from services.members import Member
from services.usecases.base import UseCase

LINK_CODE_MINUTES = 15
CODE_GROUPS = (4, 4)  # 7QXR-9F2M: 8 characters of 31 (39.6 bits), for 15 minutes, once
WHATSAPP_MAX = 32  # app_user.whatsapp (a mirror of the identity) holds up to 32


@dataclass(frozen=True)
class IssuedLinkCode:
    """A code to send from the other account, and until when it works."""

    code: str
    expires_at: datetime
    minutes: int


@dataclass(frozen=True)
class LinkedAccount:
    """The account that sent the code now belongs to ``member`` (``already``: it did before)."""

    member: Member
    channel: str
    already: bool


def hash_link_code(code: str) -> str:
    """The stored form of a link code (case, dashes and spaces do not count)."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_link_code() -> str:
    """A fresh code such as ``7QXR-9F2M``."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(n)) for n in CODE_GROUPS)


def channel_label(channel: str) -> str:
    """How a channel is named to people."""
    return texts.CHANNEL_LABELS.get(channel, channel)


class Linking(UseCase):
    """Link codes: issue one for a registered person, redeem it from another account."""

    def issue_link_code(self, caller: Caller) -> IssuedLinkCode:
        """A new one-time code for the registered caller (private chats only); it replaces the
        caller's earlier unused codes."""
        if not caller.is_private:
            raise ZibotError(texts.PRIVATE_ONLY)
        now = self.now()
        with self._sessions.begin() as session:
            member = access.member(session, caller)
            session.execute(
                delete(LinkCode).where(LinkCode.user_id == member.id, LinkCode.used_at.is_(None))
            )
            code = new_link_code()
            expires = now + timedelta(minutes=LINK_CODE_MINUTES)
            session.add(
                LinkCode(
                    user_id=member.id,
                    code_hash=hash_link_code(code),
                    created_at=now,
                    expires_at=expires,
                )
            )
            audit.record(
                session,
                now=now,
                actor=f"{caller.channel}:{caller.user_id}",
                actor_id=member.id,
                action="kode_tautan",
                entity="app_user",
                entity_id=member.id,
            )
        return IssuedLinkCode(code, expires, LINK_CODE_MINUTES)

    def revoke_link_code(self, code: str) -> bool:
        """A code shown in a group is seen by everyone there: make it unusable."""
        if not normalise_code(code):
            return False
        with self._sessions.begin() as session:
            gone = session.execute(
                delete(LinkCode).where(
                    LinkCode.code_hash == hash_link_code(code), LinkCode.used_at.is_(None)
                )
            )
            return bool(gone.rowcount)  # type: ignore[attr-defined]

    def redeem_link_code(
        self, channel: str, external_id: str, code: str, now: datetime | None = None
    ) -> LinkedAccount:
        """Link the account ``(channel, external_id)`` that sent ``code`` to the person who
        asked for the code. ``ZibotError`` (in Indonesian) when the code is unknown, used or
        expired, when that account belongs to someone else, or when the person already has
        another account on that channel."""
        if not normalise_code(code):
            raise ZibotError(texts.LINK_USAGE)
        now = now or self.now()
        with self._sessions.begin() as session:
            return _redeem(session, channel, str(external_id), code, now)


def _redeem(
    session: Session, channel: str, external_id: str, code: str, now: datetime
) -> LinkedAccount:
    row = session.scalar(select(LinkCode).where(LinkCode.code_hash == hash_link_code(code)))
    if row is None:
        raise ZibotError(texts.LINK_CODE_UNKNOWN)
    owner = members.find_member(session, channel, external_id)
    if owner is not None and owner.id == row.user_id:
        return LinkedAccount(owner, channel, already=True)
    if owner is not None:
        raise ZibotError(texts.LINK_OTHER_USER.format(channel=channel_label(channel)))
    if row.used_at is not None:
        raise ZibotError(texts.LINK_CODE_USED)
    if row.expires_at <= now:
        raise ZibotError(texts.LINK_CODE_EXPIRED.format(minutes=LINK_CODE_MINUTES))
    user = session.get(User, row.user_id)
    assert user is not None  # the code goes with its user (ON DELETE CASCADE)
    if any(identity.channel == channel for identity in user.identities):
        raise ZibotError(texts.LINK_CHANNEL_TAKEN.format(channel=channel_label(channel)))
    claimed = session.execute(
        update(LinkCode)
        .where(LinkCode.id == row.id, LinkCode.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ZibotError(texts.LINK_CODE_USED)
    user.identities.append(UserIdentity(channel=channel, external_id=external_id))
    if channel == "telegram" and user.telegram_id is None:
        user.telegram_id = int(external_id)  # the mirror of the identity just added
    elif channel == "whatsapp" and user.whatsapp is None and len(external_id) <= WHATSAPP_MAX:
        user.whatsapp = external_id
    session.flush()
    members.mark_reachable(session, channel, external_id)
    events.publish(session, events.ChatLinked(channel, external_id))  # a new recipient
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{external_id}",
        actor_id=user.id,
        action="tautkan",
        entity="user_identity",
        entity_id=user.id,
        channel=channel,
    )
    member = members.find_member(session, channel, external_id)
    assert member is not None
    return LinkedAccount(member, channel, already=False)
