"""The fast ranking query agrees with the per-area one, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import RencanaAksi, Target
from services import catalog
from services.importer import import_plan
from services.progress import load_progress, load_ranking, rank

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def totals(ranking: list) -> list[tuple[str, int, int, int, float]]:
    return [(p.satker_code, p.total, p.done, p.overdue, round(p.percent, 6)) for p in ranking]


def test_fast_ranking_matches_the_per_area_ranking(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=NOW, actor="test")
        targets = list(session.scalars(select(Target).order_by(Target.id)))
        for index, target in enumerate(targets):  # a varied, repeatable mix of statuses
            target.status = ("selesai", "proses", "belum")[index * 7 % 3 if index % 5 else 0]
    with sessions() as session:
        fast = load_ranking(session, today=TODAY, year=2026)
        slow = rank(load_progress(session, today=TODAY, year=2026))
    assert totals(fast) == totals(slow)
    assert {p.overdue for p in fast} != {0}  # the sample has overdue items on this day


def test_with_two_plan_years_only_the_asked_year_counts(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=2026, now=NOW, actor="test")
        import_plan(session, catalog.sample_plan_path(), year=2027, now=NOW, actor="test")
        items_2027 = select(RencanaAksi.id).where(RencanaAksi.year == 2027)
        for target in session.scalars(select(Target).where(Target.item_id.in_(items_2027))):
            target.status = "selesai"
    with sessions() as session:
        fast = load_ranking(session, today=TODAY, year=2026)
        slow = rank(load_progress(session, today=TODAY, year=2026))
    assert totals(fast) == totals(slow)
    assert all(p.done == 0 for p in fast)
