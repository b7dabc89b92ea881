"""Notices: what the core tells a chat, as plain data; each channel decides how to say it.

A use case builds a notice (a digest, a kendala post, an answer, an instruksi ...) and puts it
in the outbox; the outbox stores its kind and parameters as JSON (``dump``), and the channel's
presenter renders it when it is sent (``load``). A notice carries no markup and no channel
payloads: the buttons under it are ``Action`` values (kind + reference), which each channel
encodes its own way (``payload`` gives the callback data that Telegram and WhatsApp buttons
carry).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, TypeVar

from services import actions

# --- actions -------------------------------------------------------------------------------

ITEM_DONE = "item_done"  # ref: item code
SNOOZE = "snooze"  # ref: target id
ANSWER_TICKET = "answer_ticket"  # ref: ticket id
CLOSE_TICKET = "close_ticket"  # ref: ticket id
READ_INSTRUKSI = "read_instruksi"  # ref: instruksi id
REVIEW_FILE = "review_file"  # ref: bukti id
REVIEW_ACCEPT = "review_accept"  # ref: bukti id
REVIEW_REJECT = "review_reject"  # ref: bukti id
_REVIEW_STEPS = {REVIEW_FILE: "file", REVIEW_ACCEPT: "ok", REVIEW_REJECT: "no"}


@dataclass(frozen=True)
class Action:
    """Something the reader can do from a notice: its kind, what it applies to (``ref``) and
    the name a button shows for it (``subject``, e.g. the item code)."""

    kind: str
    ref: str
    subject: str = ""


def payload(action: Action) -> str:
    """The callback data of ``action``'s button (``services.actions`` grammar)."""
    if action.kind == ITEM_DONE:
        return actions.reminder_done(action.ref)
    if action.kind == SNOOZE:
        return actions.reminder_snooze(int(action.ref))
    if action.kind == ANSWER_TICKET:
        return actions.kendala_answer(int(action.ref))
    if action.kind == CLOSE_TICKET:
        return actions.kendala_close(int(action.ref))
    if action.kind == READ_INSTRUKSI:
        return actions.instruksi_read(int(action.ref))
    if action.kind in _REVIEW_STEPS:
        return actions.review(_REVIEW_STEPS[action.kind], int(action.ref))
    raise ValueError(f"unknown action kind {action.kind!r}")


# --- notices -------------------------------------------------------------------------------

_KINDS: dict[str, type[Notice]] = {}
N = TypeVar("N", bound="Notice")


class Notice:
    """Base of every notice kind: ``kind`` names it in the outbox."""

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            if cls.kind in _KINDS:
                raise TypeError(f"notice kind {cls.kind!r} defined twice")
            _KINDS[cls.kind] = cls

    @property
    def actions(self) -> tuple[tuple[Action, ...], ...]:
        """Rows of actions offered under the notice."""
        return ()

    def params(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_params(cls: type[N], params: dict[str, Any]) -> N:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in params.items() if k in names})


def dump(notice: Notice) -> str:
    """The notice as stored in the outbox: ``{"kind": ..., "params": {...}}``."""
    return json.dumps({"kind": notice.kind, "params": notice.params()}, ensure_ascii=False)


def load(stored: str) -> Notice:
    """The notice behind a stored payload; ``ValueError`` for an unknown kind."""
    data = json.loads(stored)
    cls = _KINDS.get(data.get("kind", ""))
    if cls is None:
        raise ValueError(f"unknown notice kind {data.get('kind')!r}")
    return cls.from_params(data.get("params", {}))


def kinds() -> dict[str, type[Notice]]:
    """Every notice kind, by name."""
    return dict(_KINDS)


# --- reminders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestItem:
    code: str
    activity: str
    tenggat: str  # ISO date
    late_days: int  # 0 unless overdue


@dataclass(frozen=True)
class DigestSection:
    """Items under one heading: their real distance to the tenggat (``Tenggat besok`` ...)."""

    label: str
    items: tuple[DigestItem, ...]


@dataclass(frozen=True)
class DigestButton:
    """The two actions offered for one item: mark it done, remind again tomorrow."""

    code: str
    target_id: int


@dataclass(frozen=True)
class Digest(Notice):
    """A satker's reminders of the day for one chat, most urgent sections first."""

    kind: ClassVar[str] = "digest"
    satker: str
    day: str  # ISO date
    sections: tuple[DigestSection, ...]
    buttons: tuple[DigestButton, ...] = ()

    @property
    def actions(self) -> tuple[tuple[Action, ...], ...]:
        return tuple(
            (
                Action(ITEM_DONE, b.code, b.code),
                Action(SNOOZE, str(b.target_id), b.code),
            )
            for b in self.buttons
        )

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Digest:
        return cls(
            satker=params["satker"],
            day=params["day"],
            sections=tuple(
                DigestSection(s["label"], tuple(DigestItem(**i) for i in s["items"]))
                for s in params["sections"]
            ),
            buttons=tuple(DigestButton(**b) for b in params.get("buttons", ())),
        )


@dataclass(frozen=True)
class RankLine:
    name: str
    percent: float
    overdue: int
    verified: float | None = None  # verified completion (None: a recap stored before reviews)


@dataclass(frozen=True)
class WeeklyRecap(Notice):
    """The weekly ranking of the satkers, for province groups."""

    kind: ClassVar[str] = "weekly"
    year: int
    day: str  # ISO date
    ranking: tuple[RankLine, ...]

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> WeeklyRecap:
        return cls(
            year=params["year"],
            day=params["day"],
            ranking=tuple(RankLine(**line) for line in params["ranking"]),
        )


# --- kendala -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KendalaPost(Notice):
    """A ticket, for the province group, with "Tanggapi" and "Selesai"."""

    kind: ClassVar[str] = "kendala_post"
    ticket_id: int
    number: str
    satker: str
    reporter: str
    item: str
    category: str
    when: str  # the local time it was reported, as readers expect it
    description: str
    reopened: bool = False

    @property
    def actions(self) -> tuple[tuple[Action, ...], ...]:
        ref = str(self.ticket_id)
        return ((Action(ANSWER_TICKET, ref), Action(CLOSE_TICKET, ref)),)


@dataclass(frozen=True)
class KendalaAttachment(Notice):
    """The photo or file of a ticket, after its post."""

    kind: ClassVar[str] = "kendala_attachment"
    number: str


@dataclass(frozen=True)
class KendalaAnswer(Notice):
    """The province's answer, for the reporter and the satker's group."""

    kind: ClassVar[str] = "kendala_answer"
    number: str
    description: str  # an excerpt of the ticket
    answer: str
    admin: str


@dataclass(frozen=True)
class KendalaClosed(Notice):
    """The ticket was closed; the reporter may reopen it within ``days`` days."""

    kind: ClassVar[str] = "kendala_closed"
    number: str
    days: int


@dataclass(frozen=True)
class KendalaEscalation(Notice):
    """A ticket unanswered for ``days`` working days, for the escalation chat."""

    kind: ClassVar[str] = "kendala_escalation"
    number: str
    satker: str
    days: int
    description: str  # an excerpt


@dataclass(frozen=True)
class KendalaOverdue(Notice):
    """The same, as a reminder in the province group, with "Tanggapi"."""

    kind: ClassVar[str] = "kendala_overdue"
    ticket_id: int
    number: str
    satker: str
    days: int

    @property
    def actions(self) -> tuple[tuple[Action, ...], ...]:
        return ((Action(ANSWER_TICKET, str(self.ticket_id)),),)


# --- instruksi -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InstruksiNotice(Notice):
    """An instruction from the province, with "Sudah dibaca"."""

    kind: ClassVar[str] = "instruksi"
    instruksi_id: int
    number: str
    text: str
    admin: str

    @property
    def actions(self) -> tuple[tuple[Action, ...], ...]:
        return ((Action(READ_INSTRUKSI, str(self.instruksi_id)),),)


@dataclass(frozen=True)
class InstruksiAttachment(Notice):
    kind: ClassVar[str] = "instruksi_attachment"
    number: str


@dataclass(frozen=True)
class InstruksiReminder(Notice):
    """A pimpinan has not confirmed an instruction after a working day."""

    kind: ClassVar[str] = "instruksi_reminder"
    instruksi_id: int
    number: str
    text: str  # an excerpt

    @property
    def actions(self) -> tuple[tuple[Action, ...], ...]:
        return ((Action(READ_INSTRUKSI, str(self.instruksi_id)),),)


# --- groups --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupLost(Notice):
    """A satker's group lost the bot: the province is told how to bring it back."""

    kind: ClassVar[str] = "group_lost"
    title: str
    satker: str
    code: str


# --- evidence review -----------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceReviewed(Notice):
    """The province accepted or rejected a bukti dukung: for the uploader and the satker's
    groups, with the reason of a rejection."""

    kind: ClassVar[str] = "evidence_reviewed"
    satker: str
    item_code: str
    activity: str
    file_name: str
    accepted: bool
    reason: str
    reviewer: str
    verified: bool = False  # the item is terverifikasi now
    # LKE answers proposed now that the item is verified ("MP.P1.a → Ya, ..."), or ""
    lke_proposals: str = ""


@dataclass(frozen=True)
class ReviewRequest(Notice):
    """One bukti waiting for review, for a reviewer, with "Kirim file", "Terima", "Tolak"."""

    kind: ClassVar[str] = "review_request"
    bukti_id: int
    satker: str
    item_code: str
    activity: str
    expected: str
    file_name: str
    size_kb: int
    uploader: str
    when: str  # the local time it was sent, as readers expect it
    rejected_before: int = 0

    @property
    def actions(self) -> tuple[tuple[Action, ...], ...]:
        ref = str(self.bukti_id)
        return (
            (
                Action(REVIEW_FILE, ref),
                Action(REVIEW_ACCEPT, ref),
                Action(REVIEW_REJECT, ref),
            ),
        )


# --- WhatsApp (h-waout) --------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRejected(Notice):
    """Meta refused one of the approved WhatsApp templates: the province's admins are told."""

    kind: ClassVar[str] = "template_rejected"
    template: str
    error: str  # Meta's code and title, e.g. "132001 Template name does not exist ..."
