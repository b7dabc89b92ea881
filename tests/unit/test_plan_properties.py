"""Property tests: generated plans in many layouts parse back to exactly the generated items.

Columns shuffled, header names varied, area headings at several levels and in several styles,
sub-indicator headings holding other areas' words, numbering that restarts, evidence on several
(merged or unmerged) rows, deadlines as dates, month names, marks or fill in a month or
quarter grid.
"""

from __future__ import annotations

import calendar
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.plan_parser import parse_plan

AREAS = [
    ("MP", "Manajemen Perubahan"),
    ("TL", "Penataan Tatalaksana"),
    ("SDM", "Penataan Sistem Manajemen SDM Aparatur"),
    ("AK", "Penguatan Akuntabilitas"),
    ("PW", "Penguatan Pengawasan"),
    ("PP", "Peningkatan Kualitas Pelayanan Publik"),
]
AREA_NAMES = {
    "MP": ["Manajemen Perubahan"],
    "TL": ["Penataan Tatalaksana", "Tatalaksana", "Tata Laksana"],
    "SDM": [
        "Penataan Sistem Manajemen SDM Aparatur",
        "Manajemen SDM",
        "Penataan Sistem Manajemen SDM",
    ],
    "AK": ["Penguatan Akuntabilitas", "Penguatan Akuntabilitas Kinerja", "Akuntabilitas"],
    "PW": ["Penguatan Pengawasan", "Pengawasan"],
    "PP": ["Peningkatan Kualitas Pelayanan Publik", "Pelayanan Publik"],
}
# Sub-indicator names holding words of other areas ("Publik", "Sistem", "Akuntabilitas", ...)
TRAPS = [
    "Keterbukaan Informasi Publik",
    "Sistem Pemerintahan Berbasis Elektronik (SPBE)",
    "Penerapan Sistem Pengendalian Intern Pemerintah (SPIP)",
    "Pengelolaan Akuntabilitas Kinerja",
    "Upaya dan/atau Inovasi Pelayanan Publik",
    "Penyusunan Tim Kerja",
    "Pengendalian Gratifikasi",
    "Sistem Informasi Kepegawaian",
]
HEADERS = {
    "no": ["No", "No.", "Nomor"],
    "activity": [
        "Kegiatan",
        "Rincian Kegiatan",
        "Sub Kegiatan",
        "Uraian Kegiatan",
        "Program/Kegiatan",
    ],
    "evidence": [
        "Bukti Dukung",
        "Produk Output",
        "Output",
        "Data Dukung",
        "Dokumen",
        "Indikator",
        "Rencana Output",
    ],
    "deadline": ["Batas Waktu", "Tenggat", "Target Waktu", "Waktu Pelaksanaan", "Jadwal"],
    "pic": ["Penanggung Jawab", "PIC", "Tim Kerja", "Unit"],
    "note": ["Keterangan", "Status"],
    "upper": ["Rencana Aksi", "Program", "Rencana Kerja"],
}
GRID_TITLES = ["Jadwal", "Waktu Pelaksanaan", "Bulan", "Target Waktu"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
MONTH_NAMES = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember"]  # fmt: skip
QUARTERS = ["TW I", "TW II", "TW III", "TW IV"]
WORDS = ["arsip", "rapat", "laporan", "sosialisasi", "evaluasi", "reviu", "survei", "pelatihan"]
FILL = PatternFill(fill_type="solid", fgColor="FFC000")
YEAR = 2026


@dataclass(frozen=True)
class GenItem:
    activity: str
    evidence: tuple[str, ...]
    month: int
    pic: str


@dataclass(frozen=True)
class GenArea:
    code: str
    name: str
    trap: str | None  # a sub-indicator heading above the items
    items: tuple[GenItem, ...]
    split: int  # two-level plans: items[:split] under one rencana aksi, the rest under another

    def upper(self, number: int) -> str:
        """The rencana aksi (upper level) of the item numbered ``number`` (from 1)."""
        return f"Rencana aksi {self.code} {'satu' if number <= self.split else 'dua'}"


@dataclass(frozen=True)
class Layout:
    order: tuple[str, ...]  # column order of no, activity, evidence, deadline, pic, note
    headers: dict[str, str]
    deadline: str  # "date", "month", "marks", "fill", "quarter-fill"
    grid_title: str
    heading: str  # "letter", "roman-component", "digit", "area-word", "one-cell"
    numbering: str  # "plain", "dotted", "letter", "roman", "none"
    merged: bool  # further evidence rows merged with the item's cells, or left empty
    components: bool  # "I. PEMENUHAN" above the areas
    repeat_header: bool  # the header again before every area block, the area title above it
    per_sheet: bool  # one sheet per area (the sheet name is the area), no area headings
    upper: str  # two levels: "" (one level), "own-row", "first-row", "every-row"


@st.composite
def plans(draw: st.DrawFn) -> tuple[list[GenArea], Layout]:
    quarter = draw(st.booleans())
    codes = draw(st.lists(st.sampled_from([c for c, _ in AREAS]), min_size=1, max_size=3,
                          unique=True))  # fmt: skip
    counter = iter(range(1, 1000))
    areas = []
    for code in codes:
        items = []
        for _ in range(draw(st.integers(1, 3))):
            n = next(counter)
            word = draw(st.sampled_from(WORDS))
            lines = draw(st.integers(1, 3))
            month = draw(st.integers(1, 4)) * 3 if quarter else draw(st.integers(1, 12))
            items.append(
                GenItem(
                    f"Pelaksanaan {word} nomor {n}",
                    tuple(f"Laporan {word} {n} bagian {k}" for k in range(1, lines + 1)),
                    month,
                    draw(st.sampled_from(["Sekretaris", "Kasubbag Umum", "Tim ZI"])),
                )
            )
        areas.append(
            GenArea(
                code,
                draw(st.sampled_from(AREA_NAMES[code])),
                draw(st.none() | st.sampled_from(TRAPS)),
                tuple(items),
                draw(st.integers(1, len(items))),
            )
        )
    deadline = "quarter-fill" if quarter else draw(
        st.sampled_from(["date", "month", "marks", "fill"])
    )  # fmt: skip
    upper = draw(st.sampled_from(["", "own-row", "first-row", "every-row"]))
    keys = ["no", "activity", "evidence", "deadline", "pic", "note"] + (["upper"] if upper else [])
    layout = Layout(
        order=tuple(draw(st.permutations(keys))),
        headers={key: draw(st.sampled_from(names)) for key, names in HEADERS.items()},
        deadline=deadline,
        grid_title=draw(st.sampled_from(GRID_TITLES)),
        heading=draw(
            st.sampled_from(["letter", "roman-component", "digit", "area-word", "one-cell"])
        ),
        numbering=draw(
            st.sampled_from(["plain", "dotted", "letter", "roman", "sub", "bullet", "none"])
        ),
        merged=draw(st.booleans()),
        components=draw(st.booleans()),
        repeat_header=draw(st.booleans()),
        per_sheet=draw(st.booleans()),
        upper=upper,
    )
    return areas, layout


def _number(style: str, block: int, index: int) -> object:
    if style == "plain":
        return index
    if style == "dotted":
        return f"{block}.{index}"
    if style == "letter":
        return f"{'abcdefghij'[index - 1]}."
    if style == "sub":
        return f"{block}.{'abcdefghij'[index - 1]}"
    if style == "bullet":
        return "-"
    if style == "roman":
        return f"{['i', 'ii', 'iii', 'iv', 'v'][index - 1]}."
    return None


def _heading_text(style: str, position: int, name: str) -> tuple[str | None, str]:
    """(No cell, text cell) of an area heading row."""
    letter = "ABCDEF"[position]
    roman = ["I", "II", "III", "IV", "V", "VI"][position]
    if style == "letter":
        return f"{letter}.", name.upper()
    if style == "roman-component":
        return None, f"{roman}. KOMPONEN {name.upper()}"
    if style == "digit":
        return f"{position + 1}.", name
    if style == "area-word":
        return None, f"AREA {roman}. {name.upper()}"
    return None, name.upper()


def write_plan(path: Path, areas: list[GenArea], layout: Layout) -> None:
    """Write the generated plan in the generated layout."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    if layout.per_sheet:  # one sheet per area, named by the area, after a notes sheet
        notes = workbook.create_sheet("Petunjuk")
        notes["A1"] = "Isi satu lembar untuk setiap area perubahan"
        for area in areas:
            name = min(AREA_NAMES[area.code], key=len)
            _write_sheet(workbook.create_sheet(name), [area], layout, headings=False)
    else:
        _write_sheet(workbook.create_sheet("Rencana Aksi"), areas, layout, headings=True)
    workbook.save(path)


def _write_sheet(sheet: Worksheet, areas: list[GenArea], layout: Layout, *, headings: bool) -> None:
    grid = layout.deadline in ("marks", "fill", "quarter-fill")
    labels = MONTHS if layout.deadline in ("marks", "fill") else QUARTERS
    columns: list[str] = []
    for key in layout.order:
        columns += [f"grid{i}" for i in range(len(labels))] if key == "deadline" and grid else [key]
    index = {key: i + 1 for i, key in enumerate(columns)}
    width = len(columns)
    rows: list[dict[int, object]] = [{1: f"RENCANA AKSI ZONA INTEGRITAS TAHUN {YEAR}"}, {}]
    fills: list[tuple[int, int]] = []
    merges: list[str] = []

    def merge_down(key: str, first: int, last: int) -> None:
        letter = get_column_letter(index[key])
        merges.append(f"{letter}{first}:{letter}{last}")

    def header() -> None:
        top: dict[int, object] = {}
        for key in layout.order:
            top[index["grid0" if key == "deadline" and grid else key]] = (
                layout.grid_title if key == "deadline" and grid else layout.headers[key]
            )
        rows.append(top)
        if not grid:
            return
        rows.append({index[f"grid{i}"]: label for i, label in enumerate(labels)})
        first = len(rows) - 1
        for key in layout.order:
            if key != "deadline":
                merge_down(key, first, first + 1)
        merges.append(
            f"{get_column_letter(index['grid0'])}{first}:"
            f"{get_column_letter(index[f'grid{len(labels) - 1}'])}{first}"
        )

    if not layout.repeat_header or not headings:
        header()
    if layout.components and headings:
        rows.append({index["no"]: "I.", index["activity"]: "PEMENUHAN"})
    for position, area in enumerate(areas):
        no, text = _heading_text(layout.heading, position, area.name)
        if not headings:
            no = text = ""
        row: dict[int, object] = {index["activity"]: text}
        if no:
            row[index["no"]] = no
        if layout.heading == "one-cell" and headings:
            row = {1: text}
            merges.append(f"A{len(rows) + 1}:{get_column_letter(width)}{len(rows) + 1}")
        if headings:
            rows.append(row)
        if layout.repeat_header and headings:
            header()
        if area.trap:
            rows.append({index["no"]: "i.", index["activity"]: area.trap})
        upper_rows: list[int] = []
        for number, item in enumerate(area.items, start=1):
            upper = area.upper(number)
            starts_group = number in (1, area.split + 1)
            if layout.upper == "own-row" and starts_group:
                rows.append({index["upper"]: upper})
            first = len(rows) + 1
            row = {index["activity"]: item.activity, index["evidence"]: item.evidence[0],
                   index["pic"]: item.pic}  # fmt: skip
            if layout.upper == "every-row" or (layout.upper == "first-row" and starts_group):
                row[index["upper"]] = upper
            if (value := _number(layout.numbering, position + 1, number)) is not None:
                row[index["no"]] = value
            if layout.deadline == "date":
                last = calendar.monthrange(YEAR, item.month)[1]
                row[index["deadline"]] = f"{last} {MONTH_NAMES[item.month - 1]} {YEAR}"
            elif layout.deadline == "month":
                row[index["deadline"]] = MONTH_NAMES[item.month - 1]
            elif layout.deadline == "marks":
                row[index[f"grid{item.month - 1}"]] = "v"
                row[index[f"grid{max(0, item.month - 3)}"]] = "v"
            else:
                slot = item.month - 1 if layout.deadline == "fill" else item.month // 3 - 1
                fills.append((first, index[f"grid{slot}"]))
                fills.append((first, index[f"grid{max(0, slot - 1)}"]))
            rows.append(row)
            rows.extend({index["evidence"]: line} for line in item.evidence[1:])
            last_row = len(rows)
            if layout.upper == "every-row":
                upper_rows.extend(range(first + 1, last_row + 1))
            if layout.merged and last_row > first:
                for key in ("no", "activity", "pic", "note", "deadline"):
                    if (key == "no" and layout.numbering == "none") or (key == "deadline" and grid):
                        continue
                    merge_down(key, first, last_row)
                if layout.upper == "every-row":
                    merge_down("upper", first, last_row)
                    upper_rows = upper_rows[: -(last_row - first)]
        for r in upper_rows:  # unmerged further rows repeat the rencana aksi too
            rows[r - 1][index["upper"]] = rows[r - 2].get(index["upper"])
    rows += [{}, {1: "Mengetahui,"}, {1: "Kepala Kantor"}]
    for r, values in enumerate(rows, start=1):
        for c, value in values.items():
            sheet.cell(row=r, column=c, value=value)
    for r, c in fills:
        sheet.cell(row=r, column=c).fill = FILL
    for ref in merges:
        sheet.merge_cells(ref)


def expected_items(
    areas: list[GenArea], layout: Layout
) -> list[tuple[str, str, str, str, date, str]]:
    found = []
    for area in areas:
        for number, item in enumerate(area.items, start=1):
            last = calendar.monthrange(YEAR, item.month)[1]
            found.append(
                (
                    f"{area.code}-{number:02d}",
                    area.code,
                    item.activity,
                    "; ".join(item.evidence),
                    date(YEAR, item.month, last),
                    area.upper(number) if layout.upper else area.trap or "",
                )
            )
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_generated_plan_parses_back_to_its_items(plan: tuple[list[GenArea], Layout]) -> None:
    areas, layout = plan
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rencana.xlsx"
        write_plan(path, areas, layout)
        parsed = parse_plan(path, year=None, areas=AREAS)
        workbook = openpyxl.load_workbook(path)
        written_rows = {
            sheet.title: [
                cells[0].row
                for cells in sheet.iter_rows()
                if any(c.value not in (None, "") for c in cells)
            ]
            for sheet in workbook.worksheets
        }

    assert parsed.errors == []
    got = [(i.code, i.area_code, i.activity, i.bukti_dukung, i.tenggat, i.group)
           for i in parsed.items]  # fmt: skip
    assert got == expected_items(areas, layout)
    assert parsed.reading is not None
    for sheet in parsed.reading.sheets:  # every non-empty row accounted for, once
        assert sorted(note.row for note in sheet.rows) == written_rows[sheet.name or ""]
    read = {sheet.name for sheet in parsed.reading.sheets}
    assert read | {name for name, _ in parsed.reading.ignored_sheets} == set(written_rows)
    kinds = [note.kind for sheet in parsed.reading.sheets for note in sheet.rows]
    assert kinds.count("item") == len(got)
    assert "error" not in kinds
