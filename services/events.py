"""Events instead of hand-placed calls: a change says what happened; whoever cares subscribes.

A use case publishes an event in its unit of work (``publish(session, event)``). Subscribers of
two sorts:

- **in the transaction** (``subscribe(kind, handler)``): called at once with the session, so
  what they write (the progress version, the reminder stages to look at again) commits or
  rolls back with the change itself;
- **after commit** (``subscribe(kind, handler, after_commit=True)``): called once the session
  commits, never on rollback (waking the sender: there is nothing to send before the commit).

The core's own rules are subscribed here (``_core``); the composition root adds the rest
(waking the reminder engine's task).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanChanged:
    """The plan or the satkers changed (import, seed): progress figures are stale; ``items``
    lists plan items whose targets or tenggat may have changed (their stages are planned anew)."""

    items: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProgressChanged:
    """Targets changed status; ``reopened`` lists the items of targets no longer done."""

    reopened: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChatLinked:
    """A chat can receive messages now (a group linked, a person registered)."""

    channel: str
    chat_id: str


@dataclass(frozen=True)
class OutboxQueued:
    """Messages were put in the outbox."""

    count: int


@dataclass(frozen=True)
class TicketWaiting:
    """A kendala ticket (new or reopened) waits for the sweep to post it to the province."""

    ticket_id: int


Event = PlanChanged | ProgressChanged | ChatLinked | OutboxQueued | TicketWaiting
E = TypeVar("E")
InTransaction = Callable[[Session, Any], None]
AfterCommit = Callable[[Any], None]

_lock = threading.Lock()
_in_transaction: dict[type, list[InTransaction]] = defaultdict(list)
_after_commit: dict[type, list[AfterCommit]] = defaultdict(list)
_PENDING = "zibot_events_after_commit"
_installed = False


def subscribe(kind: type[E], handler: Callable[..., None], *, after_commit: bool = False) -> None:
    """Call ``handler`` for every event of ``kind``: ``handler(session, event)`` in the
    transaction, or ``handler(event)`` after it commits."""
    with _lock:
        if after_commit:
            _after_commit[kind].append(handler)
        else:
            _in_transaction[kind].append(handler)


def unsubscribe(kind: type[E], handler: Callable[..., None]) -> None:
    with _lock:
        for table in (_in_transaction, _after_commit):
            if handler in table[kind]:
                table[kind].remove(handler)


def publish(session: Session, event: Event) -> None:
    """Apply ``event``'s in-transaction subscribers now; keep the others for the commit."""
    global _installed
    if not _installed:
        _installed = True
        _core()
    with _lock:
        now = list(_in_transaction[type(event)])
        later = list(_after_commit[type(event)])
    for handler in now:
        handler(session, event)
    if later:
        session.info.setdefault(_PENDING, []).append(event)


@sa_event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    for event in pending:
        with _lock:
            handlers = list(_after_commit[type(event)])
        for handler in handlers:
            try:
                handler(event)
            except Exception:  # the change is committed; a subscriber's failure is its own
                log.exception("After-commit subscriber of %s failed", type(event).__name__)


@sa_event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


# --- the core's own rules ------------------------------------------------------------------


def _core() -> None:
    from services.progress import bump_version
    from services.reminders import forget_stages

    def progress_changed(session: Session, event: ProgressChanged) -> None:
        if event.reopened:  # reopened: due again at its current stage
            forget_stages(session, event.reopened)
        bump_version(session)

    def plan_changed(session: Session, event: PlanChanged) -> None:
        if event.items:
            forget_stages(session, event.items)
        bump_version(session)

    def chat_linked(session: Session, _: ChatLinked) -> None:
        forget_stages(session)  # a new recipient: the next sweep looks at every target again

    subscribe(ProgressChanged, progress_changed)
    subscribe(PlanChanged, plan_changed)
    subscribe(ChatLinked, chat_linked)
