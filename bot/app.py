"""The composition root: builds the Telegram ``Application`` and wires every handler once."""

from __future__ import annotations

import logging
import os
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.runtime import Runtime
from handlers.telegram import bukti, commands, lapor
from handlers.telegram.context import BotData, ZiContext
from services import texts
from services.zi import Zibot

# PTB 22: report RetryAfter.retry_after as a timedelta (the future default, no warning).
os.environ.setdefault("PTB_TIMEDELTA", "true")
log = logging.getLogger(__name__)
ZiApplication = Application[Any, ZiContext, Any, Any, BotData, Any]

PRIVATE_COMMANDS = [
    ("progres", texts.MENU_PROGRES),
    ("tenggat", texts.MENU_TENGGAT),
    ("rencana", texts.MENU_RENCANA),
    ("lapor", texts.MENU_LAPOR),
    ("bukti", texts.MENU_BUKTI),
    ("daftar", texts.MENU_DAFTAR),
    ("bantuan", texts.MENU_BANTUAN),
    ("batal", texts.MENU_BATAL),
]
GROUP_COMMANDS = [
    ("progres", texts.MENU_PROGRES),
    ("tenggat", texts.MENU_TENGGAT),
    ("rencana", texts.MENU_RENCANA),
    ("lapor", texts.MENU_LAPOR),
    ("bukti", texts.MENU_BUKTI),
    ("hubungkan", texts.MENU_HUBUNGKAN),
    ("bantuan", texts.MENU_BANTUAN),
    ("batal", texts.MENU_BATAL),
]


def make_zibot(runtime: Runtime) -> Zibot:
    """The use cases over the runtime's database, clock and settings."""
    settings = runtime.settings
    return Zibot(runtime.sessions, runtime.clock, settings.timezone, settings.evidence_dir)


async def post_init(application: ZiApplication) -> None:
    """Register the command menus: one for private chats, one for groups."""
    await application.bot.set_my_commands(
        [BotCommand(c, d) for c, d in PRIVATE_COMMANDS], scope=BotCommandScopeAllPrivateChats()
    )
    await application.bot.set_my_commands(
        [BotCommand(c, d) for c, d in GROUP_COMMANDS], scope=BotCommandScopeAllGroupChats()
    )
    log.info("zibot is up as @%s", application.bot.username)


def build_application(
    runtime: Runtime, *, updater: bool = True, request: BaseRequest | None = None
) -> ZiApplication:
    """Build the bot: settings, rate limiter, typed context, every handler, error handler.

    ``request`` replaces the HTTP layer (tests and benchmarks pass one that never touches the
    network).
    """
    settings = runtime.settings
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .defaults(Defaults(tzinfo=settings.timezone))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .context_types(ContextTypes(context=ZiContext, bot_data=BotData))
        .concurrent_updates(False)
        .post_init(post_init)
    )
    if not updater:
        builder = builder.updater(None)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: ZiApplication = builder.build()
    application.bot_data.zibot = make_zibot(runtime)
    register_handlers(application)
    return application


def register_handlers(application: ZiApplication) -> None:
    """Every handler, in one place. Group 0 holds the conversations and the commands."""
    add = application.add_handler

    # Conversations first, so that /batal and files inside them reach them.
    add(
        ConversationHandler(
            entry_points=[
                CommandHandler("bukti", bukti.bukti),
                MessageHandler(
                    (filters.Document.ALL | filters.PHOTO) & filters.CaptionRegex(r"^/bukti\b"),
                    bukti.bukti_with_caption,
                ),
            ],
            states={
                bukti.WAITING_FILE: [
                    MessageHandler(filters.Document.ALL | filters.PHOTO, bukti.receive_file),
                    MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, bukti.wrong_kind),
                ],
                ConversationHandler.TIMEOUT: [
                    MessageHandler(filters.ALL, bukti.timed_out),
                ],
            },
            fallbacks=[CommandHandler("batal", bukti.batal)],
            conversation_timeout=15 * 60,
            name="bukti",
        )
    )

    # Registration and group linking.
    add(CommandHandler("start", commands.start))
    add(CommandHandler("daftar", commands.daftar))
    add(CommandHandler("hubungkan", commands.hubungkan))

    # Reading progress.
    add(CommandHandler("progres", commands.progres))
    add(CommandHandler("tenggat", commands.tenggat))
    add(CommandHandler("rencana", commands.rencana))

    # Reporting progress.
    add(CommandHandler("lapor", lapor.lapor))
    add(CallbackQueryHandler(lapor.lapor_button, pattern=rf"^{lapor.PREFIX}:"))

    # Help and leaving conversations.
    add(CommandHandler(["bantuan", "help"], commands.bantuan))
    add(CommandHandler("batal", commands.batal_idle))

    application.add_error_handler(commands.on_error)


def run_polling(runtime: Runtime) -> None:
    """Long polling until interrupted (a laptop or a single server)."""
    application = build_application(runtime)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
