"""Bukti dukung: check what was sent, store it safely on disk, record it in the database."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from models import BuktiDukung, Target
from services import audit, bounds, texts
from services.errors import ZibotError
from services.kendala import Attachment
from services.members import Member

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


def _free_path(folder: Path, name: str) -> Path:
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


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
    """Write the file under ``<dir>/<year>/<satker>/<area>/<item>/`` and record it."""
    check_upload(file_name, mime_type, len(data))
    item = target.item
    folder = evidence_dir / str(item.year) / target.satker.code / item.area.code / item.code
    folder.mkdir(parents=True, exist_ok=True)
    path = _free_path(folder, safe_name(file_name))
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    digest = hashlib.sha256(data).hexdigest()
    relative = path.relative_to(evidence_dir).as_posix()
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
    return StoredEvidence(record.id, item.code, path.name, len(data), digest, relative)


def store_file(
    evidence_dir: Path, folder: str, data: bytes, file_name: str, mime_type: str | None
) -> Attachment:
    """Store a file that is not bukti dukung (a kendala photo, an instruksi document)."""
    target = evidence_dir / folder
    target.mkdir(parents=True, exist_ok=True)
    path = _free_path(target, safe_name(file_name))
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    relative = path.relative_to(evidence_dir).as_posix()
    return Attachment(relative, mime_type or "", bounds.original_name(file_name))
