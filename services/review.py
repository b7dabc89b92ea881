"""Evidence review: the queue of bukti dukung waiting, the decision on one (its state and a
history row) and the notice that tells the uploader and the satker's groups. The use cases are
``services.usecases.review``; the rule of an item's status is ``services.status.item_state``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import BuktiDukung, BuktiReview, ChatLink, Target, User
from services import audit, bounds, events, notices, texts
from services.errors import NotFound, ZibotError
from services.formatting import waktu
from services.identities import addresses
from services.lke.assessment import item_proposals
from services.members import Member, SatkerRef
from services.outbox import enqueue, outbox_row
from services.status import ItemState, ReviewStatus, item_state


@dataclass(frozen=True)
class QueueEntry:
    """One bukti waiting for review, as the reviewer reads it."""

    bukti_id: int
    satker: SatkerRef
    item_code: str
    activity: str
    expected: str  # the item's expected bukti dukung (the plan's words)
    file_name: str
    size: int
    uploader: str
    uploaded_at: datetime
    rejected_before: int  # how many bukti of this item were rejected before


@dataclass(frozen=True)
class ReviewQueue:
    """What waits, oldest first (at most ``QUEUE_SHOWN``), and how many wait in all."""

    satker: SatkerRef | None  # None: every satker
    entries: list[QueueEntry]
    total: int
    requests: list[notices.ReviewRequest] = field(default_factory=list)  # one per entry


@dataclass(frozen=True)
class EvidenceFile:
    """A stored bukti, to send again to a reviewer."""

    bukti_id: int
    path: Path
    file_name: str
    mime_type: str | None
    caption: str  # plain: item code and file name


@dataclass(frozen=True)
class ReviewOutcome:
    """A decision taken, for the reviewer's reply."""

    bukti_id: int
    item_code: str
    file_name: str
    satker: SatkerRef
    status: ReviewStatus
    reason: str
    item_state: ItemState  # the item's status after the decision


def find_bukti(session: Session, bukti_id: int) -> BuktiDukung:
    bukti = session.get(BuktiDukung, bukti_id)
    if bukti is None:
        raise NotFound(texts.REVIEW_GONE)
    return bukti


def _uploader(session: Session, bukti: BuktiDukung) -> str:
    if bukti.uploaded_by_id is None:
        return "-"
    user = session.get(User, bukti.uploaded_by_id)
    return user.name if user is not None else "-"


def _rejected_before(session: Session, bukti: BuktiDukung) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                BuktiDukung.target_id == bukti.target_id,
                BuktiDukung.review_status == ReviewStatus.DITOLAK,
                BuktiDukung.id != bukti.id,
            )
        )
        or 0
    )


def entry_of(session: Session, bukti: BuktiDukung) -> QueueEntry:
    target = bukti.target
    return QueueEntry(
        bukti_id=bukti.id,
        satker=SatkerRef.of(target.satker),
        item_code=target.item.code,
        activity=target.item.activity,
        expected=target.item.bukti_dukung,
        file_name=bukti.original_name,
        size=bukti.size,
        uploader=_uploader(session, bukti),
        uploaded_at=bukti.created_at,
        rejected_before=_rejected_before(session, bukti),
    )


def waiting_queue(session: Session, satker: SatkerRef | None, *, limit: int) -> ReviewQueue:
    """Bukti waiting for review, oldest first, of one satker or of all."""
    query = select(BuktiDukung).where(BuktiDukung.review_status == ReviewStatus.MENUNGGU)
    count = select(func.count()).select_from(BuktiDukung)
    count = count.where(BuktiDukung.review_status == ReviewStatus.MENUNGGU)
    if satker is not None:
        of_satker = select(Target.id).where(Target.satker_id == satker.id)
        query = query.where(BuktiDukung.target_id.in_(of_satker))
        count = count.where(BuktiDukung.target_id.in_(of_satker))
    rows = session.scalars(
        query.order_by(BuktiDukung.created_at, BuktiDukung.id).limit(limit)
    ).all()
    total = int(session.scalar(count) or 0)
    return ReviewQueue(satker, [entry_of(session, b) for b in rows], total)


def request_notice(entry: QueueEntry, tz: ZoneInfo) -> notices.ReviewRequest:
    """A queue entry as the notice a reviewer reads, with its three buttons."""
    return notices.ReviewRequest(
        bukti_id=entry.bukti_id,
        satker=entry.satker.name,
        item_code=entry.item_code,
        activity=entry.activity,
        expected=entry.expected,
        file_name=entry.file_name,
        size_kb=max(1, round(entry.size / 1024)),
        uploader=entry.uploader,
        when=waktu(entry.uploaded_at, tz),
        rejected_before=entry.rejected_before,
    )


def check_waiting(session: Session, bukti: BuktiDukung) -> None:
    if bukti.review_status == ReviewStatus.MENUNGGU:
        return
    who = "-"
    if bukti.reviewed_by_id is not None:
        user = session.get(User, bukti.reviewed_by_id)
        who = user.name if user is not None else "-"
    label = texts.REVIEW_STATUS_LABELS[bukti.review_status]
    raise ZibotError(
        texts.REVIEW_ALREADY.format(name=bukti.original_name, status=label, reviewer=who)
    )


def target_state(session: Session, target: Target) -> ItemState:
    """The item's status for one satker, from its reported status and its bukti's reviews."""
    counts = dict(
        session.execute(
            select(BuktiDukung.review_status, func.count())
            .where(BuktiDukung.target_id == target.id)
            .group_by(BuktiDukung.review_status)
        ).all()
    )
    return item_state(
        target.status,
        waiting=int(counts.get(ReviewStatus.MENUNGGU.value, 0)),
        accepted=int(counts.get(ReviewStatus.DITERIMA.value, 0)),
    )


def decide(
    session: Session,
    *,
    reviewer: Member,
    bukti: BuktiDukung,
    status: ReviewStatus,
    reason: str,
    now: datetime,
    channel: str,
    today: date,
) -> ReviewOutcome:
    """Record a decision on a waiting bukti (its state and a history row), and tell the
    uploader and the satker's groups. A rejection needs a reason."""
    if status == ReviewStatus.MENUNGGU:
        raise ValueError("a decision accepts or rejects")
    reason = reason.strip()
    if status == ReviewStatus.DITOLAK:
        bounds.check_text(reason, texts.REVIEW_INPUT_REASON)
        if not reason:
            raise ZibotError(texts.REVIEW_REASON_EMPTY)
    check_waiting(session, bukti)
    # Claimed with a conditional UPDATE: of two reviewers deciding at once, one wins and the
    # other hears who decided (the row lock makes the second re-read the state).
    claimed = session.execute(
        update(BuktiDukung)
        .where(BuktiDukung.id == bukti.id, BuktiDukung.review_status == ReviewStatus.MENUNGGU.value)
        .values(
            review_status=status.value,
            reviewed_by_id=reviewer.id,
            reviewed_at=now,
            review_reason=reason or None,
        )
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(bukti)
        check_waiting(session, bukti)
    session.refresh(bukti)
    label = f"{reviewer.name} ({reviewer.satker.code})"
    record = BuktiReview(
        decision=status.value,
        reason=reason,
        reviewer_id=reviewer.id,
        reviewer_label=bounds.excerpt(label, 200),
        decided_at=now,
    )
    bukti.reviews.append(record)
    session.flush()
    target = bukti.target
    state = target_state(session, target)
    satker = SatkerRef.of(target.satker)
    proposed = ""
    if status == ReviewStatus.DITERIMA and state == ItemState.TERVERIFIKASI:
        # The last bukti accepted may complete a Ya/Tidak LKE question: the satker's groups
        # hear its proposal (the reviewer may be in the province group).
        found = item_proposals(session, target.satker, target.item.year, target.item.code)
        proposed = ", ".join(f"{p.question} → {p.choice}" for p in found)
    notice = notices.EvidenceReviewed(
        satker=satker.name,
        item_code=target.item.code,
        activity=target.item.activity,
        file_name=bukti.original_name,
        accepted=status == ReviewStatus.DITERIMA,
        reason=reason,
        reviewer=reviewer.name,
        verified=state == ItemState.TERVERIFIKASI,
        lke_proposals=proposed,
    )
    _tell(session, bukti, target, notice, record.id, now, today)
    # Verified counts changed (cached rankings are stale); after a rejection the item may be
    # due for reminders again (ZIBOT_REMINDERS_UNTIL=terverifikasi).
    rejected = (target.item_id,) if status == ReviewStatus.DITOLAK else ()
    events.publish(session, events.ProgressChanged(rejected))
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{reviewer.id}",
        actor_id=reviewer.id,
        action="verifikasi",
        entity="bukti_dukung",
        entity_id=bukti.id,
        item=target.item.code,
        satker=satker.code,
        decision=status.value,
        reason=reason,
    )
    return ReviewOutcome(
        bukti.id, target.item.code, bukti.original_name, satker, status, reason, state
    )


def _tell(
    session: Session,
    bukti: BuktiDukung,
    target: Target,
    notice: notices.EvidenceReviewed,
    review_id: int,
    now: datetime,
    today: date,
) -> None:
    """The outcome, to the uploader's private chats and the satker's active groups."""
    chats: list[tuple[str, str]] = []
    if bukti.uploaded_by_id is not None:
        chats += addresses(session, [bukti.uploaded_by_id]).get(bukti.uploaded_by_id, [])
    groups = session.execute(
        select(ChatLink.channel, ChatLink.chat_id).where(
            ChatLink.satker_id == target.satker_id, ChatLink.active.is_(True)
        )
    )
    chats += [(c, i) for c, i in groups if (c, i) not in chats]
    rows = [
        outbox_row(
            key=f"review:{review_id}:{channel}:{chat}",
            kind="review",
            channel=channel,
            chat_id=chat,
            day=today,
            now=now,
            notice=notice,
        )
        for channel, chat in chats
    ]
    enqueue(session, rows)
