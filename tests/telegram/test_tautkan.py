"""/tautkan through ``process_update``: a Telegram user gets a code for their WhatsApp number,
and a Telegram account redeems a code that a WhatsApp user asked for (the other direction)."""

from __future__ import annotations

import re

from offline import NOW, BotHarness, TgChat, TgUser, make_invite, only_reply
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.telegram.presenter import TELEGRAM
from models import LinkCode, Satker, User, UserIdentity
from services import texts
from services.zi import Caller

ANA = TgUser(3101, "Ana", "Wijaya")
OTHER = TgUser(3102, "Komang", "Lain")
BUDI_WA = "6281234567001"
GROUP = TgChat.group(-5103, "ZI Badung")


def registered_ana(tg: BotHarness, sessions: sessionmaker[Session]) -> None:
    code = make_invite(sessions, "5103", "agen")
    only_reply(tg.send(ANA, TgChat.private(ANA), f"/daftar {code}"))


def test_tautkan_shows_a_code_that_links_whatsapp(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    registered_ana(tg, sessions)
    reply = only_reply(tg.send(ANA, TgChat.private(ANA), "/tautkan"))
    match = re.search(r"<code>([2-9A-Z]{4}-[2-9A-Z]{4})</code>", reply.text)
    assert match is not None, reply.text
    code = match.group(1)
    assert reply.text == TELEGRAM.fill(texts.LINK_CODE_FOR_WHATSAPP, code=code, minutes=15)
    assert f"tautkan {code}" in reply.visible

    # The WhatsApp channel calls the same use case with the number that sent "tautkan KODE".
    zi = tg.application.bot_data.zibot
    assert zi is not None
    linked = zi.redeem_link_code("whatsapp", "6281999", code.lower())
    assert (linked.member.name, linked.already) == ("Ana Wijaya", False)
    with sessions() as session:
        ids = session.execute(
            select(UserIdentity.channel, UserIdentity.external_id).order_by(UserIdentity.channel)
        ).all()
        assert [tuple(row) for row in ids] == [("telegram", str(ANA.id)), ("whatsapp", "6281999")]


def test_tautkan_kode_links_this_telegram_account_to_a_whatsapp_user(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        badung = session.scalars(select(Satker).where(Satker.code == "5103")).one()
        budi = User(name="Budi", role="pimpinan", satker_id=badung.id, whatsapp=BUDI_WA)
        budi.created_at = NOW
        session.add(budi)
    zi = tg.application.bot_data.zibot
    assert zi is not None
    issued = zi.issue_link_code(
        Caller(channel="whatsapp", chat_id=BUDI_WA, is_private=True, user_id=BUDI_WA)
    )
    reply = only_reply(tg.send(OTHER, TgChat.private(OTHER), f"/tautkan {issued.code}"))
    assert reply.text == TELEGRAM.fill(
        texts.LINK_DONE,
        channel="Telegram",
        name="Budi",
        role=texts.ROLE_LABELS["pimpinan"],
        satker="KPU Kabupaten Badung",
    )
    # Now the Telegram account is Budi: /bantuan knows him.
    help_text = only_reply(tg.send(OTHER, TgChat.private(OTHER), "/bantuan")).text
    assert "Budi" in help_text
    assert TELEGRAM.fill(texts.HELP_TAUTKAN) in help_text.split("\n\n")
    again = only_reply(tg.send(OTHER, TgChat.private(OTHER), f"/tautkan {issued.code}"))
    assert again.text == TELEGRAM.fill(texts.LINK_ALREADY, channel="Telegram", name="Budi")


def test_tautkan_refusals(tg: BotHarness, sessions: sessionmaker[Session]) -> None:
    stranger = only_reply(tg.send(OTHER, TgChat.private(OTHER), "/tautkan"))
    assert stranger.text == TELEGRAM.plain(texts.NOT_REGISTERED)
    wrong = only_reply(tg.send(OTHER, TgChat.private(OTHER), "/tautkan ABCD-EFGH"))
    assert wrong.text == TELEGRAM.plain(texts.LINK_CODE_UNKNOWN)

    registered_ana(tg, sessions)
    code = re.findall(r"<code>(.+?)</code>", tg.send(ANA, TgChat.private(ANA), "/tautkan")[0].text)
    # Typed in a group, the code is seen by everyone: it stops working at once.
    leaked = only_reply(tg.send(ANA, GROUP, f"/tautkan@{tg.application.bot.username} {code[0]}"))
    assert leaked.text == TELEGRAM.plain(texts.LINK_CODE_LEAKED)
    with sessions() as session:
        assert session.scalars(select(LinkCode)).all() == []
    in_group = only_reply(tg.send(ANA, GROUP, f"/tautkan@{tg.application.bot.username}"))
    assert in_group.text == TELEGRAM.plain(texts.PRIVATE_ONLY)
