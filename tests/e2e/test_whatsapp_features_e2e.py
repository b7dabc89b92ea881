"""The assessors' WhatsApp words end to end: the real ``zibot serve``, its Graph API the local
stand-in that enforces Meta's limits (tests/e2e/graphapi.py), signed webhook bodies.

``lke MP`` walks the worksheet by list rows (the answer stored), ``progres nilai`` answers the
projection in messages within 4,096 characters, and ``contoh MP-01`` sends another satker's
shared, accepted file as a document uploaded through the Graph API's media endpoint, and a
province admin reviews on WhatsApp (``verifikasi``, Tolak, the reason as the next text) while
the uploader is told the outcome on WhatsApp.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import BuktiDukung, LkeAnswer, RencanaAksi, Satker, Target

from .conftest import PROVINCE
from .test_whatsapp_e2e import Server
from .test_whatsapp_e2e import server as server  # the module's zibot serve

PDF = b"%PDF-1.4\n% SK Tim ZI Jembrana\n%%EOF\n"


@pytest.fixture
def wa(server: Server) -> Iterator[Server]:
    if not server.deployment.running:
        pytest.fail("zibot serve is no longer running", pytrace=False)
    yield server


def test_lke_walk_by_list_rows_then_progres_nilai(wa: Server) -> None:
    person = wa.registered(name="Komang")
    card = wa.say(person, "lke MP")
    assert "*MP.P1.a*" in card.text, card.text
    assert [title for _, title, _ in card.rows] == ["Ya", "Tidak", "Kriteria", "Lewati", "Selesai"]
    saved = wa.press(person, card, "Ya")
    assert saved.text.startswith("✓ Tersimpan — MP.P1.a: Ya") and "*MP.P1.b*" in saved.text
    with wa.deployment.db() as session:
        [answer] = session.scalars(select(LkeAnswer).where(LkeAnswer.question == "MP.P1.a"))
        assert answer.choice == "Ya"
    stopped = wa.press(person, saved, "Selesai")
    assert stopped.text.startswith("Penilaian mandiri dihentikan")

    before = len(wa.graph.sent)
    nilai = wa.say(person, "progres nilai")
    assert nilai.text.startswith("📈 *Proyeksi nilai LKE — KPU Kabupaten Badung*"), nilai.text
    minimums = wa.graph.wait_for(
        lambda m: m.to == person.user_id and "Minimum WBK" in m.text, timeout=15
    )
    assert wa.graph.sent.index(minimums) >= before
    assert all(len(m.text) <= 4096 for m in wa.graph.sent[before:])


def test_contoh_sends_a_shared_file_as_a_document(wa: Server) -> None:
    with wa.deployment.db() as session:
        jembrana = session.scalars(select(Satker).where(Satker.code == "5101")).one()
        jembrana.share_evidence = True
        target = session.scalars(
            select(Target).join(RencanaAksi)
            .where(Target.satker_id == jembrana.id, RencanaAksi.code == "MP-01")
        ).one()  # fmt: skip
        folder = wa.deployment.evidence_dir / "contoh-e2e"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sk.pdf").write_bytes(PDF)
        target.status = "selesai"
        session.add(
            BuktiDukung(
                target_id=target.id, path="contoh-e2e/sk.pdf", original_name="SK Tim ZI.pdf",
                size=len(PDF), mime_type="application/pdf",
                sha256=hashlib.sha256(PDF).hexdigest(), channel="telegram",
                created_at=datetime(2026, 11, 20, tzinfo=UTC), review_status="diterima",
                reviewed_at=datetime(2026, 11, 21, tzinfo=UTC),
            )
        )  # fmt: skip
        session.commit()
    person = wa.registered(name="Gede")
    offer = wa.say(person, "contoh MP-01")
    assert "KPU Kabupaten Jembrana" in offer.text, offer.text
    titles = [title for _, title in offer.buttons] + [title for _, title, _ in offer.rows]
    [title] = [t for t in titles if t.startswith("1. SK Tim ZI")]
    document = wa.press(person, offer, title)
    assert document.type == "document", document
    assert "KPU Kabupaten Jembrana" in document.text  # the caption
    assert [m.data for m in wa.graph.media_uploads if m.data == PDF] == [PDF]


def test_verifikasi_on_whatsapp_rejects_with_a_reason_and_the_uploader_is_told(
    wa: Server,
) -> None:
    agen = wa.registered(name="Nyoman")
    wa.say(agen, "bukti MP-03")
    media = wa.graph.add_media(b"%PDF-1.4 daftar hadir", "application/pdf", "daftar-hadir.pdf")
    wa.deliver(wa.graph.document_message_body(agen.wa_id, media, user_id=agen.user_id))
    admin = wa.person("Ayu")
    joined = wa.say(admin, f"daftar {wa.deployment.invite(PROVINCE, 'admin')}")
    assert joined.text.startswith("Pendaftaran berhasil"), joined.text

    head = wa.say(admin, "verifikasi")
    assert head.text.startswith("🔎 *Menunggu verifikasi"), head.text
    entry = wa.graph.wait_for(
        lambda m: m.to == admin.user_id and "daftar-hadir.pdf" in m.text and bool(m.buttons),
        timeout=15,
    )
    assert [title for _, title in entry.buttons] == ["📎 Kirim file", "✅ Terima", "❌ Tolak"]
    asked = wa.press(admin, entry, "❌ Tolak")
    assert asked.text.startswith("Tulis alasan penolakan daftar-hadir.pdf"), asked.text
    done = wa.say(admin, "Daftar hadir belum ditandatangani")
    assert done.text.startswith("❌ Bukti dukung daftar-hadir.pdf (MP-03"), done.text
    told = wa.graph.wait_for(
        lambda m: m.to == agen.user_id and "Daftar hadir belum ditandatangani" in m.text,
        timeout=20,
    )
    assert "daftar-hadir.pdf" in told.text
    with wa.deployment.db() as session:
        row = session.scalars(
            select(BuktiDukung).where(BuktiDukung.original_name == "daftar-hadir.pdf")
        ).one()
        assert (row.review_status, row.review_reason) == (
            "ditolak",
            "Daftar hadir belum ditandatangani",
        )
