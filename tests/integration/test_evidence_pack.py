"""The evidence pack against real databases (SQLite, and PostgreSQL when configured): the ZIP
holds every file of the database in assessor order with equal checksums, index.xlsx says the
same, and index.html opens in a real headless chromium whose every link is followed.

KPU Kabupaten Badung (5103) uploads, through the use case, files for PP-01, MP-01 (two), TL-02,
SDM-01 and AK-01; Jembrana (5101) one for MP-01. Then SDM-01's file is deleted from the disk
and AK-01's is changed on disk; MP-01's files are accepted and TL-02's rejected.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin
from zoneinfo import ZoneInfo

import pytest
from browser import ERROR_PAGE, browser
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from models import Area, BuktiDukung, RencanaAksi, Satker, Target, User
from services import catalog, evidence_pack, texts
from services.errors import ZibotError
from services.importer import import_plan
from services.usecases.paket import PackTooBig
from services.zi import Caller, Forbidden, Zibot

WITA = ZoneInfo("Asia/Makassar")
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00 WITA

AGEN, AGEN_JEMBRANA, KETUA, ADMIN, ADMIN_BADUNG, VERIFIKATOR = (
    510301, 510101, 510311, 510001, 510399, 510002,
)  # fmt: skip
PDF = b"%PDF-1.4\n% bukti\n%%EOF\n"
UPLOADS = (  # (telegram id, item, file name, data, mime)
    (AGEN, "PP-01", "Survei layanan.pdf", PDF + b"pp", "application/pdf"),
    (AGEN, "MP-01", "SK Tim ZI.pdf", PDF + b"sk", "application/pdf"),
    (AGEN, "MP-01", "foto kegiatan #1 100%.txt", "Rapat tim ZI, ½ hari".encode(), "text/plain"),
    (AGEN, "TL-02", "<script>alert(1)</script> & SOP.txt", b"SOP", "text/plain"),
    (AGEN, "SDM-01", "hilang.txt", b"akan dihapus", "text/plain"),
    (AGEN, "AK-01", "berubah.txt", b"isi asli", "text/plain"),
    (AGEN_JEMBRANA, "MP-01", "SK Jembrana.pdf", PDF + b"jembrana", "application/pdf"),
)


def private(telegram_id: int) -> Caller:
    return Caller("telegram", str(telegram_id), True, str(telegram_id))


@dataclass
class World:
    sessions: sessionmaker[Session]
    zi: Zibot
    evidence_dir: Path


@pytest.fixture
def world(sessions: sessionmaker[Session], tmp_path: Path) -> World:
    people = (
        (AGEN, "Made <Agen>", "agen", "5103"),
        (AGEN_JEMBRANA, "Komang", "agen", "5101"),
        (KETUA, "Ketua Badung", "pimpinan", "5103"),
        (ADMIN, "Ayu Provinsi", "admin", "51"),
        (ADMIN_BADUNG, "Admin Badung", "admin", "5103"),
        (VERIFIKATOR, "Verifikator", "verifikator", "51"),
    )
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        for telegram_id, name, role, code in people:
            session.add(
                User(
                    name=name,
                    role=role,
                    satker_id=catalog.find_satker(session, code).id,
                    telegram_id=telegram_id,
                    created_at=IMPORTED,
                )
            )
    evidence_dir = tmp_path / "bukti"
    zi = Zibot(sessions, lambda: FRIDAY, WITA, evidence_dir)
    for who, code, name, data, mime in UPLOADS:
        slot = zi.evidence_slot(private(who), code)
        zi.store_evidence(private(who), slot, data, name, mime)
    with sessions.begin() as session:
        records = {r.original_name: r for r in session.scalars(select(BuktiDukung))}
        (evidence_dir / records["hilang.txt"].path).unlink()
        (evidence_dir / records["berubah.txt"].path).write_bytes(b"isi lain")
        for name in ("SK Tim ZI.pdf", "foto kegiatan #1 100%.txt"):  # MP-01: verified
            records[name].review_status, records[name].reviewed_at = "diterima", FRIDAY
        rejected = records["<script>alert(1)</script> & SOP.txt"]
        rejected.review_status, rejected.review_reason = "ditolak", "SOP belum <ditandatangani>"
        for target in session.scalars(select(Target).join(Satker).where(Satker.code == "5103")):
            target.status = "selesai"
    return World(sessions, zi, evidence_dir)


def build(world: World, out: Path, code: str = "5103") -> evidence_pack.PackResult:
    with world.sessions() as session:
        satker = catalog.find_satker(session, code)
        plan = evidence_pack.collect(session, satker, 2026, tz=WITA)
    return evidence_pack.write_pack(plan, world.evidence_dir, out, built_at=FRIDAY.astimezone(WITA))


def expected_order(world: World, code: str) -> list[BuktiDukung]:
    """The satker's evidence records in assessor order: area, item code, upload."""
    with world.sessions() as session:
        return list(
            session.scalars(
                select(BuktiDukung)
                .join(Target, Target.id == BuktiDukung.target_id)
                .join(Satker, Satker.id == Target.satker_id)
                .join(RencanaAksi, RencanaAksi.id == Target.item_id)
                .join(Area, Area.id == RencanaAksi.area_id)
                .where(Satker.code == code)
                .order_by(Area.position, RencanaAksi.code, BuktiDukung.created_at, BuktiDukung.id)
            )
        )


def test_pack_holds_every_file_of_the_database_in_assessor_order(
    world: World, tmp_path: Path
) -> None:
    out = tmp_path / "pack.zip"
    result = build(world, out)
    records = expected_order(world, "5103")
    assert (result.files, result.packed, result.missing, result.changed) == (6, 5, 1, 1)

    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[-2:] == ["index.xlsx", "index.html"]
        files = names[:-2]
        present = [r for r in records if r.original_name != "hilang.txt"]
        assert len(files) == len(present)
        for arcname, record in zip(files, present, strict=True):
            data = archive.read(arcname)
            assert arcname.endswith(Path(record.path).name)
            if record.original_name == "berubah.txt":
                assert hashlib.sha256(data).hexdigest() != record.sha256
            else:
                assert hashlib.sha256(data).hexdigest() == record.sha256
                assert len(data) == record.size
        # area folders in the areas' order, item folders in code order inside them
        folders = [name.split("/")[0] for name in files]
        assert folders == sorted(folders)
        assert files[0].startswith("01 MP - Manajemen Perubahan/MP-01 - ")
        assert any("PP-01" in name for name in files[-1:])
        # Jembrana's file is not in Badung's pack
        assert not any("Jembrana" in name for name in names)


def test_index_xlsx_lists_items_files_checksums_and_reviews(world: World, tmp_path: Path) -> None:
    out = tmp_path / "pack.zip"
    build(world, out)
    with zipfile.ZipFile(out) as archive:
        book = load_workbook(io.BytesIO(archive.read("index.xlsx")))
    sheet = book[texts.PACK_SHEET_TITLE]
    rows = list(sheet.iter_rows(values_only=True))
    assert "KPU Kabupaten Badung" in str(rows[0][0])
    assert rows[2] == texts.PACK_COLUMNS
    body = rows[3:]
    with world.sessions() as session:
        items = session.scalar(select(Target.id).join(Satker).where(Satker.code == "5103").limit(1))
        total = len(list(session.scalars(select(Target).join(Satker).where(Satker.code == "5103"))))
    assert items is not None
    # one row per file, plus one per item without a file: 6 files over 5 items
    assert len(body) == total - 5 + 6
    by_name = {row[6]: row for row in body}
    for record in expected_order(world, "5103"):
        row = by_name[record.original_name]
        assert row[7] == record.size
        assert row[10] == "Made <Agen>"
        if record.original_name == "berubah.txt":
            assert row[8] == hashlib.sha256(b"isi lain").hexdigest()
            assert row[9] == texts.PACK_FILE_STATES["berubah"]
        else:
            assert row[8] == record.sha256
    assert by_name["hilang.txt"][9] == texts.PACK_FILE_STATES["hilang"]
    assert by_name["hilang.txt"][13] in (None, "")
    assert by_name["SK Tim ZI.pdf"][12] == "Diterima"
    assert by_name["SK Tim ZI.pdf"][5] == "Terverifikasi"
    assert by_name["<script>alert(1)</script> & SOP.txt"][12] == (
        "Ditolak: SOP belum <ditandatangani>"
    )
    assert by_name["Survei layanan.pdf"][5] == "Menunggu verifikasi"
    assert by_name[texts.PACK_NO_FILE][5] == "Selesai"
    # the rows follow the assessor order
    codes = [row[1] for row in body]
    areas = [row[0] for row in body]
    assert areas.index("PP") > areas.index("MP")
    assert codes.index("MP-01") < codes.index("MP-02")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")


def _unpacked(out: Path, folder: Path) -> Path:
    with zipfile.ZipFile(out) as archive:
        archive.extractall(folder)
    return folder / "index.html"


def broken_links(page: Path) -> list[str]:
    """Links of the unzipped page whose target is not on disk (checked without a browser)."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.links
    return [h for h in parser.links if not (page.parent / unquote(h)).is_file()]


def followed_in_browser(page: Path) -> tuple[int, list[str]]:
    """Open the page in headless chromium, follow every link; (links, those that failed)."""
    failed: list[str] = []
    with browser() as chromium:
        chromium.open(page.as_uri())
        assert chromium.run("return document.title;").startswith("Paket bukti dukung")
        links = chromium.run("return Array.from(document.links).map(a => a.href);")
        for link in links:
            chromium.open(link)
            if chromium.url.startswith(ERROR_PAGE) or chromium.url != link:
                failed.append(link)
    return len(links), failed


def test_index_html_opens_offline_and_every_link_loads_in_chromium(
    world: World, tmp_path: Path
) -> None:
    out = tmp_path / "pack.zip"
    build(world, out)
    page = _unpacked(out, tmp_path / "unzipped")
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html  # user text is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; SOP.txt" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from a network
    assert broken_links(page) == []

    count, failed = followed_in_browser(page)
    assert count == 5  # every packed file; the missing one is listed, not linked
    assert failed == []

    with browser() as chromium:
        chromium.open(page.as_uri())
        text = chromium.run("return document.body.innerText;")
        assert "hilang.txt (BERKAS HILANG dari penyimpanan)" in text
        assert "<script>alert(1)</script> & SOP.txt" in text
        visible = "return Array.from(document.querySelectorAll('#items tr'))" + (
            ".filter(r => r.style.display !== 'none').map(r => r.cells[1].textContent);"
        )
        everything = chromium.run(visible)
        chromium.run(
            "var s = document.getElementById('area'); s.value = 'TL';"
            "s.dispatchEvent(new Event('change'));"
        )
        assert set(chromium.run(visible)) == {c for c in everything if c.startswith("TL-")}
        chromium.run(
            "var s = document.getElementById('status'); s.value = 'Terverifikasi';"
            "s.dispatchEvent(new Event('change'));"
        )
        assert chromium.run(visible) == []  # TL and verified: nothing
        chromium.run(
            "var s = document.getElementById('area'); s.value = '';"
            "s.dispatchEvent(new Event('change'));"
        )
        assert chromium.run(visible) == ["MP-01"]


def test_a_broken_link_is_caught_by_both_checks(world: World, tmp_path: Path) -> None:
    out = tmp_path / "pack.zip"
    build(world, out)
    page = _unpacked(out, tmp_path / "unzipped")
    victim = next(p for p in page.parent.rglob("*.pdf"))
    victim.unlink()
    assert len(broken_links(page)) == 1
    _, failed = followed_in_browser(page)
    assert len(failed) == 1 and failed[0].endswith(victim.name.replace(" ", "%20"))


def test_cli_writes_the_pack_and_names_the_problems(
    world: World, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZIBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("ZIBOT_EVIDENCE_DIR", str(world.evidence_dir))
    result = CliRunner().invoke(app, ["bukti-pack", "--satker", "5103", "badung.zip"])
    assert result.exit_code == 0, result.output
    assert "5 berkas" in result.stdout
    assert "1 berkas tidak ada" in result.stderr
    with zipfile.ZipFile(tmp_path / "badung.zip") as archive:
        assert len(archive.namelist()) == 5 + 2
    wrong = CliRunner().invoke(app, ["bukti-pack", "--satker", "5103", "badung.tar"])
    assert wrong.exit_code == 1 and texts.CLI_PACK_NEEDS_ZIP in wrong.stderr
    unknown = CliRunner().invoke(app, ["bukti-pack", "--satker", "9999", "x.zip"])
    assert unknown.exit_code == 1 and not (tmp_path / "x.zip").exists()


def test_who_may_build_whose_pack(world: World, tmp_path: Path) -> None:
    zi = world.zi
    own = zi.evidence_pack(private(AGEN), "", tmp_path, None)
    assert (own.satker.code, own.result.packed, own.file_name) == ("5103", 5, "bukti-5103-2026.zip")
    assert zi.evidence_pack(private(ADMIN_BADUNG), "5103", tmp_path, None).satker.code == "5103"
    assert zi.evidence_pack(private(ADMIN), "5101", tmp_path, None).result.packed == 1
    assert zi.evidence_pack(private(VERIFIKATOR), "5103", tmp_path, None).result.packed == 5
    with pytest.raises(Forbidden, match="satker Anda sendiri"):
        zi.evidence_pack(private(AGEN), "5101", tmp_path, None)
    with pytest.raises(Forbidden, match="satker Anda sendiri"):
        zi.evidence_pack(private(ADMIN_BADUNG), "5101", tmp_path, None)
    with pytest.raises(Forbidden, match="admin atau agen"):
        zi.evidence_pack(private(KETUA), "", tmp_path, None)
    with pytest.raises(ZibotError):
        zi.evidence_pack(private(999), "", tmp_path, None)


def test_a_pack_too_big_for_telegram_points_to_the_command_line(
    world: World, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(PackTooBig) as refused:
        world.zi.evidence_pack(private(AGEN), "", folder, 1024 * 1024)
    assert "zibot bukti-pack --satker 5103 --year 2026" in str(refused.value)
    assert list(folder.iterdir()) == []  # refused before anything was written


def test_href_encodes_every_part() -> None:
    assert (
        evidence_pack.href("01 MP/MP-01 - a#b/x %1?.txt")
        == "01%20MP/MP-01%20-%20a%23b/x%20%251%3F.txt"
    )
    assert (
        urljoin("file:///p/index.html", evidence_pack.href("a b/c.txt")) == "file:///p/a%20b/c.txt"
    )


def test_a_pack_that_fails_half_way_leaves_no_file(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(evidence_pack, "index_html", boom)
    out = tmp_path / "pack.zip"
    with pytest.raises(OSError, match="No space"):
        build(world, out)
    assert list(tmp_path.glob("*pack.zip*")) == []
