"""The per-user throttle and the update claim, through the real application (offline)."""

from __future__ import annotations

from offline import BotHarness, TgChat, TgUser, sent
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.telegram.throttle import ThrottleGate
from models import ProcessedUpdate
from services import texts
from services.throttle import Throttle, Window

FLOODER = TgUser(3001, "Banjir", "Pesan")
NEIGHBOUR = TgUser(3002, "Tetangga", "Baik")
GROUP = TgChat.group(-1003001, "Grup ramai")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def throttled(tg: BotHarness, *windows: Window) -> Clock:
    clock = Clock()
    policy = Throttle(clock, windows or (Window(3, 10.0),))
    tg.application.bot_data.throttle = ThrottleGate(policy)
    return clock


def test_a_flood_in_a_group_gets_one_notice_then_silence(tg: BotHarness) -> None:
    throttled(tg)
    replies = [sent(tg.send(FLOODER, GROUP, "/bantuan")) for _ in range(8)]
    assert all(len(r) == 1 for r in replies[:3])
    notice = replies[3]
    assert [c.text for c in notice] == [texts.FLOOD_NOTICE]
    assert notice[0].params.get("reply_parameters") is not None  # it quotes the flooder
    assert replies[4:] == [[]] * 4
    # Somebody else in the same group is answered as usual.
    assert len(sent(tg.send(NEIGHBOUR, GROUP, "/bantuan"))) == 1


def test_private_chats_are_throttled_too_and_calm_down(tg: BotHarness) -> None:
    clock = throttled(tg)
    me = TgChat.private(FLOODER)
    counts = [len(sent(tg.send(FLOODER, me, "/bantuan"))) for _ in range(6)]
    assert counts == [1, 1, 1, 1, 0, 0]  # three answers, the notice, then nothing
    clock.now += 11
    reply = sent(tg.send(FLOODER, me, "/bantuan"))
    assert len(reply) == 1 and reply[0].text != texts.FLOOD_NOTICE


def test_pressed_buttons_count_and_are_answered_quietly(tg: BotHarness) -> None:
    throttled(tg, Window(1, 10.0))
    me = TgChat.private(FLOODER)
    tg.send(FLOODER, me, "/bantuan")  # the one update allowed
    message = {
        "message_id": 1,
        "date": 0,
        "chat": me.to_api(FLOODER),
        "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
        "text": "x",
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "rt:1"}]]},
    }
    tg.api.remember(message)
    first = tg.press(FLOODER, message, "rt:1", stale=True)
    second = tg.press(FLOODER, message, "rt:1", stale=True)
    assert [(c.method, c.params.get("text")) for c in first] == [
        ("answerCallbackQuery", texts.FLOOD_NOTICE)
    ]
    assert [(c.method, c.params.get("text")) for c in second] == [("answerCallbackQuery", None)]


def test_polling_claims_each_update_once(tg: BotHarness, sessions: sessionmaker[Session]) -> None:
    me = TgChat.private(NEIGHBOUR)
    update = {
        "update_id": 777,
        "message": {
            "message_id": 5,
            "date": tg.api.date,
            "chat": me.to_api(NEIGHBOUR),
            "from": NEIGHBOUR.to_api(),
            "text": "/bantuan",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        },
    }
    assert len(sent(tg.process(update))) == 1
    assert sent(tg.process(update)) == []  # redelivered (say, after a restart): dropped
    with sessions() as session:
        assert session.scalars(select(ProcessedUpdate.update_id)).all() == ["777"]
