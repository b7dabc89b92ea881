"""Numbered choices: a channel without enough buttons offers a numbered list; the payload of
each number is kept with the person's open step in the database, so that the answer "3" is
understood by any replica, after a restart too."""

from __future__ import annotations

from datetime import timedelta

from services import conversations
from services.access import Caller
from services.usecases.base import UseCase

CHOICE = "pilihan"  # the conversation kind of a numbered list offered on its own
CHOICE_TTL = timedelta(minutes=30)
OPTIONS = "options"  # the key of the numbered payloads in a conversation's data


class Choices(UseCase):
    """Numbered lists offered to a person and their answers."""

    def offer(self, caller: Caller, payloads: list[str]) -> None:
        """The caller was offered ``payloads`` as numbers 1..n: kept with their open step in
        this chat (a /kendala draft keeps its step), or as a step of its own."""
        with self._sessions.begin() as session:
            now = self.now()
            open_step = conversations.get(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                now=now,
            )
            if open_step is not None and open_step.kind != CHOICE:
                conversations.advance(
                    session,
                    channel=caller.channel,
                    chat_id=caller.chat_id,
                    user_id=caller.user_id,
                    step=open_step.step,
                    data={OPTIONS: payloads},
                    now=now,
                    ttl=(open_step.expires_at - now) if open_step.expires_at else CHOICE_TTL,
                )
                return
            conversations.start(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=CHOICE,
                step="number",
                data={OPTIONS: payloads},
                now=now,
                ttl=CHOICE_TTL,
            )

    def pick(self, caller: Caller, number: int) -> str | None:
        """The payload behind ``number`` in the list last offered to the caller here; None
        when no list is open or the number is not on it."""
        with self._sessions() as session:
            step = conversations.get(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                now=self.now(),
            )
        if step is None:
            return None
        options = step.data.get(OPTIONS)
        if not isinstance(options, list) or not 1 <= number <= len(options):
            return None
        return str(options[number - 1])

    def open_kind(self, caller: Caller) -> tuple[str, str] | None:
        """The kind and step of the caller's open conversation here, if any."""
        with self._sessions() as session:
            step = conversations.get(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                now=self.now(),
            )
        return None if step is None else (step.kind, step.step)

    def end_choice(self, caller: Caller) -> bool:
        """Close a numbered list offered on its own (a /kendala draft is left as it is)."""
        with self._sessions.begin() as session:
            done = conversations.finish(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=CHOICE,
            )
        return done is not None
