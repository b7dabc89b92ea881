"""Amati, Tiru, Modifikasi: accepted evidence that satkers chose to share, and who leads each
area in verified items (so a lagging satker knows whom to ask).

The rules, in one place: an example is a bukti dukung the province **accepted**, of a satker
whose admin turned sharing on (``satker.share_evidence``, off by default), and never the
asker's own satker.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import Area, BuktiDukung, RencanaAksi, Satker, Target
from services.progress import verified_condition
from services.status import ReviewStatus
from services.tracking import UnknownItem, normalise_item_code


@dataclass(frozen=True)
class ExampleFile:
    """One accepted file another satker shares."""

    evidence_id: int
    name: str
    size: int
    reviewed_at: datetime | None


@dataclass(frozen=True)
class SatkerExample:
    """How one satker evidenced the item: its files, its progress note."""

    satker_code: str
    satker_name: str
    note: str
    files: tuple[ExampleFile, ...]


@dataclass(frozen=True)
class AreaLeaders:
    """The satker(s) with the most verified items in one area (ties share the mark)."""

    area_code: str
    area_name: str
    verified: int
    satkers: tuple[tuple[str, str], ...]  # (code, name)


def find_item(session: Session, code: str, year: int) -> RencanaAksi:
    """The plan item of ``year`` with that code, or ``UnknownItem`` with the closest codes."""
    wanted = normalise_item_code(code)
    items = list(session.scalars(select(RencanaAksi).where(RencanaAksi.year == year)))
    for item in items:
        if item.code == wanted:
            return item
    codes = sorted(i.code for i in items)
    raise UnknownItem(code.strip(), difflib.get_close_matches(wanted, codes, n=3, cutoff=0.0))


def examples(
    session: Session, item: RencanaAksi, *, exclude_satker_id: int | None
) -> tuple[list[SatkerExample], int]:
    """The shared, accepted evidence of ``item`` by satker (code order), and how many other
    satkers have accepted evidence for it but do not share."""
    query = (
        select(BuktiDukung, Target, Satker)
        .join(Target, Target.id == BuktiDukung.target_id)
        .join(Satker, Satker.id == Target.satker_id)
        .where(
            Target.item_id == item.id,
            BuktiDukung.review_status == ReviewStatus.DITERIMA.value,
        )
        .order_by(Satker.code, BuktiDukung.created_at, BuktiDukung.id)
    )
    if exclude_satker_id is not None:
        query = query.where(Satker.id != exclude_satker_id)
    rows = session.execute(query).all()
    shown: dict[int, tuple[Satker, Target, list[ExampleFile]]] = {}
    hidden: set[int] = set()
    for record, target, satker in rows:
        if not satker.share_evidence:
            hidden.add(satker.id)
            continue
        entry = shown.setdefault(satker.id, (satker, target, []))
        entry[2].append(
            ExampleFile(record.id, record.original_name, record.size, record.reviewed_at)
        )
    found = [
        SatkerExample(satker.code, satker.name, target.note or "", tuple(files))
        for satker, target, files in shown.values()
    ]
    return found, len(hidden)


def shared_file(session: Session, evidence_id: int) -> BuktiDukung | None:
    """A bukti dukung that may be sent as an example right now (accepted, its satker
    shares), or None."""
    row = session.execute(
        select(BuktiDukung, Satker)
        .join(Target, Target.id == BuktiDukung.target_id)
        .join(Satker, Satker.id == Target.satker_id)
        .where(BuktiDukung.id == evidence_id)
    ).first()
    if row is None:
        return None
    record, satker = row
    if record.review_status != ReviewStatus.DITERIMA.value or not satker.share_evidence:
        return None
    return record


def area_leaders(session: Session, year: int) -> list[AreaLeaders]:
    """Per area (in the areas' order), the satker(s) with the most verified items of
    ``year``; areas where nobody has a verified item are left out."""
    rows = session.execute(
        select(
            RencanaAksi.area_id,
            Target.satker_id,
            func.sum(case((verified_condition(), 1), else_=0)),
        )
        .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        .where(RencanaAksi.year == year)
        .group_by(RencanaAksi.area_id, Target.satker_id)
    ).all()
    best: dict[int, tuple[int, list[int]]] = {}
    for area_id, satker_id, verified in rows:
        count = int(verified or 0)
        if count == 0:
            continue
        top, ids = best.get(area_id, (0, []))
        if count > top:
            best[area_id] = (count, [satker_id])
        elif count == top:
            ids.append(satker_id)
    if not best:
        return []
    satkers = {
        s.id: s
        for s in session.scalars(
            select(Satker).where(Satker.id.in_({i for _, ids in best.values() for i in ids}))
        )
    }
    leaders = []
    for area in session.scalars(select(Area).order_by(Area.position)):
        if area.id not in best:
            continue
        count, ids = best[area.id]
        named = sorted((satkers[i].code, satkers[i].name) for i in ids)
        leaders.append(AreaLeaders(area.code, area.name, count, tuple(named)))
    return leaders
