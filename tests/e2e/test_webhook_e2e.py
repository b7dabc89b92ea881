"""The real ``zibot serve`` process: a webhook server that Telegram (here: the tests) posts to.

The stand-in only answers the bot's own Bot API calls (setWebhook, sendMessage, ...); updates
arrive solely through the tests' POSTs to ``/telegram``, as Telegram would deliver them, with or
without the secret header. ``ZIBOT_WEBHOOK_URL`` points at a host that is never contacted.
"""

from __future__ import annotations

import signal
import socket
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from handlers.telegram.presenter import TELEGRAM
from models import User as AppUser
from services import texts

from .botapi import Chat, JSONDict, User
from .conftest import BADUNG, START_TIMEOUT, Deployment, satker_name

SECRET = "s3cret_XYZ"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PUBLIC_URL = "https://example.invalid/zibot"


@dataclass
class Server:
    """The running ``zibot serve`` and where it listens."""

    deployment: Deployment
    base_url: str

    def post(self, update: JSONDict | str, secret: str | None = SECRET) -> httpx.Response:
        """Deliver an update the way Telegram does (JSON body, secret header)."""
        headers = {} if secret is None else {SECRET_HEADER: secret}
        options: dict[str, Any] = (
            {"content": update, "headers": {**headers, "Content-Type": "application/json"}}
            if isinstance(update, str)
            else {"json": update, "headers": headers}
        )
        with httpx.Client(timeout=10) as client:
            return client.post(f"{self.base_url}/telegram", **options)

    def say(self, user: User, text: str) -> JSONDict:
        """``user`` writes ``text`` to the bot in private; the bot's next message there."""
        bot = self.deployment
        before = len(bot.api.sent(user.id))
        update = bot.api.send_text(Chat.private(user), user, text)
        response = self.post(update)
        assert response.status_code == 200, response.text
        return bot.wait_for_message(user.id, before)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=1).text == "ok"
    except httpx.TransportError:
        return False


@pytest.fixture(scope="module")
def server(deployment: Deployment) -> Server:
    """``zibot serve`` for the whole module (stopped by the deployment's teardown)."""
    port = free_port()
    deployment.start(
        "serve",
        ZIBOT_LISTEN=f"127.0.0.1:{port}",
        ZIBOT_WEBHOOK_URL=PUBLIC_URL,
        ZIBOT_WEBHOOK_SECRET=SECRET,
        ZIBOT_LOG_LEVEL="DEBUG",
    )
    base_url = f"http://127.0.0.1:{port}"
    deployment.wait_until(lambda: healthy(base_url), "answer /healthz", START_TIMEOUT)
    return Server(deployment, base_url)


@pytest.fixture
def bot(server: Server) -> Deployment:
    if not server.deployment.running:
        pytest.fail("zibot serve is no longer running", pytrace=False)
    return server.deployment


def test_registers_its_public_url_and_secret(server: Server, bot: Deployment) -> None:
    (call,) = bot.api.calls_of("setWebhook")
    assert call["url"] == PUBLIC_URL + "/telegram"
    assert call["secret_token"] == SECRET
    assert bot.api.calls_of("getUpdates") == []  # updates come only through the webhook


def test_registers_the_command_menus(server: Server, bot: Deployment) -> None:
    scopes = [c["scope"]["type"] for c in bot.api.calls_of("setMyCommands")]
    assert scopes == ["all_private_chats", "all_group_chats"]


def test_an_update_with_the_secret_is_answered(server: Server, bot: Deployment) -> None:
    dewi = bot.new_user("Dewi")
    reply = server.say(dewi, "/start")
    assert reply["text"] == TELEGRAM.fill(texts.START_NEW)


def test_registration_by_deep_link_over_the_webhook(server: Server, bot: Deployment) -> None:
    ayu = bot.new_user("Ayu")
    reply = server.say(ayu, f"/start {bot.invite(BADUNG, 'agen')}")
    assert reply["text"] == TELEGRAM.fill(
        texts.DAFTAR_DONE, name="Ayu", role=texts.ROLE_LABELS["agen"], satker=satker_name(BADUNG)
    )
    with bot.db() as session:
        row = session.scalars(select(AppUser).where(AppUser.telegram_id == ayu.id)).one()
        assert (row.role, row.satker.code) == ("agen", BADUNG)


@pytest.mark.parametrize(
    "secret",
    [None, "", "wrong", SECRET.lower(), SECRET + "X", SECRET[:-1]],
    ids=["missing", "empty", "wrong", "other-case", "longer", "shorter"],
)
def test_an_update_without_the_right_secret_is_refused(
    server: Server, bot: Deployment, secret: str | None
) -> None:
    outsider = bot.new_user("Outsider")
    update = bot.api.send_text(Chat.private(outsider), outsider, "/start")
    response = server.post(update, secret=secret)
    assert response.status_code == 403

    # Updates of one chat are handled in order: once a later, genuine one from the same chat is
    # answered, a refused one that had slipped into the queue would have been answered first.
    assert server.say(outsider, "/bantuan")["text"]
    assert [m["text"] for m in bot.api.sent(outsider.id)] != [TELEGRAM.fill(texts.START_NEW)]
    assert len(bot.api.sent(outsider.id)) == 1


def test_bad_requests_are_refused(server: Server, bot: Deployment) -> None:
    assert server.post("{not json", secret=SECRET).status_code == 400
    with httpx.Client(timeout=10) as client:
        assert client.get(f"{server.base_url}/telegram").status_code == 405
        assert client.get(f"{server.base_url}/healthz").text == "ok"
    assert bot.running


@pytest.mark.parametrize("body", ["[1, 2]", "null", '{"foo": 1}'], ids=["list", "null", "no-id"])
def test_json_that_is_not_an_update_is_a_bad_request(
    server: Server, bot: Deployment, body: str
) -> None:
    assert server.post(body, secret=SECRET).status_code == 400


def test_serve_refuses_to_start_without_url_or_secret(server: Server, bot: Deployment) -> None:
    listen = f"127.0.0.1:{free_port()}"
    settings = {
        "ZIBOT_LISTEN": listen,
        "ZIBOT_WEBHOOK_URL": PUBLIC_URL,
        "ZIBOT_WEBHOOK_SECRET": SECRET,
    }
    missing = ("ZIBOT_WEBHOOK_URL", "ZIBOT_WEBHOOK_SECRET")
    results = bot.cli_together(*((("serve",), {**settings, m: ""}) for m in missing), check=False)
    for missing_setting, result in zip(missing, results, strict=True):
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and missing_setting in lines[0], result.stderr
    assert len(bot.api.calls_of("setWebhook")) == 1  # neither attempt reached the Bot API


def test_secrets_stay_out_of_the_log_and_sigterm_stops_cleanly(
    server: Server, bot: Deployment
) -> None:
    """Runs last: it stops the server."""
    ketut = bot.new_user("Ketut")
    server.say(ketut, "/bantuan")
    # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught (exit status -15).
    assert bot.stop() in (0, -signal.SIGTERM)
    log = bot.log_text()
    assert "Application.stop() complete" in log  # the lifespan shutdown ran
    assert "Processing update" in log  # logged at DEBUG: the most it can write
    assert bot.api.token not in log and bot.api.token.partition(":")[2] not in log
    assert SECRET not in log
