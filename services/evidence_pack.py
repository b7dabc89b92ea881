"""The evidence pack: one satker's bukti dukung of a year, in a ZIP ordered as the assessors
read it (area perubahan / item / files), with ``index.xlsx`` and ``index.html``.

The ZIP is streamed: every file is copied from disk in chunks of ``CHUNK`` bytes (never whole
in memory), stored without compression (evidence is mostly PDF and JPEG, already compressed)
and with ZIP64 headers where a file needs them. Its SHA-256 is recomputed while it is copied
and compared with the value recorded at upload; a file that is missing on disk or differs is
listed in both indexes, never silently skipped. The indexes are written last (they carry the
recomputed checksums); unzipped, every path is relative to the pack's folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Area, BuktiDukung, RencanaAksi, Satker, Target, User
from services import bounds, texts
from services.status import ReviewStatus, item_state

CHUNK = 1024 * 1024  # bytes read and written at a time
INDEX_XLSX = "index.xlsx"
INDEX_HTML = "index.html"
_FOLDER_CHARS = 60  # characters of an activity kept in its folder's name (full text: index)
_UNSAFE = re.compile(r"[^\w.\- ()]+")

# What happened to a file when the pack was built.
FILE_OK = "ok"
FILE_MISSING = "hilang"
FILE_CHANGED = "berubah"


@dataclass
class PackFile:
    """One bukti dukung file of an item, as the pack shows it."""

    evidence_id: int
    name: str  # the name the uploader gave
    stored_path: str  # relative to the evidence folder
    arcname: str  # path inside the ZIP
    size: int
    sha256: str  # recorded at upload
    uploader: str
    uploaded_at: datetime
    review: str  # "menunggu", "diterima" or "ditolak"
    review_reason: str
    state: str = FILE_OK  # FILE_OK / FILE_MISSING / FILE_CHANGED, once packed
    actual_sha256: str = ""  # recomputed while packing ("" when the file is missing)


@dataclass
class PackItem:
    """One item of the plan for the satker, with its files."""

    area_code: str
    area_name: str
    code: str
    activity: str
    expected: str  # the bukti dukung the plan expects
    tenggat: str
    status: str
    folder: str  # the item's folder inside the ZIP
    files: list[PackFile] = field(default_factory=list)


@dataclass
class PackPlan:
    """What goes into one satker's pack for one year."""

    satker_code: str
    satker_name: str
    year: int
    items: list[PackItem]

    @property
    def files(self) -> list[PackFile]:
        """Every file, in pack order."""
        return [f for item in self.items for f in item.files]

    @property
    def total_bytes(self) -> int:
        """The recorded sizes of every file together (the pack is a little larger)."""
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class PackResult:
    """What was written."""

    items: int
    files: int
    packed: int
    missing: int
    changed: int
    bytes_packed: int


def safe_part(text: str, limit: int = _FOLDER_CHARS) -> str:
    """A folder name from an area or item text: no separators or odd characters."""
    cleaned = re.sub(r"\s+", " ", _UNSAFE.sub("_", text)).strip(" ._")
    return bounds.cut_utf8(cleaned[:limit], bounds.MAX_FILE_NAME_BYTES).rstrip(" ._") or "_"


def collect(
    session: Session,
    satker: Satker,
    year: int,
    *,
    tz: ZoneInfo,
) -> PackPlan:
    """Every item of ``satker`` in ``year`` (area, then item order) with its evidence files."""
    rows = session.execute(
        select(Target, RencanaAksi, Area)
        .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        .join(Area, Area.id == RencanaAksi.area_id)
        .where(Target.satker_id == satker.id, RencanaAksi.year == year)
        .order_by(Area.position, RencanaAksi.code)
    ).all()
    target_ids = [target.id for target, _, _ in rows]
    evidence: dict[int, list[tuple[BuktiDukung, str]]] = {}
    if target_ids:
        found = session.execute(
            select(BuktiDukung, User.name)
            .outerjoin(User, User.id == BuktiDukung.uploaded_by_id)
            .where(BuktiDukung.target_id.in_(target_ids))
            .order_by(BuktiDukung.created_at, BuktiDukung.id)
        )
        for record, uploader in found:
            evidence.setdefault(record.target_id, []).append((record, uploader or "-"))
    items: list[PackItem] = []
    for target, item, area in rows:
        area_folder = f"{area.position:02d} {safe_part(area.code)} - {safe_part(area.name)}"
        folder = f"{area_folder}/{safe_part(item.code, 32)} - {safe_part(item.activity)}"
        files = evidence.get(target.id, [])
        reviews = [r.review_status for r, _ in files]
        status = item_state(
            target.status,
            waiting=reviews.count(ReviewStatus.MENUNGGU),
            accepted=reviews.count(ReviewStatus.DITERIMA),
        ).value
        pack_item = PackItem(
            area.code, area.name, item.code, item.activity, item.bukti_dukung or "",
            item.tenggat.isoformat(), status, folder,
        )  # fmt: skip
        taken: set[str] = set()
        for record, uploader in files:
            name = _unique(bounds.safe_file_name(Path(record.path).name), taken)
            pack_item.files.append(
                PackFile(
                    evidence_id=record.id,
                    name=record.original_name,
                    stored_path=record.path,
                    arcname=f"{folder}/{name}",
                    size=record.size,
                    sha256=record.sha256,
                    uploader=uploader,
                    uploaded_at=record.created_at.astimezone(tz),
                    review=record.review_status,
                    review_reason=record.review_reason or "",
                )
            )
        items.append(pack_item)
    return PackPlan(satker.code, satker.name, year, items)


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{stem} ({number}){dot}{suffix}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def write_pack(
    plan: PackPlan, evidence_dir: Path, out: BinaryIO | Path, *, built_at: datetime
) -> PackResult:
    """Stream the pack to ``out`` (a path or a writable binary file): the files in plan
    order, then ``index.xlsx`` and ``index.html``. Fills in each file's state and checksum.

    A path gets the pack under a hidden ``.NAME.part`` first and its name only when the pack
    is complete: a failure (a full disk) leaves no half pack that looks whole."""
    if isinstance(out, Path):
        part = out.with_name(f".{out.name}.part")
        try:
            with part.open("wb") as sink:
                result = write_pack(plan, evidence_dir, sink, built_at=built_at)
            os.replace(part, out)
        finally:
            part.unlink(missing_ok=True)
        return result
    packed = missing = changed = 0
    written = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for pack_file in plan.files:
            source = evidence_dir / pack_file.stored_path
            try:
                handle = source.open("rb")
            except OSError:
                pack_file.state = FILE_MISSING
                missing += 1
                continue
            with handle:
                size = _file_size(handle)
                info = zipfile.ZipInfo(pack_file.arcname, _zip_time(pack_file.uploaded_at))
                info.compress_type = zipfile.ZIP_STORED
                info.file_size = size
                info.external_attr = 0o644 << 16
                digest = hashlib.sha256()
                with archive.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as target:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        target.write(chunk)
            written += size
            packed += 1
            pack_file.actual_sha256 = digest.hexdigest()
            if pack_file.actual_sha256 != pack_file.sha256 or size != pack_file.size:
                pack_file.state = FILE_CHANGED
                changed += 1
        stamp = _zip_time(built_at)
        xlsx = zipfile.ZipInfo(INDEX_XLSX, stamp)
        xlsx.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(xlsx, index_xlsx(plan, built_at))
        page = zipfile.ZipInfo(INDEX_HTML, stamp)
        page.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(page, index_html(plan, built_at).encode("utf-8"))
    return PackResult(len(plan.items), len(plan.files), packed, missing, changed, written)


def _file_size(handle: BinaryIO) -> int:
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """ZIP keeps local times without a zone, from 1980 on."""
    year = max(moment.year, 1980)
    return (year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _state_label(pack_file: PackFile) -> str:
    return texts.PACK_FILE_STATES[pack_file.state]


def _status_label(status: str) -> str:
    return texts.PACK_STATUS_LABELS.get(status, status)


def _review_label(pack_file: PackFile) -> str:
    label = texts.PACK_REVIEW_LABELS.get(pack_file.review, pack_file.review)
    if pack_file.review_reason:
        return texts.PACK_REVIEW_WITH_REASON.format(label=label, reason=pack_file.review_reason)
    return label


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def index_rows(plan: PackPlan) -> list[list[object]]:
    """The rows of both indexes: one per file, and one per item without a file."""
    rows: list[list[object]] = []
    for item in plan.items:
        head: list[object] = [
            item.area_code, item.code, item.activity, item.expected, item.tenggat,
            _status_label(item.status),
        ]  # fmt: skip
        if not item.files:
            rows.append([*head, texts.PACK_NO_FILE, "", "", "", "", "", "", ""])
            continue
        for f in item.files:
            rows.append(
                [
                    *head, f.name, f.size, f.actual_sha256 or f.sha256, _state_label(f),
                    f.uploader, _when(f.uploaded_at), _review_label(f),
                    f.arcname if f.state != FILE_MISSING else "",
                ]
            )  # fmt: skip
    return rows


def index_xlsx(plan: PackPlan, built_at: datetime) -> bytes:
    """The index workbook: a title, then one row per file (or per item without one)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = texts.PACK_SHEET_TITLE
    sheet.append(
        [
            texts.PACK_TITLE.format(
                satker=plan.satker_name, code=plan.satker_code, year=plan.year,
                at=_when(built_at),
            )
        ]
    )  # fmt: skip
    sheet["A1"].font = Font(bold=True)
    sheet.append([texts.PACK_CHECKSUM_NOTE])
    sheet.append(list(texts.PACK_COLUMNS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in index_rows(plan):
        sheet.append(row)
        link = row[-1]
        if link:
            cell = sheet.cell(row=sheet.max_row, column=7)
            cell.hyperlink = str(link)
    widths = (8, 12, 50, 40, 12, 22, 36, 12, 66, 20, 20, 17, 22, 60)
    for column, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _h(value: object) -> str:
    from html import escape

    return escape(str(value), quote=True)


def href(arcname: str) -> str:
    """A relative link to a file of the pack, every path part URL-encoded."""
    from urllib.parse import quote

    return "/".join(quote(part, safe="") for part in arcname.split("/"))


def index_html(plan: PackPlan, built_at: datetime) -> str:
    """The index as one self-contained page (inline style and script, nothing fetched)."""
    areas = list(dict.fromkeys((i.area_code, i.area_name) for i in plan.items))
    statuses = list(dict.fromkeys(_status_label(i.status) for i in plan.items))
    body: list[str] = []
    for item in plan.items:
        status = _status_label(item.status)
        if item.files:
            cells = []
            for f in item.files:
                if f.state == FILE_MISSING:
                    name = f'<span class="bad">{_h(f.name)} ({_h(_state_label(f))})</span>'
                else:
                    cls = ' class="bad"' if f.state == FILE_CHANGED else ""
                    name = f'<a href="{_h(href(f.arcname))}"{cls}>{_h(f.name)}</a>' + (
                        f" ({_h(_state_label(f))})" if f.state == FILE_CHANGED else ""
                    )
                cells.append(
                    f"<li>{name}<br><small>{_h(_size(f.size))} · sha256 "
                    f"<code>{_h(f.actual_sha256 or f.sha256)}</code> · {_h(f.uploader)} · "
                    f"{_h(_when(f.uploaded_at))} · {_h(_review_label(f))}</small></li>"
                )
            files = f"<ul>{''.join(cells)}</ul>"
        else:
            files = f'<span class="none">{_h(texts.PACK_NO_FILE)}</span>'
        body.append(
            f'<tr data-area="{_h(item.area_code)}" data-status="{_h(status)}">'
            f"<td>{_h(item.area_code)}</td><td>{_h(item.code)}</td><td>{_h(item.activity)}</td>"
            f"<td>{_h(item.expected)}</td><td>{_h(item.tenggat)}</td><td>{_h(status)}</td>"
            f"<td>{files}</td></tr>"
        )
    area_options = "".join(
        f'<option value="{_h(code)}">{_h(code)} - {_h(name)}</option>' for code, name in areas
    )
    status_options = "".join(f'<option value="{_h(s)}">{_h(s)}</option>' for s in statuses)
    headers = "".join(f"<th>{_h(h)}</th>" for h in texts.PACK_PAGE_COLUMNS)
    title = texts.PACK_TITLE.format(
        satker=plan.satker_name, code=plan.satker_code, year=plan.year, at=_when(built_at)
    )
    return _PAGE.format(
        title=_h(title),
        note=_h(texts.PACK_CHECKSUM_NOTE),
        all_areas=_h(texts.PACK_FILTER_ALL_AREAS),
        all_statuses=_h(texts.PACK_FILTER_ALL_STATUSES),
        area_label=_h(texts.PACK_FILTER_AREA),
        status_label=_h(texts.PACK_FILTER_STATUS),
        area_options=area_options,
        status_options=status_options,
        headers=headers,
        rows="\n".join(body),
        shown=json.dumps(texts.PACK_SHOWN),
    )


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


_PAGE = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; text-align: left; }}
th {{ background: #eee; position: sticky; top: 0; }}
ul {{ margin: 0; padding-left: 1.2em; }}
code {{ font-size: 0.8em; word-break: break-all; }}
.bad {{ color: #b00; font-weight: bold; }}
.none {{ color: #888; font-style: italic; }}
.filters {{ margin: 0.5em 0 1em; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{note}</p>
<div class="filters">
<label>{area_label} <select id="area"><option value="">{all_areas}</option>
{area_options}</select></label>
<label>{status_label} <select id="status"><option value="">{all_statuses}</option>
{status_options}</select></label>
<span id="shown"></span>
</div>
<table><thead><tr>{headers}</tr></thead>
<tbody id="items">
{rows}
</tbody></table>
<script>
(function () {{
  var area = document.getElementById("area"), status = document.getElementById("status");
  var shown = document.getElementById("shown");
  function apply() {{
    var rows = document.querySelectorAll("#items tr"), n = 0;
    for (var i = 0; i < rows.length; i++) {{
      var ok = (!area.value || rows[i].getAttribute("data-area") === area.value) &&
               (!status.value || rows[i].getAttribute("data-status") === status.value);
      rows[i].style.display = ok ? "" : "none";
      if (ok) n++;
    }}
    shown.textContent = {shown}.replace("{{n}}", n);
  }}
  area.addEventListener("change", apply);
  status.addEventListener("change", apply);
  apply();
}})();
</script>
</body></html>
"""
