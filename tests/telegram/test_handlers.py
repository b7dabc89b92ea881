from offline import BotHarness, TgChat, TgUser, only_reply
from services import texts

ALICE = TgUser(1001, "Alice")


def test_start(tg: BotHarness) -> None:
    reply = only_reply(tg.send(ALICE, TgChat.private(ALICE), "/start"))
    assert reply.text == texts.START_NEW
