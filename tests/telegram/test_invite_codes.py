"""Invite codes people can type on a phone: no look-alikes, any case, with or without the dash.

Registration goes through ``process_update`` (``/daftar`` and the ``/start CODE`` deep link);
codes made by earlier versions (mixed case, ``-`` and ``_``, stored as typed) keep working.
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import timedelta

import pytest
from offline import NOW, BotHarness, TgChat, TgUser, make_invite, only_reply
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.telegram.presenter import TELEGRAM, markup
from models import Invite, Satker, User
from services import invites, texts

AGEN = TgUser(3101, "Wayan", "Baru")
BADUNG = "KPU Kabupaten Badung"


def private(user: TgUser) -> TgChat:
    return TgChat.private(user)


def registered(sessions: sessionmaker[Session], user: TgUser) -> bool:
    with sessions() as session:
        return session.scalar(select(User.id).where(User.telegram_id == user.id)) is not None


def test_new_codes_are_grouped_without_look_alikes_and_carry_40_bits() -> None:
    codes = {invites.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code), code
    assert not set("01OIL") & set(invites.ALPHABET)
    bits = sum(invites.GROUPS) * math.log2(len(invites.ALPHABET))
    assert bits >= 40, bits
    # Deep-link payloads allow A-Z a-z 0-9 _ - only, and a code never starts with "-".
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", c) and c[0] != "-" for c in codes)


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "{lower}",
        "{nodash}",
        "  {lower_nodash}  ",
        "{first} {second}",
    ],
)
def test_daftar_takes_the_code_however_it_is_typed(
    tg: BotHarness, sessions: sessionmaker[Session], typed: str
) -> None:
    code = make_invite(sessions, "5103", "agen")
    first, second = code.split("-")
    text = typed.format(
        code=code,
        lower=code.lower(),
        nodash=code.replace("-", ""),
        lower_nodash=code.replace("-", "").lower(),
        first=first.lower(),
        second=second,
    )
    reply = only_reply(tg.send(AGEN, private(AGEN), f"/daftar {text}"))
    assert reply.text == TELEGRAM.fill(
        texts.DAFTAR_DONE, name=AGEN.full_name, role=texts.ROLE_LABELS["agen"], satker=BADUNG
    )
    assert registered(sessions, AGEN)


def test_the_deep_link_payload_registers_in_lower_case_too(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    code = make_invite(sessions, "5103", "agen")
    reply = only_reply(tg.send(AGEN, private(AGEN), f"/start {code.lower()}"))
    assert reply.text.startswith(markup(texts.DAFTAR_DONE).split("{")[0])
    assert registered(sessions, AGEN)
    # Still single use, whatever the spelling.
    other = TgUser(3102, "Nyoman", "Lain")
    again = only_reply(tg.send(other, private(other), f"/daftar {code.replace('-', '')}"))
    assert again.text == texts.INVITE_USED
    assert not registered(sessions, other)


def test_an_expired_code_stays_expired_in_any_spelling(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        satker = session.scalars(select(Satker).where(Satker.code == "5103")).one()
        (code,) = invites.create_invites(
            session, satker=satker, role="agen", count=1, days=1,
            now=NOW - timedelta(days=2), actor="test",
        )  # fmt: skip
    reply = only_reply(tg.send(AGEN, private(AGEN), f"/daftar {code.lower()}"))
    assert reply.text == texts.INVITE_EXPIRED


def test_a_code_from_an_earlier_version_still_registers_exactly_as_issued(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    old = "-aB3_xY9kLmN0pQ1"  # secrets.token_urlsafe(12), as earlier versions made them
    with sessions.begin() as session:
        satker = session.scalars(select(Satker).where(Satker.code == "5103")).one()
        session.add(
            Invite(
                code_hash=hashlib.sha256(old.encode()).hexdigest(),
                role="agen",
                structure=None,
                satker_id=satker.id,
                created_at=NOW,
                expires_at=NOW + timedelta(days=7),
            )
        )
    wrong_case = only_reply(tg.send(AGEN, private(AGEN), f"/daftar {old.upper()}"))
    assert wrong_case.text == texts.INVITE_UNKNOWN  # old codes were case-sensitive
    reply = only_reply(tg.send(AGEN, private(AGEN), f"/daftar {old}"))
    assert reply.text == TELEGRAM.fill(
        texts.DAFTAR_DONE, name=AGEN.full_name, role=texts.ROLE_LABELS["agen"], satker=BADUNG
    )
