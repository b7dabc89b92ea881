"""Command handlers: parse the update, call one use case, render the reply."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from telegram import Update

from handlers import views
from handlers.telegram.common import caller_of, reply
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import TELEGRAM
from services import charts, texts
from services.errors import ZibotError
from services.zi import RankingReport

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")
Handler = Callable[[Update, ZiContext], Coroutine[Any, Any, R]]


async def run(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a (blocking, database) use case off the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


def refusals_answered(handler: Handler[R]) -> Handler[R | None]:
    """Turn a refused request (``ZibotError``) into a plain answer in the chat."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: ZiContext) -> R | None:
        try:
            return await handler(update, context)
        except ZibotError as exc:
            await reply(update, views.refusal(TELEGRAM, exc))
            return None

    return wrapper


def argument_text(context: ZiContext) -> str:
    """Everything after the command, as one string."""
    return " ".join(context.args or [])


@refusals_answered
async def start(update: Update, context: ZiContext) -> None:
    """/start and /start <invite code> (deep link)."""
    caller = caller_of(update)
    if not caller.is_private:
        await _group_registration(update, context, " ".join(context.args or []))
        return
    if context.args:
        await _register(update, context, " ".join(context.args))
        return
    member = await run(context.zi.greet, caller)
    await reply(update, views.greeting(TELEGRAM, member))


@refusals_answered
async def daftar(update: Update, context: ZiContext) -> None:
    """/daftar <invite code>."""
    caller = caller_of(update)
    if not caller.is_private:
        await _group_registration(update, context, argument_text(context))
        return
    await _register(update, context, argument_text(context))


async def _group_registration(update: Update, context: ZiContext, code: str) -> None:
    """Registration belongs in a private chat; a code shown in a group is revoked."""
    revoked = await run(context.zi.revoke_shown_code, caller_of(update), code)
    text = TELEGRAM.fill(texts.START_GROUP, username=context.bot.username)
    if revoked:
        text = f"{TELEGRAM.fill(texts.INVITE_LEAKED)}\n\n{text}"
    await reply(update, text)


async def _register(update: Update, context: ZiContext, code: str) -> None:
    result = await run(context.zi.register, caller_of(update), code)
    await reply(update, views.registered(TELEGRAM, result))


@refusals_answered
async def hubungkan(update: Update, context: ZiContext) -> None:
    """/hubungkan <satker code> or /hubungkan provinsi, in a group."""
    chat = update.effective_chat
    title = chat.title if chat else None
    scope = await run(context.zi.link, caller_of(update), argument_text(context), title)
    await reply(update, views.linked(TELEGRAM, scope))


@refusals_answered
async def tautkan(update: Update, context: ZiContext) -> None:
    """/tautkan: a one-time code to link another account (e.g. WhatsApp) to this person;
    /tautkan KODE: link this Telegram account to the person who asked for the code."""
    caller = caller_of(update)
    code = argument_text(context)
    if not caller.is_private:
        revoked = await run(context.zi.revoke_link_code, code)
        raise ZibotError(texts.LINK_CODE_LEAKED if revoked else texts.PRIVATE_ONLY)
    if code:
        linked = await run(context.zi.redeem_link_code, caller.channel, caller.user_id, code)
        await reply(update, views.account_linked(TELEGRAM, linked))
        return
    issued = await run(context.zi.issue_link_code, caller)
    await reply(update, views.link_code(TELEGRAM, issued, caller.channel))


@refusals_answered
async def progres(update: Update, context: ZiContext) -> None:
    """/progres [satker|semua|grafik]."""
    argument = argument_text(context)
    chart = argument.lower().startswith("grafik")
    if chart:
        argument = argument[len("grafik") :].strip()
    report = await run(context.zi.progress, caller_of(update), argument)
    if chart:
        if isinstance(report, RankingReport):
            image = await run(charts.ranking_chart, report.ranking, report.year)
        else:
            image = await run(charts.satker_chart, report.progress, report.year)
        message = update.effective_message
        if message is not None:
            await message.reply_photo(image, caption=texts.CHART_CAPTION.format(year=report.year))
        return
    if isinstance(report, RankingReport):
        await reply(update, views.ranking(TELEGRAM, report))
    else:
        await reply(update, views.satker_progress(TELEGRAM, report))


@refusals_answered
async def tenggat(update: Update, context: ZiContext) -> None:
    """/tenggat [satker]."""
    report = await run(context.zi.deadlines, caller_of(update), argument_text(context))
    await reply(update, views.deadlines(TELEGRAM, report))


@refusals_answered
async def rencana(update: Update, context: ZiContext) -> None:
    """/rencana [area]."""
    report = await run(context.zi.plan, caller_of(update), argument_text(context))
    await reply(update, views.plan(TELEGRAM, report))


@refusals_answered
async def bantuan(update: Update, context: ZiContext) -> None:
    """/bantuan: what this person can do here."""
    caller = caller_of(update)
    member = await run(context.zi.member, caller)
    await reply(update, views.help_text(TELEGRAM, member, caller.is_private))


async def batal_idle(update: Update, context: ZiContext) -> None:
    """/batal outside any conversation."""
    await reply(update, TELEGRAM.fill(texts.BATAL_NOTHING))


async def on_error(update: object, context: ZiContext) -> None:
    """Log every unexpected error with its traceback and apologise instead of staying silent."""
    log.error("Error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, texts.ERROR_APOLOGY)
        except Exception:  # the apology itself may fail when the Bot API is down
            log.warning("Could not send the apology", exc_info=True)
