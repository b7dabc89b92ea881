"""Who and where: registration, invite codes, group links and the group lifecycle."""

from __future__ import annotations

from services import access, actions, catalog, invites, members, texts
from services.access import PROVINCE_WORDS, Caller
from services.errors import ZibotError
from services.members import ChatScope, Member, Registration, SatkerRef
from services.usecases.base import UseCase


class Membership(UseCase):
    """Registration, links of groups to satkers, and what happens when groups change."""

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
            member = access.member(session, caller)
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

    def authorise_press(self, caller: Caller, action: actions.Action) -> None:
        """May the caller press this button? Checked once, by the rule of its kind."""
        kind = actions.KINDS[action.prefix]
        with self._sessions() as session:
            access.may_press(session, caller, kind.who, kind.refusal)
