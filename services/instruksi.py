"""Instruksi: broadcast to every satker group and to both leadership lines, with read receipts."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ChatLink, Instruksi, InstruksiRead, Satker, Unreachable, User
from services import audit, bounds, notices, texts
from services.calendar import WorkCalendar
from services.errors import NotFound, ZibotError
from services.identities import addresses
from services.members import Member
from services.numbering import next_number
from services.outbox import enqueue, outbox_row

MAX_TEXT = bounds.MAX_TEXT  # one message; the bot splits the broadcast when it needs to
STRUCTURES = ("komisioner", "sekretariat")
_NUMBER = re.compile(r"^\s*(?:INS-(\d{4})-)?(\d{1,6})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Broadcast:
    """What /instruksi did."""

    number: str
    groups: int
    leaders: int


@dataclass(frozen=True)
class PersonStatus:
    """One pimpinan and whether they confirmed."""

    name: str
    structure: str | None
    confirmed_at: datetime | None


@dataclass(frozen=True)
class SatkerStatus:
    """Confirmations of one satker's pimpinan, by structure."""

    satker_code: str
    satker_name: str
    people: list[PersonStatus]


@dataclass(frozen=True)
class InstruksiStatus:
    """Who has and has not confirmed an instruction."""

    number: str
    text: str
    created_at: datetime
    satkers: list[SatkerStatus]
    other_confirmations: int  # group members who are not pimpinan


def _blocked(session: Session) -> set[tuple[str, str]]:
    return {(u.channel, u.chat_id) for u in session.scalars(select(Unreachable))}


def _where(channel: str, chat: str) -> str:
    """A chat in an outbox key: Telegram's as before, others named with their channel."""
    return chat if channel == "telegram" else f"{channel}:{chat}"


def _row(
    key: str, chat_id: str, notice: notices.Notice, now: datetime, tz: ZoneInfo, **extra: Any
) -> dict[str, Any]:
    return outbox_row(
        key=key, kind="instruksi", chat_id=chat_id, day=now.astimezone(tz).date(),
        notice=notice, now=now, **extra,
    )  # fmt: skip


def broadcast(
    session: Session,
    *,
    admin: Member,
    text: str,
    attachment: tuple[str, str] | None,
    now: datetime,
    tz: ZoneInfo,
    channel: str,
) -> Broadcast:
    """Record an instruction and one outbox message per satker group and per pimpinan."""
    if not admin.is_admin:
        raise ZibotError(texts.INSTRUKSI_ADMIN_ONLY)
    body = text.strip()
    if not body:
        raise ZibotError(texts.INSTRUKSI_USAGE)
    if len(body) > MAX_TEXT:
        raise ZibotError(texts.INSTRUKSI_TOO_LONG.format(length=len(body), limit=MAX_TEXT))
    year = now.astimezone(tz).year
    item = Instruksi(
        year=year,
        seq=next_number(session, f"instruksi:{year}"),
        text=body,
        attachment=attachment[0] if attachment else None,
        attachment_type=attachment[1] if attachment else None,
        created_by_id=admin.id,
        created_at=now,
    )
    session.add(item)
    session.flush()
    blocked = _blocked(session)
    groups = [
        (link.channel, link.chat_id)
        for link in session.scalars(
            select(ChatLink).where(
                ChatLink.satker_id.is_not(None),
                ChatLink.active.is_(True),
            )
        )
        if (link.channel, link.chat_id) not in blocked
    ]
    pimpinan = session.scalars(select(User.id).where(User.role == "pimpinan")).all()
    reached = {
        user_id: [chat for chat in chats if chat not in blocked]
        for user_id, chats in addresses(session, pimpinan).items()
    }
    leaders = [chat for chats in reached.values() for chat in chats]
    message = notices.InstruksiNotice(item.id, item.number, item.text, admin.name)
    rows: list[dict[str, object]] = []
    for channel, chat in dict.fromkeys(groups + leaders):
        where = _where(channel, chat)
        rows.append(_row(f"instruksi:{item.id}:{where}", chat, message, now, tz, channel=channel))
        if item.attachment:
            rows.append(
                _row(
                    f"instruksi:{item.id}:{where}:lampiran",
                    chat,
                    notices.InstruksiAttachment(item.number),
                    now,
                    tz,
                    attachment=item.attachment,
                    attachment_type=item.attachment_type,
                    channel=channel,
                )
            )
    enqueue(session, rows)
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{admin.id}",
        actor_id=admin.id,
        action="instruksi",
        entity="instruksi",
        entity_id=item.number,
        groups=len(groups),
        leaders=sum(1 for chats in reached.values() if chats),
    )
    return Broadcast(item.number, len(groups), sum(1 for chats in reached.values() if chats))


def confirm(
    session: Session, *, member: Member, instruksi_id: int, now: datetime, channel: str
) -> tuple[str, bool]:
    """Record that ``member`` read the instruction; (number, whether it was already recorded)."""
    item = session.get(Instruksi, instruksi_id)
    if item is None:
        raise NotFound(texts.INSTRUKSI_UNKNOWN.format(number=instruksi_id))
    known = session.scalar(
        select(InstruksiRead.id).where(
            InstruksiRead.instruksi_id == item.id, InstruksiRead.user_id == member.id
        )
    )
    if known is not None:
        return item.number, True
    try:
        with session.begin_nested():
            session.add(InstruksiRead(instruksi_id=item.id, user_id=member.id, confirmed_at=now))
    except IntegrityError:
        return item.number, True  # pressed twice at the same instant
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{member.id}",
        actor_id=member.id,
        action="dibaca",
        entity="instruksi",
        entity_id=item.number,
    )
    return item.number, False


def find(session: Session, number: str | None) -> Instruksi:
    """An instruction by number (``INS-2026-0003`` or ``3``), or the latest one."""
    if not number or not number.strip():
        latest = session.scalar(select(Instruksi).order_by(Instruksi.id.desc()).limit(1))
        if latest is None:
            raise NotFound(texts.INSTRUKSI_NONE)
        return latest
    match = _NUMBER.match(number)
    if not match:
        raise ZibotError(texts.INSTRUKSI_BAD_NUMBER.format(value=number.strip()))
    query = select(Instruksi).where(Instruksi.seq == int(match.group(2)))
    if match.group(1):
        query = query.where(Instruksi.year == int(match.group(1)))
    item = session.scalar(query.order_by(Instruksi.year.desc()).limit(1))
    if item is None:
        raise NotFound(texts.INSTRUKSI_UNKNOWN.format(number=number.strip()))
    return item


def status(session: Session, item: Instruksi) -> InstruksiStatus:
    """Per satker and per structure: which pimpinan confirmed and who has not."""
    reads = {
        r.user_id: r.confirmed_at
        for r in session.scalars(select(InstruksiRead).where(InstruksiRead.instruksi_id == item.id))
    }
    people: dict[int, list[PersonStatus]] = defaultdict(list)
    leader_ids: set[int] = set()
    for user in session.scalars(select(User).where(User.role == "pimpinan").order_by(User.name)):
        leader_ids.add(user.id)
        people[user.satker_id].append(PersonStatus(user.name, user.structure, reads.get(user.id)))
    satkers = [
        SatkerStatus(s.code, s.name, people.get(s.id, []))
        for s in session.scalars(select(Satker).order_by(Satker.code))
    ]
    others = sum(1 for user_id in reads if user_id not in leader_ids)
    return InstruksiStatus(item.number, item.text, item.created_at, satkers, others)


def plan_reminders(session: Session, now: datetime, tz: ZoneInfo, *, calendar: WorkCalendar) -> int:
    """One reminder, after one working day, to each pimpinan who has not confirmed."""
    today = now.astimezone(tz).date()
    if not calendar.is_working_day(today):
        return 0
    count = 0
    for item in session.scalars(select(Instruksi).where(Instruksi.reminded_at.is_(None))):
        if calendar.working_days_after(item.created_at.astimezone(tz).date(), today) < 1:
            continue
        confirmed = set(
            session.scalars(
                select(InstruksiRead.user_id).where(InstruksiRead.instruksi_id == item.id)
            )
        )
        blocked = _blocked(session)
        rows = []
        leaders = session.scalars(
            select(User.id).where(
                User.role == "pimpinan",
                User.created_at <= item.created_at,  # latecomers never received it
            )
        ).all()
        for user_id, chats in addresses(session, leaders).items():
            if user_id in confirmed:
                continue
            for channel, chat in chats:
                if (channel, chat) in blocked:
                    continue
                key = f"instruksi:{item.id}:ingat:{user_id}"
                rows.append(
                    _row(
                        key if channel == "telegram" else f"{key}:{channel}",
                        chat,
                        notices.InstruksiReminder(
                            item.id, item.number, bounds.excerpt(item.text, 500)
                        ),
                        now,
                        tz,
                        channel=channel,
                    )
                )
        enqueue(session, rows)
        count += len(rows)
        item.reminded_at = now
    return count
