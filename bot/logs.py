"""Logging set-up: one format, chatty libraries quieted, secrets never written."""

from __future__ import annotations

import logging

from bot.settings import Settings

MASK = "[rahasia]"


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, then masks every secret in the result.

    Masking the formatted text rather than the message also covers exception texts such as
    PTB's ``InvalidToken("The token `...` was rejected")`` in a logged traceback.
    """

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        """The usual line, secrets replaced."""
        return redact(super().format(record), self._secrets)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret replaced by a mask."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def configure_logging(settings: Settings) -> None:
    """Log to standard error at the configured level, with secrets masked."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s",
            [
                settings.telegram_token.get(),
                settings.webhook_secret.get(),
                settings.whatsapp_token.get(),
                settings.whatsapp_app_secret.get(),
                settings.whatsapp_verify_token.get(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # pywa logs request bodies and raw updates at DEBUG: people's messages stay out of the log.
    logging.getLogger("pywa").setLevel(logging.WARNING)
    logging.getLogger("pywa_async").setLevel(logging.WARNING)
