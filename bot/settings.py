"""Typed settings, read once from the environment and ``.env`` in the working directory."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pywa_async.types.templates import TemplateLanguage
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from services import texts
from services.errors import ZibotError
from services.identities import parse_address


class SettingsError(Exception):
    """A setting has a value zibot cannot use; ``str()`` is one line naming the setting."""


class Secret:
    """A string that never shows itself in ``repr``/``str`` or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        """The secret value, for the one place that must use it."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


DEFAULTS: dict[str, str] = {
    "ZIBOT_DATABASE_URL": "sqlite:///zibot.db",
    "ZIBOT_TIMEZONE": "Asia/Makassar",
    "ZIBOT_TELEGRAM_TOKEN": "",
    "ZIBOT_TELEGRAM_API_URL": "https://api.telegram.org/bot",
    "ZIBOT_TELEGRAM_FILE_URL": "https://api.telegram.org/file/bot",
    "ZIBOT_EVIDENCE_DIR": "./bukti",
    "ZIBOT_LOG_LEVEL": "INFO",
    "ZIBOT_LISTEN": "127.0.0.1:8080",
    "ZIBOT_WEBHOOK_URL": "",
    "ZIBOT_WEBHOOK_SECRET": "",
    "ZIBOT_REMINDER_DAYS": "7,3,1,0",
    "ZIBOT_OVERDUE_EVERY": "2",
    "ZIBOT_REMINDER_TIME": "08:00",
    "ZIBOT_SWEEP_SECONDS": "60",
    "ZIBOT_CLOCK_FILE": "",
    "ZIBOT_KENDALA_SLA_DAYS": "2",
    "ZIBOT_ESCALATION_CHAT": "",
    "ZIBOT_REMINDERS_UNTIL": "selesai",
    # WhatsApp Cloud API (on when the phone number id and the token are set)
    "ZIBOT_WHATSAPP_PHONE_ID": "",
    "ZIBOT_WHATSAPP_TOKEN": "",
    "ZIBOT_WHATSAPP_APP_SECRET": "",
    "ZIBOT_WHATSAPP_VERIFY_TOKEN": "",
    "ZIBOT_WHATSAPP_API_URL": "https://graph.facebook.com",
    # --- h-waout: WhatsApp outbound ---
    "ZIBOT_WHATSAPP_TEMPLATE_REMINDER": "zibot_pengingat",
    "ZIBOT_WHATSAPP_TEMPLATE_INSTRUKSI": "zibot_instruksi",
    "ZIBOT_WHATSAPP_TEMPLATE_KENDALA": "zibot_kendala",
    "ZIBOT_WHATSAPP_TEMPLATE_PEMBERITAHUAN": "zibot_pemberitahuan",
    "ZIBOT_WHATSAPP_TEMPLATE_LANG": "id",
    "ZIBOT_WHATSAPP_RATE": "80",
}


@dataclass(frozen=True)
class WhatsAppTemplates:
    """The approved UTILITY templates sent outside WhatsApp's 24-hour window (README), and
    their language code."""

    reminder: str = DEFAULTS["ZIBOT_WHATSAPP_TEMPLATE_REMINDER"]
    instruksi: str = DEFAULTS["ZIBOT_WHATSAPP_TEMPLATE_INSTRUKSI"]
    kendala: str = DEFAULTS["ZIBOT_WHATSAPP_TEMPLATE_KENDALA"]
    pemberitahuan: str = DEFAULTS["ZIBOT_WHATSAPP_TEMPLATE_PEMBERITAHUAN"]
    language: str = DEFAULTS["ZIBOT_WHATSAPP_TEMPLATE_LANG"]


@dataclass(frozen=True)
class Settings:
    """Everything zibot can be configured with (see ``config.example.env``)."""

    database_url: str = DEFAULTS["ZIBOT_DATABASE_URL"]
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULTS["ZIBOT_TIMEZONE"]))
    telegram_token: Secret = field(default_factory=lambda: Secret(""))
    telegram_api_url: str = DEFAULTS["ZIBOT_TELEGRAM_API_URL"]
    telegram_file_url: str = DEFAULTS["ZIBOT_TELEGRAM_FILE_URL"]
    evidence_dir: Path = Path(DEFAULTS["ZIBOT_EVIDENCE_DIR"])
    log_level: str = DEFAULTS["ZIBOT_LOG_LEVEL"]
    listen: tuple[str, int] = ("127.0.0.1", 8080)
    webhook_url: str = ""
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    reminder_days: tuple[int, ...] = (7, 3, 1, 0)
    overdue_every: int = 2
    reminder_time: time = time(8, 0)
    sweep_seconds: int = 60
    clock_file: Path | None = None
    kendala_sla_days: int = 2
    escalation_chat: str = ""
    reminders_until: str = "selesai"  # or "terverifikasi"
    # WhatsApp (inbound webhook and replies); on when phone id and token are both set.
    whatsapp_phone_id: str = ""
    whatsapp_token: Secret = field(default_factory=lambda: Secret(""))
    whatsapp_app_secret: Secret = field(default_factory=lambda: Secret(""))
    whatsapp_verify_token: Secret = field(default_factory=lambda: Secret(""))
    whatsapp_api_url: str = DEFAULTS["ZIBOT_WHATSAPP_API_URL"]
    # --- h-waout: WhatsApp outbound ---
    whatsapp_templates: WhatsAppTemplates = field(default_factory=WhatsAppTemplates)
    whatsapp_rate: int = 80  # messages a second per business number (Cloud API default)

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Settings:
        """Build settings from ``ZIBOT_*`` values, validating each one."""

        def get(name: str) -> str:
            return (values.get(name) or DEFAULTS[name]).strip()

        return cls(
            database_url=_database_url("ZIBOT_DATABASE_URL", get("ZIBOT_DATABASE_URL")),
            timezone=_timezone("ZIBOT_TIMEZONE", get("ZIBOT_TIMEZONE")),
            telegram_token=Secret(get("ZIBOT_TELEGRAM_TOKEN")),
            telegram_api_url=_http_url("ZIBOT_TELEGRAM_API_URL", get("ZIBOT_TELEGRAM_API_URL")),
            telegram_file_url=_http_url("ZIBOT_TELEGRAM_FILE_URL", get("ZIBOT_TELEGRAM_FILE_URL")),
            evidence_dir=Path(get("ZIBOT_EVIDENCE_DIR")),
            log_level=_log_level("ZIBOT_LOG_LEVEL", get("ZIBOT_LOG_LEVEL")),
            listen=_listen("ZIBOT_LISTEN", get("ZIBOT_LISTEN")),
            webhook_url=_optional_url("ZIBOT_WEBHOOK_URL", get("ZIBOT_WEBHOOK_URL")),
            webhook_secret=_webhook_secret("ZIBOT_WEBHOOK_SECRET", get("ZIBOT_WEBHOOK_SECRET")),
            reminder_days=_days("ZIBOT_REMINDER_DAYS", get("ZIBOT_REMINDER_DAYS")),
            overdue_every=_int("ZIBOT_OVERDUE_EVERY", get("ZIBOT_OVERDUE_EVERY"), 1, 365),
            reminder_time=_time("ZIBOT_REMINDER_TIME", get("ZIBOT_REMINDER_TIME")),
            sweep_seconds=_int("ZIBOT_SWEEP_SECONDS", get("ZIBOT_SWEEP_SECONDS"), 1, 86400),
            clock_file=Path(get("ZIBOT_CLOCK_FILE")) if get("ZIBOT_CLOCK_FILE") else None,
            kendala_sla_days=_int("ZIBOT_KENDALA_SLA_DAYS", get("ZIBOT_KENDALA_SLA_DAYS"), 1, 60),
            escalation_chat=_address("ZIBOT_ESCALATION_CHAT", get("ZIBOT_ESCALATION_CHAT")),
            reminders_until=_choice(
                "ZIBOT_REMINDERS_UNTIL", get("ZIBOT_REMINDERS_UNTIL"), ("selesai", "terverifikasi")
            ),
            whatsapp_phone_id=_phone_id("ZIBOT_WHATSAPP_PHONE_ID", get("ZIBOT_WHATSAPP_PHONE_ID")),
            whatsapp_token=Secret(get("ZIBOT_WHATSAPP_TOKEN")),
            whatsapp_app_secret=Secret(get("ZIBOT_WHATSAPP_APP_SECRET")),
            whatsapp_verify_token=Secret(get("ZIBOT_WHATSAPP_VERIFY_TOKEN")),
            whatsapp_api_url=_http_url("ZIBOT_WHATSAPP_API_URL", get("ZIBOT_WHATSAPP_API_URL")),
            # --- h-waout: WhatsApp outbound ---
            whatsapp_templates=_whatsapp_templates(get),
            whatsapp_rate=_int("ZIBOT_WHATSAPP_RATE", get("ZIBOT_WHATSAPP_RATE"), 1, 1000),
        )

    def require_token(self) -> str:
        """The bot token, or a ``SettingsError`` when it is missing."""
        if not self.telegram_token:
            raise SettingsError(texts.RUN_NO_TOKEN)
        return self.telegram_token.get()

    def require_webhook(self) -> None:
        """Check the settings ``zibot serve`` needs."""
        self.require_token()
        if not self.webhook_url:
            raise SettingsError(texts.SETTING_MISSING.format(name="ZIBOT_WEBHOOK_URL"))
        if not self.webhook_secret:
            raise SettingsError(texts.SETTING_MISSING.format(name="ZIBOT_WEBHOOK_SECRET"))

    @property
    def whatsapp_on(self) -> bool:
        """WhatsApp is configured: a phone number id and an access token are set."""
        return bool(self.whatsapp_phone_id) and bool(self.whatsapp_token)

    def require_whatsapp(self) -> None:
        """Check the settings WhatsApp needs once it is on: without the app secret no
        webhook signature could be checked, so zibot refuses to start."""
        if not self.whatsapp_on:
            return
        if not self.whatsapp_app_secret:
            raise SettingsError(
                texts.SETTING_MISSING_WHATSAPP.format(name="ZIBOT_WHATSAPP_APP_SECRET")
            )
        if not self.whatsapp_verify_token:
            raise SettingsError(
                texts.SETTING_MISSING_WHATSAPP.format(name="ZIBOT_WHATSAPP_VERIFY_TOKEN")
            )


def load_settings(env_file: Path | None = None) -> Settings:
    """Read settings once: the process environment wins over ``.env`` in the working directory."""
    path = env_file if env_file is not None else Path.cwd() / ".env"
    values: dict[str, str] = {}
    if path.is_file():
        values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    values.update({k: v for k, v in os.environ.items() if k.startswith("ZIBOT_")})
    return Settings.from_mapping(values)


def _fail(name: str, reason: str) -> SettingsError:
    return SettingsError(texts.SETTING_INVALID.format(name=name, reason=reason))


def _timezone(name: str, value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _fail(name, texts.SETTING_BAD_TIMEZONE.format(value=value)) from exc


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise _fail(name, texts.SETTING_BAD_URL.format(value=value))
    try:
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError as exc:
        raise _fail(name, texts.SETTING_BAD_URL.format(value=value)) from exc
    return value


def _database_url(name: str, value: str) -> str:
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise _fail(name, texts.SETTING_BAD_DB_URL.format(value=value)) from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise _fail(name, texts.SETTING_BAD_DB_URL.format(value=value))
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        # psycopg 3 is the driver zibot ships with.
        value = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return value


def _log_level(name: str, value: str) -> str:
    level = value.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise _fail(name, texts.SETTING_BAD_LOG_LEVEL.format(value=value))
    return level


def _listen(name: str, value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise _fail(name, texts.SETTING_BAD_LISTEN.format(value=value))
    return host.strip("[]"), int(port)


def _optional_url(name: str, value: str) -> str:
    return _http_url(name, value) if value else ""


def _webhook_secret(name: str, value: str) -> Secret:
    # Telegram allows 1-256 characters from A-Z, a-z, 0-9, _ and -.
    if value and not all(c.isascii() and (c.isalnum() or c in "_-") for c in value):
        raise _fail(name, texts.SETTING_BAD_SECRET)
    if len(value) > 256:
        raise _fail(name, texts.SETTING_BAD_SECRET)
    return Secret(value)


def _phone_id(name: str, value: str) -> str:
    if value and not value.isdigit():
        raise _fail(name, texts.SETTING_BAD_PHONE_ID.format(value=value))
    return value


def _int(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise _fail(name, texts.SETTING_BAD_INT.format(value=value)) from exc
    if not low <= number <= high:
        raise _fail(name, texts.SETTING_BAD_RANGE.format(value=value, low=low, high=high))
    return number


def _days(name: str, value: str) -> tuple[int, ...]:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and int(p) <= 60 for p in parts):
        raise _fail(name, texts.SETTING_BAD_DAYS.format(value=value))
    return tuple(sorted({int(p) for p in parts}, reverse=True))


def _time(name: str, value: str) -> time:
    try:
        hour, minute = value.replace(".", ":").split(":")
        return time(int(hour), int(minute))
    except ValueError as exc:
        raise _fail(name, texts.SETTING_BAD_TIME.format(value=value)) from exc


def _address(name: str, value: str) -> str:
    """``channel:id`` (a bare number means Telegram), as ``channel:id``; empty stays empty."""
    if not value:
        return value
    try:
        return str(parse_address(value))
    except ZibotError:
        raise _fail(name, texts.SETTING_BAD_ADDRESS.format(value=value)) from None


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    word = value.lower()
    if word not in choices:
        raise _fail(name, texts.SETTING_BAD_CHOICE.format(value=value, choices=", ".join(choices)))
    return word


# --- h-waout: WhatsApp outbound ---------------------------------------------------------------
_TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")
_TEMPLATE_LANG = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
# The language codes Meta's templates come in (pywa's list of them).
_TEMPLATE_LANGUAGES = frozenset(language.value for language in TemplateLanguage)


def _whatsapp_templates(get: Callable[[str], str]) -> WhatsAppTemplates:
    def name(setting: str) -> str:
        value = get(setting)
        if not _TEMPLATE_NAME.fullmatch(value):
            raise _fail(setting, texts.SETTING_BAD_TEMPLATE.format(value=value))
        return value

    language = get("ZIBOT_WHATSAPP_TEMPLATE_LANG")
    if not _TEMPLATE_LANG.fullmatch(language) or language not in _TEMPLATE_LANGUAGES:
        raise _fail(
            "ZIBOT_WHATSAPP_TEMPLATE_LANG", texts.SETTING_BAD_TEMPLATE_LANG.format(value=language)
        )
    return WhatsAppTemplates(
        reminder=name("ZIBOT_WHATSAPP_TEMPLATE_REMINDER"),
        instruksi=name("ZIBOT_WHATSAPP_TEMPLATE_INSTRUKSI"),
        kendala=name("ZIBOT_WHATSAPP_TEMPLATE_KENDALA"),
        pemberitahuan=name("ZIBOT_WHATSAPP_TEMPLATE_PEMBERITAHUAN"),
        language=language,
    )
