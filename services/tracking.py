"""Progress updates (/lapor): find a satker's target by item code and change its status."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Area, RencanaAksi, Target
from services import audit, bounds, events, texts
from services.errors import NotFound
from services.members import Member, SatkerRef
from services.status import ItemStatus

STATUSES = tuple(ItemStatus)
_STATUS_WORDS = {
    "belum": ItemStatus.BELUM,
    "proses": ItemStatus.PROSES,
    "diproses": ItemStatus.PROSES,
    "sedang": ItemStatus.PROSES,
    "selesai": ItemStatus.SELESAI,
    "sudah": ItemStatus.SELESAI,
    "done": ItemStatus.SELESAI,
}


class UnknownItem(NotFound):
    """An item code that is not in the plan; carries the closest valid codes."""

    def __init__(self, code: str, suggestions: list[str]) -> None:
        if suggestions:
            message = texts.ITEM_UNKNOWN_SUGGEST.format(
                code=code, suggestions=", ".join(suggestions)
            )
        else:
            message = texts.ITEM_UNKNOWN.format(code=code)
        super().__init__(message)
        self.code = code
        self.suggestions = suggestions


def parse_status(word: str) -> str | None:
    """``selesai``/``sudah`` → selesai, ``proses`` → proses, ``belum`` → belum; else None."""
    return _STATUS_WORDS.get(word.strip().lower())


def normalise_item_code(code: str) -> str:
    """How people type codes (``mp01``, ``MP-1``, `` mp 01``) → ``MP-01``."""
    from services.plan_parser import normalise_code

    try:
        return normalise_code(code) or code.strip().upper()
    except ValueError:
        return code.strip().upper()


@dataclass(frozen=True)
class ItemTarget:
    """A satker's target with its item, as a command needs it."""

    target_id: int
    item_code: str
    area_code: str
    activity: str
    tenggat_iso: str
    year: int
    status: str
    note: str | None


def find_target(session: Session, satker: SatkerRef, code: str, year: int) -> Target:
    """The satker's target for an item code, or ``UnknownItem`` with the closest codes."""
    wanted = normalise_item_code(code)
    rows = session.execute(
        select(Target, RencanaAksi.code)
        .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        .where(Target.satker_id == satker.id, RencanaAksi.year == year)
    ).all()
    for target, item_code in rows:
        if item_code == wanted:
            return target
    codes = sorted(item_code for _, item_code in rows)
    # Always offer the nearest codes, however far: a person who mistyped needs a next step.
    raise UnknownItem(code.strip(), difflib.get_close_matches(wanted, codes, n=3, cutoff=0.0))


def describe(target: Target) -> ItemTarget:
    """The plain view of a loaded target."""
    item = target.item
    return ItemTarget(
        target.id,
        item.code,
        item.area.code,
        item.activity,
        item.tenggat.isoformat(),
        item.year,
        target.status,
        target.note,
    )


def open_items(session: Session, satker: SatkerRef, year: int) -> list[ItemTarget]:
    """The satker's targets that are not selesai, by area and code (for the /lapor keyboard)."""
    targets = session.scalars(
        select(Target)
        .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        .join(Area, Area.id == RencanaAksi.area_id)
        .where(
            Target.satker_id == satker.id,
            RencanaAksi.year == year,
            Target.status != ItemStatus.SELESAI,
        )
        .order_by(Area.position, RencanaAksi.code)
    )
    return [describe(t) for t in targets]


@dataclass(frozen=True)
class StatusChange:
    """The outcome of /lapor."""

    item: ItemTarget
    old_status: str
    new_status: str
    note: str | None


def set_status(
    session: Session,
    *,
    member: Member,
    target: Target,
    status: str,
    note: str | None,
    now: datetime,
    channel: str,
) -> StatusChange:
    """Change a target's status (and note), recording who and when in the audit log."""
    if note:
        bounds.check_text(note, texts.INPUT_WHAT_NOTE)  # stored as sent, or refused
    old = target.status
    target.status = status
    reopened = (
        (target.item_id,) if status != ItemStatus.SELESAI and old == ItemStatus.SELESAI else ()
    )
    if note:
        target.note = note
    target.updated_by_id = member.id
    target.updated_at = now
    audit.record(
        session,
        now=now,
        actor=f"{channel}:{member.id}",
        actor_id=member.id,
        action="lapor",
        entity="target",
        entity_id=target.id,
        item=target.item.code,
        satker=target.satker.code,
        old=old,
        new=status,
        note=note,
    )
    events.publish(session, events.ProgressChanged(reopened))
    session.flush()
    return StatusChange(describe(target), old, status, note)
