"""The `zibot` command line against real SQLite and PostgreSQL databases."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from bot.cli import app
from models import (
    AuditLog,
    Invite,
    RencanaAksi,
    Satker,
    Target,
    User,
    make_engine,
    make_session_factory,
)
from services import catalog, invites, texts

Run = Callable[..., Result]
SAMPLE = catalog.sample_plan_path()
# 27 items for all ten Bali satkers, PP-05 for the nine kab/kota only.
SAMPLE_TARGETS = 27 * 10 + 9
NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.fixture
def zibot(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run a zibot command in-process with the test database configured."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZIBOT_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return run


def count(database_url: str, model: type) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_init_is_idempotent_and_says_so(zibot: Run, database_url: str) -> None:
    first = zibot("init")
    assert first.exit_code == 0, first.output
    assert count(database_url, Satker) == 10
    second = zibot("init", "--seed", "bali")
    assert second.exit_code == 0
    assert "tidak ada yang berubah" in second.stdout
    assert count(database_url, Satker) == 10


def test_commands_before_init_ask_for_init(zibot: Run) -> None:
    result = zibot("progress")
    assert result.exit_code != 0
    assert "zibot init" in result.stderr


def test_import_sample_then_reimport_keeps_progress(zibot: Run, database_url: str) -> None:
    assert zibot("init").exit_code == 0
    result = zibot("import", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert "28 butir" in result.stdout
    assert count(database_url, RencanaAksi) == 28
    assert count(database_url, Target) == SAMPLE_TARGETS

    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as session:
        target = session.scalars(
            select(Target)
            .join(RencanaAksi)
            .join(Satker)
            .where(RencanaAksi.code == "MP-01", Satker.code == "5103")
        ).one()
        target.status, target.note = "selesai", "SK sudah ditandatangani"

    changed = Path("changed.csv")
    rows = list(csv.reader(SAMPLE.read_text(encoding="utf-8").splitlines()))
    rows[1][4] = "2026-03-06"  # MP-01's tenggat moves
    with changed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    again = zibot("import", str(changed), "--year", "2026")
    assert again.exit_code == 0, again.output
    assert "1 diperbarui" in again.stdout

    with make_session_factory(engine)() as session:
        item = session.scalars(select(RencanaAksi).where(RencanaAksi.code == "MP-01")).one()
        assert str(item.tenggat) == "2026-03-06"
        target = session.get(Target, target.id)
        assert target is not None
        assert (target.status, target.note) == ("selesai", "SK sudah ditandatangani")
        assert session.scalar(select(func.count()).select_from(Target)) == SAMPLE_TARGETS
        actions = list(session.scalars(select(AuditLog.action)))
        assert actions.count("import") == 2
    engine.dispose()


def test_bad_rows_reject_the_whole_file(zibot: Run, database_url: str) -> None:
    assert zibot("init").exit_code == 0
    bad = Path("bad.csv")
    bad.write_text(
        "kode,area,kegiatan,bukti_dukung,tenggat,berlaku_untuk\n"
        "MP-01,Manajemen Perubahan,Pembentukan tim,SK,2026-02-27,semua\n"
        "MP-02,Area Ajaib,Rencana kerja,Dokumen,2026-03-13,semua\n"
        "MP-03,MP,Agen perubahan,SK,besok,semua\n"
        "MP-04,MP,Monev,Laporan,2026-12-18,9999\n",
        encoding="utf-8",
    )
    result = zibot("import", str(bad))
    assert result.exit_code != 0
    assert "baris 3" in result.stderr
    assert "baris 4" in result.stderr
    assert "baris 5" in result.stderr
    assert "besok" in result.stderr
    assert count(database_url, RencanaAksi) == 0
    assert count(database_url, Target) == 0


def test_dry_run_reports_and_writes_nothing(zibot: Run, database_url: str) -> None:
    assert zibot("init").exit_code == 0
    before = count(database_url, AuditLog)  # init's own lines (the LKE worksheet it loads)
    result = zibot("import", str(SAMPLE), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "28 butir" in result.stdout
    assert count(database_url, RencanaAksi) == 0
    assert count(database_url, AuditLog) == before


def test_missing_file_is_one_clear_line(zibot: Run) -> None:
    assert zibot("init").exit_code == 0
    result = zibot("import", "tidak-ada.xlsx")
    assert result.exit_code != 0
    assert "tidak ditemukan" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invite_prints_only_codes_and_stores_hashes(zibot: Run, database_url: str) -> None:
    assert zibot("init").exit_code == 0
    result = zibot("invite", "--satker", "5103", "--role", "agen", "--count", "3")
    assert result.exit_code == 0, result.output
    codes = result.stdout.split()
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code) for code in codes)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        hashes = set(session.scalars(select(Invite.code_hash)))
        assert not hashes & set(codes)
        assert hashes == {invites.hash_code(code) for code in codes}
        rows = list(session.scalars(select(Invite)))
        delta = rows[0].expires_at - rows[0].created_at
        assert delta.days == 14
    engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ("--satker", "9999", "--role", "agen"),
        ("--satker", "5103", "--role", "raja"),
        ("--satker", "5103", "--role", "agen", "--count", "0"),
    ],
)
def test_invite_refuses_bad_input(zibot: Run, database_url: str, args: tuple[str, ...]) -> None:
    assert zibot("init").exit_code == 0
    result = zibot("invite", *args)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert count(database_url, Invite) == 0


def test_progress_ranks_every_satker_and_shows_one(zibot: Run, database_url: str) -> None:
    assert zibot("init").exit_code == 0
    assert zibot("import", str(SAMPLE)).exit_code == 0
    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as session:
        badung = session.scalars(select(Satker).where(Satker.code == "5103")).one()
        for target in session.scalars(select(Target).where(Target.satker_id == badung.id)):
            target.status = "selesai"
    engine.dispose()
    result = zibot("progress")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "KPU" in line]
    assert len(lines) == 10
    assert "Badung" in lines[0] and "100%" in lines[0]

    one = zibot("progress", "--satker", "badung")
    assert one.exit_code == 0, one.output
    assert "KPU Kabupaten Badung" in one.stdout
    assert "MP-01" in one.stdout and "PP-05" in one.stdout

    unknown = zibot("progress", "--satker", "atlantis")
    assert unknown.exit_code != 0
    assert "tidak dikenal" in unknown.stderr


def test_export_writes_matrix_and_detail(zibot: Run, tmp_path: Path) -> None:
    assert zibot("init").exit_code == 0
    assert zibot("import", str(SAMPLE)).exit_code == 0
    result = zibot("export", "rekap.xlsx")
    assert result.exit_code == 0, result.output
    workbook = load_workbook(tmp_path / "rekap.xlsx", read_only=True)
    matrix = list(workbook["Rekap"].iter_rows(values_only=True))
    detail = list(workbook["Detail"].iter_rows(values_only=True))
    workbook.close()
    assert matrix[0][:4] == ("Peringkat", "Kode", "Satker", "MP")
    assert len(matrix) == 1 + 10
    assert len(detail) == 1 + SAMPLE_TARGETS
    assert {row[0] for row in detail[1:]} == {
        "51", "5101", "5102", "5103", "5104", "5105", "5106", "5107", "5108", "5171"
    }  # fmt: skip


def test_satker_import_adds_another_province(zibot: Run, database_url: str) -> None:
    assert zibot("init").exit_code == 0
    ntb = Path("ntb.csv")
    ntb.write_text(
        "Kode,Nama,Level,Induk\n52,KPU Provinsi NTB,provinsi,\n5201,KPU Kabupaten Lombok Barat,"
        "kabupaten,52\n5271,KPU Kota Mataram,kota,52\n",
        encoding="utf-8",
    )
    result = zibot("satker", "import", str(ntb))
    assert result.exit_code == 0, result.output
    assert count(database_url, Satker) == 13
    broken = Path("broken.csv")
    broken.write_text("kode,nama,level,induk\n5202,KPU Lombok Tengah,kabkota,77\n", "utf-8")
    refused = zibot("satker", "import", str(broken))
    assert refused.exit_code != 0
    assert "77" in refused.stderr
    assert count(database_url, Satker) == 13


def test_bad_setting_stops_with_the_setting_name(
    zibot: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZIBOT_TIMEZONE", "Mars/Olympus")
    result = zibot("init")
    assert result.exit_code != 0
    assert "ZIBOT_TIMEZONE" in result.stderr


def test_invite_prints_the_deep_link_once_the_bot_has_run(zibot: Run, database_url: str) -> None:
    assert zibot("init").exit_code == 0
    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as session:
        invites.remember_bot(session, channel="telegram", username="zi_bali_bot", now=NOW)
    engine.dispose()
    result = zibot("invite", "--satker", "5103", "--role", "agen", "--count", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        code, link = line.split()
        assert link == f"https://t.me/zi_bali_bot?start={code}"
    assert "2 kode undangan" in result.stderr


def test_reminders_on_a_fresh_install_say_nobody_receives_them(
    zibot: Run, database_url: str
) -> None:
    assert zibot("init").exit_code == 0
    assert zibot("import", str(SAMPLE)).exit_code == 0
    result = zibot("reminders", "--date", "2026-11-30")
    assert result.exit_code == 0, result.output
    assert "tidak ada yang jatuh tempo" not in result.stdout
    assert "belum ada grup yang dihubungkan" in result.stdout
    assert "KPU Kabupaten Badung (5103)" in result.stdout
    assert result.stdout.count("belum ada penerima") == 10  # every satker has something due
    assert "Terlambat: AK-01" in result.stdout
    # Once one satker has a registered agen, only the others are listed without a recipient.
    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as session:
        badung = session.scalars(select(Satker).where(Satker.code == "5103")).one()
        session.add(User(name="Ana", role="agen", satker_id=badung.id, telegram_id=42,
                         created_at=NOW))  # fmt: skip
    engine.dispose()
    again = zibot("reminders", "--date", "2026-11-30")
    assert again.exit_code == 0, again.output
    assert "Ana (KPU Kabupaten Badung, pribadi)" in again.stdout
    assert again.stdout.count("belum ada penerima") == 9
    assert "KPU Kabupaten Badung (5103)" not in again.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("progress",),
        ("kendala", "list"),
        ("reminders",),
        ("holiday", "list"),
        ("invite", "--satker", "5103", "--role", "agen"),
        ("export", "rekap.xlsx"),
        ("run",),
    ],
)
def test_an_uninitialised_folder_gets_no_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("ZIBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ZIBOT_TELEGRAM_TOKEN", "123:abc")  # so that `run` gets to the database
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"Galat: {texts.DB_NOT_INITIALISED}"
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_empty_states_are_one_line_not_an_empty_table(zibot: Run) -> None:
    init = zibot("init")
    assert init.exit_code == 0 and init.stderr == ""
    assert "Skema basis data" in init.stdout  # success lines go to standard output
    for args, line in [
        (("kendala", "list"), "Belum ada tiket kendala."),
        (("reminders", "--failed"), "Tidak ada pesan yang gagal terkirim."),
    ]:
        result = zibot(*args)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == line
    no_plan = zibot("progress")
    assert no_plan.exit_code == 1
    assert no_plan.stdout == "" and len(no_plan.stderr.strip().splitlines()) == 1
