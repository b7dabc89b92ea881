"""The channel port: how the reminder engine hands a message to Telegram (or WhatsApp)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

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
    via_template: bool = False  # it went as the channel's approved template (WhatsApp)


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


# --- channels that decide at send time (WhatsApp) ------------------------------------------


class TemplateRejected(SendFailed):
    """The channel refused the approved template itself (unknown name, paused, parameters not
    matching): every message that needs it will fail the same way until an admin fixes it."""

    def __init__(self, reason: str, template: str) -> None:
        super().__init__(reason)
        self.template = template


@dataclass(frozen=True)
class Delivery:
    """What a channel that decides how to send at send time learns about one outbox message:
    its id (the tracker statuses come back with), its notice, whether a free-form message may
    go (WhatsApp's 24-hour window) and whether it must go as the approved template."""

    outbox_id: int
    notice: Notice | None
    window_open: bool = True
    via_template: bool = False


@runtime_checkable
class DeliveringNotifier(Protocol):
    """A notifier that sends a whole outbox message itself (parts, template or not)."""

    async def deliver(
        self, chat_id: str, delivery: Delivery, parts: list[Rendered], attachment: Attachment | None
    ) -> Sent:
        """Send ``parts`` (the notice as the channel's presenter rendered it) or, outside the
        window, the template for ``delivery.notice``; raise ``SendFailed``."""
        ...
