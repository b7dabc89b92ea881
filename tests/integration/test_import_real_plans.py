"""`zibot import` on plans laid out like real ones: the dry-run reading, --column, re-import."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from bot.cli import app
from models import AuditLog, RencanaAksi, make_engine, make_session_factory

sys.path.insert(0, str(Path(__file__).parents[1] / "data" / "plans"))
from make_fixtures import BPS_TWO_LEVELS, KEMENKEU_COMPONENTS, Sheet, write_workbook

Run = Callable[..., Result]


@pytest.fixture
def zibot(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run a zibot command in-process against an initialised test database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZIBOT_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args))

    assert run("init").exit_code == 0
    return run


def items(database_url: str) -> list[tuple[str, str, str]]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                select(RencanaAksi.code, RencanaAksi.activity, RencanaAksi.bukti_dukung).order_by(
                    RencanaAksi.code
                )
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def audits(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(AuditLog)) or 0)
    finally:
        engine.dispose()


def test_dry_run_prints_how_the_file_was_read_and_writes_nothing(
    zibot: Run, database_url: str, tmp_path: Path
) -> None:
    path = KEMENKEU_COMPONENTS.write(tmp_path)
    before = audits(database_url)  # init's own lines (the LKE worksheet it loads)

    result = zibot("import", str(path), "--dry-run")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Lembar 'Rencana Aksi'" in out
    assert "baris judul kolom: 3" in out
    assert "C  Output → bukti" in out
    assert "baris 4: judul komponen 'A. PENGUNGKIT' → area dimulai lagi" in out
    assert "baris 14: judul sub-indikator 'i. Keterbukaan Informasi Publik' → area tetap TL" in out
    assert "baris 18–20: 1 butir (TL-03), 2 baris lanjutan" in out
    assert "Butir per area: MP 4, TL 4, PW 2, PP 2 (jumlah 12)" in out
    assert "TL-03 (baris 18): Digitalisasi arsip | bukti: Arsip digital; Berita acara" in out
    assert "12 butir" in result.stdout
    assert items(database_url) == []
    assert audits(database_url) == before


def test_reimport_of_a_plan_with_restarting_numbers_changes_nothing(
    zibot: Run, database_url: str, tmp_path: Path
) -> None:
    path = KEMENKEU_COMPONENTS.write(tmp_path)

    first = zibot("import", str(path))
    stored = items(database_url)
    again = zibot("import", str(path))

    assert first.exit_code == 0 and again.exit_code == 0, again.output
    assert "12 tetap" in again.stdout
    assert items(database_url) == stored
    codes = "MP-01 MP-02 MP-03 MP-04 PP-01 PP-02 PW-01 PW-02 TL-01 TL-02 TL-03 TL-04"
    assert [code for code, _, _ in stored] == codes.split()


def test_ambiguous_columns_are_refused_until_named_with_column(
    zibot: Run, database_url: str, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["RENCANA AKSI 2026"],
        ["No", "Uraian", "No", "Uraian", "Bukti Dukung", "Tenggat"],
        ["A", "MANAJEMEN PERUBAHAN"],
        [1, "Pembentukan tim", 1, "Rapat pembentukan", "Notulen", "2026-01-31"],
    ]
    path = write_workbook(tmp_path / "ra.xlsx", [Sheet("RA", rows)])

    refused = zibot("import", str(path), "--dry-run")
    named = zibot("import", str(path), "--column", "kegiatan=D")

    assert refused.exit_code != 0
    assert "--column kegiatan=B atau --column kegiatan=D" in refused.stderr
    assert named.exit_code == 0, named.output
    assert items(database_url) == [("MP-01", "Rapat pembentukan", "Notulen")]


def test_column_option_by_group_and_sub_header(
    zibot: Run, database_url: str, tmp_path: Path
) -> None:
    path = BPS_TWO_LEVELS.write(tmp_path)

    result = zibot("import", str(path), "--dry-run", "--column", "kegiatan=Rencana Aksi/Uraian")

    # the upper level as the item leaves the rincian rows without an activity: said, not saved
    assert "B  Rencana Aksi/Uraian → kegiatan" in result.stdout
    assert "D  Rincian Kegiatan/Uraian → TIDAK DIPAKAI" in result.stdout
    assert "baris 11, kolom Rencana Aksi/Uraian: kegiatan kosong" in result.stderr
    assert result.exit_code != 0


def test_bad_column_option_is_one_clear_line(zibot: Run, tmp_path: Path) -> None:
    path = BPS_TWO_LEVELS.write(tmp_path)

    result = zibot("import", str(path), "--column", "warna=B")

    assert result.exit_code != 0
    assert "NAMA=KOLOM" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_upper_level_of_a_two_level_plan_is_stored_as_the_items_group(
    zibot: Run, database_url: str, tmp_path: Path
) -> None:
    path = BPS_TWO_LEVELS.write(tmp_path)

    result = zibot("import", str(path))

    assert result.exit_code == 0, result.output
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            stored = dict(session.execute(select(RencanaAksi.code, RencanaAksi.group_name)).all())
    finally:
        engine.dispose()
    expected = {item.code: item.group for item in BPS_TWO_LEVELS.items}
    assert any(expected.values())  # the fixture has two levels
    assert stored == expected
