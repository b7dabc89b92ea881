"""How long a ``zibot`` command takes to start: ``--help``, ``--version`` and ``progress``.

Builds the demo database (``zibot demo``) in a temporary folder, then runs each command as a
fresh process several times and prints the median wall time (and the CPU time the process
used, which a busy machine inflates less) against the target.

    python benchmarks/startup.py            # 7 runs each
    python benchmarks/startup.py --runs 15

Target: median <= 0.5 s for ``zibot --help`` and ``zibot progress`` on the demo database.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.5
COMMANDS = (("--help",), ("--version",), ("progress",))


def zibot() -> str:
    """The ``zibot`` console script beside this interpreter."""
    candidate = Path(sys.executable).with_name("zibot")
    if not candidate.exists():
        sys.exit("the zibot console script is not installed: pip install -e .")
    return str(candidate)


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} exited with {done.returncode}: {done.stderr.strip()}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    executable = zibot()
    with tempfile.TemporaryDirectory(prefix="zibot-startup-") as folder:
        home = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZIBOT_")}
        # As installed: compiled modules are cached (__pycache__), not compiled on every start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["ZIBOT_DATABASE_URL"] = f"sqlite:///{home / 'zibot-demo.db'}"
        subprocess.run(
            [executable, "demo"], cwd=home, env=env, check=True, stdout=subprocess.DEVNULL
        )
        print(f"{'command':<18} {'median wall':>12} {'median CPU':>11}  target {TARGET:.1f} s")
        for command in COMMANDS:
            args = [executable, *command]
            timed(args, home, env)  # warm the file cache
            runs = [timed(args, home, env) for _ in range(options.runs)]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            verdict = "ok" if wall <= TARGET else "SLOWER"
            name = "zibot " + " ".join(command)
            print(f"{name:<18} {wall:>10.3f} s {cpu:>9.3f} s  {verdict}")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
