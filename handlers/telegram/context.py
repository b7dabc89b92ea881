"""The typed context every Telegram handler receives (PTB's ``ContextTypes``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from telegram.ext import Application, CallbackContext, ExtBot

from services.zi import Zibot

if TYPE_CHECKING:
    from handlers.telegram.throttle import ThrottleGate


class SweepEngine(Protocol):
    """The reminder engine, as the bot's job sees it."""

    async def sweep(self) -> object:
        """Plan what is due and send it."""
        ...


class Sweeper(Protocol):
    """The engine's own task, which a change can wake."""

    def kick(self) -> None: ...


class BotData:
    """Application-wide objects; the composition root fills them in once at start-up."""

    def __init__(self) -> None:
        self.zibot: Zibot | None = None
        self.engine: SweepEngine | None = None
        self.sweeper: Sweeper | None = None  # started with the application
        self.sweep_seconds = 60
        # The per-user flood throttle, this process only: its counts are lost on restart, and
        # each replica counts the updates it receives.
        self.throttle: ThrottleGate | None = None


class ZiContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """PTB's callback context with typed access to the use cases."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def zi(self) -> Zibot:
        """The use cases (set by ``bot.app.build_application``)."""
        zibot = self.bot_data.zibot
        if zibot is None:
            raise RuntimeError("build_application() did not set bot_data.zibot")
        return zibot
