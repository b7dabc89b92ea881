"""LKE use cases over the database: worksheet versions, answers, hasil inputs, item links,
auto-proposals and projections. Each function works inside the caller's unit of work (the
caller commits once); CLI, Telegram and WhatsApp share them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import (
    BuktiDukung,
    LkeAnswer,
    LkeAssessment,
    LkeHasil,
    LkeLink,
    LkeVersion,
    RencanaAksi,
    Satker,
    Target,
)
from services import audit, texts
from services.errors import NotFound, ZibotError
from services.lke import scoring
from services.lke.scoring import Answer, HasilValue, Move, Projection
from services.lke.worksheet import (
    PERSEN,
    SURVEY,
    SURVEY_MAX,
    Question,
    Worksheet,
    parse_bytes,
    read_file,
    sha256,
)
from services.lke.worksheet import default_path as default_worksheet_path
from services.progress import DONE, active_year
from services.status import ItemState, ReviewStatus, item_state
from services.tracking import normalise_item_code


@dataclass(frozen=True)
class LoadResult:
    """What ``zibot lke load`` did."""

    version_id: int
    label: str
    sha256: str
    created: bool
    questions: int


@lru_cache(maxsize=8)
def _parsed(content: str) -> Worksheet:
    return parse_bytes(content.encode("utf-8"))


def worksheet_of(version: LkeVersion) -> Worksheet:
    """The worksheet a stored version holds (validated again, cached by content)."""
    return _parsed(version.content)


def load_worksheet(session: Session, path: Path | None, *, now: datetime, actor: str) -> LoadResult:
    """Validate a worksheet file and store it as a version; the same file twice is one version."""
    content, ws = read_file(path or default_worksheet_path())
    digest = sha256(content)
    existing = session.scalar(select(LkeVersion).where(LkeVersion.sha256 == digest))
    if existing is not None:
        return LoadResult(existing.id, ws.label, digest, False, len(ws.questions))
    version = LkeVersion(
        regulation=ws.regulation[:200],
        version=ws.version[:32],
        name=ws.name[:300],
        sha256=digest,
        content=content.decode("utf-8"),
        loaded_at=now,
    )
    session.add(version)
    session.flush()
    audit.record(
        session, now=now, actor=actor, action="lke_load", entity="lke_version",
        entity_id=version.id, label=ws.label, sha256=digest,
    )  # fmt: skip
    return LoadResult(version.id, ws.label, digest, True, len(ws.questions))


def load_default_worksheet(session: Session, *, now: datetime, actor: str) -> LoadResult | None:
    """``zibot init``: the shipped worksheet, when no version is loaded yet; None otherwise."""
    if session.scalar(select(LkeVersion.id).limit(1)) is not None:
        return None
    return load_worksheet(session, None, now=now, actor=actor)


def latest_version(session: Session) -> LkeVersion:
    """The newest loaded worksheet version, or ZibotError asking to load one."""
    version = session.scalar(select(LkeVersion).order_by(LkeVersion.id.desc()).limit(1))
    if version is None:
        raise ZibotError(texts.LKE_NO_VERSION)
    return version


def lke_year(session: Session, today: date) -> int:
    """The assessment year when none is given: the plan's active year, else this year."""
    return active_year(session, today) or today.year


def find_assessment(session: Session, satker_id: int, year: int) -> LkeAssessment | None:
    """The satker's assessment of the year, if anything was recorded."""
    return session.scalar(
        select(LkeAssessment).where(
            LkeAssessment.satker_id == satker_id, LkeAssessment.year == year
        )
    )


def assessment_for(session: Session, satker: Satker, year: int, now: datetime) -> LkeAssessment:
    """The satker's assessment of the year; the first one is tied to the newest version."""
    found = find_assessment(session, satker.id, year)
    if found is not None:
        return found
    created = LkeAssessment(
        satker_id=satker.id, year=year, version_id=latest_version(session).id, created_at=now
    )
    session.add(created)
    session.flush()
    return created


def _question(ws: Worksheet, code: str) -> Question:
    question = ws.find_question(code)
    if question is None:
        raise NotFound(texts.LKE_QUESTION_UNKNOWN.format(code=code.strip(), label=ws.label))
    return question


def parse_number(text: str | float) -> float:
    """``3,62`` or ``3.62`` → 3.62; ZibotError when it is not a finite number."""
    if isinstance(text, int | float):
        value = float(text)
    else:
        try:
            value = float(text.strip().replace(",", "."))
        except ValueError:
            raise ZibotError(texts.LKE_NOT_A_NUMBER.format(value=text)) from None
    if not math.isfinite(value):
        raise ZibotError(texts.LKE_NOT_A_NUMBER.format(value=text))
    return value


def _choice(ws: Worksheet, scale: str, value: str, code: str) -> str:
    labels = ws.scales[scale]
    for label in labels:
        if label.lower() == value.strip().lower():
            return label
    raise ZibotError(texts.LKE_CHOICE_BAD.format(code=code, value=value, choices=", ".join(labels)))


@dataclass(frozen=True)
class AnswerResult:
    """A recorded answer and what it scores now."""

    question: str
    choice: str | None
    inputs: Mapping[str, float] | None
    score: float | None
    created: bool


def record_answer(
    session: Session,
    *,
    satker: Satker,
    year: int,
    question: str,
    now: datetime,
    actor: str,
    choice: str | None = None,
    inputs: Mapping[str, str | float] | None = None,
    evidence_ids: Sequence[int] = (),
    actor_id: int | None = None,
) -> AnswerResult:
    """Record (or change) the satker's answer to one question: a scale label, or the numbers
    of a persen question; evidence ids must be bukti dukung of the same satker."""
    assessment = assessment_for(session, satker, year, now)
    ws = worksheet_of(assessment.version)
    q = _question(ws, question)
    numbers: dict[str, float] | None = None
    label: str | None = None
    if q.scale == PERSEN:
        given = {k.strip().lower(): v for k, v in (inputs or {}).items()}
        missing = [i.code for i in q.inputs if i.code.lower() not in given]
        if missing:
            raise ZibotError(texts.LKE_INPUTS_MISSING.format(code=q.code, names=", ".join(missing)))
        numbers = {i.code: parse_number(given[i.code.lower()]) for i in q.inputs}
        if any(v < 0 for v in numbers.values()):
            raise ZibotError(texts.LKE_INPUT_NEGATIVE.format(code=q.code))
    else:
        if choice is None:
            raise ZibotError(texts.LKE_CHOICE_MISSING.format(code=q.code))
        label = _choice(ws, q.scale, choice, q.code)
    _check_evidence(session, satker.id, evidence_ids)
    row = session.scalar(
        select(LkeAnswer).where(
            LkeAnswer.assessment_id == assessment.id, LkeAnswer.question == q.code
        )
    )
    created = row is None
    if row is None:
        row = LkeAnswer(assessment_id=assessment.id, question=q.code)
        session.add(row)
    row.choice = label
    row.inputs = json.dumps(numbers, sort_keys=True) if numbers is not None else None
    row.evidence_ids = " ".join(str(i) for i in evidence_ids)
    row.answered_by_id = actor_id
    row.answered_by = actor[:100]
    row.answered_at = now
    session.flush()
    audit.record(
        session, now=now, actor=actor, actor_id=actor_id, action="lke_jawab",
        entity="lke_answer", entity_id=row.id, satker=satker.code, year=year,
        question=q.code, choice=label, inputs=numbers,
    )  # fmt: skip
    answer = Answer(label, numbers)
    return AnswerResult(q.code, label, numbers, scoring.question_score(q, answer, ws), created)


def _check_evidence(session: Session, satker_id: int, evidence_ids: Sequence[int]) -> None:
    if not evidence_ids:
        return
    found = set(
        session.scalars(
            select(BuktiDukung.id)
            .join(Target, Target.id == BuktiDukung.target_id)
            .where(BuktiDukung.id.in_(evidence_ids), Target.satker_id == satker_id)
        )
    )
    wrong = [i for i in evidence_ids if i not in found]
    if wrong:
        raise NotFound(texts.LKE_EVIDENCE_UNKNOWN.format(ids=", ".join(map(str, wrong))))


def record_hasil(
    session: Session,
    *,
    satker: Satker,
    year: int,
    values: Mapping[str, str | float],
    now: datetime,
    actor: str,
    actor_id: int | None = None,
) -> dict[str, HasilValue]:
    """Enter hasil inputs (survey index 0–4, or a scale label) for the satker's year."""
    if not values:
        raise ZibotError(texts.LKE_HASIL_NOTHING)
    assessment = assessment_for(session, satker, year, now)
    ws = worksheet_of(assessment.version)
    known = {h.code: h for h in ws.hasil}
    cleaned: dict[str, HasilValue] = {}
    for code, raw in values.items():
        item = known.get(code)
        if item is None:
            raise NotFound(texts.LKE_HASIL_UNKNOWN.format(code=code, codes=", ".join(known)))
        if item.scale == SURVEY:
            number = parse_number(raw)
            if not 0 <= number <= SURVEY_MAX:
                raise ZibotError(texts.LKE_SURVEY_RANGE.format(name=item.name, value=raw))
            cleaned[code] = number
        else:
            cleaned[code] = _choice(ws, item.scale, str(raw), item.name)
    rows = {
        r.code: r
        for r in session.scalars(select(LkeHasil).where(LkeHasil.assessment_id == assessment.id))
    }
    for code, value in cleaned.items():
        row = rows.get(code)
        if row is None:
            row = LkeHasil(assessment_id=assessment.id, code=code)
            session.add(row)
        row.number = value if isinstance(value, float) else None
        row.choice = value if isinstance(value, str) else None
        row.entered_by_id = actor_id
        row.entered_by = actor[:100]
        row.entered_at = now
    session.flush()
    audit.record(
        session, now=now, actor=actor, actor_id=actor_id, action="lke_hasil",
        entity="lke_assessment", entity_id=assessment.id, satker=satker.code, year=year,
        **cleaned,
    )  # fmt: skip
    return cleaned


@dataclass(frozen=True)
class LinkResult:
    """What ``zibot lke link`` did."""

    item_code: str
    question: str
    year: int
    created: bool


def link_item(
    session: Session, *, item: str, question: str, year: int, now: datetime, actor: str
) -> LinkResult:
    """Say that a rencana aksi item serves a worksheet question (of the newest version)."""
    code = normalise_item_code(item)
    row = session.scalar(
        select(RencanaAksi).where(RencanaAksi.code == code, RencanaAksi.year == year)
    )
    if row is None:
        raise NotFound(texts.LKE_ITEM_UNKNOWN.format(code=item.strip(), year=year))
    q = _question(worksheet_of(latest_version(session)), question)
    existing = session.scalar(
        select(LkeLink).where(LkeLink.item_id == row.id, LkeLink.question == q.code)
    )
    if existing is not None:
        return LinkResult(row.code, q.code, year, False)
    session.add(LkeLink(item_id=row.id, question=q.code, created_by=actor[:100], created_at=now))
    session.flush()
    audit.record(
        session, now=now, actor=actor, action="lke_link", entity="rencana_aksi",
        entity_id=row.id, item=row.code, question=q.code,
    )  # fmt: skip
    return LinkResult(row.code, q.code, year, True)


@dataclass(frozen=True)
class LinkedItem:
    """An item linked to a question, with the satker's status of it and its state after the
    evidence review (``status.item_state``)."""

    code: str
    activity: str
    status: str | None  # None: the item does not apply to this satker
    target_id: int | None
    state: ItemState | None = None  # None: the item does not apply to this satker


@dataclass(frozen=True)
class Proposal:
    """A Ya/Tidak question whose linked items are all done and verified (terverifikasi): the
    best answer is proposed."""

    question: str
    choice: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class AwaitingVerification:
    """A Ya/Tidak question whose linked items are all reported selesai but not all verified:
    the answer is proposed once the province accepts their bukti dukung."""

    question: str
    choice: str
    items: tuple[str, ...]  # every applying linked item
    unverified: tuple[str, ...]  # those not terverifikasi yet


@dataclass(frozen=True)
class SatkerLke:
    """Everything a projection, a report or a chat answer needs about one satker's year."""

    satker_id: int
    satker_code: str
    satker_name: str
    year: int
    version_id: int
    worksheet: Worksheet
    answers: Mapping[str, Answer]
    # Bukti dukung ids each answer points to (answers without any are left out).
    evidence: Mapping[str, tuple[int, ...]]
    hasil: Mapping[str, HasilValue]
    links: Mapping[str, tuple[LinkedItem, ...]]
    projection: Projection

    def _ya_tidak(self) -> list[tuple[str, str, list[LinkedItem]]]:
        """(question, best label, applying linked items) of the Ya/Tidak questions with linked
        items that apply to this satker, all reported selesai, not answered with the best."""
        result = []
        for code, items in self.links.items():
            question = self.worksheet.questions.get(code)
            if question is None or question.scale != "ya_tidak":
                continue
            scale = self.worksheet.scales[question.scale]
            best = max(scale, key=lambda label: scale[label])
            applying = [i for i in items if i.status is not None]
            if not applying or any(i.status != DONE for i in applying):
                continue
            current = self.answers.get(code)
            if current is not None and current.choice == best:
                continue
            result.append((code, best, applying))
        return result

    @property
    def proposals(self) -> list[Proposal]:
        """Ya/Tidak questions not answered with the best label whose linked items (that apply
        to this satker) are all terverifikasi: reported selesai and their bukti dukung accepted
        by the province. Shown for the agen to confirm; never counted before."""
        return [
            Proposal(code, best, tuple(i.code for i in applying))
            for code, best, applying in self._ya_tidak()
            if all(i.state == ItemState.TERVERIFIKASI for i in applying)
        ]

    @property
    def awaiting_verification(self) -> list[AwaitingVerification]:
        """Ya/Tidak questions whose linked items are all selesai but some not yet verified:
        no proposal yet; said wherever proposals are shown."""
        result = []
        for code, best, applying in self._ya_tidak():
            unverified = tuple(i.code for i in applying if i.state != ItemState.TERVERIFIKASI)
            if unverified:
                result.append(
                    AwaitingVerification(code, best, tuple(i.code for i in applying), unverified)
                )
        return result

    def moves(self, limit: int = scoring.MOVES) -> list[tuple[Move, tuple[LinkedItem, ...]]]:
        """The answers that would add most, each with its linked items not yet done."""
        return [
            (
                move,
                tuple(i for i in self.links.get(move.question, ()) if i.status not in (DONE, None)),
            )
            for move in scoring.best_moves(self.worksheet, self.projection, limit)
        ]


def load_satker(session: Session, satker: Satker, year: int) -> SatkerLke:
    """Read the satker's answers, hasil and links, and project its score."""
    return load_many(session, [satker], year)[0]


def load_many(session: Session, satkers: Sequence[Satker], year: int) -> list[SatkerLke]:
    """``load_satker`` for many satkers with a handful of queries in all."""
    ids = [s.id for s in satkers]
    assessments = {
        a.satker_id: a
        for a in session.scalars(
            select(LkeAssessment).where(
                LkeAssessment.year == year, LkeAssessment.satker_id.in_(ids)
            )
        )
    }
    latest = latest_version(session)
    by_assessment = {a.id: a.satker_id for a in assessments.values()}
    answers: dict[int, dict[str, Answer]] = {i: {} for i in ids}
    evidence: dict[int, dict[str, tuple[int, ...]]] = {i: {} for i in ids}
    hasil: dict[int, dict[str, HasilValue]] = {i: {} for i in ids}
    if by_assessment:
        # Plain rows, not ORM objects: a national ranking reads some 60,000 answers.
        for assessment_id, question, choice, inputs, evidence_ids in session.execute(
            select(
                LkeAnswer.assessment_id, LkeAnswer.question, LkeAnswer.choice,
                LkeAnswer.inputs, LkeAnswer.evidence_ids,
            ).where(LkeAnswer.assessment_id.in_(list(by_assessment)))
        ):  # fmt: skip
            satker_id = by_assessment[assessment_id]
            answers[satker_id][question] = Answer(choice, json.loads(inputs) if inputs else None)
            if evidence_ids:
                evidence[satker_id][question] = tuple(int(i) for i in evidence_ids.split())
        for assessment_id, code, number, choice in session.execute(
            select(LkeHasil.assessment_id, LkeHasil.code, LkeHasil.number, LkeHasil.choice).where(
                LkeHasil.assessment_id.in_(list(by_assessment))
            )
        ):
            value = number if number is not None else choice
            if value is not None:
                hasil[by_assessment[assessment_id]][code] = value
    links = _links(session, ids, year)
    result = []
    for satker in satkers:
        assessment = assessments.get(satker.id)
        version = assessment.version if assessment else latest
        ws = worksheet_of(version)
        result.append(
            SatkerLke(
                satker_id=satker.id,
                satker_code=satker.code,
                satker_name=satker.name,
                year=year,
                version_id=version.id,
                worksheet=ws,
                answers=answers[satker.id],
                evidence=evidence[satker.id],
                hasil=hasil[satker.id],
                links=links.get(satker.id, {}),
                projection=scoring.project(ws, answers[satker.id], hasil[satker.id]),
            )
        )
    return result


def _links(
    session: Session, satker_ids: Sequence[int], year: int
) -> dict[int, dict[str, tuple[LinkedItem, ...]]]:
    """Per satker: question → linked items of the year with that satker's status of each."""
    links = session.execute(
        select(LkeLink.question, RencanaAksi.id, RencanaAksi.code, RencanaAksi.activity)
        .join(RencanaAksi, RencanaAksi.id == LkeLink.item_id)
        .where(RencanaAksi.year == year)
        .order_by(LkeLink.question, RencanaAksi.code)
    ).all()
    if not links:
        return {}
    item_ids = sorted({item_id for _, item_id, _, _ in links})
    # One grouped count of each target's bukti by review status (no query per item).
    review = BuktiDukung.review_status
    counts = (
        select(
            BuktiDukung.target_id,
            func.sum(case((review == ReviewStatus.MENUNGGU.value, 1), else_=0)).label("waiting"),
            func.sum(case((review == ReviewStatus.DITERIMA.value, 1), else_=0)).label("accepted"),
        )
        .group_by(BuktiDukung.target_id)
        .subquery()
    )
    targets: dict[tuple[int, int], tuple[str, int, ItemState]] = {
        (satker_id, item_id): (
            status,
            target_id,
            item_state(status, waiting=int(waiting), accepted=int(accepted)),
        )
        for satker_id, item_id, status, target_id, waiting, accepted in session.execute(
            select(
                Target.satker_id,
                Target.item_id,
                Target.status,
                Target.id,
                func.coalesce(counts.c.waiting, 0),
                func.coalesce(counts.c.accepted, 0),
            )
            .outerjoin(counts, counts.c.target_id == Target.id)
            .where(Target.item_id.in_(item_ids), Target.satker_id.in_(list(satker_ids)))
        )
    }
    result: dict[int, dict[str, tuple[LinkedItem, ...]]] = {}
    for satker_id in satker_ids:
        per_question: dict[str, list[LinkedItem]] = {}
        for question, item_id, code, activity in links:
            status, target_id, state = targets.get((satker_id, item_id), (None, None, None))
            per_question.setdefault(question, []).append(
                LinkedItem(code, activity, status, target_id, state)
            )
        result[satker_id] = {q: tuple(items) for q, items in per_question.items()}
    return result


def item_proposals(session: Session, satker: Satker, year: int, item_code: str) -> list[Proposal]:
    """The proposals of the Ya/Tidak questions this item serves (none when no worksheet is
    loaded): asked after an item is reported selesai or its bukti dukung accepted."""
    if session.scalar(select(LkeVersion.id).limit(1)) is None:
        return []
    wanted = item_code.strip().upper()
    state = load_satker(session, satker, year)
    return [p for p in state.proposals if wanted in (i.upper() for i in p.items)]


def confirm_proposal(
    session: Session,
    *,
    satker: Satker,
    year: int,
    question: str,
    now: datetime,
    actor: str,
    actor_id: int | None = None,
) -> AnswerResult:
    """The agen confirms a proposed answer: it is recorded like any other answer."""
    state = load_satker(session, satker, year)
    q = _question(state.worksheet, question)
    proposal = next((p for p in state.proposals if p.question == q.code), None)
    if proposal is None:
        raise ZibotError(texts.LKE_NO_PROPOSAL.format(code=q.code))
    return record_answer(
        session, satker=satker, year=year, question=q.code, choice=proposal.choice,
        now=now, actor=actor, actor_id=actor_id,
    )  # fmt: skip


@dataclass(frozen=True)
class RankedSatker:
    """One line of the province ranking."""

    code: str
    name: str
    total: float
    missed: Mapping[str, int]
    unanswered: int


def ranking(session: Session, year: int) -> list[RankedSatker]:
    """Every provincial and kab/kota satker by projected total, best first."""
    satkers = session.scalars(
        select(Satker).where(Satker.level != "pusat").order_by(Satker.code)
    ).all()
    lines = []
    for state in load_many(session, satkers, year):
        p = state.projection
        lines.append(
            RankedSatker(
                state.satker_code, state.satker_name, p.total,
                {lv.code: lv.missed for lv in p.levels}, p.unanswered,
            )
        )  # fmt: skip
    lines.sort(key=lambda line: (-line.total, line.code))
    return lines


def evidence_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Bukti dukung file names by id."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(BuktiDukung.id, BuktiDukung.original_name).where(BuktiDukung.id.in_(wanted))
    )
    return {i: name for i, name in rows}


def item_evidence(session: Session, target_ids: Iterable[int]) -> dict[int, list[str]]:
    """Bukti dukung file names per target."""
    wanted = list(target_ids)
    result: dict[int, list[str]] = {}
    if not wanted:
        return result
    rows = session.execute(
        select(BuktiDukung.target_id, BuktiDukung.original_name)
        .where(BuktiDukung.target_id.in_(wanted))
        .order_by(BuktiDukung.id)
    )
    for target_id, name in rows:
        result.setdefault(target_id, []).append(name)
    return result
