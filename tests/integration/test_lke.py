"""LKE use cases and the `zibot lke` commands on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from bot.cli import app
from models import (
    BuktiDukung,
    LkeAnswer,
    LkeAssessment,
    LkeLink,
    LkeVersion,
    RencanaAksi,
    Satker,
    Target,
    make_engine,
    make_session_factory,
)
from services import catalog
from services.errors import NotFound, ZibotError
from services.importer import import_plan
from services.lke import assessment as lke
from services.lke.worksheet import WorksheetInvalid, default_path
from services.status import ItemState

Run = Callable[..., Result]
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
SAMPLE_PLAN = catalog.sample_plan_path()


def satker(session: Session, code: str) -> Satker:
    return session.scalars(select(Satker).where(Satker.code == code)).one()


def bukti(session: Session, t: Target, status: str = "menunggu") -> BuktiDukung:
    """A bukti dukung of the target, with its review status."""
    row = BuktiDukung(
        target_id=t.id, path="x", original_name=f"{t.item.code}.pdf", size=1, sha256="0" * 64,
        created_at=NOW, review_status=status,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def target(session: Session, satker_code: str, item: str) -> Target:
    return session.scalars(
        select(Target)
        .join(RencanaAksi)
        .join(Satker)
        .where(RencanaAksi.code == item, Satker.code == satker_code)
    ).one()


@pytest.fixture
def planned(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Bali satkers, the sample 2026 plan and the default worksheet."""
    with sessions.begin() as session:
        import_plan(session, SAMPLE_PLAN, year=None, now=NOW, actor="test")
        assert lke.load_worksheet(session, None, now=NOW, actor="test").created
    return sessions


def other_version(tmp_path: Path) -> Path:
    data = json.loads(default_path().read_text(encoding="utf-8"))
    data["version"] = "1.0.1"
    path = tmp_path / "lke-1.0.1.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_is_idempotent_and_an_assessment_keeps_its_version(
    planned: sessionmaker[Session], tmp_path: Path
) -> None:
    with planned.begin() as session:
        again = lke.load_worksheet(session, default_path(), now=NOW, actor="test")
        assert not again.created and again.version_id == 1
        assert again.label == "PermenPANRB Nomor 90 Tahun 2021 v1.0.0"
        lke.record_hasil(
            session, satker=satker(session, "5103"), year=2026, values={"ipak": 3.6},
            now=NOW, actor="test",
        )  # fmt: skip
        newer = lke.load_worksheet(session, other_version(tmp_path), now=NOW, actor="test")
        assert newer.created and newer.label.endswith("v1.0.1")
        lke.record_hasil(
            session, satker=satker(session, "5101"), year=2026, values={"ipak": "3,2"},
            now=NOW, actor="test",
        )  # fmt: skip
    with planned() as session:
        assert session.scalar(select(func.count()).select_from(LkeVersion)) == 2
        versions = dict(
            session.execute(
                select(Satker.code, LkeAssessment.version_id).join(
                    Satker, Satker.id == LkeAssessment.satker_id
                )
            ).all()
        )
        assert versions == {"5103": 1, "5101": newer.version_id}
        state = lke.load_satker(session, satker(session, "5103"), 2026)
        assert state.worksheet.version == "1.0.0"
        assert state.projection.hasil_items[0].points == pytest.approx(15.75)
        assert lke.load_satker(session, satker(session, "5101"), 2026).worksheet.version == "1.0.1"


def test_an_invalid_file_is_refused_and_nothing_is_stored(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    data = json.loads(default_path().read_text(encoding="utf-8"))
    data["areas"][0]["pemenuhan"]["indicators"][0]["weight"] = 0.75
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with sessions() as session, pytest.raises(WorksheetInvalid, match="MP pemenuhan"):
        lke.load_worksheet(session, path, now=NOW, actor="test")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(LkeVersion)) == 0
        with pytest.raises(ZibotError, match="zibot lke load"):
            lke.load_satker(session, satker(session, "5103"), 2026)


def test_answers_of_every_kind_and_their_refusals(planned: sessionmaker[Session]) -> None:
    with planned.begin() as session:
        badung = satker(session, "5103")
        mine = target(session, "5103", "MP-01")
        theirs = target(session, "5101", "MP-01")
        files = []
        for t in (mine, theirs):
            row = BuktiDukung(
                target_id=t.id, path="x", original_name=f"SK Tim ZI {t.satker.code}.pdf",
                size=1, sha256="0" * 64, created_at=NOW,
            )  # fmt: skip
            session.add(row)
            files.append(row)
        session.flush()
        result = lke.record_answer(
            session, satker=badung, year=2026, question="mp.p1.a", choice="ya", now=NOW,
            actor="test", evidence_ids=[files[0].id],
        )  # fmt: skip
        assert (result.question, result.choice, result.score, result.created) == (
            "MP.P1.a", "Ya", 1.0, True,
        )  # fmt: skip
        lke.record_answer(
            session, satker=badung, year=2026, question="MP.P1.b", choice="B", now=NOW,
            actor="test",
        )  # fmt: skip
        persen = lke.record_answer(
            session, satker=badung, year=2026, question="PW.R3.a",
            inputs={"a": "1", "b": "5", "c": "6", "d": "9"}, now=NOW, actor="test",
        )  # fmt: skip
        assert persen.score == pytest.approx(0.75)
        changed = lke.record_answer(
            session, satker=badung, year=2026, question="MP.P1.b", choice="A", now=NOW,
            actor="test",
        )  # fmt: skip
        assert not changed.created
        refusals: list[tuple[dict[str, object], type[Exception], str]] = [
            ({"question": "MP.P1.z", "choice": "Ya"}, NotFound, "MP.P1.z"),
            ({"question": "MP.P1.b", "choice": "D"}, ZibotError, "A, B, C"),
            ({"question": "MP.P1.b"}, ZibotError, "jawaban pilihan"),
            ({"question": "AK.R1.a", "inputs": {"a": 3}}, ZibotError, "masukan: b"),
            ({"question": "AK.R1.a", "inputs": {"a": 3, "b": -1}}, ZibotError, "negatif"),
            ({"question": "AK.R1.a", "inputs": {"a": "tiga", "b": 1}}, ZibotError, "Bukan angka"),
            (
                {"question": "MP.P1.a", "choice": "Ya", "evidence_ids": [files[1].id]},
                NotFound,
                "bukan milik satker ini",
            ),
        ]
        for kwargs, error, message in refusals:
            with pytest.raises(error, match=message):
                lke.record_answer(
                    session, satker=badung, year=2026, now=NOW, actor="test",
                    **kwargs,  # type: ignore[arg-type]
                )  # fmt: skip
        with pytest.raises(ZibotError, match="antara 0 dan 4"):
            lke.record_hasil(
                session, satker=badung, year=2026, values={"ipkp": 4.2}, now=NOW, actor="t"
            )
        with pytest.raises(ZibotError, match="A, B, C, D, E"):
            lke.record_hasil(
                session, satker=badung, year=2026, values={"capaian_kinerja": "F"}, now=NOW,
                actor="t",
            )  # fmt: skip
    with planned() as session:
        state = lke.load_satker(session, satker(session, "5103"), 2026)
        p = state.projection
        assert p.answered == 3 and p.unanswered == 107
        # MP.P1 (0.5): Ya + A → 0.5; PW.R3 (2, two questions): 0.75 → 0.75.
        assert p.pengungkit == pytest.approx(1.25)
        assert state.evidence == {"MP.P1.a": (files[0].id,)}
        assert session.scalar(select(func.count()).select_from(LkeAnswer)) == 3


def test_done_linked_items_propose_ya_once_verified_and_the_agen_confirms(
    planned: sessionmaker[Session],
) -> None:
    with planned.begin() as session:
        first = lke.link_item(
            session, item="mp01", question="MP.P1.a", year=2026, now=NOW, actor="t"
        )
        assert first.created and first.item_code == "MP-01"
        assert not lke.link_item(
            session, item="MP-01", question="mp.p1.a", year=2026, now=NOW, actor="t"
        ).created
        lke.link_item(session, item="MP-02", question="MP.P1.a", year=2026, now=NOW, actor="t")
        # A scale other than Ya/Tidak is never proposed.
        lke.link_item(session, item="MP-02", question="MP.P2.b", year=2026, now=NOW, actor="t")
        with pytest.raises(NotFound, match="MP-99"):
            lke.link_item(session, item="MP-99", question="MP.P1.a", year=2026, now=NOW, actor="t")
        with pytest.raises(NotFound, match=r"XX\.P1\.a"):
            lke.link_item(session, item="MP-01", question="XX.P1.a", year=2026, now=NOW, actor="t")
        target(session, "5103", "MP-01").status = "selesai"
    with planned() as session:
        badung = satker(session, "5103")
        state = lke.load_satker(session, badung, 2026)
        assert state.proposals == []
        moves = dict((m.question, items) for m, items in state.moves(limit=200))
        assert [i.code for i in moves["MP.P1.a"]] == ["MP-02"]
    with planned.begin() as session:
        target(session, "5103", "MP-02").status = "selesai"
        waiting = bukti(session, target(session, "5103", "MP-01"))
        bukti(session, target(session, "5103", "MP-02"), "diterima")
    with planned() as session:
        # Every linked item selesai, but MP-01 has no bukti accepted (one waits): no proposal,
        # and it says so; the report reads each linked item's state.
        state = lke.load_satker(session, satker(session, "5103"), 2026)
        assert state.proposals == []
        assert [(x.question, x.choice, x.unverified) for x in state.awaiting_verification] == [
            ("MP.P1.a", "Ya", ("MP-01",))
        ]
        assert [i.state for i in state.links["MP.P1.a"]] == [
            ItemState.MENUNGGU_VERIFIKASI,
            ItemState.TERVERIFIKASI,
        ]
        with pytest.raises(ZibotError, match="terverifikasi"):
            lke.confirm_proposal(
                session, satker=satker(session, "5103"), year=2026, question="MP.P1.a", now=NOW,
                actor="t",
            )  # fmt: skip
    with planned.begin() as session:
        session.get(BuktiDukung, waiting.id).review_status = "ditolak"  # type: ignore[union-attr]
    with planned() as session:
        # Rejected: MP-01 is selesai with nothing accepted; still waiting, still no proposal.
        state = lke.load_satker(session, satker(session, "5103"), 2026)
        assert state.proposals == [] and state.links["MP.P1.a"][0].state == ItemState.SELESAI
        assert [x.unverified for x in state.awaiting_verification] == [("MP-01",)]
    with planned.begin() as session:
        bukti(session, target(session, "5103", "MP-01"), "diterima")
    with planned.begin() as session:
        badung = satker(session, "5103")
        state = lke.load_satker(session, badung, 2026)
        assert state.awaiting_verification == []
        assert [(p.question, p.choice, p.items) for p in state.proposals] == [
            ("MP.P1.a", "Ya", ("MP-01", "MP-02"))
        ]
        # Proposed, not counted until confirmed.
        assert state.projection.pengungkit == 0
        with pytest.raises(ZibotError, match=r"MP\.P2\.b"):
            lke.confirm_proposal(
                session, satker=badung, year=2026, question="MP.P2.b", now=NOW, actor="t"
            )
        lke.confirm_proposal(
            session, satker=badung, year=2026, question="MP.P1.a", now=NOW, actor="agen"
        )
    with planned() as session:
        state = lke.load_satker(session, satker(session, "5103"), 2026)
        assert state.proposals == []
        assert state.projection.pengungkit == pytest.approx(0.25)  # (1 + 0) / 2 × 0.5
        # Another satker's items are its own: nothing proposed to Jembrana.
        assert lke.load_satker(session, satker(session, "5101"), 2026).proposals == []
        assert session.scalar(select(func.count()).select_from(LkeLink)) == 3


def test_a_rejected_bukti_takes_the_proposal_back(planned: sessionmaker[Session]) -> None:
    with planned.begin() as session:
        lke.link_item(session, item="MP-01", question="MP.P1.a", year=2026, now=NOW, actor="t")
        target(session, "5103", "MP-01").status = "selesai"
        accepted = bukti(session, target(session, "5103", "MP-01"), "diterima")
    with planned() as session:
        state = lke.load_satker(session, satker(session, "5103"), 2026)
        assert [p.question for p in state.proposals] == ["MP.P1.a"]
        assert lke.item_proposals(session, satker(session, "5103"), 2026, "mp-01") == (
            state.proposals
        )
    with planned.begin() as session:
        # The only accepted bukti turns out rejected, and a new upload waits: taken back.
        session.get(BuktiDukung, accepted.id).review_status = "ditolak"  # type: ignore[union-attr]
        bukti(session, target(session, "5103", "MP-01"))
    with planned() as session:
        state = lke.load_satker(session, satker(session, "5103"), 2026)
        assert state.proposals == []
        assert [x.unverified for x in state.awaiting_verification] == [("MP-01",)]
        assert lke.item_proposals(session, satker(session, "5103"), 2026, "MP-01") == []


# --- the command line ---------------------------------------------------------------------------
@pytest.fixture
def zibot(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZIBOT_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return run


def test_cli_round_trip(zibot: Run, database_url: str, tmp_path: Path) -> None:
    # zibot init loads the shipped worksheet when none is loaded, once.
    init = zibot("init")
    assert init.exit_code == 0
    assert "Lembar kerja LKE dimuat: PermenPANRB Nomor 90 Tahun 2021 v1.0.0" in init.stdout
    again_init = zibot("init")
    assert again_init.exit_code == 0 and "Lembar kerja LKE" not in again_init.stdout
    assert "tidak ada yang berubah" in again_init.stdout
    assert zibot("import", str(catalog.sample_plan_path())).exit_code == 0

    loaded = zibot("lke", "load")
    assert loaded.exit_code == 0, loaded.output
    assert "sudah dimuat" in loaded.stderr and "#1" in loaded.stderr
    again = zibot("lke", "load", str(default_path()))
    assert again.exit_code == 0 and "sudah dimuat" in again.stderr

    detail = zibot("lke", "soal", "mp.p1.b")
    assert detail.exit_code == 0
    assert "Pilihan jawaban: A (1,00), B (0,50), C (0,00)" in detail.stdout
    assert "a. Jika dengan prosedur/mekanisme yang jelas" in detail.stdout
    listing = zibot("lke", "soal", "pw")
    assert "    PW.R2.a [persen] Persentase penanganan pengaduan masyarakat" in listing.stdout
    assert "MP.P1.a" not in listing.stdout
    assert zibot("lke", "soal", "XX").exit_code == 1

    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x"}', encoding="utf-8")
    refused = zibot("lke", "load", str(bad))
    assert refused.exit_code == 1
    assert "Lembar kerja LKE tidak valid: kunci utama 'regulation' tidak ada" in refused.stderr

    hasil = zibot("lke", "hasil", "--satker", "5103", "--ipak", "3.62", "--ipkp", "3,41",
                  "--capaian", "b")  # fmt: skip
    assert hasil.exit_code == 0, hasil.output
    assert "ipak 3,62, ipkp 3,41, capaian_kinerja B" in hasil.stderr
    out_of_range = zibot("lke", "hasil", "--satker", "5103", "--ipak", "5")
    assert out_of_range.exit_code == 1 and "antara 0 dan 4" in out_of_range.stderr

    linked = zibot("lke", "link", "MP-01", "mp.p1.a")
    assert (
        linked.exit_code == 0
        and "MP-01 (2026) kini terkait dengan pertanyaan MP.P1.a" in linked.stderr
    )

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            target(session, "5103", "MP-01").status = "selesai"
            bukti(session, target(session, "5103", "MP-01"), "diterima")
    finally:
        engine.dispose()

    answered = zibot("lke", "jawab", "--satker", "5103", "pw.r2.a", "a=4", "b=0", "c=2")
    assert answered.exit_code == 0, answered.output
    assert "PW.R2.a disimpan: a=4, b=0, c=2 (skor 0,50)" in answered.stderr
    wrong = zibot("lke", "jawab", "--satker", "5103", "MP.P1.b", "Ya")
    assert wrong.exit_code == 1 and "pilih salah satu: A, B, C" in wrong.stderr

    one = zibot("lke", "nilai", "--satker", "5103")
    assert one.exit_code == 0, one.output
    text = one.stdout
    assert "Dijawab 1 dari 110 pertanyaan; 109 yang belum dijawab dihitung 0." in text
    # IPAK 3.62/4 × 17.5 = 15.8375; capaian B 3.75; IPKP 3.41 → 14.91875; PW.R2.a 2/4 × 3 = 1.5.
    assert "Nilai total: 36,01/100" in text
    assert "✓ Indeks Persepsi Anti Korupsi: 15,84 (minimum 15,75; lebih 0,09)" in text
    assert "✗ Area PW: 1,50 (minimum 9,00; kurang 7,50)" in text
    assert "✗ Indeks Persepsi Kualitas Pelayanan Publik: 14,92 (minimum 15,75; kurang 0,83)" in text
    assert "jumlah pemenuhan + reform setiap area" in text
    assert "1. PW.R1.a +2,50 (bobot indikator 2,50; kini belum dijawab)" in text
    assert "MP.P1.a → Ya (item MP-01)" in text

    ranked = zibot("lke", "nilai")
    assert ranked.exit_code == 0
    rows = [line for line in ranked.stdout.splitlines() if "KPU" in line]
    assert len(rows) == 10 and "5103" in rows[0] and "36,01" in rows[0]

    report = tmp_path / "lke-5103.xlsx"
    written = zibot("lke", "report", "--satker", "5103", str(report))
    assert written.exit_code == 0, written.output
    book = load_workbook(report)
    assert book.sheetnames == ["Ringkasan", "LKE 5103"]
    summary = book["Ringkasan"]
    assert "area total (pemenuhan+reform)" in summary["A3"].value
    assert len(summary._charts) == 1
    sheet = book["LKE 5103"]
    rows_by_code = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows_by_code) == 110 + 3
    pw = rows_by_code["PW.R2.a"]
    assert pw[8] == "a=4; b=0; c=2" and pw[9] == 0.5 and pw[10] == 1.5
    assert rows_by_code["MP.P1.a"][11] == "MP-01 (Terverifikasi)"
    assert rows_by_code["ipak"][7] == "3.62"

    everyone = tmp_path / "lke-semua.xlsx"
    assert zibot("lke", "report", str(everyone)).exit_code == 0
    book = load_workbook(everyone)
    assert len(book.sheetnames) == 11 and book["Ringkasan"]["B7"].value == "5103"
    assert zibot("lke", "report", str(tmp_path / "x.csv")).exit_code == 1


def test_linked_item_states_cost_no_query_per_item(planned: sessionmaker[Session]) -> None:
    with planned.begin() as session:
        for item in ("MP-01", "MP-02", "MP-03"):
            lke.link_item(session, item=item, question="MP.P1.a", year=2026, now=NOW, actor="t")
        for code in ("5101", "5103"):
            for item in ("MP-01", "MP-02"):
                t = target(session, code, item)
                t.status = "selesai"
                bukti(session, t, "diterima")
                bukti(session, t)
    with planned() as session:
        satkers = list(session.scalars(select(Satker).order_by(Satker.code)))
        lke.latest_version(session)  # the worksheet row, loaded once either way
        statements: list[str] = []

        def seen(*args: object) -> None:
            statements.append(str(args[2]))

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            states = lke.load_many(session, satkers, 2026)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert len(states) == len(satkers) == 10
        assert len(statements) <= 6, statements  # not one per satker or per item
        by_code = {s.satker_code: s for s in states}
        assert [i.state for i in by_code["5103"].links["MP.P1.a"]][:2] == [
            ItemState.MENUNGGU_VERIFIKASI,
            ItemState.MENUNGGU_VERIFIKASI,
        ]
