"""A newcomer's first start: a wrong token or no route to Telegram is one line, not tracebacks.

``zibot run`` and ``zibot serve`` as real processes on an initialised SQLite database, against
the stand-in with another token (it answers 401 like Telegram) or against a closed port.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from services import texts

from .botapi import BotApiStandIn
from .conftest import Deployment
from .test_webhook_e2e import PUBLIC_URL, SECRET, free_port

EXIT_UNREACHABLE = 4
EXIT_TOKEN_REJECTED = 5


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """An initialised database (no plan needed) and a stand-in that knows another token."""
    home = tmp_path_factory.mktemp("startup")
    with BotApiStandIn(token="777:the-real-token") as api:
        deployment = Deployment(api, f"sqlite:///{home / 'zibot.db'}", home)
        deployment.cli("init")
        yield deployment


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_settings() -> dict[str, str]:
    return {
        "ZIBOT_LISTEN": f"127.0.0.1:{free_port()}",
        "ZIBOT_WEBHOOK_URL": PUBLIC_URL,
        "ZIBOT_WEBHOOK_SECRET": SECRET,
    }


def assert_one_clear_line(stderr: str, expected: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) <= 2, stderr
    assert expected in stderr, stderr


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_rejected_token_is_one_line_and_exit_code_5(installed: Deployment, command: str) -> None:
    settings = serve_settings() if command == "serve" else {}
    result = installed.cli(command, check=False, ZIBOT_TELEGRAM_TOKEN="777:wrong", **settings)
    assert result.returncode == EXIT_TOKEN_REJECTED, result.stderr
    assert_one_clear_line(result.stderr, texts.TOKEN_REJECTED)
    assert "777:wrong" not in result.stderr + result.stdout
    assert installed.api.calls_of("setWebhook") == []


@pytest.mark.parametrize("command", ["run", "serve"])
def test_no_route_to_telegram_is_one_line_and_exit_code_4(
    installed: Deployment, command: str
) -> None:
    settings = serve_settings() if command == "serve" else {}
    url = f"http://127.0.0.1:{closed_port()}/bot"
    result = installed.cli(command, check=False, ZIBOT_TELEGRAM_API_URL=url, **settings)
    assert result.returncode == EXIT_UNREACHABLE, result.stderr
    assert_one_clear_line(result.stderr, f"Telegram tidak dapat dihubungi di {url}")
    assert installed.api.token not in result.stderr


def test_at_debug_the_cause_is_logged_too(installed: Deployment, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/bot"
    result = installed.cli("run", check=False, ZIBOT_TELEGRAM_API_URL=url, ZIBOT_LOG_LEVEL="DEBUG")
    assert result.returncode == EXIT_UNREACHABLE
    assert "Traceback" in result.stderr
    assert installed.api.token not in result.stderr


def test_once_the_bot_ran_invite_prints_its_deep_links(installed: Deployment) -> None:
    assert installed.cli("invite", "--satker", "5103", "--role", "agen").stdout.count(" ") == 0
    installed.start_polling()
    try:
        result = installed.cli("invite", "--satker", "5103", "--role", "agen", "--count", "2")
    finally:
        assert installed.stop() == 0
    for line in result.stdout.splitlines():
        code, link = line.split()
        assert link == f"https://t.me/{installed.api.bot_username}?start={code}"
