"""A "Kode LKE" (or "Indikator" of question codes) column in the plan links items to worksheet
questions on import, with a row-named error for unknown codes (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from models import LkeLink, RencanaAksi, make_engine, make_session_factory
from services import texts
from services.errors import SpreadsheetRejected
from services.importer import import_plan, read_plan
from services.lke import assessment as lke

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
HEAD = "kode,area,kegiatan,bukti_dukung,tenggat,berlaku_untuk"


def write(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "rencana_aksi_2026.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def links(sessions: sessionmaker[Session]) -> set[tuple[str, str]]:
    with sessions() as session:
        rows = session.execute(
            select(RencanaAksi.code, LkeLink.question).join(
                RencanaAksi, RencanaAksi.id == LkeLink.item_id
            )
        )
        return {(code, question) for code, question in rows}


@pytest.fixture
def loaded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as session:
        lke.load_worksheet(session, None, now=NOW, actor="test")
    return sessions


def test_a_kode_lke_column_links_items_to_questions(
    loaded: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        f"{HEAD},Kode LKE",
        "MP-01,Manajemen Perubahan,Tim kerja ZI,SK Tim,2026-02-27,semua,mp.p1.a",
        'MP-02,Manajemen Perubahan,Rencana kerja ZI,Dokumen,2026-03-13,semua,"MP.P2.a, MP.P2.b"',
        "TL-01,Penataan Tatalaksana,SOP,SOP,2026-04-30,semua,",
    )
    with loaded.begin() as session:
        report = import_plan(session, path, year=None, now=NOW, actor="test")
    assert report.lke_links == 3
    assert links(loaded) == {("MP-01", "MP.P1.a"), ("MP-02", "MP.P2.a"), ("MP-02", "MP.P2.b")}
    # Re-importing adds nothing twice.
    with loaded.begin() as session:
        assert import_plan(session, path, year=None, now=NOW, actor="test").lke_links == 0
    assert len(links(loaded)) == 3


def test_unknown_question_codes_reject_the_file_naming_the_row(
    loaded: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        f"{HEAD},Kode LKE",
        "MP-01,Manajemen Perubahan,Tim kerja ZI,SK Tim,2026-02-27,semua,MP.P1.a",
        "MP-02,Manajemen Perubahan,Rencana kerja ZI,Dokumen,2026-03-13,semua,MP.P9.z",
    )
    with pytest.raises(SpreadsheetRejected) as rejected, loaded.begin() as session:
        import_plan(session, path, year=None, now=NOW, actor="test")
    [problem] = rejected.value.problems
    assert (problem.row, problem.column) == (3, texts.IMPORT_LKE_COLUMN)
    assert problem.reason == texts.IMPORT_LKE_UNKNOWN.format(
        code="MP.P9.z", label="PermenPANRB Nomor 90 Tahun 2021 v1.0.0"
    )
    with loaded() as session:
        assert session.scalar(select(RencanaAksi.id)) is None  # nothing written


def test_without_a_loaded_worksheet_the_codes_cannot_be_checked(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write(
        tmp_path, f"{HEAD},Kode LKE", "MP-01,Manajemen Perubahan,Tim,SK,2026-02-27,semua,MP.P1.a"
    )
    with pytest.raises(SpreadsheetRejected) as rejected, sessions.begin() as session:
        import_plan(session, path, year=None, now=NOW, actor="test")
    assert rejected.value.problems[0].reason == texts.LKE_NO_VERSION


def test_an_indikator_column_of_codes_is_the_lke_column_and_of_prose_the_evidence(
    loaded: sessionmaker[Session], tmp_path: Path
) -> None:
    codes = write(
        tmp_path,
        "kode,area,kegiatan,bukti dukung,tenggat,indikator",
        "MP-01,Manajemen Perubahan,Tim kerja ZI,SK Tim,2026-02-27,MP.P1.a",
        "MP-02,Manajemen Perubahan,Rencana kerja ZI,Dokumen,2026-03-13,MP.P2.a; MP.P2.c",
    )
    with loaded() as session:
        plan = read_plan(session, codes, year=None)
    assert [i.lke_codes for i in plan.items] == [("MP.P1.a",), ("MP.P2.a", "MP.P2.c")]
    assert [i.bukti_dukung for i in plan.items] == ["SK Tim", "Dokumen"]

    prose = write(
        tmp_path,
        "kode,area,kegiatan,indikator,tenggat",
        "MP-01,Manajemen Perubahan,Tim kerja ZI,SK Tim kerja ditandatangani,2026-02-27",
    )
    with loaded() as session:
        plan = read_plan(session, prose, year=None)
    assert plan.items[0].lke_codes == ()
    assert plan.items[0].bukti_dukung == "SK Tim kerja ditandatangani"

    # --column lke=... names the column when its header says nothing.
    other = write(
        tmp_path,
        f"{HEAD},Pertanyaan",
        "MP-01,Manajemen Perubahan,Tim kerja ZI,SK Tim,2026-02-27,semua,MP.P1.a",
    )
    with loaded() as session:
        plan = read_plan(session, other, year=None, columns={"lke": "Pertanyaan"})
    assert plan.items[0].lke_codes == ("MP.P1.a",)


def test_zibot_init_loads_the_worksheet_once_and_import_reports_links(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZIBOT_DATABASE_URL", database_url)
    runner = CliRunner()
    first = runner.invoke(app, ["init"])
    assert first.exit_code == 0, first.output
    assert "Lembar kerja LKE dimuat" in first.stdout
    second = runner.invoke(app, ["init"])
    assert second.exit_code == 0 and "Lembar kerja LKE dimuat" not in second.stdout
    path = write(
        tmp_path, f"{HEAD},Kode LKE", "MP-01,Manajemen Perubahan,Tim,SK,2026-02-27,semua,MP.P1.a"
    )
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert texts.IMPORT_LKE_LINKED.format(count=1) in result.stdout
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            assert session.scalar(select(LkeLink.question)) == "MP.P1.a"
            assert len(session.scalars(select(lke.LkeVersion)).all()) == 1
    finally:
        engine.dispose()
