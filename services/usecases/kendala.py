"""Kendala: members report obstacles; the province answers and closes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Area, ChatLink, Kendala, RencanaAksi, Target
from services import access, catalog, conversations, evidence, kendala, texts, tracking
from services.access import Caller
from services.calendar import load_calendar
from services.errors import NotFound, ZibotError
from services.kendala import Attachment
from services.members import SatkerRef
from services.usecases.base import UseCase

ANSWER_PROMPT = "tanggapi"  # the conversation kind of a "Tulis tanggapan" prompt
ANSWER_TTL = timedelta(days=7)


class Attachments(UseCase):
    """Files that come with a kendala or an instruksi: staged, published with their record."""

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


class Kendalas(Attachments):
    """Tickets: reporting (any member, for their satker), answering and closing (admins)."""

    def kendala_scope(self, caller: Caller) -> tuple[SatkerRef, list[tuple[str, str]]]:
        """Who may report here, for which satker, and the areas to choose from."""
        with self._sessions() as session:
            _, satker = access.report_scope(session, caller)
            areas = catalog.iter_area_pairs(session.scalars(select(Area)))
            return satker, areas

    def kendala_items(self, caller: Caller, area_code: str) -> list[tracking.ItemTarget]:
        """The satker's items in one area, for the /kendala item buttons."""
        with self._sessions() as session:
            _, satker = access.report_scope(session, caller)
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
            member, satker = access.report_scope(session, caller)
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
            # The province group of any channel (a WhatsApp kendala goes to its Telegram group).
            province = session.scalar(
                select(ChatLink.id)
                .where(ChatLink.is_province.is_(True), ChatLink.active.is_(True))
                .limit(1)
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
            admin = access.admin(session, caller, texts.KENDALA_ADMIN_ONLY)
            ticket = _ticket(session, ticket_ref)
            kendala.answer(
                session,
                admin=admin,
                ticket=ticket,
                text=text,
                now=self.now(),
                tz=self.tz,
                channel=caller.channel,
            )
            return ticket.number

    def kendala_close(self, caller: Caller, ticket_ref: str | int) -> str:
        """An admin closes a ticket; returns the number."""
        with self._sessions.begin() as session:
            admin = access.admin(session, caller, texts.KENDALA_ADMIN_ONLY)
            ticket = _ticket(session, ticket_ref)
            kendala.close(
                session,
                admin=admin,
                ticket=ticket,
                now=self.now(),
                tz=self.tz,
                channel=caller.channel,
            )
            return ticket.number

    def kendala_prompt_sent(self, caller: Caller, ticket_id: int, prompt_id: str) -> None:
        """The admin was asked for an answer to a ticket (prompt ``prompt_id`` in this chat):
        the reply to that prompt is the answer, until it is given or a week has passed."""
        with self._sessions.begin() as session:
            conversations.start(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=ANSWER_PROMPT,
                step="answer",
                data={"ticket_id": ticket_id, "prompt": prompt_id},
                now=self.now(),
                ttl=ANSWER_TTL,
            )

    def kendala_answer_prompt(self, caller: Caller, prompt_id: str, text: str) -> str | None:
        """A reply to prompt ``prompt_id``: the answer to its ticket (the number), or None when
        that message is no open Tanggapi prompt (answered already, expired, something else)."""
        where: dict[str, Any] = {
            "channel": caller.channel,
            "chat_id": caller.chat_id,
            "kind": ANSWER_PROMPT,
            "now": self.now(),
            "prompt": prompt_id,
        }
        with self._sessions.begin() as session:
            step = conversations.find(session, **where)
            if step is None:  # the person's own prompt that ran out: say so, do not stay silent
                late = conversations.expired(session, **where)
                if late is not None and late.user_id == caller.user_id:
                    raise ZibotError(texts.KENDALA_PROMPT_EXPIRED)
                return None
            admin = access.admin(session, caller, texts.KENDALA_ADMIN_ONLY)
            ticket = _ticket(session, int(step.data["ticket_id"]))
            kendala.answer(
                session,
                admin=admin,
                ticket=ticket,
                text=text,
                now=self.now(),
                tz=self.tz,
                channel=caller.channel,
            )
            conversations.finish(
                session, channel=step.channel, chat_id=step.chat_id, user_id=step.user_id
            )
            return ticket.number

    def kendala_reopen(self, caller: Caller, number: str) -> str:
        """The reporter reopens a ticket closed less than 7 days ago."""
        with self._sessions.begin() as session:
            member = access.member(session, caller)
            ticket = kendala.find(session, number)
            kendala.reopen(
                session, member=member, ticket=ticket, now=self.now(), channel=caller.channel
            )
            return ticket.number

    def kendala_list(self, caller: Caller) -> list[kendala.TicketView]:
        """Open tickets the caller may see, oldest first."""
        with self._sessions() as session:
            member = access.member(session, caller)
            calendar = load_calendar(session)
            return kendala.visible_open(
                session, member, today=self.today(), calendar=calendar, tz=self.tz
            )


def _ticket(session: Session, ref: str | int) -> Kendala:
    if isinstance(ref, int):
        ticket = session.get(Kendala, ref)
        if ticket is None:  # a button or prompt about a ticket deleted since
            raise NotFound(texts.KENDALA_BUTTON_GONE)
        return ticket
    return kendala.find(session, ref)
