"""Small helpers shared by the Telegram handlers: who is asking, and safe replies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from telegram import Bot, ForceReply, Message, Update, User
from telegram.constants import MessageLimit, ParseMode

from services.evidence import check_upload
from services.zi import Caller

CHANNEL = "telegram"


def caller_of(update: Update) -> Caller:
    """The chat and user an update comes from."""
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None and user is not None
    return Caller(
        channel=CHANNEL,
        chat_id=str(chat.id),
        is_private=chat.type == chat.PRIVATE,
        user_id=str(user.id),
        user_name=user.full_name,
    )


def e(value: object) -> str:
    """Escape text that came from people or spreadsheets before it goes into HTML."""
    return escape(str(value), quote=False)


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split a long message at line breaks so that every part fits Telegram's limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single overlong line: cut it hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts or [""]


async def reply(update: Update, text: str, **kwargs: object) -> Message | None:
    """Answer in the chat the update came from, in as many messages as the text needs."""
    message = update.effective_message
    if message is None:
        return None
    sent = None
    parts = split_message(text)
    for index, part in enumerate(parts):
        extra = kwargs if index == len(parts) - 1 else {}
        sent = await message.reply_text(
            part,
            parse_mode=ParseMode.HTML,
            do_quote=message.chat.type != message.chat.PRIVATE,
            **extra,  # type: ignore[arg-type]
        )
    return sent


def lines(*parts: str | Iterable[str] | None) -> str:
    """Join message parts (strings or lists of lines), skipping empty ones."""
    result: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, str):
            result.append(part)
        else:
            result.extend(part)
    return "\n".join(result)


def mention(user: User) -> str:
    """An HTML mention of a person (it also makes a selective ForceReply reach them)."""
    return f'<a href="tg://user?id={user.id}">{e(user.first_name)}</a>'


async def ask(update: Update, bot: Bot, text: str, placeholder: str) -> Message:
    """A prompt the person must answer by replying. In groups it mentions them, so that the
    selective ForceReply opens their reply field even when the prompt follows a button."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type == chat.PRIVATE:  # any message there reaches the bot
        return await bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)
    return await bot.send_message(
        chat.id,
        f"{mention(user)}, {text[:1].lower()}{text[1:]}",
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder[:64]),
    )


@dataclass(frozen=True)
class IncomingFile:
    """A document or photo someone sent, before it is downloaded."""

    name: str
    mime_type: str | None
    size: int | None
    file_id: str


def incoming_file(message: Message, photo_name: str = "foto.jpg") -> IncomingFile | None:
    """The document, or the largest size of the photo, in a message; None for anything else."""
    if message.document is not None:
        doc = message.document
        return IncomingFile(doc.file_name or "dokumen", doc.mime_type, doc.file_size, doc.file_id)
    if message.photo:
        photo = message.photo[-1]
        return IncomingFile(photo_name, "image/jpeg", photo.file_size, photo.file_id)
    return None


async def download(bot: Bot, file: IncomingFile) -> bytes:
    """Fetch a file from Telegram, after checking its size and type (bot limit 20 MB)."""
    check_upload(file.name, file.mime_type, file.size)
    telegram_file = await bot.get_file(file.file_id)
    return bytes(await telegram_file.download_as_bytearray())
