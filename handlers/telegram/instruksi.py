"""/instruksi: broadcast to every satker group and every pimpinan; "Sudah dibaca" receipts."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from handlers.telegram.commands import refusals_answered, run
from handlers.telegram.common import (
    caller_of,
    download,
    e,
    incoming_file,
    reply,
    text_after_command,
)
from handlers.telegram.context import ZiContext
from services import texts
from services.actions import Action
from services.bounds import excerpt
from services.errors import ZibotError
from services.formatting import tanggal, waktu
from services.instruksi import InstruksiStatus
from services.kendala import Attachment


@refusals_answered
async def instruksi(update: Update, context: ZiContext) -> None:
    """/instruksi <teks> (optionally replying to a document), or /instruksi status [nomor]."""
    args = context.args or []
    caller = caller_of(update)
    if args and args[0].lower() == "status":
        result = await run(context.zi.instruksi_status, caller, " ".join(args[1:]))
        await reply(update, render_status(result, context))
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


def render_status(status: InstruksiStatus, context: ZiContext) -> str:
    """Per satker and structure: ✅ who confirmed (when), ⏳ who has not."""
    tz = context.zi.tz
    lines = [
        texts.INSTRUKSI_STATUS_HEAD.format(
            number=status.number,
            date=tanggal(status.created_at.astimezone(tz).date()),
            text=e(excerpt(status.text, 300)),
        )
    ]
    done = missing = 0
    for satker in status.satkers:
        lines.append(texts.INSTRUKSI_STATUS_SATKER.format(satker=e(satker.satker_name)))
        if not satker.people:
            lines.append(texts.INSTRUKSI_STATUS_NONE)
        for person in sorted(satker.people, key=lambda p: (p.structure or "~", p.name)):
            confirmed = person.confirmed_at is not None
            done += confirmed
            missing += not confirmed
            lines.append(
                texts.INSTRUKSI_STATUS_LINE.format(
                    icon="✅" if confirmed else "⏳",
                    name=e(person.name),
                    structure=texts.STRUCTURE_LABELS.get(person.structure, person.structure),
                    when=f" — {waktu(person.confirmed_at, tz)}" if person.confirmed_at else "",
                )
            )
    lines.append(
        texts.INSTRUKSI_STATUS_FOOT.format(
            done=done, missing=missing, others=status.other_confirmations
        )
    )
    return "\n".join(lines)


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
