"""Packing a large evidence folder streams to the ZIP: ``zibot bukti-pack`` over 500 files of
2 GiB together, its peak memory (RSS) and time.

In a temporary folder: a SQLite database with the Bali satkers and the sample plan, and 500
evidence files of KPU Kabupaten Badung (5103) spread over its items, 1-8 MiB each, 2 GiB in all
(random bytes at the start and end of each file, a sparse hole between: quick to make, and read
back in full by the pack like any file). Then ``zibot bukti-pack`` runs as a child process; its
peak RSS comes from ``getrusage(RUSAGE_CHILDREN)``. The ZIP is checked afterwards (entries,
sizes; ``--verify`` also reads every entry back against its CRC-32).

    python benchmarks/bukti_pack.py               # 500 files, 2 GiB
    python benchmarks/bukti_pack.py --files 50 --total-mib 200
    python benchmarks/bukti_pack.py --zip64       # plus one sparse file of 4.1 GiB (ZIP64)
    python benchmarks/bukti_pack.py --random      # random bytes throughout (slower to make)

Target: peak RSS of the packing process under 250 MB, whatever the evidence adds up to.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

TARGET_RSS_MB = 250
CHUNK = 1024 * 1024
EDGE = 64 * 1024  # random bytes at each end of a sparse file
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def zibot() -> str:
    """The ``zibot`` console script beside this interpreter."""
    candidate = Path(sys.executable).with_name("zibot")
    if not candidate.exists():
        sys.exit("the zibot console script is not installed: pip install -e .")
    return str(candidate)


def sizes(count: int, total: int, rng: random.Random) -> list[int]:
    """``count`` file sizes between 1 and 8 MiB (before scaling) adding up to ``total``."""
    raw = [rng.uniform(1, 8) for _ in range(count)]
    scale = total / sum(raw)
    out = [max(int(r * scale), 2 * EDGE) for r in raw]
    out[-1] += total - sum(out)
    return out


def make_file(path: Path, size: int, rng: random.Random, dense: bool) -> str:
    """Write a file of ``size`` bytes; its SHA-256 (computed as it is written)."""
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        if dense:
            left = size
            while left:
                chunk = rng.randbytes(min(CHUNK, left))
                handle.write(chunk)
                digest.update(chunk)
                left -= len(chunk)
            return digest.hexdigest()
        head, tail = rng.randbytes(EDGE), rng.randbytes(EDGE)
        handle.write(head)
        handle.seek(size - EDGE)
        handle.write(tail)
    digest.update(head)
    hole = size - 2 * EDGE
    zeros = bytes(CHUNK)
    while hole:
        step = min(CHUNK, hole)
        digest.update(zeros[:step])
        hole -= step
    digest.update(tail)
    return digest.hexdigest()


def prepare(home: Path, count: int, total: int, dense: bool, zip64: bool) -> tuple[str, int]:
    """The database and the evidence files; (database URL, bytes of evidence)."""
    from sqlalchemy import select

    from models import (
        BuktiDukung,
        RencanaAksi,
        Satker,
        Target,
        make_engine,
        make_session_factory,
        upgrade_schema,
    )
    from services import catalog
    from services.evidence import safe_name
    from services.importer import import_plan

    url = f"sqlite:///{home / 'zibot.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    sessions = make_session_factory(engine)
    evidence_dir = home / "bukti"
    rng = random.Random(2026)
    plan = sizes(count, total, rng)
    if zip64:
        plan.append(4 * 1024**3 + 100 * 1024**2)
    with sessions.begin() as session:
        catalog.seed(session, "bali")
        import_plan(session, catalog.sample_plan_path(), year=None, now=NOW, actor="bench")
        targets = list(
            session.scalars(
                select(Target)
                .join(Satker, Satker.id == Target.satker_id)
                .join(RencanaAksi, RencanaAksi.id == Target.item_id)
                .where(Satker.code == "5103")
            )
        )
        for number, size in enumerate(plan):
            target = targets[number % len(targets)]
            item = target.item
            folder = evidence_dir / "2026" / "5103" / item.area.code / item.code
            folder.mkdir(parents=True, exist_ok=True)
            name = safe_name(f"bukti {number:03d} {item.code}.pdf")
            sha = make_file(folder / name, size, rng, dense)
            session.add(
                BuktiDukung(
                    target_id=target.id,
                    path=(folder / name).relative_to(evidence_dir).as_posix(),
                    original_name=name,
                    size=size,
                    mime_type="application/pdf",
                    sha256=sha,
                    channel="telegram",
                    created_at=NOW,
                )
            )
    engine.dispose()
    return url, sum(plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--total-mib", type=int, default=2048)
    parser.add_argument("--random", action="store_true", help="random bytes throughout")
    parser.add_argument("--zip64", action="store_true", help="add one file of 4.1 GiB")
    parser.add_argument("--verify", action="store_true", help="read every entry back (CRC-32)")
    options = parser.parse_args()
    executable = zibot()
    with tempfile.TemporaryDirectory(prefix="zibot-pack-bench-") as folder:
        home = Path(folder)
        started = time.perf_counter()
        url, total = prepare(
            home, options.files, options.total_mib * 1024**2, options.random, options.zip64
        )
        print(
            f"prepared {options.files + options.zip64} files, {total / 1024**3:.2f} GiB "
            f"in {time.perf_counter() - started:.1f} s"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZIBOT_")}
        env.update(
            ZIBOT_DATABASE_URL=url,
            ZIBOT_EVIDENCE_DIR=str(home / "bukti"),
            ZIBOT_CLOCK_FILE=str(home / "clock"),
        )
        (home / "clock").write_text(NOW.isoformat(), encoding="utf-8")
        out = home / "pack.zip"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [executable, "bukti-pack", "--satker", "5103", str(out)],
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"zibot bukti-pack exited with {done.returncode}: {done.stderr.strip()}")
        rss_mb = after.ru_maxrss / 1024  # kilobytes on Linux
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(done.stdout.strip())
        size = out.stat().st_size
        print(
            f"bukti-pack: {wall:.1f} s wall, {cpu:.1f} s CPU, {total / 1024**2 / wall:.0f} MiB/s; "
            f"ZIP {size / 1024**3:.2f} GiB"
        )
        with zipfile.ZipFile(out) as archive:
            infos = archive.infolist()
            files = [i for i in infos if not i.filename.startswith("index.")]
            assert len(files) == options.files + options.zip64, len(files)
            assert sum(i.file_size for i in files) == total
            if options.verify:
                for info in files:  # zipfile checks each entry's CRC-32 at its end
                    with archive.open(info) as member:
                        while member.read(CHUNK):
                            pass
                print("verified: every entry reads back with its CRC-32")
        verdict = "OK" if rss_mb < TARGET_RSS_MB else "OVER TARGET"
        print(
            f"peak RSS of zibot bukti-pack: {rss_mb:.0f} MB "
            f"(target < {TARGET_RSS_MB} MB): {verdict}"
        )
        if rss_mb >= TARGET_RSS_MB:
            sys.exit(1)


if __name__ == "__main__":
    main()
