"""Progress and deadlines: completion per satker and area, overdue items, ranking.

The rules are pure functions over plain data; the ``load_*`` functions read the rows they need
with a few aggregate queries, so the same rules serve the CLI, Telegram and WhatsApp.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, exists, func, select, update
from sqlalchemy.orm import Session

from models import Area, BuktiDukung, Counter, RencanaAksi, Satker, Target
from services.status import ItemState, ItemStatus, ReviewStatus, item_state

DONE = ItemStatus.SELESAI


def _has_bukti(status: ReviewStatus) -> ColumnElement[bool]:
    """The target (of the enclosing query) has a bukti in review state ``status``."""
    return exists().where(
        BuktiDukung.target_id == Target.id, BuktiDukung.review_status == status.value
    )


def verified_condition() -> ColumnElement[bool]:
    """SQL of ``status.item_state(...) == TERVERIFIKASI`` for the enclosing query's target:
    reported selesai, a bukti accepted, none waiting."""
    return and_(
        Target.status == DONE,
        _has_bukti(ReviewStatus.DITERIMA),
        ~_has_bukti(ReviewStatus.MENUNGGU),
    )


def waiting_condition() -> ColumnElement[bool]:
    """SQL of ``item_state(...) == MENUNGGU_VERIFIKASI``: reported selesai, a bukti waiting."""
    return and_(Target.status == DONE, _has_bukti(ReviewStatus.MENUNGGU))


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """The calendar day it is in the deployment's time zone."""
    return now.astimezone(tz).date()


def is_overdue(tenggat: date, status: str, today: date) -> bool:
    """Terlambat: the tenggat has passed and the target is not done. Never stored."""
    return status != DONE and tenggat < today


def percent(done: int, total: int) -> float:
    """Completion as a percentage; an empty set counts as 0 %."""
    return 100.0 * done / total if total else 0.0


@dataclass(frozen=True)
class AreaProgress:
    """Counts for one area perubahan of one satker."""

    area_code: str
    area_name: str
    total: int
    done: int
    in_progress: int
    overdue: int
    verified: int = 0  # terverifikasi (see ``status.item_state``)
    waiting: int = 0  # menunggu verifikasi

    @property
    def percent(self) -> float:
        """Completion of this area, in percent."""
        return percent(self.done, self.total)

    @property
    def verified_percent(self) -> float:
        """Verified completion of this area, in percent."""
        return percent(self.verified, self.total)


@dataclass(frozen=True)
class SatkerProgress:
    """A satker's completion overall and per area."""

    satker_code: str
    satker_name: str
    level: str
    areas: tuple[AreaProgress, ...]

    @cached_property
    def total(self) -> int:
        """Number of targets."""
        return sum(a.total for a in self.areas)

    @cached_property
    def done(self) -> int:
        """Number of targets marked selesai."""
        return sum(a.done for a in self.areas)

    @cached_property
    def overdue(self) -> int:
        """Number of targets past their tenggat and not selesai."""
        return sum(a.overdue for a in self.areas)

    @cached_property
    def percent(self) -> float:
        """Overall completion, in percent."""
        return percent(self.done, self.total)

    @cached_property
    def verified(self) -> int:
        """Number of targets terverifikasi."""
        return sum(a.verified for a in self.areas)

    @cached_property
    def waiting(self) -> int:
        """Number of targets reported selesai whose bukti waits for review."""
        return sum(a.waiting for a in self.areas)

    @cached_property
    def verified_percent(self) -> float:
        """Verified completion, in percent."""
        return percent(self.verified, self.total)


def rank(progress: Iterable[SatkerProgress]) -> list[SatkerProgress]:
    """Best first: highest completion, then fewest overdue, then code."""
    return sorted(progress, key=lambda p: (-p.percent, p.overdue, p.satker_code))


@dataclass(frozen=True)
class TargetLine:
    """One item of one satker, as people read it."""

    target_id: int
    item_code: str
    area_code: str
    activity: str
    bukti_dukung: str
    tenggat: date
    status: str
    note: str | None
    updated_at: datetime | None
    evidence_count: int = 0
    evidence_waiting: int = 0
    evidence_accepted: int = 0

    @property
    def state(self) -> ItemState:
        """The status as people read it: reported, waiting for review, or verified."""
        return item_state(
            self.status, waiting=self.evidence_waiting, accepted=self.evidence_accepted
        )

    def overdue(self, today: date) -> bool:
        """Whether this target is terlambat on ``today``."""
        return is_overdue(self.tenggat, self.status, today)


def overdue_lines(lines: Iterable[TargetLine], today: date) -> list[TargetLine]:
    """Terlambat targets, oldest tenggat first."""
    return sorted((t for t in lines if t.overdue(today)), key=lambda t: (t.tenggat, t.item_code))


def due_within(lines: Iterable[TargetLine], today: date, days: int) -> list[TargetLine]:
    """Open targets whose tenggat falls from today to ``days`` days ahead, soonest first."""
    last = today + timedelta(days=days)
    due = (t for t in lines if t.status != DONE and today <= t.tenggat <= last)
    return sorted(due, key=lambda t: (t.tenggat, t.item_code))


def next_deadlines(lines: Iterable[TargetLine], today: date, count: int) -> list[TargetLine]:
    """The next ``count`` open targets from today on, soonest first."""
    upcoming = sorted(
        (t for t in lines if t.status != DONE and t.tenggat >= today),
        key=lambda t: (t.tenggat, t.item_code),
    )
    return upcoming[:count]


def active_year(session: Session, today: date) -> int | None:
    """The plan year to show: today's year if it has items, else the newest year with items."""
    years = set(session.scalars(select(RencanaAksi.year).distinct()))
    if not years:
        return None
    return today.year if today.year in years else max(years)


def load_progress(
    session: Session,
    *,
    today: date,
    year: int,
    satker_ids: Sequence[int] | None = None,
) -> list[SatkerProgress]:
    """Completion of every satker (or of ``satker_ids``) with targets in ``year``, per area."""
    overdue = and_(Target.status != DONE, RencanaAksi.tenggat < today)
    query = (
        select(
            Target.satker_id,
            RencanaAksi.area_id,
            func.count(),
            func.sum(case((Target.status == DONE, 1), else_=0)),
            func.sum(case((Target.status == ItemStatus.PROSES, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
            func.sum(case((verified_condition(), 1), else_=0)),
            func.sum(case((waiting_condition(), 1), else_=0)),
        )
        .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        .where(RencanaAksi.year == year)
        .group_by(Target.satker_id, RencanaAksi.area_id)
    )
    if satker_ids is not None:
        query = query.where(Target.satker_id.in_(satker_ids))
    counts: dict[int, dict[int, tuple[int, int, int, int, int, int]]] = {}
    for satker_id, area_id, total, *sums in session.execute(query):
        done, in_progress, late, verified, waiting = (int(n or 0) for n in sums)
        counts.setdefault(satker_id, {})[area_id] = (
            total, done, in_progress, late, verified, waiting
        )  # fmt: skip
    if not counts:
        return []
    areas = list(session.scalars(select(Area).order_by(Area.position)))
    satkers = session.scalars(select(Satker).where(Satker.id.in_(counts.keys())))
    result = []
    for satker in satkers:
        per_area = counts[satker.id]
        result.append(
            SatkerProgress(
                satker.code,
                satker.name,
                satker.level,
                tuple(
                    AreaProgress(a.code, a.name, *per_area.get(a.id, (0, 0, 0, 0, 0, 0)))
                    for a in areas
                ),
            )
        )
    return result


def load_ranking(session: Session, *, today: date, year: int) -> list[SatkerProgress]:
    """Every satker ranked, with totals only (one summary "area"): the province's /progres.

    When the database holds one plan year (the usual case), two index-only aggregates do it,
    several times faster than the per-area query; otherwise the per-area query is summed.
    """
    years = set(session.scalars(select(RencanaAksi.year).distinct()))
    if years != {year}:
        return rank(_summarised(load_progress(session, today=today, year=year)))
    counts: dict[int, list[int]] = {}
    for satker_id, status, number in session.execute(
        select(Target.satker_id, Target.status, func.count()).group_by(
            Target.satker_id, Target.status
        )
    ):
        row = counts.setdefault(satker_id, [0, 0, 0])
        row[0] += number
        row[1] += number if status == DONE else 0
        row[2] += number if status == ItemStatus.PROSES else 0
    if not counts:
        return []
    late_items = select(RencanaAksi.id).where(RencanaAksi.year == year, RencanaAksi.tenggat < today)
    late = {
        satker_id: number
        for satker_id, number in session.execute(
            select(Target.satker_id, func.count())
            .where(Target.item_id.in_(late_items), Target.status != DONE)
            .group_by(Target.satker_id)
        )
    }
    reviewed = {
        satker_id: (int(verified or 0), int(waiting or 0))
        for satker_id, verified, waiting in session.execute(
            select(
                Target.satker_id,
                func.sum(case((verified_condition(), 1), else_=0)),
                func.sum(case((waiting_condition(), 1), else_=0)),
            )
            .where(Target.status == DONE)
            .group_by(Target.satker_id)
        )
    }
    satkers = session.scalars(select(Satker).where(Satker.id.in_(counts.keys())))
    return rank(
        SatkerProgress(
            s.code,
            s.name,
            s.level,
            (
                AreaProgress(
                    "", "", *_totals(counts[s.id]), late.get(s.id, 0), *reviewed.get(s.id, (0, 0))
                ),
            ),
        )
        for s in satkers
    )


def _totals(row: list[int]) -> tuple[int, int, int]:
    return row[0], row[1], row[2]


def _summarised(progress: list[SatkerProgress]) -> list[SatkerProgress]:
    return [
        SatkerProgress(
            p.satker_code,
            p.satker_name,
            p.level,
            (
                AreaProgress(
                    "",
                    "",
                    p.total,
                    p.done,
                    sum(a.in_progress for a in p.areas),
                    p.overdue,
                    p.verified,
                    p.waiting,
                ),
            ),
        )
        for p in progress
    ]


def load_target_lines(session: Session, *, satker_id: int, year: int) -> list[TargetLine]:
    """Every target of one satker in ``year``, in area and item order."""
    review = BuktiDukung.review_status
    evidence = (
        select(
            BuktiDukung.target_id,
            func.count().label("n"),
            func.sum(case((review == ReviewStatus.MENUNGGU.value, 1), else_=0)).label("waiting"),
            func.sum(case((review == ReviewStatus.DITERIMA.value, 1), else_=0)).label("accepted"),
        )
        .group_by(BuktiDukung.target_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Target.id,
            RencanaAksi.code,
            Area.code,
            RencanaAksi.activity,
            RencanaAksi.bukti_dukung,
            RencanaAksi.tenggat,
            Target.status,
            Target.note,
            Target.updated_at,
            func.coalesce(evidence.c.n, 0),
            func.coalesce(evidence.c.waiting, 0),
            func.coalesce(evidence.c.accepted, 0),
        )
        .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        .join(Area, Area.id == RencanaAksi.area_id)
        .outerjoin(evidence, evidence.c.target_id == Target.id)
        .where(Target.satker_id == satker_id, RencanaAksi.year == year)
        .order_by(Area.position, RencanaAksi.code)
    )
    return [TargetLine(*row) for row in rows]


PROGRESS_COUNTER = "progress"


def bump_version(session: Session) -> None:
    """Mark the progress data as changed (in the caller's unit of work)."""
    session.execute(
        update(Counter).where(Counter.name == PROGRESS_COUNTER).values(value=Counter.value + 1)
    )


def data_version(session: Session) -> int:
    """The current version number of the progress data."""
    return int(session.scalar(select(Counter.value).where(Counter.name == PROGRESS_COUNTER)) or 0)


class RankingCache:
    """The full ranking, recomputed only when the data version or the day changes.

    The database stays the truth: every read checks the version row, which every write to
    targets, items or satkers bumps in its own transaction, whichever process made it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, date, int] | None = None
        self._value: list[SatkerProgress] = []

    def ranking(self, session: Session, *, today: date, year: int) -> list[SatkerProgress]:
        """Every satker ranked for ``year`` as of ``today``."""
        key = (year, today, data_version(session))
        with self._lock:
            if key == self._key:
                return self._value
        value = load_ranking(session, today=today, year=year)
        with self._lock:
            self._key, self._value = key, value
        return value
