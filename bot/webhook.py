"""``zibot serve``: a webhook server (Starlette + uvicorn), after PTB's starlettebot example."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.app import ZiApplication, build_application
from bot.runtime import Runtime
from bot.whatsapp import WhatsAppInbound, make_inbound
from bot.whatsapp import routes as whatsapp_routes
from bot.whatsapp_out import make_notifier, status_handler
from handlers.telegram.common import CHANNEL
from scheduler.engine import ReminderEngine
from services import identities, inbox
from services.identities import TELEGRAM, WHATSAPP

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def make_web_app(
    application: ZiApplication, runtime: Runtime, whatsapp: WhatsAppInbound | None = None
) -> Starlette:
    """The ASGI app: Telegram posts updates to ``/telegram``, WhatsApp to ``/whatsapp`` (when
    ``whatsapp`` is given); ``/healthz`` answers ok."""
    settings = runtime.settings
    secret = settings.webhook_secret.get()

    def claim(update_id: int) -> bool:
        with runtime.sessions.begin() as session:
            return inbox.claim_update(session, CHANNEL, str(update_id), runtime.clock())

    async def telegram(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            payload = await request.json()
            if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(payload, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return PlainTextResponse("bad request", status_code=400)
        # Telegram redelivers when an answer is slow, possibly to another replica: the first
        # claim in the database wins, any later delivery is acknowledged and dropped.
        if not await asyncio.to_thread(claim, update.update_id):
            log.info("Update %s was already taken: dropped", update.update_id)
            return Response()
        await application.update_queue.put(update)
        return Response()

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with application:
            # run_polling/run_webhook call these hooks; a server of our own must do it too.
            if application.post_init is not None:
                await application.post_init(application)
            await application.bot.set_webhook(
                url=settings.webhook_url.rstrip("/") + WEBHOOK_PATH,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
            )
            await application.start()
            if whatsapp is not None:
                # What a crash left in the inbox is processed before anything new.
                engine = application.bot_data.engine
                if isinstance(engine, ReminderEngine):
                    engine.add_task(whatsapp.replay)
                application.create_task(whatsapp.replay(), name="zibot-whatsapp-replay")
            yield
            if whatsapp is not None:
                await whatsapp.drain()
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)

    extra = [] if whatsapp is None else whatsapp_routes(settings, whatsapp)
    return Starlette(
        routes=[
            Route(WEBHOOK_PATH, telegram, methods=["POST"]),
            *extra,
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def serve(runtime: Runtime) -> None:
    """Run the webhook server on ``ZIBOT_LISTEN`` until interrupted."""
    application = build_application(runtime, updater=False)
    whatsapp = None
    if runtime.settings.whatsapp_on:
        zibot = application.bot_data.zibot
        assert zibot is not None

        def kick() -> None:
            sweeper = application.bot_data.sweeper
            if sweeper is not None:
                sweeper.kick()

        client, whatsapp = make_inbound(runtime, zibot, kick)
        # Outbound (the outbox's notifier) and the status webhooks, through the same client.
        notifier = make_notifier(runtime, client, runtime.settings.whatsapp_phone_id)
        engine = application.bot_data.engine
        assert isinstance(engine, ReminderEngine)
        engine.dispatcher.add_notifier(WHATSAPP, notifier)
        identities.use_channels(TELEGRAM, WHATSAPP)
        whatsapp.on_status = status_handler(runtime, notifier, kick)
    web = make_web_app(application, runtime, whatsapp)
    host, port = runtime.settings.listen
    # log_config=None: uvicorn logs through our handler, which masks the token and secret.
    uvicorn.run(web, host=host, port=port, log_level="warning", log_config=None)
