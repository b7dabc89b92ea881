"""``zibot lke report``: the worksheet as assessors read it, a summary and a chart (XLSX)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet as Sheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Satker
from services import texts
from services.lke.assessment import (
    LinkedItem,
    SatkerLke,
    evidence_names,
    item_evidence,
    load_many,
    load_satker,
)
from services.lke.render import area_rule_line, check_label
from services.lke.scoring import question_points

_BOLD = Font(bold=True)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_MISSED_FILL = PatternFill("solid", fgColor="F8CBAD")
_MET_FILL = PatternFill("solid", fgColor="C6EFCE")


def write_report(session: Session, path: Path, *, year: int, satker: Satker | None) -> int:
    """Write the report of one satker (or every satker, ranked); return the satker count."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = texts.LKE_SHEET_SUMMARY
    if satker is not None:
        states = [load_satker(session, satker, year)]
        _satker_summary(summary, states[0])
    else:
        satkers = session.scalars(
            select(Satker).where(Satker.level != "pusat").order_by(Satker.code)
        ).all()
        states = load_many(session, satkers, year)
        _ranking_summary(summary, year, states)
    for state in states:
        _worksheet_sheet(
            workbook.create_sheet(texts.LKE_SHEET_WORKSHEET.format(code=state.satker_code)),
            session,
            state,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return len(states)


def _header(sheet: Sheet, row: int, titles: tuple[str, ...]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=column, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _intro(sheet: Sheet, title: str, state: SatkerLke) -> int:
    ws, p = state.worksheet, state.projection
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = texts.LKE_REPORT_SHEET.format(label=ws.label)
    sheet["A3"] = area_rule_line(ws)
    sheet["A4"] = texts.LKE_PROJ_UNANSWERED.format(
        answered=p.answered, total=len(p.scores), unanswered=p.unanswered
    )
    return 6


def _satker_summary(sheet: Sheet, state: SatkerLke) -> None:
    ws, p = state.worksheet, state.projection
    row = _intro(
        sheet,
        texts.LKE_REPORT_TITLE.format(
            name=state.satker_name, code=state.satker_code, year=state.year
        ),
        state,
    )
    for letter, width in zip("ABCDEFGHI", (10, 40, 12, 12, 12, 10, 10, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    _header(sheet, row, texts.LKE_REPORT_AREA_COLUMNS)
    first = row + 1
    minimums = {level.code: level.area_percent for level in ws.levels}
    for area in p.areas:
        row += 1
        parts = {part.part: part.points for part in area.parts}
        values = [
            area.code, area.name, round(parts.get("pemenuhan", 0.0), 2),
            round(parts.get("reform", 0.0), 2), round(area.points, 2), area.weight,
            round(area.percent, 1), minimums.get("wbk"), minimums.get("wbbm"),
        ]  # fmt: skip
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    last = row
    row += 1
    sheet.cell(row=row, column=1, value=texts.LKE_REPORT_ROW_PENGUNGKIT).font = _BOLD
    sheet.cell(row=row, column=5, value=round(p.pengungkit, 2))
    sheet.cell(row=row, column=6, value=ws.pengungkit.weight)
    for item in p.hasil_items:
        row += 1
        sheet.cell(row=row, column=1, value=texts.LKE_REPORT_ROW_HASIL)
        sheet.cell(row=row, column=2, value=item.name)
        sheet.cell(row=row, column=5, value=round(item.points, 2))
        sheet.cell(row=row, column=6, value=item.weight)
    row += 1
    sheet.cell(row=row, column=1, value=texts.LKE_REPORT_ROW_TOTAL).font = _BOLD
    sheet.cell(row=row, column=5, value=round(p.total, 2)).font = _BOLD
    sheet.cell(row=row, column=6, value=100)
    row += 2
    _header(sheet, row, texts.LKE_REPORT_CHECK_COLUMNS)
    for level in p.levels:
        for check in level.checks:
            row += 1
            values = [
                level.code.upper(), check_label(ws, check), round(check.score, 2),
                round(check.minimum, 3), "✓" if check.met else "✗", round(check.distance, 2),
            ]  # fmt: skip
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=value)
                cell.fill = _MET_FILL if check.met else _MISSED_FILL
    chart = BarChart()
    chart.title = texts.LKE_REPORT_CHART_AREA
    chart.y_axis.title = "%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.add_data(
        Reference(sheet, min_col=7, min_row=first - 1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    lines = LineChart()
    lines.add_data(
        Reference(sheet, min_col=8, max_col=9, min_row=first - 1, max_row=last),
        titles_from_data=True,
    )
    chart += lines
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, "K6")


def _ranking_summary(sheet: Sheet, year: int, states: list[SatkerLke]) -> None:
    lines = sorted(states, key=lambda s: (-s.projection.total, s.satker_code))
    sheet["A1"] = texts.LKE_REPORT_RANK_TITLE.format(year=year)
    sheet["A1"].font = Font(bold=True, size=13)
    if states:
        sheet["A2"] = texts.LKE_REPORT_SHEET.format(label=states[0].worksheet.label)
        sheet["A3"] = area_rule_line(states[0].worksheet)
    sheet["A4"] = texts.LKE_RANK_FOOT
    row = 6
    for letter, width in zip("ABCDEFGHI", (5, 8, 34, 12, 10, 10, 14, 14, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    titles: tuple[str, ...] = texts.LKE_REPORT_RANK_COLUMNS
    levels = states[0].worksheet.levels if states else ()
    titles += tuple(texts.LKE_REPORT_SERIES_MINIMUM.format(level=lv.code.upper()) for lv in levels)
    _header(sheet, row, titles)
    first = row + 1
    for n, state in enumerate(lines, start=1):
        row += 1
        p = state.projection
        missed = {lv.code: lv.missed for lv in p.levels}
        values: list[object] = [
            n, state.satker_code, state.satker_name, round(p.pengungkit, 2), round(p.hasil, 2),
            round(p.total, 2), missed.get("wbk"), missed.get("wbbm"), p.unanswered,
        ]  # fmt: skip
        values += [lv.total for lv in levels]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    if not lines:
        return
    chart = BarChart()
    chart.title = texts.LKE_REPORT_CHART_TOTAL
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.add_data(
        Reference(sheet, min_col=6, min_row=first - 1, max_row=row), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=2, min_row=first, max_row=row))
    if levels:
        lines_chart = LineChart()
        lines_chart.add_data(
            Reference(sheet, min_col=10, max_col=9 + len(levels), min_row=first - 1, max_row=row),
            titles_from_data=True,
        )
        chart += lines_chart
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, f"A{row + 3}")


def _status(item: LinkedItem) -> str:
    """The linked item's state after the evidence review (belum, proses, selesai, menunggu
    verifikasi, terverifikasi), or "tidak berlaku"."""
    if item.state is None:
        return texts.LKE_REPORT_ITEM_NOT_APPLICABLE
    return texts.ITEM_STATE_LABELS.get(item.state, item.state)


def _worksheet_sheet(sheet: Sheet, session: Session, state: SatkerLke) -> None:
    ws, p = state.worksheet, state.projection
    _header(sheet, 1, texts.LKE_REPORT_WORKSHEET_COLUMNS)
    sheet.freeze_panes = "A2"
    widths = (10, 6, 11, 30, 9, 60, 9, 9, 18, 9, 9, 30, 40)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    names = evidence_names(session, {i for ids in state.evidence.values() for i in ids})
    targets = [i.target_id for items in state.links.values() for i in items if i.target_id]
    per_target = item_evidence(session, targets)
    row = 1
    for code, question in ws.questions.items():
        row += 1
        indicator = ws.indicators[question.indicator]
        answer = state.answers.get(code)
        score = p.scores[code]
        items = state.links.get(code, ())
        item_text = "; ".join(f"{i.code} ({_status(i)})" for i in items)
        files = [names[i] for i in state.evidence.get(code, ()) if i in names]
        for i in items:
            if i.target_id:
                files += per_target.get(i.target_id, [])
        inputs = (
            "; ".join(f"{k}={v:g}" for k, v in answer.inputs.items())
            if answer and answer.inputs
            else ""
        )
        values: list[object] = [
            code, question.area, texts.LKE_PART_LABELS.get(question.part, question.part),
            f"{indicator.code} {indicator.name}", indicator.weight, question.text, question.scale,
            answer.choice if answer and answer.choice else "", inputs,
            None if score is None else round(score, 4),
            round(question_points(ws, code, score), 4), item_text, "; ".join(files),
        ]  # fmt: skip
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if column in (4, 6, 12, 13):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for item in ws.hasil:
        row += 1
        value = state.hasil.get(item.code)
        points = next(h.points for h in p.hasil_items if h.code == item.code)
        hasil_values: list[object] = [
            item.code, "", texts.LKE_REPORT_HASIL_SCALE, item.name, item.weight, item.text,
            item.scale, "" if value is None else str(value), "", None, round(points, 4), "", "",
        ]  # fmt: skip
        for column, cell_value in enumerate(hasil_values, start=1):
            sheet.cell(row=row, column=column, value=cell_value)
