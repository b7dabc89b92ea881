"""Reminder planning: what is due when, for whom, derived from the rows and the clock.

The policy (``stage_on``) is a pure function of a tenggat, a calendar and a day. ``plan`` turns
the open targets of the day into one digest per chat and records them in the outbox, with one
``Reminder`` row per (target, stage, chat) under a unique key, so that the same reminder can
never be recorded twice, whatever the number of sweeps or processes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, delete, exists, insert, select, text, update
from sqlalchemy.orm import Session

from models import (
    Area,
    Base,
    ChatLink,
    Outbox,
    Reminder,
    RencanaAksi,
    Satker,
    Snooze,
    StageDone,
    Target,
    Unreachable,
    User,
    UserIdentity,
)
from services import notices, texts
from services.calendar import WorkCalendar, load_calendar
from services.formatting import tanggal
from services.identities import addresses
from services.outbox import outbox_row
from services.progress import active_year, load_ranking, verified_condition
from services.status import ItemStatus

MAX_BUTTON_ITEMS = 8
AGAIN = "ulang"


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out (``ZIBOT_REMINDER_*`` and ``ZIBOT_OVERDUE_EVERY``)."""

    horizons: tuple[int, ...] = (7, 3, 1, 0)  # working days before the tenggat
    overdue_every: int = 2  # working days between reminders of an overdue item
    send_at: time = time(8, 0)  # local time, on working days
    # "selesai": an item reported done is no longer reminded; "terverifikasi": only once it
    # is verified (``services.status.item_state``) — ``ZIBOT_REMINDERS_UNTIL``.
    until: str = "selesai"

    def still_open(self) -> ColumnElement[bool]:
        """SQL: the target (of the enclosing query) is still reminded."""
        if self.until == "terverifikasi":
            return ~verified_condition()
        return Target.status != ItemStatus.SELESAI


def stage_on(
    tenggat: date, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> str | None:
    """The reminder stage an open target is in on ``today``, or None.

    Before the tenggat, the stage is the nearest horizon whose day has come (``h3`` when the
    day of "3 working days before" has passed but not that of "1 before"), so after downtime a
    far horizon is replaced by the nearer one and never sent late. A horizon whose day is a day
    off moves to the working day before it. After the tenggat, overdue stages ``late1``,
    ``late2`` ... begin on the first working day after it and every ``overdue_every`` working
    days after that.
    """
    if today <= tenggat:
        reached = [h for h in policy.horizons if calendar.working_days_before(tenggat, h) <= today]
        return f"h{min(reached)}" if reached else None
    late_days = calendar.working_days_after(tenggat, today)
    if late_days < 1:
        return None
    return f"late{(late_days - 1) // max(1, policy.overdue_every) + 1}"


def is_send_time(
    now: datetime, tz: ZoneInfo, calendar: WorkCalendar, policy: ReminderPolicy
) -> bool:
    """Reminders go out on working days from the configured local time on."""
    local = now.astimezone(tz)
    return calendar.is_working_day(local.date()) and local.time() >= policy.send_at


@dataclass(frozen=True)
class Recipient:
    """A chat that receives a satker's digest: its group, or one of its PICs privately."""

    channel: str
    chat_id: str
    satker_id: int


@dataclass(frozen=True)
class DueItem:
    """One target in one digest."""

    target_id: int
    stage: str
    item_code: str
    activity: str
    tenggat: date
    area_position: int


@dataclass
class Digest:
    """Everything one chat gets from one sweep."""

    recipient: Recipient
    satker_name: str
    items: list[DueItem] = field(default_factory=list)
    # Stages recorded with this digest but not shown again (a target already listed).
    also_covers: list[tuple[int, str]] = field(default_factory=list)
    listed: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class PlannedMessage:
    """A message recorded in the outbox (or, in a preview, that would be)."""

    key: str
    kind: str
    channel: str
    chat_id: str
    notice: notices.Notice
    target_stages: tuple[tuple[int, str], ...] = ()


def due_label(tenggat: date, today: date, calendar: WorkCalendar) -> tuple[tuple[int, int], str]:
    """How far a tenggat really is on ``today`` (sort key, heading), whatever reminder stage
    brought the item into a digest: after downtime an item of stage ``h7`` may be 4 working
    days away, and is shown as 4."""
    if tenggat < today:
        return (0, 0), texts.REMINDER_STAGE_LATE
    if tenggat == today:
        return (2, 0), texts.REMINDER_STAGE_LABELS["h0"]
    days = calendar.working_days_after(today, tenggat)
    if days == 0:  # the tenggat falls on days off; today is the last working day before it
        return (2, 0), texts.REMINDER_DUE_LAST_WORKING_DAY.format(date=tanggal(tenggat))
    if days == 1 and tenggat == today + timedelta(days=1):
        return (2, 1), texts.REMINDER_STAGE_LABELS["h1"]
    return (2, days), texts.REMINDER_STAGE_DAYS.format(days=days)


def _item_label(item: DueItem, today: date, calendar: WorkCalendar) -> tuple[tuple[int, int], str]:
    if item.stage.startswith(AGAIN):  # "Ingatkan besok" pressed: the line shows the tenggat
        return (1, 0), texts.REMINDER_STAGE_AGAIN
    return due_label(item.tenggat, today, calendar)


def digest_notice(digest: Digest, today: date, calendar: WorkCalendar) -> notices.Digest:
    """The digest as a notice: items grouped under their real distance to the tenggat on
    ``today``, most urgent first, and the actions for the most urgent items."""
    by_label: dict[str, list[DueItem]] = defaultdict(list)
    order: dict[str, tuple[int, int]] = {}
    for item in digest.items:
        key, label = _item_label(item, today, calendar)
        by_label[label].append(item)
        order[label] = min(key, order.get(label, key))
    ordered = sorted(by_label.items(), key=lambda pair: order[pair[0]])
    sections = tuple(
        notices.DigestSection(
            label,
            tuple(
                notices.DigestItem(
                    item.item_code,
                    item.activity,
                    item.tenggat.isoformat(),
                    max(0, (today - item.tenggat).days),
                )
                for item in sorted(items, key=lambda i: (i.tenggat, i.area_position, i.item_code))
            ),
        )
        for label, items in ordered
    )
    # Buttons for the most urgent first: due soonest, then the longest overdue.
    urgent = sorted(
        digest.items,
        key=lambda i: (i.tenggat < today, abs((i.tenggat - today).days), i.item_code),
    )
    buttons = tuple(
        notices.DigestButton(item.item_code, item.target_id) for item in urgent[:MAX_BUTTON_ITEMS]
    )
    return notices.Digest(digest.satker_name, today.isoformat(), sections, buttons)


def _unreachable(session: Session) -> set[tuple[str, str]]:
    return {(u.channel, u.chat_id) for u in session.scalars(select(Unreachable))}


def recipients(session: Session, satker_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Each satker's linked groups (of every channel) and the PICs (agen) at every chat
    identity they have."""
    ids = list(set(satker_ids))
    blocked = _unreachable(session)
    found: dict[int, list[Recipient]] = defaultdict(list)
    links = session.scalars(
        select(ChatLink).where(ChatLink.satker_id.in_(ids), ChatLink.active.is_(True))
    )
    for link in links:
        if (link.channel, link.chat_id) not in blocked and link.satker_id is not None:
            found[link.satker_id].append(Recipient(link.channel, link.chat_id, link.satker_id))
    agents: dict[int, int] = {
        user_id: satker_id
        for user_id, satker_id in session.execute(
            select(User.id, User.satker_id).where(User.satker_id.in_(ids), User.role == "agen")
        )
    }
    for user_id, chats in addresses(session, agents).items():
        for channel, chat in chats:
            if (channel, chat) not in blocked:
                found[agents[user_id]].append(Recipient(channel, chat, agents[user_id]))
    return found


def _item_stages(
    session: Session, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> dict[int, tuple[str, RencanaAksi, int]]:
    """Stage of every item of the active plan year on ``today`` (items are few)."""
    year = active_year(session, today)
    if year is None:
        return {}
    stages: dict[int, tuple[str, RencanaAksi, int]] = {}
    by_tenggat: dict[date, str | None] = {}
    rows = session.execute(
        select(RencanaAksi, Area.position)
        .join(Area, Area.id == RencanaAksi.area_id)
        .where(RencanaAksi.year == year)
    )
    for item, position in rows:
        if item.tenggat not in by_tenggat:
            by_tenggat[item.tenggat] = stage_on(item.tenggat, today, calendar, policy)
        stage = by_tenggat[item.tenggat]
        if stage is not None:
            stages[item.id] = (stage, item, position)
    return stages


def _due_targets(
    session: Session, stages: dict[int, tuple[str, RencanaAksi, int]], policy: ReminderPolicy
) -> list[tuple[int, int, int, str]]:
    """(target, satker, item, stage) of open targets whose current stage was never planned."""
    by_stage: dict[str, list[int]] = defaultdict(list)
    for item_id, (stage, _, _) in stages.items():
        by_stage[stage].append(item_id)
    due: list[tuple[int, int, int, str]] = []
    for stage, item_ids in by_stage.items():
        planned = exists().where(Reminder.target_id == Target.id, Reminder.stage == stage)
        rows = session.execute(
            select(Target.id, Target.satker_id, Target.item_id).where(
                Target.item_id.in_(item_ids), policy.still_open(), ~planned
            )
        )
        due.extend((target_id, satker_id, item_id, stage) for target_id, satker_id, item_id in rows)
    return due


def _snoozes(session: Session, today: date) -> tuple[dict[tuple[int, str], date], list[Snooze]]:
    """Snoozes still running (target, chat) → until, and those that end today or before."""
    running: dict[tuple[int, str], date] = {}
    ended: list[Snooze] = []
    for snooze in session.scalars(select(Snooze)):
        if snooze.until > today:
            key = (snooze.target_id, snooze.chat_id)
            running[key] = max(snooze.until, running.get(key, snooze.until))
        else:
            ended.append(snooze)
    return running, ended


def open_item_stages(
    session: Session, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> dict[int, tuple[str, RencanaAksi, int]]:
    """Item stages of ``today`` not yet planned for every target (see ``StageDone``)."""
    stages = _item_stages(session, today, calendar, policy)
    if not stages:
        return stages
    done = set(
        session.execute(
            select(StageDone.item_id, StageDone.stage).where(StageDone.item_id.in_(stages))
        ).all()
    )
    return {item_id: v for item_id, v in stages.items() if (item_id, v[0]) not in done}


def mark_stages_done(
    session: Session, stages: dict[int, tuple[str, RencanaAksi, int]], today: date
) -> None:
    """Remember that these item stages were planned, so later sweeps skip their targets."""
    if stages:
        session.execute(
            insert(StageDone),
            [{"item_id": i, "stage": v[0], "day": today} for i, v in stages.items()],
        )


def forget_stages(session: Session, item_ids: Iterable[int] | None = None) -> None:
    """Make the next sweep look at these items' targets again (all items when None): after
    new chats, new targets, or a target reopened."""
    query = delete(StageDone)
    if item_ids is not None:
        query = query.where(StageDone.item_id.in_(list(item_ids)))
    session.execute(query)


def plan_digests(
    session: Session, *, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> list[PlannedMessage]:
    """The messages due on ``today`` that were never recorded, rendered; records nothing."""
    stages = open_item_stages(session, today, calendar, policy)
    due = _due_targets(session, stages, policy) if stages else []
    running, ended = _snoozes(session, today)
    again: list[tuple[int, str, str]] = []  # (target id, chat id, stage)
    for snooze in ended:
        stage = f"{AGAIN}:{snooze.until.isoformat()}"
        done = session.scalar(
            select(Reminder.id).where(
                Reminder.target_id == snooze.target_id,
                Reminder.stage == stage,
                Reminder.chat_id == snooze.chat_id,
            )
        )
        if done is None:
            again.append((snooze.target_id, snooze.chat_id, stage))
    if not due and not again:
        return []

    # Due targets are open by construction; snoozed ones are looked up (they are few).
    info = {target_id: (satker_id, item_id, True) for target_id, satker_id, item_id, _ in due}
    if again:
        info.update(
            {
                target_id: (satker_id, item_id, bool(still_open))
                for target_id, satker_id, item_id, still_open in session.execute(
                    select(
                        Target.id,
                        Target.satker_id,
                        Target.item_id,
                        case((policy.still_open(), True), else_=False),
                    ).where(Target.id.in_({t for t, _, _ in again}))
                )
            }
        )
    items = {item_id: (item, pos) for item_id, (_, item, pos) in stages.items()}
    missing = {item_id for _, item_id, _ in info.values() if item_id not in items}
    if missing:
        rows = session.execute(
            select(RencanaAksi, Area.position)
            .join(Area, Area.id == RencanaAksi.area_id)
            .where(RencanaAksi.id.in_(missing))
        )
        items.update({item.id: (item, position) for item, position in rows})
    satker_ids = {satker_id for satker_id, _, _ in info.values()}
    names: dict[int, str] = {
        satker_id: name
        for satker_id, name in session.execute(
            select(Satker.id, Satker.name).where(Satker.id.in_(satker_ids))
        )
    }
    chats = recipients(session, satker_ids)

    digests: dict[tuple[str, str], Digest] = {}

    def add(recipient: Recipient, target_id: int, stage: str) -> None:
        digest = digests.setdefault(
            (recipient.channel, recipient.chat_id),
            Digest(recipient, names[recipient.satker_id]),
        )
        if target_id in digest.listed:
            digest.also_covers.append((target_id, stage))  # listed once, recorded for both
            return
        digest.listed.add(target_id)
        item, position = items[info[target_id][1]]
        digest.items.append(
            DueItem(target_id, stage, item.code, item.activity, item.tenggat, position)
        )

    for target_id, satker_id, _, stage in due:
        for recipient in chats.get(satker_id, []):
            if running.get((target_id, recipient.chat_id), today) > today:
                continue  # "Ingatkan besok" was pressed in this chat
            add(recipient, target_id, stage)
    for target_id, chat_id, stage in again:
        if target_id not in info:
            continue  # the target was removed
        satker_id, _, still_open = info[target_id]
        if not still_open:
            continue
        for recipient in chats.get(satker_id, []):
            if recipient.chat_id == chat_id:
                add(recipient, target_id, stage)

    planned: list[PlannedMessage] = []
    for (channel, chat_id), digest in sorted(digests.items()):
        stages_in = tuple((i.target_id, i.stage) for i in digest.items) + tuple(digest.also_covers)
        planned.append(
            PlannedMessage(
                key=f"digest:{channel}:{chat_id}:{today}:{_digest_id(stages_in)}:1",
                kind="digest",
                channel=channel,
                chat_id=chat_id,
                notice=digest_notice(digest, today, calendar),
                target_stages=stages_in,
            )
        )
    return planned


def _digest_id(stages: Sequence[tuple[int, str]]) -> str:
    """A short stable id of a digest's content, so two digests on one day get two keys."""
    raw = ",".join(f"{t}:{s}" for t, s in sorted(stages))
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def plan_weekly(session: Session, *, today: date, calendar: WorkCalendar) -> list[PlannedMessage]:
    """The weekly recap for province groups, from the first working day of the week on.

    Recorded once per group and ISO week, so a recap missed while the bot was down on Monday
    goes out on the next working day of that week.
    """
    monday = today - timedelta(days=today.weekday())
    first = monday if calendar.is_working_day(monday) else calendar.next_working_day(monday)
    if today < first:
        return []
    year = active_year(session, today)
    if year is None:
        return []
    blocked = _unreachable(session)
    groups = [
        link
        for link in session.scalars(
            select(ChatLink).where(
                ChatLink.is_province.is_(True),
                ChatLink.active.is_(True),
            )
        )
        if (link.channel, link.chat_id) not in blocked
    ]
    if not groups:
        return []
    week = today.isocalendar()
    existing = set(
        session.scalars(
            select(Outbox.key).where(Outbox.key.like(f"weekly:%:{week.year}-W{week.week:02d}"))
        )
    )
    ranking = load_ranking(session, today=today, year=year)
    recap = notices.WeeklyRecap(
        year,
        today.isoformat(),
        tuple(notices.RankLine(p.satker_name, p.percent, p.overdue) for p in ranking),
    )
    return [
        PlannedMessage(
            key=f"weekly:{link.channel}:{link.chat_id}:{week.year}-W{week.week:02d}",
            kind="weekly",
            channel=link.channel,
            chat_id=link.chat_id,
            notice=recap,
        )
        for link in groups
        if f"weekly:{link.channel}:{link.chat_id}:{week.year}-W{week.week:02d}" not in existing
    ]


@dataclass(frozen=True)
class SweepResult:
    """What one planning pass recorded."""

    messages: int
    reminders: int


def record(
    session: Session, planned: Sequence[PlannedMessage], *, today: date, now: datetime
) -> SweepResult:
    """Put planned messages in the outbox and their reminders under unique keys (bulk)."""
    if not planned:
        return SweepResult(0, 0)
    rows = [
        outbox_row(
            key=message.key,
            kind=message.kind,
            chat_id=message.chat_id,
            day=today,
            notice=message.notice,
            now=now,
            channel=message.channel,
        )
        for message in planned
    ]
    ids = session.scalars(
        insert(Base.metadata.tables["outbox"]).returning(Outbox.id, sort_by_parameter_order=True),
        rows,
    ).all()
    reminders = [
        {
            "target_id": target_id,
            "stage": stage,
            "channel": message.channel,
            "chat_id": message.chat_id,
            "outbox_id": outbox_id,
            "day": today,
        }
        for message, outbox_id in zip(planned, ids, strict=True)
        for target_id, stage in message.target_stages
    ]
    _insert_reminders(session, reminders)
    return SweepResult(len(planned), len(reminders))


_REMINDER_COLUMNS = ("target_id", "stage", "channel", "chat_id", "outbox_id", "day")


def _insert_reminders(session: Session, rows: list[dict[str, Any]]) -> None:
    """Many plain rows at once: COPY on PostgreSQL (executemany there sends one statement per
    row), a Core bulk insert elsewhere. The unique key holds either way."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        columns = ", ".join(_REMINDER_COLUMNS)
        with raw.cursor() as cursor, cursor.copy(f"COPY reminder ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[column] for column in _REMINDER_COLUMNS])
        return
    session.execute(insert(Base.metadata.tables["reminder"]), rows)


def expire_stale(session: Session, *, today: date, busy: Iterable[int] = ()) -> int:
    """Pending digests of earlier days are superseded by today's: mark them expired.

    Their reminders were never delivered, so they are released: today's planning derives those
    targets again, at today's stage. A message being sent right now is left alone (``busy`` on
    SQLite; on PostgreSQL the UPDATE waits for the sender's row lock and then re-checks).
    """
    query = (
        update(Outbox)
        .where(Outbox.status == "pending", Outbox.day < today, Outbox.kind == "digest")
        .values(status="expired")
        .returning(Outbox.id)
    )
    skip = list(busy)
    if skip:
        query = query.where(Outbox.id.not_in(skip))
    expired = list(session.scalars(query))
    for start in range(0, len(expired), 5000):
        chunk = expired[start : start + 5000]
        released = session.execute(
            select(Target.item_id)
            .join(Reminder, Reminder.target_id == Target.id)
            .where(Reminder.outbox_id.in_(chunk))
            .distinct()
        ).scalars()
        forget_stages(session, list(released))
        session.execute(delete(Reminder).where(Reminder.outbox_id.in_(chunk)))
    return len(expired)


def lock_planning(session: Session) -> None:
    """Serialise planning across processes (PostgreSQL); SQLite runs one process only."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(727001)"))


def sweep_plan(
    session: Session,
    *,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy,
    busy: Iterable[int] = (),
) -> SweepResult:
    """One planning pass (the caller commits): record what is due now and never recorded."""
    calendar = load_calendar(session)
    if not is_send_time(now, tz, calendar, policy):
        return SweepResult(0, 0)
    lock_planning(session)
    today = now.astimezone(tz).date()
    expire_stale(session, today=today, busy=busy)
    stages = open_item_stages(session, today, calendar, policy)
    planned = plan_digests(session, today=today, calendar=calendar, policy=policy)
    planned += plan_weekly(session, today=today, calendar=calendar)
    result = record(session, planned, today=today, now=now)
    mark_stages_done(session, stages, today)
    return result


@dataclass(frozen=True)
class PreviewLine:
    """One message of a preview: to whom, what kind, which items."""

    recipient: str
    kind: str
    summary: str


@dataclass(frozen=True)
class Preview:
    """What would be sent on a day; ``reason`` says why nothing would.

    ``unreached`` lists, per satker, what is due but has nobody to go to (no linked group, no
    registered agen): "belum ada penerima".
    """

    reason: str | None
    messages: list[PreviewLine]
    unreached: list[PreviewLine] = field(default_factory=list)


def preview_day(session: Session, *, day: date, policy: ReminderPolicy) -> Preview:
    """What the engine would send on ``day`` (given what was already sent), recording nothing."""
    calendar = load_calendar(session)
    off = calendar.day_off_name(day)
    if off is not None:
        return Preview(texts.PREVIEW_DAY_OFF.format(name=off), [])
    with session.begin_nested() as rehearsal:
        # As the sweep will: yesterday's undelivered digests give their items back first.
        expire_stale(session, today=day)
        planned = plan_digests(session, today=day, calendar=calendar, policy=policy)
        planned += plan_weekly(session, today=day, calendar=calendar)
        unreached = _unreached(session, day, calendar, policy)
        rehearsal.rollback()
    if not planned:
        if not unreached:
            return Preview(texts.PREVIEW_NOTHING_DUE, [])
        nobody = session.scalar(select(ChatLink.id).limit(1)) is None and (
            session.scalar(select(UserIdentity.id).limit(1)) is None
        )
        reason = texts.PREVIEW_NOBODY if nobody else texts.PREVIEW_NO_RECIPIENTS
        return Preview(reason, [], unreached)
    names = _chat_names(session)
    target_ids = {t for m in planned for t, _ in m.target_stages}
    items: dict[int, tuple[str, date]] = {}
    ordered = sorted(target_ids)
    for start in range(0, len(ordered), 5000):  # stay under SQLite's variable limit
        rows = session.execute(
            select(Target.id, RencanaAksi.code, RencanaAksi.tenggat)
            .join(RencanaAksi, RencanaAksi.id == Target.item_id)
            .where(Target.id.in_(ordered[start : start + 5000]))
        )
        items.update({target_id: (code, tenggat) for target_id, code, tenggat in rows})
    lines = []
    for message in planned:
        if message.kind == "digest" and not message.target_stages:
            continue  # the continuation of a long digest
        due = []
        for target_id, stage in message.target_stages:
            code, tenggat = items.get(target_id, ("?", day))
            due.append((code, tenggat, stage))
        lines.append(
            PreviewLine(
                names.get((message.channel, message.chat_id), message.chat_id),
                message.kind,
                _summary(due, day, calendar) or texts.PREVIEW_WEEKLY,
            )
        )
    return Preview(None, lines, unreached)


def _summary(due: Iterable[tuple[str, date, str]], today: date, calendar: WorkCalendar) -> str:
    """``label: CODE, CODE; label: ...`` under the same headings as the digest itself."""
    by_label: dict[str, list[str]] = defaultdict(list)
    order: dict[str, tuple[int, int]] = {}
    for code, tenggat, stage in due:
        if stage.startswith(AGAIN):
            key, label = (1, 0), texts.REMINDER_STAGE_AGAIN
        else:
            key, label = due_label(tenggat, today, calendar)
        by_label[label].append(code)
        order[label] = min(key, order.get(label, key))
    return "; ".join(
        f"{label}: {', '.join(sorted(set(codes)))}"
        for label, codes in sorted(by_label.items(), key=lambda pair: order[pair[0]])
    )


def _unreached(
    session: Session, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> list[PreviewLine]:
    """Per satker, what is due on ``today`` that no chat would receive."""
    stages = open_item_stages(session, today, calendar, policy)
    due = _due_targets(session, stages, policy) if stages else []
    if not due:
        return []
    chats = recipients(session, {satker_id for _, satker_id, _, _ in due})
    by_satker: dict[int, list[tuple[str, date, str]]] = defaultdict(list)
    for _, satker_id, item_id, stage in due:
        if not chats.get(satker_id):
            item = stages[item_id][1]
            by_satker[satker_id].append((item.code, item.tenggat, stage))
    if not by_satker:
        return []
    satkers = session.execute(
        select(Satker.id, Satker.code, Satker.name)
        .where(Satker.id.in_(by_satker))
        .order_by(Satker.code)
    ).all()
    return [
        PreviewLine(
            texts.PREVIEW_SATKER.format(name=name, code=code),
            texts.PREVIEW_NO_RECIPIENT,
            _summary(by_satker[satker_id], today, calendar),
        )
        for satker_id, code, name in satkers
    ]


def _chat_names(session: Session) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for link, satker_name in session.execute(
        select(ChatLink, Satker.name).outerjoin(Satker, Satker.id == ChatLink.satker_id)
    ):
        label = link.title or (satker_name or texts.PROVINCE_GROUP)
        names[(link.channel, link.chat_id)] = texts.PREVIEW_GROUP.format(name=label)
    for identity, user, satker_name in session.execute(
        select(UserIdentity, User, Satker.name)
        .join(User, User.id == UserIdentity.user_id)
        .join(Satker, Satker.id == User.satker_id)
    ):
        names[(identity.channel, identity.external_id)] = texts.PREVIEW_PERSON.format(
            name=user.name, satker=satker_name
        )
    return names


def failed_messages(session: Session) -> list[Outbox]:
    """Messages the engine gave up on or could not deliver, newest first."""
    return list(
        session.scalars(
            select(Outbox)
            .where(Outbox.status.in_(("failed", "undeliverable")))
            .order_by(Outbox.created_at.desc())
        )
    )
