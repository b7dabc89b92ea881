"""The WhatsApp side of the channel port: send one outbox message through the Cloud API (pywa).

Inside the 24-hour customer-service window (from the person's last message) the notice goes
free-form, rendered by ``WhatsAppNoticePresenter``; outside it, or when Meta says the window is
closed (131047, at once or later in a status), the approved UTILITY template that stands for it,
with "Lihat detail" (and "Sudah dibaca" for an instruksi). Every send carries the outbox id as
its tracker (``ob:<id>``), which comes back in the status webhooks (``status.on_status``).

Meta's limits are kept here (pywa does not check them): at most 3 reply buttons with titles of
20 characters, else a list of at most 10 rows (titles 24, descriptions 72), else no buttons and
a hint; a body of at most 1,024 characters under buttons (a longer text goes first, the buttons
follow under a short prompt); captions of at most 1,024 characters (the rest follows as text).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

import httpx
from pywa_async import WhatsApp, errors
from pywa_async.types import Button, Section, SectionList, SectionRow
from pywa_async.types.templates import TemplateLanguage

from handlers.whatsapp.notices import (
    INSTRUKSI,
    KENDALA,
    PEMBERITAHUAN,
    REMINDER,
    TemplateCall,
    WhatsAppNoticePresenter,
    markup,
    template_call,
)
from services import texts
from services.notices import Notice
from services.notify import (
    Attachment,
    Buttons,
    Delivery,
    Rendered,
    RetryLater,
    SendFailed,
    Sent,
    TemplateRejected,
    Unreachable,
)
from services.receipts import Failure, tracker

log = logging.getLogger(__name__)

MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_BODY_WITH_BUTTONS = 1024
MAX_CAPTION = 1024
MAX_TEXT = 4096
PAIR_WAIT = 6.0  # seconds: Meta's pair rate is about one message every 6 s to one person
THROUGHPUT_WAIT = 1.0  # seconds every replica holds the number after 130429

# Meta's error codes, as the outbox must understand them.
WINDOW_CLOSED = frozenset({131047})
UNREACHABLE = frozenset({131026})
PASSING = frozenset({130429, 131056, 131000, 131016, 1, 2, 4, 80007, 133016})
TEMPLATE_ERRORS = frozenset(
    {132000, 132001, 132005, 132007, 132008, 132012, 132015, 132016, 132068, 132069}
)


def classify(code: int | None, status_code: int | None = None) -> Failure:
    """What a Cloud API error code means for the outbox (a 5xx answer is passing)."""
    if code in WINDOW_CLOSED:
        return Failure.WINDOW_CLOSED
    if code in UNREACHABLE:
        return Failure.UNREACHABLE
    if code in TEMPLATE_ERRORS:
        return Failure.TEMPLATE_REJECTED
    if code in PASSING or (status_code is not None and status_code >= 500):
        return Failure.RETRY
    return Failure.FAILED


class Pace(Protocol):
    """Throughput per business number, shared by replicas (``bot.flood.WhatsAppPace``)."""

    async def wait(self) -> None:
        """Wait for the next slot of the number."""
        ...

    async def hold(self, seconds: float) -> None:
        """Nothing goes from the number for ``seconds`` (Meta answered 130429)."""
        ...


class WhatsAppNotifier:
    """Sends outbox messages to WhatsApp users through ``pywa_async``."""

    channel = "whatsapp"
    presenter = WhatsAppNoticePresenter()

    def __init__(
        self,
        wa: WhatsApp,
        templates: dict[str, str],
        language: str,
        evidence_dir: Path,
        pace: Pace | None = None,
    ) -> None:
        """``templates`` maps REMINDER, INSTRUKSI, KENDALA and PEMBERITAHUAN to the approved
        template names (settings ``ZIBOT_WHATSAPP_TEMPLATE_*``)."""
        missing = {REMINDER, INSTRUKSI, KENDALA, PEMBERITAHUAN} - set(templates)
        if missing:
            raise ValueError(f"no template name for {sorted(missing)}")
        self._wa = wa
        self._templates = dict(templates)
        self._language = TemplateLanguage(language)
        self._evidence_dir = evidence_dir
        self._pace = pace

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: Attachment | None = None
    ) -> Sent:
        """A free-form message (the window must be open), untracked."""
        return await self._free_form(chat_id, [Rendered(text, buttons)], attachment, None)

    async def deliver(
        self, chat_id: str, delivery: Delivery, parts: list[Rendered], attachment: Attachment | None
    ) -> Sent:
        """Free-form inside the window, else the template; a 131047 answer turns into the
        template at once."""
        track = tracker(delivery.outbox_id)
        if delivery.via_template or not delivery.window_open:
            return await self._template(chat_id, delivery, track)
        try:
            return await self._free_form(chat_id, parts, attachment, track)
        except _WindowClosed:
            log.info("WhatsApp window closed for %s: outbox %s goes as the template",
                     chat_id, delivery.outbox_id)  # fmt: skip
            return await self._template(chat_id, delivery, track)

    def template_name(self, notice: Notice | None) -> str:
        """The approved template that stands for ``notice`` outside the window."""
        return self._templates[template_call(notice, 1).template]

    # --- template ----------------------------------------------------------------------------

    async def _template(self, chat_id: str, delivery: Delivery, track: str) -> Sent:
        call = template_call(delivery.notice, delivery.outbox_id)
        name = self._templates[call.template]
        sent = await self._call(
            chat_id,
            lambda: self._wa.send_template(
                chat_id, name, self._language, _components(call), tracker=track
            ),
            template=name,
        )
        return Sent(sent, via_template=True)

    # --- free-form ---------------------------------------------------------------------------

    async def _free_form(
        self,
        chat_id: str,
        parts: list[Rendered],
        attachment: Attachment | None,
        track: str | None,
    ) -> Sent:
        message_id = ""
        for number, part in enumerate(parts):
            text, buttons = part.text, part.buttons
            if number == 0 and attachment is not None:
                message_id, text = await self._send_file(chat_id, text, attachment, track)
                if not text and not buttons:
                    continue
            message_id = await self._send_text(chat_id, text, buttons, track)
        return Sent(message_id)

    async def _send_text(self, chat_id: str, text: str, buttons: Buttons, track: str | None) -> str:
        """One text with its buttons fitted to WhatsApp; the message id of the last send."""
        flat = [button for row in buttons for button in row]
        chunks = _chunks(text) if text else []
        if not flat:
            message_id = ""
            for chunk in chunks:
                message_id = await self._post(chat_id, chunk, None, track)
            return message_id
        fitted, hint = _fit(flat)
        limit = MAX_TEXT if isinstance(fitted, SectionList) else MAX_BODY_WITH_BUTTONS
        if hint:
            chunks = [*chunks[:-1], f"{chunks[-1]}\n\n{markup(hint)}"] if chunks else [markup(hint)]
        if chunks and len(chunks[-1]) > limit:
            chunks.append(markup(texts.WA_CHOOSE))
        if not chunks:
            chunks = [markup(texts.WA_CHOOSE)]
        for chunk in chunks[:-1]:
            await self._post(chat_id, chunk, None, track)
        return await self._post(chat_id, chunks[-1], fitted, track)

    async def _post(
        self,
        chat_id: str,
        text: str,
        buttons: list[Button] | SectionList | None,
        track: str | None,
    ) -> str:
        return await self._call(
            chat_id, lambda: self._wa.send_message(chat_id, text, buttons=buttons, tracker=track)
        )

    async def _send_file(
        self, chat_id: str, text: str, attachment: Attachment, track: str | None
    ) -> tuple[str, str]:
        """Send the file with ``text`` as its caption when it fits (else the text follows as a
        message): the message id, and the text still to send."""
        path = self._evidence_dir / attachment.path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SendFailed(f"attachment missing: {attachment.path}") from exc
        caption, rest = (text, "") if len(text) <= MAX_CAPTION else ("", text)
        if attachment.mime_type.startswith("image/"):
            message_id = await self._call(
                chat_id,
                lambda: self._wa.send_image(
                    chat_id, data, caption=caption or None, mime_type=attachment.mime_type,
                    tracker=track,
                ),
            )  # fmt: skip
        else:
            message_id = await self._call(
                chat_id,
                lambda: self._wa.send_document(
                    chat_id, data, filename=path.name, caption=caption or None,
                    mime_type=attachment.mime_type, tracker=track,
                ),
            )  # fmt: skip
        return message_id, rest

    # --- errors ------------------------------------------------------------------------------

    async def _call(
        self, chat_id: str, send: Callable[[], Awaitable[Any]], *, template: str = ""
    ) -> str:
        """Wait for the number's pace, send, and translate the Cloud API's answer."""
        if self._pace is not None:
            await self._pace.wait()
        try:
            sent = await send()
        except errors.WhatsAppError as exc:
            reason = f"{exc.code} {exc.message}"
            failure = classify(exc.code, exc.status_code)
            if failure is Failure.WINDOW_CLOSED and not template:
                raise _WindowClosed(reason) from exc
            if failure is Failure.UNREACHABLE:
                raise Unreachable(reason) from exc
            if failure is Failure.TEMPLATE_REJECTED and template:
                raise TemplateRejected(reason, template) from exc
            if failure is Failure.RETRY:
                if exc.code == 130429 and self._pace is not None:
                    await self._pace.hold(THROUGHPUT_WAIT)
                raise RetryLater(reason, PAIR_WAIT if exc.code == 131056 else None) from exc
            raise SendFailed(reason) from exc
        except (httpx.TimeoutException, httpx.NetworkError) as exc:
            raise RetryLater(f"network: {exc}") from exc
        return str(sent.id)


class _WindowClosed(SendFailed):
    """Meta answered 131047 to a free-form message."""


def _components(call: TemplateCall) -> list[dict[str, object]]:
    """The template's body parameters and quick-reply payloads, as the Cloud API takes them."""
    components: list[dict[str, object]] = [
        {"type": "body", "parameters": [{"type": "text", "text": p} for p in call.params]}
    ]
    components += [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": index,
            "parameters": [{"type": "payload", "payload": payload}],
        }
        for index, payload in enumerate(call.payloads)
    ]
    return components


def _chunks(text: str) -> list[str]:
    """``text`` in messages of at most 4,096 characters, split at line ends (never cut)."""
    if len(text) <= MAX_TEXT:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > MAX_TEXT:  # one enormous line: split it at spaces, then anywhere
            cut = line.rfind(" ", 0, MAX_TEXT) if " " in line[:MAX_TEXT] else MAX_TEXT
            cut = cut if cut > 0 else MAX_TEXT
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip(" ")
        if current and len(current) + len(line) + 1 > MAX_TEXT:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts


def _short(title: str, limit: int) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _fit(flat: list[tuple[str, str]]) -> tuple[list[Button] | SectionList, str]:
    """Reply buttons when they fit (3, titles of 20), else a list (10 rows, titles of 24, the
    full title as description when shortened); the first 10 and a hint when even a list is
    too small."""
    if len(flat) <= MAX_BUTTONS and all(len(t) <= MAX_BUTTON_TITLE for t, _ in flat):
        return [Button(title, data) for title, data in flat], ""
    rows = [
        SectionRow(
            _short(title, MAX_ROW_TITLE),
            data,
            _short(title, MAX_ROW_DESCRIPTION) if len(title) > MAX_ROW_TITLE else None,
        )
        for title, data in flat[:MAX_ROWS]
    ]
    hint = texts.WA_MORE_ACTIONS if len(flat) > MAX_ROWS else ""
    return SectionList(texts.WA_LIST_BUTTON, [Section(texts.WA_LIST_BUTTON, rows)]), hint
