"""The composition root: builds the Telegram ``Application`` and wires every handler once."""

from __future__ import annotations

import logging
import os
import time
import warnings
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.flood import ChatOrderedProcessor, SharedRateLimiter, dedupe_handler
from bot.preflight import remember_username
from bot.runtime import Runtime
from handlers.telegram import bukti, buttons, commands, groups, lapor
from handlers.telegram import instruksi as instruksi_handlers
from handlers.telegram import kendala as kendala_handlers
from handlers.telegram import throttle as throttle_handlers
from handlers.telegram.context import BotData, ZiContext
from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.throttle import ThrottleGate
from scheduler.engine import ReminderEngine, SweepLoop, kendala_planner
from scheduler.outbox import Dispatcher
from services import actions, events, texts
from services.reminders import ReminderPolicy
from services.throttle import Throttle
from services.zi import Zibot

# PTB 22: report RetryAfter.retry_after as a timedelta (the future default, no warning).
os.environ.setdefault("PTB_TIMEDELTA", "true")
log = logging.getLogger(__name__)
WAKING_EVENTS = (events.OutboxQueued, events.ChatLinked, events.TicketWaiting)
ZiApplication = Application[Any, ZiContext, Any, Any, BotData, Any]
# Handler groups that run before the conversations and commands (group 0), in this order.
DEDUPE = -20
THROTTLE = -10

PRIVATE_COMMANDS = [
    ("progres", texts.MENU_PROGRES),
    ("tenggat", texts.MENU_TENGGAT),
    ("rencana", texts.MENU_RENCANA),
    ("lapor", texts.MENU_LAPOR),
    ("bukti", texts.MENU_BUKTI),
    ("kendala", texts.MENU_KENDALA),
    ("instruksi", texts.MENU_INSTRUKSI),
    ("tanggapi", texts.MENU_TANGGAPI),
    ("daftar", texts.MENU_DAFTAR),
    ("tautkan", texts.MENU_TAUTKAN),
    ("bantuan", texts.MENU_BANTUAN),
    ("batal", texts.MENU_BATAL),
]
GROUP_COMMANDS = [
    ("progres", texts.MENU_PROGRES),
    ("tenggat", texts.MENU_TENGGAT),
    ("rencana", texts.MENU_RENCANA),
    ("lapor", texts.MENU_LAPOR),
    ("bukti", texts.MENU_BUKTI),
    ("kendala", texts.MENU_KENDALA),
    ("instruksi", texts.MENU_INSTRUKSI),
    ("tanggapi", texts.MENU_TANGGAPI),
    ("hubungkan", texts.MENU_HUBUNGKAN),
    ("bantuan", texts.MENU_BANTUAN),
    ("batal", texts.MENU_BATAL),
]


def make_engine(runtime: Runtime, bot: Any) -> ReminderEngine:
    """The reminder engine, sending through this bot."""
    settings = runtime.settings
    dispatcher = Dispatcher(
        runtime.sessions, {"telegram": TelegramNotifier(bot, settings.evidence_dir)}, runtime.clock
    )
    policy = ReminderPolicy(
        horizons=settings.reminder_days,
        overdue_every=settings.overdue_every,
        send_at=settings.reminder_time,
    )
    engine = ReminderEngine(runtime.sessions, dispatcher, runtime.clock, settings.timezone, policy)
    engine.add_planner(
        kendala_planner(
            settings.timezone,
            policy,
            sla_days=settings.kendala_sla_days,
            escalation_chat=settings.escalation_chat or None,
        )
    )
    return engine


async def post_stop(application: ZiApplication) -> None:
    """Stop the reminder engine's task with the application."""
    sweeper = application.bot_data.sweeper
    if isinstance(sweeper, SweepLoop):
        for kind in WAKING_EVENTS:
            events.unsubscribe(kind, sweeper.wake)
        await sweeper.stop()
    application.bot_data.sweeper = None


def flood_limiter(sessions: sessionmaker[Session]) -> SharedRateLimiter:
    """Telegram's limits, per bot token and so shared by every replica through the database:
    overall evenly paced under 30 a second, per group a burst of 5 then one every 4 s (never
    more than 20 a minute). A group waiting for its slot holds up only its own chat, since
    updates of other chats are handled concurrently (``ChatOrderedProcessor``)."""
    return SharedRateLimiter(sessions, max_retries=3)


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
    engine = application.bot_data.engine
    if isinstance(engine, ReminderEngine):
        # The engine's own task, not PTB's JobQueue: started and stopped with the application.
        sweeper = SweepLoop(engine, application.bot_data.sweep_seconds)
        application.bot_data.sweeper = sweeper
        sweeper.start()
        # What a change put in the outbox, or a chat that can now be written to, goes out
        # once the change commits.
        for kind in WAKING_EVENTS:
            events.subscribe(kind, sweeper.wake, after_commit=True)
    await remember_username(application.bot_data.zibot, application.bot.username)
    log.info("zibot is up as @%s", application.bot.username)


def build_application(
    runtime: Runtime, *, updater: bool = True, request: BaseRequest | None = None
) -> ZiApplication:
    """Build the bot: settings, rate limiter, typed context, every handler, error handler.

    ``request`` replaces the HTTP layer (tests and benchmarks pass one that never touches the
    network).
    """
    settings = runtime.settings
    throttle = ThrottleGate(Throttle(time.monotonic))
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .defaults(Defaults(tzinfo=settings.timezone, parse_mode=ParseMode.HTML))
        .rate_limiter(flood_limiter(runtime.sessions))
        .context_types(ContextTypes(context=ZiContext, bot_data=BotData))
        .concurrent_updates(ChatOrderedProcessor(gate=throttle))
        .post_init(post_init)
        .post_stop(post_stop)
    )
    zibot = make_zibot(runtime)
    # Open /kendala drafts live in the database; at start-up PTB's conversation router learns
    # where each one stands from there (nothing else is persisted by PTB).
    builder = builder.persistence(kendala_handlers.DraftConversations(zibot))
    if not updater:
        builder = builder.updater(None)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: ZiApplication = builder.build()
    application.bot_data.zibot = zibot
    engine = make_engine(runtime, application.bot)
    # Expired conversations (drafts, prompts) are deleted by the engine's sweep, a batch at a time.
    engine.add_housekeeping(zibot.expire_conversations)
    application.bot_data.engine = engine
    application.bot_data.sweep_seconds = runtime.settings.sweep_seconds
    application.bot_data.throttle = throttle
    if updater:
        # Long polling: claim each update id here. ``zibot serve`` claims at receipt instead.
        application.add_handler(dedupe_handler(runtime.sessions, runtime.clock), group=DEDUPE)
    register_handlers(application)
    return application


def register_handlers(application: ZiApplication) -> None:
    """Every handler, in one place. Group 0 holds the conversations and the commands."""
    add = application.add_handler

    # Group lifecycle, in group -1 so that no conversation in group 0 can swallow the update:
    # a group upgraded to a supergroup (service messages in the old and the new chat), the
    # bot removed from or added to a group.
    add(MessageHandler(filters.StatusUpdate.MIGRATE, groups.migrated), group=-1)
    add(ChatMemberHandler(groups.membership, ChatMemberHandler.MY_CHAT_MEMBER), group=-1)

    # Before anything else: a person flooding the bot gets one notice, then silence.
    add(TypeHandler(Update, throttle_handlers.throttle), group=THROTTLE)

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
            allow_reentry=True,
        )
    )

    with warnings.catch_warnings():
        # Buttons here belong to the (chat, user) conversation, not to single messages, which
        # is what per_message=False means; PTB warns about it on principle.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        add(
            ConversationHandler(
                entry_points=[CommandHandler("kendala", kendala_handlers.kendala)],
                states={
                    kendala_handlers.CHOOSE_ITEM: [
                        CallbackQueryHandler(
                            kendala_handlers.choose_item, pattern=r"^kd:(area|item|umum)"
                        ),
                        MessageHandler(
                            ~filters.COMMAND, kendala_handlers.wrong(texts.KENDALA_EXPECT_BUTTON)
                        ),
                    ],
                    kendala_handlers.CHOOSE_CATEGORY: [
                        CallbackQueryHandler(kendala_handlers.choose_category, pattern=r"^kd:cat:"),
                        MessageHandler(
                            ~filters.COMMAND, kendala_handlers.wrong(texts.KENDALA_EXPECT_BUTTON)
                        ),
                    ],
                    kendala_handlers.WRITE_TEXT: [
                        MessageHandler(
                            filters.TEXT & ~filters.COMMAND, kendala_handlers.write_text
                        ),
                        MessageHandler(
                            ~filters.COMMAND, kendala_handlers.wrong(texts.KENDALA_EXPECT_TEXT)
                        ),
                    ],
                    kendala_handlers.ADD_FILE: [
                        MessageHandler(
                            filters.Document.ALL | filters.PHOTO, kendala_handlers.add_file
                        ),
                        CallbackQueryHandler(kendala_handlers.skip_file, pattern=r"^kd:skip$"),
                        MessageHandler(
                            ~filters.COMMAND, kendala_handlers.wrong(texts.KENDALA_EXPECT_FILE)
                        ),
                    ],
                    kendala_handlers.CONFIRM: [
                        CallbackQueryHandler(
                            kendala_handlers.confirm, pattern=r"^kd:(send|cancel)$"
                        ),
                        MessageHandler(
                            ~filters.COMMAND, kendala_handlers.wrong(texts.KENDALA_EXPECT_BUTTON)
                        ),
                    ],
                },
                fallbacks=[CommandHandler("batal", kendala_handlers.batal)],
                conversation_timeout=30 * 60,
                name="kendala",
                persistent=True,
                allow_reentry=True,
            )
        )

    # Registration and group linking.
    add(CommandHandler("start", commands.start))
    add(CommandHandler("daftar", commands.daftar))
    add(CommandHandler("hubungkan", commands.hubungkan))
    add(CommandHandler("tautkan", commands.tautkan))  # link a WhatsApp/another account

    # Reading progress.
    add(CommandHandler("progres", commands.progres))
    add(CommandHandler("tenggat", commands.tenggat))
    add(CommandHandler("rencana", commands.rencana))

    # Reporting progress.
    add(CommandHandler("lapor", lapor.lapor))

    # Files that answer a /bukti prompt from before a restart; files sent without /bukti.
    add(
        MessageHandler(
            filters.REPLY & (filters.Document.ALL | filters.PHOTO), bukti.file_for_old_prompt
        )
    )
    add(
        MessageHandler(
            filters.ChatType.PRIVATE & (filters.Document.ALL | filters.PHOTO), bukti.stray_file
        )
    )

    # Kendala answered by the province, instructions and their receipts.
    add(CommandHandler("tanggapi", kendala_handlers.tanggapi))
    add(
        MessageHandler(
            filters.REPLY & filters.TEXT & ~filters.COMMAND, kendala_handlers.answer_reply
        )
    )
    add(CommandHandler("instruksi", instruksi_handlers.instruksi))

    # Help and leaving conversations.
    add(CommandHandler(["bantuan", "help"], commands.bantuan))
    add(CommandHandler("batal", commands.batal_idle))

    # Every button press outside the /kendala conversation, through the one registry: decoded,
    # authorised and routed once; anything else (forged, malformed, a /kendala button whose
    # conversation ended) is answered, never left spinning.
    presses = buttons.Presses(
        {
            actions.LAPOR: lapor.lapor_button,  # /lapor item and status buttons
            actions.REMINDER_DONE: lapor.reminder_done,  # "Sudah selesai" under a reminder
            actions.REMINDER_SNOOZE: lapor.reminder_snooze,  # "Ingatkan besok"
            actions.KENDALA_ANSWER: kendala_handlers.answer_button,  # "Tanggapi"
            actions.KENDALA_CLOSE: kendala_handlers.close_button,  # "Selesai"
            actions.INSTRUKSI_READ: instruksi_handlers.read_button,  # "Sudah dibaca"
        }
    )
    add(CallbackQueryHandler(presses.dispatch))

    application.add_error_handler(commands.on_error)


def run_polling(runtime: Runtime) -> None:
    """Long polling until interrupted (a laptop or a single server)."""
    application = build_application(runtime)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
