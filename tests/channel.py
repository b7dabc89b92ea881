"""A second, minimal channel for the tests: plain text, recorded in memory, no Telegram.

``PlainPresenter`` says every notice in plain sentences from ``services.texts`` (emphasis marks
dropped) with buttons labelled by their action; ``TestChannel`` is a notifier under channel
``"test"`` that records what the Dispatcher hands it. ``as_telegram`` fills a stored outbox
row's ``text``/``buttons`` with what the Telegram presenter will send for it, so tests can keep
comparing Telegram output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from handlers.telegram.presenter import TelegramPresenter
from models import Outbox
from services import notices, texts
from services.formatting import persen, tanggal, tanggal_panjang
from services.notices import Notice
from services.notify import Attachment, Buttons, Rendered, Sent

CHANNEL = "test"
_MARKS = re.compile(r"\*\*|__")


def plain(template: str, **values: object) -> str:
    """A template without its emphasis marks, filled as is (no markup to escape)."""
    return _MARKS.sub("", template).format(**values)


class PlainPresenter:
    """Every notice as one plain-text message; buttons carry ``kind:ref`` of the action."""

    def render(self, notice: Notice) -> list[Rendered]:
        buttons = [[(f"{a.kind} {a.subject}".strip(), f"{a.kind}:{a.ref}") for a in row]
                   for row in notice.actions]  # fmt: skip
        return [Rendered(self.text(notice), buttons)]

    def text(self, notice: Notice) -> str:
        n = notice
        if isinstance(n, notices.Digest):
            lines = [plain(texts.REMINDER_HEAD, satker=n.satker,
                           date=tanggal_panjang(date.fromisoformat(n.day)))]  # fmt: skip
            for section in n.sections:
                lines.append(plain(texts.REMINDER_SECTION, label=section.label))
                for item in section.items:
                    late = texts.REMINDER_LATE_DAYS.format(days=item.late_days)
                    lines.append(
                        plain(texts.REMINDER_ITEM, code=item.code, activity=item.activity,
                              tenggat=tanggal(date.fromisoformat(item.tenggat)),
                              late=late if item.late_days else "")
                    )  # fmt: skip
            return "\n".join(lines)
        if isinstance(n, notices.WeeklyRecap):
            return "\n".join(
                [plain(texts.WEEKLY_HEAD, year=n.year, date=n.day)]
                + [plain(texts.WEEKLY_LINE, rank=i, name=r.name, percent=persen(r.percent),
                         overdue=r.overdue) for i, r in enumerate(n.ranking, start=1)]
            )  # fmt: skip
        if isinstance(n, notices.KendalaPost):
            return plain(texts.KENDALA_POST, number=n.number, satker=n.satker,
                         reporter=n.reporter, item=n.item, category=n.category, when=n.when,
                         description=n.description,
                         reopened=texts.KENDALA_REOPENED_MARK if n.reopened else "")  # fmt: skip
        if isinstance(n, notices.KendalaAnswer):
            return plain(texts.KENDALA_ANSWER, number=n.number, description=n.description,
                         answer=n.answer, admin=n.admin)  # fmt: skip
        if isinstance(n, notices.InstruksiNotice):
            return plain(texts.INSTRUKSI_MESSAGE, number=n.number, text=n.text, admin=n.admin)
        if isinstance(n, notices.InstruksiReminder):
            return plain(texts.INSTRUKSI_REMINDER, number=n.number, text=n.text)
        # Every other kind: its sentence would do; the test channel only needs to show it came.
        return f"{n.kind}: {json.dumps(n.params(), ensure_ascii=False, sort_keys=True)}"


@dataclass
class Delivered:
    chat_id: str
    text: str
    buttons: Buttons
    attachment: Attachment | None


@dataclass
class TestChannel:
    """A notifier for channel "test": records every message, never fails."""

    __test__ = False  # not a pytest class
    channel: str = CHANNEL
    presenter: PlainPresenter = field(default_factory=PlainPresenter)
    sent: list[Delivered] = field(default_factory=list)

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: Attachment | None = None
    ) -> Sent:
        self.sent.append(Delivered(chat_id, text, buttons, attachment))
        return Sent(len(self.sent))

    def to(self, chat_id: str) -> list[Delivered]:
        return [d for d in self.sent if d.chat_id == chat_id]


TELEGRAM = TelegramPresenter()


def telegram_parts(row: Outbox) -> list[Rendered]:
    """What the Telegram channel sends for a stored outbox row."""
    if not row.payload:
        return [Rendered(row.text, json.loads(row.buttons) if row.buttons else [])]
    return TELEGRAM.render(notices.load(row.payload))


def as_telegram(row: Outbox) -> Outbox:
    """The (detached) row with ``text`` and ``buttons`` as Telegram will send them: the parts'
    texts joined by a blank line, the buttons of the last part."""
    if row.payload:
        parts = telegram_parts(row)
        row.text = "\n\n".join(part.text for part in parts)
        last = parts[-1].buttons
        row.buttons = json.dumps([[list(b) for b in r] for r in last]) if last else ""
    return row
