"""The use cases chat adapters call: one method, one unit of work, committed once.

Telegram and WhatsApp handlers translate a chat message into a ``Caller`` and arguments, call
one method here and render what it returns. Refusals are ``ZibotError``s whose text is meant
for the person who asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Area, ChatLink, Kendala, RencanaAksi, Snooze, Target
from services import (
    audit,
    catalog,
    evidence,
    instruksi,
    invites,
    kendala,
    members,
    texts,
    tracking,
)
from services.calendar import load_calendar
from services.errors import NotFound, ZibotError
from services.kendala import Attachment
from services.members import ChatScope, Member, Registration, SatkerRef
from services.progress import (
    RankingCache,
    SatkerProgress,
    TargetLine,
    active_year,
    due_within,
    load_progress,
    load_target_lines,
    local_today,
    next_deadlines,
    overdue_lines,
)

DEADLINE_DAYS = 14
PROVINCE_WORDS = ("provinsi", "prov", "province")
ALL_WORDS = ("semua", "all", "peringkat")


class NotRegistered(ZibotError):
    """The person has not registered with an invite code."""

    def __init__(self) -> None:
        super().__init__(texts.NOT_REGISTERED)


class Forbidden(ZibotError):
    """The person's role does not allow this here."""


class NotLinked(ZibotError):
    """The group is not linked to a satker yet."""

    def __init__(self) -> None:
        super().__init__(texts.GROUP_NOT_LINKED)


class LinkInactive(ZibotError):
    """The bot was removed from the group since it was linked; /hubungkan restores the link."""

    def __init__(self, scope: ChatScope) -> None:
        name, argument = texts.GROUP_PROVINCE_LABEL, "provinsi"
        if scope.satker is not None:
            name, argument = scope.satker.name, scope.satker.code
        super().__init__(texts.GROUP_LINK_INACTIVE.format(name=name, argument=argument))


@dataclass(frozen=True)
class Caller:
    """Who is asking, from which chat."""

    channel: str
    chat_id: str
    is_private: bool
    user_id: str
    user_name: str = ""


@dataclass(frozen=True)
class SatkerReport:
    """One satker's progress: per area, overdue items, the next tenggat."""

    year: int
    today: date
    progress: SatkerProgress
    overdue: list[TargetLine]
    upcoming: list[TargetLine]


@dataclass(frozen=True)
class RankingReport:
    """Every satker, ranked."""

    year: int
    today: date
    ranking: list[SatkerProgress]


@dataclass(frozen=True)
class ItemSummary:
    """One item across all satkers (the province's view)."""

    item_code: str
    area_code: str
    activity: str
    tenggat: date
    done: int
    total: int


@dataclass(frozen=True)
class DeadlineReport:
    """Items due in the next days and overdue ones, for a satker or (satker None) the plan."""

    year: int
    today: date
    days: int
    satker: SatkerRef | None
    due: list[TargetLine]
    overdue: list[TargetLine]
    plan_due: list[ItemSummary]
    plan_overdue: list[ItemSummary]


@dataclass(frozen=True)
class PlanReport:
    """The action plan with status, for a satker or (satker None) across satkers."""

    year: int
    today: date
    satker: SatkerRef | None
    area: str | None
    lines: list[TargetLine]
    items: list[ItemSummary]


@dataclass(frozen=True)
class EvidenceSlot:
    """A target that is ready to receive a file (after /bukti <kode>)."""

    target_id: int
    item_code: str
    activity: str
    satker: SatkerRef


class Zibot:
    """The application's use cases over one database and one clock."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        tz: ZoneInfo,
        evidence_dir: Path,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.tz = tz
        self.evidence_dir = evidence_dir
        self._ranking = RankingCache()

    def now(self) -> datetime:
        """The injected clock's time (aware, UTC)."""
        return self._clock()

    def today(self) -> date:
        """Today in the deployment's time zone."""
        return local_today(self._clock(), self.tz)

    # --- who and where ---------------------------------------------------------------------

    def member(self, caller: Caller) -> Member | None:
        """The registered user behind the caller, if any."""
        with self._sessions() as session:
            return members.find_member(session, caller.channel, caller.user_id)

    def greet(self, caller: Caller) -> Member | None:
        """/start without a code: who this is; a person who unblocked the bot is reachable again."""
        with self._sessions.begin() as session:
            member = members.find_member(session, caller.channel, caller.user_id)
            if member is not None and caller.is_private:
                members.mark_reachable(session, caller.channel, caller.chat_id)
            return member

    def register(self, caller: Caller, code: str) -> Registration:
        """Redeem an invite code (private chats only)."""
        if not caller.is_private:
            raise ZibotError(texts.PRIVATE_ONLY)
        if not code.strip():
            raise ZibotError(texts.DAFTAR_USAGE)
        with self._sessions.begin() as session:
            return members.redeem_invite(
                session,
                code=code.strip(),
                channel=caller.channel,
                external_id=caller.user_id,
                name=caller.user_name,
                now=self.now(),
            )

    def revoke_shown_code(self, caller: Caller, code: str) -> bool:
        """An invite code typed in a group is seen by everyone there: make it unusable."""
        if caller.is_private or not code.strip():
            return False
        with self._sessions.begin() as session:
            return members.revoke_invite(
                session, code=code.strip(), now=self.now(), actor=f"{caller.channel}:group"
            )

    def remember_bot(self, channel: str, username: str) -> None:
        """The bot started as @username on ``channel`` (deep links in ``zibot invite``)."""
        with self._sessions.begin() as session:
            invites.remember_bot(session, channel=channel, username=username, now=self.now())

    def link(self, caller: Caller, target: str, title: str | None) -> ChatScope:
        """Link the caller's group to a satker, or to the province."""
        if caller.is_private:
            raise ZibotError(texts.GROUP_ONLY)
        if not target.strip():
            raise ZibotError(texts.LINK_USAGE)
        with self._sessions.begin() as session:
            member = self._member(session, caller)
            satker = None
            if target.strip().lower() not in PROVINCE_WORDS:
                satker = SatkerRef.of(catalog.find_satker(session, target))
            return members.link_chat(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                title=title,
                member=member,
                target=satker,
                now=self.now(),
            )

    def scope(self, caller: Caller) -> ChatScope | None:
        """What the caller's group stands for (None in private chats and unlinked groups)."""
        if caller.is_private:
            return None
        with self._sessions() as session:
            scope = members.chat_scope(session, caller.channel, caller.chat_id)
            return scope if scope is not None and scope.active else None

    # --- group lifecycle -------------------------------------------------------------------

    def follow_migration(self, channel: str, old_chat_id: str, new_chat_id: str) -> bool:
        """A group became a supergroup (service message in either chat): everything moves."""
        with self._sessions.begin() as session:
            return members.move_chat(
                session,
                channel=channel,
                old_chat_id=old_chat_id,
                new_chat_id=new_chat_id,
                now=self.now(),
            )

    def bot_removed(self, channel: str, chat_id: str, status: str) -> members.BotRemoval | None:
        """The bot left or was removed from a group: the link goes inactive, the province hears."""
        with self._sessions.begin() as session:
            return members.bot_removed(
                session,
                channel=channel,
                chat_id=chat_id,
                status=status,
                now=self.now(),
                today=self.today(),
            )

    def bot_added(self, channel: str, chat_id: str) -> ChatScope | None:
        """The bot joined a group: what it was linked to before (it stays as it is)."""
        with self._sessions() as session:
            return members.bot_added(session, channel=channel, chat_id=chat_id)

    # --- reading ---------------------------------------------------------------------------

    def progress(self, caller: Caller, argument: str = "") -> SatkerReport | RankingReport:
        """/progres: the group's satker, the ranking, or the satker named in ``argument``."""
        with self._sessions() as session:
            satker = self._read_scope(session, caller, argument)
            today, year = self._year(session)
            if satker is None:
                ranking = self._ranking.ranking(session, today=today, year=year)
                return RankingReport(year, today, ranking)
            found = load_progress(session, today=today, year=year, satker_ids=[satker.id])
            if not found:
                raise ZibotError(texts.SATKER_NO_TARGETS.format(name=satker.name, year=year))
            lines = load_target_lines(session, satker_id=satker.id, year=year)
            return SatkerReport(
                year,
                today,
                found[0],
                overdue_lines(lines, today),
                next_deadlines(lines, today, 3),
            )

    def deadlines(self, caller: Caller, argument: str = "") -> DeadlineReport:
        """/tenggat: due in the next 14 days and overdue, for a satker or the whole plan."""
        with self._sessions() as session:
            satker = self._read_scope(session, caller, argument)
            today, year = self._year(session)
            if satker is None:
                items = self._item_summaries(session, today, year)
                last = date.fromordinal(today.toordinal() + DEADLINE_DAYS)
                items.sort(key=lambda i: (i.tenggat, i.item_code))
                due = [i for i in items if today <= i.tenggat <= last and i.done < i.total]
                late = [i for i in items if i.tenggat < today and i.done < i.total]
                return DeadlineReport(year, today, DEADLINE_DAYS, None, [], [], due, late)
            lines = load_target_lines(session, satker_id=satker.id, year=year)
            return DeadlineReport(
                year,
                today,
                DEADLINE_DAYS,
                satker,
                due_within(lines, today, DEADLINE_DAYS),
                overdue_lines(lines, today),
                [],
                [],
            )

    def plan(self, caller: Caller, area: str = "") -> PlanReport:
        """/rencana [area]: the items with status, for the satker in scope or the province."""
        with self._sessions() as session:
            satker = self._read_scope(session, caller, "")
            today, year = self._year(session)
            area_code = self._area_code(session, area) if area.strip() else None
            if satker is None:
                items = [
                    i
                    for i in self._item_summaries(session, today, year)
                    if area_code in (None, i.area_code)
                ]
                return PlanReport(year, today, None, area_code, [], items)
            lines = [
                line
                for line in load_target_lines(session, satker_id=satker.id, year=year)
                if area_code in (None, line.area_code)
            ]
            return PlanReport(year, today, satker, area_code, lines, [])

    # --- writing ---------------------------------------------------------------------------

    def open_items(self, caller: Caller) -> tuple[SatkerRef, list[tracking.ItemTarget]]:
        """The items the caller may report on, for the /lapor keyboard."""
        with self._sessions() as session:
            _, satker = self._write_scope(session, caller)
            _, year = self._year(session)
            return satker, tracking.open_items(session, satker, year)

    def item(self, caller: Caller, code: str) -> tracking.ItemTarget:
        """One item the caller may report on (checks role and code)."""
        with self._sessions() as session:
            _, satker = self._write_scope(session, caller)
            _, year = self._year(session)
            return tracking.describe(tracking.find_target(session, satker, code, year))

    def report(
        self, caller: Caller, code: str, status_word: str, note: str | None = None
    ) -> tracking.StatusChange:
        """/lapor: change the status of one of the satker's items."""
        status = tracking.parse_status(status_word)
        if status is None:
            raise ZibotError(texts.LAPOR_BAD_STATUS.format(word=status_word))
        with self._sessions.begin() as session:
            member, satker = self._write_scope(session, caller)
            _, year = self._year(session)
            target = tracking.find_target(session, satker, code, year)
            return tracking.set_status(
                session,
                member=member,
                target=target,
                status=status,
                note=note,
                now=self.now(),
                channel=caller.channel,
            )

    def evidence_slot(self, caller: Caller, code: str) -> EvidenceSlot:
        """/bukti <kode>: check the caller may file evidence for that item, before the upload."""
        if not code.strip():
            raise ZibotError(texts.BUKTI_USAGE)
        with self._sessions() as session:
            _, satker = self._write_scope(session, caller)
            _, year = self._year(session)
            target = tracking.find_target(session, satker, code, year)
            return EvidenceSlot(target.id, target.item.code, target.item.activity, satker)

    def store_evidence(
        self,
        caller: Caller,
        slot: EvidenceSlot,
        data: bytes,
        file_name: str,
        mime_type: str | None,
    ) -> evidence.StoredEvidence:
        """Store a file as bukti dukung for the slot's target; the file gets its name only
        once the record is committed (nothing is left on disk when the transaction fails)."""
        stored: evidence.StoredEvidence | None = None
        try:
            with self._sessions.begin() as session:
                member, satker = self._write_scope(session, caller)
                target = session.get(Target, slot.target_id)
                if target is None or target.satker_id != satker.id:
                    raise ZibotError(texts.BUKTI_SLOT_GONE)
                stored = evidence.store_evidence(
                    session,
                    member=member,
                    target=target,
                    data=data,
                    file_name=file_name,
                    mime_type=mime_type,
                    evidence_dir=self.evidence_dir,
                    now=self.now(),
                    channel=caller.channel,
                )
        except BaseException:
            if stored is not None:
                evidence.discard(self.evidence_dir, stored.relative_path)
            raise
        evidence.publish(self.evidence_dir, stored.relative_path)
        return stored

    def snooze(self, caller: Caller, target_id: int) -> tuple[str, date]:
        """ "Ingatkan besok": silence that target in this chat until the next working day."""
        with self._sessions.begin() as session:
            member = self._member(session, caller)
            target = session.get(Target, target_id)
            if target is None:
                raise NotFound(texts.SNOOZE_GONE)
            if not member.is_admin and member.satker.id != target.satker_id:
                raise Forbidden(texts.SNOOZE_FORBIDDEN)
            until = load_calendar(session).next_working_day(self.today())
            exists_already = session.scalar(
                select(Snooze.id).where(
                    Snooze.target_id == target.id,
                    Snooze.channel == caller.channel,
                    Snooze.chat_id == caller.chat_id,
                    Snooze.until == until,
                )
            )
            if exists_already is None:
                session.add(
                    Snooze(
                        target_id=target.id,
                        channel=caller.channel,
                        chat_id=caller.chat_id,
                        until=until,
                        created_at=self.now(),
                    )
                )
                audit.record(
                    session,
                    now=self.now(),
                    actor=f"{caller.channel}:{member.id}",
                    actor_id=member.id,
                    action="tunda",
                    entity="target",
                    entity_id=target.id,
                    chat=caller.chat_id,
                    until=until,
                )
            return target.item.code, until

    # --- kendala ---------------------------------------------------------------------------

    def kendala_scope(self, caller: Caller) -> tuple[SatkerRef, list[tuple[str, str]]]:
        """Who may report here, for which satker, and the areas to choose from."""
        with self._sessions() as session:
            _, satker = self._report_scope(session, caller)
            areas = catalog.iter_area_pairs(session.scalars(select(Area)))
            return satker, areas

    def kendala_items(self, caller: Caller, area_code: str) -> list[tracking.ItemTarget]:
        """The satker's items in one area, for the /kendala item buttons."""
        with self._sessions() as session:
            _, satker = self._report_scope(session, caller)
            _, year = self._year(session)
            targets = session.scalars(
                select(Target)
                .join(RencanaAksi, RencanaAksi.id == Target.item_id)
                .join(Area, Area.id == RencanaAksi.area_id)
                .where(
                    Target.satker_id == satker.id,
                    RencanaAksi.year == year,
                    Area.code == area_code,
                )
                .order_by(RencanaAksi.code)
            )
            return [tracking.describe(t) for t in targets]

    def save_attachment(self, folder: str, data: bytes, name: str, mime: str | None) -> Attachment:
        """Stage a file that came with a kendala or an instruksi (documents and images only);
        it is published when the ticket or instruction is committed (``discard_attachment``
        when the draft is abandoned)."""
        evidence.check_upload(name, mime, len(data))
        return evidence.store_file(self.evidence_dir, folder, data, name, mime)

    def discard_attachment(self, attachment: Attachment | None) -> None:
        """A draft with a staged attachment was cancelled or replaced: remove the file."""
        if attachment is not None:
            evidence.discard(self.evidence_dir, attachment.path)

    def _publish(self, attachment: Attachment | None) -> None:
        if attachment is not None:
            evidence.publish(self.evidence_dir, attachment.path)

    def kendala_submit(
        self,
        caller: Caller,
        *,
        target_id: int | None,
        category: str,
        description: str,
        attachment: Attachment | None,
    ) -> tuple[str, bool]:
        """Save the ticket first; (its number, whether the province group is linked)."""
        try:
            result = self._kendala_create(
                caller,
                target_id=target_id,
                category=category,
                description=description,
                attachment=attachment,
            )
        except BaseException:
            self.discard_attachment(attachment)
            raise
        self._publish(attachment)
        return result

    def _kendala_create(
        self,
        caller: Caller,
        *,
        target_id: int | None,
        category: str,
        description: str,
        attachment: Attachment | None,
    ) -> tuple[str, bool]:
        with self._sessions.begin() as session:
            member, satker = self._report_scope(session, caller)
            if target_id is not None:
                target = session.get(Target, target_id)
                if target is None or target.satker_id != satker.id:
                    raise NotFound(texts.BUKTI_SLOT_GONE)
            ticket = kendala.create(
                session,
                member=member,
                satker_id=satker.id,
                target_id=target_id,
                category=category,
                description=description,
                attachment=attachment,
                channel=caller.channel,
                origin_chat_id=caller.chat_id,
                now=self.now(),
                tz=self.tz,
            )
            province = session.scalar(
                select(ChatLink.id).where(
                    ChatLink.is_province.is_(True),
                    ChatLink.channel == caller.channel,
                    ChatLink.active.is_(True),
                )
            )
            return ticket.number, province is not None

    def kendala_number(self, ticket_id: int) -> str:
        """The number of a ticket, for prompts."""
        with self._sessions() as session:
            ticket = session.get(Kendala, ticket_id)
            if ticket is None:
                raise NotFound(texts.KENDALA_BUTTON_GONE)
            return ticket.number

    def kendala_answer(self, caller: Caller, ticket_ref: str | int, text: str) -> str:
        """An admin answers a ticket (by number or id); returns the number."""
        with self._sessions.begin() as session:
            admin = self._member(session, caller)
            if not admin.is_admin:  # before the lookup: no hint whether the number exists
                raise Forbidden(texts.KENDALA_ADMIN_ONLY)
            ticket = self._ticket(session, ticket_ref)
            kendala.answer(
                session, admin=admin, ticket=ticket, text=text, now=self.now(), tz=self.tz
            )
            return ticket.number

    def kendala_close(self, caller: Caller, ticket_ref: str | int) -> str:
        """An admin closes a ticket; returns the number."""
        with self._sessions.begin() as session:
            admin = self._member(session, caller)
            if not admin.is_admin:
                raise Forbidden(texts.KENDALA_ADMIN_ONLY)
            ticket = self._ticket(session, ticket_ref)
            kendala.close(session, admin=admin, ticket=ticket, now=self.now(), tz=self.tz)
            return ticket.number

    def kendala_reopen(self, caller: Caller, number: str) -> str:
        """The reporter reopens a ticket closed less than 7 days ago."""
        with self._sessions.begin() as session:
            member = self._member(session, caller)
            ticket = kendala.find(session, number)
            kendala.reopen(session, member=member, ticket=ticket, now=self.now())
            return ticket.number

    def kendala_list(self, caller: Caller) -> list[kendala.TicketView]:
        """Open tickets the caller may see, oldest first."""
        with self._sessions() as session:
            member = self._member(session, caller)
            calendar = load_calendar(session)
            return kendala.visible_open(
                session, member, today=self.today(), calendar=calendar, tz=self.tz
            )

    def _ticket(self, session: Session, ref: str | int) -> Kendala:
        if isinstance(ref, int):
            ticket = session.get(Kendala, ref)
            if ticket is None:  # a button or prompt about a ticket deleted since
                raise NotFound(texts.KENDALA_BUTTON_GONE)
            return ticket
        return kendala.find(session, ref)

    def _report_scope(self, session: Session, caller: Caller) -> tuple[Member, SatkerRef]:
        """Kendala: any registered member, for their satker (in private or its group)."""
        member = self._member(session, caller)
        if caller.is_private:
            return member, member.satker
        scope = self._group_scope(session, caller)
        if scope.satker is None:
            raise ZibotError(texts.WRITE_NOT_IN_PROVINCE_GROUP)
        if not member.is_admin and member.satker.id != scope.satker.id:
            raise Forbidden(texts.FORBIDDEN_OTHER_SATKER.format(name=scope.satker.name))
        return member, scope.satker

    # --- instruksi ------------------------------------------------------------------------

    def instruksi_send(
        self, caller: Caller, text: str, attachment: Attachment | None
    ) -> instruksi.Broadcast:
        """/instruksi: an admin broadcasts to every satker group and every pimpinan."""
        try:
            with self._sessions.begin() as session:
                admin = self._member(session, caller)
                sent = instruksi.broadcast(
                    session,
                    admin=admin,
                    text=text,
                    attachment=(attachment.path, attachment.mime_type) if attachment else None,
                    now=self.now(),
                    tz=self.tz,
                )
        except BaseException:
            self.discard_attachment(attachment)
            raise
        self._publish(attachment)
        return sent

    def instruksi_confirm(self, caller: Caller, instruksi_id: int) -> tuple[str, bool]:
        """ "Sudah dibaca": record the press once."""
        with self._sessions.begin() as session:
            member = self._member(session, caller)
            return instruksi.confirm(
                session, member=member, instruksi_id=instruksi_id, now=self.now()
            )

    def instruksi_status(self, caller: Caller, number: str) -> instruksi.InstruksiStatus:
        """/instruksi status [nomor] (admins)."""
        with self._sessions() as session:
            member = self._member(session, caller)
            if not member.is_admin:
                raise Forbidden(texts.INSTRUKSI_ADMIN_ONLY)
            return instruksi.status(session, instruksi.find(session, number))

    # --- rules -----------------------------------------------------------------------------

    def _member(self, session: Session, caller: Caller) -> Member:
        member = members.find_member(session, caller.channel, caller.user_id)
        if member is None:
            raise NotRegistered()
        return member

    def _read_scope(self, session: Session, caller: Caller, argument: str) -> SatkerRef | None:
        """The satker to show, or None for every satker (the ranking / whole plan).

        In a linked group anyone may read; in private only registered users. An argument names
        a satker (or ``semua``); without one a satker group means its satker, the province
        group and admins mean everyone, others their own satker.
        """
        wanted = argument.strip()
        if caller.is_private:
            member = self._member(session, caller)
            default = None if member.is_admin else member.satker
        else:
            default = self._group_scope(session, caller).satker
        if not wanted:
            return default
        if wanted.lower() in ALL_WORDS:
            return None
        return SatkerRef.of(catalog.find_satker(session, wanted))

    def _group_scope(self, session: Session, caller: Caller) -> ChatScope:
        """What the caller's group is linked to; refused when it is not (or no longer) linked."""
        scope = members.chat_scope(session, caller.channel, caller.chat_id)
        if scope is None:
            raise NotLinked()
        if not scope.active:
            raise LinkInactive(scope)
        return scope

    def _write_scope(self, session: Session, caller: Caller) -> tuple[Member, SatkerRef]:
        """Who writes, for which satker: the group's satker, or the member's own in private."""
        member = self._member(session, caller)
        if caller.is_private:
            satker = member.satker
        else:
            scope = self._group_scope(session, caller)
            if scope.satker is None:
                raise ZibotError(texts.WRITE_NOT_IN_PROVINCE_GROUP)
            satker = scope.satker
        if not members.may_report(member, satker):
            if member.role == members.PIMPINAN:
                raise Forbidden(texts.FORBIDDEN_PIMPINAN)
            raise Forbidden(texts.FORBIDDEN_OTHER_SATKER.format(name=satker.name))
        return member, satker

    def _year(self, session: Session) -> tuple[date, int]:
        today = self.today()
        year = active_year(session, today)
        if year is None:
            raise ZibotError(texts.PLAN_EMPTY_CHAT)
        return today, year

    def _area_code(self, session: Session, wanted: str) -> str:
        from services.plan_parser import match_area

        areas = catalog.iter_area_pairs(session.scalars(select(Area)))
        codes = match_area(wanted, areas)
        if len(codes) != 1:
            names = ", ".join(f"{code} ({name})" for code, name in areas)
            raise ZibotError(texts.AREA_UNKNOWN.format(value=wanted, areas=names))
        return codes[0]

    def _item_summaries(self, session: Session, today: date, year: int) -> list[ItemSummary]:
        rows = session.execute(
            select(
                RencanaAksi.code,
                Area.code,
                RencanaAksi.activity,
                RencanaAksi.tenggat,
                func.sum(case((Target.status == "selesai", 1), else_=0)),
                func.count(Target.id),
            )
            .join(Area, Area.id == RencanaAksi.area_id)
            .join(Target, Target.item_id == RencanaAksi.id)
            .where(RencanaAksi.year == year)
            .group_by(RencanaAksi.id, RencanaAksi.code, Area.code, Area.position)
            .group_by(RencanaAksi.activity, RencanaAksi.tenggat)
            .order_by(Area.position, RencanaAksi.code)
        )
        return [ItemSummary(c, a, act, t, int(d or 0), int(n)) for c, a, act, t, d, n in rows]
