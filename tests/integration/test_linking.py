"""/tautkan against real databases (SQLite, and PostgreSQL when configured): a person registered
on Telegram links their WhatsApp number with a one-time code, and the other way round.

Data: KPU Kabupaten Badung (5103) with Ana, a PIC registered on Telegram, and Budi, another PIC
registered on WhatsApp only. The clock is Friday 27 November 2026, 09:00 WITA.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models import AuditLog, LinkCode, User, UserIdentity, make_engine, upgrade_schema
from services import catalog, identities, members, texts
from services.errors import ZibotError
from services.usecases.linking import LINK_CODE_MINUTES, hash_link_code
from services.zi import Caller, Zibot

if TYPE_CHECKING:
    from conftest import Databases

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
ANA_TG, BUDI_WA, ANA_WA, STRANGER_TG = "510301", "6281234567001", "6281234567002", "999001"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[str]:
    with databases.scratch(request.param, tmp_path_factory.mktemp("db"), "linking") as url:
        yield url


@pytest.fixture(scope="module")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine, databases: Databases) -> Engine:
    return databases.empty(migrated_engine)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def zi(sessions: sessionmaker[Session], clock: Clock, tmp_path: Path) -> Zibot:
    with sessions.begin() as session:
        badung = catalog.find_satker(session, "5103")
        session.add_all(
            [
                User(name="Ana", role="agen", satker_id=badung.id, telegram_id=int(ANA_TG),
                     created_at=NOW),
                User(name="Budi", role="agen", satker_id=badung.id, whatsapp=BUDI_WA,
                     created_at=NOW),
            ]
        )  # fmt: skip
    return Zibot(sessions, clock, WITA, tmp_path)


def private(channel: str, user_id: str) -> Caller:
    return Caller(channel=channel, chat_id=user_id, is_private=True, user_id=user_id)


def identities_of(sessions: sessionmaker[Session], name: str) -> set[tuple[str, str]]:
    with sessions() as session:
        rows = session.execute(
            select(UserIdentity.channel, UserIdentity.external_id)
            .join(User, User.id == UserIdentity.user_id)
            .where(User.name == name)
        )
        return {(channel, external_id) for channel, external_id in rows}


def refusal(action: object) -> str:
    with pytest.raises(ZibotError) as caught:
        action()  # type: ignore[operator]
    return str(caught.value)


def test_telegram_person_links_whatsapp_with_a_one_time_code(
    zi: Zibot, sessions: sessionmaker[Session], clock: Clock
) -> None:
    issued = zi.issue_link_code(private("telegram", ANA_TG))
    assert issued.minutes == LINK_CODE_MINUTES == 15
    assert issued.expires_at == NOW + timedelta(minutes=15)
    assert len(issued.code) == 9 and issued.code[4] == "-"
    with sessions() as session:
        [row] = session.scalars(select(LinkCode)).all()
        assert row.code_hash == hash_link_code(issued.code) != issued.code  # only the hash
        assert issued.code.replace("-", "") not in row.code_hash

    clock.now = NOW + timedelta(minutes=14)
    typed = f" {issued.code.lower().replace('-', '')} "  # as a person may type it
    linked = zi.redeem_link_code("whatsapp", ANA_WA, typed)
    assert (linked.member.name, linked.channel, linked.already) == ("Ana", "whatsapp", False)
    assert identities_of(sessions, "Ana") == {("telegram", ANA_TG), ("whatsapp", ANA_WA)}
    with sessions() as session:
        ana = members.find_member(session, "whatsapp", ANA_WA)
        assert ana is not None and ana.name == "Ana"  # the same person on both channels
        assert session.scalar(select(User.whatsapp).where(User.name == "Ana")) == ANA_WA
        identities.use_channels("telegram", "whatsapp")
        try:
            assert identities.addresses(session, [ana.id]) == {
                ana.id: [("telegram", ANA_TG), ("whatsapp", ANA_WA)]
            }
        finally:
            identities.use_channels("telegram")
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "tautkan")).one()
        assert (audit.actor_label, audit.actor_id) == (f"whatsapp:{ANA_WA}", ana.id)

    # The code is used up; sending it again from the linked number changes nothing.
    again = zi.redeem_link_code("whatsapp", ANA_WA, issued.code)
    assert again.already and again.member.name == "Ana"
    assert refusal(lambda: zi.redeem_link_code("whatsapp", "6289999", issued.code)) == (
        texts.LINK_CODE_USED
    )


def test_whatsapp_person_links_telegram_in_the_other_direction(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    issued = zi.issue_link_code(private("whatsapp", BUDI_WA))
    linked = zi.redeem_link_code("telegram", STRANGER_TG, issued.code)
    assert (linked.member.name, linked.already) == ("Budi", False)
    assert identities_of(sessions, "Budi") == {("whatsapp", BUDI_WA), ("telegram", STRANGER_TG)}
    with sessions() as session:
        assert session.scalar(select(User.telegram_id).where(User.name == "Budi")) == int(
            STRANGER_TG
        )


def test_wrong_expired_and_foreign_codes_are_refused_clearly(
    zi: Zibot, sessions: sessionmaker[Session], clock: Clock
) -> None:
    assert refusal(lambda: zi.redeem_link_code("whatsapp", ANA_WA, "ABCD-EFGH")) == (
        texts.LINK_CODE_UNKNOWN
    )
    assert refusal(lambda: zi.redeem_link_code("whatsapp", ANA_WA, "  ")) == texts.LINK_USAGE

    issued = zi.issue_link_code(private("telegram", ANA_TG))
    # Budi's WhatsApp number is registered to Budi: it cannot become Ana's.
    assert refusal(lambda: zi.redeem_link_code("whatsapp", BUDI_WA, issued.code)) == (
        texts.LINK_OTHER_USER.format(channel="WhatsApp")
    )
    clock.now = NOW + timedelta(minutes=15)
    assert refusal(lambda: zi.redeem_link_code("whatsapp", ANA_WA, issued.code)) == (
        texts.LINK_CODE_EXPIRED.format(minutes=15)
    )
    assert identities_of(sessions, "Ana") == {("telegram", ANA_TG)}

    # A new code replaces the unused one.
    first = zi.issue_link_code(private("telegram", ANA_TG))
    second = zi.issue_link_code(private("telegram", ANA_TG))
    assert refusal(lambda: zi.redeem_link_code("whatsapp", ANA_WA, first.code)) == (
        texts.LINK_CODE_UNKNOWN
    )
    zi.redeem_link_code("whatsapp", ANA_WA, second.code)
    # One account per channel: a second WhatsApp number is refused.
    third = zi.issue_link_code(private("telegram", ANA_TG))
    assert refusal(lambda: zi.redeem_link_code("whatsapp", "628111", third.code)) == (
        texts.LINK_CHANNEL_TAKEN.format(channel="WhatsApp")
    )


def test_only_registered_people_in_private_chats_get_codes(zi: Zibot) -> None:
    assert refusal(lambda: zi.issue_link_code(private("telegram", STRANGER_TG))) == (
        texts.NOT_REGISTERED
    )
    group = Caller(channel="telegram", chat_id="-5103", is_private=False, user_id=ANA_TG)
    assert refusal(lambda: zi.issue_link_code(group)) == texts.PRIVATE_ONLY


def test_a_code_shown_in_a_group_is_revoked(zi: Zibot, sessions: sessionmaker[Session]) -> None:
    issued = zi.issue_link_code(private("telegram", ANA_TG))
    assert zi.revoke_link_code(issued.code) is True
    assert zi.revoke_link_code(issued.code) is False
    assert zi.revoke_link_code("") is False
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(LinkCode)) == 0
    assert refusal(lambda: zi.redeem_link_code("whatsapp", ANA_WA, issued.code)) == (
        texts.LINK_CODE_UNKNOWN
    )
