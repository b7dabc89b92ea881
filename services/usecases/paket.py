"""The evidence pack in a chat: who may build whose, and whether it fits one upload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models import Satker
from services import access, evidence_pack, texts
from services.access import Caller
from services.errors import ZibotError
from services.members import SatkerRef
from services.usecases.base import UseCase

# What a pack adds to its files: ZIP headers and the two indexes, generously.
PACK_OVERHEAD = 2 * 1024 * 1024


class PackTooBig(ZibotError):
    """The pack would not fit the channel's upload limit: build it with the command line."""


@dataclass(frozen=True)
class BuiltPack:
    """A pack written to a file, ready to be sent."""

    path: Path
    file_name: str
    satker: SatkerRef
    year: int
    result: evidence_pack.PackResult
    size: int


def pack_file_name(code: str, year: int) -> str:
    """The pack's file name: ``bukti-5103-2026.zip``."""
    return f"bukti-{evidence_pack.safe_part(code, 16)}-{year}.zip"


@dataclass(frozen=True)
class PackRequest:
    """A pack the caller may build and that fits the limit (on the recorded sizes)."""

    satker: SatkerRef
    year: int
    files: int
    estimate: int


class Paket(UseCase):
    """The evidence pack of one satker, for the assessors."""

    def pack_request(self, caller: Caller, argument: str, limit: int | None) -> PackRequest:
        """Check, before anything is written, that the caller may build this pack and that it
        would fit ``limit`` bytes (``Forbidden`` / ``PackTooBig`` otherwise)."""
        with self._sessions() as session:
            ref = access.pack_scope(session, caller, argument)
            _, year = self._year(session)
            satker = session.get(Satker, ref.id)
            assert satker is not None
            plan = evidence_pack.collect(session, satker, year, tz=self.tz)
        estimate = plan.total_bytes + PACK_OVERHEAD
        if limit is not None and estimate > limit:
            raise PackTooBig(_too_big(ref, year, estimate, limit))
        return PackRequest(ref, year, len(plan.files), estimate)

    def evidence_pack(
        self, caller: Caller, argument: str, folder: Path, limit: int | None
    ) -> BuiltPack:
        """/paketbukti [SATKER]: build the pack of the caller's satker (or, for the province,
        the one named) into ``folder``; refused with ``PackTooBig`` when it would exceed
        ``limit`` bytes (checked on the recorded sizes before anything is read, and again on
        the written file)."""
        with self._sessions() as session:
            ref = access.pack_scope(session, caller, argument)
            _, year = self._year(session)
            satker = session.get(Satker, ref.id)
            assert satker is not None
            plan = evidence_pack.collect(session, satker, year, tz=self.tz)
        estimate = plan.total_bytes + PACK_OVERHEAD
        if limit is not None and estimate > limit:
            raise PackTooBig(_too_big(ref, year, estimate, limit))
        name = pack_file_name(ref.code, year)
        path = folder / name
        result = evidence_pack.write_pack(plan, self.evidence_dir, path, built_at=self._local())
        size = path.stat().st_size
        if limit is not None and size > limit:
            path.unlink(missing_ok=True)
            raise PackTooBig(_too_big(ref, year, size, limit))
        return BuiltPack(path, name, ref, year, result, size)

    def _local(self) -> datetime:
        return self.now().astimezone(self.tz)


def _too_big(satker: SatkerRef, year: int, size: int, limit: int) -> str:
    return texts.PACK_TOO_BIG.format(
        name=satker.name,
        size_mb=f"{size / 1_000_000:.0f}",
        limit_mb=f"{limit / 1_000_000:.0f}",
        code=satker.code,
        year=year,
    )
