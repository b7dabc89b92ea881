"""The recap workbook: a satker x area matrix and every target in detail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import Area, BuktiDukung, RencanaAksi, Satker, Target
from services import texts
from services.kendala import TicketView
from services.progress import is_overdue, load_progress, rank
from services.status import ItemState, ItemStatus, ReviewStatus, item_state

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_LATE_FILL = PatternFill("solid", fgColor="F8CBAD")
_DONE_FILL = PatternFill("solid", fgColor="C6EFCE")


def export_recap(session: Session, path: Path, *, today: date, year: int) -> int:
    """Write the recap workbook for ``year`` to ``path``; return the number of targets."""
    workbook = Workbook(write_only=True)
    areas = list(session.scalars(select(Area).order_by(Area.position)))
    _matrix_sheet(workbook.create_sheet(texts.EXPORT_SHEET_MATRIX), session, areas, today, year)
    count = _detail_sheet(workbook.create_sheet(texts.EXPORT_SHEET_DETAIL), session, today, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return count


def _header(sheet: WriteOnlyWorksheet, titles: list[str], widths: list[int]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    sheet.append(cells)


def _matrix_sheet(
    sheet: WriteOnlyWorksheet, session: Session, areas: list[Area], today: date, year: int
) -> None:
    titles = [texts.EXPORT_COL_RANK, texts.EXPORT_COL_CODE, texts.EXPORT_COL_SATKER]
    titles += [a.code for a in areas]
    titles += [texts.EXPORT_COL_TOTAL, texts.EXPORT_COL_DONE, texts.EXPORT_COL_COUNT]
    titles += [texts.EXPORT_COL_OVERDUE, texts.EXPORT_COL_VERIFIED, texts.EXPORT_COL_VERIFIED_COUNT]
    _header(sheet, titles, [8, 10, 34] + [9] * len(areas) + [10, 9, 9, 11, 14, 13])
    for position, progress in enumerate(rank(load_progress(session, today=today, year=year)), 1):
        row: list[object] = [position, progress.satker_code, progress.satker_name]
        for area in progress.areas:
            row.append(_percent_cell(sheet, area.percent / 100 if area.total else None))
        row.append(_percent_cell(sheet, progress.percent / 100))
        row += [progress.done, progress.total, progress.overdue]
        row += [_percent_cell(sheet, progress.verified_percent / 100), progress.verified]
        sheet.append(row)


def _percent_cell(sheet: WriteOnlyWorksheet, value: float | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "0%"
    return cell


def _detail_sheet(sheet: WriteOnlyWorksheet, session: Session, today: date, year: int) -> int:
    titles = [
        texts.EXPORT_COL_CODE,
        texts.EXPORT_COL_SATKER,
        texts.EXPORT_COL_AREA,
        texts.EXPORT_COL_ITEM,
        texts.EXPORT_COL_ACTIVITY,
        texts.EXPORT_COL_EVIDENCE,
        texts.EXPORT_COL_TENGGAT,
        texts.EXPORT_COL_STATUS,
        texts.EXPORT_COL_LATE,
        texts.EXPORT_COL_NOTE,
        texts.EXPORT_COL_STATE,
    ]
    _header(sheet, titles, [10, 30, 8, 10, 50, 40, 12, 10, 11, 40, 20])
    review = BuktiDukung.review_status
    evidence = (
        select(
            BuktiDukung.target_id,
            func.sum(case((review == ReviewStatus.MENUNGGU.value, 1), else_=0)).label("waiting"),
            func.sum(case((review == ReviewStatus.DITERIMA.value, 1), else_=0)).label("accepted"),
        )
        .group_by(BuktiDukung.target_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Satker.code,
            Satker.name,
            Area.code,
            RencanaAksi.code,
            RencanaAksi.activity,
            RencanaAksi.bukti_dukung,
            RencanaAksi.tenggat,
            Target.status,
            Target.note,
            func.coalesce(evidence.c.waiting, 0),
            func.coalesce(evidence.c.accepted, 0),
        )
        .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        .join(Area, Area.id == RencanaAksi.area_id)
        .join(Satker, Satker.id == Target.satker_id)
        .outerjoin(evidence, evidence.c.target_id == Target.id)
        .where(RencanaAksi.year == year)
        .order_by(Satker.code, Area.position, RencanaAksi.code)
    )
    count = 0
    for code, name, area, item, activity, expected, tenggat, status, note, waiting, ok in rows:
        late = is_overdue(tenggat, status, today)
        tenggat_cell = WriteOnlyCell(sheet, value=tenggat)
        tenggat_cell.number_format = "DD/MM/YYYY"
        status_cell = WriteOnlyCell(sheet, value=texts.STATUS_LABELS[status])
        if status == ItemStatus.SELESAI:
            status_cell.fill = _DONE_FILL
        late_cell = WriteOnlyCell(sheet, value=texts.YES if late else texts.NO)
        if late:
            late_cell.fill = _LATE_FILL
        state = item_state(status, waiting=int(waiting), accepted=int(ok))
        state_cell = WriteOnlyCell(sheet, value=texts.ITEM_STATE_LABELS[state])
        if state == ItemState.TERVERIFIKASI:
            state_cell.fill = _DONE_FILL
        sheet.append(
            [code, name, area, item, activity, expected, tenggat_cell, status_cell, late_cell,
             note, state_cell]
        )  # fmt: skip
        count += 1
    return count


def export_kendala(tickets: list[TicketView], path: Path) -> None:
    """Every kendala ticket in one sheet, for the division's meetings."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(texts.EXPORT_SHEET_KENDALA)
    _header(sheet, list(texts.KENDALA_EXPORT_COLUMNS), [16, 30, 24, 30, 18, 16, 60, 10, 60])
    for t in tickets:
        sheet.append(
            [
                t.number, t.satker_name, t.reporter, t.item or texts.KENDALA_GENERAL,
                t.category, texts.KENDALA_STATUS_LABELS[t.status], t.description,
                t.age_working_days, t.answer or "",
            ]
        )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
