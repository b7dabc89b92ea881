"""Amati, Tiru, Modifikasi: /contoh (how other satkers evidenced an item), a shared example
file on request, and /berbagi (a satker's admin allows or stops sharing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from models import Satker, Target
from services import access, audit, members, sharing, texts
from services.access import Caller, Forbidden
from services.errors import ZibotError
from services.members import SatkerRef
from services.sharing import SatkerExample
from services.usecases.base import UseCase

YES_WORDS = ("ya", "yes", "on", "aktif", "boleh", "izinkan")
NO_WORDS = ("tidak", "no", "off", "nonaktif", "jangan", "henti", "stop")


@dataclass(frozen=True)
class ExamplesReport:
    """/contoh KODE: the item, and the accepted evidence other satkers share for it."""

    year: int
    item_code: str
    activity: str
    expected: str
    examples: tuple[SatkerExample, ...]
    not_shared: int  # other satkers with accepted evidence for the item that do not share


@dataclass(frozen=True)
class ExampleDocument:
    """A shared example file, ready to be sent."""

    path: Path
    name: str
    mime_type: str | None
    satker_name: str
    item_code: str


@dataclass(frozen=True)
class SharingState:
    """/berbagi: whether the satker shares its accepted evidence, and whether that changed."""

    satker: SatkerRef
    share: bool
    changed: bool


class Contoh(UseCase):
    """Examples of accepted evidence between satkers."""

    def examples(self, caller: Caller, code: str) -> ExamplesReport:
        """/contoh KODE: accepted evidence of that item from other satkers that share."""
        if not code.strip():
            raise ZibotError(texts.CONTOH_USAGE)
        with self._sessions() as session:
            own = _own_satker(session, caller)
            _, year = self._year(session)
            item = sharing.find_item(session, code, year)
            found, hidden = sharing.examples(
                session, item, exclude_satker_id=own.id if own else None
            )
            return ExamplesReport(
                year, item.code, item.activity, item.bukti_dukung or "", tuple(found), hidden
            )

    def example_file(self, caller: Caller, evidence_id: int) -> ExampleDocument:
        """The file behind an example button, if it may still be shared (accepted, its satker
        still shares) and is on disk."""
        with self._sessions() as session:
            access.member(session, caller)
            record = sharing.shared_file(session, evidence_id)
            if record is None:
                raise ZibotError(texts.CONTOH_FILE_GONE)
            target = session.get(Target, record.target_id)
            assert target is not None
            document = ExampleDocument(
                self.evidence_dir / record.path,
                record.original_name,
                record.mime_type,
                target.satker.name,
                target.item.code,
            )
        if not document.path.is_file():
            raise ZibotError(texts.CONTOH_FILE_MISSING)
        return document

    def sharing(self, caller: Caller, argument: str) -> SharingState:
        """/berbagi [ya|tidak]: the satker's admin turns sharing on or off; without an
        argument, anyone of the satker sees the setting."""
        wanted = argument.strip().lower()
        if wanted and wanted not in YES_WORDS + NO_WORDS:
            raise ZibotError(texts.BERBAGI_USAGE)
        with self._sessions.begin() as session:
            person = access.member(session, caller)
            satker_ref = person.satker
            if not caller.is_private:
                scope = access.group_scope(session, caller)
                if scope.satker is None or scope.satker.id != person.satker.id:
                    raise Forbidden(texts.BERBAGI_OWN_GROUP)
            satker = session.get(Satker, satker_ref.id)
            assert satker is not None
            if not wanted:
                return SharingState(satker_ref, satker.share_evidence, False)
            if person.role != members.ADMIN:
                raise Forbidden(texts.BERBAGI_ADMIN_ONLY.format(name=satker.name))
            share = wanted in YES_WORDS
            changed = satker.share_evidence != share
            if changed:
                satker.share_evidence = share
                audit.record(
                    session,
                    now=self.now(),
                    actor=f"{caller.channel}:{person.id}",
                    actor_id=person.id,
                    action="berbagi",
                    entity="satker",
                    entity_id=satker.id,
                    share=share,
                )
            return SharingState(satker_ref, share, changed)


def _own_satker(session: Session, caller: Caller) -> SatkerRef | None:
    """The asker's satker (their group's, or their own in private): never shown to itself.
    In the province group: None (every sharing satker is shown)."""
    if caller.is_private:
        return access.member(session, caller).satker
    return access.group_scope(session, caller).satker
