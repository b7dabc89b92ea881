"""Button presses: one registry decodes every press once (``services.actions``), checks who may
press it once (``services.access.may_press``, by the rule its kind declares in
``services.actions.KINDS``) and routes it to its handler.

``bot.app`` registers one ``CallbackQueryHandler`` for ``Presses.dispatch`` after the
conversations (whose own ``kd:`` steps stay inside the /kendala conversation). A refused press
is answered "Tombol tidak berlaku." (malformed, forged, from an old keyboard) or with the
refusal (who may not press it), logged in one line, never with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from telegram import CallbackQuery, Update

from handlers.telegram.commands import run
from handlers.telegram.common import caller_of
from handlers.telegram.context import ZiContext
from services import actions, texts
from services.actions import Action, BadAction
from services.errors import ZibotError

log = logging.getLogger(__name__)

Press = Callable[[Update, ZiContext, CallbackQuery, Action], Awaitable[None]]


async def refuse(query: CallbackQuery, reason: str) -> None:
    """Answer a press the bot does not offer, and note it (forged, or from an old keyboard)."""
    user = query.from_user.id if query.from_user else None
    log.info("Button refused (%s): data=%r user=%s", reason, (query.data or "")[:80], user)
    await query.answer(texts.BUTTON_INVALID, show_alert=True)


async def pressed(update: Update, *prefixes: str) -> tuple[CallbackQuery, Action] | None:
    """The query and its decoded payload; None (answered and logged) when it is malformed.
    (For buttons inside a conversation, which the registry does not route.)"""
    query = update.callback_query
    assert query is not None
    try:
        return query, actions.decode(query.data, *prefixes)
    except BadAction as exc:
        await refuse(query, exc.reason)
        return None


class Presses:
    """The registry: each kind of button (``services.actions.KINDS``) and its handler."""

    def __init__(self, routes: Mapping[str, Press]) -> None:
        unknown = set(routes) - set(actions.KINDS)
        if unknown:
            raise ValueError(f"no action kind declared for {sorted(unknown)}")
        self._routes = dict(routes)

    async def dispatch(self, update: Update, context: ZiContext) -> None:
        """Decode, authorise and route one press; whatever happens, the press is answered."""
        query = update.callback_query
        assert query is not None
        try:
            action = actions.decode(query.data)
        except BadAction as exc:
            await refuse(query, exc.reason)
            return
        route = self._routes.get(action.prefix)
        if route is None:
            if action.prefix == actions.KENDALA:  # its conversation ended (timeout, restart)
                await query.answer(texts.KENDALA_EXPIRED, show_alert=True)
                return
            await refuse(query, "no handler takes it")
            return
        try:
            await run(context.membership.authorise_press, caller_of(update), action)
        except ZibotError as exc:
            await query.answer(str(exc)[:190], show_alert=True)
            return
        await route(update, context, query, action)
