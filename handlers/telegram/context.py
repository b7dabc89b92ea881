"""The typed context every Telegram handler receives (PTB's ``ContextTypes``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from telegram.ext import Application, CallbackContext, ExtBot

from services.usecases.bukti import Bukti
from services.usecases.contoh import Contoh
from services.usecases.drafts import Drafts
from services.usecases.instruksi import Instruksis
from services.usecases.kendala import Kendalas
from services.usecases.lapor import Lapor
from services.usecases.linking import Linking
from services.usecases.lke import Lke
from services.usecases.lke_nilai import LkeNilai
from services.usecases.membership import Membership
from services.usecases.paket import Paket
from services.usecases.progress import Progress
from services.usecases.review import Review
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

    # Each handler reaches the feature it serves, typed as that feature only (the object is
    # the one ``Zibot`` that composes them all): a handler cannot wander into another's cases.

    @property
    def membership(self) -> Membership:
        """Registration, group links, the group lifecycle, who may press a button."""
        return self.zi

    @property
    def linking(self) -> Linking:
        """/tautkan: link codes."""
        return self.zi

    @property
    def progress(self) -> Progress:
        """/progres, /tenggat, /rencana."""
        return self.zi

    @property
    def lapor(self) -> Lapor:
        """/lapor and the reminder buttons."""
        return self.zi

    @property
    def bukti(self) -> Bukti:
        """/bukti and its prompt."""
        return self.zi

    @property
    def drafts(self) -> Drafts:
        """The /kendala drafts."""
        return self.zi

    @property
    def kendala(self) -> Kendalas:
        """Kendala tickets and their attachments."""
        return self.zi

    @property
    def instruksi(self) -> Instruksis:
        """/instruksi and its receipts."""
        return self.zi

    @property
    def review(self) -> Review:
        """/verifikasi: the review of bukti dukung by the province."""
        return self.zi

    @property
    def paket(self) -> Paket:
        """/paketbukti: the evidence pack for the assessors."""
        return self.zi

    @property
    def contoh(self) -> Contoh:
        """/contoh and /berbagi: accepted evidence other satkers share."""
        return self.zi

    @property
    def lke(self) -> Lke:
        """/lke: the self-assessment walk on the worksheet."""
        return self.zi

    @property
    def lke_nilai(self) -> LkeNilai:
        """/progres nilai and /lke hasil: the projected score."""
        return self.zi
