"""The ``zibot`` command line: what an admin does at a desk."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from bot.cli_lke import lke_app
from services import texts

# Heavy modules (SQLAlchemy, openpyxl, telegram, alembic, Babel, holidays) are imported in the
# commands that use them: `zibot --help` and `zibot progress` start in a fraction of a second.
if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from rich.table import Table
    from sqlalchemy.orm import Session

    from bot.runtime import Runtime
    from bot.settings import Settings
    from services.errors import ZibotError
    from services.progress import SatkerProgress
    from services.reminders import PreviewLine

app = typer.Typer(
    name="zibot",
    help=texts.CLI_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
satker_app = typer.Typer(help=texts.CLI_SATKER_HELP, no_args_is_help=True)
app.add_typer(satker_app, name="satker")
holiday_app = typer.Typer(help=texts.CLI_HOLIDAY_HELP, no_args_is_help=True)
app.add_typer(holiday_app, name="holiday")
kendala_app = typer.Typer(help=texts.CLI_KENDALA_HELP, no_args_is_help=True)
app.add_typer(kendala_app, name="kendala")
app.add_typer(lke_app, name="lke")


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        sys.stdout.write(f"zibot {version('zibot')}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help=texts.CLI_VERSION_HELP
        ),
    ] = False,
) -> None:
    pass


# markup=False: satker names, activities and kendala come from people and spreadsheets, and
# "[...]" in them must print as typed.
out = Console(soft_wrap=True, markup=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True, markup=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear line on standard error and stop with a non-zero exit code."""
    err.print(
        f"[bold red]{texts.CLI_ERROR_PREFIX}[/] {escape(message)}", markup=True, highlight=False
    )
    raise typer.Exit(code)


def _settings() -> Settings:
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc), code=2)


def _sqlite_file_missing(database_url: str) -> bool:
    """A SQLite URL whose file does not exist: connecting would create an empty one."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    name = url.database
    if url.get_backend_name() != "sqlite" or name in (None, "", ":memory:"):
        return False
    return not name.startswith("file:") and not Path(name).exists()


@contextmanager
def _runtime(*, need_schema: bool = True) -> Iterator[Runtime]:
    from sqlalchemy.exc import OperationalError

    from bot.runtime import Runtime
    from models.db import head_revision, schema_revision
    from services.errors import ZibotError

    settings = _settings()
    if need_schema and _sqlite_file_missing(settings.database_url):
        fail(texts.DB_NOT_INITIALISED)  # only init and demo create the database file
    runtime = Runtime.create(settings)
    try:
        if need_schema:
            revision = schema_revision(runtime.engine)
            if revision is None:
                fail(texts.DB_NOT_INITIALISED)
            if revision != head_revision():
                fail(texts.DB_OUTDATED)
        yield runtime
    except OperationalError as exc:
        fail(texts.DB_UNREACHABLE.format(reason=str(exc.orig).strip().splitlines()[0]))
    except ZibotError as exc:
        _report(exc)
    finally:
        runtime.engine.dispose()


def _report(exc: ZibotError) -> NoReturn:
    from services.errors import SpreadsheetRejected

    if isinstance(exc, SpreadsheetRejected):
        for problem in exc.problems:
            template = texts.ROW_PROBLEM if problem.column else texts.ROW_PROBLEM_NO_COLUMN
            err.print(template.format(**vars(problem)), markup=False, highlight=False)
    fail(str(exc))


@app.command()
def init(
    seed: Annotated[str, typer.Option(help=texts.CLI_INIT_SEED_HELP)] = "bali",
) -> None:
    """Buat atau perbarui skema basis data, lalu isi area perubahan dan satker bawaan."""
    from models.db import upgrade_schema
    from services import catalog

    with _runtime(need_schema=False) as runtime:
        migrated = upgrade_schema(runtime.engine)
        with runtime.sessions.begin() as session:
            result = catalog.seed(session, seed)
        if not migrated and not result.changed:
            out.print(texts.INIT_NOTHING_CHANGED, highlight=False)
            return
        out.print(
            texts.INIT_DONE.format(
                schema=texts.INIT_SCHEMA_UPGRADED if migrated else texts.INIT_SCHEMA_CURRENT,
                areas=result.areas_added,
                added=result.satkers_added,
                updated=result.satkers_updated,
            ),
            highlight=False,
        )


@satker_app.command("import")
def satker_import(
    file: Annotated[Path, typer.Argument(help=texts.CLI_FILE_HELP)],
) -> None:
    """Muat daftar satker (kode, nama, level, induk) dari CSV/XLSX."""
    from services import catalog

    with _runtime() as runtime, runtime.sessions.begin() as session:
        result = catalog.upsert_satkers(session, catalog.read_satker_file(file))
    out.print(
        texts.SATKER_IMPORTED.format(added=result.satkers_added, updated=result.satkers_updated),
        highlight=False,
    )


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help=texts.CLI_FILE_HELP)],
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=texts.CLI_DRY_RUN_HELP)] = False,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", metavar="ISIAN=KOLOM", help=texts.CLI_COLUMN_HELP),
    ] = None,
) -> None:
    """Impor rencana aksi dari CSV atau XLSX (seluruhnya, atau tidak sama sekali)."""
    from services.importer import import_plan, read_plan
    from services.plan_parser import parse_column_options
    from services.plan_reading import describe_plan

    try:
        columns = parse_column_options(column or [])
    except ValueError as exc:
        fail(str(exc))
    with _runtime() as runtime, runtime.sessions() as session:
        plan = read_plan(session, file, year=year, columns=columns)
        if dry_run:
            typer.echo(describe_plan(plan, file.name))
        report = import_plan(
            session,
            file,
            year=year,
            now=runtime.clock(),
            actor="cli",
            dry_run=dry_run,
            plan=plan,
        )
        if dry_run:
            session.rollback()
        else:
            session.commit()
    template = texts.IMPORT_DRY_RUN if dry_run else texts.IMPORT_DONE
    out.print(template.format(**vars(report), items=report.items), highlight=False)


@app.command()
def invite(
    satker: Annotated[str, typer.Option("--satker", help=texts.CLI_SATKER_CODE_HELP)],
    role: Annotated[str, typer.Option("--role", help=texts.CLI_ROLE_HELP)],
    count: Annotated[int, typer.Option("--count", help=texts.CLI_COUNT_HELP)] = 1,
    days: Annotated[int, typer.Option("--days", help=texts.CLI_DAYS_HELP)] = 14,
    structure: Annotated[
        str | None, typer.Option("--structure", help=texts.CLI_STRUCTURE_HELP)
    ] = None,
) -> None:
    """Cetak kode undangan sekali pakai, satu per baris."""
    from datetime import timedelta

    from services import catalog
    from services.formatting import tanggal
    from services.invites import bot_username, create_invites, deep_link
    from services.progress import local_today

    with _runtime() as runtime, runtime.sessions.begin() as session:
        now = runtime.clock()
        target = catalog.find_satker(session, satker)
        codes = create_invites(
            session,
            satker=target,
            role=role,
            count=count,
            days=days,
            now=now,
            actor="cli",
            structure=structure,
        )
        name = target.name
        username = bot_username(session, "telegram")
    for code in codes:
        # One code per line; the deep link, when the bot has run once, after whitespace.
        sys.stdout.write(f"{code}  {deep_link(username, code)}\n" if username else f"{code}\n")
    expires = tanggal(local_today(now + timedelta(days=days), runtime.settings.timezone))
    err.print(
        texts.INVITE_CREATED.format(count=len(codes), satker=name, role=role, expires=expires),
        highlight=False,
    )


@app.command()
def progress(
    satker: Annotated[str | None, typer.Option("--satker", help=texts.CLI_SATKER_HELP_ONE)] = None,
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
) -> None:
    """Tampilkan rekap kemajuan: semua satker berperingkat, atau butir satu satker."""
    from services import catalog
    from services.progress import active_year, load_progress, local_today, rank

    with _runtime() as runtime, runtime.sessions() as session:
        today = local_today(runtime.clock(), runtime.settings.timezone)
        plan_year = year or active_year(session, today)
        if plan_year is None:
            fail(texts.PLAN_EMPTY)
        if satker is None:
            _print_ranking(rank(load_progress(session, today=today, year=plan_year)), plan_year)
        else:
            _print_satker(session, catalog.find_satker(session, satker).id, today, plan_year)


def _print_ranking(ranking: list[SatkerProgress], year: int) -> None:
    from rich.table import Table

    from services.formatting import bar, persen

    if not ranking:
        fail(texts.PLAN_EMPTY_YEAR.format(year=year))
    table = Table(title=texts.PROGRESS_TITLE.format(year=year), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column(texts.EXPORT_COL_CODE)
    table.add_column(texts.EXPORT_COL_SATKER, no_wrap=True)
    table.add_column(texts.EXPORT_COL_TOTAL, justify="right")
    table.add_column("", no_wrap=True)
    for area in ranking[0].areas:
        table.add_column(area.area_code, justify="right")
    table.add_column(texts.EXPORT_COL_OVERDUE, justify="right")
    for position, item in enumerate(ranking, start=1):
        table.add_row(
            str(position),
            item.satker_code,
            item.satker_name,
            persen(item.percent),
            bar(item.percent),
            *(persen(a.percent) if a.total else "-" for a in item.areas),
            str(item.overdue),
        )
    out.print(table)


def _print_satker(session: Session, satker_id: int, today: date, year: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from services.formatting import persen, tanggal
    from services.progress import load_progress, load_target_lines

    found = load_progress(session, today=today, year=year, satker_ids=[satker_id])
    if not found:
        fail(texts.PLAN_EMPTY_YEAR.format(year=year))
    summary = found[0]
    out.print(
        texts.PROGRESS_SATKER_HEADLINE.format(
            name=summary.satker_name,
            code=summary.satker_code,
            year=year,
            percent=persen(summary.percent),
            done=summary.done,
            total=summary.total,
            overdue=summary.overdue,
        ),
        highlight=False,
    )
    table = Table()
    table.add_column(texts.EXPORT_COL_ITEM)
    table.add_column(texts.EXPORT_COL_ACTIVITY)
    table.add_column(texts.EXPORT_COL_TENGGAT, no_wrap=True)
    table.add_column(texts.EXPORT_COL_STATUS)
    table.add_column(texts.EXPORT_COL_LATE)
    for line in load_target_lines(session, satker_id=satker_id, year=year):
        late = line.overdue(today)
        table.add_row(
            line.item_code,
            line.activity,
            tanggal(line.tenggat),
            texts.STATUS_LABELS[line.status],
            Text(texts.YES, style="red") if late else texts.NO,
        )
    out.print(table)


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help=texts.CLI_EXPORT_FILE_HELP)],
    year: Annotated[int | None, typer.Option(help=texts.CLI_YEAR_HELP)] = None,
) -> None:
    """Ekspor rekap ke buku kerja XLSX (matriks satker x area dan rincian)."""
    from services.export import export_recap
    from services.progress import active_year, local_today

    if file.suffix.lower() != ".xlsx":
        fail(texts.EXPORT_NEEDS_XLSX)
    with _runtime() as runtime, runtime.sessions() as session:
        today = local_today(runtime.clock(), runtime.settings.timezone)
        plan_year = year or active_year(session, today)
        if plan_year is None:
            fail(texts.PLAN_EMPTY)
        try:
            count = export_recap(session, file, today=today, year=plan_year)
        except OSError as exc:
            fail(texts.FILE_UNWRITABLE.format(path=file, reason=exc.strerror or exc))
    out.print(texts.EXPORT_DONE.format(path=file, count=count, year=plan_year), highlight=False)


@app.command()
def demo(
    database: Annotated[Path, typer.Option(help=texts.CLI_DEMO_DB_HELP)] = Path("zibot-demo.db"),
) -> None:
    """Buat basis data contoh (satker Bali, rencana aksi contoh, sebagian kemajuan) dan rekapnya."""
    from dataclasses import replace

    from bot.runtime import Runtime
    from models.db import upgrade_schema
    from services import catalog
    from services.importer import import_plan
    from services.progress import load_progress, local_today, rank

    settings = replace(_settings(), database_url=f"sqlite:///{database}")
    database.unlink(missing_ok=True)
    runtime = Runtime.create(settings)
    try:
        upgrade_schema(runtime.engine)
        now = runtime.clock()
        today = local_today(now, settings.timezone)
        with runtime.sessions.begin() as session:
            catalog.seed(session, "bali")
            report = import_plan(
                session, catalog.sample_plan_path(), year=None, now=now, actor="demo"
            )
            _fake_progress(session, now)
        with runtime.sessions() as session:
            ranking = rank(load_progress(session, today=today, year=report.year))
        _print_ranking(ranking, report.year)
        out.print(texts.DEMO_DONE.format(path=database), highlight=False)
    finally:
        runtime.engine.dispose()


def _fake_progress(session: Session, now: datetime) -> None:
    """Mark a repeatable share of each satker's targets as proses or selesai."""
    import random

    from sqlalchemy import select

    from models import Target
    from services import events
    from services.status import ItemStatus

    rng = random.Random(2026)
    diligence: dict[int, float] = {}
    for target in session.scalars(select(Target).order_by(Target.id)):
        share = diligence.setdefault(target.satker_id, rng.uniform(0.3, 0.9))
        roll = rng.random()
        if roll < share:
            target.status, target.updated_at = ItemStatus.SELESAI.value, now
        elif roll < share + 0.1:
            target.status, target.updated_at = ItemStatus.PROSES.value, now
    events.publish(session, events.ProgressChanged())


@holiday_app.command("add")
def holiday_add(
    day: Annotated[str, typer.Argument(help=texts.CLI_HOLIDAY_DATE_HELP)],
    name: Annotated[str, typer.Argument(help=texts.CLI_HOLIDAY_NAME_HELP)],
) -> None:
    """Tambahkan hari libur (cuti bersama, Galungan, Kuningan ...) di luar libur nasional."""
    from services.calendar import add_day_off
    from services.formatting import tanggal

    when = _date(day)
    with _runtime() as runtime, runtime.sessions.begin() as session:
        added = add_day_off(session, day=when, name=name, now=runtime.clock(), actor="cli")
    template = texts.HOLIDAY_ADDED if added else texts.HOLIDAY_UPDATED
    out.print(template.format(day=tanggal(when), name=name.strip()), highlight=False)


@holiday_app.command("list")
def holiday_list(
    year: Annotated[int | None, typer.Option(help=texts.CLI_HOLIDAY_YEAR_HELP)] = None,
) -> None:
    """Tampilkan hari libur nasional dan tambahan setahun."""
    from rich.table import Table

    from services.calendar import days_off_between
    from services.progress import local_today

    with _runtime() as runtime, runtime.sessions() as session:
        wanted = year or local_today(runtime.clock(), runtime.settings.timezone).year
        days = days_off_between(session, date(wanted, 1, 1), date(wanted, 12, 31))
    if not days:
        out.print(texts.HOLIDAY_LIST_NONE.format(year=wanted), highlight=False)
        return
    table = Table(title=texts.HOLIDAY_LIST_TITLE.format(year=wanted), title_justify="left")
    table.add_column(texts.HOLIDAY_COL_DATE, no_wrap=True)
    table.add_column(texts.HOLIDAY_COL_NAME)
    table.add_column(texts.HOLIDAY_COL_SOURCE)
    for when, name, source in days:
        table.add_row(when.isoformat(), name, source)
    out.print(table)


@app.command()
def reminders(
    day: Annotated[str | None, typer.Option("--date", help=texts.CLI_REMINDERS_DATE_HELP)] = None,
    failed: Annotated[bool, typer.Option("--failed", help=texts.CLI_REMINDERS_FAILED_HELP)] = False,
) -> None:
    """Tampilkan pengingat yang akan dikirim pada suatu hari (tanpa mengirim), atau yang gagal."""
    from services.formatting import tanggal
    from services.progress import local_today
    from services.reminders import ReminderPolicy, preview_day

    with _runtime() as runtime, runtime.sessions() as session:
        settings = runtime.settings
        if failed:
            _print_failed(session, settings.timezone)
            return
        when = _date(day) if day else local_today(runtime.clock(), settings.timezone)
        policy = ReminderPolicy(
            settings.reminder_days, settings.overdue_every, settings.reminder_time
        )
        preview = preview_day(session, day=when, policy=policy)
        session.rollback()
    if preview.reason:
        out.print(texts.PREVIEW_NONE.format(date=tanggal(when), reason=preview.reason))
        if preview.unreached:
            out.print(texts.PREVIEW_UNREACHED_HEAD.format(date=tanggal(when)), highlight=False)
            out.print(_preview_table(preview.unreached))
        return
    out.print(
        texts.PREVIEW_HEAD.format(
            date=tanggal(when), time=settings.reminder_time.strftime("%H:%M")
        ),
        highlight=False,
    )
    out.print(_preview_table([*preview.messages, *preview.unreached]))


def _preview_table(lines: list[PreviewLine]) -> Table:
    from rich.table import Table

    table = Table()
    table.add_column(texts.PREVIEW_COL_CHAT)
    table.add_column(texts.PREVIEW_COL_KIND)
    table.add_column(texts.PREVIEW_COL_ITEMS)
    for line in lines:
        table.add_row(line.recipient, line.kind, line.summary)
    return table


def _print_failed(session: Session, tz: ZoneInfo) -> None:
    from rich.table import Table

    from services.formatting import waktu
    from services.reminders import failed_messages

    rows = failed_messages(session)
    if not rows:
        out.print(texts.FAILED_NONE)
        return
    table = Table(title=texts.FAILED_TITLE, title_justify="left")
    for title in (texts.FAILED_COL_WHEN, texts.PREVIEW_COL_CHAT, texts.PREVIEW_COL_KIND,
                  texts.FAILED_COL_ATTEMPTS, texts.FAILED_COL_ERROR):  # fmt: skip
        table.add_column(title)
    for row in rows:
        table.add_row(
            waktu(row.created_at, tz), f"{row.channel}:{row.chat_id}", row.kind,
            str(row.attempts), row.last_error or "",
        )  # fmt: skip
    out.print(table)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(texts.HOLIDAY_BAD_DATE.format(value=value))


@kendala_app.command("list")
def kendala_list() -> None:
    """Tampilkan semua tiket kendala, terlama dahulu."""
    from rich.table import Table

    from services import kendala
    from services.calendar import load_calendar
    from services.progress import local_today

    with _runtime() as runtime, runtime.sessions() as session:
        today = local_today(runtime.clock(), runtime.settings.timezone)
        tickets = kendala.all_tickets(
            session, today=today, calendar=load_calendar(session), tz=runtime.settings.timezone
        )
    if not tickets:
        out.print(texts.KENDALA_LIST_NONE, highlight=False)
        return
    table = Table()
    for title in texts.KENDALA_COLUMNS:
        table.add_column(title)
    for t in tickets:
        table.add_row(
            t.number, t.satker_name, t.category, texts.KENDALA_STATUS_LABELS[t.status],
            str(t.age_working_days), t.description[:80],
        )  # fmt: skip
    out.print(table)


@kendala_app.command("export")
def kendala_export(
    file: Annotated[Path, typer.Argument(help=texts.CLI_EXPORT_FILE_HELP)],
) -> None:
    """Ekspor semua tiket kendala ke XLSX."""
    from services import kendala
    from services.calendar import load_calendar
    from services.export import export_kendala
    from services.progress import local_today

    if file.suffix.lower() != ".xlsx":
        fail(texts.EXPORT_NEEDS_XLSX)
    with _runtime() as runtime, runtime.sessions() as session:
        today = local_today(runtime.clock(), runtime.settings.timezone)
        tickets = kendala.all_tickets(
            session, today=today, calendar=load_calendar(session), tz=runtime.settings.timezone
        )
        try:
            export_kendala(tickets, file)
        except OSError as exc:
            fail(texts.FILE_UNWRITABLE.format(path=file, reason=exc.strerror or exc))
    out.print(texts.KENDALA_EXPORT_DONE.format(count=len(tickets), path=file), highlight=False)


@app.command()
def run() -> None:
    """Jalankan bot Telegram dengan long polling (laptop atau satu server)."""
    from bot.app import run_polling

    runtime = _bot_runtime(webhook=False)
    try:
        with _telegram_failures_reported(runtime.settings):
            run_polling(runtime)
    finally:
        runtime.engine.dispose()


@app.command()
def serve() -> None:
    """Jalankan server webhook (Starlette + uvicorn) di ZIBOT_LISTEN."""
    from bot.webhook import serve as serve_webhook

    runtime = _bot_runtime(webhook=True)
    try:
        with _telegram_failures_reported(runtime.settings):
            serve_webhook(runtime)
    finally:
        runtime.engine.dispose()


@contextmanager
def _telegram_failures_reported(settings: Settings) -> Iterator[None]:
    """Check Telegram first (one getMe); a wrong token or no route is one line, not a traceback.

    Exit codes: 4 when Telegram cannot be reached, 5 when it rejects the token.
    """
    from telegram.error import InvalidToken, NetworkError

    from bot.preflight import (
        EXIT_TOKEN_REJECTED,
        EXIT_UNREACHABLE,
        StartupFailed,
        check_telegram,
        quiet_ptb_bootstrap,
    )

    try:
        check_telegram(settings)
    except StartupFailed as exc:
        logging.getLogger(__name__).debug("getMe failed", exc_info=exc.__cause__)
        fail(str(exc), code=exc.code)
    quiet_ptb_bootstrap()
    try:
        yield
    except InvalidToken:  # revoked between the check and PTB's own start-up
        fail(texts.TOKEN_REJECTED, code=EXIT_TOKEN_REJECTED)
    except NetworkError as exc:
        from bot.logs import redact

        reason = redact(str(exc), [settings.telegram_token.get()]).strip() or type(exc).__name__
        fail(
            texts.TELEGRAM_UNREACHABLE.format(url=settings.telegram_api_url, reason=reason),
            code=EXIT_UNREACHABLE,
        )


def _bot_runtime(*, webhook: bool) -> Runtime:
    """Settings checked, logging on, schema current: what running the bot needs."""
    from sqlalchemy.exc import OperationalError

    from bot.logs import configure_logging
    from bot.runtime import Runtime
    from bot.settings import SettingsError
    from models.db import head_revision, schema_revision

    settings = _settings()
    try:
        settings.require_webhook() if webhook else settings.require_token()
        settings.require_whatsapp()
    except SettingsError as exc:
        fail(str(exc), code=2)
    if _sqlite_file_missing(settings.database_url):
        fail(texts.DB_NOT_INITIALISED)
    runtime = Runtime.create(settings)
    if not runtime.claim_single_process():
        fail(texts.SQLITE_SECOND_PROCESS.format(path=settings.database_url), code=3)
    try:
        revision = schema_revision(runtime.engine)
    except OperationalError as exc:
        fail(texts.DB_UNREACHABLE.format(reason=str(exc.orig).strip().splitlines()[0]))
    if revision is None:
        fail(texts.DB_NOT_INITIALISED)
    if revision != head_revision():
        fail(texts.DB_OUTDATED)
    configure_logging(settings)
    return runtime


def main() -> None:
    """Entry point of the ``zibot`` console script."""
    app()
