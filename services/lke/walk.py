"""The self-assessment walk (/lke): what a person sees of one worksheet question, plain data.

Built from a ``SatkerLke`` (answers, links, projection) and the bukti dukung filed for the
question's linked items; every channel renders the same cards (``handlers.lke_views``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import BuktiDukung
from services.lke.assessment import LinkedItem, SatkerLke
from services.lke.worksheet import PERSEN, LkeArea, Question, Worksheet
from services.members import SatkerRef

MAX_EVIDENCE = 6  # bukti dukung offered as buttons under one question


@dataclass(frozen=True)
class Evidence:
    """A bukti dukung file of a linked item, and whether the answer points to it."""

    id: int
    name: str
    item_code: str
    attached: bool


@dataclass(frozen=True)
class AreaCount:
    """An area of the worksheet and how many of its questions are answered."""

    code: str
    name: str
    answered: int
    count: int


@dataclass(frozen=True)
class Card:
    """One question as the walk shows it."""

    satker: SatkerRef
    year: int
    area: AreaCount
    position: int  # 1-based, within the area
    code: str
    text: str
    scale: str
    choices: tuple[str, ...]  # answer labels (empty for persen questions)
    inputs: tuple[tuple[str, str], ...]  # persen inputs: (code, what to count)
    formula: str
    indicator: str
    weight: float
    has_criteria: bool
    current: str | None  # the recorded answer, as shown ("Ya", "a=12, b=10")
    score: float | None
    items: tuple[LinkedItem, ...]
    evidence: tuple[Evidence, ...]
    proposal: str | None  # the proposed label when every linked item is done and verified
    answered: int  # in the whole worksheet
    total: int
    asking: tuple[str, str] | None = None  # the persen input asked for now: (code, text)
    given: Mapping[str, float] | None = None  # persen inputs typed so far
    saved: str | None = None  # what was just recorded ("MP.P1.a: Ya")
    # every linked item selesai, some not verified: (label it will propose, those items)
    awaiting: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class AreaDone:
    """The walk reached the end of an area."""

    satker: SatkerRef
    year: int
    area: AreaCount
    answered: int
    total: int
    saved: str | None = None


@dataclass(frozen=True)
class Menu:
    """/lke without an area: every area with its answered count, and the proposals."""

    satker: SatkerRef
    year: int
    label: str
    areas: tuple[AreaCount, ...]
    answered: int
    total: int
    proposals: tuple[tuple[str, str, tuple[str, ...]], ...]  # (question, choice, items)
    # all linked items selesai, not all verified: (question, choice, items not verified)
    awaiting: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


def area_questions(ws: Worksheet, area_code: str) -> list[Question]:
    """The questions of an area, in worksheet order."""
    return [q for q in ws.questions.values() if q.area == area_code]


def area_of(ws: Worksheet, code: str) -> LkeArea:
    """The worksheet area with this code."""
    return next(a for a in ws.areas if a.code == code)


def count(state: SatkerLke, area_code: str) -> AreaCount:
    """An area's answered count."""
    area = area_of(state.worksheet, area_code)
    questions = area_questions(state.worksheet, area_code)
    answered = sum(1 for q in questions if state.projection.scores.get(q.code) is not None)
    return AreaCount(area.code, area.name, answered, len(questions))


def first_question(state: SatkerLke, area_code: str) -> Question:
    """Where a walk through an area starts: its first unanswered question, else its first."""
    questions = area_questions(state.worksheet, area_code)
    scores = state.projection.scores
    return next((q for q in questions if scores.get(q.code) is None), questions[0])


def next_question(ws: Worksheet, code: str) -> Question | None:
    """The question after ``code`` in its area; None at the area's end."""
    questions = area_questions(ws, ws.questions[code].area)
    codes = [q.code for q in questions]
    position = codes.index(code) + 1
    return questions[position] if position < len(questions) else None


def shown_answer(state: SatkerLke, code: str) -> str | None:
    """The recorded answer as a person reads it."""
    answer = state.answers.get(code)
    if answer is None:
        return None
    if answer.inputs is not None:
        return ", ".join(f"{k}={v:g}" for k, v in answer.inputs.items())
    return answer.choice


def card(
    state: SatkerLke,
    satker: SatkerRef,
    question: Question,
    files: Sequence[tuple[int, str, str]],
    *,
    saved: str | None = None,
    given: Mapping[str, float] | None = None,
) -> Card:
    """The card of one question; ``files`` are (bukti id, name, item code) of linked items."""
    ws, p = state.worksheet, state.projection
    indicator = ws.indicators[question.indicator]
    attached = set(state.evidence.get(question.code, ()))
    questions = area_questions(ws, question.area)
    proposal = next((x.choice for x in state.proposals if x.question == question.code), None)
    awaiting = next(
        ((x.choice, x.unverified) for x in state.awaiting_verification
         if x.question == question.code),
        None,
    )  # fmt: skip
    asking = None
    if question.scale == PERSEN:
        typed = given or {}
        asking = next(((i.code, i.text) for i in question.inputs if i.code not in typed), None)
    return Card(
        satker=satker,
        year=state.year,
        area=count(state, question.area),
        position=[q.code for q in questions].index(question.code) + 1,
        code=question.code,
        text=question.text,
        scale=question.scale,
        choices=() if question.scale == PERSEN else tuple(ws.scales[question.scale]),
        inputs=tuple((i.code, i.text) for i in question.inputs),
        formula=question.formula,
        indicator=f"{indicator.code} {indicator.name}",
        weight=indicator.weight,
        has_criteria=bool(question.criteria.strip()),
        current=shown_answer(state, question.code),
        score=p.scores.get(question.code),
        items=state.links.get(question.code, ()),
        evidence=tuple(
            Evidence(i, name, item, i in attached) for i, name, item in files[:MAX_EVIDENCE]
        ),
        proposal=proposal,
        answered=p.answered,
        total=len(p.scores),
        asking=asking,
        given=given,
        saved=saved,
        awaiting=awaiting,
    )


def menu(state: SatkerLke, satker: SatkerRef) -> Menu:
    """Every area's answered count and the proposals waiting for confirmation."""
    p = state.projection
    return Menu(
        satker=satker,
        year=state.year,
        label=state.worksheet.label,
        areas=tuple(count(state, a.code) for a in state.worksheet.areas),
        answered=p.answered,
        total=len(p.scores),
        proposals=tuple((x.question, x.choice, x.items) for x in state.proposals),
        awaiting=tuple((x.question, x.choice, x.unverified) for x in state.awaiting_verification),
    )


def area_by_name(ws: Worksheet, wanted: str) -> str | None:
    """The code of the one area a name means (``manajemen perubahan``), or None."""
    from services.plan_parser import match_area

    found = match_area(wanted, [(a.code, a.name) for a in ws.areas])
    return found[0] if len(found) == 1 else None


def linked_files(session: Session, state: SatkerLke, code: str) -> list[tuple[int, str, str]]:
    """(bukti id, file name, item code) of the bukti dukung filed for the linked items."""
    items = {i.target_id: i.code for i in state.links.get(code, ()) if i.target_id is not None}
    if not items:
        return []
    rows = session.execute(
        select(BuktiDukung.id, BuktiDukung.original_name, BuktiDukung.target_id)
        .where(BuktiDukung.target_id.in_(list(items)))
        .order_by(BuktiDukung.id)
    )
    return [(i, name, items[target]) for i, name, target in rows]
