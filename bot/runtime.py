"""What every entry point shares: settings, the database and the clock, built once."""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings, SettingsError
from models import make_engine, make_session_factory
from services import texts

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware, in UTC: the only place zibot asks the system for it."""
    return datetime.now(UTC)


def file_clock(path: Path) -> Clock:
    """A clock that reads "now" from a file on every call (rehearsals and tests)."""

    def now() -> datetime:
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError:
            value = ""
        if not value:
            return system_clock()
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise SettingsError(
                texts.SETTING_INVALID.format(
                    name="ZIBOT_CLOCK_FILE",
                    reason=texts.SETTING_BAD_CLOCK.format(path=path, value=value),
                )
            ) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    return now


@dataclass
class Runtime:
    """Settings, engine, session factory and clock of one zibot process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    _lock_file: IO[str] | None = field(default=None, repr=False)

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        """Connect to the configured database (lazily: nothing is opened yet)."""
        if clock is None:
            clock = file_clock(settings.clock_file) if settings.clock_file else system_clock
        engine = make_engine(settings.database_url)
        return cls(settings, engine, make_session_factory(engine), clock)

    def claim_single_process(self) -> bool:
        """On SQLite, hold an exclusive lock beside the database file; False if taken.

        SQLite supports one bot process; the lock dies with the process, even on SIGKILL.
        """
        url = make_url(self.settings.database_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return True
        handle = Path(f"{url.database}.lock").open("w", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_file = handle
        return True
