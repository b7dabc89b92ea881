"""/instruksi: broadcast to every satker group and every pimpinan; "Sudah dibaca" receipts."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from handlers import views
from handlers.telegram.commands import refusals_answered, run
from handlers.telegram.common import caller_of, download, incoming_file, reply, text_after_command
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import TELEGRAM
from services import texts
from services.actions import Action
from services.errors import ZibotError
from services.kendala import Attachment


@refusals_answered
async def instruksi(update: Update, context: ZiContext) -> None:
    """/instruksi <teks> (optionally replying to a document), or /instruksi status [nomor]."""
    args = context.args or []
    caller = caller_of(update)
    if args and args[0].lower() == "status":
        result = await run(context.zi.instruksi_status, caller, " ".join(args[1:]))
        await reply(update, views.instruksi_status(TELEGRAM, result, context.zi.tz))
        return
    member = await run(context.zi.member, caller)
    if member is None or not member.is_admin:
        raise ZibotError(texts.INSTRUKSI_ADMIN_ONLY)
    text = text_after_command(update)  # as typed, line breaks kept
    if not text.strip():
        await reply(update, texts.INSTRUKSI_USAGE)
        return
    attachment = await _attachment(update, context)
    sent = await run(context.zi.instruksi_send, caller, text, attachment)
    await reply(
        update,
        texts.INSTRUKSI_SENT.format(number=sent.number, groups=sent.groups, leaders=sent.leaders),
    )


async def _attachment(update: Update, context: ZiContext) -> Attachment | None:
    message = update.effective_message
    original = message.reply_to_message if message else None
    if original is None:
        return None
    file = incoming_file(original)
    if file is None:
        return None
    data = await download(context.bot, file)
    return await run(context.zi.save_attachment, "instruksi", data, file.name, file.mime_type)


async def read_button(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """ "Sudah dibaca": record who confirmed and when, once."""
    assert action.id is not None
    try:
        number, already = await run(context.zi.instruksi_confirm, caller_of(update), action.id)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    template = texts.INSTRUKSI_ALREADY if already else texts.INSTRUKSI_CONFIRMED
    await query.answer(template.format(number=number), show_alert=True)
