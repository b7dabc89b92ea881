"""Read a rencana aksi (action plan) spreadsheet, CSV or XLSX, into clean items or row errors.

Pure: no database and no chat library.  The sheets this reads are the ones offices really keep:
title rows and merged cells above the header, header names in many spellings, Indonesian dates,
a month or quarter grid instead of a deadline column, area heading rows instead of an area
column, "No" numbers instead of item codes, blank lines and stray spaces.  Every bad row is
reported with its row number (as a person sees it), the column header and an Indonesian reason.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl

from services import texts

APPLIES_ALL = "semua"
APPLIES_PROVINCE = "provinsi"
APPLIES_KABKOTA = "kabkota"
APPLIES_LIST = "daftar"


@dataclass(frozen=True)
class ParsedItem:
    """One clean rencana aksi row."""

    row: int  # 1-based row number as a person sees it in the sheet/file
    code: str  # normalised, e.g. "MP-01"
    area_code: str  # one of the area codes given, e.g. "MP"
    activity: str  # kegiatan / rencana aksi, whitespace collapsed
    bukti_dukung: str  # expected evidence ("" if the sheet has no such column)
    tenggat: date
    applies_to: str  # one of the APPLIES_* constants
    applies_codes: tuple[str, ...]  # satker codes when applies_to == APPLIES_LIST, else ()
    pic: str | None  # "penanggung jawab" / "PIC" column, when present
    group: str = ""  # the upper level (rencana aksi over rincian, sub-indicator heading)
    sheet: str = ""  # the sheet it was read from (XLSX)
    lke_codes: tuple[str, ...] = ()  # LKE worksheet questions it serves ("Kode LKE" column)


@dataclass(frozen=True)
class RowError:
    """One problem in one row (row 0: the whole file)."""

    row: int  # 1-based row number; 0 for whole-file problems
    column: str  # the column header as written in the file ("" when not about one column)
    reason: str  # Bahasa Indonesia
    sheet: str = ""  # the sheet, when the plan spans several sheets


# What a row of the sheet was read as (every non-empty row gets exactly one).
ROW_TITLE = "title"  # title rows above the header
ROW_HEADER = "header"  # the header row(s), repeated headers, column-number rows
ROW_HEADING = "heading"  # component, area, sub-indicator, sub-group or upper-level rows
ROW_ITEM = "item"
ROW_PART = "part"  # a further row of the item above (merged item, evidence on several rows)
ROW_SKIPPED = "skipped"  # pre-numbered empty rows
ROW_FOOTER = "footer"  # legend, notes, signature block below the table
ROW_ERROR = "error"

HEADING_COMPONENT = "component"  # A. PENGUNGKIT, I. PEMENUHAN, II. REFORM: the areas start again
HEADING_AREA = "area"
HEADING_SUB = "sub"  # a sub-indicator of the LKE: never changes the area
HEADING_GROUP = "group"  # a sub-group row or the upper level of a two-level plan


@dataclass(frozen=True)
class RowNote:
    """How one row was read."""

    row: int
    kind: str  # one of the ROW_* constants
    detail: str = ""  # the heading text, the reason a row was skipped, ...
    heading: str = ""  # for ROW_HEADING: one of the HEADING_* constants
    area: str | None = None  # for ROW_HEADING: the area in force after the row


@dataclass(frozen=True)
class ColumnUse:
    """One column of the header: its letter, its header text and the field it feeds."""

    letter: str
    header: str
    field: str  # a FIELD_* name, "grid" (month/quarter mark), "note" (read, ignored) or ""


@dataclass(frozen=True)
class SheetReading:
    """How one sheet was understood."""

    name: str | None
    area: str | None  # the area named by the sheet name, when it names one
    header_rows: tuple[int, ...]
    columns: tuple[ColumnUse, ...]
    rows: tuple[RowNote, ...]


@dataclass(frozen=True)
class Reading:
    """How the whole file was understood, for the dry run."""

    sheets: tuple[SheetReading, ...]
    ignored_sheets: tuple[tuple[str, str], ...] = ()  # (sheet name, reason)


@dataclass(frozen=True)
class ParsedPlan:
    """The result of reading a plan: its year, the clean items and every row error."""

    year: int
    items: list[ParsedItem]
    errors: list[RowError]
    sheet: str | None  # sheet name used for XLSX (the first one, when several)
    reading: Reading | None = None


class PlanFileError(Exception):
    """The file as a whole cannot be read (missing, unknown type, no header row found).

    str() is one Indonesian line.
    """


# --- vocabulary ---------------------------------------------------------------------------

HEADER_SCAN_ROWS = 30  # the header row must be among the first rows
_MAX_COLUMNS = 200
_MAX_EMPTY_RUN = 1000  # stop reading a sheet after this many empty rows in a row

_CODE = "code"
_NO = "no"
_AREA = "area"
_ACTIVITY = "activity"
_GROUP = "group"
_EVIDENCE = "evidence"
_DEADLINE = "deadline"
_APPLIES = "applies"
_PIC = "pic"
_LKE = "lke"  # the LKE worksheet questions an item serves ("Kode LKE", or "Indikator" of codes)
_NOTE = "note"  # read and named in the dry run, never used: keterangan, status
_MONTH = "month"
_QUARTER = "quarter"

# The names a person gives the fields in --column (Indonesian first).
FIELD_NAMES: dict[str, str] = {
    "kode": _CODE,
    "no": _CODE,
    "area": _AREA,
    "kegiatan": _ACTIVITY,
    "kelompok": _GROUP,
    "bukti": _EVIDENCE,
    "bukti_dukung": _EVIDENCE,
    "tenggat": _DEADLINE,
    "berlaku": _APPLIES,
    "berlaku_untuk": _APPLIES,
    "pic": _PIC,
    "penanggung_jawab": _PIC,
    "lke": _LKE,
    "kode_lke": _LKE,
}
_FIELD_LABEL = {  # field -> the --column name shown to people
    _CODE: "kode",
    _AREA: "area",
    _ACTIVITY: "kegiatan",
    _GROUP: "kelompok",
    _EVIDENCE: "bukti",
    _DEADLINE: "tenggat",
    _APPLIES: "berlaku",
    _PIC: "pic",
    _LKE: "lke",
    _NOTE: "catatan",
}

_HEADER_LABELS: dict[str, str] = {
    "kode": _CODE,
    "kode item": _CODE,
    "kode rencana aksi": _CODE,
    "kode kegiatan": _CODE,
    "kode ra": _CODE,
    "no": _NO,
    "nomor": _NO,
    "no urut": _NO,
    "area": _AREA,
    "area perubahan": _AREA,
    "komponen": _AREA,
    "kegiatan": _ACTIVITY,
    "rencana aksi": _ACTIVITY,
    "uraian kegiatan": _ACTIVITY,
    "nama kegiatan": _ACTIVITY,
    "uraian": _ACTIVITY,
    "rencana kegiatan": _ACTIVITY,
    "rencana kerja": _ACTIVITY,
    "rincian kegiatan": _ACTIVITY,
    "rincian": _ACTIVITY,
    "sub kegiatan": _ACTIVITY,
    "tahapan": _ACTIVITY,
    "tahapan kegiatan": _ACTIVITY,
    "langkah kegiatan": _ACTIVITY,
    "program kegiatan": _ACTIVITY,
    "program": _ACTIVITY,
    "bukti dukung": _EVIDENCE,
    "bukti": _EVIDENCE,
    "data dukung": _EVIDENCE,
    "output": _EVIDENCE,
    "produk output": _EVIDENCE,
    "rencana output": _EVIDENCE,
    "target output": _EVIDENCE,
    "keluaran": _EVIDENCE,
    "dokumen": _EVIDENCE,
    "indikator": _EVIDENCE,
    "hasil yang diharapkan": _EVIDENCE,
    "target": _EVIDENCE,  # "Target: 1 dokumen" (and "Target" over "Output | Jumlah")
    "hasil kegiatan": _EVIDENCE,
    "tenggat": _DEADLINE,
    "tenggat waktu": _DEADLINE,
    "batas waktu": _DEADLINE,
    "target waktu": _DEADLINE,
    "deadline": _DEADLINE,
    "waktu pelaksanaan": _DEADLINE,
    "waktu": _DEADLINE,
    "jadwal": _DEADLINE,
    "jadwal pelaksanaan": _DEADLINE,
    "bulan": _DEADLINE,
    "target penyelesaian": _DEADLINE,
    "berlaku untuk": _APPLIES,
    "berlaku": _APPLIES,
    "satker": _APPLIES,
    "penanggung jawab": _PIC,
    "pic": _PIC,
    "pj": _PIC,
    "tim kerja": _PIC,
    "unit": _PIC,
    "unit kerja": _PIC,
    "kode lke": _LKE,
    "lke": _LKE,
    "indikator lke": _LKE,
    "kode indikator lke": _LKE,
    "kode pertanyaan lke": _LKE,
    "pertanyaan lke": _LKE,
    "butir lke": _LKE,
    "kode butir lke": _LKE,
    "keterangan": _NOTE,
    "ket": _NOTE,
    "status": _NOTE,
    "catatan": _NOTE,
}
# Longest first, for "label followed by more words" ("bukti dukung output" is evidence).
_HEADER_PREFIXES = sorted(_HEADER_LABELS, key=len, reverse=True)

_MONTHS: dict[str, int] = {
    **dict.fromkeys(("januari", "jan", "january"), 1),
    **dict.fromkeys(("februari", "pebruari", "feb", "peb", "february"), 2),
    **dict.fromkeys(("maret", "mar", "march"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "jun", "june"), 6),
    **dict.fromkeys(("juli", "jul", "july"), 7),
    **dict.fromkeys(("agustus", "agu", "agt", "ags", "agust", "aug", "august"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "okt", "oct", "october"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "des", "dec", "december"), 12),
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_RE = re.compile(r"(?:tw|trw|triwulan|kuartal|q)\s*(iv|iii|ii|i|[1-4])")
_SEMESTER_RE = re.compile(r"(?:semester|smt|sem)\s*(ii|i|[12])")
_MARKS = frozenset({"v", "x", "✓", "✔", "√", "1", "●", "•"})
_WHITE_INDEXED = frozenset({1, 9, 64, 65})  # white, white, system foreground/background

_APPLIES_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("", "semua", "all", "seluruh", "seluruhnya", "seluruh satker", "semua satker"),
        APPLIES_ALL,
    ),
    **dict.fromkeys(("provinsi", "prov", "kpu provinsi", "kpu prov"), APPLIES_PROVINCE),
    **dict.fromkeys(
        (
            "kabkota",
            "kab kota",
            "kabupaten kota",
            "kpu kabkota",
            "kpu kab kota",
            "kpu kabupaten kota",
        ),
        APPLIES_KABKOTA,
    ),
}
_END_WORDS = (
    "mengetahui",
    "catatan",
    "keterangan",
    "ttd",
    "tanda tangan",
    "legenda",
    "=",
)

# The names a row uses for an area as a whole (LKE worksheet and the plans offices keep), per
# standard area code.  A heading row sets the area only when it is one of these (or the area's
# own name or code), at most followed by the code or a weight: "Manajemen Perubahan (MP)".
_AREA_VARIANTS: dict[str, tuple[str, ...]] = {
    "MP": ("manajemen perubahan",),
    "TL": ("penataan tatalaksana", "penataan tata laksana", "tatalaksana", "tata laksana"),
    "SDM": (
        "penataan sistem manajemen sdm",
        "penataan sistem manajemen sdm aparatur",
        "penataan sistem manajemen sumber daya manusia",
        "penataan sistem manajemen sumber daya manusia aparatur",
        "penataan manajemen sdm",
        "sistem manajemen sdm",
        "manajemen sdm",
        "manajemen sumber daya manusia",
        "sdm",
        "sdm aparatur",
    ),
    "AK": (
        "penguatan akuntabilitas",
        "penguatan akuntabilitas kinerja",
        "akuntabilitas",
        "akuntabilitas kinerja",
    ),
    "PW": ("penguatan pengawasan", "pengawasan"),
    "PP": (
        "peningkatan kualitas pelayanan publik",
        "peningkatan pelayanan publik",
        "kualitas pelayanan publik",
        "pelayanan publik",
    ),
}
# Component rows: the areas start again below them (a REFORM block after a PEMENUHAN block).
_COMPONENTS = frozenset(
    {
        "pengungkit",
        "komponen pengungkit",
        "pemenuhan",
        "reform",
        "hasil",
        "komponen hasil",
        "pengungkit pemenuhan",
        "pengungkit reform",
    }
)
# Indicators of the LKE (PermenPANRB 90/2021) and their usual short names: a heading row naming
# one of these never changes the area, whatever area's words occur in it.
_SUB_INDICATORS = frozenset(
    {
        "penyusunan tim kerja",
        "rencana pembangunan zona integritas",
        "pemantauan dan evaluasi pembangunan wbk wbbm",
        "perubahan pola pikir dan budaya kerja",
        "komitmen dalam perubahan",
        "komitmen pimpinan",
        "membangun budaya kerja",
        "prosedur operasional tetap sop kegiatan utama",
        "sistem pemerintahan berbasis elektronik spbe",
        "sistem pemerintahan berbasis elektronik",
        "keterbukaan informasi publik",
        "peta proses bisnis mempengaruhi penyederhanaan jabatan",
        "sistem pemerintahan berbasis elektronik spbe yang terintegrasi",
        "transformasi digital memberikan nilai manfaat",
        "perencanaan kebutuhan pegawai sesuai dengan kebutuhan organisasi",
        "pola mutasi internal",
        "pengembangan pegawai berbasis kompetensi",
        "penetapan kinerja individu",
        "penegakan aturan disiplin kode etik kode perilaku pegawai",
        "sistem informasi kepegawaian",
        "kinerja individu",
        "assessment pegawai",
        "pelanggaran disiplin pegawai",
        "keterlibatan pimpinan",
        "pengelolaan akuntabilitas kinerja",
        "meningkatnya capaian kinerja unit kerja",
        "pemberian reward and punishment",
        "kerangka logis kinerja",
        "pengendalian gratifikasi",
        "penerapan sistem pengendalian intern pemerintah spip",
        "pengaduan masyarakat",
        "whistle blowing system",
        "penanganan benturan kepentingan",
        "mekanisme pengendalian",
        "penanganan pengaduan masyarakat",
        "penyampaian laporan harta kekayaan",
        "standar pelayanan",
        "budaya pelayanan prima",
        "pengelolaan pengaduan",
        "penilaian kepuasan terhadap pelayanan",
        "pemanfaatan teknologi informasi",
        "upaya dan atau inovasi pelayanan publik",
        "penanganan pengaduan pelayanan dan konsultasi",
        "e office",
        "spbe",
        "sop",
        "spip",
        "wbs",
    }
)
_PLACE_DATE_RE = re.compile(r"[a-z ]+, \d{1,2} [a-z]+ \d{4}")
_NUMBERING_RE = re.compile(r"(?:[a-z]|[ivxl]+|\d+(?: \d+)*) ")
_EXCEL_EPOCH = date(1899, 12, 30)

CellValue = object


@functools.lru_cache(maxsize=8192)
def _norm(value: str) -> str:
    """Lower case, punctuation to spaces, spaces collapsed: 'Bukti_Dukung ' -> 'bukti dukung'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", value.lower()).split())


def _text(value: CellValue) -> str:
    """A cell as text with whitespace collapsed; whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


# --- reading the file into rows -----------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    number: int  # as a person sees it: sheet row index or CSV line number
    values: tuple[CellValue, ...]
    shaded: tuple[bool, ...] = ()
    merged: tuple[bool, ...] = ()  # the cell repeats the top-left cell of a merged range

    def value(self, column: int | None) -> CellValue:
        if column is None or column >= len(self.values):
            return None
        return self.values[column]

    def text(self, column: int | None) -> str:
        return _text(self.value(column))

    def is_shaded(self, column: int) -> bool:
        return column < len(self.shaded) and self.shaded[column]

    def is_merged(self, column: int | None) -> bool:
        return column is not None and column < len(self.merged) and self.merged[column]

    def own_text(self, column: int | None) -> str:
        """The cell's text unless it only repeats a merged range's top-left cell."""
        return "" if self.is_merged(column) else self.text(column)

    def is_empty(self) -> bool:
        return not any(_text(v) for v in self.values)

    def distinct_texts(self) -> list[str]:
        found: list[str] = []
        for value in self.values:
            text = _text(value)
            if text and text not in found:
                found.append(text)
        return found


def _decode(data: bytes) -> str:
    """Text of a CSV file: UTF-16 with BOM, UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(text: str, delimiter: str) -> list[_Row]:
    """Records of a CSV text, each numbered by the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[_Row] = []
    start = 1
    for record in reader:
        rows.append(_Row(start, tuple(record)))
        start = reader.line_num + 1
    return rows


def _delimiters(text: str) -> list[str]:
    """Candidate delimiters, the sniffed one first."""
    candidates = [",", ";", "\t"]
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return candidates
    return [sniffed, *(c for c in candidates if c != sniffed)]


def _read_csv(path: Path) -> tuple[list[_Row], _Header]:
    """Rows and header of a CSV file; the delimiter is the one that yields the best header."""
    text = _decode(path.read_bytes())
    best: tuple[list[_Row], _Header] | None = None
    try:
        for delimiter in _delimiters(text):
            rows = _csv_rows(text, delimiter)
            header = _find_header(rows)
            if header and (best is None or header.score > best[1].score):
                best = (rows, header)
    except csv.Error as exc:
        raise PlanFileError(
            texts.IMPORT_UNREADABLE.format(name=path.name, kind="CSV", detail=exc)
        ) from exc
    if best is None:
        raise PlanFileError(texts.IMPORT_NO_HEADER.format(rows=HEADER_SCAN_ROWS, name=path.name))
    return best


def _is_shaded(cell: Any) -> bool:
    """Whether a cell has a solid (or patterned) non-white fill."""
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type in (None, "none"):
        return False
    color = fill.fgColor
    if color is None:
        return False
    if color.type == "rgb":
        return isinstance(color.rgb, str) and color.rgb[-6:].upper() != "FFFFFF"
    if color.type == "theme":
        return not (color.theme == 0 and not color.tint)
    if color.type == "indexed":
        return color.indexed not in _WHITE_INDEXED
    return False


def _fill_merged(
    values: list[list[CellValue]],
    shaded: list[list[bool]],
    ranges: Iterable[tuple[int, int, int, int]],
    merged: list[list[bool]],
) -> None:
    """Give every cell of a merged range (1-based bounds) its top-left value and shading."""
    for min_row, min_col, max_row, max_col in ranges:
        top, left = min_row - 1, min_col - 1
        if top >= len(values) or left >= len(values[top]):
            continue
        value, shade = values[top][left], shaded[top][left]
        for r in range(top, min(max_row, len(values))):
            for c in range(left, min(max_col, len(values[r]))):
                values[r][c] = value
                shaded[r][c] = shade
                merged[r][c] = (r, c) != (top, left)


def _sheet_rows(sheet: Any) -> list[_Row]:
    """Rows of a worksheet with merged ranges filled in."""
    columns = min(sheet.max_column or 1, _MAX_COLUMNS)
    values: list[list[CellValue]] = []
    shaded: list[list[bool]] = []
    empty_run = 0
    for cells in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=columns):
        row_values = [cell.value for cell in cells]
        values.append(row_values)
        shaded.append([_is_shaded(cell) for cell in cells])
        empty_run = 0 if any(_text(v) for v in row_values) else empty_run + 1
        if empty_run > _MAX_EMPTY_RUN:
            break
    ranges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
    merged = [[False] * len(v) for v in values]
    _fill_merged(values, shaded, ranges, merged)
    return [
        _Row(index + 1, tuple(v), tuple(s), tuple(m))
        for index, (v, s, m) in enumerate(zip(values, shaded, merged, strict=True))
    ]


def _read_xlsx(
    path: Path, areas: Sequence[tuple[str, str]]
) -> tuple[list[_Source], list[tuple[str, str]]]:
    """The sheets holding the plan, and the others with the reason they were left aside.

    One sheet with a complete header is the plan; several are read together when each sheet's
    name names an area (one sheet per area), else the first one is read.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions, data validation, ...
            workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl fails in many ways on files that are not XLSX
        raise PlanFileError(
            texts.IMPORT_UNREADABLE.format(name=path.name, kind="XLSX", detail=exc)
        ) from exc
    complete: list[_Source] = []
    ignored: list[tuple[str, str]] = []
    incomplete: tuple[_Header, str] | None = None
    try:
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet)
            header = _find_header(rows)
            if header is None:
                ignored.append((sheet.title, texts.IMPORT_SHEET_NO_HEADER))
                continue
            if header.missing():
                ignored.append((sheet.title, header.missing_message(f"lembar {sheet.title!r}")))
                if incomplete is None or header.score > incomplete[0].score:
                    incomplete = (header, f"lembar {sheet.title!r}")
                continue
            named = heading_areas(sheet.title, areas)
            area = named[0] if len(named) == 1 else None
            complete.append(_Source(rows, header, sheet.title, area))
    finally:
        workbook.close()
    per_area = [source for source in complete if source.area]
    if len(per_area) > 1:  # one sheet per area; a recap sheet beside them is left aside
        ignored.extend((s.sheet or "", texts.IMPORT_SHEET_NOT_AREA) for s in complete if not s.area)
        complete = per_area
    elif len(complete) > 1:
        ignored.extend((s.sheet or "", texts.IMPORT_SHEET_NOT_FIRST) for s in complete[1:])
        complete = complete[:1]
    if complete:
        return complete, ignored
    if incomplete is not None:
        raise PlanFileError(incomplete[0].missing_message(incomplete[1]))
    raise PlanFileError(texts.IMPORT_NO_HEADER.format(rows=HEADER_SCAN_ROWS, name=path.name))


# --- header detection ---------------------------------------------------------------------


def _month_number(normalised: str) -> int | None:
    """Month of a normalised month name, optionally followed by a year ('jan 2026')."""
    match = re.fullmatch(r"([a-z]+)(?: (?:20)?\d{2})?", normalised)
    return _MONTHS.get(match.group(1)) if match else None


def _quarter_number(normalised: str) -> int | None:
    """Quarter of 'tw i', 'triwulan 4', 'q2', ..."""
    match = _QUARTER_RE.fullmatch(normalised)
    if not match:
        return None
    token = match.group(1)
    return _ROMAN.get(token) or int(token)


def _classify_label(value: CellValue) -> tuple[str, int] | None:
    """What a header cell names: (field, 0), (month, 1..12), (quarter, 1..4) or None."""
    if not isinstance(value, str):
        return None
    label = _norm(value)
    if not label:
        return None
    for key in (label, label.replace(" ", "")):  # "P.I.C" is "pic"
        if key in _HEADER_LABELS:
            return _HEADER_LABELS[key], 0
    month = _month_number(label)
    if month:
        return _MONTH, month
    quarter = _quarter_number(label)
    if quarter:
        return _QUARTER, quarter
    if len(label.split()) <= 4:
        for known in _HEADER_PREFIXES:
            if label.startswith(known + " ") and not _names_a_heading(label[len(known) + 1 :]):
                return _HEADER_LABELS[known], 0
    return None


_ALL_AREA_NAMES = frozenset(v for names in _AREA_VARIANTS.values() for v in names)


def _names_a_heading(rest: str) -> bool:
    """'i manajemen perubahan' after 'area': a heading row ('AREA I. ...'), not a header."""
    first = rest.split()[0]
    return bool(re.fullmatch(r"[ivxl]+|\d+|[a-h]", first)) or rest in _ALL_AREA_NAMES


@dataclass(frozen=True)
class _Header:
    first: int  # index (in the row list) of the first header row
    last: int  # index of the last header row; data starts below it
    number: int  # row number of the last header row, as a person sees it
    columns: dict[str, int]  # field -> column index
    labels: dict[str, str]  # field -> header text as written
    months: dict[int, int]  # column index -> month 1..12 of a month grid
    quarters: dict[int, int]  # column index -> quarter 1..4 of a quarter grid
    heads: dict[int, str] = field(default_factory=dict)  # column -> header text ("Grup/Sub")
    notes: tuple[int, ...] = ()  # columns read and ignored (keterangan, status)
    ambiguous: dict[str, list[int]] = field(default_factory=dict)  # field -> tied columns
    numbers: int = 0  # row number of the first header row
    parts: dict[int, tuple[str, str]] = field(default_factory=dict)  # column -> (upper, lower)

    @property
    def score(self) -> int:
        fields = {_CODE if f == _NO else f for f in self.columns if f != _GROUP}
        return len(fields) + (2 if self.months or self.quarters else 0)

    @property
    def grid_columns(self) -> list[int]:
        return [*self.months, *self.quarters]

    def missing(self) -> list[str]:
        missing = []
        if _ACTIVITY not in self.columns:
            missing.append(texts.IMPORT_COLUMN_ACTIVITY)
        if _DEADLINE not in self.columns and not self.grid_columns:
            missing.append(texts.IMPORT_COLUMN_DEADLINE)
        return missing

    def missing_message(self, where: str) -> str:
        fields = [_ACTIVITY] if _ACTIVITY not in self.columns else []
        if _DEADLINE not in self.columns and not self.grid_columns:
            fields.append(_DEADLINE)
        accepted = "; ".join(
            texts.IMPORT_ACCEPTED_FOR.format(
                field=_FIELD_LABEL[f], names=", ".join(_accepted_names(f))
            )
            for f in fields
        )
        return texts.IMPORT_MISSING_COLUMNS.format(
            row=self.number, where=where, columns=", ".join(self.missing()), accepted=accepted
        )

    def field_of(self, column: int) -> str:
        """The field a column feeds: a field name, "grid", "note" or ""."""
        for name, index in self.columns.items():
            if index == column:
                return name
        if column in self.months or column in self.quarters:
            return "grid"
        return "note" if column in self.notes else ""


def _accepted_names(field_name: str) -> list[str]:
    return [label for label, f in _HEADER_LABELS.items() if f == field_name]


def _rank(field_name: str, label: str) -> int:
    """How surely a header names the field: the lowest level of a plan ranks highest."""
    words = set(label.split())
    if field_name == _ACTIVITY:
        if words & {"rincian", "tahapan", "langkah"} or "sub kegiatan" in label:
            return 4
        if "kegiatan" in words:
            return 3
        if "aksi" in words:
            return 2
        return 1 if words & {"kerja", "program"} else 0
    if field_name == _EVIDENCE:
        if words & {"bukti", "dukung"}:
            return 3
        return 2 if words & {"output", "keluaran", "dokumen"} else 1
    if field_name == _DEADLINE:
        if words & {"selesai", "akhir"}:
            return 3  # "Waktu" over "Mulai | Selesai": the end is the deadline
        if words & {"mulai", "awal"}:
            return 0
        return 2 if words & {"tenggat", "batas", "deadline", "penyelesaian", "target"} else 1
    if field_name == _PIC:
        return 2 if words & {"penanggung", "pic", "pj"} else 1
    return 0


_SURE_FIELDS = (_ACTIVITY, _EVIDENCE, _DEADLINE)  # a tie here is asked, never guessed


def _build_header(rows: Sequence[_Row], first: int, last: int) -> _Header:
    """The header made of rows[first..last]: one row, or two (the lower row's names win).

    A sub-column is told apart by its group title ("Rincian Kegiatan" over "Uraian"); of two
    activity columns the lower level is the item and the upper one its group.
    """
    upper, lower = rows[first], rows[last]
    width = max(len(upper.values), len(lower.values))
    candidates: dict[str, list[tuple[int, int]]] = {}  # field -> [(rank, column)]
    column_texts: dict[int, str] = {}
    parts: dict[int, tuple[str, str]] = {}
    months: dict[int, int] = {}
    quarters: dict[int, int] = {}
    notes: list[int] = []
    # Without merged cells (a CSV, an unmerged sheet) a group title stands in its first column
    # only: it spans the sub-columns to its right that have no title of their own.
    carry = first != last and not any(upper.merged)
    group_title = ""
    for column in range(width):
        below_text = lower.text(column)
        above_text = upper.text(column) if first != last else ""
        if carry:
            if above_text:
                group_title = above_text if below_text else ""
            elif below_text:
                above_text = group_title
        shown = below_text or above_text
        if above_text and below_text and _norm(above_text) != _norm(below_text):
            shown = f"{above_text}/{below_text}"
        if shown:
            column_texts[column] = shown
            parts[column] = (_norm(above_text), _norm(below_text))
        if column and lower.is_merged(column) and shown == column_texts.get(column - 1):
            continue  # one header cell merged across columns: only its first column is named
        if _norm(above_text).split()[:1] in (["realisasi"], ["capaian"], ["progres"]):
            notes.append(column)  # the realisation grid beside the plan's: not a deadline
            continue
        below = _classify_label(lower.value(column))
        above = _classify_label(upper.value(column)) if first != last else None
        chosen = below or above
        if chosen is None:
            continue
        kind, number = chosen
        if kind == _MONTH:
            months[column] = number
        elif kind == _QUARTER:
            quarters[column] = number
        elif kind == _NOTE:
            notes.append(column)
        else:
            candidates.setdefault(kind, []).append((_rank(kind, _norm(shown)), column))
    if len(months) < 2:
        months = {}
    if len(quarters) < 2:
        quarters = {}
    columns: dict[str, int] = {}
    ambiguous: dict[str, list[int]] = {}
    for kind, found in candidates.items():
        if kind == _NO:
            continue
        found.sort(key=lambda rc: (-rc[0], rc[1]))
        columns[kind] = found[0][1]
        tied = [c for r, c in found if r == found[0][0]]
        if len(tied) > 1 and kind in _SURE_FIELDS:
            ambiguous[kind] = tied
        elif kind == _ACTIVITY and len(found) > 1:
            columns[_GROUP] = found[1][1]
    if _CODE not in columns and _NO in candidates:
        columns[_CODE] = _position_column(
            candidates[_NO], columns.get(_ACTIVITY), upper, first != last
        )
    labels = {kind: column_texts.get(c, "") for kind, c in columns.items()}
    return _Header(
        first,
        last,
        lower.number,
        columns,
        labels,
        months,
        quarters,
        column_texts,
        tuple(notes),
        ambiguous,
        upper.number,
        parts,
    )


def _position_column(
    found: list[tuple[int, int]], activity: int | None, upper: _Row, grouped: bool
) -> int:
    """Of several "No" columns, the one of the item's level: under the same group title as the
    activity column, else the nearest one left of it."""
    columns = [c for _, c in found]
    if activity is None or len(columns) == 1:
        return columns[0]
    if grouped:
        same = [c for c in columns if upper.text(c) and upper.text(c) == upper.text(activity)]
        if same:
            return same[0]
    left = [c for c in columns if c < activity]
    return max(left) if left else columns[0]


_DATA_CELL = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|[A-Za-z]{1,4}\s?[-.]\s?\d{1,3}"
)


def _looks_like_data(row: _Row) -> bool:
    """A row holding a date or an item code ("MP-01") is an item, never a header row.

    Without this, an activity such as "Kegiatan MP nomor 1" beside "Bukti dukung MP-01" would
    read as a second header row below the real one.
    """
    for value in row.values:
        if isinstance(value, date | datetime):
            return True
        text = value.strip() if isinstance(value, str) else ""
        if _DATA_CELL.fullmatch(text) and _classify_label(text) is None:
            return True
    return False


def _find_header(rows: Sequence[_Row]) -> _Header | None:
    """The row (or pair of rows) among the first rows that names the most known columns.

    Two rows make one header when both name columns (a merged header: "Waktu" above
    "Tenggat", or "Kegiatan" beside "Jadwal" above "Jan".."Des"), or when together they name
    more than either alone (names above, month names below).  On a tie the upper one wins.
    """
    limit = min(len(rows), HEADER_SCAN_ROWS)
    singles = [
        None if len(r.distinct_texts()) < 2 or _looks_like_data(r) else _build_header(rows, i, i)
        for i, r in enumerate(rows[:limit])
    ]
    best: _Header | None = None
    for index, single in enumerate(singles):
        if single is None:
            continue
        candidates = [single]
        below = singles[index + 1] if index + 1 < limit else None
        if below is not None:
            pair = _build_header(rows, index, index + 1)
            if min(single.score, below.score) >= 2:
                candidates = [pair]
            elif pair.score > max(single.score, below.score):
                candidates.append(pair)
        for header in candidates:
            if header.score >= 2 and (best is None or header.score > best.score):
                best = header
    return best


# --- cell values --------------------------------------------------------------------------


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _checked(value: date) -> date:
    if not 2000 <= value.year <= 2100:
        raise ValueError(value)
    return value


def _from_serial(serial: float) -> date:
    """An Excel serial day number (46387 is 2026-12-31)."""
    if not 36526 <= serial < 73415:  # 2000-01-01 .. 2100-12-31
        raise ValueError(serial)
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _full_year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _month_of(word: str) -> int:
    month = _MONTHS.get(word.rstrip("."))
    if month is None:
        raise ValueError(word)
    return month


_RANGE_RE = re.compile(
    r"([a-z][a-z0-9 .]*?)\s*(?:-|–|—|s\.?\s?d\.?|s/d|sampai|hingga)\s*([a-z][a-z0-9 .]*)"
)


def _parse_when(value: CellValue) -> date | int:
    """A deadline cell as a date, or a month (1..12) of the plan's year; ValueError if neither."""
    if isinstance(value, datetime):
        return _checked(value.date())
    if isinstance(value, date):
        return _checked(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value))
    text = _text(value).lower()
    text = re.sub(r"^(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)\s*,?\s*", "", text)
    if span := _RANGE_RE.fullmatch(text):  # "Januari - Maret 2026", "Jan s.d. Des": the end
        start, end = span.group(1), span.group(2)
        if re.fullmatch(r"(?:iv|iii|ii|i|[1-4])", end) and _QUARTER_RE.match(_norm(start)):
            end = f"tw {end}"  # "TW I - IV"
        in_start = re.search(r"(?<!\d)(20\d{2})$", start)
        if in_start and not re.search(r"(?<!\d)20\d{2}$", end):
            end = f"{end} {in_start.group(1)}"
        return _parse_when(end)
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_serial(float(text))
    if match := re.fullmatch(
        r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text
    ):
        year, month, day = (int(g) for g in match.groups())
        return _checked(date(year, month, day))
    if match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})", text):
        day, month = int(match.group(1)), int(match.group(2))
        return _checked(date(_full_year(match.group(3)), month, day))
    if match := re.fullmatch(r"(\d{1,2})[\s\-/.]*([a-z]+\.?)[\s\-/.,]*(\d{4}|\d{2})", text):
        day, month = int(match.group(1)), _month_of(match.group(2))
        return _checked(date(_full_year(match.group(3)), month, day))
    if match := re.fullmatch(r"(\d{1,2})[/-](\d{4})|(\d{4})-(\d{1,2})", text):  # 12/2026
        month = int(match.group(1) or match.group(4))
        if not 1 <= month <= 12:
            raise ValueError(text)
        return _checked(_last_day(int(match.group(2) or match.group(3)), month))
    if match := re.fullmatch(r"(?:akhir\s+)?([a-z]+\.?)[\s\-/.,]*(\d{4})", text):
        return _checked(_last_day(int(match.group(2)), _month_of(match.group(1))))
    return _month_in_plan_year(_norm(text))


def _month_in_plan_year(normalised: str) -> int:
    """'Desember', 'akhir Desember', 'TW IV', 'Semester II' -> the (last) month meant."""
    normalised = normalised.removeprefix("akhir ").removeprefix("bulan ")
    if normalised in _MONTHS:
        return _MONTHS[normalised]
    quarter = _quarter_number(normalised)
    if quarter:
        return quarter * 3
    if match := _SEMESTER_RE.fullmatch(normalised):
        return 6 * (_ROMAN.get(match.group(1)) or int(match.group(1)))
    if normalised in _ALL_YEAR:
        return 12  # a recurring activity: done when the year is
    raise ValueError(normalised)


_ALL_YEAR = frozenset(
    {
        "setiap bulan",
        "tiap bulan",
        "setiap triwulan",
        "tiap triwulan",
        "setiap semester",
        "sepanjang tahun",
        "januari desember",
    }
)


def parse_date(value: CellValue, *, year: int | None = None) -> date:
    """A deadline cell as a date; a month without a year means its last day in ``year``."""
    when = _parse_when(value)
    if isinstance(when, date):
        return when
    if year is None:
        raise ValueError(value)
    return _last_day(year, when)


def normalise_code(value: CellValue, area_code: str | None = None) -> str | None:
    """'  mp 1 ' -> 'MP-01'; a bare number '1.2' -> '<area>-02' (None without an area)."""
    text = re.sub(r"\s+", "", _text(value)).upper()
    if match := re.fullmatch(r"\d+(?:\.\d+)*\.?", text):
        number = int(match.group(0).rstrip(".").split(".")[-1])
        if number == 0:
            raise ValueError(value)
        return f"{area_code}-{number:02d}" if area_code else None
    if match := re.fullmatch(r"([A-Z]+)[-_.]?(\d+(?:[.\-]\d+)*)", text):
        parts = re.split(r"[.\-]", match.group(2))
        return match.group(1) + "-" + ".".join(f"{int(p):02d}" for p in parts)
    raise ValueError(value)


def parse_applies(value: CellValue) -> tuple[str, tuple[str, ...], list[str]]:
    """The 'berlaku untuk' cell: (APPLIES_*, satker codes, tokens that are not satker codes)."""
    word = _norm(_text(value))
    if word in _APPLIES_WORDS:
        return _APPLIES_WORDS[word], (), []
    codes: list[str] = []
    bad: list[str] = []
    for token in re.split(r"[,;\s]+", _text(value)):
        if not token:
            continue
        code = token.replace(".", "") if re.fullmatch(r"\d{2}\.\d{2}", token) else token
        if not re.fullmatch(r"\d{2,4}", code):
            bad.append(token)
        elif code not in codes:
            codes.append(code)
    return APPLIES_LIST, tuple(codes), bad


# --- area matching ------------------------------------------------------------------------


def _distinctive_words(areas: Sequence[tuple[str, str]]) -> dict[str, set[str]]:
    """Per area code: the words of its name (and its code) found in no other area's name."""
    words = {code: set(_norm(name).split()) | {_norm(code)} for code, name in areas}
    distinctive: dict[str, set[str]] = {}
    for code, own in words.items():
        others = set[str]().union(*(w for c, w in words.items() if c != code))
        distinctive[code] = {w for w in own if len(w) >= 2 and w not in others}
    return distinctive


def match_area(value: str, areas: Sequence[tuple[str, str]], *, keywords: bool = True) -> list[str]:
    """Codes of the areas a cell may mean (one: found; none: unknown; more: ambiguous)."""
    text = _norm(value)
    if not text:
        return []
    pairs = [(code, _norm(code), _norm(name)) for code, name in areas]
    stages: list[Callable[[str, str], bool]] = [
        lambda code, name: text == code,
        lambda code, name: text == name,
        lambda code, name: name.startswith(text + " ") or text.startswith(name + " "),
        lambda code, name: f" {name} " in f" {text} ",
    ]
    for stage in stages:
        found = [code for code, ncode, nname in pairs if stage(ncode, nname)]
        if found:
            return found
    if not keywords:
        return []
    words, compact = set(text.split()), text.replace(" ", "")
    return [
        code
        for code, own in _distinctive_words(areas).items()
        if any(w in words or (len(w) >= 6 and w in compact) for w in own)
    ]


# --- rows ---------------------------------------------------------------------------------


@dataclass
class _Draft:
    """An item whose code and deadline may still depend on the rest of the plan."""

    row: int
    sheet: str
    code: str | None  # an explicit item code; None: made from the position or the order
    position: int | None  # the number of a "No" cell (1.2 -> 2); None for "a." or no number
    area_code: str
    activity: str
    evidence: list[str]
    when: date | int  # a date, or a month of the plan's year
    applies_to: str
    applies_codes: tuple[str, ...]
    pic: str | None
    group: str
    lke: list[str] = field(default_factory=list)


@dataclass
class _State:
    """What every sheet of one plan adds to."""

    drafts: list[_Draft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)  # every readable full date (year guess)
    seen: dict[str, tuple[str, int]] = field(default_factory=dict)  # code -> (sheet, row)


def _is_mark(row: _Row, column: int) -> bool:
    return row.text(column).lower() in _MARKS


def _is_sub_header(row: _Row) -> bool:
    """A row of column numbers '(1) (2) (3)' or week numbers 'I II III IV' under the header."""
    cells = [t for t in (_text(v) for v in row.values) if t]
    return all(re.fullmatch(r"\(?(?:\d{1,2}|[ivxIVX]{1,4})\)?", t) for t in cells)


def _is_numbering(text: str) -> bool:
    """'A.', 'II', '3', '1.2)': the numbering of a heading or item."""
    return re.fullmatch(r"(?:[A-Za-z]|[IVXLivxl]+|\d+(?:\.\d+)*)[.)]?", text) is not None


_LEADING_NUMBER = re.compile(r"^(?:[A-Za-z]|[IVXLivxl]+|\d+(?:\.\d+)*)[.)]\s+")


_POSITION_RE = re.compile(r"(?:\d+|[A-Za-z]|[ivxIVX]+)(?:[.)](?:\d+|[A-Za-z]|[ivxIVX]+))*[.)]?")


def _numbering_first(found: list[str]) -> list[str]:
    """The texts of a row, a numbering right of the name ("MANAJEMEN PERUBAHAN", "A.") first."""
    if len(found) == 2 and _is_numbering(found[1]) and not _is_numbering(found[0]):
        return [found[1], found[0]]
    return found


def _numbering_style(found: Sequence[str]) -> str:
    """'A.' -> 'A', 'II.' -> 'I', '3.' -> '1', 'iv' -> 'i', 'b)' -> 'a'; '' when unnumbered."""
    token = found[0] if len(found) == 2 else ""
    if not token:
        match = _LEADING_NUMBER.match(found[0]) if found else None
        token = match.group(0).strip() if match else ""
    token = token.rstrip(".)").removeprefix("AREA ").strip()
    if not token:
        return ""
    if token.isdigit() or re.fullmatch(r"\d+(?:\.\d+)*", token):
        return "1." * (token.count(".") + 1)
    if re.fullmatch(r"[IVX]+", token):
        return "I"
    if re.fullmatch(r"[ivx]+", token):
        return "i"
    if len(token) == 1:
        return "A" if token.isupper() else "a"
    return ""


def _heading_name(normalised: str) -> tuple[str, str]:
    """'area i manajemen perubahan' -> ('manajemen perubahan', 'alpha'); kind '' if unnumbered."""
    kind = ""
    for turn in range(2):
        before = normalised
        for prefix in ("area perubahan ", "area ", "komponen ", "bidang ", "program "):
            normalised = normalised.removeprefix(prefix)
        if turn and normalised == before:
            break  # "2 e office": the "e" is a word, not a second number
        numbered = _NUMBERING_RE.match(normalised)
        if numbered and len(normalised) > numbered.end():
            kind = kind or ("digit" if normalised[0].isdigit() else "alpha")
            normalised = normalised[numbered.end() :]
    return normalised, kind


_WEIGHT_RE = re.compile(r"(?:bobot )?\d+(?: \d+)?(?: persen)?")  # "(4%)", "(Bobot 5%)"


def heading_areas(name: str, areas: Sequence[tuple[str, str]]) -> list[str]:
    """Codes of the areas a heading names as a whole ('Tatalaksana', 'AREA II. PENGAWASAN').

    Never by a keyword inside a longer name: 'Keterbukaan Informasi Publik' names no area.
    """
    normalised, _ = _heading_name(_norm(name))
    found: list[str] = []
    for code, area_name in areas:
        ncode = _norm(code)
        variants = {_norm(area_name), ncode, *_AREA_VARIANTS.get(code, ())}
        for variant in variants:
            rest = normalised.removeprefix(variant)
            if rest == normalised:
                continue
            rest = rest.strip()
            if not rest or rest == ncode or _WEIGHT_RE.fullmatch(rest):
                found.append(code)
                break
    return found


def _is_sub_indicator(name: str) -> bool:
    return name in _SUB_INDICATORS or any(name.startswith(s + " ") for s in _SUB_INDICATORS)


class _SheetParser:
    """Walks the rows below the header: area and group from heading rows, one note per row."""

    def __init__(
        self,
        header: _Header,
        areas: Sequence[tuple[str, str]],
        state: _State,
        sheet: str = "",
        area: str | None = None,
        *,
        tag_errors: bool = False,
    ) -> None:
        self.header = header
        self.areas = areas
        self.area_codes = {code for code, _ in areas}
        self.state = state
        self.sheet = sheet
        self.tag = sheet if tag_errors else ""
        self.current_area = area
        self.group_heading = ""  # the sub-indicator or sub-group heading in force
        self.group_row = ""  # the upper level of a two-level plan, on its own row
        self.notes: list[RowNote] = []
        self.last_kind = ""
        self.last_draft: _Draft | None = None
        self.last_deadline = ""
        self.last_activity = ""
        self.last_upper = ""
        self.area_styles: set[str] = set()  # numbering styles of the area headings seen
        self.item_rows: list[_Row] = []

    def column(self, field_name: str) -> int | None:
        return self.header.columns.get(field_name)

    def note(self, row: _Row, kind: str, detail: str = "", heading: str = "") -> None:
        area = self.current_area if kind == ROW_HEADING else None
        self.notes.append(RowNote(row.number, kind, detail, heading, area))
        self.last_kind = kind

    def title_rows(self, rows: Sequence[_Row]) -> None:
        """Rows above the header: the title, and an area title standing above the header."""
        for row in rows:
            if row.is_empty():
                continue
            found = _numbering_first(row.distinct_texts())
            codes = heading_areas(" ".join(found), self.areas) if len(found) <= 2 else []
            if len(codes) == 1:
                self.current_area = codes[0]
                self.area_styles.add(_numbering_style(found))
                self.note(row, ROW_HEADING, " ".join(found), HEADING_AREA)
            else:
                self.note(row, ROW_TITLE, found[0])

    def parse(self, rows: Sequence[_Row]) -> None:
        """Parse every row below the header."""
        first, ended = True, False
        for index, row in enumerate(rows):
            if row.is_empty():
                continue
            if ended:
                self.note(row, ROW_FOOTER, row.distinct_texts()[0])
                continue
            if first and _is_sub_header(row):
                first = False
                self.note(row, ROW_HEADER, texts.IMPORT_NOTE_COLUMN_NUMBERS)
                continue
            first = False
            if self._is_repeated_header(row):
                self.note(row, ROW_HEADER, texts.IMPORT_NOTE_HEADER_AGAIN)
                continue
            if self._is_end(row):
                ended = True
                self.note(row, ROW_FOOTER, row.distinct_texts()[0])
                continue
            if self._continues(row):
                continue
            if self._heading(row) or self._group_row(row, rows, index + 1):
                continue
            if self._only_number(row):
                self.note(row, ROW_SKIPPED, texts.IMPORT_NOTE_ONLY_NUMBER)
                continue
            self._item(row)

    # row kinds

    def _marked_month(self, row: _Row) -> int | None:
        months = [m for c, m in self.header.months.items() if _is_mark(row, c) or row.is_shaded(c)]
        months += [
            q * 3 for c, q in self.header.quarters.items() if _is_mark(row, c) or row.is_shaded(c)
        ]
        return max(months, default=None)

    def _partly_shaded(self, row: _Row) -> bool:
        grid = self.header.grid_columns
        shaded = [c for c in grid if row.is_shaded(c)]
        return bool(shaded) and len(shaded) < len(grid)

    def _is_repeated_header(self, row: _Row) -> bool:
        """The header (or one of its two rows) again, before the next block."""
        filled = [c for c, v in enumerate(row.values) if _text(v)]
        if len(filled) < 2 or not any(c in self.header.parts for c in filled):
            return False
        for side in (0, 1):
            same = [
                c
                for c in filled
                if c in self.header.parts and _norm(row.text(c)) == self.header.parts[c][side]
            ]
            if len(same) >= 2 and 2 * len(same) >= len(filled):
                return True
        return False

    def _is_end(self, row: _Row) -> bool:
        """Signature block, legend or notes below the table ('Mengetahui,', 'Keterangan :')."""
        found = row.distinct_texts()
        deadline = row.text(self.column(_DEADLINE))
        if deadline and deadline != found[0]:
            return False
        first = found[0].lower()
        return first.startswith(_END_WORDS) or (
            len(found) == 1 and _PLACE_DATE_RE.fullmatch(first) is not None
        )

    def _continues(self, row: _Row) -> bool:
        """A further row of the item above: its cells merged with the item's, or evidence only."""
        if self.last_kind not in (ROW_ITEM, ROW_PART):
            return False
        for key in (_ACTIVITY, _CODE, _AREA):
            if row.own_text(self.column(key)):
                return False
        if row.own_text(self.column(_GROUP)) not in ("", self.last_upper):
            return False  # a new upper level (the same one repeated on every row is no news)
        if row.text(self.column(_ACTIVITY)) not in ("", self.last_activity):
            return False  # merged across from a heading's cell, not down from the item's
        activity = self.column(_ACTIVITY) or 0
        further = (_EVIDENCE, _PIC, _DEADLINE, _GROUP, _LKE, "note", "grid")
        if any(row.own_text(c) and self.header.field_of(c) not in further for c in range(activity)):
            return False  # a heading or a new upper level in the columns left of the activity
        deadline = row.own_text(self.column(_DEADLINE))
        if deadline and deadline != self.last_deadline:
            return False
        draft = self.last_draft
        if draft is not None:
            evidence = row.own_text(self.column(_EVIDENCE))
            if evidence and evidence not in draft.evidence:
                draft.evidence.append(evidence)
            month = self._marked_month(row)
            if month is not None and isinstance(draft.when, int) and month > draft.when:
                draft.when = month
            draft.pic = draft.pic or row.own_text(self.column(_PIC)) or None
            more = lke_codes(row.own_text(self.column(_LKE)))
            draft.lke += [c for c in more if c not in draft.lke]
        self.note(row, ROW_PART)
        return True

    def _heading(self, row: _Row) -> bool:
        """A heading row: component (areas start again), area, sub-indicator or sub-group."""
        if any(_is_mark(row, c) for c in self.header.grid_columns):
            return False
        found = _numbering_first(row.distinct_texts())
        if len(found) > 2 or (len(found) == 2 and not _is_numbering(found[0])):
            return False
        if len(found) == 1 and _is_numbering(found[0]):
            return False
        for key in (_DEADLINE, _EVIDENCE, _PIC, _APPLIES):
            value = row.text(self.column(key))
            if value and value != found[-1]:
                return False
        text = " ".join(found)
        title = _LEADING_NUMBER.sub("", found[-1])
        name, numbering = _heading_name(_norm(text))
        if name in _COMPONENTS:
            self.current_area, self.group_heading, self.group_row = None, "", ""
            self.note(row, ROW_HEADING, text, HEADING_COMPONENT)
            return True
        codes = heading_areas(text, self.areas)
        if len(codes) == 1:
            self.current_area, self.group_heading, self.group_row = codes[0], "", ""
            self.area_styles.add(_numbering_style(found))
            self.note(row, ROW_HEADING, text, HEADING_AREA)
            return True
        if len(codes) > 1:
            self._error(row, _AREA, self._ambiguous(text, codes))
            self.current_area = None
            self.note(row, ROW_ERROR, text)
            return True
        if _is_sub_indicator(name):
            self.group_heading, self.group_row = title, ""
            self.note(row, ROW_HEADING, text, HEADING_SUB)
            return True
        style = _numbering_style(found)
        upper_level = row.own_text(self.column(_GROUP)) == found[-1]  # a rencana aksi row
        if style and style in self.area_styles and not upper_level:
            # numbered like the area headings but naming no area: refuse rather than guess
            names = ", ".join(name for _, name in self.areas)
            self._error(row, _AREA, texts.IMPORT_HEADING_NOT_AREA.format(value=text, names=names))
            self.note(row, ROW_ERROR, text)
            return True
        keys = (self.column(_ACTIVITY), self.column(_GROUP), self.column(_CODE))
        last_key = max((c for c in keys if c is not None), default=0)
        first_column = next(c for c, v in enumerate(row.values) if _text(v))
        loose = numbering == "alpha" or found[-1].isupper() or len(found) == 1
        if loose and first_column <= last_key and not self._partly_shaded(row):
            self.group_heading, self.group_row = title, ""
            self.note(row, ROW_HEADING, text, HEADING_GROUP)
            return True
        return False

    def _group_row(self, row: _Row, rows: Sequence[_Row], start: int) -> bool:
        """The upper level of a two-level plan on its own row, with its items below it."""
        upper = self.column(_GROUP)
        if upper is None or row.text(self.column(_ACTIVITY)) or not row.own_text(upper):
            return False
        below = next((r for r in rows[start : start + 50] if not r.is_empty()), None)
        if below is None or not below.text(self.column(_ACTIVITY)):
            return False  # no rincian below: the upper level is itself the item
        self.group_row = row.text(upper)
        self.note(row, ROW_HEADING, self.group_row, HEADING_GROUP)
        return True

    def _only_number(self, row: _Row) -> bool:
        """A pre-numbered but empty template row: only the No cell is filled."""
        code_column = self.column(_CODE)
        others = [_text(v) for c, v in enumerate(row.values) if c != code_column]
        return (
            not any(others)
            and not any(row.is_shaded(c) for c in self.header.grid_columns)
            and re.fullmatch(r"\d+(?:\.\d+)*\.?", row.text(code_column)) is not None
        )

    # items

    def _error(self, row: _Row, field_name: str | None, reason: str) -> None:
        column = self.header.labels.get(field_name, "") if field_name else ""
        self.state.errors.append(RowError(row.number, column, reason, self.tag))

    def _ambiguous(self, value: str, codes: Sequence[str]) -> str:
        return texts.IMPORT_AREA_AMBIGUOUS.format(value=value, candidates=", ".join(codes))

    def _item(self, row: _Row) -> None:
        errors_before = len(self.state.errors)
        activity = row.text(self.column(_ACTIVITY))
        upper = row.text(self.column(_GROUP))
        if not activity and upper:
            activity, upper = upper, ""  # an upper-level row without rincian: itself the item
            self.group_row = ""
        elif upper:
            self.group_row = upper  # written on the first of its rincian rows only, often
        group = self.group_row or self.group_heading
        if not activity:
            reason = texts.IMPORT_ACTIVITY_EMPTY
            if len(row.distinct_texts()) <= 2:
                reason += texts.IMPORT_LOOKS_LIKE_HEADING
            self._error(row, _ACTIVITY, reason)
        area, area_failed = self._area(row)
        code, position, area = self._code(row, area)
        if area is None and not area_failed:
            self._error(row, _AREA, texts.IMPORT_AREA_MISSING)
        when = self._when(row)
        applies_to, applies_codes = self._applies(row)
        if code is not None:
            self._check_duplicate(row, code)
        self.last_draft = None
        self.last_deadline = row.text(self.column(_DEADLINE))
        self.last_activity = row.text(self.column(_ACTIVITY))
        self.last_upper = row.text(self.column(_GROUP))
        if len(self.state.errors) > errors_before or area is None or when is None:
            self.note(row, ROW_ERROR, activity)
            self.last_kind = ROW_ITEM  # its further rows are still its own
            return
        pic = row.text(self.column(_PIC)) or None
        evidence = row.text(self.column(_EVIDENCE))
        lke = lke_codes(row.own_text(self.column(_LKE)))
        draft = _Draft(
            row.number,
            self.sheet,
            code,
            position,
            area,
            activity,
            [evidence] if evidence else [],
            when,
            applies_to,
            applies_codes,
            pic,
            group,
            lke,
        )
        self.state.drafts.append(draft)
        self.last_draft = draft
        self.item_rows.append(row)
        self.note(row, ROW_ITEM, activity)

    def _area(self, row: _Row) -> tuple[str | None, bool]:
        """The row's area (from its cell or the heading above) and whether its cell was bad."""
        value = row.text(self.column(_AREA))
        if not value:
            return self.current_area, False
        found = match_area(value, self.areas)
        if len(found) == 1:
            return found[0], False
        if found:
            self._error(row, _AREA, self._ambiguous(value, found))
        else:
            known = ", ".join(code for code, _ in self.areas)
            reason = texts.IMPORT_AREA_UNKNOWN.format(value=value)
            self._error(row, _AREA, reason + texts.IMPORT_EXPECTED_AREA.format(codes=known))
        return None, True

    def _code(self, row: _Row, area: str | None) -> tuple[str | None, int | None, str | None]:
        """(explicit code, position number, area): a "No" cell is a position, not a code."""
        raw = row.value(self.column(_CODE))
        text = re.sub(r"\s+", "", _text(raw))
        if not text:
            return None, None, area
        if re.fullmatch(r"\d+(?:\.\d+)*\.?", text):
            number = int(text.rstrip(".").split(".")[-1])
            if number > 0:
                return None, number, area
        elif self._is_position_column() and (
            _POSITION_RE.fullmatch(text) or text in ("-", "•", "*", "–")
        ):
            return None, None, area  # "a.", "ii.", "1.a", a bullet: a position within a block
        code: str | None
        try:
            code = normalise_code(raw, area)
        except ValueError:
            reason = texts.IMPORT_BAD_CODE.format(value=_text(raw)) + texts.IMPORT_EXPECTED_CODE
            self._error(row, _CODE, reason)
            return None, None, area
        prefix = code.split("-")[0] if code else ""
        if prefix in self.area_codes:
            if area is None:
                area = prefix
            elif prefix != area:
                reason = texts.IMPORT_CODE_AREA_MISMATCH.format(code=code, area=area)
                self._error(row, _CODE, reason)
        return code, None, area

    def _is_position_column(self) -> bool:
        """Whether the code column is a "No" column (a position) rather than a "Kode" column."""
        label = _norm(self.header.labels.get(_CODE, "")).split()
        return bool(label) and label[-1] in ("no", "nomor", "urut")

    def _check_duplicate(self, row: _Row, code: str) -> None:
        first = self.state.seen.setdefault(code, (self.sheet, row.number))
        if first != (self.sheet, row.number):
            reason = texts.IMPORT_DUPLICATE_CODE.format(code=code, first_row=first[1])
            self._error(row, _CODE, reason)

    def _when(self, row: _Row) -> date | int | None:
        """The deadline: the deadline cell if filled, else the last marked month of the grid."""
        raw = row.value(self.column(_DEADLINE))
        if _text(raw):
            try:
                when = _parse_when(raw)
            except ValueError:
                reason = texts.IMPORT_BAD_DATE.format(value=_text(raw)) + texts.IMPORT_EXPECTED_DATE
                self._error(row, _DEADLINE, reason)
                return None
            if isinstance(when, date):
                self.state.dates.append(when)
            return when
        month = self._marked_month(row)
        if month is None:
            reason = texts.IMPORT_DEADLINE_EMPTY
            if len(row.distinct_texts()) <= 2:
                reason += texts.IMPORT_LOOKS_LIKE_HEADING
            self._error(row, _DEADLINE, reason)
        return month

    def _applies(self, row: _Row) -> tuple[str, tuple[str, ...]]:
        applies_to, codes, bad = parse_applies(row.value(self.column(_APPLIES)))
        for token in bad:
            self._error(row, _APPLIES, texts.IMPORT_BAD_SATKER_CODE.format(value=token))
        return applies_to, codes

    def unsure_evidence(self) -> list[int]:
        """Unnamed columns holding text on most item rows, when no evidence column was found."""
        if _EVIDENCE in self.header.columns or not self.item_rows:
            return []
        found = []
        mapped_heads = {self.header.heads.get(c) for c in self.header.columns.values()}
        for column in self._filled_columns():
            if self.header.field_of(column):
                continue
            if self.header.heads.get(column) in mapped_heads - {None}:
                continue  # a header merged over two columns ("Kegiatan" over B:C)
            filled = [r for r in self.item_rows if _is_prose(r.own_text(column))]
            if 2 * len(filled) >= len(self.item_rows):
                found.append(column)
        return found

    def _filled_columns(self) -> list[int]:
        """Columns with a header, and columns without one that hold text on an item row."""
        filled = set(self.header.heads)
        for row in self.item_rows:
            filled.update(c for c in range(len(row.values)) if row.own_text(c))
        return sorted(filled)

    def reading(self) -> SheetReading:
        mapped = set(self.header.columns.values())
        columns = tuple(
            ColumnUse(
                _letter(c),
                self.header.heads.get(c, ""),
                _FIELD_LABEL.get(self.header.field_of(c), self.header.field_of(c)),
            )
            for c in sorted(set(self._filled_columns()) | mapped)
        )
        first, last = self.header.numbers, self.header.number
        return SheetReading(
            self.sheet or None,
            None,
            tuple(range(first, last + 1)),
            columns,
            tuple(self.notes),
        )


def _is_prose(value: CellValue) -> bool:
    """A cell of words (as evidence is), not a number, a date, a month or a mark."""
    text = _text(value)
    if not re.search(r"[A-Za-z]{3}", text):
        return False
    try:
        _parse_when(value)
    except ValueError:
        return True
    return False


def _letter(column: int) -> str:
    """'A' for column 0, 'AA' for column 26."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


# --- the year -----------------------------------------------------------------------------


def _year_in_text(text: str) -> int | None:
    """'RENCANA AKSI ZI TAHUN 2026' -> 2026 (a year after 'tahun' wins over any other)."""
    match = re.search(r"tahun\s*:?\s*(20\d{2})(?!\d)", text, re.IGNORECASE) or re.search(
        r"(?<!\d)(20\d{2})(?!\d)", text
    )
    return int(match.group(1)) if match else None


def _title_year(rows: Sequence[_Row]) -> int | None:
    """The year named in the title rows above (or in) the header, or in a 'Tahun' cell."""
    for row in rows:
        cells = [_text(v) for v in row.values if isinstance(v, str | int | float)]
        year = _year_in_text(" ".join(c for c in cells if c))
        if year:
            return year
    return None


def _plan_year(
    year: int | None, rows: Sequence[_Row], header: _Header, path: Path, dates: Sequence[date]
) -> int:
    """The argument; else the title rows; else the file name; else the most common deadline year."""
    found = year or _title_year(rows[: header.first]) or _year_in_text(path.stem)
    found = found or _title_year(rows[header.first : header.last + 1])
    if found:
        return found
    if dates:
        return Counter(d.year for d in dates).most_common(1)[0][0]
    raise PlanFileError(texts.IMPORT_NO_YEAR.format(name=path.name))


def _assign_codes(state: _State) -> None:
    """Codes for items numbered by position: the "No" when it is unique within the area, else
    the order within the area (numbering that restarts in every block: 1.1, 1.2, a., i.)."""
    by_area: dict[str, list[_Draft]] = {}
    order: dict[int, int] = {}
    for draft in state.drafts:
        by_area.setdefault(draft.area_code, []).append(draft)
        order[id(draft)] = len(by_area[draft.area_code])
    for area, drafts in by_area.items():
        pending = [d for d in drafts if d.code is None]
        positions = [d.position for d in pending]
        numbered = None not in positions and len(set(positions)) == len(positions)
        for draft in pending:
            number = draft.position if numbered and draft.position else order[id(draft)]
            draft.code = f"{area}-{number:02d}"
            first = state.seen.setdefault(draft.code, (draft.sheet, draft.row))
            if first != (draft.sheet, draft.row):
                reason = texts.IMPORT_DUPLICATE_CODE.format(code=draft.code, first_row=first[1])
                state.errors.append(RowError(draft.row, "", reason, draft.sheet))


def _finish(draft: _Draft, year: int) -> ParsedItem:
    when = draft.when if isinstance(draft.when, date) else _last_day(year, draft.when)
    return ParsedItem(
        draft.row,
        draft.code or "",
        draft.area_code,
        draft.activity,
        "; ".join(draft.evidence),
        when,
        draft.applies_to,
        draft.applies_codes,
        draft.pic,
        draft.group,
        draft.sheet,
        tuple(draft.lke),
    )


# --- column overrides -----------------------------------------------------------------------


def parse_column_options(options: Sequence[str]) -> dict[str, str]:
    """'kegiatan=Rincian Kegiatan/Uraian', 'bukti=E' -> {field: column}; ValueError if bad."""
    found: dict[str, str] = {}
    for option in options:
        name, sep, column = option.partition("=")
        key = _norm(name).replace(" ", "_")
        if not sep or key not in FIELD_NAMES or not column.strip():
            raise ValueError(
                texts.IMPORT_COLUMN_OPTION_BAD.format(
                    value=option, fields=", ".join(sorted(FIELD_NAMES))
                )
            )
        found[key] = column.strip().strip("\"'")
    return found


def _find_column(header: _Header, spec: str) -> int:
    """The column a --column value names: a letter ('E') or its header text ('Grup/Sub')."""
    wanted = _norm(spec)
    heads = header.heads
    for how in (
        lambda text: _norm(text) == wanted,
        lambda text: _norm(text.split("/")[-1]) == wanted,
        lambda text: _norm(text.split("/")[0]) == wanted,
    ):
        found = [c for c, text in heads.items() if how(text)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(f"{_letter(c)} ({heads[c]})" for c in found)
            message = texts.IMPORT_COLUMN_OPTION_AMBIGUOUS.format(value=spec, columns=names)
            raise PlanFileError(message)
    if re.fullmatch(r"[A-Za-z]{1,2}", spec):
        return _column_index(spec)
    names = ", ".join(f"{_letter(c)} ({t})" for c, t in sorted(heads.items()))
    raise PlanFileError(texts.IMPORT_COLUMN_OPTION_UNKNOWN.format(value=spec, columns=names))


def _override(header: _Header, columns: Mapping[str, str]) -> _Header:
    """The header with the columns a person named instead of the guessed ones."""
    if not columns:
        return header
    mapped = dict(header.columns)
    labels = dict(header.labels)
    ambiguous = dict(header.ambiguous)
    for name, spec in columns.items():
        key = FIELD_NAMES[name]
        ambiguous.pop(key, None)
        if spec == "-":
            mapped.pop(key, None)
            labels.pop(key, None)
            continue
        index = _find_column(header, spec)
        for other, column in list(mapped.items()):
            if column == index and other != key:
                del mapped[other]
                labels.pop(other, None)
        mapped[key] = index
        labels[key] = header.heads.get(index, _letter(index))
    months = {c: m for c, m in header.months.items() if c not in mapped.values()}
    quarters = {c: q for c, q in header.quarters.items() if c not in mapped.values()}
    return replace(
        header, columns=mapped, labels=labels, ambiguous=ambiguous, months=months, quarters=quarters
    )


def _lowest_level_first(header: _Header, rows: Sequence[_Row]) -> _Header:
    """Of two activity columns, the item is the one with more distinct texts below the header.

    The names usually tell ("Rincian Kegiatan" under "Rencana Aksi"), but a plan may put its
    "Rencana Aksi" under its "Kegiatan"; the upper level repeats, the lowest one does not.
    """
    item, group = header.columns.get(_ACTIVITY), header.columns.get(_GROUP)
    if item is None or group is None:
        return header
    below = [r for r in rows[header.last + 1 :] if len(r.distinct_texts()) > 2]  # no headings
    distinct_item = {r.own_text(item) for r in below} - {""}
    distinct_group = {r.own_text(group) for r in below} - {""}
    if len(distinct_group) <= len(distinct_item):
        return header
    columns = {**header.columns, _ACTIVITY: group, _GROUP: item}
    labels = {
        **header.labels,
        _ACTIVITY: header.heads.get(group, ""),
        _GROUP: header.heads.get(item, ""),
    }
    return replace(header, columns=columns, labels=labels)


_LKE_CODE = re.compile(r"[A-Za-z]{2,4}\.[A-Za-z0-9]{1,8}(?:\.[A-Za-z0-9]{1,8})*")
_LKE_SEPARATORS = re.compile(r"[\s,;/]+")


def lke_codes(text: str) -> list[str]:
    """The LKE question codes in a cell (``MP.P1.a, MP.P1.b``), in order, each once."""
    found: list[str] = []
    for part in _LKE_SEPARATORS.split(text.strip()):
        if part and part not in found:
            found.append(part)
    return found


def _indicator_codes(header: _Header, rows: Sequence[_Row]) -> _Header:
    """An "Indikator" column whose cells are LKE question codes (``MP.P1.a``) links items to
    the worksheet rather than naming their evidence."""
    if _LKE in header.columns:
        return header
    below = rows[header.last + 1 :]
    for column, head in sorted(header.heads.items()):
        if not _norm(head.split("/")[-1]).startswith("indikator"):
            continue
        cells = [r.own_text(column) for r in below if len(r.distinct_texts()) > 2]
        filled = [c for c in cells if c]
        if not filled or not all(
            all(_LKE_CODE.fullmatch(code) for code in lke_codes(c)) for c in filled
        ):
            continue
        columns = {k: c for k, c in header.columns.items() if c != column}
        labels = {k: v for k, v in header.labels.items() if k in columns}
        return replace(header, columns={**columns, _LKE: column}, labels={**labels, _LKE: head})
    return header


def _check_sure(header: _Header, where: str) -> None:
    """Refuse to guess between equally likely columns; say which option settles it."""
    for key, tied in header.ambiguous.items():
        heads = [header.heads.get(c, "") for c in tied]
        distinct = len(set(map(_norm, heads))) == len(heads)
        options = " atau ".join(
            f'--column {_FIELD_LABEL[key]}="{head}"'
            if distinct
            else f"--column {_FIELD_LABEL[key]}={_letter(c)}"
            for c, head in zip(tied, heads, strict=True)
        )
        names = ", ".join(f"{_letter(c)} ({header.heads.get(c, '')})" for c in tied)
        raise PlanFileError(
            texts.IMPORT_COLUMN_UNSURE.format(
                field=_FIELD_LABEL[key], where=where, columns=names, options=options
            )
        )


# --- entry point --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    rows: list[_Row]
    header: _Header
    sheet: str | None
    area: str | None = None  # the area the sheet name names (one sheet per area)


def _read_table(
    path: Path, areas: Sequence[tuple[str, str]]
) -> tuple[list[_Source], list[tuple[str, str]]]:
    """The sheets to read (rows and header) and the sheets left aside with the reason."""
    if not path.is_file():
        raise PlanFileError(texts.IMPORT_FILE_NOT_FOUND.format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, header = _read_csv(path)
        if header.missing():
            raise PlanFileError(header.missing_message(f"berkas {path.name}"))
        return [_Source(rows, header, None)], []
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, areas)
    if suffix == ".xls":
        raise PlanFileError(texts.IMPORT_XLS_UNSUPPORTED.format(name=path.name))
    raise PlanFileError(texts.IMPORT_UNSUPPORTED_TYPE.format(name=path.name))


def parse_plan(
    path: Path,
    *,
    year: int | None,
    areas: Sequence[tuple[str, str]],
    columns: Mapping[str, str] | None = None,
) -> ParsedPlan:
    """Read a rencana aksi CSV/XLSX into items, or every row error; PlanFileError if unreadable.

    ``columns`` (field -> header text or column letter, as ``--column`` gives them) overrides
    the guessed columns.  The plan's ``reading`` accounts for every non-empty row.
    """
    path = Path(path)
    areas = tuple(areas)
    sources, ignored = _read_table(path, areas)
    state = _State()
    readings: list[SheetReading] = []
    several = len(sources) > 1
    for source in sources:
        header = source.header
        if not {"kegiatan", "kelompok"} & set(columns or {}):
            header = _lowest_level_first(header, source.rows)
        if not {"lke", "kode_lke"} & set(columns or {}):
            header = _indicator_codes(header, source.rows)
        header = _override(header, columns or {})
        where = f"lembar {source.sheet!r}" if source.sheet else f"berkas {path.name}"
        _check_sure(header, where)
        if header.missing():
            raise PlanFileError(header.missing_message(where))
        parser = _SheetParser(
            header, areas, state, source.sheet or "", source.area, tag_errors=several
        )
        parser.title_rows(source.rows[: header.first])
        for row in source.rows[header.first : header.last + 1]:
            if not row.is_empty():
                parser.note(row, ROW_HEADER)
        parser.parse(source.rows[header.last + 1 :])
        unsure = parser.unsure_evidence()
        if unsure and "bukti" not in (columns or {}) and "bukti_dukung" not in (columns or {}):
            names = ", ".join(
                f"{_letter(c)} ({header.heads.get(c) or texts.IMPORT_NO_HEADER_TEXT})"
                for c in unsure
            )
            raise PlanFileError(
                texts.IMPORT_EVIDENCE_UNSURE.format(
                    where=where, columns=names, letter=_letter(unsure[0])
                )
            )
        readings.append(replace(parser.reading(), area=source.area))
    first = sources[0]
    plan_year = _plan_year(year, first.rows, first.header, path, state.dates)
    _assign_codes(state)
    order = {source.sheet or "": index for index, source in enumerate(sources)}
    errors = sorted(state.errors, key=lambda e: (order.get(e.sheet, 0), e.row))
    if not state.drafts and not errors:
        errors.append(RowError(0, "", texts.IMPORT_NO_ITEMS))
    items = [_finish(d, plan_year) for d in state.drafts]
    reading = Reading(tuple(readings), tuple(ignored))
    return ParsedPlan(plan_year, items, errors, first.sheet, reading)
