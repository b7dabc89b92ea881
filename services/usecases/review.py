"""Evidence review by the province: the queue of bukti dukung waiting, oldest first; accept;
reject with a reason. The uploader and the satker's groups are told the outcome (a notice in
the outbox, so every channel says it its own way). A new upload after a rejection is a new
bukti, waiting again; every decision is kept in ``bukti_review``.

Who may review: admins (the province) and verifikator (``services.access.reviewer``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import BuktiDukung, BuktiReview, ChatLink, Target, User
from services import access, audit, bounds, catalog, conversations, notices, texts
from services.access import Caller
from services.errors import NotFound, ZibotError
from services.formatting import waktu
from services.identities import addresses
from services.members import Member, SatkerRef
from services.outbox import enqueue, outbox_row
from services.status import ItemState, ReviewStatus, item_state
from services.usecases.base import UseCase

REASON_PROMPT = "tolak"  # the conversation kind of a "Tulis alasan penolakan" prompt
REASON_TTL = timedelta(days=1)
QUEUE_SHOWN = 10  # entries listed by one /verifikasi


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


class Review(UseCase):
    """Reviewing bukti dukung (admins and verifikator)."""

    def review_queue(self, caller: Caller, argument: str = "") -> ReviewQueue:
        """/verifikasi [SATKER]: what waits, oldest first, for one satker or all."""
        with self._sessions() as session:
            access.reviewer(session, caller)
            wanted = argument.strip()
            satker = None
            if wanted and wanted.lower() not in access.ALL_WORDS:
                satker = SatkerRef.of(catalog.find_satker(session, wanted))
            queue = waiting_queue(session, satker, limit=QUEUE_SHOWN)
        return replace(queue, requests=[request_notice(e, self.tz) for e in queue.entries])

    def review_file(self, caller: Caller, bukti_id: int) -> EvidenceFile:
        """ "Kirim file": the stored file of a bukti, for a reviewer."""
        with self._sessions() as session:
            access.reviewer(session, caller)
            bukti = _bukti(session, bukti_id)
            path = self.evidence_dir / bukti.path
            if not path.is_file():
                raise NotFound(texts.REVIEW_FILE_MISSING.format(name=bukti.original_name))
            caption = f"{bukti.target.item.code} — {bukti.original_name}"
            return EvidenceFile(bukti.id, path, bukti.original_name, bukti.mime_type, caption)

    def review_accept(self, caller: Caller, bukti_id: int) -> ReviewOutcome:
        """ "Terima": the bukti is accepted; the uploader and the satker's groups are told."""
        with self._sessions.begin() as session:
            reviewer = access.reviewer(session, caller)
            bukti = _bukti(session, bukti_id)
            return decide(
                session,
                reviewer=reviewer,
                bukti=bukti,
                status=ReviewStatus.DITERIMA,
                reason="",
                now=self.now(),
                channel=caller.channel,
                today=self.today(),
            )

    def review_reject(self, caller: Caller, bukti_id: int, reason: str) -> ReviewOutcome:
        """ "Tolak" with its reason: the bukti is rejected; the uploader and the groups are
        told why (a new upload goes back into the queue)."""
        with self._sessions.begin() as session:
            reviewer = access.reviewer(session, caller)
            bukti = _bukti(session, bukti_id)
            return decide(
                session,
                reviewer=reviewer,
                bukti=bukti,
                status=ReviewStatus.DITOLAK,
                reason=reason,
                now=self.now(),
                channel=caller.channel,
                today=self.today(),
            )

    def review_reject_start(self, caller: Caller, bukti_id: int) -> QueueEntry:
        """ "Tolak" pressed: check the bukti still waits (the prompt for the reason follows)."""
        with self._sessions() as session:
            access.reviewer(session, caller)
            bukti = _bukti(session, bukti_id)
            _check_waiting(session, bukti)
            return _entry(session, bukti)

    def review_prompt_sent(self, caller: Caller, bukti_id: int, prompt_id: str) -> None:
        """The reviewer was asked for the reason of a rejection (prompt ``prompt_id``): their
        reply to it (or, in a private chat, their next text) is the reason, for a day."""
        with self._sessions.begin() as session:
            access.reviewer(session, caller)
            conversations.start(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=REASON_PROMPT,
                step="reason",
                data={"bukti_id": bukti_id, "prompt": prompt_id},
                now=self.now(),
                ttl=REASON_TTL,
            )

    def review_reason(
        self, caller: Caller, text: str, prompt_id: str | None = None
    ) -> ReviewOutcome | None:
        """A text that may be the reason asked for: the reply to the open prompt
        ``prompt_id``, or (``prompt_id`` None) the caller's own open prompt in this chat.
        None when no such prompt is open (the text is not for us)."""
        with self._sessions.begin() as session:
            step = conversations.get(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                now=self.now(),
                kind=REASON_PROMPT,
            )
            if step is None or (prompt_id is not None and step.data.get("prompt") != prompt_id):
                return None
            reviewer = access.reviewer(session, caller)
            bukti = _bukti(session, int(step.data["bukti_id"]))
            outcome = decide(
                session,
                reviewer=reviewer,
                bukti=bukti,
                status=ReviewStatus.DITOLAK,
                reason=text,
                now=self.now(),
                channel=caller.channel,
                today=self.today(),
            )
            conversations.finish(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=REASON_PROMPT,
            )
            return outcome

    def review_reason_cancel(self, caller: Caller) -> bool:
        """/batal while a reason is asked: nothing is rejected."""
        with self._sessions.begin() as session:
            step = conversations.finish(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=REASON_PROMPT,
            )
            return step is not None


# --- queries and rules ---------------------------------------------------------------------


def _bukti(session: Session, bukti_id: int) -> BuktiDukung:
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


def _entry(session: Session, bukti: BuktiDukung) -> QueueEntry:
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
    return ReviewQueue(satker, [_entry(session, b) for b in rows], total)


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


def _check_waiting(session: Session, bukti: BuktiDukung) -> None:
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
    _check_waiting(session, bukti)
    bukti.review_status = status.value
    bukti.reviewed_by_id = reviewer.id
    bukti.reviewed_at = now
    bukti.review_reason = reason or None
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
    notice = notices.EvidenceReviewed(
        satker=satker.name,
        item_code=target.item.code,
        activity=target.item.activity,
        file_name=bukti.original_name,
        accepted=status == ReviewStatus.DITERIMA,
        reason=reason,
        reviewer=reviewer.name,
        verified=state == ItemState.TERVERIFIKASI,
    )
    _tell(session, bukti, target, notice, record.id, now, today)
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
