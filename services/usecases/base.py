"""What every use case shares: the database, the injected clock, the time zone, the files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from services import texts
from services.errors import ZibotError
from services.progress import active_year, local_today


class UseCase:
    """A feature's use cases over one database and one clock."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        tz: ZoneInfo,
        evidence_dir: Path,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.tz = tz
        self.evidence_dir = evidence_dir

    def now(self) -> datetime:
        """The injected clock's time (aware, UTC)."""
        return self._clock()

    def today(self) -> date:
        """Today in the deployment's time zone."""
        return local_today(self._clock(), self.tz)

    def _year(self, session: Session) -> tuple[date, int]:
        """Today and the plan year that is active (``PLAN_EMPTY_CHAT`` without a plan)."""
        today = self.today()
        year = active_year(session, today)
        if year is None:
            raise ZibotError(texts.PLAN_EMPTY_CHAT)
        return today, year
