"""Delivery on channels with a customer-service window (WhatsApp): each inbound message opens
the person's window; "Lihat detail" under a template brings the full message it stands for."""

from __future__ import annotations

from services import identities, receipts
from services.access import Caller
from services.receipts import DetailResult
from services.usecases.base import UseCase


class Deliveries(UseCase):
    """The window and the full message behind a template."""

    def note_inbound(self, channel: str, external_id: str) -> bool:
        """``external_id`` wrote to the bot now (any message or press): its 24-hour window
        opens. The dispatcher calls it for every inbound message, before handling it. False
        for a stranger (no identity yet: registering creates it, and the next message counts)."""
        with self._sessions.begin() as session:
            return identities.note_inbound(session, channel, external_id, self.now())

    def window_detail(self, caller: Caller, outbox_id: int) -> DetailResult:
        """ "Lihat detail" (``wd:<outbox id>``): the full message queued for the caller's own
        chat, free-form (the press opened the window); refused for another chat's message."""
        with self._sessions.begin() as session:
            return receipts.request_detail(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                outbox_id=outbox_id,
                now=self.now(),
            )
