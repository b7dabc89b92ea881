"""/bukti: a short conversation that files a document or photo as bukti dukung."""

from __future__ import annotations

from telegram import ForceReply, Message, Update
from telegram.ext import ConversationHandler

from handlers import views
from handlers.telegram.commands import refusals_answered, run
from handlers.telegram.common import caller_of, download, incoming_file, reply
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import TELEGRAM
from services import texts
from services.errors import ZibotError
from services.zi import EvidenceSlot

WAITING_FILE = 1


@refusals_answered
async def bukti(update: Update, context: ZiContext) -> int:
    """/bukti <kode>: check the item, then ask for the file (ForceReply, for privacy mode)."""
    caller = caller_of(update)
    slot = await run(context.zi.evidence_slot, caller, " ".join(context.args or []))
    prompt = await reply(
        update,
        views.bukti_ask(TELEGRAM, slot),
        reply_markup=ForceReply(selective=True, input_field_placeholder=texts.BUKTI_PLACEHOLDER),
    )
    if prompt is not None:  # the open step is kept in the database: a restart loses nothing
        await run(context.zi.bukti_prompt_sent, caller, slot, str(prompt.message_id))
    return WAITING_FILE


async def bukti_with_caption(update: Update, context: ZiContext) -> int:
    """A document or photo whose caption is ``/bukti <kode>``: file it in one step."""
    message = update.effective_message
    assert message is not None and message.caption is not None
    code = " ".join(message.caption.split()[1:])
    try:
        slot = await run(context.zi.evidence_slot, caller_of(update), code)
    except ZibotError as exc:
        await reply(update, views.refusal(TELEGRAM, exc))
        return ConversationHandler.END
    await _store(update, context, message, slot)
    return ConversationHandler.END


async def receive_file(update: Update, context: ZiContext) -> int:
    """The file that answers the prompt."""
    message = update.effective_message
    assert message is not None
    if message.caption and message.caption.startswith("/bukti"):
        # A captioned file names its own item, whatever was asked for before.
        return await bukti_with_caption(update, context)
    slot = await run(context.zi.bukti_open, caller_of(update))
    if slot is None:
        await reply(update, texts.BUKTI_USAGE)
        return ConversationHandler.END
    stored = await _store(update, context, message, slot)  # closes the prompt when stored
    return ConversationHandler.END if stored else WAITING_FILE  # refused: try another file


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
        await reply(update, views.refusal(TELEGRAM, exc))
        return False
    await reply(update, views.bukti_stored(TELEGRAM, stored))
    return True


async def wrong_kind(update: Update, context: ZiContext) -> int:
    """Text, video, voice or a sticker while a file is expected."""
    await reply(update, texts.BUKTI_WRONG_KIND)
    return WAITING_FILE


async def batal(update: Update, context: ZiContext) -> int:
    """/batal inside the conversation."""
    await run(context.zi.bukti_end, caller_of(update))
    await reply(update, texts.BATAL_DONE)
    return ConversationHandler.END


async def timed_out(update: Update, context: ZiContext) -> None:
    """The conversation expired: close the prompt quietly."""
    if update is not None and update.effective_user and update.effective_chat:
        await run(context.zi.bukti_end, caller_of(update))


async def file_for_old_prompt(update: Update, context: ZiContext) -> None:
    """A file replying to the person's open /bukti prompt that PTB's conversation does not
    know (the bot restarted meanwhile): the prompt is in the database, so file it there."""
    message = update.effective_message
    prompt = message.reply_to_message if message else None
    if message is None or prompt is None:
        return
    slot = await run(context.zi.bukti_open, caller_of(update), str(prompt.message_id))
    if slot is None:
        return
    await _store(update, context, message, slot)


async def stray_file(update: Update, context: ZiContext) -> None:
    """A document or photo in a private chat outside /bukti: say how to file it."""
    await reply(update, texts.BUKTI_USAGE)
