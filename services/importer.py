"""Import the action plan: parse a spreadsheet, then update items and targets in one go."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models import Area, BuktiDukung, LkeLink, RencanaAksi, Satker, Target
from services import audit, events, texts
from services.catalog import iter_area_pairs
from services.errors import RowProblem, SpreadsheetRejected, ZibotError
from services.plan_parser import (
    APPLIES_KABKOTA,
    APPLIES_LIST,
    APPLIES_PROVINCE,
    ParsedItem,
    ParsedPlan,
    PlanFileError,
    parse_plan,
)
from services.status import ItemStatus


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    year: int
    items_added: int
    items_updated: int
    items_unchanged: int
    targets_added: int
    targets_removed: int
    dry_run: bool
    lke_links: int = 0  # item–question links added from a "Kode LKE" column

    @property
    def items(self) -> int:
        """Number of items in the file."""
        return self.items_added + self.items_updated + self.items_unchanged


def applicable_satkers(item: ParsedItem | RencanaAksi, satkers: Iterable[Satker]) -> list[int]:
    """Ids of the satkers an item applies to."""
    if item.applies_to == APPLIES_PROVINCE:
        return [s.id for s in satkers if s.level == "provinsi"]
    if item.applies_to == APPLIES_KABKOTA:
        return [s.id for s in satkers if s.level == "kabkota"]
    if item.applies_to == APPLIES_LIST:
        codes = _codes(item)
        return [s.id for s in satkers if s.code in codes]
    return [s.id for s in satkers]


def read_plan(
    session: Session, path: Path, *, year: int | None, columns: Mapping[str, str] | None = None
) -> ParsedPlan:
    """Parse a plan file against the areas in the database (nothing is written)."""
    areas = list(session.scalars(select(Area)))
    if not areas:
        raise ZibotError(texts.DB_NOT_INITIALISED)
    try:
        return parse_plan(path, year=year, areas=iter_area_pairs(areas), columns=columns)
    except PlanFileError as exc:
        raise ZibotError(str(exc)) from exc


def import_plan(
    session: Session,
    path: Path,
    *,
    year: int | None,
    now: datetime,
    actor: str,
    dry_run: bool = False,
    columns: Mapping[str, str] | None = None,
    plan: ParsedPlan | None = None,
) -> ImportReport:
    """Import or re-import a plan; any bad row rejects the whole file and nothing is written.

    Items are matched by (code, year) and updated in place; a target that a person has touched
    (status, note or evidence) is never removed, even if its item no longer applies.
    ``columns`` overrides guessed columns (``--column``); ``plan`` is a plan already read.
    """
    areas = list(session.scalars(select(Area)))
    if plan is None:
        plan = read_plan(session, path, year=year, columns=columns)
    satkers = list(session.scalars(select(Satker)))
    known_codes = {s.code for s in satkers}
    problems = [
        RowProblem(
            e.row,
            e.column,
            texts.IMPORT_PROBLEM_SHEET.format(sheet=e.sheet, reason=e.reason)
            if e.sheet
            else e.reason,
        )
        for e in plan.errors
    ]
    for parsed in plan.items:
        unknown = [c for c in parsed.applies_codes if c not in known_codes]
        if unknown:
            reason = texts.IMPORT_SATKER_UNKNOWN.format(codes=", ".join(unknown))
            problems.append(RowProblem(parsed.row, "berlaku untuk", reason))
    questions, lke_problems = _lke_questions(session, plan)
    problems += lke_problems
    if problems:
        problems.sort(key=lambda p: p.row)
        raise SpreadsheetRejected(texts.SPREADSHEET_REJECTED.format(count=len(problems)), problems)

    area_ids = {a.code: a.id for a in areas}
    existing = {
        i.code: i for i in session.scalars(select(RencanaAksi).where(RencanaAksi.year == plan.year))
    }
    added = updated = unchanged = 0
    stored: list[tuple[RencanaAksi, ParsedItem]] = []
    for parsed in plan.items:
        values = {
            "area_id": area_ids[parsed.area_code],
            "activity": parsed.activity,
            "bukti_dukung": parsed.bukti_dukung,
            "tenggat": parsed.tenggat,
            "applies_to": parsed.applies_to,
            "applies_codes": " ".join(parsed.applies_codes),
            "pic": parsed.pic,
            "group_name": parsed.group,
        }
        row = existing.get(parsed.code)
        if row is None:
            row = RencanaAksi(code=parsed.code, year=plan.year, **values)
            session.add(row)
            added += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            updated += 1
        else:
            unchanged += 1
        stored.append((row, parsed))
    session.flush()

    targets_added, targets_removed = _sync_targets(session, stored, satkers)
    lke_links = _link_questions(session, stored, questions, now=now, actor=actor)
    # New targets, or a new tenggat: progress figures are stale and the stages planned anew.
    events.publish(session, events.PlanChanged(tuple(item.id for item, _ in stored)))
    report = ImportReport(
        plan.year, added, updated, unchanged, targets_added, targets_removed, dry_run, lke_links
    )
    if not dry_run:
        audit.record(
            session,
            now=now,
            actor=actor,
            action="import",
            entity="rencana_aksi",
            file=path.name,
            year=plan.year,
            added=added,
            updated=updated,
            targets_added=targets_added,
            targets_removed=targets_removed,
        )
    return report


def _sync_targets(
    session: Session, stored: list[tuple[RencanaAksi, ParsedItem]], satkers: list[Satker]
) -> tuple[int, int]:
    item_ids = [item.id for item, _ in stored]
    current: dict[int, dict[int, Target]] = {}
    for target in session.scalars(select(Target).where(Target.item_id.in_(item_ids))):
        current.setdefault(target.item_id, {})[target.satker_id] = target
    with_evidence = set(
        session.scalars(
            select(BuktiDukung.target_id)
            .join(Target, Target.id == BuktiDukung.target_id)
            .where(Target.item_id.in_(item_ids))
        )
    )
    new_rows: list[dict[str, object]] = []
    removable: list[int] = []
    for item, parsed in stored:
        wanted = set(applicable_satkers(parsed, satkers))
        have = current.get(item.id, {})
        new_rows.extend(
            {"item_id": item.id, "satker_id": sid, "status": ItemStatus.BELUM.value}
            for sid in sorted(wanted - have.keys())
        )
        for satker_id, target in have.items():
            untouched = (
                target.status == ItemStatus.BELUM and not target.note and target.updated_at is None
            )
            if satker_id not in wanted and untouched and target.id not in with_evidence:
                removable.append(target.id)
    if new_rows:
        session.execute(insert(Target), new_rows)
    if removable:
        session.execute(delete(Target).where(Target.id.in_(removable)))
    return len(new_rows), len(removable)


def _lke_questions(session: Session, plan: ParsedPlan) -> tuple[dict[str, str], list[RowProblem]]:
    """The worksheet question of every "Kode LKE" code in the plan (as typed → its code), and
    a problem naming the row of each code the newest loaded worksheet does not have."""
    typed = {code for parsed in plan.items for code in parsed.lke_codes}
    if not typed:
        return {}, []
    from services.lke.assessment import latest_version, worksheet_of

    try:
        ws = worksheet_of(latest_version(session))
    except ZibotError as exc:
        return {}, [RowProblem(0, texts.IMPORT_LKE_COLUMN, str(exc))]
    found = {code: q.code for code in typed if (q := ws.find_question(code)) is not None}
    problems = [
        RowProblem(
            parsed.row,
            texts.IMPORT_LKE_COLUMN,
            texts.IMPORT_LKE_UNKNOWN.format(code=code, label=ws.label),
        )
        for parsed in plan.items
        for code in parsed.lke_codes
        if code not in found
    ]
    return found, problems


def _link_questions(
    session: Session,
    stored: list[tuple[RencanaAksi, ParsedItem]],
    questions: Mapping[str, str],
    *,
    now: datetime,
    actor: str,
) -> int:
    """Link items to the questions their "Kode LKE" cells name; links are only ever added
    (``zibot lke link`` makes them too). How many were new."""
    wanted = {(item.id, questions[c]) for item, parsed in stored for c in parsed.lke_codes}
    if not wanted:
        return 0
    item_ids = sorted({item_id for item_id, _ in wanted})
    have = {
        (item_id, question)
        for item_id, question in session.execute(
            select(LkeLink.item_id, LkeLink.question).where(LkeLink.item_id.in_(item_ids))
        )
    }
    new = sorted(wanted - have)
    for item_id, question in new:
        session.add(LkeLink(item_id=item_id, question=question, created_by=actor[:100],
                            created_at=now))  # fmt: skip
    session.flush()
    return len(new)


def _codes(item: ParsedItem | RencanaAksi) -> set[str]:
    codes = item.applies_codes
    return set(codes.split() if isinstance(codes, str) else codes)
