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
import io
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class RowError:
    """One problem in one row (row 0: the whole file)."""

    row: int  # 1-based row number; 0 for whole-file problems
    column: str  # the column header as written in the file ("" when not about one column)
    reason: str  # Bahasa Indonesia


@dataclass(frozen=True)
class ParsedPlan:
    """The result of reading a plan: its year, the clean items and every row error."""

    year: int
    items: list[ParsedItem]
    errors: list[RowError]
    sheet: str | None  # sheet name used for XLSX


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
_EVIDENCE = "evidence"
_DEADLINE = "deadline"
_APPLIES = "applies"
_PIC = "pic"
_MONTH = "month"
_QUARTER = "quarter"

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
    "bukti dukung": _EVIDENCE,
    "bukti": _EVIDENCE,
    "output": _EVIDENCE,
    "keluaran": _EVIDENCE,
    "tenggat": _DEADLINE,
    "tenggat waktu": _DEADLINE,
    "batas waktu": _DEADLINE,
    "target waktu": _DEADLINE,
    "deadline": _DEADLINE,
    "waktu pelaksanaan": _DEADLINE,
    "waktu": _DEADLINE,
    "jadwal": _DEADLINE,
    "target penyelesaian": _DEADLINE,
    "berlaku untuk": _APPLIES,
    "berlaku": _APPLIES,
    "satker": _APPLIES,
    "penanggung jawab": _PIC,
    "pic": _PIC,
    "pj": _PIC,
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
_END_WORDS = ("mengetahui", "catatan", "keterangan", "ttd", "tanda tangan")
_PLACE_DATE_RE = re.compile(r"[a-z ]+, \d{1,2} [a-z]+ \d{4}")
_NUMBERING_RE = re.compile(r"(?:[a-z]|[ivxl]+|\d+(?: \d+)*) ")
_EXCEL_EPOCH = date(1899, 12, 30)

CellValue = object


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

    def value(self, column: int | None) -> CellValue:
        if column is None or column >= len(self.values):
            return None
        return self.values[column]

    def text(self, column: int | None) -> str:
        return _text(self.value(column))

    def is_shaded(self, column: int) -> bool:
        return column < len(self.shaded) and self.shaded[column]

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
    _fill_merged(values, shaded, ranges)
    return [
        _Row(index + 1, tuple(v), tuple(s))
        for index, (v, s) in enumerate(zip(values, shaded, strict=True))
    ]


def _read_xlsx(path: Path) -> tuple[list[_Row], _Header, str]:
    """Rows, header and name of the first sheet with a complete header row."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions, data validation, ...
            workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl fails in many ways on files that are not XLSX
        raise PlanFileError(
            texts.IMPORT_UNREADABLE.format(name=path.name, kind="XLSX", detail=exc)
        ) from exc
    try:
        incomplete: tuple[_Header, str] | None = None
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet)
            header = _find_header(rows)
            if header is None:
                continue
            if not header.missing():
                return rows, header, sheet.title
            if incomplete is None or header.score > incomplete[0].score:
                incomplete = (header, f"lembar {sheet.title!r}")
    finally:
        workbook.close()
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
            if label.startswith(known + " "):
                return _HEADER_LABELS[known], 0
    return None


@dataclass(frozen=True)
class _Header:
    first: int  # index (in the row list) of the first header row
    last: int  # index of the last header row; data starts below it
    number: int  # row number of the last header row, as a person sees it
    columns: dict[str, int]  # field -> column index
    labels: dict[str, str]  # field -> header text as written
    months: dict[int, int]  # column index -> month 1..12 of a month grid
    quarters: dict[int, int]  # column index -> quarter 1..4 of a quarter grid

    @property
    def score(self) -> int:
        fields = {_CODE if f == _NO else f for f in self.columns}
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
        return texts.IMPORT_MISSING_COLUMNS.format(
            row=self.number, where=where, columns=", ".join(self.missing())
        )


def _build_header(rows: Sequence[_Row], first: int, last: int) -> _Header:
    """The header made of rows[first..last]: one row, or two (the lower row's names win)."""
    upper, lower = rows[first], rows[last]
    width = max(len(upper.values), len(lower.values))
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    months: dict[int, int] = {}
    quarters: dict[int, int] = {}
    for column in range(width):
        below = _classify_label(lower.value(column))
        above = _classify_label(upper.value(column)) if first != last else None
        chosen, source = (below, lower) if below or not above else (above, upper)
        if chosen is None:
            continue
        field, number = chosen
        if field == _MONTH:
            months[column] = number
        elif field == _QUARTER:
            quarters[column] = number
        elif field not in columns:
            columns[field] = column
            labels[field] = source.text(column)
    if len(months) < 2:
        months = {}
    if len(quarters) < 2:
        quarters = {}
    if _CODE not in columns and _NO in columns:
        columns[_CODE], labels[_CODE] = columns.pop(_NO), labels.pop(_NO)
    columns.pop(_NO, None)
    labels.pop(_NO, None)
    return _Header(first, last, lower.number, columns, labels, months, quarters)


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
        None if r.is_empty() or _looks_like_data(r) else _build_header(rows, i, i)
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
    raise ValueError(normalised)


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


@dataclass(frozen=True)
class _Draft:
    """An item whose deadline may still be a month of the (not yet known) plan year."""

    row: int
    code: str
    area_code: str
    activity: str
    bukti_dukung: str
    when: date | int
    applies_to: str
    applies_codes: tuple[str, ...]
    pic: str | None


def _is_mark(row: _Row, column: int) -> bool:
    return row.text(column).lower() in _MARKS


def _is_sub_header(row: _Row) -> bool:
    """A row of column numbers '(1) (2) (3)' or week numbers 'I II III IV' under the header."""
    cells = [t for t in (_text(v) for v in row.values) if t]
    return all(re.fullmatch(r"\(?(?:\d{1,2}|[ivxIVX]{1,4})\)?", t) for t in cells)


def _is_numbering(text: str) -> bool:
    """'A.', 'II', '3', '1.2)': the numbering of a heading or item."""
    return re.fullmatch(r"(?:[A-Za-z]|[IVXLivxl]+|\d+(?:\.\d+)*)[.)]?", text) is not None


def _heading_name(normalised: str) -> tuple[str, str]:
    """'area i manajemen perubahan' -> ('manajemen perubahan', 'alpha'); kind '' if unnumbered."""
    kind = ""
    for _ in range(2):
        for prefix in ("area perubahan ", "area ", "komponen "):
            normalised = normalised.removeprefix(prefix)
        numbered = _NUMBERING_RE.match(normalised)
        if numbered and len(normalised) > numbered.end():
            kind = kind or ("digit" if normalised[0].isdigit() else "alpha")
            normalised = normalised[numbered.end() :]
    return normalised, kind


class _SheetParser:
    """Walks the rows below the header, keeping the area of the last area heading row."""

    def __init__(self, header: _Header, areas: Sequence[tuple[str, str]]) -> None:
        self.header = header
        self.areas = areas
        self.area_codes = {code for code, _ in areas}
        self.current_area: str | None = None
        self.positions: Counter[str] = Counter()
        self.seen: dict[str, int] = {}
        self.drafts: list[_Draft] = []
        self.errors: list[RowError] = []
        self.dates: list[date] = []  # every readable full date, for guessing the year

    def column(self, field: str) -> int | None:
        return self.header.columns.get(field)

    def parse(self, rows: Sequence[_Row]) -> None:
        """Parse every data row."""
        first = True
        for row in rows:
            if row.is_empty():
                continue
            if first and _is_sub_header(row):
                first = False
                continue
            first = False
            if self._is_end(row):
                break
            if self._heading(row) or self._only_number(row):
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

    def _is_end(self, row: _Row) -> bool:
        """Signature block or notes below the table ('Mengetahui,', 'Denpasar, 2 Januari 2026')."""
        found = row.distinct_texts()
        deadline = row.text(self.column(_DEADLINE))
        if deadline and deadline != found[0]:
            return False
        first = found[0].lower()
        return first.startswith(_END_WORDS) or (
            len(found) == 1 and _PLACE_DATE_RE.fullmatch(first) is not None
        )

    def _heading(self, row: _Row) -> bool:
        """An area heading row ('A. MANAJEMEN PERUBAHAN'): set the area for the rows below."""
        if any(_is_mark(row, c) for c in self.header.grid_columns):
            return False
        found = row.distinct_texts()
        if len(found) > 2 or (len(found) == 2 and not _is_numbering(found[0])):
            return False
        deadline = row.text(self.column(_DEADLINE))
        if deadline and deadline != found[-1]:
            return False
        text = " ".join(found)
        name, numbering = _heading_name(_norm(text))
        loose = numbering == "alpha" or text.isupper()
        found_areas = match_area(name, self.areas, keywords=loose)
        if len(found_areas) == 1:
            self.current_area = found_areas[0]
            return True
        if len(found_areas) > 1:
            self._error(row, _AREA, self._ambiguous(text, found_areas))
            self.current_area = None
            return True
        if loose and not self._partly_shaded(row):
            self.current_area = None  # a section heading that is not an area ("A. PENGUNGKIT")
            return True
        return False

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

    def _error(self, row: _Row, field: str | None, reason: str) -> None:
        column = self.header.labels.get(field, "") if field else ""
        self.errors.append(RowError(row.number, column, reason))

    def _ambiguous(self, value: str, codes: Sequence[str]) -> str:
        return texts.IMPORT_AREA_AMBIGUOUS.format(value=value, candidates=", ".join(codes))

    def _item(self, row: _Row) -> None:
        errors_before = len(self.errors)
        activity = row.text(self.column(_ACTIVITY))
        if not activity:
            self._error(row, _ACTIVITY, texts.IMPORT_ACTIVITY_EMPTY)
        area, area_failed = self._area(row)
        code, area = self._code(row, area)
        if area is None and not area_failed:
            self._error(row, _AREA, texts.IMPORT_AREA_MISSING)
        when = self._when(row)
        applies_to, applies_codes = self._applies(row)
        if code is not None:
            self._check_duplicate(row, code)
        if len(self.errors) > errors_before or area is None or code is None or when is None:
            return
        pic = row.text(self.column(_PIC)) or None
        evidence = row.text(self.column(_EVIDENCE))
        self.drafts.append(
            _Draft(row.number, code, area, activity, evidence, when, applies_to, applies_codes, pic)
        )

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
            self._error(row, _AREA, texts.IMPORT_AREA_UNKNOWN.format(value=value))
        return None, True

    def _code(self, row: _Row, area: str | None) -> tuple[str | None, str | None]:
        """The normalised code and the area (which a code like 'TL-03' may tell)."""
        raw = row.value(self.column(_CODE))
        if not _text(raw):
            if area is None:
                return None, None
            self.positions[area] += 1  # no number: the order within the area
            return f"{area}-{self.positions[area]:02d}", area
        code: str | None
        try:
            code = normalise_code(raw, area)
        except ValueError:
            self._error(row, _CODE, texts.IMPORT_BAD_CODE.format(value=_text(raw)))
            code = None
        prefix = code.split("-")[0] if code else ""
        if prefix in self.area_codes:
            if area is None:
                area = prefix
            elif prefix != area:
                reason = texts.IMPORT_CODE_AREA_MISMATCH.format(code=code, area=area)
                self._error(row, _CODE, reason)
        if area is not None:
            self.positions[area] += 1
        return code, area

    def _check_duplicate(self, row: _Row, code: str) -> None:
        first = self.seen.setdefault(code, row.number)
        if first != row.number:
            self._error(row, _CODE, texts.IMPORT_DUPLICATE_CODE.format(code=code, first_row=first))

    def _when(self, row: _Row) -> date | int | None:
        """The deadline: the deadline cell if filled, else the last marked month of the grid."""
        raw = row.value(self.column(_DEADLINE))
        if _text(raw):
            try:
                when = _parse_when(raw)
            except ValueError:
                self._error(row, _DEADLINE, texts.IMPORT_BAD_DATE.format(value=_text(raw)))
                return None
            if isinstance(when, date):
                self.dates.append(when)
            return when
        month = self._marked_month(row)
        if month is None:
            self._error(row, _DEADLINE, texts.IMPORT_DEADLINE_EMPTY)
        return month

    def _applies(self, row: _Row) -> tuple[str, tuple[str, ...]]:
        applies_to, codes, bad = parse_applies(row.value(self.column(_APPLIES)))
        for token in bad:
            self._error(row, _APPLIES, texts.IMPORT_BAD_SATKER_CODE.format(value=token))
        return applies_to, codes


# --- the year -----------------------------------------------------------------------------


def _year_in_text(text: str) -> int | None:
    """'RENCANA AKSI ZI TAHUN 2026' -> 2026 (a year after 'tahun' wins over any other)."""
    match = re.search(r"tahun\s+(20\d{2})(?!\d)", text, re.IGNORECASE) or re.search(
        r"(?<!\d)(20\d{2})(?!\d)", text
    )
    return int(match.group(1)) if match else None


def _title_year(rows: Sequence[_Row]) -> int | None:
    """The year named in the title rows above (or in) the header."""
    for row in rows:
        year = _year_in_text(" ".join(v for v in row.values if isinstance(v, str)))
        if year:
            return year
    return None


def _plan_year(
    year: int | None, rows: Sequence[_Row], header: _Header, path: Path, dates: Sequence[date]
) -> int:
    """The argument; else the title rows; else the file name; else the most common deadline year."""
    found = year or _title_year(rows[: header.last + 1]) or _year_in_text(path.stem)
    if found:
        return found
    if dates:
        return Counter(d.year for d in dates).most_common(1)[0][0]
    raise PlanFileError(texts.IMPORT_NO_YEAR.format(name=path.name))


def _finish(draft: _Draft, year: int) -> ParsedItem:
    when = draft.when if isinstance(draft.when, date) else _last_day(year, draft.when)
    return ParsedItem(
        draft.row,
        draft.code,
        draft.area_code,
        draft.activity,
        draft.bukti_dukung,
        when,
        draft.applies_to,
        draft.applies_codes,
        draft.pic,
    )


# --- entry point --------------------------------------------------------------------------


def _read_table(path: Path) -> tuple[list[_Row], _Header, str | None]:
    """Rows, header and sheet name of a CSV or XLSX file."""
    if not path.is_file():
        raise PlanFileError(texts.IMPORT_FILE_NOT_FOUND.format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, header = _read_csv(path)
        if header.missing():
            raise PlanFileError(header.missing_message(f"berkas {path.name}"))
        return rows, header, None
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        raise PlanFileError(texts.IMPORT_XLS_UNSUPPORTED.format(name=path.name))
    raise PlanFileError(texts.IMPORT_UNSUPPORTED_TYPE.format(name=path.name))


def parse_plan(path: Path, *, year: int | None, areas: Sequence[tuple[str, str]]) -> ParsedPlan:
    """Read a rencana aksi CSV/XLSX into items, or every row error; PlanFileError if unreadable."""
    path = Path(path)
    rows, header, sheet = _read_table(path)
    parser = _SheetParser(header, tuple(areas))
    parser.parse(rows[header.last + 1 :])
    plan_year = _plan_year(year, rows, header, path, parser.dates)
    errors = list(parser.errors)
    if not parser.drafts and not errors:
        errors.append(RowError(0, "", texts.IMPORT_NO_ITEMS))
    items = [_finish(d, plan_year) for d in parser.drafts]
    return ParsedPlan(plan_year, items, errors, sheet)
