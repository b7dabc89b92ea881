"""/bukti: a short conversation that files a document or photo as bukti dukung."""

from __future__ import annotations

import re

from telegram import ForceReply, Message, Update
from telegram.ext import ConversationHandler

from handlers.telegram.commands import refusals_answered, run
from handlers.telegram.common import caller_of, download, e, incoming_file, reply
from handlers.telegram.context import ZiContext
from services import texts
from services.errors import ZibotError
from services.zi import EvidenceSlot

WAITING_FILE = 1
SLOT_KEY = "bukti_slot"
PROMPT_KEY = "bukti_prompt"
CLOSED_KEY = "bukti_closed_prompts"


def _close_prompt(context: ZiContext, user_id: str) -> None:
    """The prompt was answered or cancelled: later replies to it are not files for it."""
    if context.chat_data is None:
        return
    prompt_id = context.chat_data.pop((PROMPT_KEY, user_id), None)
    if isinstance(prompt_id, int):
        closed = context.chat_data.setdefault(CLOSED_KEY, set())
        closed.add(prompt_id)


@refusals_answered
async def bukti(update: Update, context: ZiContext) -> int:
    """/bukti <kode>: check the item, then ask for the file (ForceReply, for privacy mode)."""
    caller = caller_of(update)
    slot = await run(context.zi.evidence_slot, caller, " ".join(context.args or []))
    if context.chat_data is not None:
        context.chat_data[(SLOT_KEY, caller.user_id)] = slot
    prompt = await reply(
        update,
        texts.BUKTI_SEND_FILE.format(code=e(slot.item_code), activity=e(slot.activity)),
        reply_markup=ForceReply(selective=True, input_field_placeholder=texts.BUKTI_PLACEHOLDER),
    )
    if prompt is not None and context.chat_data is not None:
        context.chat_data[(PROMPT_KEY, caller.user_id)] = prompt.message_id
    return WAITING_FILE


async def bukti_with_caption(update: Update, context: ZiContext) -> int:
    """A document or photo whose caption is ``/bukti <kode>``: file it in one step."""
    message = update.effective_message
    assert message is not None and message.caption is not None
    code = " ".join(message.caption.split()[1:])
    try:
        slot = await run(context.zi.evidence_slot, caller_of(update), code)
    except ZibotError as exc:
        await reply(update, e(exc))
        return ConversationHandler.END
    await _store(update, context, message, slot)
    return ConversationHandler.END


async def receive_file(update: Update, context: ZiContext) -> int:
    """The file that answers the prompt."""
    message = update.effective_message
    assert message is not None
    caller = caller_of(update)
    slot = (context.chat_data or {}).pop((SLOT_KEY, caller.user_id), None)
    if message.caption and message.caption.startswith("/bukti"):
        # A captioned file names its own item, whatever was asked for before.
        return await bukti_with_caption(update, context)
    if not isinstance(slot, EvidenceSlot):
        await reply(update, texts.BUKTI_USAGE)
        return ConversationHandler.END
    stored = await _store(update, context, message, slot)
    if not stored and context.chat_data is not None:  # refused: let them try another file
        context.chat_data[(SLOT_KEY, caller.user_id)] = slot
        return WAITING_FILE
    _close_prompt(context, caller.user_id)
    return ConversationHandler.END


async def _store(update: Update, context: ZiContext, message: Message, slot: EvidenceSlot) -> bool:
    file = incoming_file(message, photo_name=f"foto-{slot.item_code}-{message.message_id}.jpg")
    if file is None:
        await reply(update, texts.BUKTI_WRONG_KIND)
        return False
    try:
        data = await download(context.bot, file)
        stored = await run(
            context.zi.store_evidence, caller_of(update), slot, data, file.name, file.mime_type
        )
    except ZibotError as exc:
        await reply(update, e(exc))
        return False
    await reply(
        update,
        texts.BUKTI_STORED.format(
            code=e(stored.item_code),
            name=e(stored.file_name),
            size=f"{stored.size / 1024:.0f} KB",
            sha=stored.sha256[:12],
        ),
    )
    return True


async def wrong_kind(update: Update, context: ZiContext) -> int:
    """Text, video, voice or a sticker while a file is expected."""
    await reply(update, texts.BUKTI_WRONG_KIND)
    return WAITING_FILE


async def batal(update: Update, context: ZiContext) -> int:
    """/batal inside the conversation."""
    caller = caller_of(update)
    if context.chat_data is not None:
        context.chat_data.pop((SLOT_KEY, caller.user_id), None)
    _close_prompt(context, caller.user_id)
    await reply(update, texts.BATAL_DONE)
    return ConversationHandler.END


async def timed_out(update: Update, context: ZiContext) -> None:
    """The conversation expired: forget the pending slot quietly."""
    if update is not None and update.effective_user and context.chat_data is not None:
        context.chat_data.pop((SLOT_KEY, str(update.effective_user.id)), None)


_PROMPT = re.compile(
    "^" + re.escape(re.sub(r"<[^>]+>", "", texts.BUKTI_SEND_FILE.split("{code}")[0])) + r"(\S+)"
)


async def file_for_old_prompt(update: Update, context: ZiContext) -> None:
    """A file replying to a /bukti prompt that the conversation no longer remembers (after a
    restart or a timeout): the prompt itself names the item, so file it there."""
    message = update.effective_message
    prompt = message.reply_to_message if message else None
    if message is None or prompt is None or prompt.from_user is None:
        return
    if prompt.from_user.id != context.bot.id or not prompt.text:
        return
    match = _PROMPT.match(prompt.text)
    if match is None:
        return
    remembered = context.chat_data or {}
    if prompt.message_id in remembered.get(CLOSED_KEY, set()):
        return  # answered or cancelled already
    if any(
        key[0] == PROMPT_KEY and value == prompt.message_id
        for key, value in remembered.items()
        if isinstance(key, tuple)
    ):
        return  # someone else's conversation is still waiting for this file
    try:
        slot = await run(context.zi.evidence_slot, caller_of(update), match.group(1))
    except ZibotError as exc:
        await reply(update, e(exc))
        return
    await _store(update, context, message, slot)


async def stray_file(update: Update, context: ZiContext) -> None:
    """A document or photo in a private chat outside /bukti: say how to file it."""
    await reply(update, texts.BUKTI_USAGE)
