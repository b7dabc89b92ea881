"""The projection as plain Indonesian lines: the CLI prints them, chat adapters can send them."""

from __future__ import annotations

from services import texts
from services.lke.assessment import SatkerLke
from services.lke.scoring import Check
from services.lke.worksheet import AREA_RULE_PART, PERSEN, Question, Worksheet


def angka(value: float, digits: int = 2) -> str:
    """A decimal as Indonesian readers write it: ``15,75``."""
    return f"{value:.{digits}f}".replace(".", ",")


def pct(value: float) -> str:
    """``62,5%``-style percentage with one decimal."""
    return f"{angka(value, 1)}%"


def check_label(ws: Worksheet, check: Check) -> str:
    """What a minimum measures, in words."""
    if check.kind == "total":
        return texts.LKE_WHAT_TOTAL
    if check.kind == "pengungkit":
        return texts.LKE_WHAT_PENGUNGKIT
    if check.kind == "area":
        return texts.LKE_WHAT_AREA.format(code=check.code)
    if check.kind == "area_part":
        code, part = check.code.split(" ", 1)
        return texts.LKE_WHAT_AREA_PART.format(
            code=code, part=texts.LKE_PART_LABELS.get(part, part)
        )
    names = {h.code: h.name for h in ws.hasil} | {p.code: p.name for p in ws.hasil_parts}
    return names.get(check.code, check.code)


def area_rule_line(ws: Worksheet) -> str:
    """Which area-minimum rule the worksheet asks for, quoting the file."""
    template = (
        texts.LKE_PROJ_AREA_RULE_PART
        if ws.area_rule == AREA_RULE_PART
        else texts.LKE_PROJ_AREA_RULE_TOTAL
    )
    return template.format(text=ws.area_rule_text)


def projection_lines(state: SatkerLke) -> list[str]:
    """The whole projection of one satker, line by line."""
    ws, p = state.worksheet, state.projection
    lines = [
        texts.LKE_PROJ_HEAD.format(name=state.satker_name, code=state.satker_code, year=state.year),
        texts.LKE_PROJ_SHEET.format(label=ws.label),
        texts.LKE_PROJ_UNANSWERED.format(
            answered=p.answered, total=len(p.scores), unanswered=p.unanswered
        ),
    ]
    if p.hasil_missing:
        names = ", ".join(ws.hasil_item(code).name for code in p.hasil_missing)
        lines.append(texts.LKE_PROJ_HASIL_MISSING.format(names=names))
    lines.append("")
    for area in p.areas:
        parts = " · ".join(
            texts.LKE_PROJ_PART.format(
                part=texts.LKE_PART_LABELS.get(part.part, part.part),
                points=angka(part.points), weight=angka(part.weight), percent=pct(part.percent),
            )
            for part in area.parts
        )  # fmt: skip
        lines.append(
            texts.LKE_PROJ_AREA.format(
                code=area.code, name=area.name, parts=parts, points=angka(area.points),
                weight=angka(area.weight), percent=pct(area.percent),
            )
        )  # fmt: skip
    lines.append(
        texts.LKE_PROJ_PENGUNGKIT.format(
            parts=" · ".join(
                f"{texts.LKE_PART_LABELS.get(x.part, x.part)} {angka(x.points)}/{angka(x.weight)}"
                for x in p.parts
            ),
            points=angka(p.pengungkit),
            weight=angka(ws.pengungkit.weight),
        )
    )
    lines.append(
        texts.LKE_PROJ_HASIL.format(
            items=" · ".join(
                f"{h.name} {angka(h.points)}/{angka(h.weight)}" for h in p.hasil_items
            ),
            points=angka(p.hasil),
            weight=angka(ws.hasil_component.weight),
        )
    )
    lines.append(texts.LKE_PROJ_TOTAL.format(total=angka(p.total)))
    for level in p.levels:
        verdict = (
            texts.LKE_PROJ_LEVEL_MET
            if level.met
            else texts.LKE_PROJ_LEVEL_MISSED.format(missed=level.missed)
        )
        lines.append("")
        lines.append(texts.LKE_PROJ_LEVEL.format(level=level.code.upper(), verdict=verdict))
        for check in level.checks:
            distance = (
                texts.LKE_PROJ_OVER.format(value=angka(check.distance))
                if check.met
                else texts.LKE_PROJ_SHORT.format(value=angka(-check.distance))
            )
            lines.append(
                texts.LKE_PROJ_CHECK.format(
                    icon="✓" if check.met else "✗", what=check_label(ws, check),
                    score=angka(check.score), minimum=angka(check.minimum), distance=distance,
                )
            )  # fmt: skip
        if level.requires:
            lines.append(
                texts.LKE_PROJ_REQUIRES.format(levels=", ".join(r.upper() for r in level.requires))
            )
    lines += ["", area_rule_line(ws), "", texts.LKE_PROJ_MOVES]
    moves = state.moves()
    if not moves:
        lines.append(texts.LKE_PROJ_NONE)
    for n, (move, items) in enumerate(moves, start=1):
        current = texts.LKE_PROJ_UNANSWERED_SHORT if move.current is None else angka(move.current)
        lines.append(
            texts.LKE_PROJ_MOVE.format(
                n=n, code=move.question, gain=angka(move.gain), weight=angka(move.indicator_weight),
                current=current, text=ws.questions[move.question].text.splitlines()[0],
            )
        )  # fmt: skip
        if items:
            lines.append(texts.LKE_PROJ_MOVE_ITEMS.format(items=", ".join(i.code for i in items)))
    proposals = state.proposals
    if proposals:
        lines += ["", texts.LKE_PROJ_PROPOSALS]
        lines += [
            texts.LKE_PROJ_PROPOSAL.format(
                code=x.question, choice=x.choice, items=", ".join(x.items)
            )
            for x in proposals
        ]
    awaiting = state.awaiting_verification
    if awaiting:
        lines += ["", texts.LKE_PROJ_AWAITING_HEAD]
        lines += [
            texts.LKE_PROJ_AWAITING.format(
                code=x.question, choice=x.choice, count=len(x.unverified),
                items=", ".join(x.unverified),
            )
            for x in awaiting
        ]  # fmt: skip
    return lines


def question_lines(ws: Worksheet, q: Question) -> list[str]:
    """One question in full: where it sits, its answer scale or inputs, and its criteria."""
    indicator = ws.indicators[q.indicator]
    area = next(a for a in ws.areas if a.code == q.area)
    lines = [
        texts.LKE_SOAL_DETAIL_HEAD.format(
            code=q.code, area=area.name, part=texts.LKE_PART_LABELS.get(q.part, q.part),
            indicator=f"{indicator.code} {indicator.name}", weight=angka(indicator.weight),
            count=len(indicator.questions),
        ),
        q.text,
    ]  # fmt: skip
    if q.scale == PERSEN:
        lines.append(texts.LKE_SOAL_INPUTS.format(formula=q.formula))
        lines += [texts.LKE_SOAL_INPUT.format(code=i.code, text=i.text) for i in q.inputs]
    else:
        choices = ws.scales[q.scale]
        lines.append(
            texts.LKE_SOAL_SCALE.format(
                choices=", ".join(f"{label} ({angka(value)})" for label, value in choices.items())
            )
        )
    if q.criteria:
        lines += [texts.LKE_SOAL_CRITERIA, q.criteria]
    return lines


def area_question_lines(ws: Worksheet, area_code: str | None) -> list[str]:
    """Every question of an area (or of the worksheet), one line each, under its indicator."""
    lines = []
    for area in ws.areas:
        if area_code is not None and area.code != area_code:
            continue
        lines.append(texts.LKE_SOAL_AREA.format(code=area.code, name=area.name))
        for part in area.parts:
            for indicator in part.indicators:
                lines.append(
                    texts.LKE_SOAL_INDICATOR.format(
                        code=indicator.code, name=indicator.name, weight=angka(indicator.weight)
                    )
                )
                lines += [
                    texts.LKE_SOAL_LINE.format(
                        code=q.code, scale=q.scale, text=q.text.splitlines()[0]
                    )
                    for q in indicator.questions
                ]
    return lines
