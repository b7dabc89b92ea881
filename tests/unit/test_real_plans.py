"""Plans laid out like the ones offices publish: exact items, and every row accounted for."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "data" / "plans"))
from make_fixtures import (
    BPS_TWO_LEVELS,
    FIXTURES,
    KEMENKEU_COMPONENTS,
    KPU_SHEET_PER_AREA,
    PENGADILAN_BLOCKS,
    Fixture,
    Sheet,
    write_workbook,
)

from services.plan_parser import (
    HEADING_AREA,
    HEADING_COMPONENT,
    HEADING_SUB,
    ROW_FOOTER,
    ROW_HEADER,
    ROW_HEADING,
    ROW_PART,
    ParsedPlan,
    PlanFileError,
    heading_areas,
    parse_column_options,
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
IDS = [f.name for f in FIXTURES]


def items_of(plan: ParsedPlan) -> list[tuple[str, str, str, str, date, str]]:
    return [
        (i.code, i.area_code, i.activity, i.bukti_dukung, i.tenggat, i.group) for i in plan.items
    ]


def expected(fixture: Fixture) -> list[tuple[str, str, str, str, date, str]]:
    return [(i.code, i.area, i.activity, i.bukti, i.tenggat, i.group) for i in fixture.items]


@pytest.mark.parametrize("fixture", FIXTURES, ids=IDS)
def test_real_layout_yields_exactly_its_items(fixture: Fixture, tmp_path: Path) -> None:
    path = fixture.write(tmp_path)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    assert plan.year == fixture.year
    assert items_of(plan) == expected(fixture)
    assert parse_plan(path, year=None, areas=AREAS) == plan  # codes stable across re-imports


@pytest.mark.parametrize("fixture", FIXTURES, ids=IDS)
def test_every_non_empty_row_is_accounted_for_once(fixture: Fixture, tmp_path: Path) -> None:
    path = fixture.write(tmp_path)

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.reading is not None
    workbook = openpyxl.load_workbook(path)
    read = {sheet.name for sheet in plan.reading.sheets}
    ignored = {name for name, _ in plan.reading.ignored_sheets}
    assert read | ignored == set(workbook.sheetnames)
    assert not read & ignored
    for sheet in plan.reading.sheets:
        worksheet = workbook[sheet.name or ""]
        non_empty = [
            row[0].row
            for row in worksheet.iter_rows()
            if any(c.value not in (None, "") for c in row)
        ]
        noted = [note.row for note in sheet.rows]
        assert sorted(noted) == non_empty, sheet.name
    item_rows = {(i.sheet, i.row) for i in plan.items}
    item_notes = {(s.name, n.row) for s in plan.reading.sheets for n in s.rows if n.kind == "item"}
    assert item_notes == item_rows


def test_component_and_sub_indicator_rows_never_move_items_to_another_area(
    tmp_path: Path,
) -> None:
    plan = parse_plan(KEMENKEU_COMPONENTS.write(tmp_path), year=None, areas=AREAS)

    assert plan.reading is not None
    notes = {n.row: n for n in plan.reading.sheets[0].rows}
    assert (notes[4].heading, notes[4].area) == (HEADING_COMPONENT, None)  # A. PENGUNGKIT
    assert (notes[14].heading, notes[14].area) == (HEADING_SUB, "TL")  # ... Informasi Publik
    assert (notes[17].heading, notes[17].area) == (HEADING_SUB, "TL")  # SPBE: "Sistem"
    assert (notes[22].heading, notes[22].area) == (HEADING_SUB, "PW")  # SPIP: "Sistem"
    assert (notes[30].heading, notes[30].area) == (HEADING_AREA, "TL")  # "2. Tatalaksana"
    assert (notes[36].heading, notes[36].area) == (HEADING_SUB, "PP")  # "2. E-Office"
    assert [notes[r].kind for r in (9, 19, 20)] == [ROW_PART] * 3


def test_two_level_plan_reads_the_columns_by_their_group(tmp_path: Path) -> None:
    plan = parse_plan(BPS_TWO_LEVELS.write(tmp_path), year=None, areas=AREAS)

    assert plan.reading is not None
    sheet = plan.reading.sheets[0]
    assert sheet.header_rows == (3, 4)
    uses = {c.letter: (c.header, c.field) for c in sheet.columns}
    assert uses["B"] == ("Rencana Aksi/Uraian", "kelompok")
    assert uses["C"] == ("Rincian Kegiatan/No", "kode")
    assert uses["D"] == ("Rincian Kegiatan/Uraian", "kegiatan")
    assert uses["E"] == ("Target/Output", "bukti")
    assert uses["F"] == ("Target/Jumlah", "")  # named in the preview as unused
    assert uses["G"][1] == "grid"
    kinds = {n.row: n.kind for n in sheet.rows}
    assert [kinds[r] for r in (14, 15, 17, 18, 19)] == [ROW_FOOTER] * 5  # legend, signature


def test_repeated_headers_and_area_title_above_the_header(tmp_path: Path) -> None:
    plan = parse_plan(PENGADILAN_BLOCKS.write(tmp_path), year=None, areas=AREAS)

    assert plan.reading is not None
    notes = {n.row: n for n in plan.reading.sheets[0].rows}
    assert (notes[4].kind, notes[4].area) == (ROW_HEADING, "MP")
    assert [notes[r].kind for r in (5, 10, 14)] == [ROW_HEADER] * 3
    assert notes[6].kind == "item"


def test_one_sheet_per_area_beside_a_recap_sheet(tmp_path: Path) -> None:
    sheets = KPU_SHEET_PER_AREA.sheets()
    recap = Sheet("Rekap", [["No", "Kegiatan", "Tenggat", "Status"], [1, "Semua", "2026-12-31"]])
    path = write_workbook(tmp_path / "per_area.xlsx", [*sheets, recap])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert items_of(plan) == expected(KPU_SHEET_PER_AREA)
    assert plan.reading is not None
    assert [name for name, _ in plan.reading.ignored_sheets] == ["Petunjuk", "Catatan", "Rekap"]


def test_one_sheet_per_area_and_notes_sheets(tmp_path: Path) -> None:
    plan = parse_plan(KPU_SHEET_PER_AREA.write(tmp_path), year=None, areas=AREAS)

    assert plan.reading is not None
    assert [(s.name, s.area) for s in plan.reading.sheets] == [
        ("Manajemen Perubahan", "MP"),
        ("Tatalaksana", "TL"),
        ("Pelayanan Publik", "PP"),
    ]
    assert [name for name, _ in plan.reading.ignored_sheets] == ["Petunjuk", "Catatan"]
    assert {i.sheet for i in plan.items if i.area_code == "TL"} == {"Tatalaksana"}


@pytest.mark.parametrize(
    ("heading", "codes"),
    [
        ("A. MANAJEMEN PERUBAHAN", ["MP"]),
        ("I. KOMPONEN MANAJEMEN PERUBAHAN", ["MP"]),
        ("AREA II. PENGAWASAN", ["PW"]),
        ("Tatalaksana", ["TL"]),
        ("2. Tata Laksana", ["TL"]),
        ("Manajemen SDM", ["SDM"]),
        ("Penguatan Akuntabilitas Kinerja", ["AK"]),
        ("Pelayanan Publik", ["PP"]),
        ("Manajemen Perubahan (MP)", ["MP"]),
        ("B. PENATAAN TATALAKSANA (BOBOT 5%)", ["TL"]),
        ("PROGRAM PENGUATAN PENGAWASAN", ["PW"]),
        ("Keterbukaan Informasi Publik", []),
        ("Sistem Pemerintahan Berbasis Elektronik (SPBE)", []),
        ("Penerapan Sistem Pengendalian Intern Pemerintah (SPIP)", []),
        ("Upaya dan/atau Inovasi Pelayanan Publik", []),
        ("Pengelolaan Akuntabilitas Kinerja", []),
        ("Pelayanan Publik yang Prima", []),
        ("E-Office", []),
    ],
)
def test_heading_sets_an_area_only_when_it_names_the_area_as_a_whole(
    heading: str, codes: list[str]
) -> None:
    assert heading_areas(heading, AREAS) == codes


# --- when the importer cannot be sure ------------------------------------------------------


def two_uraian(tmp_path: Path) -> Path:
    rows: list[list[object]] = [
        ["Rencana Aksi ZI 2026"],
        ["No", "Uraian", "No", "Uraian", "Bukti Dukung", "Tenggat"],
        ["A", "MANAJEMEN PERUBAHAN"],
        [1, "Pembentukan tim", 1, "Rapat", "Notulen", "2026-01-31"],
    ]
    return write_workbook(tmp_path / "dua_uraian.xlsx", [Sheet("RA", rows)])


def test_two_equally_likely_activity_columns_are_asked_not_guessed(tmp_path: Path) -> None:
    path = two_uraian(tmp_path)

    with pytest.raises(PlanFileError) as caught:
        parse_plan(path, year=None, areas=AREAS)
    message = str(caught.value)
    assert "B (Uraian), D (Uraian)" in message
    assert "--column kegiatan=B" in message and "--column kegiatan=D" in message

    plan = parse_plan(path, year=None, areas=AREAS, columns={"kegiatan": "D"})
    assert items_of(plan) == [("MP-01", "MP", "Rapat", "Notulen", date(2026, 1, 31), "")]


def test_unknown_header_that_looks_like_evidence_is_asked(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["No", "Kegiatan", "Sasaran Hasil", "Tenggat", "Anggaran"],
        ["I", "PENGUATAN PENGAWASAN"],
        [1, "Sosialisasi gratifikasi", "Notulen sosialisasi", "2026-03-31", 1500000],
        [2, "Pembentukan UPG", "SK UPG", "2026-02-27", 0],
    ]
    path = write_workbook(tmp_path / "renja_2026.xlsx", [Sheet("RA", rows)])

    with pytest.raises(PlanFileError, match=r"kolom C \(Sasaran Hasil\).*--column bukti=C"):
        parse_plan(path, year=None, areas=AREAS)
    named = parse_plan(path, year=None, areas=AREAS, columns={"bukti": "Sasaran Hasil"})
    by_letter = parse_plan(path, year=None, areas=AREAS, columns={"bukti": "c"})
    none = parse_plan(path, year=None, areas=AREAS, columns={"bukti": "-"})
    assert [i.bukti_dukung for i in named.items] == ["Notulen sosialisasi", "SK UPG"]
    assert by_letter.items == named.items
    assert [i.bukti_dukung for i in none.items] == ["", ""]


def test_a_column_without_header_holding_text_is_named_and_asked(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["No", "Kegiatan", None, "Tenggat"],
        ["I", "PENGUATAN PENGAWASAN"],
        [1, "Sosialisasi gratifikasi", "Notulen sosialisasi", "2026-03-31"],
    ]
    path = write_workbook(tmp_path / "renja_2026.xlsx", [Sheet("RA", rows)])

    with pytest.raises(PlanFileError, match=r"kolom C \(tanpa judul\).*--column bukti=C"):
        parse_plan(path, year=None, areas=AREAS)
    plan = parse_plan(path, year=None, areas=AREAS, columns={"bukti": "C"})
    assert [i.bukti_dukung for i in plan.items] == ["Notulen sosialisasi"]
    assert plan.reading is not None
    columns = [(c.letter, c.header, c.field) for c in plan.reading.sheets[0].columns]
    assert columns[2] == ("C", "", "bukti")


def test_a_header_merged_over_two_columns_is_no_question(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["No", "Kegiatan", None, "Bukti Dukung", "Tenggat"],
        ["I", "PENGUATAN PENGAWASAN"],
        [1, "Sosialisasi", "gratifikasi", "Notulen", "2026-03-31"],
        [2, "Pembentukan UPG", None, "SK", "2026-02-27"],
    ]
    sheet = Sheet("RA", rows, merges=["B1:C1", "B4:C4"])
    path = write_workbook(tmp_path / "renja_2026.xlsx", [sheet])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert [(i.activity, i.bukti_dukung) for i in plan.items] == [
        ("Sosialisasi", "Notulen"),
        ("Pembentukan UPG", "SK"),
    ]


def test_column_override_by_group_and_sub_header(tmp_path: Path) -> None:
    path = BPS_TWO_LEVELS.write(tmp_path)

    plan = parse_plan(
        path, year=None, areas=AREAS, columns={"kegiatan": "Rencana Aksi/Uraian", "kode": "A"}
    )

    assert [(i.code, i.activity) for i in plan.items][:2] == [
        ("MP-01", "Pembentukan tim ZI"),
        ("MP-02", "Monitoring pembangunan ZI"),
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["kegiatan"], "NAMA=KOLOM"),
        (["warna=B"], "NAMA=KOLOM"),
        (["kegiatan="], "NAMA=KOLOM"),
    ],
)
def test_bad_column_options(options: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_column_options(options)


def test_column_options_accept_indonesian_field_names() -> None:
    assert parse_column_options(
        ['kegiatan="Rincian Kegiatan/Uraian"', "bukti_dukung=E", "Penanggung Jawab=K"]
    ) == {"kegiatan": "Rincian Kegiatan/Uraian", "bukti_dukung": "E", "penanggung_jawab": "K"}


def test_unknown_column_in_an_override_lists_the_columns(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match=r"'Uraian Kegiatan'.*B \(Uraian\)"):
        parse_plan(
            two_uraian(tmp_path), year=None, areas=AREAS, columns={"kegiatan": "Uraian Kegiatan"}
        )


def test_the_level_that_repeats_is_the_group_whatever_its_name(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["RENCANA AKSI ZI 2026"],
        ["No", "Kegiatan", "Rencana Aksi", "Output", "Waktu"],
        ["A", "MANAJEMEN PERUBAHAN"],
        [1, "Pembentukan tim", "Rapat pembentukan", "Notulen", "Januari"],
        [None, None, "Penetapan SK", "SK", "Februari"],
        [2, "Road map", "Penyusunan road map", "Road map", "Maret"],
    ]
    sheet = Sheet("RA", rows, merges=["A4:A5", "B4:B5"])
    path = write_workbook(tmp_path / "ra.xlsx", [sheet])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert [(i.code, i.activity, i.group) for i in plan.items] == [
        ("MP-01", "Rapat pembentukan", "Pembentukan tim"),
        ("MP-02", "Penetapan SK", "Pembentukan tim"),
        ("MP-03", "Penyusunan road map", "Road map"),
    ]


def test_csv_group_titles_span_the_sub_columns_to_their_right(tmp_path: Path) -> None:
    path = tmp_path / "rencana_aksi_2026.csv"
    path.write_text(
        "Rencana Aksi,,Rincian Kegiatan,,Target,,Penanggung Jawab\n"
        "No,Uraian,No,Uraian,Output,Waktu,\n"
        "I. MANAJEMEN PERUBAHAN,,,,,,\n"
        "1,Pembentukan tim,1,Rapat,Notulen,Januari,Kepala\n"
        ",,2,Penetapan SK,SK,Februari,Kepala\n",
        encoding="utf-8",
    )

    plan = parse_plan(path, year=None, areas=AREAS)

    assert items_of(plan) == [
        ("MP-01", "MP", "Rapat", "Notulen", date(2026, 1, 31), "Pembentukan tim"),
        ("MP-02", "MP", "Penetapan SK", "SK", date(2026, 2, 28), "Pembentukan tim"),
    ]


def test_tahapan_under_kegiatan_and_an_unused_start_column(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["RENCANA KERJA ZI PENGADILAN AGAMA BANGLI"],
        ["Tahun Anggaran 2026"],
        ["NO", "KOMPONEN", "KEGIATAN", "TAHAPAN", "HASIL YANG DIHARAPKAN", "WAKTU", None, "PJ"],
        [None, None, None, None, None, "MULAI", "SELESAI", None],
        ["I", "MANAJEMEN PERUBAHAN"],
        [1, None, "Pembentukan tim", "Rapat pimpinan", "Notulen", "Jan 2026", "Jan 2026", "KPA"],
        [None, None, None, "Penerbitan SK", "SK", "Feb 2026", "Feb 2026", "KPA"],
        ["II", "PENATAAN TATALAKSANA"],
        [1, None, "SOP", "Reviu SOP", "SOP", "Mar 2026", "Jun 2026", "Sekretaris"],
    ]
    merges = ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:G3", "H3:H4", "C6:C7"]
    path = write_workbook(tmp_path / "pa.xlsx", [Sheet("RA", rows, merges=merges)])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert items_of(plan) == [
        ("MP-01", "MP", "Rapat pimpinan", "Notulen", date(2026, 1, 31), "Pembentukan tim"),
        ("MP-02", "MP", "Penerbitan SK", "SK", date(2026, 2, 28), "Pembentukan tim"),
        ("TL-01", "TL", "Reviu SOP", "SOP", date(2026, 6, 30), "SOP"),
    ]


def test_target_column_and_a_realisation_grid_beside_the_plan(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["RENCANA AKSI ZI PENGADILAN NEGERI AMLAPURA TAHUN 2026"],
        ["NO", "AREA PERUBAHAN", "RENCANA KEGIATAN", "TARGET", "RENCANA", None, None, None,
         "REALISASI", None, None, None, "PENANGGUNG JAWAB"],
        [None, None, None, None, "TW I", "TW II", "TW III", "TW IV", "TW I", "TW II", "TW III",
         "TW IV", None],
        [1, "Penguatan Pengawasan", "Sosialisasi gratifikasi", "1 laporan", "v", None, None, None,
         None, None, None, "v", "Panitera"],
    ]  # fmt: skip
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:H2", "I2:L2", "M2:M3"]
    path = write_workbook(tmp_path / "pn.xlsx", [Sheet("RA", rows, merges=merges)])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert items_of(plan) == [
        ("PW-01", "PW", "Sosialisasi gratifikasi", "1 laporan", date(2026, 3, 31), "")
    ]


def test_any_numbering_or_bullet_in_a_no_column_is_a_position(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["No", "Kegiatan", "Bukti Dukung", "Tenggat"],
        ["A.", "PENGUATAN AKUNTABILITAS"],
        ["1.a", "Perjanjian kinerja", "PK", "2026-02-27"],
        ["1.b", "Rencana kinerja", "Renja", "2026-03-31"],
        ["-", "Laporan kinerja", "LKj", "2026-12-31"],
        ["2)", "Reviu IKU", "IKU", "2026-06-30"],
    ]
    path = write_workbook(tmp_path / "ra_2026.xlsx", [Sheet("RA", rows)])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert plan.errors == []
    assert [i.code for i in plan.items] == ["AK-01", "AK-02", "AK-03", "AK-04"]


def test_waktu_over_mulai_and_selesai_takes_the_end(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["No", "Kegiatan", "Output", "Waktu", None],
        [None, None, None, "Mulai", "Selesai"],
        ["I", "PENGUATAN AKUNTABILITAS"],
        [1, "Perjanjian kinerja", "Dokumen PK", "Januari 2026", "Februari 2026"],
    ]
    sheet = Sheet("RA", rows, merges=["A1:A2", "B1:B2", "C1:C2", "D1:E1"])
    path = write_workbook(tmp_path / "ra.xlsx", [sheet])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert items_of(plan) == [
        ("AK-01", "AK", "Perjanjian kinerja", "Dokumen PK", date(2026, 2, 28), "")
    ]


# --- errors quote the cell and say what was expected ----------------------------------------


def test_errors_quote_the_cell_and_say_when_a_row_looks_like_a_heading(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Kode", "Kegiatan", "Tenggat"],
        ["MP-01", "Tim kerja", "2026-01-31"],
        ["a.", "Rencana kerja", "2026-02-27"],
        ["3", "Sosialisasi dan internalisasi"],
    ]
    path = write_workbook(tmp_path / "plan_2026.xlsx", [Sheet("RA", rows)])

    plan = parse_plan(path, year=None, areas=AREAS)

    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert reasons[(3, "Kode")] == (
        "kode tidak valid: 'a.' (yang dikenali: kode seperti MP-01, atau nomor urut di kolom No)"
    )
    assert "terlihat seperti judul" in reasons[(4, "Tenggat")]


def test_an_unknown_heading_numbered_like_the_areas_is_refused(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["No", "Kegiatan", "Bukti Dukung", "Tenggat"],
        ["A.", "MANAJEMEN PERUBAHAN"],
        [1, "Tim kerja", "SK", "2026-01-31"],
        ["B.", "PENATAAN ORGANISASI"],  # not a ZI area: its items must not stay under MP
        [1, "Reviu struktur", "Laporan", "2026-05-29"],
        ["a.", "Sosialisasi"],  # a sub-group, numbered otherwise: fine
        [2, "Sosialisasi struktur", "Notulen", "2026-06-30"],
    ]
    path = write_workbook(tmp_path / "ra_2026.xlsx", [Sheet("RA", rows)])

    plan = parse_plan(path, year=None, areas=AREAS)

    assert [(e.row, e.reason.split(";")[0]) for e in plan.errors] == [
        (4, "judul 'B. PENATAAN ORGANISASI' bernomor seperti judul area, tetapi bukan nama area "
            "yang dikenal (yang dikenal: Manajemen Perubahan, Penataan Tatalaksana, Penataan "
            "Sistem Manajemen SDM Aparatur, Penguatan Akuntabilitas, Penguatan Pengawasan, "
            "Peningkatan Kualitas Pelayanan Publik)"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Januari - Maret 2026", date(2026, 3, 31)),
        ("Jan s.d. Des", date(2026, 12, 31)),
        ("Maret s/d Juni", date(2026, 6, 30)),
        ("TW I - TW III", date(2026, 9, 30)),
        ("Juni 2026 – Agustus", date(2026, 8, 31)),
        ("Triwulan I s.d. IV", date(2026, 12, 31)),
        ("TW II-III", date(2026, 9, 30)),
        ("12/2026", date(2026, 12, 31)),
        ("2026-06", date(2026, 6, 30)),
        ("Setiap bulan", date(2026, 12, 31)),
        ("Sepanjang tahun", date(2026, 12, 31)),
    ],
)
def test_a_period_means_its_end(value: str, expected: date) -> None:
    assert parse_date(value, year=2026) == expected
