"""Bukti dukung: check the item before the upload, then store the file with its record."""

from __future__ import annotations

from dataclasses import dataclass

from models import Target
from services import access, evidence, texts, tracking
from services.access import Caller
from services.errors import ZibotError
from services.members import SatkerRef
from services.usecases.base import UseCase


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
        except BaseException:
            if stored is not None:
                evidence.discard(self.evidence_dir, stored.relative_path)
            raise
        evidence.publish(self.evidence_dir, stored.relative_path)
        return stored
