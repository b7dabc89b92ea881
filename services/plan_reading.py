"""How an imported plan was understood, as plain Indonesian text for `zibot import --dry-run`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from services import texts
from services.formatting import tanggal
from services.plan_parser import (
    HEADING_AREA,
    HEADING_COMPONENT,
    HEADING_GROUP,
    HEADING_SUB,
    ROW_ERROR,
    ROW_FOOTER,
    ROW_HEADER,
    ROW_HEADING,
    ROW_ITEM,
    ROW_PART,
    ROW_SKIPPED,
    ROW_TITLE,
    ColumnUse,
    ParsedItem,
    ParsedPlan,
    RowNote,
    SheetReading,
)

FIRST_ITEMS = 3  # items shown per area
_HEADINGS = {
    HEADING_COMPONENT: texts.READING_HEADING_COMPONENT,
    HEADING_AREA: texts.READING_HEADING_AREA,
    HEADING_SUB: texts.READING_HEADING_SUB,
    HEADING_GROUP: texts.READING_HEADING_GROUP,
}
_KINDS = {
    ROW_TITLE: texts.READING_ROW_TITLE,
    ROW_HEADER: texts.READING_ROW_HEADER,
    ROW_SKIPPED: texts.READING_ROW_SKIPPED,
    ROW_FOOTER: texts.READING_ROW_FOOTER,
    ROW_ERROR: texts.READING_ROW_ERROR,
}


def describe_plan(plan: ParsedPlan, name: str) -> str:
    """Sheets, header rows, column mapping, every row's reading, items per area, first items."""
    lines = [texts.READING_TITLE.format(name=name, year=plan.year)]
    reading = plan.reading
    codes = {(item.sheet, item.row): item.code for item in plan.items}
    for sheet in reading.sheets if reading else ():
        lines += _sheet(sheet, codes)
    for sheet_name, reason in reading.ignored_sheets if reading else ():
        lines.append(texts.READING_SHEET_IGNORED.format(sheet=sheet_name, reason=reason))
    lines += _per_area(plan.items)
    if plan.errors:
        lines.append(texts.READING_ERRORS.format(count=len(plan.errors)))
    return "\n".join(lines)


def _sheet(sheet: SheetReading, codes: dict[tuple[str, int], str]) -> list[str]:
    lines = [texts.READING_SHEET.format(sheet=sheet.name) if sheet.name else texts.READING_CSV]
    if sheet.area:
        lines.append(texts.READING_SHEET_AREA.format(area=sheet.area))
    rows = ", ".join(str(r) for r in sheet.header_rows)
    lines.append(texts.READING_HEADER_ROWS.format(rows=rows))
    lines.append(texts.READING_COLUMNS)
    lines += [_column(c) for c in sheet.columns]
    lines.append(texts.READING_ROWS)
    lines += _rows(sheet.rows, sheet.name or "", codes)
    return lines


def _column(use: ColumnUse) -> str:
    if use.field == "grid":
        meaning = texts.READING_FIELD_GRID
    elif use.field == "catatan":
        meaning = texts.READING_FIELD_NOTE
    elif use.field:
        meaning = texts.READING_FIELD.format(field=use.field)
    else:
        meaning = texts.READING_FIELD_UNUSED
    return texts.READING_COLUMN.format(letter=use.letter, header=use.header or "-", meaning=meaning)


def _rows(notes: Sequence[RowNote], sheet: str, codes: dict[tuple[str, int], str]) -> list[str]:
    """One line per row, except runs of items (and their further rows) summed up in one."""
    lines: list[str] = []
    run: list[RowNote] = []

    def flush() -> None:
        if not run:
            return
        items = [n for n in run if n.kind == ROW_ITEM]
        first = codes.get((sheet, items[0].row), "?") if items else "?"
        last = codes.get((sheet, items[-1].row), "?") if items else "?"
        parts = len(run) - len(items)
        lines.append(
            texts.READING_ITEM_RUN.format(
                rows=_span(run[0].row, run[-1].row),
                items=len(items),
                codes=first
                if first == last
                else texts.READING_CODES_SPAN.format(first=first, last=last),
                parts=texts.READING_PARTS.format(parts=parts) if parts else "",
            )
        )
        run.clear()

    for note in notes:
        if note.kind in (ROW_ITEM, ROW_PART):
            run.append(note)
            continue
        flush()
        if note.kind == ROW_HEADING:
            label = _HEADINGS.get(note.heading, texts.READING_HEADING_GROUP)
            effect = (
                texts.READING_AREA_SET.format(area=note.area)
                if note.area
                else texts.READING_AREA_NONE
            )
            if note.heading in (HEADING_SUB, HEADING_GROUP):
                effect = texts.READING_AREA_KEPT.format(area=note.area or "-")
            lines.append(
                texts.READING_ROW_HEADING.format(
                    row=note.row, label=label, text=note.detail, effect=effect
                )
            )
        else:
            kind = _KINDS.get(note.kind, note.kind)
            detail = f" — {note.detail!r}" if note.detail else ""
            lines.append(texts.READING_ROW.format(row=note.row, kind=kind, detail=detail))
    flush()
    return lines


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _per_area(items: Sequence[ParsedItem]) -> list[str]:
    counts = Counter(item.area_code for item in items)
    summary = ", ".join(f"{area} {count}" for area, count in counts.items())
    lines = [texts.READING_PER_AREA.format(summary=summary or "-", total=len(items))]
    shown: Counter[str] = Counter()
    for item in items:
        if shown[item.area_code] >= FIRST_ITEMS:
            continue
        shown[item.area_code] += 1
        lines.append(
            texts.READING_ITEM.format(
                code=item.code,
                row=item.row,
                activity=item.activity,
                evidence=item.bukti_dukung or "-",
                tenggat=tanggal(item.tenggat),
                group=texts.READING_ITEM_GROUP.format(group=item.group) if item.group else "",
            )
        )
    return lines
