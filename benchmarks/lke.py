"""LKE projection at national scale: 552 satkers with every question answered.

Times the ranking behind `zibot lke nilai` (and the province group's `/progres nilai`), one
satker's projection, and `zibot lke report` for every satker.

    python benchmarks/lke.py                    # SQLite in a temporary folder
    python benchmarks/lke.py --database-url postgresql+psycopg://postgres@127.0.0.1/test

Targets on the 2-core machine: ranking < 1.5 s, one satker < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text

from benchmarks.national import reset_postgres, write_plan, write_satkers
from models import (
    LkeAnswer,
    LkeAssessment,
    RencanaAksi,
    Satker,
    make_engine,
    make_session_factory,
)
from models.db import upgrade_schema
from services import catalog
from services.importer import import_plan
from services.lke import assessment as lke
from services.lke.report import write_report

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def build(url: str, folder: Path) -> None:
    engine = make_engine(url)
    upgrade_schema(engine)
    sessions = make_session_factory(engine)
    write_satkers(folder / "satker.csv")
    write_plan(folder / "plan.csv", 2026)
    rng = random.Random(13)
    with sessions.begin() as session:
        catalog.seed_areas(session)
        catalog.upsert_satkers(session, catalog.read_satker_file(folder / "satker.csv"))
        import_plan(session, folder / "plan.csv", year=2026, now=NOW, actor="bench")
        version = lke.load_worksheet(session, None, now=NOW, actor="bench")
        ws = lke.worksheet_of(lke.latest_version(session))
        codes = list(session.scalars(select(RencanaAksi.code).where(RencanaAksi.year == 2026)))
        for index, question in enumerate(q for q in ws.questions.values() if q.scale == "ya_tidak"):
            lke.link_item(
                session, item=codes[index], question=question.code, year=2026, now=NOW, actor="b"
            )
        satkers = session.scalars(select(Satker).where(Satker.level != "pusat")).all()
        for satker in satkers:
            assessment = LkeAssessment(
                satker_id=satker.id, year=2026, version_id=version.version_id, created_at=NOW
            )
            session.add(assessment)
            session.flush()
            for q in ws.questions.values():
                if q.scale == "persen":
                    inputs = {i.code: float(rng.randint(0, 10)) for i in q.inputs}
                    row = LkeAnswer(question=q.code, inputs=json.dumps(inputs))
                else:
                    row = LkeAnswer(question=q.code, choice=rng.choice(list(ws.scales[q.scale])))
                row.assessment_id, row.answered_by, row.answered_at = assessment.id, "b", NOW
                session.add(row)
            hasil = {"ipak": rng.uniform(3, 4), "ipkp": rng.uniform(3, 4), "capaian_kinerja": "B"}
            lke.record_hasil(session, satker=satker, year=2026, values=hasil, now=NOW, actor="b")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite:///{folder / 'lke.db'}"
        if args.database_url:
            reset_postgres(url)
        started = time.perf_counter()
        build(url, folder)
        print(f"build: {time.perf_counter() - started:.1f} s")
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        with sessions() as session:
            answers = session.scalar(text("SELECT count(*) FROM lke_answer"))
            timings = []
            for _ in range(args.runs):
                started = time.perf_counter()
                ranked = lke.ranking(session, 2026)
                timings.append(time.perf_counter() - started)
            print(
                f"ranking {len(ranked)} satkers ({answers} answers): median "
                f"{statistics.median(timings) * 1000:.0f} ms (target < 1500 ms)"
            )
            one = catalog.find_satker(session, ranked[0].code)
            timings = []
            for _ in range(args.runs * 4):
                started = time.perf_counter()
                lke.load_satker(session, one, 2026)
                timings.append(time.perf_counter() - started)
            print(f"one satker: median {statistics.median(timings) * 1000:.1f} ms (target < 50 ms)")
            started = time.perf_counter()
            write_report(session, folder / "lke.xlsx", year=2026, satker=None)
            print(f"report, every satker: {time.perf_counter() - started:.1f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
