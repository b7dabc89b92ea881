"""Evidence review by the province: the queue of bukti dukung waiting, oldest first; accept;
reject with a reason. The uploader and the satker's groups are told the outcome (a notice in
the outbox, so every channel says it its own way). A new upload after a rejection is a new
bukti, waiting again; every decision is kept in ``bukti_review``.

Who may review: admins (the province) and verifikator (``services.access.reviewer``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from services import access, catalog, conversations, review, texts
from services.access import Caller
from services.errors import NotFound
from services.members import SatkerRef
from services.review import EvidenceFile, QueueEntry, ReviewOutcome, ReviewQueue
from services.status import ReviewStatus
from services.usecases.base import UseCase

__all__ = ["EvidenceFile", "QueueEntry", "Review", "ReviewOutcome", "ReviewQueue"]

REASON_PROMPT = "tolak"  # the conversation kind of a "Tulis alasan penolakan" prompt
REASON_TTL = timedelta(days=1)
QUEUE_SHOWN = 10  # entries listed by one /verifikasi


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
            queue = review.waiting_queue(session, satker, limit=QUEUE_SHOWN)
        return replace(queue, requests=[review.request_notice(e, self.tz) for e in queue.entries])

    def review_file(self, caller: Caller, bukti_id: int) -> EvidenceFile:
        """ "Kirim file": the stored file of a bukti, for a reviewer."""
        with self._sessions() as session:
            access.reviewer(session, caller)
            bukti = review.find_bukti(session, bukti_id)
            path = self.evidence_dir / bukti.path
            if not path.is_file():
                raise NotFound(texts.REVIEW_FILE_MISSING.format(name=bukti.original_name))
            caption = f"{bukti.target.item.code} — {bukti.original_name}"
            return EvidenceFile(bukti.id, path, bukti.original_name, bukti.mime_type, caption)

    def review_accept(self, caller: Caller, bukti_id: int) -> ReviewOutcome:
        """ "Terima": the bukti is accepted; the uploader and the satker's groups are told."""
        with self._sessions.begin() as session:
            reviewer = access.reviewer(session, caller)
            bukti = review.find_bukti(session, bukti_id)
            return review.decide(
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
            bukti = review.find_bukti(session, bukti_id)
            return review.decide(
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
            bukti = review.find_bukti(session, bukti_id)
            review.check_waiting(session, bukti)
            return review.entry_of(session, bukti)

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
            bukti = review.find_bukti(session, int(step.data["bukti_id"]))
            outcome = review.decide(
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
