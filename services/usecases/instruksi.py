"""Instruksi: an admin broadcasts; pimpinan confirm "Sudah dibaca"; admins follow up."""

from __future__ import annotations

from services import access, instruksi, texts
from services.access import Caller
from services.kendala import Attachment
from services.usecases.kendala import Attachments


class Instruksis(Attachments):
    """Instructions from the province to every satker group and every pimpinan."""

    def instruksi_send(
        self, caller: Caller, text: str, attachment: Attachment | None
    ) -> instruksi.Broadcast:
        """/instruksi: an admin broadcasts to every satker group and every pimpinan."""
        try:
            with self._sessions.begin() as session:
                admin = access.admin(session, caller, texts.INSTRUKSI_ADMIN_ONLY)
                sent = instruksi.broadcast(
                    session,
                    admin=admin,
                    text=text,
                    attachment=(attachment.path, attachment.mime_type) if attachment else None,
                    now=self.now(),
                    tz=self.tz,
                    channel=caller.channel,
                )
        except BaseException:
            self.discard_attachment(attachment)
            raise
        self._publish(attachment)
        return sent

    def instruksi_confirm(self, caller: Caller, instruksi_id: int) -> tuple[str, bool]:
        """ "Sudah dibaca": record the press once."""
        with self._sessions.begin() as session:
            member = access.member(session, caller)
            return instruksi.confirm(
                session,
                member=member,
                instruksi_id=instruksi_id,
                now=self.now(),
                channel=caller.channel,
            )

    def instruksi_status(self, caller: Caller, number: str) -> instruksi.InstruksiStatus:
        """/instruksi status [nomor] (admins)."""
        with self._sessions() as session:
            access.admin(session, caller, texts.INSTRUKSI_ADMIN_ONLY)
            return instruksi.status(session, instruksi.find(session, number))
