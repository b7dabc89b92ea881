"""``zibot lke ...``: the LKE worksheet, hasil inputs, item links, projection and report.

A Typer sub-app of its own, added to ``bot.cli`` with one line. Heavy modules (openpyxl) are
imported inside the commands that need them.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from services import texts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.runtime import Runtime


def _find_satker(session: Session, query: str) -> Any:
    """``catalog.find_satker``, imported when a command runs (it loads SQLAlchemy)."""
    from services import catalog

    return catalog.find_satker(session, query)


def _cli() -> ModuleType:
    """``bot.cli`` at call time: it imports this module while it is being built."""
    from bot import cli

    return cli


lke_app = typer.Typer(help=texts.CLI_LKE_HELP, no_args_is_help=True)


@lke_app.command("load")
def lke_load(
    file: Annotated[Path | None, typer.Argument(help=texts.CLI_LKE_FILE_HELP)] = None,
) -> None:
    """Muat dan periksa lembar kerja LKE sebagai versi baru (berkas yang sama dimuat sekali)."""
    from services.lke.assessment import load_worksheet

    cli = _cli()
    with cli._runtime() as runtime, runtime.sessions.begin() as session:
        result = load_worksheet(session, file, now=runtime.clock(), actor="cli")
    template = texts.LKE_LOADED if result.created else texts.LKE_LOADED_ALREADY
    cli.err.print(
        template.format(
            label=result.label, id=result.version_id, questions=result.questions,
            sha=result.sha256[:12],
        ),
        highlight=False,
    )  # fmt: skip


def _year(session: Session, runtime: Runtime, year: int | None) -> int:
    from services.lke.assessment import lke_year
    from services.progress import local_today

    return year or lke_year(session, local_today(runtime.clock(), runtime.settings.timezone))


@lke_app.command("soal")
def lke_soal(
    query: Annotated[str | None, typer.Argument(help=texts.CLI_LKE_SOAL_HELP)] = None,
) -> None:
    """Tampilkan pertanyaan LKE: daftar per area, atau satu pertanyaan dengan kriterianya."""
    from services.lke.assessment import latest_version, worksheet_of
    from services.lke.render import area_question_lines, question_lines

    cli = _cli()
    with cli._runtime() as runtime, runtime.sessions() as session:
        ws = worksheet_of(latest_version(session))
    wanted = (query or "").strip()
    areas = {a.code for a in ws.areas}
    question = ws.find_question(wanted) if wanted else None
    if question is not None:
        lines = question_lines(ws, question)
    elif not wanted or wanted.upper() in areas:
        lines = area_question_lines(ws, wanted.upper() or None)
    else:
        cli.fail(texts.LKE_SOAL_UNKNOWN.format(query=wanted, label=ws.label))
    for line in lines:
        cli.out.print(line, highlight=False)


@lke_app.command("hasil")
def lke_hasil(
    satker: Annotated[str, typer.Option("--satker", help=texts.CLI_SATKER_CODE_HELP)],
    ipak: Annotated[str | None, typer.Option("--ipak", help=texts.CLI_LKE_IPAK_HELP)] = None,
    ipkp: Annotated[str | None, typer.Option("--ipkp", help=texts.CLI_LKE_IPKP_HELP)] = None,
    capaian: Annotated[
        str | None, typer.Option("--capaian", help=texts.CLI_LKE_CAPAIAN_HELP)
    ] = None,
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
) -> None:
    """Isi nilai hasil satker: IPAK dan IPKP (indeks 0–4), capaian kinerja (A–E)."""
    from services.lke.assessment import record_hasil
    from services.lke.render import angka

    cli = _cli()
    given = {"ipak": ipak, "ipkp": ipkp, "capaian": capaian}
    values = {texts.LKE_HASIL_CLI_CODES[k]: v for k, v in given.items() if v is not None}
    with cli._runtime() as runtime, runtime.sessions.begin() as session:
        target = _find_satker(session, satker)
        wanted = _year(session, runtime, year)
        saved = record_hasil(
            session, satker=target, year=wanted, values=values, now=runtime.clock(), actor="cli"
        )
        name = target.name
    shown = ", ".join(
        f"{code} {angka(v) if isinstance(v, float) else v}" for code, v in saved.items()
    )
    cli.err.print(
        texts.LKE_HASIL_DONE.format(satker=name, year=wanted, values=shown), highlight=False
    )


@lke_app.command("jawab")
def lke_jawab(
    satker: Annotated[str, typer.Option("--satker", help=texts.CLI_SATKER_CODE_HELP)],
    question: Annotated[str, typer.Argument(help=texts.CLI_LKE_QUESTION_HELP)],
    values: Annotated[list[str], typer.Argument(help=texts.CLI_LKE_VALUES_HELP)],
    bukti: Annotated[
        list[int] | None, typer.Option("--bukti", help=texts.CLI_LKE_BUKTI_HELP)
    ] = None,
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
) -> None:
    """Catat jawaban satker atas satu pertanyaan LKE (pilihan, atau a=.. b=.. untuk persen)."""
    from services.lke.assessment import record_answer
    from services.lke.render import angka

    cli = _cli()
    pairs = [v.split("=", 1) for v in values if "=" in v]
    with cli._runtime() as runtime, runtime.sessions.begin() as session:
        target = _find_satker(session, satker)
        wanted = _year(session, runtime, year)
        result = record_answer(
            session, satker=target, year=wanted, question=question, now=runtime.clock(),
            actor="cli", choice=None if pairs else " ".join(values),
            inputs={k: v for k, v in pairs} if pairs else None, evidence_ids=bukti or [],
        )  # fmt: skip
        name = target.name
    given = result.choice or ", ".join(f"{k}={v:g}" for k, v in (result.inputs or {}).items())
    score = "-" if result.score is None else angka(result.score)
    cli.err.print(
        texts.LKE_ANSWERED.format(
            satker=name, year=wanted, question=result.question, answer=given, score=score
        ),
        highlight=False,
    )


@lke_app.command("link")
def lke_link(
    item: Annotated[str, typer.Argument(help=texts.CLI_LKE_ITEM_HELP)],
    question: Annotated[str, typer.Argument(help=texts.CLI_LKE_QUESTION_HELP)],
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
) -> None:
    """Kaitkan item rencana aksi dengan pertanyaan LKE yang dilayaninya."""
    from services.lke.assessment import link_item

    cli = _cli()
    with cli._runtime() as runtime, runtime.sessions.begin() as session:
        result = link_item(
            session, item=item, question=question, year=_year(session, runtime, year),
            now=runtime.clock(), actor="cli",
        )  # fmt: skip
    template = texts.LKE_LINKED if result.created else texts.LKE_LINKED_ALREADY
    cli.err.print(
        template.format(item=result.item_code, year=result.year, question=result.question),
        highlight=False,
    )


@lke_app.command("nilai")
def lke_nilai(
    satker: Annotated[str | None, typer.Option("--satker", help=texts.CLI_SATKER_HELP_ONE)] = None,
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
) -> None:
    """Proyeksi nilai LKE satu satker, atau semua satker berperingkat dan minimum yang terlewat."""
    from services.lke.assessment import load_satker, ranking
    from services.lke.render import angka, projection_lines

    cli = _cli()
    with cli._runtime() as runtime, runtime.sessions() as session:
        wanted = _year(session, runtime, year)
        if satker is not None:
            state = load_satker(session, _find_satker(session, satker), wanted)
            for text_line in projection_lines(state):
                cli.out.print(text_line, highlight=False)
            return
        ranked = ranking(session, wanted)
    table = Table(title=texts.LKE_RANK_TITLE.format(year=wanted), title_justify="left")
    for title in texts.LKE_RANK_COLUMNS:
        table.add_column(title)
    for n, line in enumerate(ranked, start=1):
        table.add_row(
            str(n), line.code, line.name, angka(line.total),
            str(line.missed.get("wbk", "-")), str(line.missed.get("wbbm", "-")),
            str(line.unanswered),
        )  # fmt: skip
    cli.out.print(table)
    cli.out.print(texts.LKE_RANK_FOOT, highlight=False)


@lke_app.command("report")
def lke_report(
    file: Annotated[Path, typer.Argument(help=texts.CLI_LKE_REPORT_HELP)],
    satker: Annotated[str | None, typer.Option("--satker", help=texts.CLI_SATKER_HELP_ONE)] = None,
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
) -> None:
    """Tulis buku kerja LKE (ringkasan, lembar kerja per pertanyaan, grafik) ke XLSX."""
    from services.lke.report import write_report

    cli = _cli()
    if file.suffix.lower() != ".xlsx":
        cli.fail(texts.EXPORT_NEEDS_XLSX)
    with cli._runtime() as runtime, runtime.sessions() as session:
        wanted = _year(session, runtime, year)
        chosen = _find_satker(session, satker) if satker else None
        try:
            count = write_report(session, file, year=wanted, satker=chosen)
        except OSError as exc:
            cli.fail(texts.FILE_UNWRITABLE.format(path=file, reason=exc.strerror or exc))
    cli.err.print(
        texts.LKE_REPORT_DONE.format(path=file, count=count, year=wanted), highlight=False
    )
