"""``zibot bukti-pack``: one satker's evidence pack for the assessors, streamed to a ZIP.

Added to ``bot.cli`` with one line; heavy modules are imported when the command runs.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from services import texts


def bukti_pack(
    file: Annotated[Path, typer.Argument(help=texts.CLI_PACK_FILE_HELP)],
    satker: Annotated[str, typer.Option("--satker", help=texts.CLI_SATKER_CODE_HELP)],
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
) -> None:
    """Tulis paket bukti dukung satu satker (ZIP dengan index.xlsx dan index.html)."""
    from bot import cli
    from services import catalog, evidence_pack
    from services.progress import active_year, local_today

    if file.suffix.lower() != ".zip":
        cli.fail(texts.CLI_PACK_NEEDS_ZIP)
    started = time.monotonic()
    with cli._runtime() as runtime:
        settings = runtime.settings
        with runtime.sessions() as session:
            chosen = catalog.find_satker(session, satker)
            plan_year = year or active_year(
                session, local_today(runtime.clock(), settings.timezone)
            )
            if plan_year is None:
                cli.fail(texts.PLAN_EMPTY)
            plan = evidence_pack.collect(session, chosen, plan_year, tz=settings.timezone)
        built_at = runtime.clock().astimezone(settings.timezone)
        try:
            result = evidence_pack.write_pack(plan, settings.evidence_dir, file, built_at=built_at)
        except OSError as exc:
            cli.fail(texts.FILE_UNWRITABLE.format(path=file, reason=exc.strerror or exc))
    cli.out.print(
        texts.CLI_PACK_DONE.format(
            path=file, satker=plan.satker_name, year=plan.year, items=result.items,
            packed=result.packed, size_mb=f"{file.stat().st_size / 1024 / 1024:.1f}",
            seconds=time.monotonic() - started,
        ),
        highlight=False,
    )  # fmt: skip
    if result.missing or result.changed:
        cli.err.print(
            texts.CLI_PACK_PROBLEMS.format(missing=result.missing, changed=result.changed),
            highlight=False,
        )
