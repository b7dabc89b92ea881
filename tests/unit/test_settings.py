from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings


def test_defaults_match_the_documented_contract() -> None:
    settings = Settings.from_mapping({})
    assert settings.database_url == "sqlite:///zibot.db"
    assert settings.timezone.key == "Asia/Makassar"
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.telegram_file_url == "https://api.telegram.org/file/bot"
    assert settings.evidence_dir == Path("./bukti")
    assert not settings.telegram_token
    assert settings.reminders_until == "selesai"
    later = Settings.from_mapping({"ZIBOT_REMINDERS_UNTIL": "Terverifikasi"})
    assert later.reminders_until == "terverifikasi"


def test_example_config_documents_every_setting() -> None:
    from bot.settings import DEFAULTS

    example = (Path(__file__).resolve().parents[2] / "config.example.env").read_text()
    for name, default in DEFAULTS.items():
        assert f"{name}={default}\n" in example, name


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ZIBOT_TIMEZONE", "Asia/Bali"),
        ("ZIBOT_TELEGRAM_API_URL", "not a url"),
        ("ZIBOT_TELEGRAM_FILE_URL", "ftp://example.org/file"),
        ("ZIBOT_TELEGRAM_API_URL", "http://127.0.0.1:notaport/bot"),
        ("ZIBOT_DATABASE_URL", "mysql://x@y/z"),
        ("ZIBOT_DATABASE_URL", "::::"),
        ("ZIBOT_LOG_LEVEL", "LOUD"),
        ("ZIBOT_ESCALATION_CHAT", "kepala-divisi"),
        ("ZIBOT_ESCALATION_CHAT", "telegram:abc"),
        ("ZIBOT_ESCALATION_CHAT", "sms:0812"),
        ("ZIBOT_ESCALATION_CHAT", "whatsapp:"),
        ("ZIBOT_REMINDERS_UNTIL", "diterima"),
        ("ZIBOT_WHATSAPP_TEMPLATE_REMINDER", "Zibot Pengingat"),
        ("ZIBOT_WHATSAPP_TEMPLATE_LANG", "indonesia"),
        ("ZIBOT_WHATSAPP_TEMPLATE_LANG", "xx"),  # no such template language at Meta
        ("ZIBOT_WHATSAPP_RATE", "0"),
    ],
)
def test_bad_values_name_the_setting(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping({name: value})
    message = str(info.value)
    assert name in message
    assert "\n" not in message


def test_token_is_never_shown() -> None:
    settings = Settings.from_mapping({"ZIBOT_TELEGRAM_TOKEN": "123456:SECRET-token"})
    assert settings.telegram_token.get() == "123456:SECRET-token"
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings.telegram_token)


def test_environment_wins_over_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text("ZIBOT_TIMEZONE=Asia/Jakarta\nZIBOT_EVIDENCE_DIR=/srv/bukti\n")
    monkeypatch.delenv("ZIBOT_EVIDENCE_DIR", raising=False)
    monkeypatch.setenv("ZIBOT_TIMEZONE", "Asia/Jayapura")
    settings = load_settings(env)
    assert settings.timezone.key == "Asia/Jayapura"
    assert settings.evidence_dir == Path("/srv/bukti")


def test_plain_postgresql_url_uses_psycopg() -> None:
    settings = Settings.from_mapping({"ZIBOT_DATABASE_URL": "postgresql://u:p@db:5432/zibot"})
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/zibot"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("", ""),
        ("-1001234567890", "telegram:-1001234567890"),  # a bare number is a Telegram chat
        ("telegram:-100123", "telegram:-100123"),
        (" WhatsApp:6281234567890 ", "whatsapp:6281234567890"),
    ],
)
def test_the_escalation_chat_is_an_address(value: str, stored: str) -> None:
    settings = Settings.from_mapping({"ZIBOT_ESCALATION_CHAT": value})
    assert settings.escalation_chat == stored
