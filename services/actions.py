"""Button payloads ("callback data"): every one the bot offers is encoded here, and every press
is decoded and bounded here before any handler uses it.

A payload is ``prefix:arg[:arg...]``. Decoding checks the whole payload against the grammar of
its prefix: ids are positive integers the database can hold (``bounds.MAX_ID``), codes and
words are short and of a known alphabet. Anything else (forged, truncated, from an older
version of the bot) is a ``BadAction``, which the channel answers with "Tombol tidak berlaku."
and logs without a traceback. Telegram allows 64 bytes of callback data; every payload built
here fits (the longest is ``kd:item:<19 digits>:<32 characters>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services import bounds, texts
from services.errors import ZibotError

MAX_PAYLOAD = 64  # bytes, Telegram's limit for callback data
LAPOR = "lapor"  # /lapor item and status buttons (also under reminders)
REMINDER_DONE = "rl"  # "Sudah selesai" under a reminder
REMINDER_SNOOZE = "rt"  # "Ingatkan besok" under a reminder
KENDALA = "kd"  # the /kendala conversation
KENDALA_ANSWER = "kt"  # "Tanggapi" under a posted ticket
KENDALA_CLOSE = "ks"  # "Selesai" under a posted ticket
INSTRUKSI_READ = "ib"  # "Sudah dibaca" under an instruction
WHATSAPP_DETAIL = "wd"  # "Lihat detail" under a WhatsApp template: the full message
PREFIXES = (LAPOR, REMINDER_DONE, REMINDER_SNOOZE, KENDALA, KENDALA_ANSWER, KENDALA_CLOSE,
            INSTRUKSI_READ, WHATSAPP_DETAIL)  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """One kind of button, declared once: its prefix, what its payload carries, who may press
    it (an ``services.access.may_press`` rule) and what it does."""

    prefix: str
    grammar: str
    who: str  # "anyone", "member", "writer", "admin", "admin_quietly" (see access.may_press)
    refusal: str | None  # what a person who may not press it hears (None: the rule's own text)
    does: str


KINDS: dict[str, Kind] = {
    kind.prefix: kind
    for kind in (
        Kind(LAPOR, "lapor:<item code>[:<status>]", "writer", None, "status choice / status set"),
        Kind(REMINDER_DONE, "rl:<item code>", "writer", None, "open the status choice for an item"),
        Kind(REMINDER_SNOOZE, "rt:<target id>", "member", None, "snooze a target in this chat"),
        Kind(KENDALA, "kd:<step>[:args]", "anyone", None, "a step of the /kendala conversation"),
        Kind(KENDALA_ANSWER, "kt:<ticket id>", "admin_quietly", texts.KENDALA_ADMIN_ONLY,
             "ask the admin for an answer to a ticket"),
        Kind(KENDALA_CLOSE, "ks:<ticket id>", "admin", texts.KENDALA_ADMIN_ONLY, "close a ticket"),
        Kind(INSTRUKSI_READ, "ib:<instruksi id>", "member", None, "confirm an instruction read"),
        Kind(WHATSAPP_DETAIL, "wd:<outbox id>", "anyone", None,
             "send the full message behind a WhatsApp template (to its own recipient only)"),
    )
}  # fmt: skip

# Steps of the /kendala conversation that carry no argument, and those that carry one.
KENDALA_STEPS = ("umum", "skip", "send", "cancel")

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")  # item codes (MP-01.02), area codes
_WORD = re.compile(r"[a-z]{1,16}")  # statuses, categories


class BadAction(ZibotError):
    """A payload that is not one the bot offers; ``reason`` says why, for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(texts.BUTTON_INVALID)
        self.reason = reason


@dataclass(frozen=True)
class Action:
    """A decoded press: its prefix and its bounded arguments."""

    prefix: str
    id: int | None = None  # a database id (rt, kt, ks, ib, kd:item)
    code: str | None = None  # an item or area code (lapor, rl, kd:area, kd:item)
    word: str | None = None  # a status (lapor) or a category (kd:cat)
    step: str | None = None  # the /kendala step: area, item, cat, umum, skip, send, cancel


# --- encoding ------------------------------------------------------------------------------


def lapor_item(code: str) -> str:
    """Opens the status choice for an item."""
    return _encode(LAPOR, _code(code))


def lapor_status(code: str, status: str) -> str:
    """Sets an item's status."""
    return _encode(LAPOR, _code(code), _word(status))


def reminder_done(code: str) -> str:
    return _encode(REMINDER_DONE, _code(code))


def reminder_snooze(target_id: int) -> str:
    return _encode(REMINDER_SNOOZE, _id(target_id))


def kendala_answer(ticket_id: int) -> str:
    return _encode(KENDALA_ANSWER, _id(ticket_id))


def kendala_close(ticket_id: int) -> str:
    return _encode(KENDALA_CLOSE, _id(ticket_id))


def instruksi_read(instruksi_id: int) -> str:
    return _encode(INSTRUKSI_READ, _id(instruksi_id))


def kendala_area(code: str) -> str:
    return _encode(KENDALA, "area", _code(code))


def kendala_item(target_id: int, code: str) -> str:
    return _encode(KENDALA, "item", _id(target_id), _code(code))


def kendala_category(key: str) -> str:
    return _encode(KENDALA, "cat", _word(key))


def kendala_step(step: str) -> str:
    """``kd:umum``, ``kd:skip``, ``kd:send``, ``kd:cancel``."""
    if step not in KENDALA_STEPS:
        raise ValueError(f"unknown kendala step {step!r}")
    return _encode(KENDALA, step)


def whatsapp_detail(outbox_id: int) -> str:
    """``wd:<outbox id>``: the full message behind a template sent outside the window."""
    return _encode(WHATSAPP_DETAIL, _id(outbox_id))


def _encode(*parts: str) -> str:
    data = ":".join(parts)
    if len(data.encode("utf-8")) > MAX_PAYLOAD:
        raise ValueError(f"callback data over {MAX_PAYLOAD} bytes: {data!r}")
    return data


def _id(value: int) -> str:
    if not 1 <= value <= bounds.MAX_ID:
        raise ValueError(f"not an id for a button: {value!r}")
    return str(value)


def _code(value: str) -> str:
    if not _CODE.fullmatch(value):
        raise ValueError(f"not a code for a button: {value!r}")
    return value


def _word(value: str) -> str:
    if not _WORD.fullmatch(value):
        raise ValueError(f"not a word for a button: {value!r}")
    return value


# --- decoding ------------------------------------------------------------------------------


def decode(data: str | None, *expected: str) -> Action:
    """The press behind ``data``; ``BadAction`` unless it is a payload the bot offers (and,
    when ``expected`` prefixes are given, one of them)."""
    if not data:
        raise BadAction("empty payload")
    if len(data.encode("utf-8", errors="replace")) > MAX_PAYLOAD:
        raise BadAction("payload over 64 bytes")
    prefix, _, rest = data.partition(":")
    if expected and prefix not in expected:
        raise BadAction(f"prefix {prefix!r} where {'/'.join(expected)} was expected")
    args = rest.split(":") if rest else []
    if prefix == LAPOR and len(args) in (1, 2):
        word = _arg_word(args[1]) if len(args) == 2 else None
        return Action(prefix, code=_arg_code(args[0]), word=word)
    if prefix == REMINDER_DONE and len(args) == 1:
        return Action(prefix, code=_arg_code(args[0]))
    if (
        prefix in (REMINDER_SNOOZE, KENDALA_ANSWER, KENDALA_CLOSE, INSTRUKSI_READ, WHATSAPP_DETAIL)
        and len(args) == 1
    ):
        return Action(prefix, id=_arg_id(args[0]))
    if prefix == KENDALA and args:
        return _decode_kendala(args)
    raise BadAction(f"no payload of the form {prefix!r} with {len(args)} argument(s)")


def _decode_kendala(args: list[str]) -> Action:
    step, more = args[0], args[1:]
    if step in KENDALA_STEPS and not more:
        return Action(KENDALA, step=step)
    if step == "area" and len(more) == 1:
        return Action(KENDALA, code=_arg_code(more[0]), step=step)
    if step == "cat" and len(more) == 1:
        return Action(KENDALA, word=_arg_word(more[0]), step=step)
    if step == "item" and len(more) == 2:
        return Action(KENDALA, id=_arg_id(more[0]), code=_arg_code(more[1]), step=step)
    raise BadAction(f"unknown kendala step {step!r} with {len(more)} argument(s)")


def _arg_id(value: str) -> int:
    try:
        return bounds.parse_id(value)
    except bounds.BadNumber:
        raise BadAction(f"not an id: {value[:24]!r}") from None


def _arg_code(value: str) -> str:
    if not _CODE.fullmatch(value):
        raise BadAction(f"not a code: {value[:24]!r}")
    return value


def _arg_word(value: str) -> str:
    if not _WORD.fullmatch(value):
        raise BadAction(f"not a word: {value[:24]!r}")
    return value
