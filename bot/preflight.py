"""Before ``zibot run``/``zibot serve`` start: can Telegram be reached, and does it take the token?

PTB's own start-up (``run_polling``'s bootstrap, ``Application.initialize`` in a server's
lifespan) logs a failed ``getMe`` with a full traceback at ERROR, then raises it again. One
``getMe`` of our own, before any of that, turns the two common first-hour mistakes (no route
to Telegram, a wrong or revoked token) into one clear line and a documented exit code.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.logs import redact
from bot.settings import Settings
from services import texts

if TYPE_CHECKING:
    from services.zi import Zibot

# Exit codes of ``zibot run`` and ``zibot serve`` (README, "The command line").
EXIT_UNREACHABLE = 4
EXIT_TOKEN_REJECTED = 5


class StartupFailed(Exception):
    """Telegram cannot be used: ``str()`` is the line to print, ``code`` the exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def check_telegram(settings: Settings, timeout: float = 15.0) -> str:
    """Ask the Bot API who the bot is; return its username or raise ``StartupFailed``."""
    return asyncio.run(_get_me(settings, timeout))


async def _get_me(settings: Settings, seconds: float) -> str:
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError
    from telegram.request import HTTPXRequest

    token = settings.telegram_token.get()
    request = HTTPXRequest(connect_timeout=seconds, read_timeout=seconds)
    bot = Bot(
        token,
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        request=request,
        get_updates_request=HTTPXRequest(),
    )
    try:
        await request.initialize()
        me = await bot.get_me()
    except InvalidToken as exc:
        raise StartupFailed(texts.TOKEN_REJECTED, EXIT_TOKEN_REJECTED) from exc
    except NetworkError as exc:  # TimedOut is a NetworkError too
        reason = redact(str(exc).strip().splitlines()[0] if str(exc).strip() else "", [token])
        raise StartupFailed(
            texts.TELEGRAM_UNREACHABLE.format(
                url=settings.telegram_api_url, reason=reason or type(exc).__name__
            ),
            EXIT_UNREACHABLE,
        ) from exc
    finally:
        await request.shutdown()
    return me.username or ""


def quiet_ptb_bootstrap() -> None:
    """Unless at DEBUG, PTB does not log its failed bootstrap (getMe) with a traceback: the
    CLI says what went wrong in one line instead."""
    if logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
        return
    logging.getLogger("telegram.ext._utils.networkloop").addFilter(_not_bootstrap)


def _not_bootstrap(record: logging.LogRecord) -> bool:
    return "Bootstrap" not in str(record.msg) and "Bootstrap" not in str(record.args)


async def remember_username(zibot: Zibot | None, username: str) -> None:
    """Once up, record the bot's @username, so that ``zibot invite`` can print deep links."""
    if zibot is not None and username:
        await asyncio.to_thread(zibot.remember_bot, "telegram", username)
