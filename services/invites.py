"""One-time invite codes: made by an admin, redeemed once by a new user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models import Invite, Satker
from services import audit, texts
from services.errors import ZibotError

ROLES = ("admin", "agen", "pimpinan")
STRUCTURES = ("komisioner", "sekretariat")


def hash_code(code: str) -> str:
    """The stored form of an invite code."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def new_code() -> str:
    """A fresh code of 16 characters from ``A-Za-z0-9_-`` (fits a Telegram deep link)."""
    return secrets.token_urlsafe(12)


def create_invites(
    session: Session,
    *,
    satker: Satker,
    role: str,
    count: int,
    days: int,
    now: datetime,
    actor: str,
    structure: str | None = None,
) -> list[str]:
    """Store ``count`` hashed invite codes for ``satker`` and ``role``; return the plain codes."""
    if role not in ROLES:
        raise ZibotError(texts.INVITE_ROLE_BAD.format(role=role))
    if structure is not None:
        if role != "pimpinan":
            raise ZibotError(texts.INVITE_STRUCTURE_ONLY_PIMPINAN)
        if structure not in STRUCTURES:
            raise ZibotError(texts.INVITE_STRUCTURE_BAD.format(structure=structure))
    if not 1 <= count <= 500:
        raise ZibotError(texts.INVITE_COUNT_BAD)
    if not 1 <= days <= 365:
        raise ZibotError(texts.INVITE_DAYS_BAD)
    codes = [new_code() for _ in range(count)]
    expires = now + timedelta(days=days)
    for code in codes:
        session.add(
            Invite(
                code_hash=hash_code(code),
                role=role,
                structure=structure,
                satker_id=satker.id,
                created_at=now,
                expires_at=expires,
            )
        )
    audit.record(
        session,
        now=now,
        actor=actor,
        action="invite",
        entity="satker",
        entity_id=satker.code,
        role=role,
        structure=structure,
        count=count,
        days=days,
    )
    session.flush()
    return codes
