"""The LKE projection: pure functions of a worksheet, answers and hasil inputs.

Everything numeric comes from the ``Worksheet``: answer multipliers, indicator weights, hasil
weights, minimums and whether an area's minimum applies to its total or to each part.

- A question's score is its answer's multiplier (Ya/Tidak, A–C, A–D, A–E), or for ``persen``
  questions the formula's value clamped to 0..1 (zero denominators: see ``formula``).
- An indicator scores the mean of its questions × its weight. **Unanswered questions count as
  0** (the axxpxmd application averages only answered ones; a projection that did so would
  promise more than an assessor gives for a missing answer).
- Surveys: index / 4 × weight; a choice hasil item (capaian kinerja): multiplier × weight. An
  input not entered yet counts as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from services.lke import formula
from services.lke.worksheet import (
    AREA_RULE_PART,
    PERSEN,
    SURVEY,
    SURVEY_MAX,
    HasilItem,
    Question,
    Worksheet,
)

EPS = 1e-9
MOVES = 5


@dataclass(frozen=True)
class Answer:
    """A recorded answer: a scale label (``Ya``, ``B``) or the numbers of a persen question."""

    choice: str | None = None
    inputs: Mapping[str, float] | None = None


HasilValue = float | str


def question_score(question: Question, answer: Answer | None, ws: Worksheet) -> float | None:
    """0..1 for an answered question, None when unanswered (or incompletely answered)."""
    if answer is None:
        return None
    if question.scale == PERSEN:
        values = answer.inputs or {}
        if question.node is None or any(i.code not in values for i in question.inputs):
            return None
        return min(1.0, max(0.0, formula.evaluate(question.node, values)))
    if answer.choice is None:
        return None
    return ws.scales[question.scale].get(answer.choice)


def hasil_points(item: HasilItem, value: HasilValue | None, ws: Worksheet) -> float:
    """Points of one hasil input; an input not entered yet is 0."""
    if value is None:
        return 0.0
    if item.scale == SURVEY:
        index = min(SURVEY_MAX, max(0.0, float(value)))
        return index / SURVEY_MAX * item.weight
    return ws.scales[item.scale].get(str(value), 0.0) * item.weight


@dataclass(frozen=True)
class PartScore:
    """Points of one area's pemenuhan or reform part."""

    part: str
    points: float
    weight: float

    @property
    def percent(self) -> float:
        """Points as a percentage of the part's weight."""
        return 100.0 * self.points / self.weight if self.weight else 0.0


@dataclass(frozen=True)
class AreaScore:
    """Points of one area, per part and together."""

    code: str
    name: str
    parts: tuple[PartScore, ...]

    @property
    def points(self) -> float:
        """Pemenuhan plus reform points."""
        return sum(p.points for p in self.parts)

    @property
    def weight(self) -> float:
        """Pemenuhan plus reform weight."""
        return sum(p.weight for p in self.parts)

    @property
    def percent(self) -> float:
        """Points as a percentage of the area's weight."""
        return 100.0 * self.points / self.weight if self.weight else 0.0


@dataclass(frozen=True)
class HasilScore:
    """Points of one hasil input (or of a hasil part when ``entered`` is irrelevant)."""

    code: str
    name: str
    points: float
    weight: float
    entered: bool


@dataclass(frozen=True)
class Check:
    """One minimum: what is measured (``total``, ``pengungkit``, ``area``, ``hasil``), score,
    minimum, and whether it is met."""

    kind: str
    code: str
    score: float
    minimum: float
    met: bool

    @property
    def distance(self) -> float:
        """Score minus minimum: negative means points still missing."""
        return self.score - self.minimum


@dataclass(frozen=True)
class LevelResult:
    """Every minimum of one predicate (WBK, WBBM)."""

    code: str
    checks: tuple[Check, ...]
    requires: tuple[str, ...]

    @property
    def missed(self) -> int:
        """How many minimums are not met."""
        return sum(1 for c in self.checks if not c.met)

    @property
    def met(self) -> bool:
        """Every numeric minimum met (a required prior predicate is not checked here)."""
        return self.missed == 0


@dataclass(frozen=True)
class Move:
    """An answer that would add to the total if it moved to its best value."""

    question: str
    gain: float
    indicator_weight: float
    current: float | None


@dataclass(frozen=True)
class Projection:
    """Where a satker stands against the worksheet's minimums."""

    areas: tuple[AreaScore, ...]
    parts: tuple[PartScore, ...]
    hasil_items: tuple[HasilScore, ...]
    hasil_parts: tuple[HasilScore, ...]
    levels: tuple[LevelResult, ...]
    scores: Mapping[str, float | None]
    area_rule: str

    @property
    def pengungkit(self) -> float:
        """Pemenuhan plus reform points."""
        return sum(p.points for p in self.parts)

    @property
    def hasil(self) -> float:
        """Hasil points."""
        return sum(h.points for h in self.hasil_items)

    @property
    def total(self) -> float:
        """Pengungkit plus hasil."""
        return self.pengungkit + self.hasil

    @cached_property
    def answered(self) -> int:
        """Questions with an answer."""
        return sum(1 for s in self.scores.values() if s is not None)

    @property
    def unanswered(self) -> int:
        """Questions without an answer (counted as 0)."""
        return len(self.scores) - self.answered

    @property
    def hasil_missing(self) -> tuple[str, ...]:
        """Hasil inputs not entered yet (counted as 0)."""
        return tuple(h.code for h in self.hasil_items if not h.entered)

    def level(self, code: str) -> LevelResult:
        """The result of one predicate."""
        return next(level for level in self.levels if level.code == code)


def _met(score: float, minimum: float, comparison: str) -> bool:
    if comparison == ">":
        return score > minimum + EPS
    return score >= minimum - EPS


def project(
    ws: Worksheet,
    answers: Mapping[str, Answer],
    hasil: Mapping[str, HasilValue | None],
) -> Projection:
    """Score every question, area, part and hasil input, and check every minimum."""
    scores: dict[str, float | None] = {}
    areas: list[AreaScore] = []
    for sheet_area in ws.areas:
        parts = []
        for sheet_part in sheet_area.parts:
            points = 0.0
            for indicator in sheet_part.indicators:
                total = 0.0
                for q in indicator.questions:
                    answer = answers.get(q.code)
                    if answer is None:
                        scores[q.code] = None
                        continue
                    score = question_score(q, answer, ws)
                    scores[q.code] = score
                    total += score or 0.0
                points += total / len(indicator.questions) * indicator.weight
            parts.append(PartScore(sheet_part.part, points, sheet_part.weight))
        areas.append(AreaScore(sheet_area.code, sheet_area.name, tuple(parts)))
    part_totals = tuple(
        PartScore(
            p.code,
            sum(ap.points for a in areas for ap in a.parts if ap.part == p.code),
            p.weight,
        )
        for p in ws.pengungkit_parts
    )
    items = tuple(
        HasilScore(
            h.code,
            h.name,
            hasil_points(h, hasil.get(h.code), ws),
            h.weight,
            hasil.get(h.code) is not None,
        )
        for h in ws.hasil
    )
    parts_hasil = tuple(
        HasilScore(
            p.code, p.name, sum(i.points for i in items if i.code in p.items), p.weight, True
        )
        for p in ws.hasil_parts
    )
    points_by_code = {h.code: h.points for h in items} | {h.code: h.points for h in parts_hasil}
    pengungkit = sum(p.points for p in part_totals)
    total = pengungkit + sum(h.points for h in items)
    levels = []
    for level in ws.levels:
        checks = [
            Check("total", "", total, level.total, _met(total, level.total, ws.comparison)),
            Check(
                "pengungkit", "", pengungkit, level.pengungkit,
                _met(pengungkit, level.pengungkit, ws.comparison),
            ),
        ]  # fmt: skip
        share = level.area_percent / 100.0
        for area in areas:
            if ws.area_rule == AREA_RULE_PART:
                for part in area.parts:
                    minimum = share * part.weight
                    checks.append(
                        Check(
                            "area_part", f"{area.code} {part.part}", part.points, minimum,
                            _met(part.points, minimum, ws.comparison),
                        )
                    )  # fmt: skip
            else:
                minimum = share * area.weight
                checks.append(
                    Check(
                        "area",
                        area.code,
                        area.points,
                        minimum,
                        _met(area.points, minimum, ws.comparison),
                    )
                )
        for code, minimum in level.hasil:
            score = points_by_code[code]
            checks.append(Check("hasil", code, score, minimum, _met(score, minimum, ws.comparison)))
        levels.append(LevelResult(level.code, tuple(checks), level.requires))
    return Projection(
        areas=tuple(areas),
        parts=part_totals,
        hasil_items=items,
        hasil_parts=parts_hasil,
        levels=tuple(levels),
        scores=scores,
        area_rule=ws.area_rule,
    )


def question_points(ws: Worksheet, code: str, score: float | None) -> float:
    """What one question contributes to the total at this score."""
    question = ws.questions[code]
    indicator = ws.indicators[question.indicator]
    return (score or 0.0) * indicator.weight / len(indicator.questions)


def best_moves(ws: Worksheet, projection: Projection, limit: int = MOVES) -> list[Move]:
    """The answers that would add most to the total if moved to their best value.

    The gain of a question is (1 − its score) × its indicator's weight / the indicator's number
    of questions; ties keep the worksheet's order. Hasil inputs are not answers anyone can
    change by working, so they are not listed.
    """
    moves = []
    for code, score in projection.scores.items():
        indicator = ws.indicators[ws.questions[code].indicator]
        gain = (1.0 - (score or 0.0)) * indicator.weight / len(indicator.questions)
        if gain > EPS:
            moves.append(Move(code, gain, indicator.weight, score))
    moves.sort(key=lambda m: -m.gain)  # stable: worksheet order among equal gains
    return moves[:limit]
