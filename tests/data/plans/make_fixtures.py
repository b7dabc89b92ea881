"""Workbooks laid out like the public Zona Integritas action plans of other offices.

Each fixture is modelled on a kind of layout that real, published plans use (KPU, BPS,
Kemenkeu, pengadilan and Kemenag offices), with made-up content, and carries the exact items a
correct import must yield.  ``python tests/data/plans/make_fixtures.py [DIR]`` writes the
workbooks (by default next to this script); the tests build them afresh in a temporary folder.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill

Cell = object
SHADE = PatternFill(fill_type="solid", fgColor="92D050")  # the green most plans use
HEAD = PatternFill(fill_type="solid", fgColor="D9D9D9")  # grey heading rows


@dataclass(frozen=True)
class Item:
    """One item a correct import yields."""

    code: str
    area: str
    activity: str
    bukti: str
    tenggat: date
    group: str = ""


@dataclass
class Sheet:
    """One worksheet: rows from row 1, merged ranges and filled cells."""

    name: str
    rows: list[list[Cell]]
    merges: list[str] = field(default_factory=list)
    fills: dict[str, PatternFill] = field(default_factory=dict)


@dataclass(frozen=True)
class Fixture:
    """A workbook, what it models, and what it must yield."""

    name: str
    model: str
    sheets: Callable[[], list[Sheet]]
    year: int
    items: tuple[Item, ...]

    def write(self, folder: Path) -> Path:
        """Write the workbook into ``folder``; return its path."""
        return write_workbook(folder / self.name, self.sheets())


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """An XLSX holding ``sheets`` in order."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name)
        for r, values in enumerate(spec.rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
        for ref, fill in spec.fills.items():
            sheet[ref].fill = fill
        for ref in spec.merges:
            sheet.merge_cells(ref)
    workbook.save(path)
    return path


def xl_date(year: int, month: int, day: int) -> datetime:
    """A date cell as openpyxl reads it back."""
    return datetime.combine(date(year, month, day), time.min)


def col(index: int) -> str:
    """Column letter of a 1-based index (A..Z is enough here)."""
    return chr(ord("A") + index - 1)


# --- 1. KPU: "Rencana Kerja" and "Produk Output" ------------------------------------------


def kpu_produk_output() -> list[Sheet]:
    rows: list[list[Cell]] = [
        ["RENCANA AKSI PEMBANGUNAN ZONA INTEGRITAS MENUJU WBK"],
        ["KPU KABUPATEN TABANAN TAHUN 2026"],
        [],
        ["No", "Rencana Kerja", "Produk Output", "Batas Waktu", "Penanggung Jawab", "Keterangan"],
        ["A.", "MANAJEMEN PERUBAHAN"],
        [1, "Pembentukan Tim Kerja ZI", "SK Tim Kerja ZI", "31 Januari 2026", "Sekretaris", None],
        [2, "Penyusunan rencana kerja ZI", "Dokumen rencana kerja", xl_date(2026, 2, 27),
         "Kasubbag Umum", "sudah"],
        [3, "Sosialisasi ZI kepada pegawai", "Notulen dan daftar hadir", "31 Maret 2026",
         "Sekretaris", None],
        ["B.", "PENGUATAN AKUNTABILITAS"],
        [1, "Penyusunan perjanjian kinerja", "Dokumen PK", "27 Februari 2026", "Kasubbag PDI",
         None],
        [2, "Laporan kinerja triwulan", "Laporan kinerja", "31 Desember 2026", "Kasubbag PDI",
         None],
        [],
        [None, None, None, "Tabanan, 5 Januari 2026"],
        [None, None, None, "Sekretaris KPU Kabupaten Tabanan"],
    ]  # fmt: skip
    return [Sheet("RA ZI", rows, merges=["B5:F5", "B9:F9"])]


KPU_PRODUK_OUTPUT = Fixture(
    "kpu_produk_output.xlsx",
    "KPU: 'Rencana Kerja' and 'Produk Output' headers, area rows 'A. MANAJEMEN PERUBAHAN'",
    kpu_produk_output,
    2026,
    (
        Item("MP-01", "MP", "Pembentukan Tim Kerja ZI", "SK Tim Kerja ZI", date(2026, 1, 31)),
        Item("MP-02", "MP", "Penyusunan rencana kerja ZI", "Dokumen rencana kerja",
             date(2026, 2, 27)),
        Item("MP-03", "MP", "Sosialisasi ZI kepada pegawai", "Notulen dan daftar hadir",
             date(2026, 3, 31)),
        Item("AK-01", "AK", "Penyusunan perjanjian kinerja", "Dokumen PK", date(2026, 2, 27)),
        Item("AK-02", "AK", "Laporan kinerja triwulan", "Laporan kinerja", date(2026, 12, 31)),
    ),
)  # fmt: skip


# --- 2. BPS: two levels, two "Uraian", a fill-only quarter grid ----------------------------


def bps_two_levels() -> list[Sheet]:
    header_top: list[Cell] = [
        "Rencana Aksi",
        None,
        "Rincian Kegiatan",
        None,
        "Target",
        None,
        None,
        None,
        None,
        None,
        "Penanggung Jawab",
    ]
    header_sub: list[Cell] = [
        "No",
        "Uraian",
        "No",
        "Uraian",
        "Output",
        "Jumlah",
        "TW I",
        "TW II",
        "TW III",
        "TW IV",
        None,
    ]
    rows: list[list[Cell]] = [
        ["RENCANA AKSI PEMBANGUNAN ZONA INTEGRITAS BPS KABUPATEN BULELENG TAHUN 2026"],
        [],
        header_top,
        header_sub,
        ["I. KOMPONEN MANAJEMEN PERUBAHAN"],
        # merged layout: the rencana aksi spans its rincian rows
        [1, "Pembentukan tim ZI", 1, "Rapat pembentukan tim", "Notulen rapat", 1, None, None,
         None, None, "Kepala"],
        [1, "Pembentukan tim ZI", 2, "Penetapan SK tim", "SK Tim ZI", 1, None, None, None,
         None, "Kepala"],
        [2, "Monitoring pembangunan ZI", 1, "Monev triwulanan", "Laporan monev", 4, None,
         None, None, None, "Tim ZI"],
        ["II. KOMPONEN PENATAAN TATALAKSANA"],
        # separate layout: the rencana aksi on its own row, rincian below
        [1, "Penerapan SPBE", None, None, None, None, None, None, None, None, None],
        [None, None, 1, "Penggunaan e-office", "Laporan penggunaan", 1, None, None, None,
         None, "IPDS"],
        [None, None, 2, "Pemutakhiran website", "Tangkapan layar", 2, None, None, None,
         None, "IPDS"],
        [],
        ["Keterangan :"],
        [None, None, None, None, None, None, None, "Target pelaksanaan"],
        [],
        [None, None, None, None, None, None, None, None, "Kepala BPS Kabupaten Buleleng"],
        [None, None, None, None, None, None, None, None, "ttd"],
        [None, None, None, None, None, None, None, None, "Made Arsana, S.Si"],
    ]  # fmt: skip
    fills = {f"{c}5": HEAD for c in "ABCDEFGHIJK"} | {f"{c}9": HEAD for c in "ABCDEFGHIJK"}
    fills |= {"G6": SHADE, "G7": SHADE, "H7": SHADE}  # quarters I; I..II
    fills |= {"G8": SHADE, "H8": SHADE, "I8": SHADE, "J8": SHADE}
    fills |= {"H11": SHADE, "I12": SHADE, "J12": SHADE}
    fills |= {"G15": SHADE}  # the legend's colour box
    merges = ["A3:B3", "C3:D3", "E3:J3", "K3:K4", "A5:K5", "A9:K9", "A6:A7", "B6:B7"]
    return [Sheet("Sheet1", rows, merges=merges, fills=fills)]


BPS_TWO_LEVELS = Fixture(
    "bps_rencana_aksi.xlsx",
    "BPS: 'Rencana Aksi' and 'Rincian Kegiatan' each over 'No | Uraian', 'Target' over "
    "'Output | Jumlah | TW I..IV' marked by fill only, legend and signature below, year in title",
    bps_two_levels,
    2026,
    (
        Item("MP-01", "MP", "Rapat pembentukan tim", "Notulen rapat", date(2026, 3, 31),
             "Pembentukan tim ZI"),
        Item("MP-02", "MP", "Penetapan SK tim", "SK Tim ZI", date(2026, 6, 30),
             "Pembentukan tim ZI"),
        Item("MP-03", "MP", "Monev triwulanan", "Laporan monev", date(2026, 12, 31),
             "Monitoring pembangunan ZI"),
        Item("TL-01", "TL", "Penggunaan e-office", "Laporan penggunaan", date(2026, 6, 30),
             "Penerapan SPBE"),
        Item("TL-02", "TL", "Pemutakhiran website", "Tangkapan layar", date(2026, 12, 31),
             "Penerapan SPBE"),
    ),
)  # fmt: skip


# --- 3. Kemenkeu: PENGUNGKIT / PEMENUHAN / REFORM, sub-indicators, merged evidence -------


def kemenkeu_components() -> list[Sheet]:
    rows: list[list[Cell]] = [
        ["RENCANA AKSI PEMBANGUNAN ZONA INTEGRITAS"],
        ["KPPN DENPASAR"],
        ["No", "Kegiatan", "Output", "Waktu Pelaksanaan", "PIC"],  # row 3
        ["A.", "PENGUNGKIT"],
        ["I.", "PEMENUHAN"],
        ["1.", "Manajemen Perubahan"],
        ["i.", "Penyusunan Tim Kerja"],
        ["1.1", "Pembentukan tim kerja", "SK Tim Kerja", "Januari 2026", "Kasubbag Umum"],  # 8
        [None, None, "Notulen rapat pembentukan"],  # 9: evidence continues, cells unmerged
        ["1.2", "Reviu tim kerja", "Laporan reviu", "Juni 2026", "Kasubbag Umum"],  # 10
        ["ii.", "Perubahan pola pikir dan budaya kerja"],
        ["2.1", "Penetapan agen perubahan", "SK agen perubahan", "Maret 2026", "Kepala"],  # 12
        ["2.", "Penataan Tatalaksana"],
        ["i.", "Keterbukaan Informasi Publik"],  # 'Publik' must not make it PP
        ["a.", "Publikasi informasi berkala", "Tautan website", "TW II", "Humas"],  # 15
        ["b.", "Layanan PPID", "Laporan PPID", "TW IV", "Humas"],
        ["ii.", "Sistem Pemerintahan Berbasis Elektronik (SPBE)"],  # 'Sistem' is not SDM
        ["a.", "Digitalisasi arsip", "Arsip digital", "Agustus 2026", "Umum"],  # 18
        [None, "Digitalisasi arsip", "Berita acara", "Agustus 2026", "Umum"],  # merged rows
        [None, "Digitalisasi arsip", "Foto kegiatan", "Agustus 2026", "Umum"],
        ["3.", "Penguatan Pengawasan"],
        ["i.", "Penerapan Sistem Pengendalian Intern Pemerintah (SPIP)"],
        ["1.1", "Penilaian risiko", "Peta risiko", "30 April 2026", "Kepatuhan Internal"],  # 23
        ["ii.", "Whistle-Blowing System"],
        ["2.1", "Sosialisasi WBS", "Notulen", "Mei 2026", "Kepatuhan Internal"],
        ["II.", "REFORM"],
        ["1.", "Manajemen Perubahan"],
        ["i.", "Komitmen Pimpinan"],
        ["1.1", "Apel komitmen pimpinan", "Foto apel", "Februari 2026", "Kepala"],  # 29
        ["2.", "Tatalaksana"],
        ["i.", "Transformasi Digital Memberikan Nilai Manfaat"],
        ["1.1", "Evaluasi aplikasi layanan", "Laporan evaluasi", "November 2026", "Umum"],
        ["3.", "Peningkatan Kualitas Pelayanan Publik"],
        ["i.", "Standar Pelayanan"],
        ["1.1", "Penetapan standar pelayanan", "SK standar pelayanan", "Maret 2026", "Kepala"],
        ["2.", "E-Office"],  # a numbered sub-indicator, not an area
        ["2.1", "Penerapan e-office layanan", "Laporan", "Juli 2026", "Umum"],  # 37
    ]
    merges = ["A18:A20", "B18:B20", "D18:D20", "E18:E20"]
    return [Sheet("Rencana Aksi", rows, merges=merges)]


KEMENKEU_COMPONENTS = Fixture(
    "kppn_rencana_aksi_2026.xlsx",
    "Kemenkeu: component rows A. PENGUNGKIT / I. PEMENUHAN / II. REFORM, area rows, "
    "sub-indicator rows with other areas' words, restarting numbers 1.1/a./i., merged evidence",
    kemenkeu_components,
    2026,
    (
        Item("MP-01", "MP", "Pembentukan tim kerja", "SK Tim Kerja; Notulen rapat pembentukan",
             date(2026, 1, 31), "Penyusunan Tim Kerja"),
        Item("MP-02", "MP", "Reviu tim kerja", "Laporan reviu", date(2026, 6, 30),
             "Penyusunan Tim Kerja"),
        Item("MP-03", "MP", "Penetapan agen perubahan", "SK agen perubahan", date(2026, 3, 31),
             "Perubahan pola pikir dan budaya kerja"),
        Item("TL-01", "TL", "Publikasi informasi berkala", "Tautan website", date(2026, 6, 30),
             "Keterbukaan Informasi Publik"),
        Item("TL-02", "TL", "Layanan PPID", "Laporan PPID", date(2026, 12, 31),
             "Keterbukaan Informasi Publik"),
        Item("TL-03", "TL", "Digitalisasi arsip", "Arsip digital; Berita acara; Foto kegiatan",
             date(2026, 8, 31), "Sistem Pemerintahan Berbasis Elektronik (SPBE)"),
        Item("PW-01", "PW", "Penilaian risiko", "Peta risiko", date(2026, 4, 30),
             "Penerapan Sistem Pengendalian Intern Pemerintah (SPIP)"),
        Item("PW-02", "PW", "Sosialisasi WBS", "Notulen", date(2026, 5, 31),
             "Whistle-Blowing System"),
        Item("MP-04", "MP", "Apel komitmen pimpinan", "Foto apel", date(2026, 2, 28),
             "Komitmen Pimpinan"),
        Item("TL-04", "TL", "Evaluasi aplikasi layanan", "Laporan evaluasi", date(2026, 11, 30),
             "Transformasi Digital Memberikan Nilai Manfaat"),
        Item("PP-01", "PP", "Penetapan standar pelayanan", "SK standar pelayanan",
             date(2026, 3, 31), "Standar Pelayanan"),
        Item("PP-02", "PP", "Penerapan e-office layanan", "Laporan", date(2026, 7, 31),
             "E-Office"),
    ),
)  # fmt: skip


# --- 4. KPU: one sheet per area, notes sheets ---------------------------------------------


def kpu_sheet_per_area() -> list[Sheet]:
    header: list[Cell] = ["No", "Kegiatan", "Bukti Dukung", "Tenggat", "PIC"]

    def area_sheet(name: str, items: list[list[Cell]]) -> Sheet:
        return Sheet(name, [[f"RENCANA AKSI ZI 2026 - {name.upper()}"], [], header, *items])

    return [
        Sheet("Petunjuk", [["Petunjuk pengisian"], ["Isi satu lembar untuk setiap area"],
                           ["Tenggat ditulis sebagai tanggal"]]),
        area_sheet("Manajemen Perubahan", [
            [1, "Pembentukan tim kerja", "SK tim", "2026-01-30", "Sekretaris"],
            [2, "Penyusunan road map", "Road map ZI", "2026-02-27", "Sekretaris"],
        ]),
        area_sheet("Tatalaksana", [
            [1, "Reviu SOP", "SOP hasil reviu", "2026-05-29", "Kasubbag Umum"],
        ]),
        area_sheet("Pelayanan Publik", [
            [1, "Survei kepuasan masyarakat", "Laporan SKM", "2026-11-30", "Kasubbag Teknis"],
            [2, "Maklumat pelayanan", "Foto maklumat", "2026-03-31", "Kasubbag Teknis"],
        ]),
        Sheet("Catatan", [["Catatan rapat 5 Januari 2026"], ["Lembar ini hanya catatan"]]),
    ]  # fmt: skip


KPU_SHEET_PER_AREA = Fixture(
    "kpu_per_area.xlsx",
    "KPU: one sheet per area (the sheet name is the area), a notes sheet before and after",
    kpu_sheet_per_area,
    2026,
    (
        Item("MP-01", "MP", "Pembentukan tim kerja", "SK tim", date(2026, 1, 30)),
        Item("MP-02", "MP", "Penyusunan road map", "Road map ZI", date(2026, 2, 27)),
        Item("TL-01", "TL", "Reviu SOP", "SOP hasil reviu", date(2026, 5, 29)),
        Item("PP-01", "PP", "Survei kepuasan masyarakat", "Laporan SKM", date(2026, 11, 30)),
        Item("PP-02", "PP", "Maklumat pelayanan", "Foto maklumat", date(2026, 3, 31)),
    ),
)  # fmt: skip


# --- 5. Pengadilan: header repeated per block, area title above it, "Tahun" cell -----------


def pengadilan_blocks() -> list[Sheet]:
    header: list[Cell] = [
        "No",
        "Rencana Aksi",
        "Data Dukung",
        "Target Waktu",
        "Penanggung Jawab",
        "Status",
    ]
    rows: list[list[Cell]] = [
        ["RENCANA AKSI ZONA INTEGRITAS PENGADILAN NEGERI GIANYAR"],
        ["Tahun", 2026],
        [],
        ["AREA I. MANAJEMEN PERUBAHAN"],  # 4: above the first header
        header,  # 5
        [1, "Pembentukan tim ZI", "SK Ketua", "Januari", "Panitera", "Selesai"],
        [2, "Penyusunan rencana kerja", "Dokumen rencana kerja", "Februari", "Sekretaris", None],
        [],
        ["AREA II. PENATAAN SISTEM MANAJEMEN SDM"],  # 9
        header,
        [1, "Analisis beban kerja", "Dokumen ABK", "April", "Kasubbag Kepegawaian", None],
        [],
        ["AREA III. PENGUATAN PENGAWASAN"],  # 13
        header,
        [1, "Pengendalian gratifikasi", "Laporan UPG", "Juni", "Hakim Pengawas", None],
        [2, "Penanganan pengaduan", "Register pengaduan", "Desember", "Hakim Pengawas", None],
    ]  # fmt: skip
    return [Sheet("RENJA ZI", rows)]


PENGADILAN_BLOCKS = Fixture(
    "pn_gianyar_ra.xlsx",
    "Pengadilan: the header repeated before every area block, the area title above it, "
    "months as deadlines, the year in a 'Tahun' cell",
    pengadilan_blocks,
    2026,
    (
        Item("MP-01", "MP", "Pembentukan tim ZI", "SK Ketua", date(2026, 1, 31)),
        Item("MP-02", "MP", "Penyusunan rencana kerja", "Dokumen rencana kerja",
             date(2026, 2, 28)),
        Item("SDM-01", "SDM", "Analisis beban kerja", "Dokumen ABK", date(2026, 4, 30)),
        Item("PW-01", "PW", "Pengendalian gratifikasi", "Laporan UPG", date(2026, 6, 30)),
        Item("PW-02", "PW", "Penanganan pengaduan", "Register pengaduan", date(2026, 12, 31)),
    ),
)  # fmt: skip


# --- 6. Kemenag: Program/Kegiatan, Indikator, Tim Kerja, one-cell sub-groups, month grid --


def kemenag_program() -> list[Sheet]:
    months = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    header_top: list[Cell] = [
        "No",
        "Program/Kegiatan",
        "Indikator",
        "Waktu Pelaksanaan",
        *[None] * 11,
        "Tim Kerja",
        "Keterangan",
    ]
    header_sub: list[Cell] = [None, None, None, *months, None, None]
    blank: list[Cell] = [None] * 12

    def grid(*marked: int) -> list[Cell]:
        cells = list(blank)
        for month in marked:
            cells[month - 1] = "v"
        return cells

    rows: list[list[Cell]] = [
        ["RENCANA KERJA PEMBANGUNAN ZONA INTEGRITAS"],
        ["KANTOR KEMENTERIAN AGAMA KABUPATEN KARANGASEM TAHUN 2026"],
        header_top,  # 3
        header_sub,  # 4
        ["(1)", "(2)", "(3)", "(4)", *[None] * 11, "(5)", "(6)"],
        ["I", "MANAJEMEN PERUBAHAN"],
        ["Sosialisasi dan internalisasi"],  # 7: one-cell sub-group
        [1, "Sosialisasi ZI", "Notulen sosialisasi", *grid(2, 3), "Tim MP", None],
        [2, "Pemasangan banner ZI", "Foto banner", *grid(4), "Tim MP", "anggaran DIPA"],
        ["II", "PENATAAN TATALAKSANA"],
        [1, "Penerapan SRIKANDI", "Laporan penggunaan", *grid(6, 9), "Tim TL", None],
        ["III", "PENINGKATAN KUALITAS PELAYANAN PUBLIK"],
        ["Budaya Pelayanan Prima"],  # a sub-indicator heading
        [1, "Pelatihan pelayanan prima", "Sertifikat", *grid(5), "Tim PP", None],
        [2, "Survei kepuasan", "Laporan SKM", *grid(11, 12), "Tim PP", None],
    ]  # fmt: skip
    merges = ["A3:A4", "B3:B4", "C3:C4", "D3:O3", "P3:P4", "Q3:Q4", "B6:Q6", "A7:Q7", "B10:Q10",
              "B12:Q12", "A13:Q13"]  # fmt: skip
    return [Sheet("Renja", rows, merges=merges)]


KEMENAG_PROGRAM = Fixture(
    "kemenag_renja.xlsx",
    "Kemenag: 'Program/Kegiatan | Indikator | Waktu Pelaksanaan (months) | Tim Kerja | "
    "Keterangan', column numbers, roman area rows, one-cell sub-group rows",
    kemenag_program,
    2026,
    (
        Item("MP-01", "MP", "Sosialisasi ZI", "Notulen sosialisasi", date(2026, 3, 31),
             "Sosialisasi dan internalisasi"),
        Item("MP-02", "MP", "Pemasangan banner ZI", "Foto banner", date(2026, 4, 30),
             "Sosialisasi dan internalisasi"),
        Item("TL-01", "TL", "Penerapan SRIKANDI", "Laporan penggunaan", date(2026, 9, 30)),
        Item("PP-01", "PP", "Pelatihan pelayanan prima", "Sertifikat", date(2026, 5, 31),
             "Budaya Pelayanan Prima"),
        Item("PP-02", "PP", "Survei kepuasan", "Laporan SKM", date(2026, 12, 31),
             "Budaya Pelayanan Prima"),
    ),
)  # fmt: skip


FIXTURES: tuple[Fixture, ...] = (
    KPU_PRODUK_OUTPUT,
    BPS_TWO_LEVELS,
    KEMENKEU_COMPONENTS,
    KPU_SHEET_PER_AREA,
    PENGADILAN_BLOCKS,
    KEMENAG_PROGRAM,
)


def main(argv: Sequence[str]) -> None:
    """Write every fixture workbook into the folder given (default: this script's folder)."""
    folder = Path(argv[0]) if argv else Path(__file__).parent
    for fixture in FIXTURES:
        fixture.write(folder)


if __name__ == "__main__":
    main(sys.argv[1:])
