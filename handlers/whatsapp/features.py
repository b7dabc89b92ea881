"""The assessors' words on WhatsApp: ``progres nilai`` (the projected LKE score), ``lke [area]``
(the self-assessment walk), ``contoh KODE`` with its example files, ``berbagi ya|tidak``, and
``verifikasi`` for the province's reviewers (Kirim file / Terima / Tolak as reply buttons, the
reason of a rejection as the next text).

Thin: parse, call the same use case as Telegram's handler, present in WhatsApp's style. The
walk's open step is the use case's conversation (kind ``lke``) in the database; a numbered list
offered under a card is kept with that step (``Choices.offer`` merges it), so that "2" is
understood after a restart too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from handlers import lke_views
from handlers.whatsapp import presenter
from handlers.whatsapp.notices import WhatsAppNoticePresenter
from handlers.whatsapp.presenter import Choice, Reply, fill
from handlers.whatsapp.words import Command
from services import actions, bounds, texts
from services.errors import ZibotError
from services.formatting import tanggal
from services.lke.walk import AreaDone, Card, Menu
from services.status import ReviewStatus
from services.usecases.contoh import ExamplesReport, SharingState
from services.usecases.lke import LKE_WALK, NUMBER
from services.usecases.lke_nilai import LkeRanking
from services.usecases.review import REASON_PROMPT, ReviewOutcome
from services.zi import Caller

if TYPE_CHECKING:
    from handlers.whatsapp.chat import WhatsAppChat

Shown = Menu | Card | AreaDone
log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
MAX_EXAMPLE_CHOICES = 30  # example files offered under one ``contoh`` answer (all are listed)


async def run(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a (blocking, database) use case off the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB"


def examples_view(report: ExamplesReport) -> tuple[str, list[Choice]]:
    """The ``contoh`` text in WhatsApp formatting and one choice per example file."""
    parts = [fill(texts.CONTOH_HEAD, code=report.item_code, year=report.year,
                  activity=report.activity)]  # fmt: skip
    if report.expected:
        parts.append(fill(texts.CONTOH_EXPECTED, expected=report.expected))
    choices: list[Choice] = []
    number = 0
    for example in report.examples:
        parts.append(fill(texts.CONTOH_SATKER, name=example.satker_name, code=example.satker_code))
        if example.note:
            parts.append(fill(texts.CONTOH_NOTE, note=example.note))
        for shared in example.files:
            number += 1
            when = tanggal(shared.reviewed_at.date()) if shared.reviewed_at else "-"
            parts.append(fill(texts.CONTOH_FILE, number=number, name=shared.name,
                              size=_size(shared.size), date=when))  # fmt: skip
            if len(choices) < MAX_EXAMPLE_CHOICES:
                title = bounds.excerpt(f"{number}. {shared.name}", presenter.MAX_ROW_TITLE)
                description = bounds.excerpt(example.satker_name, presenter.MAX_ROW_DESCRIPTION)
                choices.append(Choice(actions.example_file(shared.evidence_id), title, description))
    if not report.examples:
        parts.append("\n" + fill(texts.CONTOH_NONE))
    if report.not_shared:
        parts.append("\n" + fill(texts.CONTOH_NOT_SHARED, count=report.not_shared))
    if choices:
        parts.append("\n" + fill(texts.WA_CONTOH_FOOT))
    if number > len(choices):
        parts.append(
            fill(texts.WA_CONTOH_FOOT_MORE, shown=len(choices), more=number - len(choices))
        )
    return "\n".join(parts), choices


def sharing_view(state: SharingState, asked_change: bool) -> str:
    """``berbagi``: the satker's setting (and that nothing changed, when a change was asked)."""
    text = fill(texts.BERBAGI_ON if state.share else texts.BERBAGI_OFF, name=state.satker.name)
    if asked_change and not state.changed:
        return f"{text}\n{fill(texts.BERBAGI_UNCHANGED)}"
    return text


def walk_choices(shown: Shown) -> list[Choice]:
    """What can be pressed under a walk message: the areas; or the answer scale, the proposed
    answer, the bukti to link, Kriteria, Lewati, Selesai."""
    if isinstance(shown, AreaDone):
        return []
    if isinstance(shown, Menu):
        found = [
            Choice(actions.lke_step("o", a.code),
                   texts.LKE_BUTTON_AREA.format(code=a.code, answered=a.answered, count=a.count),
                   bounds.excerpt(a.name, presenter.MAX_ROW_DESCRIPTION))
            for a in shown.areas
        ]  # fmt: skip
        found += [
            Choice(actions.lke_step("y", code),
                   bounds.excerpt(f"✓ {code}: {choice}", presenter.MAX_ROW_TITLE))
            for code, choice, _ in shown.proposals[:10]
        ]  # fmt: skip
        return found
    code = shown.code
    found = [
        Choice(actions.lke_step("a", code, n), bounds.excerpt(label, presenter.MAX_ROW_TITLE))
        for n, label in enumerate(shown.choices, start=1)
    ]
    if shown.proposal:
        title = texts.LKE_BUTTON_CONFIRM.format(choice=shown.proposal)
        found.append(Choice(actions.lke_step("y", code), bounds.excerpt(title, 20)))
    for x in shown.evidence:
        template = texts.LKE_BUTTON_EVIDENCE_ON if x.attached else texts.LKE_BUTTON_EVIDENCE
        title = bounds.excerpt(template.format(name=x.name), presenter.MAX_ROW_TITLE)
        found.append(Choice(actions.lke_step("b", code, x.id), title))
    if shown.has_criteria:
        found.append(Choice(actions.lke_step("k", code), texts.WA_LKE_CRITERIA))
    found.append(Choice(actions.lke_step("s", code), texts.WA_LKE_SKIP))
    found.append(Choice(actions.lke_step("x"), texts.WA_LKE_STOP))
    return found


def walk_text(shown: Shown) -> str:
    """The walk message in WhatsApp formatting (the views are Telegram's, over ``fill``)."""
    if isinstance(shown, Menu):
        return lke_views.menu(fill, shown)
    if isinstance(shown, AreaDone):
        return lke_views.area_done(fill, shown)
    return lke_views.card(fill, shown)


def review_done(outcome: ReviewOutcome) -> str:
    """What the reviewer is told after deciding."""
    if outcome.status == ReviewStatus.DITERIMA:
        return fill(texts.REVIEW_ACCEPTED_DONE, name=outcome.file_name, code=outcome.item_code,
                    satker=outcome.satker.name,
                    state=texts.ITEM_STATE_LABELS[outcome.item_state])  # fmt: skip
    return fill(texts.REVIEW_REJECTED_DONE, name=outcome.file_name, code=outcome.item_code,
                satker=outcome.satker.name)  # fmt: skip


class Features:
    """``progres nilai``, ``lke``, ``contoh``, ``berbagi`` for one ``WhatsAppChat``."""

    def __init__(self, chat: WhatsAppChat) -> None:
        self.chat = chat

    # ------------------------------------------------------------------ progres nilai

    async def progres_nilai(self, caller: Caller, argument: str) -> None:
        """``progres nilai [satker]``: the projection, or (province) every satker ranked;
        a long answer goes in several messages, never cut."""
        result = await run(self.chat.zi.lke_projection, caller, argument)
        if isinstance(result, LkeRanking):
            await self.chat.text(caller, lke_views.ranking(fill, result))
        else:
            await self.chat.text(caller, lke_views.projection(fill, result))

    # ------------------------------------------------------------------ contoh, berbagi

    async def contoh(self, caller: Caller, code: str) -> None:
        """``contoh KODE``: accepted, shared evidence of other satkers, a file on request."""
        report = await run(self.chat.zi.examples, caller, code.strip())
        body, choices = examples_view(report)
        await self.chat.say(caller, self._choose(body, choices))

    async def example_file(self, caller: Caller, evidence_id: int) -> None:
        """A chosen example file, sent as a WhatsApp document (uploaded through the Graph
        API)."""
        document = await run(self.chat.zi.example_file, caller, evidence_id)
        caption = fill(texts.CONTOH_FILE_CAPTION, code=document.item_code,
                       satker=document.satker_name, name=document.name)  # fmt: skip
        await self._send_document(caller, document.path, document.name, document.mime_type, caption)

    async def _send_document(
        self, caller: Caller, path: Path, name: str, mime_type: str | None, caption: str
    ) -> None:
        try:
            await self.chat.cloud.send_document(caller.chat_id, path, name, mime_type, caption)
        except Exception as exc:  # the upload refused or the Graph API unreachable
            log.warning("Could not send %s on WhatsApp: %s", name, exc)
            raise ZibotError(texts.WA_FILE_SEND_FAILED) from None

    async def berbagi(self, caller: Caller, argument: str) -> None:
        """``berbagi [ya|tidak]``: see or (the satker's admin) change the sharing setting."""
        state = await run(self.chat.zi.sharing, caller, argument)
        await self.chat.text(caller, sharing_view(state, bool(argument.strip())))

    # ------------------------------------------------------------------ lke walk

    async def lke(self, caller: Caller, argument: str) -> None:
        """``lke`` (the areas), ``lke MP`` (the area's first open question), ``lke MP.P1.a``;
        ``lke hasil KODE ipak=… ipkp=… capaian=…`` (admins)."""
        args = argument.split()
        if args and args[0].lower() == "hasil":
            satker = args[1] if len(args) > 1 else ""
            saved = await run(self.chat.zi.lke_hasil, caller, satker, args[2:])
            await self.chat.text(caller, lke_views.hasil_saved(fill, saved))
            return
        shown = await run(self.chat.zi.lke_open, caller, argument.strip())
        await self.show(caller, shown)

    async def show(self, caller: Caller, shown: Shown) -> None:
        """A walk message with its choices; for a persen question, the number prompt."""
        reply = self._choose(walk_text(shown), walk_choices(shown))
        await self.chat.say(caller, reply)
        if isinstance(shown, Card) and shown.asking is not None:
            await self.chat.text(caller, lke_views.ask_number(fill, shown))

    async def lke_press(self, caller: Caller, action: actions.Action) -> None:
        """A walk button, list row or number (who may press was checked)."""
        zi, code = self.chat.zi, action.code or ""
        if action.step == actions.LKE_STOP:
            await run(zi.lke_stop, caller)
            await self.chat.text(caller, fill(texts.WA_LKE_STOPPED))
            return
        if action.step == "k":
            found, criteria = await run(zi.lke_criteria, caller, code)
            await self.chat.text(caller, lke_views.criteria(fill, found, criteria))
            return
        shown: Shown
        if action.step == "o":
            shown = await run(zi.lke_open, caller, code)
        elif action.step == "a":
            assert action.id is not None
            shown = await run(zi.lke_answer, caller, code, action.id)
        elif action.step == "y":
            shown = await run(zi.lke_confirm, caller, code)
        elif action.step == "b":
            assert action.id is not None
            shown = await run(zi.lke_evidence, caller, code, action.id)
        else:
            shown = await run(zi.lke_skip, caller, code)
        await self.show(caller, shown)

    async def offer_proposals(self, caller: Caller, item_code: str) -> None:
        """After an item is reported selesai: the LKE answers it completes, each to confirm.
        Never lets ``lapor`` fail: a refusal here only means nothing to propose."""
        try:
            found = await run(self.chat.zi.lke_proposals, caller, item_code)
        except ZibotError:
            return
        if found.proposals or found.awaiting:
            choices = [
                Choice(actions.lke_step("y", p.question),
                       bounds.excerpt(f"✓ {p.question}: {p.choice}", presenter.MAX_ROW_TITLE))
                for p in found.proposals[:10]
            ]  # fmt: skip
            text = lke_views.proposals(fill, found.proposals, found.awaiting)
            if choices:
                await self.chat.say(caller, self._choose(text, choices))
            else:  # only answers waiting for verification: nothing to confirm yet
                await self.chat.text(caller, text)

    async def lke_number(self, caller: Caller, text: str) -> bool:
        """Text while the walk asks a number: the number (a wrong one is told why). False
        when the walk asks no number now."""
        shown = await run(self.chat.zi.lke_number, caller, text)
        if shown is None:
            return False
        await self.show(caller, shown)
        return True

    # ------------------------------------------------------------------ verifikasi

    async def verifikasi(self, caller: Caller, argument: str) -> None:
        """``verifikasi [SATKER]``: what waits for review, oldest first; under each bukti the
        buttons Kirim file, Terima, Tolak."""
        queue = await run(self.chat.zi.review_queue, caller, argument)
        if not queue.entries:
            if queue.satker is None:
                await self.chat.text(caller, fill(texts.REVIEW_QUEUE_EMPTY))
            else:
                await self.chat.text(
                    caller, fill(texts.REVIEW_QUEUE_EMPTY_SATKER, name=queue.satker.name)
                )
            return
        if queue.satker is None:
            head = fill(texts.REVIEW_QUEUE_HEAD, total=queue.total)
        else:
            head = fill(texts.REVIEW_QUEUE_HEAD_SATKER, name=queue.satker.name, total=queue.total)
        await self.chat.text(caller, head)
        notices = WhatsAppNoticePresenter()
        for entry, request in zip(queue.entries, queue.requests, strict=True):
            parts = [r.text for r in notices.render(request)]
            for part in parts[:-1]:
                await self.chat.text(caller, part)
            choices = [
                Choice(actions.review("file", entry.bukti_id), texts.REVIEW_BUTTON_FILE),
                Choice(actions.review("ok", entry.bukti_id), texts.REVIEW_BUTTON_ACCEPT),
                Choice(actions.review("no", entry.bukti_id), texts.REVIEW_BUTTON_REJECT),
            ]
            await self.chat.say(caller, self._choose(parts[-1], choices))
        if queue.total > len(queue.entries):
            more = fill(texts.REVIEW_QUEUE_MORE, shown=len(queue.entries), total=queue.total)
            await self.chat.text(caller, more)

    async def review_press(self, caller: Caller, action: actions.Action) -> None:
        """Kirim file (the bukti as a document), Terima, or Tolak (the reason is asked; the
        next text is it). Who may press (admins, verifikator) was checked."""
        assert action.id is not None
        zi = self.chat.zi
        if action.step == "file":
            found = await run(zi.review_file, caller, action.id)
            await self._send_document(
                caller, found.path, found.file_name, found.mime_type, fill("{c}", c=found.caption)
            )
            return
        if action.step == "ok":
            outcome = await run(zi.review_accept, caller, action.id)
            self.chat.kick()  # the uploader and the satker's groups are told now
            await self.chat.text(caller, review_done(outcome))
            return
        entry = await run(zi.review_reject_start, caller, action.id)
        await run(zi.review_prompt_sent, caller, action.id, "")
        await self.chat.text(caller, fill(texts.WA_REVIEW_ASK_REASON, name=entry.file_name,
                                          code=entry.item_code))  # fmt: skip

    async def review_reason(self, caller: Caller, text: str) -> None:
        """The text after "Tolak": the reason; the bukti is rejected."""
        outcome = await run(self.chat.zi.review_reason, caller, text.strip())
        if outcome is None:
            await self.chat.text(caller, fill(texts.WA_BUTTON_GONE))
            return
        self.chat.kick()
        await self.chat.text(caller, review_done(outcome))

    async def review_cancel(self, caller: Caller) -> None:
        """``batal`` while a reason is asked: nothing is rejected."""
        await run(self.chat.zi.review_reason_cancel, caller)
        await self.chat.text(caller, fill(texts.REVIEW_REASON_CANCELLED))

    @staticmethod
    def asks_reason(open_step: tuple[str, str] | None) -> bool:
        """Is the open step a rejection waiting for its reason?"""
        return open_step is not None and open_step[0] == REASON_PROMPT

    @staticmethod
    def leaves_reason(text: str, command: Command | None) -> bool:
        """While a reason is asked, only ``batal`` alone or a word typed with "/" is a
        command; any other text is the reason."""
        if command is None:
            return False
        return text.strip().startswith("/") or (command.name == "batal" and not command.rest)

    @staticmethod
    def asks_number(open_step: tuple[str, str] | None) -> bool:
        """Is the open step the walk waiting for a typed number?"""
        return open_step is not None and open_step == (LKE_WALK, NUMBER)

    @staticmethod
    def _choose(body: str, choices: list[Choice]) -> Reply:
        return presenter.choose(
            body, choices, button=texts.WA_LIST_BUTTON, number_hint=texts.WA_NUMBER_HINT
        )
