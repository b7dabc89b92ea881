"""Bukti dukung: check what was sent, store it safely on disk, record it in the database."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from models import BuktiDukung, Target
from services import audit, bounds, events, texts
from services.errors import ZibotError
from services.kendala import Attachment
from services.members import Member

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # what a Telegram bot may download
_ALLOWED_PREFIXES = ("image/", "text/")
_ALLOWED_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/rtf",
    "application/zip",
    "application/x-zip-compressed",
    "application/vnd.rar",
    "application/x-rar-compressed",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
_ALLOWED_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf",
    ".txt", ".csv", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".zip", ".rar",
}  # fmt: skip


def is_allowed_type(file_name: str, mime_type: str | None) -> bool:
    """Documents and images are bukti dukung; video, audio and programs are not."""
    mime = (mime_type or "").lower()
    if mime.startswith(_ALLOWED_PREFIXES) or mime in _ALLOWED_TYPES:
        return True
    if mime.startswith("application/vnd.openxmlformats-officedocument."):
        return True
    if mime in ("", "application/octet-stream"):
        return Path(file_name).suffix.lower() in _ALLOWED_EXTENSIONS
    return False


def check_upload(file_name: str, mime_type: str | None, size: int | None) -> None:
    """Refuse, with the reason, a file that is too big or of the wrong type (before download)."""
    if size is not None and size > MAX_BYTES:
        raise ZibotError(texts.EVIDENCE_TOO_BIG.format(size_mb=size / 1024 / 1024))
    if not is_allowed_type(file_name, mime_type):
        raise ZibotError(texts.EVIDENCE_BAD_TYPE.format(mime=mime_type or file_name))


def safe_name(file_name: str) -> str:
    """A name for the disk: no path, no control or odd characters, the extension kept, at most
    ``bounds.MAX_FILE_NAME_BYTES`` bytes of UTF-8 (see ``bounds.safe_file_name``)."""
    return bounds.safe_file_name(file_name)


def _part(path: Path) -> Path:
    """Where a file waits, under a hidden name, until its transaction has committed."""
    return path.with_name(f".{path.name}.part")


def _stage(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` under the hidden name of a free final path; return the final path.

    A name is taken when its final file or its waiting file exists; the waiting file is created
    exclusively, so two uploads of the same name at once get different names."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = os.path.splitext(name)
    candidate, number = folder / name, 2
    while True:
        if not candidate.exists():
            try:
                with _part(candidate).open("xb") as handle:
                    handle.write(data)
                return candidate
            except FileExistsError:
                pass
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1


def publish(evidence_dir: Path, relative: str) -> None:
    """The transaction that records a staged file committed: give the file its final name."""
    final = evidence_dir / relative
    try:
        os.replace(_part(final), final)
    except FileNotFoundError:  # published already, or never staged here
        if not final.exists():
            log.warning("Staged file %s is missing; the record points to no file", relative)


def discard(evidence_dir: Path, relative: str) -> None:
    """The staged file's transaction rolled back, or its draft was cancelled: remove it."""
    _part(evidence_dir / relative).unlink(missing_ok=True)


@dataclass(frozen=True)
class StoredEvidence:
    """What was stored, for the reply."""

    evidence_id: int
    item_code: str
    file_name: str
    size: int
    sha256: str
    relative_path: str


def store_evidence(
    session: Session,
    *,
    member: Member,
    target: Target,
    data: bytes,
    file_name: str,
    mime_type: str | None,
    evidence_dir: Path,
    now: datetime,
    channel: str,
) -> StoredEvidence:
    """Stage the file under ``<dir>/<year>/<satker>/<area>/<item>/`` and record it.

    The file is only staged (``publish`` after the commit, ``discard`` after a rollback): a
    transaction that fails leaves no file behind."""
    check_upload(file_name, mime_type, len(data))
    item = target.item
    folder = evidence_dir / str(item.year) / target.satker.code / item.area.code / item.code
    path = _stage(folder, safe_name(file_name), data)
    relative = path.relative_to(evidence_dir).as_posix()
    try:
        digest = hashlib.sha256(data).hexdigest()
        record = BuktiDukung(
            target_id=target.id,
            path=relative,
            original_name=bounds.original_name(file_name),
            size=len(data),
            mime_type=mime_type,
            sha256=digest,
            uploaded_by_id=member.id,
            channel=channel,
            created_at=now,
        )
        session.add(record)
        session.flush()
        audit.record(
            session,
            now=now,
            actor=f"{channel}:{member.id}",
            actor_id=member.id,
            action="bukti",
            entity="bukti_dukung",
            entity_id=record.id,
            item=item.code,
            satker=target.satker.code,
            file=relative,
            sha256=digest,
        )
        # A bukti waiting for review changes the verified counts (cached rankings are stale).
        events.publish(session, events.ProgressChanged())
    except BaseException:
        discard(evidence_dir, relative)
        raise
    return StoredEvidence(record.id, item.code, path.name, len(data), digest, relative)


def store_file(
    evidence_dir: Path, folder: str, data: bytes, file_name: str, mime_type: str | None
) -> Attachment:
    """Stage a file that is not bukti dukung (a kendala photo, an instruksi document); the
    use case that records it publishes it after its commit, or discards it."""
    path = _stage(evidence_dir / folder, safe_name(file_name), data)
    relative = path.relative_to(evidence_dir).as_posix()
    return Attachment(relative, mime_type or "", bounds.original_name(file_name))
