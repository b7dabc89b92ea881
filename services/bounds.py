"""Every bound on what people send, in one place: texts, numbers, file names.

The rule: nothing a person sent is cut in silence. A text is stored as sent or refused with a
reason (``TooLong``); a number from a command or a button is an id the database can hold or it
is refused (``BadNumber``); a file name is made safe for the disk (at most
``MAX_FILE_NAME_BYTES`` of UTF-8, never half a character). Only *excerpts* shown inside another
message are shortened, and they say so with an ellipsis.
"""

from __future__ import annotations

import os
import re
import unicodedata

from services import texts
from services.errors import ZibotError

MAX_TEXT = 4096  # one Telegram (and WhatsApp) message: what a person can send at once
MAX_ID = 2**63 - 1  # a positive BIGINT (PostgreSQL) / INTEGER (SQLite)
MAX_FILE_NAME_BYTES = 200  # leaves room for " (2)" and ".part" within 255-byte file systems
MAX_ORIGINAL_NAME = 255  # characters: the original_name / attachment_name columns
MAX_SUFFIX = 10  # characters of the extension kept (".docx", ".jpeg")
ELLIPSIS = "…"

_DIGITS = re.compile(r"[0-9]{1,19}")
_UNSAFE = re.compile(r"[^\w.\- ()]+")


class TooLong(ZibotError):
    """A text longer than its bound; nothing was stored."""

    def __init__(self, what: str, length: int, limit: int) -> None:
        super().__init__(texts.INPUT_TOO_LONG.format(what=what, length=length, limit=limit))
        self.length = length
        self.limit = limit


class BadNumber(ZibotError):
    """A number that is not a positive id the database can hold."""


def check_text(text: str, what: str, limit: int = MAX_TEXT) -> str:
    """``text`` unchanged when it has at most ``limit`` characters, else ``TooLong``.

    ``what`` names the text in the refusal (``texts.INPUT_WHAT_*``). Characters are code points:
    never more than Telegram's own count (UTF-16 units), so what Telegram delivered fits.
    """
    if len(text) > limit:
        raise TooLong(what, len(text), limit)
    return text


def parse_id(value: str) -> int:
    """A positive id from text (``"42"``) within ``MAX_ID``, else ``BadNumber``.

    Only ASCII digits: ``int()`` would also take ``"+4"``, ``" 4"``, ``"4_2"`` and Arabic-Indic
    digits, and any length (an ``OverflowError`` in the database driver later).
    """
    if not _DIGITS.fullmatch(value):
        raise BadNumber(texts.INPUT_BAD_NUMBER.format(value=value[:40]))
    return check_id(int(value))


def check_id(value: int) -> int:
    """``value`` when it is a positive id the database can hold, else ``BadNumber``."""
    if not 1 <= value <= MAX_ID:
        raise BadNumber(texts.INPUT_BAD_NUMBER.format(value=str(value)[:40]))
    return value


def excerpt(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text`` for display inside another message, ending
    with an ellipsis when something was left out (the full text stays stored)."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


def cut_utf8(text: str, max_bytes: int) -> str:
    """The longest start of ``text`` that fits ``max_bytes`` of UTF-8, never half a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def safe_file_name(file_name: str, default: str = "bukti") -> str:
    """A name for the disk from a name a person gave: no folders, no control or odd
    characters, no leading dot, the extension kept, at most ``MAX_FILE_NAME_BYTES`` of UTF-8
    (file systems count bytes: 300 CJK characters are 900 bytes)."""
    base = unicodedata.normalize("NFKC", file_name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    base = re.sub(r"\s+", " ", base)
    if not base or set(base) <= {"_", "."}:
        base = default
    stem, suffix = os.path.splitext(base)
    suffix = cut_utf8(suffix[:MAX_SUFFIX], MAX_FILE_NAME_BYTES // 4)
    stem = cut_utf8(stem, MAX_FILE_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip(" .")
    return (stem or default) + suffix


def original_name(file_name: str) -> str:
    """The name as the person gave it, for the record: control characters dropped, at most
    ``MAX_ORIGINAL_NAME`` characters (the column's width)."""
    shown = "".join(c for c in file_name if unicodedata.category(c)[0] != "C")
    return shown.strip()[:MAX_ORIGINAL_NAME] or "-"
