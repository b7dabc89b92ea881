"""The Telegram side of the channel port: send one outbox message through the bot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.telegram.common import split_message
from handlers.telegram.presenter import TelegramPresenter
from services.notify import (
    Attachment,
    Buttons,
    Moved,
    Removed,
    RetryLater,
    SendFailed,
    Sent,
    Unreachable,
)

_OUT_OF_GROUP = ("kicked from the", "not a member of the")
_GONE = ("chat not found", "user not found", "group chat was deactivated", "chat_write_forbidden")


class TelegramNotifier:
    """Sends through the application's bot (and so through its AIORateLimiter)."""

    channel = "telegram"
    presenter = TelegramPresenter()

    def __init__(self, bot: Bot, evidence_dir: Path) -> None:
        self._bot = bot
        self._evidence_dir = evidence_dir

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: Attachment | None = None
    ) -> Sent:
        """Send HTML text with inline buttons; translate Telegram errors for the outbox."""
        markup = (
            InlineKeyboardMarkup(
                [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                 for row in buttons]
            )
            if buttons
            else None
        )  # fmt: skip
        try:
            if attachment is not None:
                message = await self._send_file(int(chat_id), text, markup, attachment)
            else:
                message = await self._send_text(int(chat_id), text, markup)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RetryLater(str(exc), seconds) from exc
        except Forbidden as exc:
            if int(chat_id) < 0 and any(r in str(exc).lower() for r in _OUT_OF_GROUP):
                raise Removed(str(exc)) from exc
            raise Unreachable(str(exc)) from exc
        except ChatMigrated as exc:
            raise Moved(str(exc), str(exc.new_chat_id)) from exc
        except BadRequest as exc:
            if any(reason in str(exc).lower() for reason in _GONE):
                raise Unreachable(str(exc)) from exc
            raise SendFailed(str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise RetryLater(str(exc)) from exc
        return Sent(message.message_id)

    async def _send_text(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> Message:
        """One message, or several when a stored text (a kendala, an answer, an instruction of
        up to 4,096 characters under its heading) makes it longer: split, never cut. The
        buttons go under the last part."""
        parts = split_message(text)
        for part in parts[:-1]:
            await self._bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
        return await self._bot.send_message(
            chat_id, parts[-1], parse_mode=ParseMode.HTML, reply_markup=markup
        )

    async def _send_file(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        attachment: Attachment,
    ) -> Message:
        path = self._evidence_dir / attachment.path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SendFailed(f"attachment missing: {attachment.path}") from exc
        caption, *rest = split_message(text, MessageLimit.CAPTION_LENGTH)
        rest_text = "\n".join(rest)  # a caption too long for one: the rest follows as text
        file_markup = None if rest_text else markup
        if attachment.mime_type.startswith("image/"):
            message = await self._bot.send_photo(
                chat_id, data, caption=caption, parse_mode=ParseMode.HTML,
                reply_markup=file_markup,
            )  # fmt: skip
        else:
            message = await self._bot.send_document(
                chat_id, data, filename=path.name, caption=caption,
                parse_mode=ParseMode.HTML, reply_markup=file_markup,
            )  # fmt: skip
        return await self._send_text(chat_id, rest_text, markup) if rest_text else message
