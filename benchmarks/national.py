"""National-scale benchmark: 553 satkers x 120 items (about 66,000 targets).

Times `zibot import` (wall time and peak memory of the real command) and the full ranking
(`load_progress` + `rank`, the query behind `zibot progress` and `/progres` in the province group).

    python benchmarks/national.py                         # SQLite in a temporary folder
    python benchmarks/national.py --database-url postgresql+psycopg://postgres@127.0.0.1/test

Targets on the 2-core machine: import < 15 s, ranking < 300 ms, peak memory < 250 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROVINCES = (
    "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 71 72 73 74 75 76 "
    "81 82 91 92 93 94 95 96"
).split()
AREAS = ("MP", "TL", "SDM", "AK", "PW", "PP")
KABKOTA = 514
ITEMS = 120


def write_satkers(path: Path) -> int:
    """KPU RI, 38 provinces and 514 kab/kota, parents included."""
    rows = [("00", "KPU Republik Indonesia", "pusat", "")]
    for code in PROVINCES:
        rows.append((code, f"KPU Provinsi {code}", "provinsi", "00"))
    for index in range(KABKOTA):
        province = PROVINCES[index % len(PROVINCES)]
        number = index // len(PROVINCES) + 1
        rows.append(
            (
                f"{province}{number:02d}",
                f"KPU Kabupaten {province}.{number:02d}",
                "kabkota",
                province,
            )
        )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("kode", "nama", "level", "induk"))
        writer.writerows(rows)
    return len(rows)


def write_plan(path: Path, year: int) -> None:
    """A 120-item plan, 20 per area, tenggat spread over the year."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("kode", "area", "kegiatan", "bukti_dukung", "tenggat", "berlaku_untuk"))
        for index in range(ITEMS):
            area = AREAS[index % len(AREAS)]
            number = index // len(AREAS) + 1
            month = index % 12 + 1
            writer.writerow(
                (f"{area}-{number:02d}", area, f"Kegiatan {area} nomor {number}",
                 f"Bukti dukung {area}-{number:02d}", date(year, month, 28).isoformat(), "semua")
            )  # fmt: skip


def run_zibot(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Run a zibot command; return (wall seconds, peak RSS in MB)."""
    zibot = shutil.which("zibot") or str(Path(sys.executable).with_name("zibot"))
    start = time.perf_counter()
    process = subprocess.Popen([zibot, *args], env=env, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"zibot {' '.join(args)} failed with {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def time_ranking(database_url: str, runs: int) -> list[float]:
    """Time the full ranking in-process, as the bot runs it."""
    from bot.runtime import Runtime
    from bot.settings import Settings
    from services.progress import load_progress, rank

    runtime = Runtime.create(Settings.from_mapping({"ZIBOT_DATABASE_URL": database_url}))
    today = date(2026, 11, 27)
    timings = []
    with runtime.sessions() as session:
        for _ in range(runs + 2):
            start = time.perf_counter()
            ranking = rank(load_progress(session, today=today, year=2026))
            timings.append(time.perf_counter() - start)
            session.expire_all()
    assert len(ranking) == 553, len(ranking)
    runtime.engine.dispose()
    return timings[2:]


def reset_postgres(url: str) -> None:
    """Empty the public schema of a scratch PostgreSQL database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    """Generate the national data set, import it and time the ranking."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="a scratch database (PostgreSQL is emptied!)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = args.database_url or f"sqlite:///{work / 'national.db'}"
        if url.startswith("postgresql"):
            reset_postgres(url)
        satkers = write_satkers(work / "satker.csv")
        write_plan(work / "plan.csv", 2026)
        env = {**os.environ, "ZIBOT_DATABASE_URL": url}
        run_zibot(["init", "--seed", str(work / "satker.csv")], env, work)
        wall, peak = run_zibot(["import", str(work / "plan.csv"), "--year", "2026"], env, work)
        again, _ = run_zibot(["import", str(work / "plan.csv"), "--year", "2026"], env, work)
        timings = time_ranking(url, args.runs)
        backend = url.split(":", 1)[0]
        print(f"backend: {backend}; satkers: {satkers}; items: {ITEMS}; targets: {satkers * ITEMS}")
        print(
            f"zibot import (first): {wall:.2f} s, peak RSS {peak:.0f} MB (target < 15 s, < 250 MB)"
        )
        print(f"zibot import (again, unchanged): {again:.2f} s")
        print(
            f"full ranking: median {statistics.median(timings) * 1000:.1f} ms, "
            f"max {max(timings) * 1000:.1f} ms over {len(timings)} runs (target < 300 ms)"
        )


if __name__ == "__main__":
    main()
