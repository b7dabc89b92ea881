"""People and chats: who someone is, what a chat stands for, and who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from models import ChatLink, Invite, Satker, Unreachable, User
from services import audit, texts
from services.errors import ZibotError
from services.invites import lookup_hashes
from services.reminders import forget_stages

ADMIN, AGEN, PIMPINAN = "admin", "agen", "pimpinan"


@dataclass(frozen=True)
class SatkerRef:
    """A satker as the chat layer needs it."""

    id: int
    code: str
    name: str
    level: str

    @classmethod
    def of(cls, satker: Satker) -> SatkerRef:
        """A reference to a stored satker."""
        return cls(satker.id, satker.code, satker.name, satker.level)


@dataclass(frozen=True)
class Member:
    """A registered user with their satker and role."""

    id: int
    name: str
    role: str
    satker: SatkerRef

    @property
    def is_admin(self) -> bool:
        """Admins (Divisi Hukum dan Pengawasan) act for every satker."""
        return self.role == ADMIN


@dataclass(frozen=True)
class ChatScope:
    """What a group chat stands for: one satker, or the province coordination group."""

    satker: SatkerRef | None
    is_province: bool


@dataclass(frozen=True)
class Registration:
    """The outcome of redeeming an invite code."""

    member: Member
    already: bool


def find_member(session: Session, channel: str, external_id: str | int) -> Member | None:
    """The registered user behind a chat account, if any."""
    user = session.scalar(_user_query(channel, external_id))
    return _member(user) if user else None


def _user_query(channel: str, external_id: str | int) -> Select[User]:
    if channel == "telegram":
        return select(User).where(User.telegram_id == int(external_id))
    return select(User).where(User.whatsapp == str(external_id))


def _member(user: User) -> Member:
    return Member(user.id, user.name, user.role, SatkerRef.of(user.satker))


def redeem_invite(
    session: Session,
    *,
    code: str,
    channel: str,
    external_id: str | int,
    name: str,
    now: datetime,
) -> Registration:
    """Register a chat account with a one-time invite code (claimed atomically)."""
    invite = session.scalar(select(Invite).where(Invite.code_hash.in_(lookup_hashes(code))))
    if invite is None:
        raise ZibotError(texts.INVITE_UNKNOWN)
    user = session.scalar(_user_query(channel, external_id))
    same = (invite.satker_id, invite.role, invite.structure)
    if user is not None and (user.satker_id, user.role, user.structure) == same:
        mark_reachable(session, channel, external_id)
        return Registration(_member(user), already=True)
    if invite.used_at is not None:
        raise ZibotError(texts.INVITE_USED)
    if invite.expires_at <= now:
        raise ZibotError(texts.INVITE_EXPIRED)
    if user is None:
        user = User(
            name=name[:200] or "-",
            role=invite.role,
            structure=invite.structure,
            satker_id=invite.satker_id,
        )
        user.created_at = now
        if channel == "telegram":
            user.telegram_id = int(external_id)
        else:
            user.whatsapp = str(external_id)
        session.add(user)
    else:
        user.role, user.satker_id = invite.role, invite.satker_id
        user.structure = invite.structure
    session.flush()
    claimed = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now, used_by_id=user.id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ZibotError(texts.INVITE_USED)
    session.refresh(user)
    mark_reachable(session, channel, external_id)
    forget_stages(session)  # a new recipient: let the next sweep look at every target again
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{external_id}",
        actor_id=user.id,
        action="daftar",
        entity="app_user",
        entity_id=user.id,
        role=invite.role,
        satker=user.satker.code,
    )
    return Registration(_member(user), already=False)


def mark_reachable(session: Session, channel: str, chat_id: str | int) -> None:
    """Someone wrote from this chat again (it unblocked the bot): reminders may resume."""
    session.execute(
        delete(Unreachable).where(
            Unreachable.channel == channel, Unreachable.chat_id == str(chat_id)
        )
    )


def revoke_invite(session: Session, *, code: str, now: datetime, actor: str) -> bool:
    """Make an unused invite code unusable (it leaked); return whether one was revoked."""
    invite = session.scalar(select(Invite).where(Invite.code_hash.in_(lookup_hashes(code))))
    if invite is None or invite.used_at is not None:
        return False
    invite.used_at = now  # used_by stays empty: revoked, not redeemed
    audit.record(
        session, now=now, actor=actor, action="cabut_undangan", entity="invite", entity_id=invite.id
    )
    return True


def chat_scope(session: Session, channel: str, chat_id: str | int) -> ChatScope | None:
    """What a group is linked to, or None when it is not linked."""
    link = session.scalar(
        select(ChatLink).where(ChatLink.channel == channel, ChatLink.chat_id == str(chat_id))
    )
    if link is None:
        return None
    satker = SatkerRef.of(link.satker) if link.satker else None
    return ChatScope(satker, link.is_province)


def may_link(member: Member, target: SatkerRef | None, current: ChatScope | None = None) -> bool:
    """Admins link any group; an agen links an unlinked group (or one already linked to their
    satker) to their own satker only, so nobody takes over the province or another satker."""
    if member.is_admin:
        return True
    if member.role != AGEN or target is None or target.id != member.satker.id:
        return False
    return current is None or (current.satker is not None and current.satker.id == target.id)


def may_report(member: Member, satker: SatkerRef) -> bool:
    """Admins update any satker; an agen updates their own satker only."""
    if member.is_admin:
        return True
    return member.role == AGEN and member.satker.id == satker.id


def link_chat(
    session: Session,
    *,
    channel: str,
    chat_id: str | int,
    title: str | None,
    member: Member,
    target: SatkerRef | None,
    now: datetime,
) -> ChatScope:
    """Link a group to a satker (or the province when ``target`` is None); relinking moves it."""
    link = session.scalar(
        select(ChatLink).where(ChatLink.channel == channel, ChatLink.chat_id == str(chat_id))
    )
    current = None
    if link is not None:
        current = ChatScope(SatkerRef.of(link.satker) if link.satker else None, link.is_province)
    if not may_link(member, target, current):
        raise ZibotError(texts.LINK_FORBIDDEN)
    if link is None:
        link = ChatLink(channel=channel, chat_id=str(chat_id))
        session.add(link)
    link.satker_id = target.id if target else None
    link.is_province = target is None
    link.title = (title or "")[:200] or None
    link.linked_by_id = member.id
    link.linked_at = now
    mark_reachable(session, channel, chat_id)
    forget_stages(session)  # a new recipient: let the next sweep look at every target again
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{member.id}",
        actor_id=member.id,
        action="hubungkan",
        entity="chat_link",
        entity_id=chat_id,
        satker=target.code if target else "provinsi",
    )
    session.flush()
    return ChatScope(target, target is None)
