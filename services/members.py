"""People and chats: who someone is, what a chat stands for, and who may do what."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from models import (
    ChatLink,
    Invite,
    Outbox,
    Reminder,
    Satker,
    Snooze,
    Unreachable,
    User,
    UserIdentity,
)
from services import audit, events, notices, texts
from services.errors import ZibotError
from services.identities import addresses as addresses
from services.invites import lookup_hashes
from services.outbox import enqueue, outbox_row
from services.reminders import lock_planning

log = logging.getLogger(__name__)

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
    # False once the bot was removed from the group: nothing is sent there until /hubungkan.
    active: bool = True


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
    return (
        select(User)
        .join(UserIdentity, UserIdentity.user_id == User.id)
        .where(UserIdentity.channel == channel, UserIdentity.external_id == str(external_id))
    )


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
            user.telegram_id = int(external_id)  # the mirror; the identity follows on flush
        elif channel == "whatsapp":
            user.whatsapp = str(external_id)
        else:
            user.identities.append(UserIdentity(channel=channel, external_id=str(external_id)))
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
    events.publish(session, events.ChatLinked(channel, str(external_id)))  # a new recipient
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
    return ChatScope(satker, link.is_province, link.active)


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
    link.active, link.left_at = True, None  # the bot was added back to the group
    mark_reachable(session, channel, chat_id)
    events.publish(session, events.ChatLinked(channel, str(chat_id)))  # a new recipient
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


# --- group lifecycle: a group that became a supergroup, a bot removed from a group ----------

# A link deactivated this shortly before its group's migration was closed by the migration
# itself (the old group ends), not by someone removing the bot: it comes back with the move.
MIGRATION_GRACE = timedelta(minutes=5)
LOST_KEY = "grup-lepas"
REMOVED_ERROR = "bot removed from the chat"


def _link(session: Session, channel: str, chat_id: str) -> ChatLink | None:
    return session.scalar(
        select(ChatLink).where(ChatLink.channel == channel, ChatLink.chat_id == chat_id)
    )


def _move_rows(
    session: Session,
    model: type[Snooze] | type[Reminder] | type[Unreachable],
    columns: tuple[str, ...],
    channel: str,
    old: str,
    new: str,
) -> int:
    """Give the old chat's rows to the new chat; drop those the new chat already has (the
    unique keys hold, and a row moved twice is simply not there the second time)."""
    twin = aliased(model)
    same = [getattr(twin, column) == getattr(model, column) for column in columns]
    mine = (model.channel == channel, model.chat_id == old)
    session.execute(
        delete(model)
        .where(*mine, exists().where(twin.channel == channel, twin.chat_id == new, *same))
        .execution_options(synchronize_session=False)
    )
    moved = session.execute(
        update(model).where(*mine).values(chat_id=new).execution_options(synchronize_session=False)
    )
    return int(moved.rowcount)  # type: ignore[attr-defined]


def move_chat(
    session: Session, *, channel: str, old_chat_id: str | int, new_chat_id: str | int, now: datetime
) -> bool:
    """A group became a supergroup with a new id: its link, pending messages, snoozes,
    reminders (so their unique keys still dedupe) and unreachable mark follow it.

    Both service messages (``migrate_to_chat_id`` in the old group, ``migrate_from_chat_id``
    in the new one) and a send refused with ``ChatMigrated`` call this, in any order and on any
    replica: the move is idempotent, and rows the new chat already has win over the old ones.
    Returns whether anything moved.
    """
    old, new = str(old_chat_id), str(new_chat_id)
    if old == new:
        return False
    lock_planning(session)  # the sweep must not plan for the old id while it moves
    # A write first: on SQLite it takes the database's write lock before anything is read.
    pending = session.execute(
        update(Outbox)
        .where(Outbox.channel == channel, Outbox.chat_id == old, Outbox.status == "pending")
        .values(chat_id=new)
        .execution_options(synchronize_session=False)
    )
    moved = waiting = int(pending.rowcount)  # type: ignore[attr-defined]
    revived: ChatLink | None = None
    old_link = _link(session, channel, old)
    if old_link is not None:
        if _link(session, channel, new) is None:
            old_link.chat_id = new
            left = old_link.left_at
            if not old_link.active and left is not None and now - left <= MIGRATION_GRACE:
                old_link.active, old_link.left_at = True, None
                revived = old_link
        else:
            session.delete(old_link)  # linked again in the new chat already: that link wins
        moved += 1
        audit.record(
            session,
            now=now,
            actor=f"{channel}:migrasi",
            action="pindah_grup",
            entity="chat_link",
            entity_id=new,
            dari=old,
        )
    moved += _move_rows(session, Snooze, ("target_id", "until"), channel, old, new)
    moved += _move_rows(session, Reminder, ("target_id", "stage"), channel, old, new)
    moved += _move_rows(session, Unreachable, (), channel, old, new)
    if revived is not None:
        _undo_removal(session, channel, old, new, since=revived.linked_at)
    session.flush()
    if waiting or revived is not None:
        # What waited for the old id goes to the new one now, not at the next sweep.
        events.publish(session, events.OutboxQueued(waiting))
    return moved > 0


def _undo_removal(session: Session, channel: str, old: str, new: str, since: datetime) -> None:
    """The removal was the old group closing: what it stopped goes on in the new chat."""
    mark_reachable(session, channel, new)
    session.execute(
        update(Outbox)
        .where(
            Outbox.channel == channel,
            Outbox.chat_id == old,
            Outbox.status == "undeliverable",
            Outbox.last_error.like(f"{REMOVED_ERROR}%"),
            Outbox.created_at >= since,
        )
        .values(status="pending", chat_id=new, last_error=None)
        .execution_options(synchronize_session=False)
    )
    # The province was told the group lost the bot: unsay it if it is not out yet.
    session.execute(
        update(Outbox)
        .where(Outbox.key.like(f"{LOST_KEY}:{channel}:{old}:%"), Outbox.status == "pending")
        .values(status="expired")
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class BotRemoval:
    """A linked group lost the bot: what it was linked to, and how many were told."""

    scope: ChatScope
    title: str | None
    notified: int


def bot_removed(
    session: Session,
    *,
    channel: str,
    chat_id: str | int,
    status: str,
    now: datetime,
    today: date,
) -> BotRemoval | None:
    """The bot was removed from a group (``left`` or ``kicked``): its link goes inactive, the
    messages waiting for it are undeliverable, and the province group learns which satker's
    group lost the bot. None when the group was not linked, or was already inactive (the same
    update again, or a second replica)."""
    chat = str(chat_id)
    link = _link(session, channel, chat)
    if link is None or not link.active:
        return None
    # Conditional, so that of two processes learning it at once (the update on one, a refused
    # send on another) only one goes on to tell the province: on PostgreSQL the second waits
    # for the first's row lock, then finds the link inactive.
    taken = session.execute(
        update(ChatLink)
        .where(ChatLink.id == link.id, ChatLink.active.is_(True))
        .values(active=False, left_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(link)
    reason = f"{REMOVED_ERROR} ({status})"
    # Pending rows would only fail with 403 one by one: they are undeliverable now. The mark
    # also keeps any sender that reads ChatLink without the active flag away from the chat.
    session.execute(
        update(Outbox)
        .where(Outbox.channel == channel, Outbox.chat_id == chat, Outbox.status == "pending")
        .values(status="undeliverable", last_error=reason)
        .execution_options(synchronize_session=False)
    )
    known = session.scalar(
        select(Unreachable.id).where(Unreachable.channel == channel, Unreachable.chat_id == chat)
    )
    if known is None:
        try:
            with session.begin_nested():  # the outbox may learn it at the same moment
                session.add(Unreachable(channel=channel, chat_id=chat, reason=reason, since=now))
        except IntegrityError:
            pass
    satker = SatkerRef.of(link.satker) if link.satker else None
    scope = ChatScope(satker, link.is_province, active=False)
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{status}",
        action="bot_keluar",
        entity="chat_link",
        entity_id=chat,
        satker=satker.code if satker else "provinsi",
    )
    if satker is None:
        log.warning("The bot was removed (%s) from the province group %s:%s", status, channel, chat)
        return BotRemoval(scope, link.title, 0)
    blocked = {(u.channel, u.chat_id) for u in session.scalars(select(Unreachable))}
    provinces = [
        p.chat_id
        for p in session.scalars(
            select(ChatLink).where(
                ChatLink.channel == channel,
                ChatLink.is_province.is_(True),
                ChatLink.active.is_(True),
            )
        )
        if (p.channel, p.chat_id) not in blocked
    ]
    if not provinces:
        log.warning("No province group to tell that %s lost the bot (%s)", satker.code, chat)
    notice = notices.GroupLost(title=link.title or chat, satker=satker.name, code=satker.code)
    stamp = int(now.timestamp())
    rows = [
        outbox_row(
            key=f"{LOST_KEY}:{channel}:{chat}:{stamp}:{province}",
            kind="grup",
            chat_id=province,
            day=today,
            notice=notice,
            now=now,
            channel=channel,
        )
        for province in provinces
    ]
    return BotRemoval(scope, link.title, enqueue(session, rows))


def bot_added(session: Session, *, channel: str, chat_id: str | int) -> ChatScope | None:
    """The bot was added (back) to a group: what the group was linked to before, if anything.
    Nothing is relinked: an admin or agen decides with /hubungkan."""
    link = _link(session, channel, str(chat_id))
    if link is None:
        return None
    satker = SatkerRef.of(link.satker) if link.satker else None
    return ChatScope(satker, link.is_province, link.active)
