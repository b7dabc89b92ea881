"""Reading the plan: /progres (a satker or the ranking), /tenggat and /rencana."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Area, RencanaAksi, Target
from services import access, catalog, texts
from services.access import Caller
from services.errors import ZibotError
from services.members import SatkerRef
from services.progress import (
    RankingCache,
    SatkerProgress,
    TargetLine,
    due_within,
    load_progress,
    load_target_lines,
    next_deadlines,
    overdue_lines,
)
from services.sharing import AreaLeaders, area_leaders
from services.status import ItemStatus
from services.usecases.base import UseCase

DEADLINE_DAYS = 14


@dataclass(frozen=True)
class SatkerReport:
    """One satker's progress: per area, overdue items, the next tenggat."""

    year: int
    today: date
    progress: SatkerProgress
    overdue: list[TargetLine]
    upcoming: list[TargetLine]


@dataclass(frozen=True)
class RankingReport:
    """Every satker, ranked; per area, the satker(s) with the most verified items."""

    year: int
    today: date
    ranking: list[SatkerProgress]
    leaders: tuple[AreaLeaders, ...] = ()


@dataclass(frozen=True)
class ItemSummary:
    """One item across all satkers (the province's view)."""

    item_code: str
    area_code: str
    activity: str
    tenggat: date
    done: int
    total: int


@dataclass(frozen=True)
class DeadlineReport:
    """Items due in the next days and overdue ones, for a satker or (satker None) the plan."""

    year: int
    today: date
    days: int
    satker: SatkerRef | None
    due: list[TargetLine]
    overdue: list[TargetLine]
    plan_due: list[ItemSummary]
    plan_overdue: list[ItemSummary]


@dataclass(frozen=True)
class PlanReport:
    """The action plan with status, for a satker or (satker None) across satkers."""

    year: int
    today: date
    satker: SatkerRef | None
    area: str | None
    lines: list[TargetLine]
    items: list[ItemSummary]


class Progress(UseCase):
    """What the plan looks like for a satker, or across satkers."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        tz: ZoneInfo,
        evidence_dir: Path,
    ) -> None:
        super().__init__(sessions, clock, tz, evidence_dir)
        self._ranking = RankingCache()

    def progress(self, caller: Caller, argument: str = "") -> SatkerReport | RankingReport:
        """/progres: the group's satker, the ranking, or the satker named in ``argument``."""
        with self._sessions() as session:
            satker = access.read_scope(session, caller, argument)
            today, year = self._year(session)
            if satker is None:
                ranking = self._ranking.ranking(session, today=today, year=year)
                leaders = tuple(area_leaders(session, year))
                return RankingReport(year, today, ranking, leaders)
            found = load_progress(session, today=today, year=year, satker_ids=[satker.id])
            if not found:
                raise ZibotError(texts.SATKER_NO_TARGETS.format(name=satker.name, year=year))
            lines = load_target_lines(session, satker_id=satker.id, year=year)
            return SatkerReport(
                year,
                today,
                found[0],
                overdue_lines(lines, today),
                next_deadlines(lines, today, 3),
            )

    def deadlines(self, caller: Caller, argument: str = "") -> DeadlineReport:
        """/tenggat: due in the next 14 days and overdue, for a satker or the whole plan."""
        with self._sessions() as session:
            satker = access.read_scope(session, caller, argument)
            today, year = self._year(session)
            if satker is None:
                items = _item_summaries(session, year)
                last = date.fromordinal(today.toordinal() + DEADLINE_DAYS)
                items.sort(key=lambda i: (i.tenggat, i.item_code))
                due = [i for i in items if today <= i.tenggat <= last and i.done < i.total]
                late = [i for i in items if i.tenggat < today and i.done < i.total]
                return DeadlineReport(year, today, DEADLINE_DAYS, None, [], [], due, late)
            lines = load_target_lines(session, satker_id=satker.id, year=year)
            return DeadlineReport(
                year,
                today,
                DEADLINE_DAYS,
                satker,
                due_within(lines, today, DEADLINE_DAYS),
                overdue_lines(lines, today),
                [],
                [],
            )

    def plan(self, caller: Caller, area: str = "") -> PlanReport:
        """/rencana [area]: the items with status, for the satker in scope or the province."""
        with self._sessions() as session:
            satker = access.read_scope(session, caller, "")
            today, year = self._year(session)
            area_code = _area_code(session, area) if area.strip() else None
            if satker is None:
                items = [
                    i for i in _item_summaries(session, year) if area_code in (None, i.area_code)
                ]
                return PlanReport(year, today, None, area_code, [], items)
            lines = [
                line
                for line in load_target_lines(session, satker_id=satker.id, year=year)
                if area_code in (None, line.area_code)
            ]
            return PlanReport(year, today, satker, area_code, lines, [])


def _area_code(session: Session, wanted: str) -> str:
    from services.plan_parser import match_area

    areas = catalog.iter_area_pairs(session.scalars(select(Area)))
    codes = match_area(wanted, areas)
    if len(codes) != 1:
        names = ", ".join(f"{code} ({name})" for code, name in areas)
        raise ZibotError(texts.AREA_UNKNOWN.format(value=wanted, areas=names))
    return codes[0]


def _item_summaries(session: Session, year: int) -> list[ItemSummary]:
    rows = session.execute(
        select(
            RencanaAksi.code,
            Area.code,
            RencanaAksi.activity,
            RencanaAksi.tenggat,
            func.sum(case((Target.status == ItemStatus.SELESAI.value, 1), else_=0)),
            func.count(Target.id),
        )
        .join(Area, Area.id == RencanaAksi.area_id)
        .join(Target, Target.item_id == RencanaAksi.id)
        .where(RencanaAksi.year == year)
        .group_by(RencanaAksi.id, RencanaAksi.code, Area.code, Area.position)
        .group_by(RencanaAksi.activity, RencanaAksi.tenggat)
        .order_by(Area.position, RencanaAksi.code)
    )
    return [ItemSummary(c, a, act, t, int(d or 0), int(n)) for c, a, act, t, d, n in rows]
