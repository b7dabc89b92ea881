"""What every entry point shares: settings, the database and the clock, built once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from models import make_engine, make_session_factory

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware, in UTC: the only place zibot asks the system for it."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """Settings, engine, session factory and clock of one zibot process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Runtime:
        """Connect to the configured database (lazily: nothing is opened yet)."""
        engine = make_engine(settings.database_url)
        return cls(settings, engine, make_session_factory(engine), clock)
