"""The Telegram side of the channel port: send one outbox message through the bot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

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
                message = await self._bot.send_message(
                    int(chat_id), text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
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

    async def _send_file(
        self,
        chat_id: int,
        caption: str,
        markup: InlineKeyboardMarkup | None,
        attachment: Attachment,
    ) -> Message:
        path = self._evidence_dir / attachment.path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SendFailed(f"attachment missing: {attachment.path}") from exc
        if attachment.mime_type.startswith("image/"):
            return await self._bot.send_photo(
                chat_id, data, caption=caption[:1024], parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )  # fmt: skip
        return await self._bot.send_document(
            chat_id, data, filename=path.name, caption=caption[:1024],
            parse_mode=ParseMode.HTML, reply_markup=markup,
        )  # fmt: skip
