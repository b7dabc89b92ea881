"""/kendala: a short conversation with buttons that files an obstacle for the province.

Steps: item (area, then item, or "Umum") → category → description (text) → optional photo or
document → confirmation. In groups every prompt asks for a reply (ForceReply) so that a bot
in privacy mode receives the answers. ``/batal`` leaves at any step.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BasePersistence, ConversationHandler, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from handlers import views
from handlers.telegram import buttons
from handlers.telegram.commands import refusals_answered, run
from handlers.telegram.common import (
    CHANNEL,
    ask,
    caller_of,
    download,
    incoming_file,
    reply,
    text_after_command,
)
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import TELEGRAM
from services import actions, bounds, texts
from services.actions import Action
from services.errors import ZibotError
from services.kendala import CATEGORIES, Attachment
from services.zi import Zibot

CHOOSE_ITEM, CHOOSE_CATEGORY, WRITE_TEXT, ADD_FILE, CONFIRM = range(5)
GENERAL, SKIP, SEND, CANCEL = (actions.kendala_step(s) for s in ("umum", "skip", "send", "cancel"))


@dataclass(frozen=True)
class Draft:
    """What the reporter chose so far (kept in chat_data per user)."""

    target_id: int | None = None
    item_label: str = texts.KENDALA_GENERAL
    category: str = ""
    description: str = ""
    attachment: Attachment | None = None
    areas: list[tuple[str, str]] = field(default_factory=list)


STEPS = {CHOOSE_ITEM: "item", CHOOSE_CATEGORY: "category", WRITE_TEXT: "text",
         ADD_FILE: "file", CONFIRM: "confirm"}  # fmt: skip
STATES = {name: state for state, name in STEPS.items()}


def _to_data(draft: Draft) -> dict[str, Any]:
    data = asdict(draft)
    data["areas"] = [list(pair) for pair in draft.areas]
    return data


def _of_data(data: dict[str, Any]) -> Draft:
    attachment = data.get("attachment")
    return Draft(
        target_id=data.get("target_id"),
        item_label=str(data.get("item_label", texts.KENDALA_GENERAL)),
        category=str(data.get("category", "")),
        description=str(data.get("description", "")),
        attachment=Attachment(**attachment) if isinstance(attachment, dict) else None,
        areas=[(str(code), str(name)) for code, name in data.get("areas", [])],
    )


async def _draft(update: Update, context: ZiContext) -> Draft | None:
    """The person's draft in this chat, from the database (a restart loses nothing)."""
    found = await run(context.zi.draft, caller_of(update))
    return None if found is None else _of_data(found[1])


async def _save(update: Update, context: ZiContext, draft: Draft, state: int) -> None:
    await run(context.zi.draft_save, caller_of(update), STEPS[state], _to_data(draft))


async def _forget(update: Update, context: ZiContext) -> None:
    """Drop the draft; an attachment it staged and never sent is removed (no-op once sent)."""
    data = await run(context.zi.draft_end, caller_of(update))
    if data is not None:
        context.zi.discard_attachment(_of_data(data).attachment)


class DraftConversations(BasePersistence[Any, Any, Any]):
    """Lets PTB's ``ConversationHandler`` (the router of /kendala) start where the database
    says each open draft stands: at start-up it loads the open drafts' steps
    (``get_conversations``). Nothing else is kept by PTB: the draft and its step are written
    to the database by the use cases at every step, in the same unit of work."""

    def __init__(self, zibot: Zibot) -> None:
        self._zibot = zibot
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=3600,
        )

    async def get_conversations(self, name: str) -> ConversationDict:
        if name != "kendala":
            return {}
        steps = await run(self._zibot.open_drafts, CHANNEL)
        return {
            (int(chat), int(user)): STATES[step] for chat, user, step in steps if step in STATES
        }

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        return None  # the use cases wrote the step already

    async def get_user_data(self) -> dict[int, Any]:
        return {}

    async def get_chat_data(self) -> dict[int, Any]:
        return {}

    async def get_bot_data(self) -> Any:
        return None

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: Any) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: Any) -> None:
        return None

    async def update_bot_data(self, data: Any) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: Any) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: Any) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Any) -> None:
        return None

    async def flush(self) -> None:
        return None


async def _press(
    update: Update, context: ZiContext
) -> tuple[CallbackQuery, Action, Draft] | int | None:
    """Acknowledge a button of the conversation and decode it; otherwise (with an alert) what
    the step returns: None (stay in the step) for a malformed payload, END when the draft is
    gone."""
    press = await buttons.pressed(update, actions.KENDALA)
    if press is None:
        return None
    query, action = press
    draft = await _draft(update, context)
    if draft is None:
        await query.answer(texts.KENDALA_EXPIRED, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    return query, action, draft


def _area_keyboard(areas: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(f"{code} — {name}", callback_data=actions.kendala_area(code))]
        for code, name in areas
    ]
    rows.append([InlineKeyboardButton(texts.KENDALA_BUTTON_GENERAL, callback_data=GENERAL)])
    return InlineKeyboardMarkup(rows)


def _category_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label, callback_data=actions.kendala_category(key))
        for key, label in CATEGORIES.items()
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


@refusals_answered
async def kendala(update: Update, context: ZiContext) -> int | None:
    """/kendala, /kendala daftar, /kendala buka KDL-..."""
    args = context.args or []
    if args:
        await _subcommand(update, context, args)
        return None
    _, areas = await run(context.zi.kendala_scope, caller_of(update))
    await _save(update, context, Draft(areas=areas), CHOOSE_ITEM)
    await reply(update, TELEGRAM.fill(texts.KENDALA_START_ITEM), reply_markup=_area_keyboard(areas))
    return CHOOSE_ITEM


async def _subcommand(update: Update, context: ZiContext, args: list[str]) -> None:
    word = args[0].lower()
    caller = caller_of(update)
    if word == "daftar":
        tickets = await run(context.zi.kendala_list, caller)
        await reply(update, views.kendala_list(TELEGRAM, tickets))
        return
    if word == "buka" and len(args) >= 2:
        number = await run(context.zi.kendala_reopen, caller, args[1])
        await reply(update, texts.KENDALA_REOPENED.format(number=number))
        return
    await reply(update, texts.KENDALA_SUBCOMMAND_UNKNOWN)


async def choose_item(update: Update, context: ZiContext) -> int | None:
    """An area button (then its items), an item button, or "Umum"."""
    pressed = await _press(update, context)
    if not isinstance(pressed, tuple):
        return pressed
    query, action, draft = pressed
    if action.step == "area":
        assert action.code is not None
        try:
            items = await run(context.zi.kendala_items, caller_of(update), action.code)
        except ZibotError as exc:
            await query.edit_message_text(views.refusal(TELEGRAM, exc))
            return ConversationHandler.END
        rows = [
            [
                InlineKeyboardButton(
                    f"{i.item_code} {i.activity}"[:60],
                    callback_data=actions.kendala_item(i.target_id, i.item_code),
                )
            ]
            for i in items[:40]
        ]
        rows.append([InlineKeyboardButton(texts.KENDALA_BUTTON_GENERAL, callback_data=GENERAL)])
        await query.edit_message_text(
            views.kendala_choose_item(TELEGRAM, action.code),
            reply_markup=InlineKeyboardMarkup(rows),
        )
        return CHOOSE_ITEM
    if action.step == "item" and action.id is not None and action.code is not None:
        draft = replace(draft, target_id=action.id, item_label=action.code)
    else:
        draft = replace(draft, target_id=None, item_label=texts.KENDALA_GENERAL)
    await _save(update, context, draft, CHOOSE_CATEGORY)
    await query.edit_message_text(
        views.kendala_choose_category(TELEGRAM, draft.item_label),
        reply_markup=_category_keyboard(),
    )
    return CHOOSE_CATEGORY


async def choose_category(update: Update, context: ZiContext) -> int | None:
    """A category button; then ask for the description."""
    pressed = await _press(update, context)
    if not isinstance(pressed, tuple):
        return pressed
    query, action, draft = pressed
    key = action.word or ""
    await _save(update, context, replace(draft, category=key), WRITE_TEXT)
    await query.edit_message_text(
        views.kendala_choose_category(TELEGRAM, draft.item_label, chosen=key)
    )
    await ask(update, context.bot, texts.KENDALA_ASK_TEXT, texts.KENDALA_ASK_TEXT_PLACEHOLDER)
    return WRITE_TEXT


async def write_text(update: Update, context: ZiContext) -> int:
    """The description; then offer an attachment."""
    message = update.effective_message
    draft = await _draft(update, context)
    if draft is None:
        return await _expired(update)
    if message is None or not message.text:
        return WRITE_TEXT
    description = message.text.strip()
    try:
        bounds.check_text(description, texts.INPUT_WHAT_KENDALA)
    except ZibotError as exc:  # refused before the next step: the person can write it again
        await reply(update, views.refusal(TELEGRAM, exc))
        return WRITE_TEXT
    await _save(update, context, replace(draft, description=description), ADD_FILE)
    await reply(
        update,
        texts.KENDALA_ASK_ATTACHMENT,
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.KENDALA_BUTTON_SKIP, callback_data=SKIP)]]
        ),
    )
    return ADD_FILE


async def add_file(update: Update, context: ZiContext) -> int:
    """A photo or document for the ticket."""
    message = update.effective_message
    draft = await _draft(update, context)
    if draft is None:
        return await _expired(update)
    if message is None:
        return ADD_FILE
    try:
        attachment = await _download(context, message)
    except ZibotError as exc:
        await reply(update, views.refusal(TELEGRAM, exc))
        return ADD_FILE
    context.zi.discard_attachment(draft.attachment)  # a second file replaces the first
    draft = replace(draft, attachment=attachment)
    await _save(update, context, draft, CONFIRM)
    await _confirm(update, draft)
    return CONFIRM


async def skip_file(update: Update, context: ZiContext) -> int | None:
    """ "Lewati": no attachment."""
    pressed = await _press(update, context)
    if not isinstance(pressed, tuple):
        return pressed
    _, _, draft = pressed
    await _save(update, context, draft, CONFIRM)
    await _confirm(update, draft)
    return CONFIRM


async def _expired(update: Update) -> int:
    """The draft ran out of time (or was ended elsewhere): say so, and leave the conversation."""
    await reply(update, texts.KENDALA_EXPIRED)
    return ConversationHandler.END


async def _download(context: ZiContext, message: Message) -> Attachment:
    file = incoming_file(message)
    if file is None:
        raise ZibotError(texts.KENDALA_WRONG_STEP.format(expected=texts.KENDALA_EXPECT_FILE))
    data = await download(context.bot, file)
    return await run(context.zi.save_attachment, "kendala", data, file.name, file.mime_type)


async def _confirm(update: Update, draft: Draft) -> None:
    await reply(
        update,
        views.kendala_confirm(
            TELEGRAM,
            draft.item_label,
            draft.category,
            draft.description,
            draft.attachment.name if draft.attachment else None,
        ),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.KENDALA_BUTTON_SEND, callback_data=SEND),
              InlineKeyboardButton(texts.KENDALA_BUTTON_CANCEL, callback_data=CANCEL)]]
        ),
    )  # fmt: skip


async def confirm(update: Update, context: ZiContext) -> int | None:
    """ "Kirim" saves the ticket (before anything else happens); "Batal" drops the draft."""
    pressed = await _press(update, context)
    if not isinstance(pressed, tuple):
        return pressed
    query, action, draft = pressed
    if action.step == "cancel":
        await _forget(update, context)
        await query.edit_message_text(texts.BATAL_DONE)
        return ConversationHandler.END
    try:
        number, linked = await run(
            context.zi.kendala_submit,
            caller_of(update),
            target_id=draft.target_id,
            category=draft.category,
            description=draft.description,
            attachment=draft.attachment,
        )
    except ZibotError as exc:
        await query.edit_message_text(views.refusal(TELEGRAM, exc))
        await _forget(update, context)
        return ConversationHandler.END
    await _forget(update, context)
    template = texts.KENDALA_SAVED if linked else texts.KENDALA_SAVED_WAITING
    await query.edit_message_text(TELEGRAM.fill(template, number=number))
    return ConversationHandler.END


def wrong(expected: str) -> Callable[[Update, ZiContext], Coroutine[Any, Any, None]]:
    """A handler for one step that says what that step expects instead."""

    async def handler(update: Update, context: ZiContext) -> None:
        await reply(update, texts.KENDALA_WRONG_STEP.format(expected=expected))

    return handler


async def batal(update: Update, context: ZiContext) -> int:
    """/batal at any step."""
    await _forget(update, context)
    await reply(update, texts.BATAL_DONE)
    return ConversationHandler.END


# --- the province's side: answering and closing ------------------------------------------


async def answer_button(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """ "Tanggapi" under a posted ticket: ask the admin for the answer (ForceReply)."""
    assert action.id is not None
    ticket_id = action.id  # who may press it (admins) was checked by the registry
    try:
        number = await run(context.zi.kendala_number, ticket_id)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer()
    prompt = await ask(update, context.bot, texts.KENDALA_ASK_ANSWER.format(number=number), number)
    await run(context.zi.kendala_prompt_sent, caller_of(update), ticket_id, str(prompt.message_id))


async def answer_reply(update: Update, context: ZiContext) -> None:
    """A reply to an open "Tulis tanggapan" prompt (kept in the database): save and forward
    the answer. A reply to anything else, or to a prompt answered already, is not for us."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    prompt_id = str(message.reply_to_message.message_id)
    try:
        number = await run(
            context.zi.kendala_answer_prompt, caller_of(update), prompt_id, message.text or ""
        )
    except ZibotError as exc:
        await reply(update, views.refusal(TELEGRAM, exc))
        return
    if number is None:
        return
    await reply(update, texts.KENDALA_ANSWER_SAVED.format(number=number))


async def close_button(
    update: Update, context: ZiContext, query: CallbackQuery, action: Action
) -> None:
    """ "Selesai" under a posted ticket (admins)."""
    assert action.id is not None
    try:
        number = await run(context.zi.kendala_close, caller_of(update), action.id)
    except ZibotError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer(texts.KENDALA_CLOSED_DONE.format(number=number), show_alert=True)


@refusals_answered
async def tanggapi(update: Update, context: ZiContext) -> None:
    """/tanggapi KDL-2026-0007 <teks>."""
    args = context.args or []
    if len(args) < 2:
        await reply(update, texts.TANGGAPI_USAGE)
        return
    answer = text_after_command(update, 1)  # as typed, line breaks kept
    number = await run(context.zi.kendala_answer, caller_of(update), args[0], answer)
    await reply(update, texts.KENDALA_ANSWER_SAVED.format(number=number))
