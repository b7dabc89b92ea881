"""Small helpers shared by the Telegram handlers: who is asking, and safe replies."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html import escape, unescape

from telegram import Bot, ForceReply, Message, Update, User
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, TelegramError

from services import texts
from services.errors import ZibotError
from services.evidence import check_upload
from services.zi import Caller

CHANNEL = "telegram"
log = logging.getLogger(__name__)


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


_TOKEN = re.compile(r"<[^<>]*>|&(?:[A-Za-z]+|#[0-9]+|#[xX][0-9A-Fa-f]+);|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_MARKUP = re.compile(r"<[^<>]*>")
Opened = tuple[tuple[str, str], ...]  # the tags open at a point: (name, opening tag as written)


def _units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


def _after(opened: Opened, token: str) -> Opened:
    """The open tags after ``token``."""
    if not token.startswith("<") or len(token) < 3:
        return opened
    match = _TAG_NAME.match(token)
    if match is None:
        return opened
    name = match.group(1).lower()
    if not token.startswith("</"):
        return (*opened, (name, token))
    for index in range(len(opened) - 1, -1, -1):
        if opened[index][0] == name:
            return opened[:index] + opened[index + 1 :]
    return opened


def _closing(opened: Opened) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(opened))


def _shown(token: str) -> int:
    """What a token adds to the text Telegram counts: nothing for a tag, one character for an
    entity, itself otherwise."""
    if len(token) > 1 and token[0] == "<":
        return 0
    if len(token) > 1 and token[0] == "&":
        return _units(unescape(token))
    return _units(token)


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split Telegram HTML into messages that each fit ``limit`` and are valid on their own.

    Telegram's limit is on the text after parsing, in UTF-16 units: tags count nothing and an
    entity (``&lt;``) one character. A part breaks after its last line that fits, else after
    its last space, else between two characters, but never inside a tag or an entity: tags
    open at a break are closed at the end of the part and opened again at the start of the
    next. Only the line break at a break (and a part of nothing but blanks) is dropped, so the
    parts' texts together are the whole text.
    """
    if _units(text) <= limit:  # the markup is never shorter than its text
        return [text]
    tokens = _TOKEN.findall(text)
    parts: list[str] = []
    opened: Opened = ()
    start = 0
    while start < len(tokens):
        stack = opened
        size = 0
        end = start
        line_break: tuple[int, int, Opened] | None = None  # (end of part, next start, tags)
        space: tuple[int, int, Opened] | None = None
        while end < len(tokens):
            token = tokens[end]
            cost = _shown(token)
            if size + cost > limit:
                break
            size += cost
            stack = _after(stack, token)
            end += 1
            if token == "\n":
                line_break = (end - 1, end, stack)
            elif token == " ":
                space = (end, end, stack)
        if end == len(tokens):
            parts.append("".join(tag for _, tag in opened) + "".join(tokens[start:]))
            break
        if line_break is not None and line_break[0] > start:
            cut, following, at_cut = line_break
        elif space is not None:
            cut, following, at_cut = space
        elif end > start:
            cut, following, at_cut = end, end, stack
        else:
            raise ValueError(f"a limit of {limit} cannot hold {tokens[start]!r}")
        body = "".join(tokens[start:cut])
        parts.append("".join(tag for _, tag in opened) + body + _closing(at_cut))
        opened, start = at_cut, following
    shown = [part for part in parts if _MARKUP.sub("", part).strip()]
    return shown or [""]


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


class DownloadRefused(ZibotError):
    """Telegram would not give the bot a file; ``str()`` tells the person what to do."""


async def download(bot: Bot, file: IncomingFile) -> bytes:
    """Fetch a file from Telegram, after checking its size and type (bot limit 20 MB).

    The size is checked again when ``getFile`` states it (an update may not). Any refusal of
    the Bot API ("file is too big", an expired file id, a network failure) is a
    ``DownloadRefused`` with an Indonesian reason, logged in one line without a traceback.
    """
    check_upload(file.name, file.mime_type, file.size)
    try:
        telegram_file = await bot.get_file(file.file_id)
        if file.size is None:
            check_upload(file.name, file.mime_type, telegram_file.file_size)
        return bytes(await telegram_file.download_as_bytearray())
    except BadRequest as exc:
        too_big = "too big" in exc.message.lower()
        log.info("Telegram refused the file %r: %s", file.name[:80], exc.message)
        reason = texts.DOWNLOAD_TOO_BIG if too_big else texts.DOWNLOAD_FAILED
        raise DownloadRefused(reason) from None
    except TelegramError as exc:
        log.warning("Could not fetch the file %r from Telegram: %s", file.name[:80], exc)
        raise DownloadRefused(texts.DOWNLOAD_FAILED) from None


def text_after_command(update: Update, words: int = 0) -> str:
    """What the person typed after the command and ``words`` more words, as typed: line breaks
    and spacing kept (``context.args`` has lost them)."""
    message = update.effective_message
    raw = (message.text or message.caption or "") if message is not None else ""
    parts = raw.split(None, words + 1)
    return parts[words + 1] if len(parts) > words + 1 else ""
