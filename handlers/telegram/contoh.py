"""/contoh KODE (Amati, Tiru, Modifikasi), its file buttons, and /berbagi ya|tidak."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from handlers.telegram.commands import argument_text, refusals_answered, run
from handlers.telegram.common import caller_of, reply
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import fill
from services import actions, bounds, texts
from services.actions import Action
from services.errors import ZibotError
from services.formatting import tanggal
from services.zi import ExamplesReport, SharingState

MAX_BUTTONS = 10  # file buttons under one /contoh answer
BUTTON_LABEL = 40  # characters of a file name on its button (the full name is in the text)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB"


def examples_view(report: ExamplesReport) -> tuple[str, list[list[str]]]:
    """The /contoh text and, per file, (label, payload) rows for its buttons."""
    parts = [
        fill(
            texts.CONTOH_HEAD,
            code=report.item_code,
            year=report.year,
            activity=report.activity,
        )
    ]
    if report.expected:
        parts.append(fill(texts.CONTOH_EXPECTED, expected=report.expected))
    rows: list[list[str]] = []
    number = 0
    for example in report.examples:
        parts.append(fill(texts.CONTOH_SATKER, name=example.satker_name, code=example.satker_code))
        if example.note:
            parts.append(fill(texts.CONTOH_NOTE, note=example.note))
        for shared in example.files:
            number += 1
            when = tanggal(shared.reviewed_at.date()) if shared.reviewed_at else "-"
            parts.append(
                fill(
                    texts.CONTOH_FILE,
                    number=number,
                    name=shared.name,
                    size=_size(shared.size),
                    date=when,
                )
            )
            if len(rows) < MAX_BUTTONS:
                label = texts.CONTOH_BUTTON.format(
                    number=number, name=bounds.excerpt(shared.name, BUTTON_LABEL)
                )
                rows.append([label, actions.example_file(shared.evidence_id)])
    if not report.examples:
        parts.append("\n" + fill(texts.CONTOH_NONE))
    if report.not_shared:
        parts.append("\n" + fill(texts.CONTOH_NOT_SHARED, count=report.not_shared))
    if rows:
        parts.append("\n" + fill(texts.CONTOH_FOOT))
    if number > len(rows):
        parts.append(fill(texts.CONTOH_FOOT_MORE, shown=len(rows), more=number - len(rows)))
    return "\n".join(parts), rows


@refusals_answered
async def contoh(update: Update, context: ZiContext) -> None:
    """/contoh KODE: accepted evidence other satkers share for the item, with file buttons."""
    report = await run(context.contoh.examples, caller_of(update), argument_text(context))
    text, rows = examples_view(report)
    markup = None
    if rows:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=data)] for label, data in rows]
        )
    await reply(update, text, reply_markup=markup)


async def example_button(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """A file button under /contoh: send that example file into the chat."""
    assert action.id is not None
    try:
        document = await run(context.contoh.example_file, caller_of(update), action.id)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer()
    chat = update.effective_chat
    assert chat is not None
    with document.path.open("rb") as handle:
        await context.bot.send_document(
            chat.id,
            handle,
            filename=document.name,
            caption=fill(
                texts.CONTOH_FILE_CAPTION,
                code=document.item_code,
                satker=document.satker_name,
                name=document.name,
            ),
            parse_mode=ParseMode.HTML,
        )


def sharing_view(state: SharingState, asked_change: bool) -> str:
    """/berbagi: the satker's setting (and that nothing changed, when a change was asked)."""
    text = fill(texts.BERBAGI_ON if state.share else texts.BERBAGI_OFF, name=state.satker.name)
    if asked_change and not state.changed:
        return f"{text}\n{fill(texts.BERBAGI_UNCHANGED)}"
    return text


@refusals_answered
async def berbagi(update: Update, context: ZiContext) -> None:
    """/berbagi [ya|tidak]: see or (the satker's admin) change whether it shares evidence."""
    argument = argument_text(context)
    state = await run(context.contoh.sharing, caller_of(update), argument)
    await reply(update, sharing_view(state, bool(argument.strip())))
