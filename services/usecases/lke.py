"""The LKE self-assessment walk (/lke [area]): one question at a time, answered with the
question's scale, with numbers for persen questions, criteria on request, skips, bukti dukung of
linked items, and confirmation of proposed answers. The walk's open step (which question, the
numbers typed so far, the prompt) lives in the database (conversation kind ``lke``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import LkeAnswer, Satker
from services import access, conversations, texts
from services.access import Caller
from services.errors import ZibotError
from services.lke import assessment as lke
from services.lke import walk
from services.lke.walk import AreaDone, Card, Menu
from services.lke.worksheet import PERSEN, Question
from services.members import SatkerRef
from services.usecases.base import UseCase

LKE_WALK = "lke"  # the conversation kind of a walk through the worksheet
LKE_TTL = timedelta(minutes=30)
CHOICE, NUMBER = "choice", "number"  # the walk's steps: a button, or a typed number


@dataclass(frozen=True)
class _Scope:
    satker: SatkerRef
    row: Satker
    year: int
    member_id: int
    actor: str


class Lke(UseCase):
    """The self-assessment on the LKE worksheet, for a satker's agen (or an admin)."""

    def lke_open(self, caller: Caller, argument: str = "") -> Menu | Card | AreaDone:
        """/lke: every area; /lke MP: the area's first unanswered question; /lke MP.P1.a."""
        with self._sessions.begin() as session:
            scope = self._scope(session, caller)
            state = lke.load_satker(session, scope.row, scope.year)
            wanted = argument.strip()
            if not wanted:
                return walk.menu(state, scope.satker)
            ws = state.worksheet
            question = ws.find_question(wanted)
            if question is None:
                areas = {a.code.upper(): a.code for a in ws.areas}
                area = areas.get(wanted.upper()) or walk.area_by_name(ws, wanted)
                if area is None:
                    names = ", ".join(f"{a.code} ({a.name})" for a in ws.areas)
                    raise ZibotError(texts.LKE_WALK_UNKNOWN.format(value=wanted, areas=names))
                question = walk.first_question(state, area)
            return self._show(session, caller, scope, question)

    def lke_answer(self, caller: Caller, question: str, choice: int) -> Card | AreaDone:
        """A scale button: the ``choice``-th label (1-based) of the question's scale."""
        with self._sessions.begin() as session:
            scope = self._scope(session, caller)
            q = self._question(session, scope, question)
            state = lke.load_satker(session, scope.row, scope.year)
            labels = list(state.worksheet.scales.get(q.scale, {})) if q.scale != PERSEN else []
            if not 1 <= choice <= len(labels):
                raise ZibotError(texts.BUTTON_INVALID)
            label = labels[choice - 1]
            self._record(session, scope, state, q, choice=label)
            return self._next(session, caller, scope, q, f"{q.code}: {label}")

    def lke_confirm(self, caller: Caller, question: str) -> Card | AreaDone:
        """The agen confirms a proposed answer (every linked item done)."""
        with self._sessions.begin() as session:
            scope = self._scope(session, caller)
            q = self._question(session, scope, question)
            result = lke.confirm_proposal(
                session, satker=scope.row, year=scope.year, question=q.code, now=self.now(),
                actor=scope.actor, actor_id=scope.member_id,
            )  # fmt: skip
            return self._next(session, caller, scope, q, f"{q.code}: {result.choice}")

    def lke_skip(self, caller: Caller, question: str) -> Card | AreaDone:
        """ "Lewati": the next question of the area; nothing is recorded."""
        with self._sessions.begin() as session:
            scope = self._scope(session, caller)
            return self._next(session, caller, scope, self._question(session, scope, question))

    def lke_criteria(self, caller: Caller, question: str) -> tuple[str, str]:
        """ "Kriteria": the question's code and its criteria text."""
        with self._sessions() as session:
            scope = self._scope(session, caller)
            q = self._question(session, scope, question)
            return q.code, q.criteria.strip() or texts.LKE_WALK_NO_CRITERIA

    def lke_evidence(self, caller: Caller, question: str, bukti_id: int) -> Card:
        """A bukti dukung button: the answer points to that file, or no longer does."""
        with self._sessions.begin() as session:
            scope = self._scope(session, caller)
            q = self._question(session, scope, question)
            state = lke.load_satker(session, scope.row, scope.year)
            assessment = lke.find_assessment(session, scope.row.id, scope.year)
            row = None
            if assessment is not None:
                row = session.scalar(
                    select(LkeAnswer).where(
                        LkeAnswer.assessment_id == assessment.id, LkeAnswer.question == q.code
                    )
                )
            if row is None:
                raise ZibotError(texts.LKE_WALK_ANSWER_FIRST.format(code=q.code))
            if bukti_id not in {i for i, _, _ in walk.linked_files(session, state, q.code)}:
                raise ZibotError(texts.LKE_EVIDENCE_UNKNOWN.format(ids=bukti_id))
            ids = [int(i) for i in row.evidence_ids.split()]
            ids = [i for i in ids if i != bukti_id] if bukti_id in ids else [*ids, bukti_id]
            row.evidence_ids = " ".join(map(str, ids))
            session.flush()
            return self._card(session, scope, q)

    def lke_prompt_sent(self, caller: Caller, prompt_id: str) -> None:
        """The number prompt went out as message ``prompt_id`` (a group's reply must quote it)."""
        with self._sessions.begin() as session:
            conversations.advance(
                session, channel=caller.channel, chat_id=caller.chat_id, user_id=caller.user_id,
                step=NUMBER, data={"prompt": prompt_id}, now=self.now(), ttl=LKE_TTL,
            )  # fmt: skip

    def lke_number(
        self, caller: Caller, text: str, prompt_id: str | None = None
    ) -> Card | AreaDone | None:
        """A typed number for the persen input the walk asks for; None when no number is
        asked here (or, with ``prompt_id``, that message is not the open prompt)."""
        with self._sessions.begin() as session:
            step = self._step(session, caller)
            if step is None or step.step != NUMBER:
                return None
            if prompt_id is not None and step.data.get("prompt") != prompt_id:
                return None
            scope = self._scope(session, caller)
            q = self._question(session, scope, str(step.data["question"]))
            given: dict[str, float] = dict(step.data.get("given") or {})
            wanted = next(i for i in q.inputs if i.code not in given)
            given[wanted.code] = _number(text, q.code, wanted.code, wanted.text)
            if any(i.code not in given for i in q.inputs):
                conversations.advance(
                    session, channel=caller.channel, chat_id=caller.chat_id,
                    user_id=caller.user_id, step=NUMBER, data={"given": given},
                    now=self.now(), ttl=LKE_TTL,
                )  # fmt: skip
                return self._card(session, scope, q, given=given)
            state = lke.load_satker(session, scope.row, scope.year)
            self._record(session, scope, state, q, inputs=given)
            shown = ", ".join(f"{k}={v:g}" for k, v in given.items())
            return self._next(session, caller, scope, q, f"{q.code}: {shown}")

    def lke_stop(self, caller: Caller) -> bool:
        """/batal or "Selesai": the caller's walk in this chat is closed."""
        with self._sessions.begin() as session:
            step = conversations.finish(
                session, channel=caller.channel, chat_id=caller.chat_id,
                user_id=caller.user_id, kind=LKE_WALK,
            )  # fmt: skip
            return step is not None

    # --- helpers ---------------------------------------------------------------------------

    def _scope(self, session: Session, caller: Caller) -> _Scope:
        member, satker = access.write_scope(session, caller)
        row = session.get(Satker, satker.id)
        assert row is not None
        lke.latest_version(session)  # "load the worksheet first" before anything else
        year = lke.lke_year(session, self.today())
        return _Scope(satker, row, year, member.id, caller.user_name or member.name)

    def _step(self, session: Session, caller: Caller) -> conversations.Step | None:
        return conversations.get(
            session, channel=caller.channel, chat_id=caller.chat_id, user_id=caller.user_id,
            now=self.now(), kind=LKE_WALK,
        )  # fmt: skip

    def _question(self, session: Session, scope: _Scope, code: str) -> Question:
        ws = lke.load_satker(session, scope.row, scope.year).worksheet
        question = ws.find_question(code)
        if question is None:
            raise ZibotError(texts.LKE_QUESTION_UNKNOWN.format(code=code, label=ws.label))
        return question

    def _record(self, session: Session, scope: _Scope, state: lke.SatkerLke, q: Question,
                **answer: Any) -> None:  # fmt: skip
        lke.record_answer(
            session, satker=scope.row, year=scope.year, question=q.code, now=self.now(),
            actor=scope.actor, actor_id=scope.member_id,
            evidence_ids=state.evidence.get(q.code, ()), **answer,
        )  # fmt: skip

    def _card(
        self, session: Session, scope: _Scope, q: Question, *, saved: str | None = None,
        given: dict[str, float] | None = None,
    ) -> Card:  # fmt: skip
        state = lke.load_satker(session, scope.row, scope.year)
        files = walk.linked_files(session, state, q.code)
        return walk.card(state, scope.satker, q, files, saved=saved, given=given)

    def _show(
        self, session: Session, caller: Caller, scope: _Scope, q: Question,
        saved: str | None = None,
    ) -> Card:  # fmt: skip
        """The card of ``q``; the walk's step now waits for it (a number for persen)."""
        conversations.start(
            session, channel=caller.channel, chat_id=caller.chat_id, user_id=caller.user_id,
            kind=LKE_WALK, step=NUMBER if q.scale == PERSEN else CHOICE,
            data={"question": q.code, "given": {}}, now=self.now(), ttl=LKE_TTL,
        )  # fmt: skip
        return self._card(session, scope, q, saved=saved)

    def _next(
        self, session: Session, caller: Caller, scope: _Scope, q: Question,
        saved: str | None = None,
    ) -> Card | AreaDone:  # fmt: skip
        state = lke.load_satker(session, scope.row, scope.year)
        following = walk.next_question(state.worksheet, q.code)
        if following is not None:
            return self._show(session, caller, scope, following, saved)
        conversations.finish(
            session, channel=caller.channel, chat_id=caller.chat_id, user_id=caller.user_id,
            kind=LKE_WALK,
        )  # fmt: skip
        p = state.projection
        return AreaDone(scope.satker, scope.year, walk.count(state, q.area), p.answered,
                        len(p.scores), saved)  # fmt: skip


def _number(text: str, question: str, code: str, what: str) -> float:
    """A count typed for a persen input: a finite number, not negative."""
    try:
        value = lke.parse_number(text)
    except ZibotError:
        raise ZibotError(
            texts.LKE_WALK_NUMBER_BAD.format(value=text.strip(), input=code, what=what)
        ) from None
    if value < 0:
        raise ZibotError(texts.LKE_WALK_NUMBER_NEGATIVE.format(input=code, what=what))
    return value
