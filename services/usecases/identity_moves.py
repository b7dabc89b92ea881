"""A chat account whose id changes: WhatsApp first identified people by phone number, now by a
business-scoped user id (BSUID); a person registered under the one keeps their account when
the other arrives."""

from __future__ import annotations

from sqlalchemy import select

from models import User, UserIdentity
from services import audit
from services.usecases.base import UseCase


class IdentityMoves(UseCase):
    """Follow a person's chat id when their channel changes it."""

    def move_identity(self, channel: str, old_id: str, new_id: str) -> bool:
        """The identity ``(channel, old_id)`` becomes ``(channel, new_id)`` when no account
        holds ``new_id`` yet; True when it moved."""
        if not old_id or not new_id or old_id == new_id:
            return False
        with self._sessions.begin() as session:
            taken = session.scalar(
                select(UserIdentity.id).where(
                    UserIdentity.channel == channel, UserIdentity.external_id == new_id
                )
            )
            if taken is not None:
                return False
            identity = session.scalar(
                select(UserIdentity).where(
                    UserIdentity.channel == channel, UserIdentity.external_id == old_id
                )
            )
            if identity is None:
                return False
            user = session.get(User, identity.user_id)
            identity.external_id = new_id
            if user is not None and channel == "whatsapp" and user.whatsapp == old_id:
                user.whatsapp = new_id  # the mirror follows, or it would pull the identity back
            audit.record(
                session,
                now=self.now(),
                actor=f"{channel}:{new_id}",
                actor_id=identity.user_id,
                action="identitas",
                entity="user_identity",
                entity_id=identity.id,
                old=old_id,
            )
            return True
