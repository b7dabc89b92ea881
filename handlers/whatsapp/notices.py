"""How WhatsApp says a notice: inside the 24-hour window a free-form message in WhatsApp's own
formatting (``*bold*``, ``_italic_``, never HTML), outside it the parameters of the approved
template that stands for it (README, "WhatsApp templates").

Values (names, user text) are shown literally: a WhatsApp formatting mark in them is followed by
an invisible word joiner, so ``*ini*`` typed by a user is not turned bold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from handlers.notice_texts import notice_text
from services import notices, texts
from services.actions import whatsapp_detail
from services.formatting import persen, tanggal, tanggal_panjang
from services.notices import Action, Notice
from services.notify import Buttons, Rendered

MAX_TEXT = 4096  # a text message
MAX_PART = 3800  # a part of a long notice, with room
MAX_PARAM = 160  # a template parameter excerpt (the full text is one press away)

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"__(.+?)__", re.DOTALL)
_MARKS = re.compile(r"([*_~`])")
_JOINER = "\u2060"
_SPACES = re.compile(r"\s+")


def markup(template: str) -> str:
    """A template's emphasis marks (``**bold**``, ``__italic__``) as WhatsApp's."""
    return _ITALIC.sub(r"_\1_", _BOLD.sub(r"*\1*", template))


def literal(value: str) -> str:
    """``value`` as WhatsApp shows it literally (no formatting from its marks)."""
    return _MARKS.sub(r"\1" + _JOINER, value)


def fill(template: str, **values: object) -> str:
    """The template in WhatsApp formatting, every text value literal."""
    return markup(template).format(
        **{k: literal(v) if isinstance(v, str) else v for k, v in values.items()}
    )


_REVIEW_LABELS = {
    notices.REVIEW_FILE: texts.REVIEW_BUTTON_FILE,
    notices.REVIEW_ACCEPT: texts.REVIEW_BUTTON_ACCEPT,
    notices.REVIEW_REJECT: texts.REVIEW_BUTTON_REJECT,
}


def label(action: Action) -> str:
    """The button title of an action (WhatsApp keeps titles short: 20 or 24 characters)."""
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
    if action.kind in _REVIEW_LABELS:
        return _REVIEW_LABELS[action.kind]
    raise ValueError(f"no button label for {action.kind!r}")


def keyboard(notice: Notice) -> Buttons:
    """The notice's actions as rows of (title, payload); the notifier fits them to WhatsApp
    (a review request's Kirim file / Terima / Tolak are answered by the WhatsApp chat too)."""
    return [[(label(a), notices.payload(a)) for a in row] for row in notice.actions]


def _split(lines: list[str], continued: str) -> list[str]:
    """Lines joined into parts of at most ``MAX_PART`` characters (split, never cut)."""
    parts: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > MAX_PART:
            parts.append(current)
            current = continued
        current = f"{current}\n{line}" if current else line
    parts.append(current)
    return parts


def _digest(n: notices.Digest) -> list[Rendered]:
    lines = [
        fill(texts.REMINDER_HEAD, satker=n.satker, date=tanggal_panjang(date.fromisoformat(n.day)))
    ]
    for section in n.sections:
        lines += ["", fill(texts.REMINDER_SECTION, label=section.label)]
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
    lines += ["", markup(texts.WA_REMINDER_FOOT)]
    parts = _split(lines, fill(texts.REMINDER_HEAD_CONTINUED, satker=n.satker))
    buttons = keyboard(n)
    return [Rendered(p, buttons if i == len(parts) - 1 else []) for i, p in enumerate(parts)]


def _weekly(n: notices.WeeklyRecap) -> list[Rendered]:
    day = date.fromisoformat(n.day)
    lines = [fill(texts.WEEKLY_HEAD, year=n.year, date=tanggal_panjang(day)), ""]
    lines += [
        fill(texts.WEEKLY_LINE, rank=i, name=r.name, percent=persen(r.percent), overdue=r.overdue)
        for i, r in enumerate(n.ranking, start=1)
    ]
    lines += ["", fill(texts.WEEKLY_FOOT, overdue=sum(r.overdue for r in n.ranking))]
    return [Rendered(part, []) for part in _split(lines, "")]


def _text(n: Notice) -> str:
    return notice_text(fill, n)


_LONG: dict[type[Notice], Callable[[Notice], list[Rendered]]] = {
    notices.Digest: _digest,  # type: ignore[dict-item]
    notices.WeeklyRecap: _weekly,  # type: ignore[dict-item]
}


class WhatsAppNoticePresenter:
    """Renders notices as free-form WhatsApp messages (inside the window)."""

    def render(self, notice: Notice) -> list[Rendered]:
        """One or more messages; the buttons under the last one."""
        long = _LONG.get(type(notice))
        if long is not None:
            return long(notice)
        text = _text(notice)
        if len(text) <= MAX_TEXT:
            return [Rendered(text, keyboard(notice))]
        parts = _split(text.split("\n"), "")
        return [
            Rendered(p, keyboard(notice) if i == len(parts) - 1 else [])
            for i, p in enumerate(parts)
        ]


# --- outside the window: the approved templates --------------------------------------------

REMINDER = "reminder"
INSTRUKSI = "instruksi"
KENDALA = "kendala"
PEMBERITAHUAN = "pemberitahuan"
# Each template's parameters ({{1}}, {{2}} ...) and quick-reply buttons, in order (README).
TEMPLATE_BUTTONS = {
    REMINDER: (texts.WA_BUTTON_DETAIL,),
    INSTRUKSI: (texts.WA_BUTTON_DETAIL, texts.WA_BUTTON_READ),
    KENDALA: (texts.WA_BUTTON_DETAIL,),
    PEMBERITAHUAN: (texts.WA_BUTTON_DETAIL,),
}


@dataclass(frozen=True)
class TemplateCall:
    """Which template stands for a notice, its body parameters, and the payload of each of
    its quick-reply buttons (in the template's order)."""

    template: str  # REMINDER, INSTRUKSI, KENDALA or PEMBERITAHUAN
    params: tuple[str, ...]
    payloads: tuple[str, ...]


def param(value: str, limit: int = MAX_PARAM) -> str:
    """A template parameter: one line (Meta refuses line breaks, tabs and runs of spaces), at
    most ``limit`` characters, marked with "…" when shortened (the full text is behind
    "Lihat detail"); never empty."""
    flat = _SPACES.sub(" ", literal(value)).strip() or "-"
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + texts.WA_EXCERPT_MORE


def _codes(n: notices.Digest) -> str:
    codes = [item.code for section in n.sections for item in section.items]
    if len(codes) <= 3:
        return ", ".join(codes)
    return texts.WA_TPL_ITEMS_MORE.format(codes=", ".join(codes[:3]), more=len(codes) - 3)


def template_call(notice: Notice | None, outbox_id: int) -> TemplateCall:
    """The template that stands for ``notice`` (None: a row stored as text) outside the
    window; "Lihat detail" carries ``wd:<outbox id>``."""
    detail = whatsapp_detail(outbox_id)
    n = notice
    if isinstance(n, notices.Digest):
        count = sum(len(s.items) for s in n.sections)
        day = tanggal_panjang(date.fromisoformat(n.day))
        return TemplateCall(
            REMINDER, (param(n.satker), param(day), str(count), param(_codes(n))), (detail,)
        )
    if isinstance(n, notices.InstruksiNotice | notices.InstruksiReminder):
        read = notices.payload(Action(notices.READ_INSTRUKSI, str(n.instruksi_id)))
        if isinstance(n, notices.InstruksiNotice):
            params = (param(n.number), param(n.admin), param(n.text))
        else:
            excerpt = texts.WA_TPL_INSTRUKSI_REMINDER.format(excerpt=n.text)
            params = (param(n.number), texts.WA_TPL_PROVINCE, param(excerpt))
        return TemplateCall(INSTRUKSI, params, (detail, read))
    if isinstance(n, notices.InstruksiAttachment):  # no instruksi id: "Sudah dibaca" is on the text
        summary = f"{n.number}: {texts.WA_TPL_INSTRUKSI_ATTACHMENT}"
        return TemplateCall(PEMBERITAHUAN, (param(summary),), (detail,))
    kendala = _kendala_summary(n)
    if kendala is not None:
        number, summary = kendala
        return TemplateCall(KENDALA, (param(number), param(summary)), (detail,))
    return TemplateCall(PEMBERITAHUAN, (param(_summary(n)),), (detail,))


def _kendala_summary(n: Notice | None) -> tuple[str, str] | None:
    if isinstance(n, notices.KendalaAnswer):
        return n.number, texts.WA_TPL_KENDALA_ANSWER.format(admin=n.admin)
    if isinstance(n, notices.KendalaClosed):
        return n.number, texts.WA_TPL_KENDALA_CLOSED.format(days=n.days)
    if isinstance(n, notices.KendalaPost):
        return n.number, texts.WA_TPL_KENDALA_POST.format(satker=n.satker)
    if isinstance(n, notices.KendalaAttachment):
        return n.number, texts.WA_TPL_KENDALA_ATTACHMENT
    if isinstance(n, notices.KendalaEscalation | notices.KendalaOverdue):
        return n.number, texts.WA_TPL_KENDALA_ESCALATION.format(satker=n.satker, days=n.days)
    return None


def _summary(n: Notice | None) -> str:
    if isinstance(n, notices.GroupLost):
        return texts.WA_TPL_GROUP_LOST.format(satker=n.satker, code=n.code)
    if isinstance(n, notices.WeeklyRecap):
        return texts.WA_TPL_WEEKLY.format(year=n.year)
    if isinstance(n, notices.TemplateRejected):
        return texts.WA_TPL_TEMPLATE_REJECTED.format(template=n.template)
    return texts.WA_TPL_GENERIC
