"""Group lifecycle through ``Application.process_update``: the service messages of a group
upgraded to a supergroup, and ``my_chat_member`` updates when the bot is removed or added."""

from __future__ import annotations

import pytest
from channel import as_telegram
from offline import (
    BOT_USERNAME,
    BotHarness,
    TgChat,
    TgUser,
    add_user,
    import_sample,
    link_group,
    only_reply,
    sent,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import ChatLink, Outbox
from services import texts

AGEN = TgUser(2001, "Made", "Agen")  # agen perubahan, KPU Kabupaten Badung (5103)
ADMIN = TgUser(2004, "Ayu", "Provinsi")  # admin provinsi
OWNER = TgUser(2010, "Pemilik", "Grup")  # the group's owner, not registered

BADUNG_GROUP = TgChat.group(-4005103, "ZI KPU Badung")  # a basic group
SUPERGROUP_ID = -1004005103
PROVINCE_GROUP = TgChat.group(-1000051, "Koordinasi ZI Bali")
BADUNG = "KPU Kabupaten Badung"


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    import_sample(sessions)
    add_user(sessions, AGEN, "agen", "5103")
    add_user(sessions, ADMIN, "admin", "51")
    link_group(sessions, BADUNG_GROUP, "5103")
    link_group(sessions, PROVINCE_GROUP, None)
    return sessions


def links(sessions: sessionmaker[Session]) -> dict[str, tuple[bool, bool]]:
    """chat id -> (active, left_at set)."""
    with sessions() as session:
        return {
            link.chat_id: (link.active, link.left_at is not None)
            for link in session.scalars(select(ChatLink))
        }


def progres(tg: BotHarness, user: TgUser, chat: TgChat) -> str:
    return only_reply(tg.send(user, chat, f"/progres@{BOT_USERNAME}")).visible


@pytest.mark.parametrize("order", ["to,from", "from,to", "to", "from"])
def test_a_group_upgraded_to_a_supergroup_stays_linked(
    tg: BotHarness, world: sessionmaker[Session], order: str
) -> None:
    assert BADUNG in progres(tg, AGEN, BADUNG_GROUP)

    supergroup, calls = tg.migrate(OWNER, BADUNG_GROUP, SUPERGROUP_ID, order=order)

    assert sent(calls) == []  # service messages get no answer
    assert links(world) == {
        str(SUPERGROUP_ID): (True, False),
        str(PROVINCE_GROUP.id): (True, False),
    }
    assert BADUNG in progres(tg, OWNER, supergroup)


def test_the_migration_is_seen_during_a_conversation_of_the_person_upgrading(
    tg: BotHarness, world: sessionmaker[Session]
) -> None:
    """The agen is in the middle of /kendala in the group when they upgrade it: the
    conversation does not swallow the service message."""
    tg.send(AGEN, BADUNG_GROUP, f"/kendala@{BOT_USERNAME}")
    tg.migrate(AGEN, BADUNG_GROUP, SUPERGROUP_ID, order="to")
    assert str(SUPERGROUP_ID) in links(world)


def test_the_bot_removed_from_a_satker_group_then_linked_again(
    tg: BotHarness, world: sessionmaker[Session]
) -> None:
    calls = tg.bot_status(OWNER, BADUNG_GROUP, "member", "kicked")

    assert calls == []  # nothing can be said in a group the bot left
    assert links(world)[str(BADUNG_GROUP.id)] == (False, True)
    with world() as session:
        notice = as_telegram(session.scalars(select(Outbox).where(Outbox.kind == "grup")).one())
    assert notice.chat_id == str(PROVINCE_GROUP.id)
    assert BADUNG in notice.text and BADUNG_GROUP.title in notice.text  # type: ignore[operator]

    # The same update again: no second notice.
    tg.bot_status(OWNER, BADUNG_GROUP, "member", "kicked")
    with world() as session:
        assert len(session.scalars(select(Outbox).where(Outbox.kind == "grup")).all()) == 1

    # Added back: the group is told how to link it again, and is not linked meanwhile.
    welcome = only_reply(tg.bot_status(OWNER, BADUNG_GROUP, "kicked", "member"))
    assert welcome.chat_id == BADUNG_GROUP.id
    assert welcome.visible == texts.GROUP_BOT_RETURNED.format(name=BADUNG, argument="5103")
    assert links(world)[str(BADUNG_GROUP.id)] == (False, True)
    assert progres(tg, AGEN, BADUNG_GROUP) == texts.GROUP_LINK_INACTIVE.format(
        name=BADUNG, argument="5103"
    )

    reply = only_reply(tg.send(AGEN, BADUNG_GROUP, f"/hubungkan@{BOT_USERNAME} 5103"))
    assert BADUNG in reply.visible
    assert links(world)[str(BADUNG_GROUP.id)] == (True, False)
    assert BADUNG in progres(tg, AGEN, BADUNG_GROUP)


def test_the_bot_removed_from_the_province_group_is_only_logged(
    tg: BotHarness, world: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    tg.errors_expected = True  # the warning in the log is the point
    assert tg.bot_status(ADMIN, PROVINCE_GROUP, "member", "left") == []
    assert links(world)[str(PROVINCE_GROUP.id)] == (False, True)
    with world() as session:
        assert session.scalars(select(Outbox)).all() == []
    assert "province group" in caplog.text

    welcome = only_reply(tg.bot_status(ADMIN, PROVINCE_GROUP, "left", "member"))
    assert "/hubungkan provinsi" in welcome.visible
    reply = only_reply(tg.send(ADMIN, PROVINCE_GROUP, "/hubungkan provinsi"))
    assert reply.visible == texts.LINKED_PROVINCE.replace("**", "")
    assert links(world)[str(PROVINCE_GROUP.id)] == (True, False)


def test_the_bot_added_to_a_new_group_says_how_to_link_it(
    tg: BotHarness, world: sessionmaker[Session]
) -> None:
    group = TgChat.group(-4009999, "Grup baru")
    welcome = only_reply(tg.bot_status(OWNER, group, "left", "member"))
    assert welcome.visible == texts.GROUP_BOT_ADDED
    # Someone blocking the bot in private is not a group matter here.
    assert tg.bot_status(OWNER, TgChat.private(OWNER), "member", "kicked") == []
    assert str(group.id) not in links(world)


def test_a_flooder_removing_the_bot_is_still_seen(
    tg: BotHarness, world: sessionmaker[Session]
) -> None:
    from handlers.telegram.throttle import ThrottleGate
    from services.throttle import Throttle, Window

    tg.application.bot_data.throttle = ThrottleGate(Throttle(lambda: 0.0, (Window(2, 10.0),)))
    for _ in range(5):  # throttled by now: one notice, then silence
        tg.send(OWNER, BADUNG_GROUP, f"/bantuan@{BOT_USERNAME}")

    tg.bot_status(OWNER, BADUNG_GROUP, "member", "kicked")

    assert links(world)[str(BADUNG_GROUP.id)] == (False, True)
