"""The channel port: how the reminder engine hands a message to Telegram (or WhatsApp)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from services.notices import Notice

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)


class SendFailed(Exception):
    """The channel did not accept the message; the outbox decides what happens next."""


class RetryLater(SendFailed):
    """A passing problem (flood limit, timeout, 5xx): try again, after ``retry_after`` seconds
    when the channel said so."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Moved(SendFailed):
    """The group became a supergroup with a new chat id: write there from now on."""

    def __init__(self, reason: str, new_chat_id: str) -> None:
        super().__init__(reason)
        self.new_chat_id = new_chat_id


class Unreachable(SendFailed):
    """The chat blocked the bot or no longer exists: stop writing to it."""


class Removed(Unreachable):
    """The bot is no longer in the group (removed, or it left): the group's link goes inactive,
    as when the ``my_chat_member`` update says so (which a bot down for a day never gets)."""


@dataclass(frozen=True)
class Sent:
    """What the channel answered for an accepted message."""

    message_id: str | int | None  # the channel's id of the message (stored as text)


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message: a path under the evidence directory and its type."""

    path: str
    mime_type: str


@dataclass(frozen=True)
class Rendered:
    """One message as a channel will send it: its text (channel markup) and buttons."""

    text: str
    buttons: Buttons


class Presenter(Protocol):
    """How a channel says a notice: one message, or several (the buttons under the last)."""

    def render(self, notice: Notice) -> list[Rendered]: ...


class Notifier(Protocol):
    """Sends one message to one chat of one channel; ``presenter`` says notices its way."""

    channel: str

    @property
    def presenter(self) -> Presenter:
        """How this channel says notices."""
        ...

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: Attachment | None = None
    ) -> Sent:
        """Deliver ``text`` (channel markup; the caption when there is an attachment) with
        inline buttons; raise ``SendFailed``."""
        ...
