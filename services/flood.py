"""Telegram's flood limits shared by every process that sends with one bot token.

Each limit is a row of ``rate_slot`` holding the *theoretical arrival time* (TAT) of GCRA, the
generic cell rate algorithm: a message may go at ``max(now, TAT - tolerance)`` and pushes the TAT
one interval further. A reservation is ONE atomic upsert, so two replicas (or two threads) can
never be given the same slot: on PostgreSQL the row lock orders them, on SQLite the write lock.
The caller then sleeps until its slot.

Times are plain epoch seconds of the wall clock (``time.time()``), not the injected domain
clock: pacing is about real seconds between real HTTP calls, and a rehearsal clock set to next
Monday 08:00 must not make the bot wait (or burst). Replicas on different hosts need synchronised
clocks (NTP), as any multi-host deployment does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import RateSlot

OVERALL_KEY = "telegram:all"


@dataclass(frozen=True)
class Limit:
    """``burst`` messages at once, then one every ``interval`` seconds."""

    interval: float
    burst: int = 1

    @property
    def tolerance(self) -> float:
        """How far ahead of its TAT a message may go (GCRA's tau)."""
        return self.interval * (self.burst - 1)

    def most_in(self, seconds: float) -> int:
        """The most messages this limit lets into any window of ``seconds`` (half-open)."""
        span = seconds + self.tolerance
        count = int(span / self.interval)
        # n slots fit when (n - 1) * interval - tolerance < seconds.
        return count + 1 if count * self.interval < span else count


# Telegram: about 30 messages a second overall, evenly paced. 25 leaves a margin so that the
# jitter of a loaded machine (two processes' event loops and threads waking late, requests
# queued in the network) never squeezes 31 into one second as Telegram counts them: at 28 a
# second, two replicas on a busy 2-core machine were seen to land 31 in one second.
OVERALL = Limit(interval=1 / 25)
# Telegram: 20 messages a minute per group. A burst of 5 lets a short answer in several parts go
# at once; after it one every 4 s, so that no 60 s window ever holds more than 19.
GROUP = Limit(interval=4.0, burst=5)


def group_key(chat_id: int | str) -> str:
    """The row of one group's limit."""
    return f"telegram:chat:{chat_id}"


def gcra(tat: float | None, now: float, limit: Limit) -> tuple[float, float]:
    """The pure step: (new TAT, when this message may go). ``tat`` None for a new row."""
    new_tat = max(tat if tat is not None else now, now) + limit.interval
    return new_tat, max(now, new_tat - limit.interval - limit.tolerance)


def reserve(session: Session, name: str, now: float, limit: Limit) -> float:
    """Reserve the next slot of limit ``name`` in one statement: when the message may go.

    Runs in the caller's transaction; the caller commits at once (a slot held by an open
    transaction holds up every other sender).
    """
    new_tat = _upsert(session, name, now + limit.interval, now, limit.interval)
    return max(now, new_tat - limit.interval - limit.tolerance)


def pause(session: Session, name: str, until: float, limit: Limit) -> None:
    """Nothing goes on limit ``name`` before ``until`` (Telegram answered "retry after").

    The TAT moves past ``until`` by the burst tolerance too, so no burst follows the pause.
    """
    floor = until + limit.tolerance
    _upsert(session, name, floor, floor, 0.0)


def _upsert(session: Session, name: str, fresh: float, floor: float, step: float) -> float:
    """INSERT (name, fresh) or SET tat = max(tat, floor) + step; the stored TAT."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(RateSlot).values(name=name, tat=fresh)
        statement = pg.on_conflict_do_update(
            index_elements=[RateSlot.name],
            set_={"tat": func.greatest(RateSlot.tat, floor) + step},
        ).returning(RateSlot.tat)
    elif dialect == "sqlite":
        lite = sqlite.insert(RateSlot).values(name=name, tat=fresh)
        statement = lite.on_conflict_do_update(
            index_elements=[RateSlot.name],
            set_={"tat": func.max(RateSlot.tat, floor) + step},
        ).returning(RateSlot.tat)
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(dialect)
    value = session.execute(statement).scalar_one()
    return float(value)


def whatsapp_key(phone_id: str) -> str:
    """The row of one WhatsApp business number's throughput (Cloud API: 80 a second)."""
    return f"whatsapp:number:{phone_id}"
