"""Progress updates: the /lapor keyboard, a status change, and "Ingatkan besok"."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Snooze, Target
from services import access, audit, texts, tracking
from services.access import Caller
from services.calendar import load_calendar
from services.errors import NotFound, ZibotError
from services.members import SatkerRef
from services.usecases.base import UseCase


class Lapor(UseCase):
    """Agen (and admins) change the status of their satker's items."""

    def open_items(self, caller: Caller) -> tuple[SatkerRef, list[tracking.ItemTarget]]:
        """The items the caller may report on, for the /lapor keyboard."""
        with self._sessions() as session:
            _, satker = access.write_scope(session, caller)
            _, year = self._year(session)
            return satker, tracking.open_items(session, satker, year)

    def item(self, caller: Caller, code: str) -> tracking.ItemTarget:
        """One item the caller may report on (checks role and code)."""
        with self._sessions() as session:
            _, satker = access.write_scope(session, caller)
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
            member, satker = access.write_scope(session, caller)
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

    def snooze(self, caller: Caller, target_id: int) -> tuple[str, date]:
        """ "Ingatkan besok": silence that target in this chat until the next working day."""
        with self._sessions.begin() as session:
            member = access.member(session, caller)
            target = session.get(Target, target_id)
            if target is None:
                raise NotFound(texts.SNOOZE_GONE)
            access.may_snooze(member, target.satker_id)
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
