"""/lke (the self-assessment walk), /lke hasil, /progres nilai: parse, call one use case, show
the reply composed by ``handlers.lke_views`` with Telegram's ``fill`` and inline buttons."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from handlers import lke_views as views
from handlers.telegram.commands import argument_text, refusals_answered, run
from handlers.telegram.common import ask, caller_of, e, reply, text_after_command
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import fill
from services import actions, texts
from services.actions import Action
from services.errors import ZibotError
from services.lke.walk import AreaDone, Card, Menu
from services.usecases.lke_nilai import LkeRanking

Shown = Menu | Card | AreaDone
BUTTON_NAME = 40  # characters of a file name on a button (the message lists it in full)


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _keyboard(shown: Shown) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if isinstance(shown, Menu):
        areas = [
            _button(
                texts.LKE_BUTTON_AREA.format(code=a.code, answered=a.answered, count=a.count),
                actions.lke_step("o", a.code),
            )
            for a in shown.areas
        ]
        rows += [areas[i : i + 3] for i in range(0, len(areas), 3)]
        rows += [
            [_button(f"{texts.LKE_BUTTON_CONFIRM.format(choice=choice)} {code}",
                     actions.lke_step("y", code))]
            for code, choice, _ in shown.proposals[:10]
        ]  # fmt: skip
        return InlineKeyboardMarkup(rows)
    if isinstance(shown, AreaDone):
        return None
    code = shown.code
    if shown.choices:
        rows.append(
            [_button(label, actions.lke_step("a", code, n)) for n, label in
             enumerate(shown.choices, start=1)]
        )  # fmt: skip
    if shown.proposal:
        rows.append(
            [_button(texts.LKE_BUTTON_CONFIRM.format(choice=shown.proposal),
                     actions.lke_step("y", code))]
        )  # fmt: skip
    for x in shown.evidence:
        template = texts.LKE_BUTTON_EVIDENCE_ON if x.attached else texts.LKE_BUTTON_EVIDENCE
        name = x.name if len(x.name) <= BUTTON_NAME else x.name[: BUTTON_NAME - 1] + "…"
        rows.append([_button(template.format(name=name), actions.lke_step("b", code, x.id))])
    last = [_button(texts.LKE_BUTTON_SKIP, actions.lke_step("s", code)),
            _button(texts.LKE_BUTTON_STOP, actions.lke_step("x"))]  # fmt: skip
    if shown.has_criteria:
        last.insert(0, _button(texts.LKE_BUTTON_CRITERIA, actions.lke_step("k", code)))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def _text(shown: Shown) -> str:
    if isinstance(shown, Menu):
        return views.menu(fill, shown)
    if isinstance(shown, AreaDone):
        return views.area_done(fill, shown)
    return views.card(fill, shown)


async def _show(
    update: Update, context: ZiContext, shown: Shown, query: CallbackQuery | None = None
) -> None:
    """Show the reply: a new message, or the pressed message edited; then, for a persen
    question, the prompt for its next number."""
    text, markup = _text(shown), _keyboard(shown)
    if query is None:
        await reply(update, text, reply_markup=markup)
    else:
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
    if isinstance(shown, Card) and shown.asking is not None:
        prompt = await ask(
            update, context.bot, views.ask_number(fill, shown),
            texts.LKE_ASK_PLACEHOLDER.format(code=shown.asking[0]),
        )  # fmt: skip
        await run(context.lke.lke_prompt_sent, caller_of(update), str(prompt.message_id))


@refusals_answered
async def lke(update: Update, context: ZiContext) -> None:
    """/lke [area|question]; /lke hasil KODE ipak=… ipkp=… capaian=… (admins)."""
    args = context.args or []
    caller = caller_of(update)
    if args and args[0].lower() == "hasil":
        satker = args[1] if len(args) > 1 else ""
        saved = await run(context.lke_nilai.lke_hasil, caller, satker, args[2:])
        await reply(update, views.hasil_saved(fill, saved))
        return
    shown = await run(context.lke.lke_open, caller, argument_text(context))
    await _show(update, context, shown)


async def lke_button(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """A press on a /lke button (who may press it was checked by the registry)."""
    caller, code, zi = caller_of(update), action.code or "", context.zi
    try:
        if action.step == actions.LKE_STOP:
            await run(zi.lke_stop, caller)
            await query.answer()
            await query.edit_message_text(e(texts.LKE_WALK_STOPPED))
            return
        if action.step == "k":
            found, criteria = await run(zi.lke_criteria, caller, code)
            await query.answer()
            await reply(update, views.criteria(fill, found, criteria))
            return
        shown: Shown
        if action.step == "o":
            shown = await run(zi.lke_open, caller, code)
        elif action.step == "a":
            assert action.id is not None
            shown = await run(zi.lke_answer, caller, code, action.id)
        elif action.step == "y":
            shown = await run(zi.lke_confirm, caller, code)
        elif action.step == "b":
            assert action.id is not None
            shown = await run(zi.lke_evidence, caller, code, action.id)
        else:
            shown = await run(zi.lke_skip, caller, code)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer(texts.LAPOR_SAVED if action.step in ("a", "y", "b") else None)
    await _show(update, context, shown, query)


async def number_reply(update: Update, context: ZiContext) -> None:
    """A typed number for the persen question the walk asks (in a group: a reply to the
    prompt). Text that answers no open /lke prompt is not for us."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    caller = caller_of(update)
    prompt_id = None
    if not caller.is_private:
        if message.reply_to_message is None:
            return
        prompt_id = str(message.reply_to_message.message_id)
    try:
        shown = await run(context.lke.lke_number, caller, message.text, prompt_id)
    except ZibotError as exc:
        await reply(update, e(exc))
        return
    if shown is not None:
        await _show(update, context, shown)


async def offer_proposals(update: Update, context: ZiContext, item_code: str) -> None:
    """After an item is reported selesai: propose the LKE answers it completes (a confirm
    button each). Never lets /lapor fail: a refusal here only means nothing to propose."""
    try:
        found = await run(context.lke_nilai.lke_proposals, caller_of(update), item_code)
    except ZibotError:
        return
    if found.proposals or found.awaiting:
        buttons = [
            [_button(f"{texts.LKE_BUTTON_CONFIRM.format(choice=p.choice)} {p.question}",
                     actions.lke_step("y", p.question))]
            for p in found.proposals[:10]
        ]  # fmt: skip
        await reply(
            update,
            views.proposals(fill, found.proposals, found.awaiting),
            reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
        )


@refusals_answered
async def progres_nilai(update: Update, context: ZiContext) -> None:
    """/progres nilai [satker]: the projected LKE score, or every satker ranked."""
    argument = text_after_command(update, 1).strip()
    result = await run(context.lke_nilai.lke_projection, caller_of(update), argument)
    if isinstance(result, LkeRanking):
        await reply(update, views.ranking(fill, result))
    else:
        await reply(update, views.projection(fill, result))
