"""Kendala tickets: reported by a satker, posted to the province, answered, escalated."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ChatLink, Kendala, RencanaAksi, Target, Unreachable
from services import audit, bounds, events, notices, texts
from services.calendar import WorkCalendar, load_calendar
from services.errors import NotFound, ZibotError
from services.formatting import waktu
from services.identities import addresses, parse_address
from services.members import Member
from services.numbering import next_number
from services.outbox import enqueue, outbox_row
from services.status import TicketStatus

CATEGORIES: dict[str, str] = {
    "anggaran": "Anggaran",
    "sarpras": "Sarana prasarana",
    "bukti": "Bukti dukung",
    "sdm": "SDM",
    "koordinasi": "Koordinasi/instruksi",
    "lainnya": "Lainnya",
}
REOPEN_DAYS = 7
_NUMBER = re.compile(r"^\s*KDL-(\d{4})-(\d{1,6})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    """A file that came with a message, stored under the evidence directory."""

    path: str  # relative to ZIBOT_EVIDENCE_DIR
    mime_type: str
    name: str


@dataclass(frozen=True)
class TicketView:
    """A ticket as people read it."""

    id: int
    number: str
    satker_code: str
    satker_name: str
    reporter: str
    item: str | None
    category: str
    description: str
    status: str
    created_at: datetime
    age_working_days: int
    answer: str | None
    posted: bool


def parse_number(text: str) -> tuple[int, int]:
    """``KDL-2026-0007`` → (2026, 7), or a ``ZibotError`` saying how it should look."""
    match = _NUMBER.match(text or "")
    if not match:
        raise ZibotError(texts.KENDALA_BAD_NUMBER.format(value=text.strip()))
    return int(match.group(1)), int(match.group(2))


def find(session: Session, number: str) -> Kendala:
    """The ticket with that number."""
    year, seq = parse_number(number)
    ticket = session.scalar(select(Kendala).where(Kendala.year == year, Kendala.seq == seq))
    if ticket is None:
        raise NotFound(texts.KENDALA_UNKNOWN.format(number=number.strip().upper()))
    return ticket


def create(
    session: Session,
    *,
    member: Member,
    satker_id: int,
    target_id: int | None,
    category: str,
    description: str,
    attachment: Attachment | None,
    channel: str,
    origin_chat_id: str,
    now: datetime,
    tz: ZoneInfo,
) -> Kendala:
    """Save a new ticket (before anything is sent) and give it its number."""
    if category not in CATEGORIES:
        raise ZibotError(texts.KENDALA_BAD_CATEGORY)
    text = bounds.check_text(description.strip(), texts.INPUT_WHAT_KENDALA)
    if not text:
        raise ZibotError(texts.KENDALA_EMPTY)
    year = now.astimezone(tz).year
    ticket = Kendala(
        year=year,
        seq=next_number(session, f"kendala:{year}"),
        satker_id=satker_id,
        reporter_id=member.id,
        target_id=target_id,
        category=category,
        description=text,
        attachment=attachment.path if attachment else None,
        attachment_type=attachment.mime_type if attachment else None,
        attachment_name=attachment.name if attachment else None,
        channel=channel,
        origin_chat_id=origin_chat_id,
        status=TicketStatus.BARU.value,
        created_at=now,
        round=1,
    )
    session.add(ticket)
    session.flush()
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{member.id}",
        actor_id=member.id,
        action="kendala",
        entity="kendala",
        entity_id=ticket.number,
        category=category,
        target=target_id,
    )
    events.publish(session, events.TicketWaiting(ticket.id))  # posted by the sweep, now
    return ticket


def _province_chats(session: Session) -> list[ChatLink]:
    blocked = {(u.channel, u.chat_id) for u in session.scalars(select(Unreachable))}
    return [
        link
        for link in session.scalars(
            select(ChatLink).where(
                ChatLink.is_province.is_(True),
                ChatLink.active.is_(True),
            )
        )
        if (link.channel, link.chat_id) not in blocked
    ]


def _satker_chats(session: Session, satker_id: int) -> list[tuple[str, str]]:
    return [
        (channel, chat_id)
        for channel, chat_id in session.execute(
            select(ChatLink.channel, ChatLink.chat_id).where(
                ChatLink.satker_id == satker_id,
                ChatLink.active.is_(True),
            )
        )
    ]


def _item_label(session: Session, ticket: Kendala) -> str:
    if ticket.target_id is None:
        return texts.KENDALA_GENERAL
    row = session.execute(
        select(RencanaAksi.code, RencanaAksi.activity)
        .join(Target, Target.item_id == RencanaAksi.id)
        .where(Target.id == ticket.target_id)
    ).first()
    return f"{row[0]} {row[1]}" if row else texts.KENDALA_GENERAL


def post_notice(session: Session, ticket: Kendala, tz: ZoneInfo) -> notices.KendalaPost:
    """The ticket as a notice, for the province group."""
    return notices.KendalaPost(
        ticket_id=ticket.id,
        number=ticket.number,
        satker=ticket.satker.name,
        reporter=ticket.reporter.name,
        item=_item_label(session, ticket),
        category=CATEGORIES.get(ticket.category, ticket.category),
        when=waktu(ticket.created_at, tz),
        description=ticket.description,
        reopened=ticket.reopened_at is not None,
    )


def _outbox(session: Session, *, today: date, **fields: Any) -> bool:
    """Record one message unless its key is known (a retry, a second sweep)."""
    return enqueue(session, [outbox_row(day=today, **fields)]) == 1


def post_pending(session: Session, now: datetime, tz: ZoneInfo) -> int:
    """Post tickets not yet posted to the province group(s); return messages recorded."""
    waiting = list(
        session.scalars(
            select(Kendala)
            .where(Kendala.posted_at.is_(None), Kendala.status != TicketStatus.SELESAI)
            .order_by(Kendala.id)
        )
    )
    if not waiting:
        return 0
    chats = _province_chats(session)
    if not chats:
        return 0  # kept until the province group is linked
    today = now.astimezone(tz).date()
    count = 0
    for ticket in waiting:
        version = ticket.round
        for chat in chats:
            key = f"kendala:{ticket.id}:post:{version}:{chat.chat_id}"
            count += _outbox(
                session,
                key=key,
                kind="kendala",
                channel=chat.channel,
                chat_id=chat.chat_id,
                notice=post_notice(session, ticket, tz),
                now=now,
                today=today,
            )
            if ticket.attachment:
                count += _outbox(
                    session,
                    key=f"{key}:lampiran",
                    kind="kendala",
                    channel=chat.channel,
                    chat_id=chat.chat_id,
                    notice=notices.KendalaAttachment(ticket.number),
                    now=now,
                    today=today,
                    attachment=ticket.attachment,
                    attachment_type=ticket.attachment_type,
                )
        ticket.posted_at = now
    return count


def answer(
    session: Session,
    *,
    admin: Member,
    ticket: Kendala,
    text: str,
    now: datetime,
    tz: ZoneInfo,
    channel: str,
) -> Kendala:
    """Record an admin's answer and send it to the reporter and the satker's group."""
    if not admin.is_admin:
        raise ZibotError(texts.KENDALA_ADMIN_ONLY)
    body = bounds.check_text(text.strip(), texts.INPUT_WHAT_ANSWER)
    if not body:
        raise ZibotError(texts.KENDALA_ANSWER_EMPTY)
    if ticket.status == TicketStatus.SELESAI:
        raise ZibotError(texts.KENDALA_ALREADY_CLOSED.format(number=ticket.number))
    ticket.answer = body
    ticket.answered_at = now
    ticket.answered_by_id = admin.id
    ticket.status = TicketStatus.DITANGGAPI.value
    message = notices.KendalaAnswer(
        number=ticket.number,
        description=bounds.excerpt(ticket.description, 300),
        answer=body,
        admin=admin.name,
    )
    event = f"jawab:{int(now.timestamp())}:{hashlib.sha256(body.encode()).hexdigest()[:10]}"
    _notify_satker(session, ticket, message, event, now, tz)
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{admin.id}",
        actor_id=admin.id,
        action="tanggapi",
        entity="kendala",
        entity_id=ticket.number,
        answer=body,
    )
    return ticket


def close(
    session: Session, *, admin: Member, ticket: Kendala, now: datetime, tz: ZoneInfo, channel: str
) -> Kendala:
    """Close a ticket (admins); the reporter is told and may reopen it within 7 days."""
    if not admin.is_admin:
        raise ZibotError(texts.KENDALA_ADMIN_ONLY)
    if ticket.status == TicketStatus.SELESAI:
        raise ZibotError(texts.KENDALA_ALREADY_CLOSED.format(number=ticket.number))
    ticket.status = TicketStatus.SELESAI.value
    ticket.closed_at = now
    message = notices.KendalaClosed(ticket.number, REOPEN_DAYS)
    _notify_satker(
        session, ticket, message, f"selesai:{int(now.timestamp())}", now, tz, group=False
    )
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{admin.id}",
        actor_id=admin.id,
        action="tutup",
        entity="kendala",
        entity_id=ticket.number,
    )
    return ticket


def reopen(
    session: Session, *, member: Member, ticket: Kendala, now: datetime, channel: str
) -> Kendala:
    """The reporter (or an admin) reopens a closed ticket within 7 days; it is posted again."""
    if ticket.reporter_id != member.id and not member.is_admin:
        raise ZibotError(texts.KENDALA_REOPEN_FORBIDDEN)
    if ticket.status != TicketStatus.SELESAI or ticket.closed_at is None:
        raise ZibotError(texts.KENDALA_NOT_CLOSED.format(number=ticket.number))
    if now - ticket.closed_at > timedelta(days=REOPEN_DAYS):
        raise ZibotError(
            texts.KENDALA_REOPEN_TOO_LATE.format(number=ticket.number, days=REOPEN_DAYS)
        )
    ticket.status = TicketStatus.BARU.value
    ticket.reopened_at = now
    ticket.round = (ticket.round or 1) + 1
    ticket.closed_at = None
    ticket.posted_at = None
    ticket.escalated_at = None
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{member.id}",
        actor_id=member.id,
        action="buka",
        entity="kendala",
        entity_id=ticket.number,
    )
    events.publish(session, events.TicketWaiting(ticket.id))  # posted again by the sweep, now
    return ticket


def _notify_satker(
    session: Session,
    ticket: Kendala,
    message: notices.Notice,
    event: str,
    now: datetime,
    tz: ZoneInfo,
    *,
    group: bool = True,
) -> None:
    today = now.astimezone(tz).date()
    chats = addresses(session, [ticket.reporter_id]).get(ticket.reporter_id, [])
    if group:
        chats += [c for c in _satker_chats(session, ticket.satker_id) if c not in chats]
    for channel, chat in chats:
        # Telegram keys stay as they were; other channels are named in theirs.
        where = chat if channel == "telegram" else f"{channel}:{chat}"
        _outbox(
            session,
            key=f"kendala:{ticket.id}:{event}:{where}",
            kind="kendala",
            channel=channel,
            chat_id=chat,
            notice=message,
            now=now,
            today=today,
        )


def plan_escalations(
    session: Session,
    now: datetime,
    tz: ZoneInfo,
    *,
    sla_days: int,
    escalation_chat: str | None,
    calendar: WorkCalendar | None = None,
) -> int:
    """Escalate, once, every ticket unanswered for ``sla_days`` working days."""
    local = now.astimezone(tz)
    calendar = calendar or load_calendar(session)
    today = local.date()
    if not calendar.is_working_day(today):
        return 0
    count = 0
    open_tickets = session.scalars(
        select(Kendala).where(Kendala.status == TicketStatus.BARU, Kendala.escalated_at.is_(None))
    )
    for ticket in open_tickets:
        since = (ticket.reopened_at or ticket.created_at).astimezone(tz).date()
        age = calendar.working_days_after(since, today)
        if age < sla_days:
            continue
        escalation = notices.KendalaEscalation(
            number=ticket.number,
            satker=ticket.satker.name,
            days=age,
            description=bounds.excerpt(ticket.description, 500),
        )
        version = ticket.round
        recorded = 0
        if escalation_chat:
            address = parse_address(escalation_chat)  # "channel:id"; a bare id is Telegram
            recorded += _outbox(
                session,
                key=f"kendala:{ticket.id}:eskalasi:{version}",
                kind="eskalasi",
                channel=address.channel,
                chat_id=address.chat_id,
                notice=escalation,
                now=now,
                today=today,
            )
        for chat in _province_chats(session):
            recorded += _outbox(
                session,
                key=f"kendala:{ticket.id}:ingat:{version}:{chat.chat_id}",
                kind="eskalasi",
                channel=chat.channel,
                chat_id=chat.chat_id,
                notice=notices.KendalaOverdue(ticket.id, ticket.number, ticket.satker.name, age),
                now=now,
                today=today,
            )
        if recorded or escalation_chat:
            ticket.escalated_at = now  # else: nobody to tell yet; try again next sweep
        count += recorded
    return count


def visible_open(
    session: Session, member: Member, *, today: date, calendar: WorkCalendar, tz: ZoneInfo
) -> list[TicketView]:
    """Open tickets the member may see (their satker's, or all for admins), oldest first."""
    query = (
        select(Kendala).where(Kendala.status != TicketStatus.SELESAI).order_by(Kendala.created_at)
    )
    if not member.is_admin:
        query = query.where(Kendala.satker_id == member.satker.id)
    tickets = session.scalars(query)
    return [view(session, t, today=today, calendar=calendar, tz=tz) for t in tickets]


def all_tickets(
    session: Session, *, today: date, calendar: WorkCalendar, tz: ZoneInfo
) -> list[TicketView]:
    """Every ticket, oldest first (the admin's list and export)."""
    tickets = session.scalars(select(Kendala).order_by(Kendala.created_at))
    return [view(session, t, today=today, calendar=calendar, tz=tz) for t in tickets]


def view(
    session: Session, ticket: Kendala, *, today: date, calendar: WorkCalendar, tz: ZoneInfo
) -> TicketView:
    """The plain view of a ticket."""
    created = ticket.created_at
    return TicketView(
        ticket.id,
        ticket.number,
        ticket.satker.code,
        ticket.satker.name,
        ticket.reporter.name,
        None if ticket.target_id is None else _item_label(session, ticket),
        CATEGORIES.get(ticket.category, ticket.category),
        ticket.description,
        ticket.status,
        created,
        calendar.working_days_after(created.astimezone(tz).date(), today),
        ticket.answer,
        ticket.posted_at is not None,
    )
