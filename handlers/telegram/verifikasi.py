"""/verifikasi: the province reviews bukti dukung. Each waiting bukti is one message with
"Kirim file" (the file again), "Terima" and "Tolak"; "Tolak" asks for the reason (a step kept
in the database), which the reviewer gives by replying (in a private chat, any next text)."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from handlers.telegram.commands import argument_text, batal_idle, refusals_answered, run
from handlers.telegram.common import ask, caller_of, e, reply
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import TelegramPresenter, fill
from services import texts
from services.actions import Action
from services.errors import ZibotError
from services.notify import Buttons
from services.status import ReviewStatus
from services.usecases.review import ReviewOutcome

PRESENTER = TelegramPresenter()


def _markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
         for row in buttons]
    )  # fmt: skip


@refusals_answered
async def verifikasi(update: Update, context: ZiContext) -> None:
    """/verifikasi [SATKER]: what waits for review, oldest first, one message per bukti."""
    queue = await run(context.review.review_queue, caller_of(update), argument_text(context))
    if not queue.entries:
        if queue.satker is None:
            await reply(update, fill(texts.REVIEW_QUEUE_EMPTY))
        else:
            await reply(update, fill(texts.REVIEW_QUEUE_EMPTY_SATKER, name=queue.satker.name))
        return
    if queue.satker is None:
        head = fill(texts.REVIEW_QUEUE_HEAD, total=queue.total)
    else:
        head = fill(texts.REVIEW_QUEUE_HEAD_SATKER, name=queue.satker.name, total=queue.total)
    await reply(update, head)
    for request in queue.requests:
        for part in PRESENTER.render(request):
            await reply(update, part.text, reply_markup=_markup(part.buttons))
    if queue.total > len(queue.entries):
        await reply(
            update,
            fill(texts.REVIEW_QUEUE_MORE, shown=len(queue.entries), total=queue.total),
        )


def _done_text(outcome: ReviewOutcome) -> str:
    if outcome.status == ReviewStatus.DITERIMA:
        return fill(
            texts.REVIEW_ACCEPTED_DONE,
            name=outcome.file_name,
            code=outcome.item_code,
            satker=outcome.satker.name,
            state=texts.ITEM_STATE_LABELS[outcome.item_state],
        )
    return fill(
        texts.REVIEW_REJECTED_DONE,
        name=outcome.file_name,
        code=outcome.item_code,
        satker=outcome.satker.name,
    )


async def review_button(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """ "Kirim file", "Terima" or "Tolak" under a waiting bukti (who may press them, admins
    and verifikator, was checked by the registry)."""
    assert action.id is not None
    caller = caller_of(update)
    try:
        if action.step == "file":
            found = await run(context.review.review_file, caller, action.id)
            await query.answer()
            chat = update.effective_chat
            assert chat is not None
            await context.bot.send_document(
                chat.id,
                found.path.read_bytes(),
                filename=found.file_name,
                caption=e(found.caption),
                parse_mode=ParseMode.HTML,
            )
            return
        if action.step == "ok":
            outcome = await run(context.review.review_accept, caller, action.id)
            await query.answer()
            await _close_entry(query, _done_text(outcome))
            return
        entry = await run(context.review.review_reject_start, caller, action.id)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer()
    prompt = await ask(
        update,
        context.bot,
        fill(texts.REVIEW_ASK_REASON, name=entry.file_name, code=entry.item_code),
        texts.REVIEW_ASK_REASON_PLACEHOLDER,
    )
    await run(context.review.review_prompt_sent, caller, action.id, str(prompt.message_id))


async def _close_entry(query: CallbackQuery, outcome: str) -> None:
    """The entry's message: its buttons go, the outcome follows it."""
    await query.edit_message_reply_markup(reply_markup=None)
    message = query.message
    if isinstance(message, Message):
        await message.reply_text(outcome, parse_mode=ParseMode.HTML)


async def reason_reply(update: Update, context: ZiContext) -> None:
    """A text that may be the reason of a rejection: a reply to the open "Tulis alasan" prompt,
    or, in a private chat, the reviewer's next text while the prompt is open. Anything else is
    not for us (no answer)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    caller = caller_of(update)
    prompt_id = None
    if message.reply_to_message is not None:
        prompt_id = str(message.reply_to_message.message_id)
    elif not caller.is_private:
        return
    try:
        outcome = await run(context.review.review_reason, caller, message.text, prompt_id)
    except ZibotError as exc:
        await reply(update, e(exc))
        return
    if outcome is None:
        return
    await reply(update, _done_text(outcome))


async def batal(update: Update, context: ZiContext) -> None:
    """/batal outside the conversations: leaves an open "Tulis alasan" prompt, if any."""
    if await run(context.review.review_reason_cancel, caller_of(update)):
        await reply(update, fill(texts.REVIEW_REASON_CANCELLED))
        return
    await batal_idle(update, context)
