"""How Telegram says things: ``TELEGRAM``, the style of command replies (``handlers.views``),
and notices as HTML from the templates in ``services.texts`` with inline buttons whose callback
data encodes the notice's actions (rendered when the message is sent)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html import escape

from telegram.constants import MessageLimit

from handlers.notice_texts import notice_text
from handlers.views import Markup
from services import notices, texts
from services.formatting import persen, tanggal, tanggal_panjang
from services.notices import Action, Notice
from services.notify import Buttons, Rendered

MAX_TEXT = 3800  # a digest or recap part: under Telegram's 4,096 characters, with room

_BLOCK = re.compile(r"```(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+?)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"__(.+?)__", re.DOTALL)


def markup(template: str) -> str:
    """A template's marks (``**bold**``, ``__italic__``, `` `code` ``, ```` ```block``` ````)
    as Telegram HTML."""
    template = _CODE.sub(r"<code>\1</code>", _BLOCK.sub(r"<pre>\1</pre>", template))
    return _ITALIC.sub(r"<i>\1</i>", _BOLD.sub(r"<b>\1</b>", template))


class TelegramStyle:
    """Telegram's way of saying the templates: HTML, every text value escaped.

    Command replies escape ``<``, ``>`` and ``&`` only; notices (``fill``) quote as well, as
    they always have (both read the same in Telegram)."""

    max_text: int = MessageLimit.MAX_TEXT_LENGTH

    def __init__(self, quote: bool = False) -> None:
        self._quote = quote

    def _value(self, value: object) -> object:
        if isinstance(value, str) and not isinstance(value, Markup):
            return escape(value, quote=self._quote)
        return value

    def fill(self, template: str, **values: object) -> str:
        """The template in HTML, with every text value but ``Markup`` escaped."""
        return markup(template).format(**{k: self._value(v) for k, v in values.items()})

    def plain(self, text: object) -> str:
        """Plain text, escaped for HTML."""
        return escape(str(text), quote=self._quote)


TELEGRAM = TelegramStyle()
_NOTICES = TelegramStyle(quote=True)


def fill(template: str, **values: object) -> str:
    """The template of a notice in HTML, with every text value escaped."""
    return _NOTICES.fill(template, **values)


def _label(action: Action) -> str:
    if action.kind == notices.ITEM_DONE:
        return texts.REMINDER_BUTTON_DONE.format(code=action.subject)
    if action.kind == notices.SNOOZE:
        return texts.REMINDER_BUTTON_SNOOZE.format(code=action.subject)
    if action.kind == notices.ANSWER_TICKET:
        return texts.KENDALA_BUTTON_ANSWER
    if action.kind == notices.CLOSE_TICKET:
        return texts.KENDALA_BUTTON_CLOSE
    if action.kind == notices.READ_INSTRUKSI:
        return texts.INSTRUKSI_BUTTON_READ
    if action.kind == notices.REVIEW_FILE:
        return texts.REVIEW_BUTTON_FILE
    if action.kind == notices.REVIEW_ACCEPT:
        return texts.REVIEW_BUTTON_ACCEPT
    if action.kind == notices.REVIEW_REJECT:
        return texts.REVIEW_BUTTON_REJECT
    raise ValueError(f"no button label for {action.kind!r}")


def keyboard(notice: Notice) -> Buttons:
    """The notice's actions as rows of (label, callback data)."""
    return [[(_label(a), notices.payload(a)) for a in row] for row in notice.actions]


def _digest(notice: notices.Digest) -> list[Rendered]:
    today = date.fromisoformat(notice.day)
    head = fill(texts.REMINDER_HEAD, satker=notice.satker, date=tanggal_panjang(today))
    blocks: list[str] = []
    for section in notice.sections:
        lines = ["\n" + fill(texts.REMINDER_SECTION, label=section.label)]
        for item in section.items:
            late = texts.REMINDER_LATE_DAYS.format(days=item.late_days) if item.late_days else ""
            lines.append(
                fill(
                    texts.REMINDER_ITEM,
                    code=item.code,
                    activity=item.activity,
                    tenggat=tanggal(date.fromisoformat(item.tenggat)),
                    late=late,
                )
            )
        blocks.append("\n".join(lines))
    messages: list[str] = []
    current = head
    for block in blocks:
        for line in block.split("\n"):
            if len(current) + len(line) + 1 > MAX_TEXT:
                messages.append(current)
                current = fill(texts.REMINDER_HEAD_CONTINUED, satker=notice.satker)
            current += "\n" + line
    current += "\n\n" + texts.REMINDER_FOOT
    messages.append(current)
    buttons = keyboard(notice)
    last = len(messages) - 1
    return [Rendered(m, buttons if i == last else []) for i, m in enumerate(messages)]


def _weekly(notice: notices.WeeklyRecap) -> list[Rendered]:
    day = date.fromisoformat(notice.day)
    lines = [fill(texts.WEEKLY_HEAD, year=notice.year, date=tanggal_panjang(day)), ""]
    lines += [
        fill(
            texts.WEEKLY_LINE,
            rank=i,
            name=line.name,
            percent=persen(line.percent),
            overdue=line.overdue,
        )
        + (
            fill(texts.VIEW_RANK_VERIFIED, percent=persen(line.verified))
            if line.verified is not None
            else ""
        )
        for i, line in enumerate(notice.ranking, start=1)
    ]
    lines += ["", fill(texts.WEEKLY_FOOT, overdue=sum(line.overdue for line in notice.ranking))]
    parts: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > MAX_TEXT:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    parts.append(current)
    return [Rendered(part, []) for part in parts]


def _text(notice: Notice) -> str:
    """The one message of every notice but the long ones."""
    return notice_text(fill, notice)


_LONG: dict[type[Notice], Callable[[Notice], list[Rendered]]] = {
    notices.Digest: _digest,  # type: ignore[dict-item]
    notices.WeeklyRecap: _weekly,  # type: ignore[dict-item]
}


class TelegramPresenter:
    """Renders notices as Telegram HTML with inline keyboards."""

    def render(self, notice: Notice) -> list[Rendered]:
        long = _LONG.get(type(notice))
        if long is not None:
            return long(notice)
        return [Rendered(_text(notice), keyboard(notice))]


def render_text(notice: Notice) -> str:
    """All of a notice's text as Telegram HTML (its parts joined), e.g. for a preview."""
    return "\n".join(part.text for part in TelegramPresenter().render(notice))
