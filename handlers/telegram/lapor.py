"""/lapor: change an item's status, by arguments or through inline keyboards."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from handlers import views
from handlers.telegram.commands import refusals_answered, run
from handlers.telegram.common import caller_of, reply, text_after_command
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import TELEGRAM
from services import actions, texts
from services.actions import Action
from services.errors import ZibotError
from services.formatting import tanggal
from services.tracking import STATUSES

PREFIX = actions.LAPOR
MAX_BUTTONS = 60


def item_button_data(code: str) -> str:
    """Callback data that opens the status choice for an item (also used by reminders)."""
    return actions.lapor_item(code)


def _status_keyboard(code: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.STATUS_LABELS[status], callback_data=actions.lapor_status(code, status)
                )
                for status in STATUSES
            ]
        ]
    )


@refusals_answered
async def lapor(update: Update, context: ZiContext) -> None:
    """/lapor [kode] [status] [catatan]."""
    caller = caller_of(update)
    args = context.args or []
    if not args:
        satker, items = await run(context.zi.open_items, caller)
        if not items:
            await reply(update, views.lapor_choose_item(TELEGRAM, satker.name, False))
            return
        buttons = [
            InlineKeyboardButton(item.item_code, callback_data=item_button_data(item.item_code))
            for item in items[:MAX_BUTTONS]
        ]
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        await reply(
            update,
            views.lapor_choose_item(TELEGRAM, satker.name, True),
            reply_markup=InlineKeyboardMarkup(rows),
        )
        return
    if len(args) == 1:
        item = await run(context.zi.item, caller, args[0])
        await reply(
            update,
            views.lapor_choose_status(TELEGRAM, item),
            reply_markup=_status_keyboard(item.item_code),
        )
        return
    note = text_after_command(update, 2).strip() or None  # as typed, line breaks kept
    change = await run(context.zi.report, caller, args[0], args[1], note)
    await reply(update, views.lapor_done(TELEGRAM, change))


async def lapor_button(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """A press on an item or status button of /lapor (or of a reminder)."""
    assert action.code is not None
    caller = caller_of(update)
    try:
        if action.word is None:
            item = await run(context.zi.item, caller, action.code)
            await query.answer()
            await _edit(
                query,
                views.lapor_choose_status(TELEGRAM, item),
                _status_keyboard(item.item_code),
            )
            return
        change = await run(context.zi.report, caller, action.code, action.word, None)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer(texts.LAPOR_SAVED)
    await _edit(query, views.lapor_done(TELEGRAM, change), None)


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the message under the button; a double tap ("not modified") is harmless."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def reminder_done(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """ "Sudah selesai" under a reminder: open the /lapor status choice in a new message."""
    assert action.code is not None
    try:
        item = await run(context.zi.item, caller_of(update), action.code)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer()
    await reply(
        update,
        views.lapor_choose_status(TELEGRAM, item),
        reply_markup=_status_keyboard(item.item_code),
    )


async def reminder_snooze(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """ "Ingatkan besok" under a reminder: snooze that item for this chat."""
    assert action.id is not None
    try:
        code, until = await run(context.zi.snooze, caller_of(update), action.id)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer(texts.SNOOZED.format(code=code, date=tanggal(until)), show_alert=True)
