"""A local stand-in of the WhatsApp Cloud (Graph) API for tests.

The bot talks to it through pywa exactly as it would talk to ``graph.facebook.com``: pywa forces
the base URL, so the bot's ``httpx.AsyncClient`` must rewrite scheme/host/port to
``api.base_url`` (``api.async_client()`` builds such a client for tests that drive pywa
directly). The tests act as WhatsApp users by posting signed webhook bodies to the bot, and read
what the bot sent::

    with GraphApiStandIn() as api:
        wa = pywa_async.WhatsApp(phone_id=api.phone_id, token=api.token,
                                 session=api.async_client())
        api.user_wrote("6281234567890")                  # opens the 24-hour window now
        await wa.send_message("6281234567890", "Halo", tracker="17")
        [msg] = api.sent_to("6281234567890")
        assert msg.text == "Halo" and msg.tracker == "17"
        api.post_webhook(bot_url + "/whatsapp", api.text_message_body("6281234567890", "progres"))

API (everything is thread-safe; the server runs in a daemon thread):

* identity: ``phone_id``, ``token``, ``app_secret``, ``base_url`` (``http://127.0.0.1:PORT``),
  ``display_phone_number``; ``async_client()`` / ``transport()`` for pywa.
* sent messages: ``sent`` (list of :class:`SentMessage`, in order), ``sent_to(to)``,
  ``wait_for(predicate, timeout)``, ``wait_for_message(to, timeout)``; ``calls`` (every HTTP
  call: method, path, JSON body); ``refusals`` (every refused call with its error dict);
  ``media_uploads``.
* the 24-hour customer-service window: ``user_wrote(user, at=None)`` records a user's last inbound
  message (``post_webhook`` learns it from the bodies it posts); ``now`` is a callable (default:
  the real clock), replace it (``api.now = lambda: t``) to follow a fake clock. Free-form
  (non-template) messages to a user outside the window are refused with **131047**; with
  ``window_errors="late"`` they are accepted (200) and a ``failed`` 131047 status is queued, as
  Meta also does.
* templates: ``approve_readme_templates(readme_text)`` approves those the README documents;
  ``approve_template(name, language, body, buttons=())`` registers an approved
  template whose body has ``{{1}}``.. parameters; sending an unknown one refuses 132001, a wrong
  parameter count 132000, ``pause_template(name)`` then 132015. The recorded message's ``text``
  is the filled body.
* failures: ``fail_next(code, to=None, count=1)`` refuses the next matching sends with ``code``
  (131026, 130429, 131056, 131047, ...; 500/502/503 answer that HTTP status with a transient
  Graph error). ``fail_later(code, to=None)`` accepts the next matching send and queues a
  ``failed`` status carrying ``code``.
* statuses: ``queue_status(message_id, status, code=None)``; ``take_statuses()`` returns and
  clears the queued webhook bodies; ``status_body(...)`` builds one; with
  ``auto_statuses=("sent", "delivered")`` every accepted send queues those statuses.
* webhooks to the bot: ``sign(raw)`` gives the ``X-Hub-Signature-256`` value; ``post_webhook(url,
  body)`` posts a body signed with ``app_secret``; builders ``text_message_body``,
  ``button_reply_body``, ``list_reply_body``, ``quick_reply_body``, ``document_message_body``
  (with ``add_media(data, mime_type)`` for the bytes the bot will download); a user's
  business-scoped id is ``user_id_of(wa_id)`` unless given.

Meta's limits enforced (code 131009 "Parameter value is not valid" or 100 "Invalid parameter",
with the detail in ``error_data.details``): text 1..4,096; interactive reply buttons 1..3, title
1..20, ids unique and ≤256; body ≤1,024 with buttons, ≤4,096 for a list; header/footer ≤60; list
button label ≤20, sections ≤10, rows 1..10 in all, row title ≤24, description ≤72, id ≤200,
unique; captions ≤1,024; media: documents (pdf, txt, office) ≤100 MB, images (jpeg, png)
≤5 MB, audio ≤16 MB, video (mp4, 3gpp) ≤16 MB (an upload of another type or size is refused
131053); a send by media id needs an uploaded id of the right kind; the bearer token must match
(else 190). Outside the window, only ``template`` messages pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

import httpx
from aiohttp import web

JSONDict = dict[str, Any]

WINDOW = timedelta(hours=24)

DOCUMENT_TYPES = frozenset(
    {
        "text/plain",
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
AUDIO_TYPES = frozenset({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"})
VIDEO_TYPES = frozenset({"video/mp4", "video/3gpp"})
MEDIA_LIMITS: dict[str, tuple[frozenset[str], int]] = {
    "document": (DOCUMENT_TYPES, 100 * 1024 * 1024),
    "image": (IMAGE_TYPES, 5 * 1024 * 1024),
    "audio": (AUDIO_TYPES, 16 * 1024 * 1024),
    "video": (VIDEO_TYPES, 16 * 1024 * 1024),
}

# The messages Meta gives for the codes a test can inject (from Meta's error-code reference).
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    131026: ("Message Undeliverable", "Unable to deliver message."),
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number.",
    ),
    130429: ("Rate limit hit", "Cloud API message throughput has been reached."),
    131056: (
        "(Business Account, Consumer Account) pair rate limit hit",
        "Too many messages sent from the sender phone number to the same recipient phone "
        "number in a short period of time.",
    ),
    131048: ("Spam rate limit hit", "Message failed to send because there are restrictions."),
    131009: ("Parameter value is not valid", "Parameter value is not valid"),
    131053: ("Media upload error", "Unable to upload the media used in the message."),
    131051: ("Unsupported message type", "Message type is not currently supported."),
    132000: (
        "Number of parameters does not match the expected number of params",
        "The number of variable parameter values does not match the number of variables.",
    ),
    132001: (
        "Template name does not exist in the translation",
        "Template name does not exist in the translation",
    ),
    132015: ("Template is Paused", "Template is paused due to low quality."),
    132016: ("Template is Disabled", "Template has been paused too many times."),
    131000: ("Something went wrong", "Message failed to send due to an unknown error."),
    100: ("Invalid parameter", "Invalid parameter"),
    190: ("Invalid OAuth access token", "Invalid OAuth access token - Cannot parse access token"),
}
HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


def graph_error(code: int, details: str | None = None) -> JSONDict:
    """The ``error`` object Meta answers with for ``code``."""
    title, message = ERROR_TEXTS.get(code, ("Error", f"Error {code}"))
    error: JSONDict = {
        "message": f"(#{code}) {message}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details or message},
        "error_user_title": title,
        "fbtrace_id": "AbCdEfGhIjKlMnOp",
    }
    if code in (130429, 131056, 131000):
        error["is_transient"] = True
    return error


@dataclass
class SentMessage:
    """One accepted send, as recorded. ``text`` is the readable content (body, caption or the
    filled template); ``payload`` is the JSON body exactly as posted."""

    id: str
    to: str
    type: str
    text: str
    payload: JSONDict
    tracker: str | None
    at: float
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (id or payload, title)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (id, title, description)
    template: str | None = None
    template_params: list[str] = field(default_factory=list)
    media_id: str | None = None


@dataclass
class Template:
    """An approved template: body with {{n}} parameters and its quick-reply button titles."""

    name: str
    language: str
    body: str
    buttons: tuple[str, ...] = ()
    paused: bool = False

    @property
    def param_count(self) -> int:
        """How many distinct ``{{n}}`` parameters the body has."""
        return len(set(re.findall(r"\{\{(\d+)\}\}", self.body)))


@dataclass
class Media:
    """An uploaded or user-sent media object."""

    id: str
    data: bytes
    mime_type: str
    filename: str | None

    @property
    def sha256(self) -> str:
        """Hex digest, as the media endpoint reports it."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class _Fault:
    code: int
    to: str | None
    late: bool


class _Refusal(Exception):
    def __init__(self, code: int, details: str | None = None, http_status: int = 400) -> None:
        super().__init__(code, details)
        self.code = code
        self.details = details
        self.http_status = http_status


class _RewriteTransport(httpx.AsyncBaseTransport):
    """Sends every request (whatever host pywa put in the URL) to the stand-in."""

    def __init__(self, base_url: str) -> None:
        self._target = httpx.URL(base_url)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._target.scheme, host=self._target.host, port=self._target.port
        )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _len_ok(value: object, low: int, high: int) -> bool:
    return isinstance(value, str) and low <= len(value) <= high


class GraphApiStandIn:
    """A WhatsApp Cloud API server on 127.0.0.1 for one business phone number. See the module
    docstring."""

    def __init__(
        self,
        phone_id: str = "1122334455667",
        token: str = "TEST-wa-token",
        app_secret: str = "test-app-secret",
        *,
        display_phone_number: str = "6281100000000",
        window_errors: str = "sync",
        auto_statuses: Iterable[str] = (),
    ) -> None:
        if window_errors not in ("sync", "late"):
            raise ValueError("window_errors is 'sync' or 'late'")
        self.phone_id = phone_id
        self.token = token
        self.app_secret = app_secret
        self.display_phone_number = display_phone_number
        self.window_errors = window_errors
        self.auto_statuses = tuple(auto_statuses)
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)

        self._lock = threading.Lock()
        self._calls: list[tuple[str, str, JSONDict | None]] = []
        self._sent: list[SentMessage] = []
        self._refusals: list[tuple[str, JSONDict]] = []
        self._last_inbound: dict[str, datetime] = {}
        self._templates: dict[tuple[str, str], Template] = {}
        self._media: dict[str, Media] = {}
        self._uploads: list[Media] = []
        self._faults: list[_Fault] = []
        self._statuses: list[JSONDict] = []
        self._ids = itertools.count(1)

        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._port: int | None = None
        self._startup_error: BaseException | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        if self._thread is not None:
            raise RuntimeError("the stand-in is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._sock = sock
        self._port = sock.getsockname()[1]
        ready = threading.Event()
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._serve(sock, ready)),
            name=f"graphapi-standin-{self._port}",
            daemon=True,
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the Graph API stand-in did not start within 10 s")
        if self._startup_error is not None:
            self.stop()
            raise RuntimeError("the Graph API stand-in failed to start") from self._startup_error

    def stop(self) -> None:
        """Stop serving."""
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None and thread.is_alive() and self._stopping is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._stopping.set)
        thread.join(15)
        self._thread = None
        self._loop = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port."""
        if self._port is None:
            raise RuntimeError("start() the stand-in first")
        return self._port

    @property
    def base_url(self) -> str:
        """Where pywa's requests must go (scheme, host and port only)."""
        return f"http://127.0.0.1:{self.port}"

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that sends every request to this stand-in."""
        return _RewriteTransport(self.base_url)

    def async_client(self) -> httpx.AsyncClient:
        """A fresh ``httpx.AsyncClient`` for ``pywa_async.WhatsApp(session=...)``."""
        return httpx.AsyncClient(transport=self.transport(), timeout=10)

    async def _serve(self, sock: socket.socket, ready: threading.Event) -> None:
        try:
            self._loop = asyncio.get_running_loop()
            self._stopping = asyncio.Event()
            app = web.Application(client_max_size=120 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", self._handle)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
            await runner.setup()
            await web.SockSite(runner, sock).start()
        except BaseException as exc:
            self._startup_error = exc
            ready.set()
            return
        ready.set()
        try:
            await self._stopping.wait()
        finally:
            await runner.cleanup()

    # ------------------------------------------------------------------ test controls

    def user_wrote(self, user: str, at: datetime | None = None) -> None:
        """``user`` (wa id or BSUID) sent a message at ``at`` (default ``now()``)."""
        when = at or self.now()
        if when.tzinfo is None:
            raise ValueError("aware datetimes only")
        with self._lock:
            self._last_inbound[str(user)] = when

    def window_open(self, user: str) -> bool:
        """Whether a free-form message to ``user`` would pass now."""
        with self._lock:
            last = self._last_inbound.get(str(user))
        return last is not None and self.now() - last < WINDOW

    def approve_template(
        self, name: str, language: str, body: str, buttons: Iterable[str] = ()
    ) -> Template:
        """Register an approved template (quick-reply ``buttons`` are titles)."""
        template = Template(name, language, body, tuple(buttons))
        with self._lock:
            self._templates[(name, language)] = template
        return template

    def approve_readme_templates(self, readme: str, language: str = "id") -> list[Template]:
        """Approve the templates the README tells admins to submit (its table rows
        ``| `ZIBOT_WHATSAPP_TEMPLATE_…` | `name` | body | quick replies | parameters |``)."""
        approved = []
        for line in readme.splitlines():
            match = re.match(
                r"\| `ZIBOT_WHATSAPP_TEMPLATE_\w+` \| `(\w+)` \| (.+?) \| (.+?) \|", line
            )
            if match:
                name, body, buttons = match.groups()
                titles = [b.strip() for b in buttons.split(",")]
                approved.append(self.approve_template(name, language, body.strip(), titles))
        return approved

    def pause_template(self, name: str) -> None:
        """Meta paused ``name`` (every language): sends refuse 132015."""
        with self._lock:
            for (tname, _), template in self._templates.items():
                if tname == name:
                    template.paused = True

    def fail_next(self, code: int, to: str | None = None, count: int = 1) -> None:
        """Refuse the next ``count`` sends (to ``to``, or any) with Graph error ``code``."""
        with self._lock:
            self._faults.extend(_Fault(code, to, late=False) for _ in range(count))

    def fail_later(self, code: int, to: str | None = None) -> None:
        """Accept the next send (to ``to``, or any) and queue a ``failed`` status with ``code``."""
        with self._lock:
            self._faults.append(_Fault(code, to, late=True))

    def add_media(
        self, data: bytes, mime_type: str, filename: str | None = None, media_id: str = ""
    ) -> Media:
        """Store media a user sends (the bot downloads it through the media endpoints)."""
        with self._lock:
            media = Media(media_id or f"{next(self._ids) + 900000000}", data, mime_type, filename)
            self._media[media.id] = media
        return media

    # ------------------------------------------------------------------ reading

    @property
    def sent(self) -> list[SentMessage]:
        """Every accepted message, in order."""
        with self._lock:
            return list(self._sent)

    def sent_to(self, to: str) -> list[SentMessage]:
        """Accepted messages to ``to``."""
        return [m for m in self.sent if m.to == str(to)]

    @property
    def calls(self) -> list[tuple[str, str, JSONDict | None]]:
        """Every HTTP call: (method, path, JSON body or None)."""
        with self._lock:
            return list(self._calls)

    @property
    def refusals(self) -> list[tuple[str, JSONDict]]:
        """Every refused call: (path, the ``error`` object answered)."""
        with self._lock:
            return list(self._refusals)

    @property
    def media_uploads(self) -> list[Media]:
        """Media the bot uploaded."""
        with self._lock:
            return list(self._uploads)

    def wait_for(
        self, predicate: Callable[[SentMessage], bool], timeout: float = 10.0
    ) -> SentMessage:
        """The first sent message matching ``predicate``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.sent:
                if predicate(message):
                    return message
            if time.monotonic() > deadline:
                raise TimeoutError(f"no matching message; sent: {[m.text for m in self.sent]}")
            time.sleep(0.05)

    def wait_for_message(self, to: str, timeout: float = 10.0, after: int = 0) -> SentMessage:
        """The first message to ``to`` among those sent after the first ``after`` messages."""
        deadline = time.monotonic() + timeout
        while True:
            mine = [m for m in self.sent[after:] if m.to == str(to)]
            if mine:
                return mine[0]
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing sent to {to}")
            time.sleep(0.05)

    # ------------------------------------------------------------------ statuses and webhooks

    def status_body(
        self,
        message_id: str,
        status: str,
        code: int | None = None,
        *,
        timestamp: datetime | None = None,
    ) -> JSONDict:
        """A status webhook body for a sent message (tracker and recipient from the send)."""
        with self._lock:
            sent = next((m for m in self._sent if m.id == message_id), None)
        recipient = sent.to if sent is not None else "6280000000000"
        when = timestamp or self.now()
        entry: JSONDict = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(when.timestamp())),
            "recipient_id": recipient,
        }
        if sent is not None and sent.tracker is not None:
            entry["biz_opaque_callback_data"] = sent.tracker
        if status in ("sent", "delivered", "read"):
            entry["conversation"] = {
                "id": "7270432eae37498234f4444b35ffc5",
                "origin": {"type": "utility" if sent and sent.template else "service"},
            }
            entry["pricing"] = {
                "billable": bool(sent and sent.template),
                "pricing_model": "PMP",
                "type": "regular" if sent and sent.template else "free_customer_service",
                "category": "utility" if sent and sent.template else "service",
            }
        if status == "failed":
            err = graph_error(code or 131000)
            entry["errors"] = [
                {
                    "code": err["code"],
                    "title": err["error_user_title"],
                    "message": err["error_user_title"],
                    "error_data": {"details": err["error_data"]["details"]},
                    "href": HREF,
                }
            ]
        # Since the business-scoped user ids (2026) statuses name their recipient in
        # ``contacts`` too; pywa 4.5 needs it.
        contact = (
            {"wa_id": recipient, "user_id": self.user_id_of(recipient)}
            if recipient.isdigit()
            else {"user_id": recipient}
        )
        return self._envelope({"contacts": [contact], "statuses": [entry]})

    def queue_status(self, message_id: str, status: str, code: int | None = None) -> JSONDict:
        """Queue a status webhook body (see ``take_statuses``) and return it."""
        body = self.status_body(message_id, status, code)
        with self._lock:
            self._statuses.append(body)
        return body

    def take_statuses(self) -> list[JSONDict]:
        """The queued status bodies, oldest first; the queue is emptied."""
        with self._lock:
            taken, self._statuses = self._statuses, []
        return taken

    def sign(self, raw: bytes) -> str:
        """The ``X-Hub-Signature-256`` header value for ``raw`` under ``app_secret``."""
        return "sha256=" + hmac.new(self.app_secret.encode(), raw, hashlib.sha256).hexdigest()

    def post_webhook(
        self, url: str, body: JSONDict | bytes, *, signature: str | None = None
    ) -> httpx.Response:
        """POST ``body`` to the bot's webhook ``url``, signed (or with ``signature`` as given).
        Inbound messages in the body open the user's window."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
            self._learn_inbound(json.loads(raw))
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": self.sign(raw) if signature is None else signature,
        }
        return httpx.post(url, content=raw, headers=headers, timeout=30)

    def _learn_inbound(self, body: JSONDict) -> None:
        for entry in body.get("entry", []):
            for change in entry.get("changes", []):
                value = change.get("value", {})
                users = {c.get("wa_id"): c.get("user_id") for c in value.get("contacts", [])}
                for message in value.get("messages", []):
                    when = datetime.fromtimestamp(int(message["timestamp"]), UTC)
                    sender = message.get("from")
                    for user in (sender, users.get(sender)):
                        if user:
                            self.user_wrote(user, when)

    @staticmethod
    def user_id_of(wa_id: str) -> str:
        """The business-scoped user id the stand-in gives a phone number (stable)."""
        return f"ID.{int(hashlib.sha256(wa_id.encode()).hexdigest()[:15], 16)}"

    def _envelope(self, value: JSONDict) -> JSONDict:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "5467539754836534",
                    "changes": [
                        {
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": self.display_phone_number,
                                    "phone_number_id": self.phone_id,
                                },
                                **value,
                            },
                            "field": "messages",
                        }
                    ],
                }
            ],
        }

    def _inbound(
        self,
        wa_id: str,
        content: JSONDict,
        *,
        name: str,
        user_id: str | None,
        context_id: str | None,
        at: datetime | None,
    ) -> JSONDict:
        when = at or self.now()
        contact: JSONDict = {"profile": {"name": name}, "wa_id": wa_id}
        contact["user_id"] = user_id or self.user_id_of(wa_id)
        message: JSONDict = {
            "from": wa_id,
            "id": f"wamid.in{next(self._ids)}",
            "timestamp": str(int(when.timestamp())),
            **content,
        }
        if context_id is not None:
            message["context"] = {"from": self.display_phone_number, "id": context_id}
        return self._envelope({"contacts": [contact], "messages": [message]})

    def text_message_body(
        self,
        wa_id: str,
        text: str,
        *,
        name: str = "Pengguna",
        user_id: str | None = None,
        at: datetime | None = None,
    ) -> JSONDict:
        """A user's text message."""
        return self._inbound(
            wa_id,
            {"type": "text", "text": {"body": text}},
            name=name,
            user_id=user_id,
            context_id=None,
            at=at,
        )

    def button_reply_body(
        self,
        wa_id: str,
        button_id: str,
        title: str,
        context_id: str,
        *,
        name: str = "Pengguna",
        user_id: str | None = None,
        at: datetime | None = None,
    ) -> JSONDict:
        """A press on an interactive reply button of message ``context_id``."""
        content = {
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": button_id, "title": title},
            },
        }
        return self._inbound(
            wa_id, content, name=name, user_id=user_id, context_id=context_id, at=at
        )

    def list_reply_body(
        self,
        wa_id: str,
        row_id: str,
        title: str,
        context_id: str,
        *,
        description: str = "",
        name: str = "Pengguna",
        user_id: str | None = None,
        at: datetime | None = None,
    ) -> JSONDict:
        """A choice of a row in list message ``context_id``."""
        reply: JSONDict = {"id": row_id, "title": title}
        if description:
            reply["description"] = description
        content = {
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": reply},
        }
        return self._inbound(
            wa_id, content, name=name, user_id=user_id, context_id=context_id, at=at
        )

    def quick_reply_body(
        self,
        wa_id: str,
        payload: str,
        text: str,
        context_id: str,
        *,
        name: str = "Pengguna",
        user_id: str | None = None,
        at: datetime | None = None,
    ) -> JSONDict:
        """A press on a template's quick-reply button (message type ``button``)."""
        content = {"type": "button", "button": {"payload": payload, "text": text}}
        return self._inbound(
            wa_id, content, name=name, user_id=user_id, context_id=context_id, at=at
        )

    def document_message_body(
        self,
        wa_id: str,
        media: Media,
        *,
        caption: str | None = None,
        name: str = "Pengguna",
        user_id: str | None = None,
        at: datetime | None = None,
    ) -> JSONDict:
        """A user's document (``media`` from ``add_media``); like Meta, no size in the body."""
        document: JSONDict = {
            "id": media.id,
            "mime_type": media.mime_type,
            "sha256": media.sha256,
            "filename": media.filename or "dokumen",
        }
        if caption is not None:
            document["caption"] = caption
        kind = "image" if media.mime_type.startswith("image/") else "document"
        if kind == "image":
            document.pop("filename")
        return self._inbound(
            wa_id,
            {"type": kind, kind: document},
            name=name,
            user_id=user_id,
            context_id=None,
            at=at,
        )

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        body: JSONDict | None = None
        raw = b"" if request.content_type.startswith("multipart/") else await request.read()
        if request.content_type == "application/json" and raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return self._error(path, _Refusal(100, "the body is not JSON"))
        with self._lock:
            self._calls.append((request.method, path, body))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._error(path, _Refusal(190, None, http_status=401))
        try:
            return await self._route(request, path, body)
        except _Refusal as refusal:
            return self._error(path, refusal)

    async def _route(
        self, request: web.Request, path: str, body: JSONDict | None
    ) -> web.StreamResponse:
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["media"] and len(parts) == 2 and request.method == "GET":
            with self._lock:
                media = self._media.get(parts[1])
            if media is None:
                raise _Refusal(100, "unknown media", http_status=404)
            return web.Response(body=media.data, content_type=media.mime_type)
        if not parts or not re.fullmatch(r"v\d+\.\d+", parts[0]):
            raise _Refusal(100, f"unknown path {path}", http_status=404)
        rest = parts[1:]
        if rest == [self.phone_id, "messages"] and request.method == "POST":
            return web.json_response(self._send(body or {}))
        if rest == [self.phone_id, "media"] and request.method == "POST":
            return web.json_response(await self._upload(request))
        if len(rest) == 1 and request.method in ("GET", "DELETE"):
            with self._lock:
                media = self._media.get(rest[0])
            if media is None:
                raise _Refusal(100, f"Unsupported get request. Object with ID '{rest[0]}'")
            if request.method == "DELETE":
                with self._lock:
                    self._media.pop(rest[0], None)
                return web.json_response({"success": True})
            return web.json_response(
                {
                    "url": f"{self.base_url}/media/{media.id}",
                    "mime_type": media.mime_type,
                    "sha256": media.sha256,
                    "file_size": len(media.data),
                    "id": media.id,
                    "messaging_product": "whatsapp",
                }
            )
        raise _Refusal(100, f"unknown path {request.method} {path}", http_status=404)

    def _error(self, path: str, refusal: _Refusal) -> web.Response:
        if refusal.http_status >= 500:
            error: JSONDict = {
                "message": "An unexpected error has occurred. Please retry your request later.",
                "type": "OAuthException",
                "code": 2,
                "is_transient": True,
                "fbtrace_id": "AbCdEfGhIjKlMnOp",
            }
        else:
            error = graph_error(refusal.code, refusal.details)
        with self._lock:
            self._refusals.append((path, error))
        return web.json_response({"error": error}, status=refusal.http_status)

    async def _upload(self, request: web.Request) -> JSONDict:
        form = await request.post()
        upload = form.get("file")
        mime = str(form.get("type") or "")
        if form.get("messaging_product") != "whatsapp" or not isinstance(upload, web.FileField):
            raise _Refusal(100, "messaging_product and file are required")
        data = upload.file.read()
        kind = next((k for k, (types, _) in MEDIA_LIMITS.items() if mime in types), None)
        if kind is None:
            raise _Refusal(
                131053, f"Param file must be a file with one of the supported types: {mime}"
            )
        if len(data) > MEDIA_LIMITS[kind][1]:
            raise _Refusal(131053, f"{kind} file size {len(data)} exceeds the limit")
        with self._lock:
            media = Media(f"{next(self._ids) + 800000000}", data, mime, upload.filename)
            self._media[media.id] = media
            self._uploads.append(media)
        return {"id": media.id}

    def _send(self, body: JSONDict) -> JSONDict:
        if body.get("messaging_product") != "whatsapp":
            raise _Refusal(100, "The parameter messaging_product is required.")
        if body.get("status") == "read":  # mark as read / typing indicator
            return {"success": True}
        to = str(body.get("to") or body.get("recipient") or "")
        if not to:
            raise _Refusal(100, "The parameter to is required.")
        typ = body.get("type", "text")
        content = body.get(typ)
        if not isinstance(content, dict):
            raise _Refusal(100, f"Param {typ} is required for type {typ}")
        message = SentMessage(
            id="",
            to=to,
            type=typ,
            text="",
            payload=body,
            tracker=body.get("biz_opaque_callback_data"),
            at=time.time(),
        )
        self._check_content(typ, content, message)
        late: _Fault | None = None
        with self._lock:
            fault = next((f for f in self._faults if f.to in (None, to)), None)
            if fault is not None:
                self._faults.remove(fault)
                if not fault.late:
                    if fault.code in (500, 502, 503):
                        raise _Refusal(fault.code, None, http_status=fault.code)
                    raise _Refusal(fault.code)
                late = fault
        if typ != "template" and not self.window_open(to):
            if self.window_errors == "sync":
                raise _Refusal(131047)
            late = late or _Fault(131047, to, late=True)
        with self._lock:
            message.id = f"wamid.HBgM{next(self._ids):010d}="
            self._sent.append(message)
        for status in self.auto_statuses:
            self.queue_status(message.id, status)
        if late is not None:
            self.queue_status(message.id, "failed", late.code)
        answer: JSONDict = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": message.id}],
        }
        if typ == "template":
            answer["messages"][0]["message_status"] = "accepted"
        return answer

    # ------------------------------------------------------------------ Meta's limits

    def _check_content(self, typ: str, content: JSONDict, message: SentMessage) -> None:
        if typ == "text":
            text = content.get("body")
            if not _len_ok(text, 1, 4096):
                raise _Refusal(100, "Param text['body'] must be 1 to 4096 characters long.")
            message.text = str(text)
        elif typ == "interactive":
            self._check_interactive(content, message)
        elif typ in MEDIA_LIMITS:
            message.text = self._check_media(typ, content, message)
        elif typ == "template":
            self._check_template(content, message)
        elif typ == "reaction":
            message.text = str(content.get("emoji", ""))
        else:
            raise _Refusal(131051, f"Message type {typ} is not supported by the stand-in")

    def _check_media(self, typ: str, content: JSONDict, message: SentMessage) -> str:
        caption = content.get("caption")
        if caption is not None and not _len_ok(caption, 0, 1024):
            raise _Refusal(131009, "Caption must be at most 1024 characters long.")
        media_id = content.get("id")
        if media_id is not None:
            with self._lock:
                media = self._media.get(str(media_id))
            if media is None:
                raise _Refusal(131053, f"Media id {media_id} was not uploaded")
            if media.mime_type not in MEDIA_LIMITS[typ][0]:
                raise _Refusal(131053, f"{media.mime_type} can not be sent as {typ}")
            message.media_id = media.id
        elif not content.get("link"):
            raise _Refusal(100, f"Param {typ} must have an id or a link.")
        return str(caption or "")

    def _check_interactive(self, content: JSONDict, message: SentMessage) -> None:
        kind = content.get("type")
        body = (content.get("body") or {}).get("text")
        action = content.get("action") or {}
        for part in ("header", "footer"):
            text = (content.get(part) or {}).get("text")
            if text is not None and not _len_ok(text, 1, 60):
                raise _Refusal(131009, f"{part} text must be 1 to 60 characters long.")
        if kind == "button":
            if not _len_ok(body, 1, 1024):
                raise _Refusal(131009, "Body text must be 1 to 1024 characters long with buttons.")
            buttons = action.get("buttons") or []
            if not 1 <= len(buttons) <= 3:
                raise _Refusal(131009, "Invalid buttons count. Min allowed buttons: 1, Max: 3")
            ids: set[str] = set()
            for button in buttons:
                reply = button.get("reply") or {}
                title, bid = reply.get("title"), reply.get("id")
                if button.get("type") != "reply" or not _len_ok(bid, 1, 256):
                    raise _Refusal(131009, "Each button needs type reply and an id of 1-256.")
                if not _len_ok(title, 1, 20):
                    raise _Refusal(
                        131009, "Button title length invalid. Min length: 1, Max length: 20"
                    )
                if bid in ids:
                    raise _Refusal(131009, "Button ids must be unique.")
                ids.add(str(bid))
                message.buttons.append((str(bid), str(title)))
        elif kind == "list":
            if not _len_ok(body, 1, 4096):
                raise _Refusal(131009, "Body text must be 1 to 4096 characters long.")
            if not _len_ok(action.get("button"), 1, 20):
                raise _Refusal(131009, "List button label must be 1 to 20 characters long.")
            sections = action.get("sections") or []
            rows = [row for section in sections for row in section.get("rows") or []]
            if not 1 <= len(sections) <= 10:
                raise _Refusal(131009, "Invalid sections count. Min: 1, Max: 10")
            if not 1 <= len(rows) <= 10:
                raise _Refusal(131009, "Invalid rows count. Total rows min: 1, max: 10")
            if len(sections) > 1 and any(not s.get("title") for s in sections):
                raise _Refusal(131009, "Every section needs a title when there are several.")
            ids = set()
            for row in rows:
                rid, title = row.get("id"), row.get("title")
                description = row.get("description", "")
                if not _len_ok(rid, 1, 200) or rid in ids:
                    raise _Refusal(131009, "Row ids must be unique, 1 to 200 characters long.")
                if not _len_ok(title, 1, 24):
                    raise _Refusal(131009, "Row title length invalid. Min: 1, Max: 24")
                if not _len_ok(description, 0, 72):
                    raise _Refusal(131009, "Row description length invalid. Max: 72")
                ids.add(str(rid))
                message.rows.append((str(rid), str(title), str(description)))
        else:
            raise _Refusal(131009, f"Interactive type {kind} is not supported by the stand-in")
        message.text = str(body)

    def _check_template(self, content: JSONDict, message: SentMessage) -> None:
        name = content.get("name")
        language = (content.get("language") or {}).get("code")
        with self._lock:
            template = self._templates.get((str(name), str(language)))
        if template is None:
            raise _Refusal(132001, f"template name ({name}) does not exist in {language}")
        if template.paused:
            raise _Refusal(132015)
        params: list[str] = []
        payloads: list[tuple[int, str]] = []
        for component in content.get("components") or []:
            ctype = str(component.get("type", "")).lower()
            if ctype == "body":
                for param in component.get("parameters") or []:
                    if param.get("type") != "text" or not isinstance(param.get("text"), str):
                        raise _Refusal(132012, "Body parameters must be text.")
                    if not param["text"].strip() or re.search(r"\n|\t| {5,}", param["text"]):
                        raise _Refusal(
                            132000,
                            "Param text cannot have new-line/tab characters or more than 4 "
                            "consecutive spaces, nor be empty.",
                        )
                    params.append(param["text"])
            elif ctype == "button":
                index = int(component.get("index", -1))
                if str(
                    component.get("sub_type", "")
                ).lower() != "quick_reply" or not 0 <= index < len(template.buttons):
                    raise _Refusal(131009, "Button component does not match the template.")
                for param in component.get("parameters") or []:
                    payloads.append((index, str(param.get("payload", ""))))
        if len(params) != template.param_count:
            raise _Refusal(
                132000,
                f"body: number of localizable_params ({len(params)}) does not match the "
                f"expected number of params ({template.param_count})",
            )
        text = template.body
        for number, value in enumerate(params, start=1):
            text = text.replace("{{" + str(number) + "}}", value)
        if len(text) > 1024:
            raise _Refusal(132005, "Translated text too long")
        message.text = text
        message.template = template.name
        message.template_params = params
        by_index = dict(payloads)
        message.buttons = [
            (by_index.get(i, title), title) for i, title in enumerate(template.buttons)
        ]
