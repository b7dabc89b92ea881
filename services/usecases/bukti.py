"""Bukti dukung: check the item before the upload, then store the file with its record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from models import Target
from services import access, conversations, evidence, texts, tracking
from services.access import Caller
from services.errors import ZibotError
from services.members import SatkerRef
from services.usecases.base import UseCase

BUKTI_PROMPT = "bukti"  # the conversation kind of a "Kirim berkasnya" prompt
BUKTI_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class EvidenceSlot:
    """A target that is ready to receive a file (after /bukti <kode>)."""

    target_id: int
    item_code: str
    activity: str
    satker: SatkerRef


class Bukti(UseCase):
    """Files that prove an item's progress, under the evidence folder."""

    def evidence_slot(self, caller: Caller, code: str) -> EvidenceSlot:
        """/bukti <kode>: check the caller may file evidence for that item, before the upload."""
        if not code.strip():
            raise ZibotError(texts.BUKTI_USAGE)
        with self._sessions() as session:
            _, satker = access.write_scope(session, caller)
            _, year = self._year(session)
            target = tracking.find_target(session, satker, code, year)
            return EvidenceSlot(target.id, target.item.code, target.item.activity, satker)

    def bukti_prompt_sent(self, caller: Caller, slot: EvidenceSlot, prompt_id: str) -> None:
        """The caller was asked for the file (prompt ``prompt_id``): the next file they send in
        this chat, or a reply to that prompt, is filed there, for a quarter of an hour."""
        data = {**asdict(slot), "satker": asdict(slot.satker), "prompt": prompt_id}
        with self._sessions.begin() as session:
            conversations.start(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=BUKTI_PROMPT,
                step="file",
                data=data,
                now=self.now(),
                ttl=BUKTI_TTL,
            )

    def bukti_open(self, caller: Caller, prompt_id: str | None = None) -> EvidenceSlot | None:
        """The slot the caller's open /bukti prompt in this chat waits for (None: none open,
        or, with ``prompt_id``, that message is not the open prompt)."""
        with self._sessions() as session:
            step = conversations.get(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                now=self.now(),
                kind=BUKTI_PROMPT,
            )
        if step is None or (prompt_id is not None and step.data.get("prompt") != prompt_id):
            return None
        data = step.data
        return EvidenceSlot(
            int(data["target_id"]),
            str(data["item_code"]),
            str(data["activity"]),
            SatkerRef(**data["satker"]),
        )

    def bukti_end(self, caller: Caller) -> bool:
        """/batal or a timeout: the caller's /bukti prompt in this chat is closed."""
        with self._sessions.begin() as session:
            return _finish_prompt(session, caller)

    def store_evidence(
        self,
        caller: Caller,
        slot: EvidenceSlot,
        data: bytes,
        file_name: str,
        mime_type: str | None,
    ) -> evidence.StoredEvidence:
        """Store a file as bukti dukung for the slot's target; the file gets its name only
        once the record is committed (nothing is left on disk when the transaction fails)."""
        stored: evidence.StoredEvidence | None = None
        try:
            with self._sessions.begin() as session:
                member, satker = access.write_scope(session, caller)
                target = session.get(Target, slot.target_id)
                if target is None or target.satker_id != satker.id:
                    raise ZibotError(texts.BUKTI_SLOT_GONE)
                stored = evidence.store_evidence(
                    session,
                    member=member,
                    target=target,
                    data=data,
                    file_name=file_name,
                    mime_type=mime_type,
                    evidence_dir=self.evidence_dir,
                    now=self.now(),
                    channel=caller.channel,
                )
                _finish_prompt(session, caller)  # the prompt is answered
        except BaseException:
            if stored is not None:
                evidence.discard(self.evidence_dir, stored.relative_path)
            raise
        evidence.publish(self.evidence_dir, stored.relative_path)
        return stored


def _finish_prompt(session: Session, caller: Caller) -> bool:
    finished = conversations.finish(
        session,
        channel=caller.channel,
        chat_id=caller.chat_id,
        user_id=caller.user_id,
        kind=BUKTI_PROMPT,
    )
    return finished is not None
