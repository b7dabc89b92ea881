"""How WhatsApp says the bot's replies: WhatsApp's own formatting (``*tebal*``, ``_miring_``,
```monospace```), never HTML, and every limit of the Cloud API kept here (pywa checks none).

Meta's limits: at most 3 reply buttons, titles of at most 20 characters; a list message of at
most 10 rows (title ≤ 24, description ≤ 72; its button ≤ 20); a body of at most 1,024
characters with buttons; a text of at most 4,096. A longer text is split into several
messages (never cut); more choices than fit, or a title that does not fit, become a numbered
text list the person answers with a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.views import Markup
from handlers.whatsapp.notices import literal, markup

MAX_TEXT = 4096
MAX_BODY_WITH_BUTTONS = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_LIST_BUTTON = 20
MAX_PAYLOAD = 200  # a list row's id; a button's may be 256


class WhatsAppStyle:
    """WhatsApp's way of saying the templates (``handlers.views.Style``): its own marks
    (``*bold*``, ``_italic_``, ```monospace```), every text value literal (a word joiner after
    each of its formatting characters, so that what people wrote is never formatted)."""

    max_text: int = MAX_TEXT

    def fill(self, template: str, **values: object) -> str:
        """The template in WhatsApp formatting, text values literal (``Markup`` as it is)."""
        return markup(template).format(
            **{
                k: literal(v) if isinstance(v, str) and not isinstance(v, Markup) else v
                for k, v in values.items()
            }
        )

    def plain(self, text: object) -> str:
        """Text shown as it is."""
        return literal(str(text))

    def refusal(self, exc: BaseException) -> str:
        """A refused request's reason (an Indonesian sentence from ``services.texts``): its
        emphasis marks as WhatsApp's, everything else literal, since the sentence may quote
        what the person wrote (``Kode item '*MP-99*' tidak ada``)."""
        return refusal_text(str(exc))


WHATSAPP = WhatsAppStyle()
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.DOTALL)


def refusal_text(text: str) -> str:
    """A finished sentence with the templates' marks (``**bold**``, ``__italic__``) in
    WhatsApp formatting and every other formatting character shown literally."""
    parts: list[str] = []
    position = 0
    for found in _EMPHASIS.finditer(text):
        parts.append(literal(text[position : found.start()]))
        if found.group(1) is not None:
            parts.append("*" + literal(found.group(1)) + "*")
        else:
            parts.append("_" + literal(found.group(2)) + "_")
        position = found.end()
    parts.append(literal(text[position:]))
    return "".join(parts)


def fill(template: str, **values: object) -> str:
    """A template in WhatsApp formatting with its values literal."""
    return WHATSAPP.fill(template, **values)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split ``text`` into messages of at most ``limit`` characters: after the last line that
    fits, else after the last space, else between two characters. Only the line break or the
    space at a break is dropped, so the parts together are the whole text."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            parts.append(rest[:limit])
            rest = rest[limit:]
            continue
        parts.append(rest[:cut])
        rest = rest[cut + 1 :]
    parts.append(rest)
    shown = [p for p in parts if p.strip()]
    return shown or [""]


@dataclass(frozen=True)
class Choice:
    """One option offered to the person: the payload a press sends back, what it says."""

    payload: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Text:
    """A plain text message (at most 4,096 characters)."""

    body: str


@dataclass(frozen=True)
class ReplyButtons:
    """A message with up to three reply buttons."""

    body: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class ListMessage:
    """A list message: a button that opens up to ten rows."""

    body: str
    button: str
    choices: tuple[Choice, ...]


Outgoing = Text | ReplyButtons | ListMessage


@dataclass(frozen=True)
class Reply:
    """What to send, and, when the choices became a numbered list, the payload of each
    number (in order) for the answer to be understood."""

    messages: tuple[Outgoing, ...]
    numbered: tuple[str, ...] = ()


def text_reply(text: str) -> Reply:
    """A text reply, in as many messages as it needs."""
    return Reply(tuple(Text(part) for part in split_text(text)))


def _body_and_prompt(body: str, limit: int) -> tuple[list[Outgoing], str]:
    """A body too long to go with buttons: its first parts go as text, and the buttons come
    under its last part (at most ``limit`` characters); nothing is cut."""
    if len(body) <= limit:
        return [], body
    parts = split_text(body)
    if len(parts[-1]) > limit:
        parts = parts[:-1] + split_text(parts[-1], limit)
    return [Text(p) for p in parts[:-1]], parts[-1]


def choose(
    body: str,
    choices: list[Choice],
    *,
    button: str,
    number_hint: str,
    footer: str = "",
) -> Reply:
    """Offer ``choices`` under ``body`` in the richest form that fits Meta's limits: reply
    buttons (≤ 3, short titles), a list message (≤ 10 rows), otherwise a numbered text list
    whose ``number_hint`` tells the person to answer with a number."""
    if not choices:
        return text_reply("\n\n".join(p for p in (body, footer) if p))
    if any(len(c.payload) > MAX_PAYLOAD for c in choices):
        raise ValueError("a choice's payload is over 200 characters")
    full = "\n\n".join(p for p in (body, footer) if p)
    if len(choices) <= MAX_BUTTONS and all(
        len(c.title) <= MAX_BUTTON_TITLE and not c.description for c in choices
    ):
        before, last = _body_and_prompt(full, MAX_BODY_WITH_BUTTONS)
        return Reply((*before, ReplyButtons(last, tuple(choices))))
    if (
        len(choices) <= MAX_ROWS
        and len(button) <= MAX_LIST_BUTTON
        and all(
            len(c.title) <= MAX_ROW_TITLE and len(c.description) <= MAX_ROW_DESCRIPTION
            for c in choices
        )
    ):
        before, last = _body_and_prompt(full, MAX_BODY_WITH_BUTTONS)
        return Reply((*before, ListMessage(last, button, tuple(choices))))
    lines = [body, ""]
    for number, choice in enumerate(choices, start=1):
        line = f"*{number}.* {choice.title}"
        if choice.description:
            line += f" — {choice.description}"
        lines.append(line)
    lines += ["", number_hint]
    if footer:
        lines += ["", footer]
    parts = split_text("\n".join(lines))
    return Reply(tuple(Text(p) for p in parts), tuple(c.payload for c in choices))


def check(message: Outgoing) -> None:
    """Refuse a message that breaks a limit of the Cloud API (a bug here, not a user error)."""
    if isinstance(message, Text):
        if len(message.body) > MAX_TEXT or not message.body:
            raise ValueError("a text message must have 1 to 4,096 characters")
        return
    if len(message.body) > MAX_BODY_WITH_BUTTONS or not message.body:
        raise ValueError("a body with buttons must have 1 to 1,024 characters")
    if isinstance(message, ReplyButtons):
        if not 1 <= len(message.choices) <= MAX_BUTTONS:
            raise ValueError("1 to 3 reply buttons")
        if any(len(c.title) > MAX_BUTTON_TITLE for c in message.choices):
            raise ValueError("a button title over 20 characters")
        return
    if not 1 <= len(message.choices) <= MAX_ROWS or len(message.button) > MAX_LIST_BUTTON:
        raise ValueError("1 to 10 rows, a list button of at most 20 characters")
    for c in message.choices:
        if len(c.title) > MAX_ROW_TITLE or len(c.description) > MAX_ROW_DESCRIPTION:
            raise ValueError("a row title over 24 or a description over 72 characters")
