"""WhatsApp in ``zibot serve``: the pywa client, the ``/whatsapp`` webhook routes and the inbox.

A POST is checked (``X-Hub-Signature-256``, HMAC-SHA256 of the raw body under the app secret,
compared in constant time), split into single updates, each stored in the inbox (unique by
message id, or status id and status) and committed, then answered 200; processing follows in
a task of its own. Processing claims the entry first, so a redelivery, to this process or to
another one on the same PostgreSQL, is processed once; what a crash left unprocessed is
replayed at start-up and by every sweep of the reminder engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx
from pywa_async import WhatsApp
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.runtime import Runtime
from bot.settings import Settings
from handlers.whatsapp import updates
from handlers.whatsapp.chat import CHANNEL, WhatsAppChat
from handlers.whatsapp.cloud import PywaCloud
from handlers.whatsapp.presenter import text_reply
from services import inbox, texts
from services.throttle import Throttle, Verdict
from services.usecases.choices import Choices
from services.usecases.identity_moves import IdentityMoves
from services.zi import Caller, Zibot

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
GRAPH_HOST = "graph.facebook.com"
MAX_BODY = 3 * 1024 * 1024  # Meta's bodies are small; anything bigger is refused unread
FLOOD_DROPPED = "dropped: flood"  # the inbox entry's mark for a message over the flood limit


class RedirectTransport(httpx.AsyncBaseTransport):
    """Sends every request pywa makes to another Graph API base (a local stand-in): pywa
    forces ``https://graph.facebook.com/v<version>``, so scheme, host and port are rewritten
    and the base's path is put in front of the request's."""

    def __init__(self, base_url: str, inner: httpx.AsyncBaseTransport | None = None) -> None:
        parts = urlsplit(base_url)
        self._scheme = parts.scheme
        self._host = parts.hostname or ""
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._scheme,
            host=self._host,
            port=self._port,
            path=self._prefix + request.url.path,
        )
        request.headers["Host"] = self._host if self._port is None else f"{self._host}:{self._port}"
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def make_client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> WhatsApp:
    """A pywa client for the configured phone number, through ``ZIBOT_WHATSAPP_API_URL``.

    Each client needs an ``httpx.AsyncClient`` of its own (pywa puts the token in its headers).
    """
    if transport is None and urlsplit(settings.whatsapp_api_url).hostname != GRAPH_HOST:
        transport = RedirectTransport(settings.whatsapp_api_url)
    session = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(30.0))
    return WhatsApp(
        phone_id=settings.whatsapp_phone_id,
        token=settings.whatsapp_token.get(),
        session=session,
        # Our own routes check the signature and keep the inbox; pywa only reads and sends.
        server=None,
        skip_duplicate_updates=False,
    )


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    """``X-Hub-Signature-256: sha256=<hex>`` is HMAC-SHA256 of the raw body under the app
    secret (compared in constant time)."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


# The status webhooks (sent, delivered, read, failed) belong to the outbox.
StatusHandler = Callable[[object], Awaitable[None]]


class WhatsAppInbound:
    """The inbox of one process: store, claim, process, finish; replay what is left."""

    def __init__(
        self,
        runtime: Runtime,
        client: WhatsApp,
        chat: WhatsAppChat,
        on_status: StatusHandler | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self._runtime = runtime
        self._client = client
        self._chat = chat
        self.on_status = on_status
        self._tasks: set[asyncio.Task[int]] = set()
        # One person's updates are processed in order (this process; a redelivery to another
        # replica is processed there once, by the claim).
        self._senders: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        # A person who sends too much in a short time: counted as the messages arrive, one
        # polite notice, then their messages are stored and marked dropped until they pause
        # (services.throttle; the same policy as Telegram's).
        self.throttle = throttle if throttle is not None else Throttle(time.monotonic)
        self._verdicts: dict[str, Verdict] = {}

    # ------------------------------------------------------------------ database steps

    def _store(self, singles: list[updates.Single]) -> list[updates.Single]:
        """Store the updates; the ones that are new (not a redelivery)."""
        now = self._runtime.clock()
        new: list[updates.Single] = []
        with self._runtime.sessions.begin() as session:
            for single in singles:
                if inbox.store(session, CHANNEL, single.key, single.body, now):
                    new.append(single)
                else:
                    log.info("WhatsApp update %s was delivered again", single.key)
        return new

    def _claim(self, key: str) -> inbox.Claimed | None:
        with self._runtime.sessions.begin() as session:
            return inbox.claim(session, CHANNEL, key, self._runtime.clock())

    def _finish(self, key: str, error: str | None = None) -> None:
        with self._runtime.sessions.begin() as session:
            inbox.finish(session, CHANNEL, key, self._runtime.clock(), error)

    def _release(self, key: str) -> None:
        with self._runtime.sessions.begin() as session:
            inbox.release(session, CHANNEL, key)

    def _pending(self) -> list[str]:
        now = self._runtime.clock()
        with self._runtime.sessions.begin() as session:
            inbox.prune_inbox(session, now - inbox.INBOX_KEEP)
            return inbox.pending(session, CHANNEL, now)

    # ------------------------------------------------------------------ processing

    async def receive(self, raw: bytes) -> list[str]:
        """Store every update of a verified body (committed before the webhook is answered);
        the keys, to process."""
        singles = updates.split(raw, self._runtime.settings.whatsapp_phone_id or None)
        for single in singles:
            self._senders[single.key] = single.sender
        new = await asyncio.to_thread(self._store, singles)
        for single in new:  # in arrival order; a redelivery is not counted again
            if single.sender and single.key.startswith("msg:"):
                verdict = self.throttle.hit(single.sender)
                if verdict is not Verdict.PASS:
                    self._verdicts[single.key] = verdict
        return [single.key for single in singles]

    def process_soon(self, keys: list[str]) -> None:
        """Process entries in a task of this process (after the answer went out); one
        person's messages one after the other, in the order they arrived."""
        if not keys:
            return
        senders = sorted({self._senders.pop(key, "") for key in keys} - {""})
        task = asyncio.get_running_loop().create_task(self._in_order(senders, keys))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _in_order(self, senders: list[str], keys: list[str]) -> int:
        # Tasks reach their locks in the order they were created (no await before), and
        # asyncio's locks are first come, first served.
        async with contextlib.AsyncExitStack() as stack:
            for sender in senders:
                lock = self._locks.setdefault(sender, asyncio.Lock())
                self._waiting[sender] = self._waiting.get(sender, 0) + 1
                stack.callback(self._leave, sender)
                await stack.enter_async_context(lock)
            return await self.process(keys)

    def _leave(self, sender: str) -> None:
        self._waiting[sender] -= 1
        if not self._waiting[sender]:
            del self._waiting[sender]
            self._locks.pop(sender, None)

    async def process(self, keys: list[str]) -> int:
        """Process each entry this process can claim, in order; how many it processed."""
        done = 0
        for key in keys:
            if await self.process_one(key):
                done += 1
        return done

    async def process_one(self, key: str) -> bool:
        """Claim, process and finish one entry; False when it was not ours to process."""
        verdict = self._verdicts.pop(key, None)  # taken now: never left behind
        claimed = await asyncio.to_thread(self._claim, key)
        if claimed is None:
            return False
        if claimed.attempt > inbox.INBOX_ATTEMPTS:
            log.error("WhatsApp update %s failed %s times: given up", key, claimed.attempt - 1)
            await asyncio.to_thread(self._finish, key, "given up")
            return False
        if verdict is not None:
            await self._flooded(claimed.body, verdict)
            await asyncio.to_thread(self._finish, key, FLOOD_DROPPED)
            return True
        try:
            await self._dispatch(claimed.body)
        except Exception as exc:
            log.exception("Error while handling WhatsApp update %s", key)
            if not key.startswith("msg:"):
                # A status (or another field) changes only the outbox's records: it is tried
                # again by the next sweep (at most INBOX_ATTEMPTS times).
                await asyncio.to_thread(self._release, key)
                return False
            # A message was answered with an apology; processing it again could repeat what
            # it already did, so it is not replayed.
            await asyncio.to_thread(self._finish, key, f"{type(exc).__name__}: {exc}")
            return True
        await asyncio.to_thread(self._finish, key)
        return True

    async def _dispatch(self, body: str) -> None:
        moved = updates.identity_change(body)
        if moved is not None:
            await self._chat.identity_changed(moved.old_id, moved.new_id)
            return
        try:
            update: object = updates.read(self._client, body)
            incoming = updates.incoming_of(update)  # type: ignore[arg-type]
        except (KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
            log.warning("pywa could not read a WhatsApp update (%s: %s)", type(exc).__name__, exc)
            incoming = updates.fallback(body)
            if incoming is None:
                return
        if incoming is not None:
            try:
                await self._chat.handle(incoming)
            except Exception:
                await self._apologise(incoming.user_id)
                raise
            return
        if self.on_status is not None:
            # Statuses (sent, delivered, read, failed) update the outbox: h-waout's
            # bot.whatsapp_out.status_handler -> handlers.whatsapp.status.on_status.
            await self.on_status(update)

    async def _flooded(self, body: str, verdict: Verdict) -> None:
        """A message over the flood limit is not handled; the first of an episode gets the
        notice."""
        if verdict is not Verdict.NOTICE:
            return
        sender = updates.sender_of(body)
        if not sender:
            return
        try:
            await self._chat.say(
                Caller(CHANNEL, sender, True, sender), text_reply(texts.FLOOD_NOTICE)
            )
        except Exception:  # a courtesy: the message is dropped regardless
            log.warning("Could not tell a WhatsApp user to slow down", exc_info=True)

    async def _apologise(self, user_id: str) -> None:
        try:
            caller = Caller(CHANNEL, user_id, True, user_id)
            await self._chat.say(caller, text_reply(texts.ERROR_APOLOGY))
        except Exception:  # the apology itself may fail when the Cloud API is down
            log.warning("Could not send the apology on WhatsApp", exc_info=True)

    async def replay(self) -> int:
        """Process what is stored and not processed (a crash, a lost task): at start-up and
        on every sweep."""
        keys = await asyncio.to_thread(self._pending)
        if not keys:
            return 0
        done = await self.process(keys)
        if done:
            log.info("Replayed %s WhatsApp updates from the inbox", done)
        return done

    async def drain(self) -> None:
        """Wait for the processing tasks of this process (at shutdown)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def make_inbound(
    runtime: Runtime, zibot: Zibot, kick: Callable[[], None] | None = None
) -> tuple[WhatsApp, WhatsAppInbound]:
    """The client and the inbox processing of this process; ``kick`` wakes the engine."""
    settings = runtime.settings
    client = make_client(settings)
    choices = Choices(runtime.sessions, runtime.clock, settings.timezone, settings.evidence_dir)
    ids = IdentityMoves(runtime.sessions, runtime.clock, settings.timezone, settings.evidence_dir)
    chat = WhatsAppChat(zibot, choices, PywaCloud(client), kick, ids)
    return client, WhatsAppInbound(runtime, client, chat, on_status=None)


def routes(settings: Settings, inbound: WhatsAppInbound) -> list[Route]:
    """``GET /whatsapp`` (Meta's verification challenge) and ``POST /whatsapp`` (updates)."""
    app_secret = settings.whatsapp_app_secret.get()
    verify_token = settings.whatsapp_verify_token.get()

    async def challenge(request: Request) -> Response:
        mode = request.query_params.get("hub.mode", "")
        given = request.query_params.get("hub.verify_token", "")
        answer = request.query_params.get("hub.challenge", "")
        if mode != "subscribe" or not hmac.compare_digest(given.encode(), verify_token.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(answer)

    async def update(request: Request) -> Response:
        header = request.headers.get(SIGNATURE_HEADER)
        if not header:
            return PlainTextResponse("unauthorized", status_code=401)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        raw = await read_capped(request, MAX_BODY)
        if raw is None:  # no (or a false) Content-Length: counted while read
            return PlainTextResponse("too large", status_code=413)
        if not signature_ok(app_secret, raw, header):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            keys = await inbox_receive(inbound, raw)
        except updates.NotAnUpdate:
            return PlainTextResponse("bad request", status_code=400)
        inbound.process_soon(keys)
        return Response()

    return [
        Route(WEBHOOK_PATH, challenge, methods=["GET"]),
        Route(WEBHOOK_PATH, update, methods=["POST"]),
    ]


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The request's body, or None as soon as it grows past ``limit`` bytes (the rest is not
    read: a chunked body has no Content-Length to refuse it by)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def inbox_receive(inbound: WhatsAppInbound, raw: bytes) -> list[str]:
    """Store the body's updates (a seam for tests that crash between storing and answering)."""
    return await inbound.receive(raw)
