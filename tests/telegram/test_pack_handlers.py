"""/paketbukti through ``Application.process_update`` over the offline Bot API: the pack comes
as a ZIP document when it fits Telegram's upload limit, otherwise a message pointing to
``zibot bukti-pack``; only the province builds another satker's pack."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from offline import (
    NOW,
    BotHarness,
    TgChat,
    TgUser,
    add_user,
    import_sample,
    link_group,
    only_reply,
    sent,
    target_of,
)
from sqlalchemy.orm import Session, sessionmaker

from models import BuktiDukung
from services import texts

AGEN = TgUser(2001, "Made", "Agen")  # agen, KPU Kabupaten Badung (5103)
PIMPINAN = TgUser(2003, "Ketua", "Badung")  # pimpinan, Badung
ADMIN = TgUser(2004, "Ayu", "Provinsi")  # admin, KPU Provinsi Bali (51)
BADUNG_GROUP = TgChat.group(-1005103, "ZI KPU Badung")
PROVINCE_GROUP = TgChat.group(-1000051, "Koordinasi ZI Bali")
PDF = b"%PDF-1.4\n% bukti dukung\n"


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> None:
    import_sample(sessions)
    add_user(sessions, AGEN, "agen", "5103")
    add_user(sessions, PIMPINAN, "pimpinan", "5103")
    add_user(sessions, ADMIN, "admin", "51")
    link_group(sessions, BADUNG_GROUP, "5103")
    link_group(sessions, PROVINCE_GROUP, None)


def upload(tg: BotHarness, code: str, name: str, data: bytes) -> None:
    prompt = only_reply(tg.send(AGEN, BADUNG_GROUP, f"/bukti {code}"))
    tg.document(AGEN, BADUNG_GROUP, name, data, reply_to=prompt.message)


def test_paketbukti_in_the_satker_group_sends_the_zip(tg: BotHarness, people: None) -> None:
    upload(tg, "MP-01", "SK Tim ZI.pdf", PDF)
    upload(tg, "PP-02", "Maklumat.pdf", PDF + b"2")
    calls = sent(tg.send(AGEN, BADUNG_GROUP, "/paketbukti"))
    assert [c.method for c in calls] == ["sendMessage", "sendDocument"]
    assert calls[0].text == texts.PACK_BUILDING
    document = calls[1]
    name, content, _ = document.files["document"]
    assert name == "bukti-5103-2026.zip"
    assert "Paket bukti dukung KPU Kabupaten Badung" in document.visible
    assert "2 berkas" in document.visible
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert names[-2:] == ["index.xlsx", "index.html"]
        assert names[0].endswith("/SK Tim ZI.pdf") and names[0].startswith("01 MP")
        assert hashlib.sha256(archive.read(names[0])).hexdigest() == hashlib.sha256(PDF).hexdigest()
        assert names[1].endswith("/Maklumat.pdf")


def test_the_province_names_the_satker_and_others_are_refused(tg: BotHarness, people: None) -> None:
    upload(tg, "MP-01", "SK Tim ZI.pdf", PDF)
    asked = only_reply(tg.send(ADMIN, PROVINCE_GROUP, "/paketbukti"))
    assert asked.visible == texts.PACK_NAME_SATKER
    calls = sent(tg.send(ADMIN, PROVINCE_GROUP, "/paketbukti 5103"))
    assert calls[-1].method == "sendDocument"

    refused = only_reply(tg.send(AGEN, TgChat.private(AGEN), "/paketbukti 5101"))
    assert refused.visible == texts.PACK_FORBIDDEN_OTHER.format(name="KPU Kabupaten Jembrana")
    refused = only_reply(tg.send(PIMPINAN, BADUNG_GROUP, "/paketbukti"))
    assert refused.visible == texts.PACK_FORBIDDEN_ROLE


def test_a_pack_over_the_upload_limit_points_to_the_command_line(
    tg: BotHarness, people: None, sessions: sessionmaker[Session], evidence_dir: Path
) -> None:
    with sessions.begin() as session:  # a 60 MB video-sized record (never read: refused first)
        target = target_of(session, "5103", "MP-01")
        session.add(
            BuktiDukung(
                target_id=target.id,
                path="2026/5103/MP/MP-01/besar.pdf",
                original_name="besar.pdf",
                size=60_000_000,
                sha256="0" * 64,
                created_at=NOW,
            )
        )
    refusal = only_reply(tg.send(AGEN, BADUNG_GROUP, "/paketbukti"))
    assert refusal.method == "sendMessage"
    assert "zibot bukti-pack --satker 5103 --year 2026" in refusal.visible
    assert "62 MB" in refusal.visible and "50 MB" in refusal.visible
    assert not list(evidence_dir.rglob("*.zip"))


def test_bantuan_lists_paketbukti_for_agen(tg: BotHarness, people: None) -> None:
    assert "/paketbukti" in only_reply(tg.send(AGEN, TgChat.private(AGEN), "/bantuan")).visible
    assert (
        "/paketbukti"
        not in only_reply(tg.send(PIMPINAN, TgChat.private(PIMPINAN), "/bantuan")).visible
    )
