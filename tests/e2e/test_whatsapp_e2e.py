"""WhatsApp end to end: the real ``zibot serve`` with WhatsApp on, its Graph API a local
stand-in (tests/e2e/graphapi.py) that enforces Meta's limits, and webhook bodies shaped like the
Cloud API's, signed with the app secret, posted to ``/whatsapp``.

Registration, progres, lapor by button, bukti as a document, a kendala from WhatsApp reaching
the province's Telegram group, a redelivered webhook processed once, a forged signature, the
verification challenge, and no secret in the log.
"""

from __future__ import annotations

import itertools
import re
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from models import BuktiDukung, ChatLink, InboxEntry, Kendala
from models import User as AppUser
from services import texts

from .botapi import Chat
from .conftest import BADUNG, START_TIMEOUT, Deployment, satker_name
from .graphapi import GraphApiStandIn, JSONDict, SentMessage
from .test_webhook_e2e import PUBLIC_URL, SECRET, free_port, healthy

VERIFY_TOKEN = "verify-e2e"
PROVINCE_GROUP = -900_555
_numbers = itertools.count(1)


@dataclass
class WhatsAppPerson:
    """Someone writing to the bot on WhatsApp: a phone number and a business-scoped id."""

    wa_id: str
    user_id: str
    name: str


@dataclass
class Server:
    deployment: Deployment
    graph: GraphApiStandIn
    base_url: str

    @property
    def url(self) -> str:
        return f"{self.base_url}/whatsapp"

    def person(self, name: str) -> WhatsAppPerson:
        n = next(_numbers)
        # Business-scoped user ids are long: the country prefix and up to 128+ characters.
        return WhatsAppPerson(f"62812000{n:05d}", f"ID.{n:03d}" + "4" * 120, name)

    def post(self, body: JSONDict | bytes, signature: str | None = None) -> httpx.Response:
        return self.graph.post_webhook(self.url, body, signature=signature)

    def deliver(self, body: JSONDict) -> SentMessage:
        """Post a signed body; the bot's next message to its sender."""
        sender = body["entry"][0]["changes"][0]["value"]["contacts"][0]["user_id"]
        before = len(self.graph.sent)
        response = self.post(body)
        assert response.status_code == 200, response.text
        return self.graph.wait_for_message(sender, timeout=15, after=before)

    def say(self, person: WhatsAppPerson, text: str) -> SentMessage:
        return self.deliver(
            self.graph.text_message_body(
                person.wa_id, text, name=person.name, user_id=person.user_id
            )
        )

    def press(self, person: WhatsAppPerson, under: SentMessage, title: str) -> SentMessage:
        """Press the reply button (or list row) titled ``title`` under ``under``."""
        for button_id, button_title in under.buttons:
            if button_title == title:
                body = self.graph.button_reply_body(
                    person.wa_id, button_id, title, under.id, user_id=person.user_id
                )
                return self.deliver(body)
        for row_id, row_title, _ in under.rows:
            if row_title == title:
                body = self.graph.list_reply_body(
                    person.wa_id, row_id, title, under.id, user_id=person.user_id
                )
                return self.deliver(body)
        raise AssertionError(f"no {title!r} under {under.text!r}: {under.buttons} {under.rows}")

    def registered(self, role: str = "agen", name: str = "Made") -> WhatsAppPerson:
        person = self.person(name)
        reply = self.say(person, f"daftar {self.deployment.invite(BADUNG, role)}")
        assert reply.text.startswith("Pendaftaran berhasil"), reply.text
        return person


@pytest.fixture(scope="module")
def server(deployment: Deployment) -> Iterator[Server]:
    """``zibot serve`` with Telegram and WhatsApp, for the whole module."""
    with GraphApiStandIn() as graph:
        port = free_port()
        deployment.start(
            "serve",
            ZIBOT_LISTEN=f"127.0.0.1:{port}",
            ZIBOT_WEBHOOK_URL=PUBLIC_URL,
            ZIBOT_WEBHOOK_SECRET=SECRET,
            ZIBOT_LOG_LEVEL="DEBUG",
            ZIBOT_WHATSAPP_PHONE_ID=graph.phone_id,
            ZIBOT_WHATSAPP_TOKEN=graph.token,
            ZIBOT_WHATSAPP_APP_SECRET=graph.app_secret,
            ZIBOT_WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
            ZIBOT_WHATSAPP_API_URL=graph.base_url,
        )
        base_url = f"http://127.0.0.1:{port}"
        deployment.wait_until(lambda: healthy(base_url), "answer /healthz", START_TIMEOUT)
        yield Server(deployment, graph, base_url)
        deployment.stop()


@pytest.fixture
def wa(server: Server) -> Server:
    if not server.deployment.running:
        pytest.fail("zibot serve is no longer running", pytrace=False)
    return server


def test_the_verification_challenge(wa: Server) -> None:
    ok = httpx.get(
        wa.url,
        params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "7"},
    )
    assert (ok.status_code, ok.text) == (200, "7")
    wrong = httpx.get(
        wa.url, params={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "7"}
    )
    assert wrong.status_code == 403


def test_registration_and_progres(wa: Server) -> None:
    person = wa.person("Ketut")
    reply = wa.say(person, f"DAFTAR {wa.deployment.invite(BADUNG, 'agen')}")
    assert reply.text.startswith("Pendaftaran berhasil. Ketut") and "*" in reply.text
    assert reply.to == person.user_id
    with wa.deployment.db() as session:
        user = session.scalars(select(AppUser).where(AppUser.name == "Ketut")).one()
        assert [(i.channel, i.external_id) for i in user.identities] == [
            ("whatsapp", person.user_id)
        ]
    progres = wa.say(person, "/progres")
    assert satker_name(BADUNG) in progres.text and "<b>" not in progres.text


def test_lapor_by_button(wa: Server) -> None:
    person = wa.registered()
    choice = wa.say(person, "lapor MP-01")
    assert [title for _, title in choice.buttons] == ["Belum", "Proses", "Selesai"]
    done = wa.press(person, choice, "Proses")
    assert done.text.startswith("✅ *MP-01*") and "*Proses*" in done.text


def test_bukti_as_a_document(wa: Server) -> None:
    person = wa.registered()
    prompt = wa.say(person, "bukti MP-02")
    assert "*MP-02*" in prompt.text
    media = wa.graph.add_media(b"%PDF-1.4 notulen rapat", "application/pdf", "notulen.pdf")
    stored = wa.deliver(wa.graph.document_message_body(person.wa_id, media, user_id=person.user_id))
    assert stored.text.startswith("📎 Bukti dukung *MP-02* tersimpan: notulen.pdf"), stored.text
    with wa.deployment.db() as session:
        row = session.scalars(
            select(BuktiDukung).where(BuktiDukung.original_name == "notulen.pdf")
        ).one()
        assert row.channel == "whatsapp"
        assert (wa.deployment.evidence_dir / row.path).read_bytes() == media.data


def test_a_kendala_from_whatsapp_reaches_the_telegram_province_group(wa: Server) -> None:
    with wa.deployment.db() as session:
        session.add(ChatLink(channel="telegram", chat_id=str(PROVINCE_GROUP), satker_id=None,
                             is_province=True, title="Koordinasi ZI",
                             linked_at=datetime(2026, 11, 2, tzinfo=UTC)))  # fmt: skip
        session.commit()
    person = wa.registered(name="Wayan")
    areas = wa.say(person, "kendala")
    categories = wa.press(person, areas, texts.KENDALA_BUTTON_GENERAL)
    ask = wa.press(person, categories, "Anggaran")
    assert ask.text == texts.WA_KENDALA_ASK_TEXT
    offer = wa.say(person, "Anggaran <pelatihan> belum cair & rapat tertunda")
    confirm = wa.press(person, offer, texts.KENDALA_BUTTON_SKIP)
    assert "Anggaran <pelatihan> belum cair & rapat tertunda" in confirm.text
    saved = wa.press(person, confirm, texts.KENDALA_BUTTON_SEND)
    assert "KDL-2026-" in saved.text and "diteruskan" in saved.text
    with wa.deployment.db() as session:
        ticket = session.scalars(select(Kendala).where(Kendala.channel == "whatsapp")).one()
    post = wa.deployment.api.wait_for(
        lambda s: s["chat_id"] == PROVINCE_GROUP and ticket.number in (s["text"] or ""),
        timeout=15,
    )
    assert "Wayan" in post["text"] and "&lt;pelatihan&gt;" in post["text"]  # Telegram HTML


def test_a_redelivered_webhook_is_processed_once(wa: Server) -> None:
    person = wa.registered()
    body = wa.graph.text_message_body(person.wa_id, "tenggat", user_id=person.user_id)
    first = wa.deliver(body)
    assert first.text
    before = len(wa.graph.sent_to(person.user_id))
    assert wa.post(body).status_code == 200  # Meta delivers it again
    assert wa.post(body).status_code == 200
    check = wa.say(person, "bantuan")  # answered after anything the redelivery would cause
    assert check.text.startswith("Halo!")
    assert len(wa.graph.sent_to(person.user_id)) == before + 1
    message_id = body["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    with wa.deployment.db() as session:
        [row] = session.scalars(select(InboxEntry).where(InboxEntry.key == f"msg:{message_id}"))
        assert row.done_at is not None and row.attempts == 1


@pytest.mark.parametrize(
    "signature", ["", "sha256=" + "0" * 64, "forged"], ids=["empty", "zeros", "garbage"]
)
def test_a_forged_signature_is_refused_and_changes_nothing(wa: Server, signature: str) -> None:
    person = wa.person("Penyusup")
    body = wa.graph.text_message_body(
        person.wa_id, f"daftar {wa.deployment.invite(BADUNG, 'agen')}", user_id=person.user_id
    )
    response = wa.post(body, signature=signature)
    assert response.status_code == (401 if signature == "" else 403)
    unsigned = httpx.post(wa.url, json=body)
    assert unsigned.status_code == 401
    with wa.deployment.db() as session:
        keys = session.scalars(select(InboxEntry.key)).all()
        message_id = body["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
        assert f"msg:{message_id}" not in keys
    assert wa.graph.sent_to(person.user_id) == []


def test_tautkan_links_whatsapp_to_a_telegram_account(wa: Server) -> None:
    """A Telegram user (over the /telegram webhook) asks for a code; WhatsApp sends it back."""
    bot = wa.deployment
    ayu = bot.new_user("Ayu")

    def telegram(text: str) -> JSONDict:
        before = len(bot.api.sent(ayu.id))
        update = bot.api.send_text(Chat.private(ayu), ayu, text)
        response = httpx.post(
            f"{wa.base_url}/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return bot.wait_for_message(ayu.id, before)

    telegram(f"/daftar {bot.invite(BADUNG, 'agen')}")
    offered = telegram("/tautkan")["text"]
    code = re.search(r"<code>([A-Z0-9-]+)</code>", offered)
    assert code is not None, offered
    person = wa.person("Ayu WA")
    linked = wa.say(person, f"tautkan {code.group(1)}")
    assert linked.text.startswith("Berhasil ditautkan. Akun WhatsApp ini kini milik *Ayu*")
    with bot.db() as session:
        user = session.scalars(select(AppUser).where(AppUser.telegram_id == ayu.id)).one()
        assert sorted((i.channel, i.external_id) for i in user.identities) == [
            ("telegram", str(ayu.id)),
            ("whatsapp", person.user_id),
        ]
    assert wa.say(person, "progres").text.startswith(f"*Kemajuan ZI {satker_name(BADUNG)}*")


def test_serve_refuses_to_start_without_the_app_secret(wa: Server) -> None:
    listen = f"127.0.0.1:{free_port()}"
    base = {
        "ZIBOT_LISTEN": listen,
        "ZIBOT_WEBHOOK_URL": PUBLIC_URL,
        "ZIBOT_WEBHOOK_SECRET": SECRET,
        "ZIBOT_WHATSAPP_PHONE_ID": wa.graph.phone_id,
        "ZIBOT_WHATSAPP_TOKEN": wa.graph.token,
        "ZIBOT_WHATSAPP_API_URL": wa.graph.base_url,
    }
    results = wa.deployment.cli_together(
        (("serve",), {**base, "ZIBOT_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN}),
        (("serve",), {**base, "ZIBOT_WHATSAPP_APP_SECRET": wa.graph.app_secret}),
        check=False,
    )
    for missing, result in zip(
        ("ZIBOT_WHATSAPP_APP_SECRET", "ZIBOT_WHATSAPP_VERIFY_TOKEN"), results, strict=True
    ):
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and missing in lines[0], result.stderr
        assert wa.graph.token not in result.stderr


def test_no_whatsapp_secret_in_the_log(wa: Server) -> None:
    """Runs last: it stops the server."""
    person = wa.registered()
    wa.say(person, "bantuan")
    assert wa.deployment.stop() in (0, -signal.SIGTERM)
    log = wa.deployment.log_text()
    for secret in (wa.graph.token, wa.graph.app_secret, VERIFY_TOKEN):
        assert secret not in log
