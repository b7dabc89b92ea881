"""The /kendala draft: where each person's report stands, kept in the database."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from services import conversations, evidence
from services.access import Caller
from services.usecases.base import UseCase

DRAFT = "kendala"  # the conversation kind of a /kendala draft
DRAFT_TTL = timedelta(minutes=30)
EXPIRED_KEPT = timedelta(days=1)  # an expired step is deleted a day later (a late answer is told)
EXPIRE_BATCH = 500  # rows deleted per sweep at most: the sweep stays short
log = logging.getLogger(__name__)


class Drafts(UseCase):
    """Open /kendala drafts: saved at every step, so that a restart continues them."""

    def draft_save(self, caller: Caller, step: str, data: dict[str, Any]) -> None:
        """The caller's /kendala draft in this chat is at ``step`` holding ``data`` (kept in
        the database, so that a restart continues it; 30 minutes after the last step it ends)."""
        with self._sessions.begin() as session:
            conversations.start(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=DRAFT,
                step=step,
                data=data,
                now=self.now(),
                ttl=DRAFT_TTL,
            )

    def draft(self, caller: Caller) -> tuple[str, dict[str, Any]] | None:
        """The caller's open /kendala draft in this chat: (step, data), or None."""
        with self._sessions() as session:
            step = conversations.get(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                now=self.now(),
                kind=DRAFT,
            )
        return None if step is None else (step.step, step.data)

    def draft_end(self, caller: Caller) -> dict[str, Any] | None:
        """Close the caller's /kendala draft in this chat; its data (None: there was none)."""
        with self._sessions.begin() as session:
            step = conversations.finish(
                session,
                channel=caller.channel,
                chat_id=caller.chat_id,
                user_id=caller.user_id,
                kind=DRAFT,
            )
        return None if step is None else step.data

    def expire_conversations(self, limit: int = EXPIRE_BATCH) -> int:
        """Delete conversations that expired more than ``EXPIRED_KEPT`` ago (at most ``limit``,
        oldest first; run by the engine's sweep) and the files their drafts had staged."""
        with self._sessions.begin() as session:
            gone = conversations.expire(session, self.now(), kept=EXPIRED_KEPT, limit=limit)
        for step in gone:  # after the commit: a rollback must not lose a draft's file
            staged = step.data.get("attachment") if step.kind == DRAFT else None
            if isinstance(staged, dict) and isinstance(staged.get("path"), str):
                evidence.discard(self.evidence_dir, staged["path"])
        if gone:
            log.info("Deleted %s expired conversations", len(gone))
        return len(gone)

    def open_drafts(self, channel: str) -> list[tuple[str, str, str]]:
        """Every open /kendala draft on a channel: (chat id, user id, step), for a restart."""
        with self._sessions() as session:
            return [
                (s.chat_id, s.user_id, s.step)
                for s in conversations.open_steps(
                    session, channel=channel, kind=DRAFT, now=self.now()
                )
            ]
