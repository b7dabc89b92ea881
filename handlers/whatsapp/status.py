"""WhatsApp status webhooks: what became of a message the Cloud API accepted.

The WhatsApp dispatcher (the inbound side) calls ``on_status`` for every ``statuses`` entry it
took from the inbox, after storing it. The status finds its outbox row by the tracker the send
carried (``ob:<outbox id>``, ``biz_opaque_callback_data``):

- ``sent``, ``delivered``, ``read``: recorded on the row (never moving back);
- ``failed`` 131047 (outside the 24-hour window, after the send was answered 200): the row is
  sent again, as the approved template;
- ``failed`` 131026 (not on WhatsApp, or cannot receive): the person is marked unreachable, and
  nothing more is sent there;
- ``failed`` 130429 / 131056 / 131000 / a server error: the row backs off and is retried;
- ``failed`` with a template error (132xxx): the row fails and the province's admins are told;
- anything else: the row fails.

A "Lihat detail" press is a use case (``Zibot.window_detail``), routed like every button.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from pywa_async.types import MessageStatus, MessageStatusType
from sqlalchemy.orm import Session, sessionmaker

from handlers.whatsapp.notifier import WhatsAppNotifier, classify
from services import receipts
from services.identities import WHATSAPP
from services.receipts import Failure, StatusOutcome

log = logging.getLogger(__name__)


def _recipient(status: MessageStatus) -> str:
    user = status.from_user
    return str(getattr(user, "wa_id", None) or getattr(user, "bsuid", None) or "")


async def on_status(
    status: MessageStatus,
    *,
    sessions: sessionmaker[Session],
    clock: Callable[[], datetime],
    notifier: WhatsAppNotifier | None = None,
) -> StatusOutcome:
    """Apply one status webhook to the outbox (one unit of work); what it did. ``notifier``
    names the template a refused row went as, for the admins' report."""
    outbox_id = receipts.parse_tracker(status.tracker if isinstance(status.tracker, str) else None)
    if outbox_id is None:
        log.debug("Status %s of %s carries no outbox tracker", status.status, status.id)
        return StatusOutcome(False)
    kind = str(status.status)
    error = status.error
    failure: Failure | None = None
    reason = ""
    if status.status == MessageStatusType.FAILED:
        code = error.code if error is not None else None
        failure = classify(code)
        title = (error.message if error is not None else "") or ""
        reason = f"{code} {title}".strip()

    def apply() -> StatusOutcome:
        now = clock()
        with sessions.begin() as session:
            if failure is None:
                return receipts.record_receipt(
                    session,
                    channel=WHATSAPP,
                    outbox_id=outbox_id,
                    message_id=status.id,
                    receipt=kind,
                    now=now,
                )
            return receipts.record_failure(
                session,
                channel=WHATSAPP,
                outbox_id=outbox_id,
                message_id=status.id,
                failure=failure,
                error=reason,
                now=now,
                template=(
                    notifier.template_name(receipts.notice_of(session, outbox_id))
                    if notifier is not None and failure is Failure.TEMPLATE_REJECTED
                    else ""
                ),
            )

    outcome = await asyncio.to_thread(apply)
    if failure is not None:
        log.info(
            "WhatsApp status failed (%s) for outbox %s to %s: %s",
            reason,
            outbox_id,
            _recipient(status),
            outcome.action or "nothing to do",
        )
    return outcome
