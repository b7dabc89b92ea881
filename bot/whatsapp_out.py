"""WhatsApp outbound in ``zibot serve``: the notifier the outbox sends WhatsApp messages with,
and the handler the inbound side calls for status webhooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pywa_async import WhatsApp
from pywa_async.types import MessageStatus

from bot.flood import WhatsAppPace
from bot.runtime import Runtime
from handlers.whatsapp.notices import INSTRUKSI, KENDALA, PEMBERITAHUAN, REMINDER
from handlers.whatsapp.notifier import WhatsAppNotifier
from handlers.whatsapp.status import on_status


def make_notifier(runtime: Runtime, client: WhatsApp, phone_id: str) -> WhatsAppNotifier:
    """The outbox's WhatsApp notifier: the approved templates and their language from the
    settings, the number's pace shared by replicas through the database."""
    settings = runtime.settings
    names = settings.whatsapp_templates
    return WhatsAppNotifier(
        client,
        {
            REMINDER: names.reminder,
            INSTRUKSI: names.instruksi,
            KENDALA: names.kendala,
            PEMBERITAHUAN: names.pemberitahuan,
        },
        names.language,
        settings.evidence_dir,
        WhatsAppPace(runtime.sessions, phone_id, rate=settings.whatsapp_rate),
    )


def status_handler(
    runtime: Runtime, notifier: WhatsAppNotifier, kick: Callable[[], None]
) -> Callable[[object], Awaitable[None]]:
    """What the WhatsApp dispatcher calls with every update that is not a message: a status
    updates the outbox (and wakes the sender when a message is to go again)."""

    async def handle(update: object) -> None:
        if not isinstance(update, MessageStatus):
            return
        outcome = await on_status(
            update, sessions=runtime.sessions, clock=runtime.clock, notifier=notifier
        )
        if outcome.action in ("template", "retry"):
            kick()

    return handle
