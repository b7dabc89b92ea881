"""The rencana aksi parser on messy spreadsheets, built here in tmp_path (no binary fixtures)."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from services import catalog
from services.plan_parser import (
    APPLIES_ALL,
    APPLIES_KABKOTA,
    APPLIES_LIST,
    APPLIES_PROVINCE,
    ParsedPlan,
    PlanFileError,
    RowError,
    match_area,
    normalise_code,
    parse_applies,
    parse_date,
    parse_plan,
)

AREAS = [
    ("MP", "Manajemen Perubahan"),
    ("TL", "Penataan Tatalaksana"),
    ("SDM", "Penataan Sistem Manajemen SDM Aparatur"),
    ("AK", "Penguatan Akuntabilitas"),
    ("PW", "Penguatan Pengawasan"),
    ("PP", "Peningkatan Kualitas Pelayanan Publik"),
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]
# Every error says what was expected (issue 9).
DATE_HINT = " (yang dikenali: 31 Desember 2026, 31/12/2026, 2026-12-31, Desember, TW IV)"
CODE_HINT = " (yang dikenali: kode seperti MP-01, atau nomor urut di kolom No)"
AREA_HINT = " (yang dikenali: nama atau kode area MP, TL, SDM, AK, PW, PP)"
YELLOW = PatternFill(fill_type="solid", fgColor="FFFF00")
WHITE = PatternFill(fill_type="solid", fgColor="FFFFFF")

Cell = object


def excel_date(year: int, month: int, day: int) -> datetime:
    """An Excel date cell as openpyxl reads it: a datetime without a time zone."""
    return datetime.combine(date(year, month, day), time.min)


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Cell]],
    *,
    merges: Sequence[str] = (),
    fills: Mapping[str, PatternFill] | None = None,
    title: str = "Rencana Aksi",
    before: Sequence[tuple[str, Sequence[Sequence[Cell]]]] = (),
) -> Path:
    """An XLSX whose sheet ``title`` holds ``rows`` (row 1 first); ``before``: earlier sheets."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for name, sheet_rows in [*before, (title, rows)]:
        sheet = workbook.create_sheet(name)
        for r, values in enumerate(sheet_rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    sheet = workbook[title]
    for cell, fill in (fills or {}).items():
        sheet[cell].fill = fill
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    """A CSV file of ``rows``."""
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def by_code(plan: ParsedPlan) -> dict[str, date]:
    """Code -> tenggat of every parsed item."""
    return {item.code: item.tenggat for item in plan.items}


# --- the clean sample -------------------------------------------------------------------


def test_clean_sample_parses_every_row() -> None:
    path = catalog.sample_plan_path()
    with path.open(encoding="utf-8") as handle:
        expected_codes = [row["kode"] for row in csv.DictReader(handle)]

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    assert plan.year == 2026  # from the file name
    assert plan.sheet is None
    assert [item.code for item in plan.items] == expected_codes
    assert len(plan.items) == 28  # the sample file has 28 data rows below its header
    first = plan.items[0]
    assert (first.row, first.code, first.area_code) == (2, "MP-01", "MP")
    assert first.activity == "Pembentukan Tim Kerja Pembangunan Zona Integritas"
    assert first.bukti_dukung == "SK Tim Kerja Pembangunan ZI"
    assert first.tenggat == date(2026, 2, 27)
    assert (first.applies_to, first.applies_codes, first.pic) == (APPLIES_ALL, (), None)
    items = {item.code: item for item in plan.items}
    # "Penataan Sistem Manajemen SDM" is shorter than the official area name
    assert {items[f"SDM-0{n}"].area_code for n in range(1, 6)} == {"SDM"}
    assert items["AK-03"].tenggat == date(2027, 2, 26)
    assert items["PP-05"].applies_to == APPLIES_KABKOTA
    assert items["PP-05"].tenggat == date(2026, 12, 8)
    assert items["PP-05"].row == 29


def test_year_argument_wins_over_file_name(tmp_path: Path) -> None:
    path = tmp_path / "rencana_aksi_bali_2026.csv"
    path.write_bytes(catalog.sample_plan_path().read_bytes())

    assert parse_plan(path, year=2027, areas=AREAS).year == 2027


# --- a messy XLSX -------------------------------------------------------------------------


def test_messy_xlsx_title_rows_dates_blank_lines_and_spaces(tmp_path: Path) -> None:
    header: list[Cell] = [
        "No.",
        " Kode  Item ",
        "AREA PERUBAHAN",
        "Uraian Kegiatan",
        "Output",
        "Batas\nWaktu",
        "Berlaku_Untuk",
        "PIC",
    ]
    rows: list[list[Cell]] = [
        ["RENCANA AKSI PEMBANGUNAN ZONA INTEGRITAS"],
        ["KPU PROVINSI BALI TAHUN 2026"],
        [],
        header,
        [1, "  mp-01 ", "Manajemen Perubahan", "  Pembentukan   tim kerja  ", "SK Tim",
         "31 Desember 2026", "semua", " Kasubbag  Hukum "],
        [2, "MP 2", None, "Rencana kerja", "Dokumen", excel_date(2026, 3, 15), "Prov", None],
        [3, "mp03", None, "Agen perubahan", "SK", "31 Agt 2026", "Kab/Kota", None],
        [],
        [],
        [4, "AK-1", "  penguatan   AKUNTABILITAS ", "Perjanjian kinerja", "PK", "31 DES 2026",
         "5101; 5171", "PJ AK"],
        [5, "tl-01", "tl", "SOP", "", "15/04/2026", "", None],
        [6, "TL-02", "Penataan Tatalaksana", "Peta proses bisnis", None, 46387, None, None],
        [7, "SDM-01", "Penataan Sistem Manajemen SDM", "Anjab", None, "Desember 2026", None, None],
        [8, "PW-01", "pengawasan", "UPG", None, "2026-06-30", None, None],
        [9, "PP-01", "Pelayanan Publik", "Maklumat", None, "1-7-2026", None, None],
        [10, "PP-02", "PP", "SKM", None, "30 Mei 2026", None, None],
    ]  # fmt: skip
    path = write_xlsx(
        tmp_path / "rencana.xlsx",
        rows,
        merges=["A1:H1", "A2:H2", "C5:C7"],
        before=[("Petunjuk", [["Isi lembar Rencana Aksi"], ["Tenggat ditulis sebagai tanggal"]])],
    )

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    assert plan.sheet == "Rencana Aksi"
    assert plan.year == 2026  # from the title row
    assert by_code(plan) == {
        "MP-01": date(2026, 12, 31),
        "MP-02": date(2026, 3, 15),
        "MP-03": date(2026, 8, 31),
        "AK-01": date(2026, 12, 31),
        "TL-01": date(2026, 4, 15),
        "TL-02": date(2026, 12, 31),
        "SDM-01": date(2026, 12, 31),
        "PW-01": date(2026, 6, 30),
        "PP-01": date(2026, 7, 1),
        "PP-02": date(2026, 5, 30),
    }
    items = {item.code: item for item in plan.items}
    # the merged area cell C5:C7 gives MP to rows 6 and 7 too
    assert [items[c].area_code for c in ("MP-01", "MP-02", "MP-03")] == ["MP", "MP", "MP"]
    assert [items[c].row for c in ("MP-01", "MP-03", "AK-01", "PP-02")] == [5, 7, 10, 16]
    assert items["MP-01"].activity == "Pembentukan tim kerja"
    assert items["MP-01"].pic == "Kasubbag Hukum"
    assert items["MP-02"].pic is None
    assert items["MP-01"].bukti_dukung == "SK Tim"
    assert items["TL-01"].bukti_dukung == ""
    assert items["MP-02"].applies_to == APPLIES_PROVINCE
    assert items["MP-03"].applies_to == APPLIES_KABKOTA
    assert (items["AK-01"].applies_to, items["AK-01"].applies_codes) == (
        APPLIES_LIST,
        ("5101", "5171"),
    )
    assert items["TL-01"].applies_to == APPLIES_ALL
    assert items["SDM-01"].area_code == "SDM"
    assert items["PW-01"].area_code == "PW"
    assert items["PP-01"].area_code == "PP"


def test_merged_header_cells_over_two_rows(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["Kode", "Kegiatan", "Waktu", None, "Area"],
        [None, None, "Tenggat", "Catatan", None],
        ["MP-01", "Tim kerja", "2026-02-27", "-", "MP"],
    ]
    path = write_xlsx(tmp_path / "plan.xlsx", rows, merges=["A1:A2", "B1:B2", "C1:D1", "E1:E2"])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    assert by_code(plan) == {"MP-01": date(2026, 2, 27)}
    assert plan.items[0].row == 3


# --- "No" instead of codes, area heading rows ---------------------------------------------


def no_only_rows() -> list[list[Cell]]:
    return [
        ["RENCANA AKSI ZONA INTEGRITAS KPU KABUPATEN BADUNG TAHUN 2026"],
        ["No", "Rencana Aksi", "Bukti Dukung", "Tenggat Waktu", "Penanggung Jawab"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["A", "MANAJEMEN PERUBAHAN", None, None, None],
        [1, "Pembentukan tim kerja", "SK", "27/02/2026", "Sekretaris"],
        [2, "Rencana kerja", "Dokumen", "13/03/2026", None],
        [None, "B. PENATAAN TATALAKSANA", None, None, None],
        ["1.1", "Reviu SOP", "SOP", "29/05/2026", None],
        [1.2, "Peta proses bisnis", "Peta", "30/06/2026", None],
        [None, None, None, None, None],
        ["II. Penataan Sistem Manajemen SDM", None, None, None, None],
        [None, "Analisis jabatan", "Anjab", "30/04/2026", None],
        [None, "Pola mutasi", "SK", "31/07/2026", None],
        ["IV", "Penguatan Akuntabilitas", None, None, None],
        [12, "Perjanjian kinerja", "PK", "27/02/2026", None],
        [13, None, None, None, None],  # pre-numbered, still empty: ignored
        [],
        [None, "Mengetahui,"],
        [None, "Ketua KPU Kabupaten Badung"],
    ]


def test_no_column_with_area_heading_rows_makes_stable_codes(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "badung.xlsx", no_only_rows(), merges=["B7:E7", "A11:E11"])

    plan = parse_plan(path, year=None, areas=AREAS)
    again = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    assert plan.year == 2026
    assert [(i.code, i.area_code, i.row) for i in plan.items] == [
        ("MP-01", "MP", 5),
        ("MP-02", "MP", 6),
        ("TL-01", "TL", 8),
        ("TL-02", "TL", 9),
        ("SDM-01", "SDM", 12),
        ("SDM-02", "SDM", 13),
        ("AK-12", "AK", 15),
    ]
    assert by_code(plan)["SDM-02"] == date(2026, 7, 31)
    assert plan.items[0].pic == "Sekretaris"
    assert again == plan


def test_kode_column_wins_over_no_column(tmp_path: Path) -> None:
    rows = [
        ["No", "Kode", "Area", "Kegiatan", "Tenggat"],
        ["1", "PW-03", "PW", "Pengaduan", "2026-12-02"],
        ["2", "PW-04", "PW", "WBS", "2026-12-16"],
    ]
    path = write_csv(tmp_path / "plan.csv", rows)

    plan = parse_plan(path, year=2026, areas=AREAS)

    assert plan.errors == []
    assert [i.code for i in plan.items] == ["PW-03", "PW-04"]


def test_area_taken_from_the_code_when_there_is_no_area_column(tmp_path: Path) -> None:
    rows = [
        ["Kode", "Kegiatan", "Tenggat"],
        ["tl 3", "SPBE", "2026-12-04"],
        ["PP-2", "Sarana", "2026-12-01"],
        ["7", "Tanpa area", "2026-12-01"],
    ]
    path = write_csv(tmp_path / "plan.csv", rows)

    plan = parse_plan(path, year=2026, areas=AREAS)

    assert [(i.code, i.area_code) for i in plan.items] == [("TL-03", "TL"), ("PP-02", "PP")]
    assert plan.errors == [
        RowError(4, "", "area perubahan kosong dan tidak ada baris judul area di atasnya")
    ]


# --- month and quarter grids --------------------------------------------------------------


def test_month_grid_with_marks_under_a_merged_jadwal_header(tmp_path: Path) -> None:
    months = ["JAN", "Peb", "maret", "April", "Mei", "Juni"]
    months += ["Juli", "Agu", "Sept", "Okt", "Nop", "DES"]
    blank = [None] * 12

    def marks(**marked: Cell) -> list[Cell]:
        cells: list[Cell] = list(blank)
        for month, mark in marked.items():
            cells[int(month[1:]) - 1] = mark
        return cells

    rows: list[list[Cell]] = [
        ["JADWAL RENCANA AKSI ZI TAHUN 2026"],
        ["Kode", "Komponen", "Nama Kegiatan", "Jadwal", *blank[1:]],
        [None, None, None, *months],
        ["MP-01", "MP", "Tim kerja", *marks(m1="v", m2="V")],
        ["MP-02", "MP", "Rencana kerja", *marks(m3="✓", m5="✔")],
        ["TL-01", "TL", "SOP", *marks(m4="x", m6="X", m7="√")],
        ["TL-02", "TL", "SPBE", *marks(m9="●", m12=1)],
        ["AK-01", "AK", "PK", *marks(m8="1")],
        ["AK-02", "AK", "LKjIP", *marks(m10="-")],  # "-" is not a mark
    ]
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:O2"]
    path = write_xlsx(tmp_path / "grid.xlsx", rows, merges=merges)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.year == 2026
    assert by_code(plan) == {
        "MP-01": date(2026, 2, 28),
        "MP-02": date(2026, 5, 31),
        "TL-01": date(2026, 7, 31),
        "TL-02": date(2026, 12, 31),
        "AK-01": date(2026, 8, 31),
    }
    assert plan.errors == [
        RowError(9, "", "tenggat kosong dan tidak ada bulan/triwulan yang ditandai"),
    ]


def test_month_grid_with_shaded_cells_and_a_shaded_heading_row(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["No", "Kegiatan", "Bukti", *MONTHS],
        ["I", "MANAJEMEN PERUBAHAN"],  # heading row, shaded all across
        [1, "Tim kerja", "SK"],
        [2, "Rencana kerja", "Dokumen"],
        [3, "Monev", "Laporan"],
    ]
    fills = {f"{col}2": YELLOW for col in "ABCDEFGHIJKLMNO"}
    fills |= {"D3": YELLOW, "E3": YELLOW, "F3": YELLOW}  # Jan..Mar
    fills |= {"L4": YELLOW, "M4": WHITE}  # Sep (yellow); Okt is white: not a mark
    fills |= {"O5": PatternFill(fill_type="solid", fgColor="D9D9D9")}  # Des, grey
    path = write_xlsx(tmp_path / "shaded.xlsx", rows, fills=fills)

    plan = parse_plan(path, year=2027, areas=AREAS)

    assert plan.errors == []
    assert plan.year == 2027
    assert by_code(plan) == {
        "MP-01": date(2027, 3, 31),
        "MP-02": date(2027, 9, 30),
        "MP-03": date(2027, 12, 31),
    }


@pytest.mark.parametrize(
    "labels",
    [
        ["TW I", "TW II", "TW III", "TW IV"],
        ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV"],
        ["Q1", "Q2", "Q3", "Q4"],
        ["tw-1", "tw-2", "tw-3", "tw-4"],
    ],
)
def test_quarter_grid(tmp_path: Path, labels: list[str]) -> None:
    rows = [
        ["Kode", "Area", "Kegiatan", *labels],
        ["PW-01", "Penguatan Pengawasan", "UPG", "v", "", "", ""],
        ["PW-02", "Penguatan Pengawasan", "SPIP", "", "v", "v", ""],
        ["PW-03", "Penguatan Pengawasan", "Pengaduan", "v", "", "", "v"],
    ]
    path = write_csv(tmp_path / "rencana_aksi_2026.csv", rows)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    assert plan.year == 2026  # from the file name
    assert by_code(plan) == {
        "PW-01": date(2026, 3, 31),
        "PW-02": date(2026, 9, 30),
        "PW-03": date(2026, 12, 31),
    }


def test_deadline_column_wins_over_the_grid_and_fills_its_gaps(tmp_path: Path) -> None:
    rows = [
        ["Kode", "Area", "Kegiatan", "Tenggat", "TW I", "TW II", "TW III", "TW IV"],
        ["PP-01", "PP", "Standar", "15 Maret 2026", "", "", "", "v"],
        ["PP-02", "PP", "Sarpras", "", "", "v", "", ""],
    ]
    path = write_csv(tmp_path / "plan_2026.csv", rows)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert by_code(plan) == {"PP-01": date(2026, 3, 15), "PP-02": date(2026, 6, 30)}


def test_grid_sheet_without_any_year_asks_for_year(tmp_path: Path) -> None:
    rows = [["Kode", "Area", "Kegiatan", *MONTHS], ["MP-01", "MP", "Tim", "v"]]
    path = write_csv(tmp_path / "jadwal.csv", rows)

    with pytest.raises(PlanFileError, match="--year"):
        parse_plan(path, year=None, areas=AREAS)
    assert by_code(parse_plan(path, year=2026, areas=AREAS)) == {"MP-01": date(2026, 1, 31)}


def test_year_from_the_most_common_deadline(tmp_path: Path) -> None:
    rows = [
        ["Kode", "Area", "Kegiatan", "Tenggat"],
        ["MP-01", "MP", "A", "2026-03-01"],
        ["MP-02", "MP", "B", "2026-12-01"],
        ["MP-03", "MP", "C", "2027-01-15"],
        ["MP-04", "MP", "D", "Desember"],  # a month without a year: the plan's year
    ]
    path = write_csv(tmp_path / "plan.csv", rows)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.year == 2026
    assert by_code(plan)["MP-04"] == date(2026, 12, 31)


# --- CSV dialects -------------------------------------------------------------------------


def test_semicolon_csv_with_bom(tmp_path: Path) -> None:
    rows = [
        ["Kode", "Area", "Kegiatan", "Bukti Dukung", "Tenggat", "Berlaku untuk"],
        ["PP-01", "Pelayanan Publik", "Standar", "SK, foto maklumat", "31-03-2026", "semua"],
        ["PP-02", "pp", "Sarana, prasarana", "Foto", "1/12/2026", "5101, 5171 5103"],
    ]
    path = write_csv(tmp_path / "plan.csv", rows, delimiter=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfKode;")

    plan = parse_plan(path, year=2026, areas=AREAS)

    assert plan.errors == []
    first, second = plan.items
    assert (first.code, first.bukti_dukung, first.tenggat) == (
        "PP-01",
        "SK, foto maklumat",
        date(2026, 3, 31),
    )
    assert (second.activity, second.tenggat) == ("Sarana, prasarana", date(2026, 12, 1))
    assert (second.applies_to, second.applies_codes) == (APPLIES_LIST, ("5101", "5171", "5103"))


def test_csv_title_rows_and_a_multi_line_cell_keep_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(
        "RENCANA AKSI ZONA INTEGRITAS TAHUN 2026;;;\n"
        ";;;\n"
        "No;Area;Kegiatan;Tenggat\n"
        '1;MP;"Sosialisasi\nZona   Integritas";31 Mar 2026\n'
        "\n"
        "2;MP;Rapat;besok\n",
        encoding="utf-8",
    )

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.year == 2026
    assert [(i.row, i.code, i.activity, i.tenggat) for i in plan.items] == [
        (4, "MP-01", "Sosialisasi Zona Integritas", date(2026, 3, 31))
    ]
    assert plan.errors == [RowError(7, "Tenggat", "tanggal tidak dikenali: 'besok'" + DATE_HINT)]


def test_cp1252_csv_with_tabs(tmp_path: Path) -> None:
    rows = [
        ["Kode", "Area", "Kegiatan", "Deadline"],
        ["MP-01", "MP", "Sosialisasi “ZI” – tahap I", "31 Mei 2026"],
    ]
    path = write_csv(tmp_path / "plan.csv", rows, delimiter="\t", encoding="cp1252")

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    assert plan.items[0].activity == "Sosialisasi “ZI” – tahap I"
    assert plan.items[0].tenggat == date(2026, 5, 31)


@pytest.mark.parametrize(
    ("code", "activity", "deadline", "applies", "pic"),
    [
        ("kode", "kegiatan", "tenggat", "berlaku untuk", "penanggung jawab"),
        ("KODE RENCANA AKSI", "Rencana Aksi", "Target Waktu", "Berlaku", "PJ"),
        ("Nomor", "Nama Kegiatan", "Waktu Pelaksanaan", "Satker", "pic"),
        ("no.", "uraian_kegiatan", "Tenggat Waktu", "berlaku_untuk", "P.I.C"),
        ("Kode Item", "KEGIATAN", "batas waktu", "Berlaku Untuk:", "Penanggung  Jawab"),
    ],
)
def test_header_name_variants(
    tmp_path: Path, code: str, activity: str, deadline: str, applies: str, pic: str
) -> None:
    rows = [
        [code, "Area Perubahan", activity, "Keluaran", deadline, applies, pic],
        ["AK-02", "Akuntabilitas", "Perjanjian kinerja", "PK", "27 Feb 2026", "prov", "Kasubbag"],
    ]
    path = write_csv(tmp_path / "plan.csv", rows)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    (item,) = plan.items
    assert (item.code, item.area_code, item.activity, item.bukti_dukung) == (
        "AK-02",
        "AK",
        "Perjanjian kinerja",
        "PK",
    )
    assert (item.tenggat, item.applies_to, item.pic) == (
        date(2026, 2, 27),
        APPLIES_PROVINCE,
        "Kasubbag",
    )


# --- bad rows -----------------------------------------------------------------------------


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    rows = [
        ["Kode", "Area Perubahan", "Kegiatan", "Tenggat", "Berlaku Untuk"],
        ["MP-01", "Manajemen Perubahan", "Tim kerja", "2026-02-27", "semua"],
        ["MP-02", "Manajemen Perubahan", "Rencana kerja", "besok", "semua"],
        ["MP-03", "XYZ", "Agen perubahan", "2026-03-31", ""],
        [],
        ["MP-04", "MP", "   ", "2026-12-18", ""],
        ["MP-01", "MP", "Tim kerja lagi", "2026-02-27", ""],
        ["MP-05", "MP", "Publikasi", "31/02/2026", "5101; 51a"],
        ["MP-06", "Penataan", "Ambigu", "2026-05-01", ""],
        ["TL-07", "MP", "Kode lain", "2026-05-01", ""],
        ["M#1", "MP", "Kode rusak", "2026-05-01", ""],
        ["MP-08", "MP", "Tanpa tenggat", "", ""],
        ["MP-09", "MP", "Baik", "2026-05-01", ""],
    ]
    path = write_csv(tmp_path / "plan_2026.csv", rows)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert [i.code for i in plan.items] == ["MP-01", "MP-09"]
    assert plan.errors == [
        RowError(3, "Tenggat", "tanggal tidak dikenali: 'besok'" + DATE_HINT),
        RowError(4, "Area Perubahan", "area perubahan tidak dikenal: 'XYZ'" + AREA_HINT),
        RowError(6, "Kegiatan", "kegiatan kosong"),
        RowError(7, "Kode", "kode ganda: MP-01 sudah dipakai di baris 2"),
        RowError(8, "Tenggat", "tanggal tidak dikenali: '31/02/2026'" + DATE_HINT),
        RowError(8, "Berlaku Untuk", "kode satker tidak valid: '51a' (harus 2–4 angka)"),
        RowError(9, "Area Perubahan", "area perubahan tidak jelas: 'Penataan' (bisa TL, SDM)"),
        RowError(10, "Kode", "kode TL-07 tidak sesuai dengan area perubahan MP"),
        RowError(11, "Kode", "kode tidak valid: 'M#1'" + CODE_HINT),
        RowError(12, "Tenggat", "tenggat kosong dan tidak ada bulan/triwulan yang ditandai"),
    ]


def test_bad_rows_in_xlsx_use_sheet_row_numbers(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["Rencana Aksi 2026"],
        [],
        ["Kode", "Area", "Kegiatan", "Batas Waktu"],
        ["PW-01", "PW", "UPG", excel_date(2026, 4, 30)],
        [],
        ["PW-02", "PW", "SPIP", "2026-13-01"],
    ]
    path = write_xlsx(tmp_path / "plan.xlsx", rows)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert by_code(plan) == {"PW-01": date(2026, 4, 30)}
    reason = "tanggal tidak dikenali: '2026-13-01'" + DATE_HINT
    assert plan.errors == [RowError(6, "Batas Waktu", reason)]


def test_header_without_rows_is_a_file_level_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plan.csv", [["Kode", "Kegiatan", "Tenggat"], [], []])

    plan = parse_plan(path, year=2026, areas=AREAS)

    assert plan.items == []
    assert plan.errors == [
        RowError(0, "", "tidak ada baris rencana aksi di bawah baris judul kolom")
    ]


# --- whole-file problems ------------------------------------------------------------------


def test_missing_required_column_names_it(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "plan.csv", [["Kode", "Kegiatan", "Bukti Dukung"], ["MP-01", "A", "B"]]
    )

    with pytest.raises(PlanFileError) as caught:
        parse_plan(path, year=2026, areas=AREAS)
    message = str(caught.value)
    assert "tenggat" in message
    assert "kegiatan" not in message.split(":")[-1]
    assert "\n" not in message


def test_missing_activity_column_in_xlsx_names_the_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "plan.xlsx", [["Kode", "Area", "Tenggat"], ["MP-01", "MP", "x"]])

    with pytest.raises(PlanFileError) as caught:
        parse_plan(path, year=2026, areas=AREAS)
    message = str(caught.value)
    assert "(baris 1, lembar 'Rencana Aksi'): kegiatan. " in message
    # the missing-column error lists the header names that would have been accepted
    assert "rincian kegiatan" in message and "program kegiatan" in message


def test_no_header_row_at_all(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "plan.csv", [["apa", "ini"], ["1", "2"]])
    xlsx_path = write_xlsx(tmp_path / "plan.xlsx", [["apa", "ini"], [1, 2]])
    (tmp_path / "kosong.csv").write_bytes(b"")

    for path in (csv_path, xlsx_path, tmp_path / "kosong.csv"):
        with pytest.raises(PlanFileError, match="Baris judul kolom tidak ditemukan"):
            parse_plan(path, year=2026, areas=AREAS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plan.xls", "XLS"),
        ("plan.ods", "tidak didukung"),
        ("plan.txt", "tidak didukung"),
        ("plan.pdf", "tidak didukung"),
    ],
)
def test_unknown_file_type(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a spreadsheet")

    with pytest.raises(PlanFileError, match=expected):
        parse_plan(path, year=2026, areas=AREAS)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="tidak ditemukan"):
        parse_plan(tmp_path / "tidak_ada.csv", year=2026, areas=AREAS)


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "rusak.xlsx"
    path.write_text("kode,kegiatan,tenggat\n", encoding="utf-8")

    with pytest.raises(PlanFileError, match="tidak dapat dibaca sebagai XLSX"):
        parse_plan(path, year=2026, areas=AREAS)


# --- the small parts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("2026-12-31 00:00:00", date(2026, 12, 31)),
        ("31/12/2026", date(2026, 12, 31)),
        ("31-12-2026", date(2026, 12, 31)),
        ("1/7/2026", date(2026, 7, 1)),
        (excel_date(2026, 12, 31), date(2026, 12, 31)),
        (date(2026, 2, 27), date(2026, 2, 27)),
        (46387, date(2026, 12, 31)),
        (46387.0, date(2026, 12, 31)),
        ("46387", date(2026, 12, 31)),
        ("31 Desember 2026", date(2026, 12, 31)),
        ("31 DESEMBER 2026", date(2026, 12, 31)),
        ("31 Des 2026", date(2026, 12, 31)),
        ("31 des. 2026", date(2026, 12, 31)),
        ("31 Agt 2026", date(2026, 8, 31)),
        ("31 Agu 2026", date(2026, 8, 31)),
        ("31 Agustus 2026", date(2026, 8, 31)),
        ("31 Aug 2026", date(2026, 8, 31)),
        ("1 Okt 2026", date(2026, 10, 1)),
        ("15 May 2026", date(2026, 5, 15)),
        ("  29   Februari  2028 ", date(2028, 2, 29)),
        ("Senin, 2 Maret 2026", date(2026, 3, 2)),
        ("Desember 2026", date(2026, 12, 31)),
        ("Februari 2026", date(2026, 2, 28)),
        ("Sept 2026", date(2026, 9, 30)),
    ],
)
def test_parse_date_accepts(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Desember", date(2026, 12, 31)),
        ("Juni", date(2026, 6, 30)),
        ("TW II", date(2026, 6, 30)),
        ("Triwulan IV", date(2026, 12, 31)),
        ("Semester I", date(2026, 6, 30)),
    ],
)
def test_parse_date_month_without_year_uses_plan_year(value: str, expected: date) -> None:
    assert parse_date(value, year=2026) == expected
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    "value",
    ["besok", "31/02/2026", "2026-02-30", "32 Desember 2026", "31 Foo 2026", "2026", "", 12, 1.5],
)
def test_parse_date_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value, year=2026)


@pytest.mark.parametrize(
    ("value", "area", "expected"),
    [
        ("  mp-01 ", None, "MP-01"),
        ("MP 01", None, "MP-01"),
        ("mp01", None, "MP-01"),
        ("MP-1", None, "MP-01"),
        ("sdm_5", None, "SDM-05"),
        ("MP-12", None, "MP-12"),
        ("1", "MP", "MP-01"),
        (1, "MP", "MP-01"),
        (3.0, "AK", "AK-03"),
        ("12", "MP", "MP-12"),
        ("1.2", "TL", "TL-02"),
        (1.2, "TL", "TL-02"),
        ("3.", "PW", "PW-03"),
        ("1", None, None),
    ],
)
def test_normalise_code(value: object, area: str | None, expected: str | None) -> None:
    assert normalise_code(value, area) == expected


@pytest.mark.parametrize("value", ["M#1", "ABC", "0", "-"])
def test_normalise_code_rejects(value: str) -> None:
    with pytest.raises(ValueError):
        normalise_code(value, "MP")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("MP", ["MP"]),
        (" sdm ", ["SDM"]),
        ("Manajemen Perubahan", ["MP"]),
        ("MANAJEMEN  PERUBAHAN", ["MP"]),
        ("Penataan Sistem Manajemen SDM", ["SDM"]),
        ("Penataan Sistem Manajemen SDM Aparatur", ["SDM"]),
        ("Manajemen SDM", ["SDM"]),
        ("akuntabilitas", ["AK"]),
        ("Penguatan Akuntabilitas Kinerja", ["AK"]),
        ("pengawasan", ["PW"]),
        ("Pelayanan Publik", ["PP"]),
        ("Tata laksana", ["TL"]),
        ("tatalaksana", ["TL"]),
        ("Penataan", ["TL", "SDM"]),
        ("Penguatan", ["AK", "PW"]),
        ("XYZ", []),
        ("", []),
    ],
)
def test_match_area(value: str, expected: list[str]) -> None:
    assert match_area(value, AREAS) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (APPLIES_ALL, (), [])),
        ("", (APPLIES_ALL, (), [])),
        ("Semua", (APPLIES_ALL, (), [])),
        ("all", (APPLIES_ALL, (), [])),
        ("Seluruh Satker", (APPLIES_ALL, (), [])),
        ("provinsi", (APPLIES_PROVINCE, (), [])),
        ("Prov", (APPLIES_PROVINCE, (), [])),
        ("KPU Provinsi", (APPLIES_PROVINCE, (), [])),
        ("kabkota", (APPLIES_KABKOTA, (), [])),
        ("Kab/Kota", (APPLIES_KABKOTA, (), [])),
        ("Kabupaten/Kota", (APPLIES_KABKOTA, (), [])),
        ("5101; 5171", (APPLIES_LIST, ("5101", "5171"), [])),
        ("5101,5102 5103", (APPLIES_LIST, ("5101", "5102", "5103"), [])),
        (5101, (APPLIES_LIST, ("5101",), [])),
        ("51", (APPLIES_LIST, ("51",), [])),
        ("51.71", (APPLIES_LIST, ("5171",), [])),
        ("5101; Denpasar; 510199", (APPLIES_LIST, ("5101",), ["Denpasar", "510199"])),
    ],
)
def test_parse_applies(value: object, expected: tuple[str, tuple[str, ...], list[str]]) -> None:
    assert parse_applies(value) == expected


def test_first_item_that_reads_like_a_header_is_still_an_item(tmp_path: Path) -> None:
    # "Kegiatan ..." and "Bukti dukung ..." start like header names; the date and the code
    # show the row is data, so it must not be merged into the header.
    path = tmp_path / "plan.csv"
    path.write_text(
        "kode,area,kegiatan,bukti_dukung,tenggat,berlaku_untuk\n"
        "MP-01,MP,Kegiatan MP nomor 1,Bukti dukung MP-01,2026-01-28,semua\n"
        "MP-02,MP,Kegiatan MP nomor 2,Bukti dukung MP-02,2026-02-28,semua\n",
        encoding="utf-8",
    )
    plan = parse_plan(path, year=2026, areas=AREAS)
    assert plan.errors == []
    assert [(i.row, i.code, i.tenggat) for i in plan.items] == [
        (2, "MP-01", date(2026, 1, 28)),
        (3, "MP-02", date(2026, 2, 28)),
    ]
