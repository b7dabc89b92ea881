"""The fixed vocabulary (area perubahan) and the satkers: seeding and importing them."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Area, Satker
from services import events, texts
from services.errors import RowProblem, SpreadsheetRejected, ZibotError

AREAS: tuple[tuple[str, str], ...] = (
    ("MP", "Manajemen Perubahan"),
    ("TL", "Penataan Tatalaksana"),
    ("SDM", "Penataan Sistem Manajemen SDM Aparatur"),
    ("AK", "Penguatan Akuntabilitas"),
    ("PW", "Penguatan Pengawasan"),
    ("PP", "Peningkatan Kualitas Pelayanan Publik"),
)

_LEVEL_WORDS = {
    "pusat": "pusat",
    "ri": "pusat",
    "kpu ri": "pusat",
    "nasional": "pusat",
    "provinsi": "provinsi",
    "prov": "provinsi",
    "kabkota": "kabkota",
    "kab/kota": "kabkota",
    "kabupaten/kota": "kabkota",
    "kabupaten": "kabkota",
    "kota": "kabkota",
    "kab": "kabkota",
}
_HEADERS = {
    "code": ("kode", "code", "kode satker", "kode wilayah"),
    "name": ("nama", "name", "nama satker", "satker"),
    "level": ("level", "tingkat", "jenis"),
    "parent": ("induk", "parent", "kode induk", "parent code", "parent_code", "kode_induk"),
}


@dataclass(frozen=True)
class SatkerRow:
    """A satker as read from a file, before it is stored."""

    row: int
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class SeedResult:
    """What seeding or importing changed."""

    areas_added: int = 0
    satkers_added: int = 0
    satkers_updated: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.areas_added or self.satkers_added or self.satkers_updated)


def seed_path(name: str) -> Path:
    """The bundled seed file for a province name (``bali``) or a path to a satker file."""
    candidate = Path(name)
    if candidate.suffix.lower() in (".csv", ".xlsx") and candidate.is_file():
        return candidate
    resource = resources.files("services") / "seeds" / f"{name.lower()}.csv"
    if not resource.is_file():
        raise ZibotError(texts.SEED_UNKNOWN.format(name=name))
    return Path(str(resource))


def sample_plan_path() -> Path:
    """The bundled example action plan (the one in the README's demo)."""
    return Path(str(resources.files("services") / "seeds" / "contoh_rencana_aksi_2026.csv"))


def seed_areas(session: Session) -> int:
    """Add the six area perubahan that are missing; return how many were added."""
    existing = set(session.scalars(select(Area.code)))
    added = 0
    for position, (code, name) in enumerate(AREAS, start=1):
        if code not in existing:
            session.add(Area(code=code, name=name, position=position))
            added += 1
    session.flush()
    return added


def read_satker_file(path: Path) -> list[SatkerRow]:
    """Read satkers (code, name, level, parent code) from CSV or XLSX, or list every bad row."""
    rows = _read_table(path)
    header_index, columns = _find_header(rows)
    problems: list[RowProblem] = []
    result: list[SatkerRow] = []
    seen: dict[str, int] = {}
    for offset, raw in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = {key: _cell(raw, idx) for key, idx in columns.items()}
        if not any(cells.values()):
            continue
        code = cells.get("code", "").replace(" ", "")
        name = " ".join(cells.get("name", "").split())
        level = _LEVEL_WORDS.get(cells.get("level", "").lower())
        parent = cells.get("parent", "").replace(" ", "") or None
        if not code:
            problems.append(RowProblem(offset, "kode", texts.SATKER_CODE_EMPTY))
        elif code in seen:
            problems.append(
                RowProblem(
                    offset, "kode", texts.SATKER_CODE_DUPLICATE.format(code=code, row=seen[code])
                )
            )
        if not name:
            problems.append(RowProblem(offset, "nama", texts.SATKER_NAME_EMPTY))
        if level is None:
            problems.append(
                RowProblem(
                    offset, "level", texts.SATKER_LEVEL_BAD.format(value=cells.get("level", ""))
                )
            )
        if code and name and level and code not in seen:
            seen[code] = offset
            result.append(SatkerRow(offset, code, name, level, parent))
    if problems:
        raise SpreadsheetRejected(texts.SPREADSHEET_REJECTED.format(count=len(problems)), problems)
    return result


def upsert_satkers(session: Session, rows: Sequence[SatkerRow]) -> SeedResult:
    """Insert or update satkers by code, then link parents; every parent must exist."""
    by_code = {s.code: s for s in session.scalars(select(Satker))}
    added: set[str] = set()
    updated: set[str] = set()
    for row in rows:
        satker = by_code.get(row.code)
        if satker is None:
            satker = Satker(code=row.code, name=row.name, level=row.level)
            session.add(satker)
            by_code[row.code] = satker
            added.add(row.code)
        elif (satker.name, satker.level) != (row.name, row.level):
            satker.name, satker.level = row.name, row.level
            updated.add(row.code)
    session.flush()
    problems: list[RowProblem] = []
    for row in rows:
        satker = by_code[row.code]
        parent = by_code.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent is None:
            problems.append(
                RowProblem(
                    row.row, "induk", texts.SATKER_PARENT_UNKNOWN.format(code=row.parent_code)
                )
            )
            continue
        new_parent_id = parent.id if parent else None
        if satker.parent_id != new_parent_id:
            satker.parent_id = new_parent_id
            if row.code not in added:
                updated.add(row.code)
    if problems:
        raise SpreadsheetRejected(texts.SPREADSHEET_REJECTED.format(count=len(problems)), problems)
    if added or updated:
        events.publish(session, events.PlanChanged())
    session.flush()
    return SeedResult(satkers_added=len(added), satkers_updated=len(updated))


def seed(session: Session, name: str) -> SeedResult:
    """Seed the six areas and the satkers of a bundled province (or a satker file)."""
    areas_added = seed_areas(session)
    result = upsert_satkers(session, read_satker_file(seed_path(name)))
    return SeedResult(areas_added, result.satkers_added, result.satkers_updated)


def find_satker(session: Session, query: str) -> Satker:
    """Find a satker by exact code or by a unique fragment of its name (``badung``)."""
    wanted = query.strip()
    satker = session.scalar(select(Satker).where(Satker.code == wanted))
    if satker is not None:
        return satker
    fragment = wanted.lower()
    satkers = session.scalars(select(Satker).order_by(Satker.code))
    matches = [s for s in satkers if fragment and fragment in s.name.lower()]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(f"{s.code} {s.name}" for s in matches[:5])
        raise ZibotError(texts.SATKER_AMBIGUOUS.format(query=query, names=names))
    raise ZibotError(texts.SATKER_UNKNOWN.format(query=query))


def _read_table(path: Path) -> list[list[Any]]:
    if not path.is_file():
        raise ZibotError(texts.FILE_NOT_FOUND.format(path=path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                sample = handle.read(4096)
                handle.seek(0)
                try:
                    dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
                except csv.Error:
                    dialect = csv.excel
                return [list(r) for r in csv.reader(handle, dialect)]
        if suffix in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
            finally:
                workbook.close()
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise ZibotError(texts.FILE_UNREADABLE.format(path=path, reason=exc)) from exc
    raise ZibotError(texts.FILE_TYPE_UNKNOWN.format(path=path))


def _normal(value: Any) -> str:
    return " ".join(str(value or "").replace("_", " ").lower().split())


def _find_header(rows: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:30]):
        columns: dict[str, int] = {}
        for position, value in enumerate(row):
            word = _normal(value)
            for key, names in _HEADERS.items():
                if word in names and key not in columns:
                    columns[key] = position
        if {"code", "name", "level"} <= columns.keys():
            return index, columns
    raise ZibotError(texts.SATKER_HEADER_MISSING)


def _cell(row: Sequence[Any], index: int) -> str:
    if index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def iter_area_pairs(areas: Iterable[Area]) -> list[tuple[str, str]]:
    """(code, name) pairs of stored areas, in their official order."""
    return [(a.code, a.name) for a in sorted(areas, key=lambda a: a.position)]
