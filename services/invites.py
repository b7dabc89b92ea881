"""One-time invite codes: made by an admin, redeemed once by a new user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models import BotAccount, Invite, Satker
from services import audit, texts
from services.errors import ZibotError

ROLES = ("admin", "agen", "pimpinan", "verifikator")
STRUCTURES = ("komisioner", "sekretariat")


# No look-alikes (0/O, 1/I/L) and one case: easy to read aloud and to type on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS = (5, 5)  # K7QXR-9F2MW: 10 characters of 31, 49.5 bits
_IGNORED = str.maketrans("", "", " -\t")


def normalise_code(code: str) -> str:
    """The canonical form of a code as people type it: case, dashes and spaces do not count."""
    return code.translate(_IGNORED).upper()


def hash_code(code: str) -> str:
    """The stored form of an invite code (made by this version: normalised first)."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def lookup_hashes(code: str) -> list[str]:
    """Every stored form ``code`` may have: the normalised one, and the exact text that codes
    of earlier versions (mixed-case ``A-Za-z0-9_-``) were stored under."""
    return list(dict.fromkeys([hash_code(code), hashlib.sha256(code.strip().encode()).hexdigest()]))


def new_code() -> str:
    """A fresh code such as ``K7QXR-9F2MW`` (fits a Telegram deep link as it is)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(n)) for n in GROUPS)


def deep_link(username: str, code: str) -> str:
    """The link that opens the bot with the code filled in (``/start CODE``)."""
    return f"https://t.me/{username}?start={code}"


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
        raise ZibotError(texts.REVIEW_INVITE_ROLE_BAD.format(role=role))
    if role == "verifikator" and satker.level == "kabkota":
        raise ZibotError(texts.REVIEW_INVITE_PROVINCE_ONLY.format(name=satker.name))
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


def remember_bot(session: Session, *, channel: str, username: str, now: datetime) -> None:
    """Record the running bot's username on ``channel`` (``zibot invite`` prints deep links)."""
    if not username:
        return
    account = session.get(BotAccount, channel)
    if account is None:
        session.add(BotAccount(channel=channel, username=username, seen_at=now))
    else:
        account.username, account.seen_at = username, now


def bot_username(session: Session, channel: str = "telegram") -> str | None:
    """The username the bot last ran under on ``channel``, if it ever ran."""
    account = session.get(BotAccount, channel)
    return account.username if account is not None else None
