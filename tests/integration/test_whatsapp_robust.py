"""WhatsApp inbound robustness on SQLite and PostgreSQL, through the signed ``POST /whatsapp``:
every kind of message Meta sends (in the Cloud API's own shapes, with and without
``contacts[].user_id``), other fields, batches, hostile bodies and texts, a flooding person."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import test_whatsapp as base
from pywa_async.types import MessageStatus
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_whatsapp import AGEN, AGEN_ID, NOW, Bot, inbox_rows, run
from whatsapp_fakes import PHONE_ID, raw, user_id_of

from bot.whatsapp import FLOOD_DROPPED
from handlers.whatsapp.presenter import Text
from models import User
from services import catalog, texts
from services.throttle import Throttle

# The fixtures of the WhatsApp integration tests: the sample plan, one agen, one process.
world, clock, bot = base.world, base.clock, base.bot
STRANGER = "6281299999999"
META = {"display_phone_number": "6281100000000", "phone_number_id": PHONE_ID}
_n = iter(range(1, 10**9))


def mid() -> str:
    return f"wamid.HBgNNjI4MTIwMDAwMDAwMRUCABIYFjNFQjA{next(_n):06d}=="


def body(value: dict[str, Any], field: str = "messages") -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": field}]}],
    }


def contact(wa_id: str | None, user_id: str | None, name: str = "Made") -> dict[str, Any]:
    found: dict[str, Any] = {"profile": {"name": name}}
    if wa_id:
        found["wa_id"] = wa_id
    if user_id:
        found["user_id"] = user_id
    return found


def message_value(
    content: dict[str, Any], wa_id: str | None = AGEN, user_id: str | None = AGEN_ID
) -> dict[str, Any]:
    message: dict[str, Any] = {"id": mid(), "timestamp": "1764201600", **content}
    if wa_id:
        message["from"] = wa_id
    if user_id:
        message["from_user_id"] = user_id
    return {
        "messaging_product": "whatsapp",
        "metadata": dict(META),
        "contacts": [contact(wa_id, user_id)],
        "messages": [message],
    }


def msg(content: dict[str, Any], **who: Any) -> dict[str, Any]:
    return body(message_value(content, **who))


KINDS: dict[str, dict[str, Any]] = {
    "image": {"type": "image", "image": {"mime_type": "image/jpeg", "sha256": "a=", "id": "1"}},
    "audio": {"type": "audio", "audio": {"mime_type": "audio/ogg; codecs=opus", "sha256": "a=",
                                         "id": "2", "voice": True}},
    "video": {"type": "video", "context": {"forwarded": True},
              "video": {"caption": "c", "mime_type": "video/mp4", "sha256": "a=", "id": "3"}},
    "sticker": {"type": "sticker", "sticker": {"mime_type": "image/webp", "sha256": "a=",
                                               "id": "4", "animated": False}},
    "location": {"type": "location", "location": {"latitude": -8.65, "longitude": 115.21,
                                                  "name": "Kantor", "address": "Jl. Raya"}},
    "contacts": {"type": "contacts", "contacts": [
        {"name": {"formatted_name": "Budi", "first_name": "Budi"},
         "phones": [{"phone": "+62 812", "wa_id": "62812", "type": "CELL"}]}]},
    "unsupported": {"type": "unsupported", "errors": [
        {"code": 131051, "title": "Message type unknown", "message": "Message type unknown",
         "error_data": {"details": "Message type is not currently supported"}}]},
    "unknown-new-type": {"type": "hologram", "hologram": {"id": "9"}},
    "order": {"type": "order", "order": {"catalog_id": "1", "product_items": []}},
    "nfm_reply": {"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {
        "response_json": "{}", "body": "Sent", "name": "flow"}}},
    "request_welcome": {"type": "request_welcome"},
    "text-without-body": {"type": "text", "text": {}},
    "text-not-an-object": {"type": "text", "text": "progres"},
    "no-type": {"text": {"body": "progres"}},
    "interactive-without-reply": {"type": "interactive", "interactive": {"type": "button_reply"}},
    "button-without-payload": {"type": "button", "button": {"text": "Lihat detail"}},
    "document-without-id": {"type": "document", "document": {"filename": "a.pdf"}},
}  # fmt: skip
SILENT: dict[str, dict[str, Any]] = {
    "reaction": {"type": "reaction", "reaction": {"message_id": "wamid.x", "emoji": "👍"}},
    "unreaction": {"type": "reaction", "reaction": {"message_id": "wamid.x"}},
}


def sent_to(bot: Bot, to: str) -> list[str]:
    return bot.cloud.texts_to(to)


def all_done(sessions: sessionmaker[Session]) -> None:
    rows = inbox_rows(sessions)
    assert rows and all(r.done_at is not None for r in rows), [(r.key, r.error) for r in rows]


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("ids", ["both", "wa_id-only", "user_id-only", "no-contacts"])
def test_every_kind_of_message_is_answered_once_plainly(
    bot: Bot, world: sessionmaker[Session], kind: str, ids: str
) -> None:
    who = {
        "both": {"wa_id": AGEN, "user_id": AGEN_ID},
        "wa_id-only": {"wa_id": AGEN, "user_id": None},
        "user_id-only": {"wa_id": None, "user_id": AGEN_ID},
        "no-contacts": {"wa_id": AGEN, "user_id": AGEN_ID},
    }[ids]
    update = msg(KINDS[kind], **who)
    if ids == "no-contacts":
        del update["entry"][0]["changes"][0]["value"]["contacts"]
    data = raw(update)
    run(bot.say(json.loads(data)))
    run(bot.say(json.loads(data)))  # a redelivery
    to = AGEN_ID if ids != "wa_id-only" else AGEN
    answers = sent_to(bot, to)
    assert len(answers) == 1, (answers, bot.cloud.sent)
    assert "Traceback" not in answers[0]
    all_done(world)
    assert [r.error for r in inbox_rows(world)] == [None]


@pytest.mark.parametrize("kind", sorted(SILENT))
def test_a_reaction_is_not_answered(bot: Bot, world: sessionmaker[Session], kind: str) -> None:
    run(bot.say(msg(SILENT[kind])))
    assert bot.cloud.sent == []
    all_done(world)


# ------------------------------------------------------------------ presses


def test_a_template_quick_reply_with_a_payload_not_ours_is_answered_politely(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    run(bot.say(msg({"type": "button", "context": {"from": "6281100000000", "id": "wamid.t"},
                     "button": {"text": "Lihat detail", "payload": "Lihat detail"}})))  # fmt: skip
    [answer] = sent_to(bot, AGEN_ID)
    assert answer == texts.WA_BUTTON_GONE.replace("**", "*")
    all_done(world)


@pytest.mark.parametrize(
    "payload", ["forged", "lp:MP-99:selesai", "wd:99999999999999999999999", "x" * 300, "", "🙂"]
)
@pytest.mark.parametrize("kind", ["button_reply", "list_reply"])
def test_a_forged_press_is_answered_politely(
    bot: Bot, world: sessionmaker[Session], payload: str, kind: str
) -> None:
    press = {"type": kind, kind: {"id": payload, "title": "Ya"}}
    context = {"from": "6281100000000", "id": "w.p"}
    run(bot.say(msg({"type": "interactive", "context": context, "interactive": press})))
    [answer] = sent_to(bot, AGEN_ID)
    assert "Traceback" not in answer and answer != texts.ERROR_APOLOGY
    assert [r.error for r in inbox_rows(world)] == [None]


# ------------------------------------------------------------------ other shapes


def status_value(status: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"id": mid(), "status": status, "timestamp": "1764201600",
                             "recipient_id": AGEN}  # fmt: skip
    if errors is not None:
        found["errors"] = errors
    return {"messaging_product": "whatsapp", "metadata": dict(META), "statuses": [found]}


def test_statuses_with_errors_and_value_errors_are_kept_once(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    error = {"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
             "error_data": {"details": "More than 24 hours have passed"}}  # fmt: skip
    failed = body(status_value("failed", [error]))
    run(bot.say(failed))
    run(bot.say(failed))
    value_error = body({"messaging_product": "whatsapp", "metadata": dict(META), "errors": [error]})
    run(bot.say(value_error))
    assert len(bot.statuses) == 1 and bot.cloud.sent == []
    all_done(world)
    assert len(inbox_rows(world)) == 2


OTHER_FIELDS: dict[str, dict[str, Any]] = {
    "message_template_status_update": {"event": "APPROVED", "message_template_id": 1234,
                                       "message_template_name": "pengingat",
                                       "message_template_language": "id", "reason": "NONE"},
    "account_update": {"phone_number": "6281100000000", "event": "VERIFIED_ACCOUNT"},
    "phone_number_quality_update": {"display_phone_number": "6281100000000",
                                    "event": "FLAGGED", "current_limit": "TIER_1K"},
    "template_category_update": {"message_template_id": 1, "message_template_name": "x",
                                 "message_template_language": "id",
                                 "previous_category": "UTILITY", "new_category": "MARKETING"},
    "security": {"display_phone_number": "6281100000000", "event": "PIN_CHANGED"},
}  # fmt: skip


@pytest.mark.parametrize("field", sorted(OTHER_FIELDS))
def test_other_fields_are_kept_once_and_answer_nobody(
    bot: Bot, world: sessionmaker[Session], field: str
) -> None:
    update = body(OTHER_FIELDS[field], field=field)
    run(bot.say(update))
    run(bot.say(update))
    assert bot.cloud.sent == []
    assert len(inbox_rows(world)) == 1
    all_done(world)


def test_several_entries_changes_and_messages_in_one_body(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    first = message_value({"type": "text", "text": {"body": "bantuan"}})
    first["messages"] += message_value({"type": "text", "text": {"body": "batal"}})["messages"]
    stranger = message_value({"type": "text", "text": {"body": "halo"}}, wa_id=STRANGER,
                             user_id=user_id_of(STRANGER))  # fmt: skip
    together = {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "changes": [{"field": "messages", "value": first},
                                    {"field": "messages", "value": status_value("read")}]},
            {"id": "2", "changes": [{"field": "messages", "value": stranger},
                                    {"field": "account_update",
                                     "value": OTHER_FIELDS["account_update"]}]},
        ],
    }  # fmt: skip
    run(bot.say(together))
    run(bot.say(together))
    assert len(sent_to(bot, AGEN_ID)) == 2
    assert len(sent_to(bot, user_id_of(STRANGER))) == 1
    assert len([s for s in bot.statuses if isinstance(s, MessageStatus)]) == 1
    assert len(inbox_rows(world)) == 5
    all_done(world)


def test_an_update_for_another_phone_number_is_ignored(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    update = msg({"type": "text", "text": {"body": "progres"}})
    update["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    run(bot.say(update))
    assert bot.cloud.sent == [] and inbox_rows(world) == []


# ------------------------------------------------------------------ identity changes


def test_a_phone_number_change_keeps_the_account(bot: Bot, world: sessionmaker[Session]) -> None:
    old, new = "6281244444444", "6281233333333"
    with world.begin() as session:
        badung = catalog.find_satker(session, "5103").id
        user = User(name="Lama", role="agen", satker_id=badung, created_at=NOW)
        user.whatsapp = old  # registered when WhatsApp gave phone numbers only
        session.add(user)
    change = body({"messaging_product": "whatsapp", "metadata": dict(META), "messages": [
        {"from": old, "id": mid(), "timestamp": "1764201600", "type": "system",
         "system": {"body": f"Lama changed from {old} to {new}", "wa_id": new,
                    "type": "user_changed_number"}}]})  # fmt: skip
    run(bot.say(change))
    run(bot.say(change))
    assert bot.cloud.sent == []
    all_done(world)
    with world() as session:
        user = session.scalars(select(User).where(User.name == "Lama")).one()
        assert [i.external_id for i in user.identities] == [new]
    run(bot.say(msg({"type": "text", "text": {"body": "progres"}}, wa_id=new, user_id=None)))
    [answer] = sent_to(bot, new)
    assert texts.NOT_REGISTERED.split(".")[0] not in answer


def test_an_older_customer_changed_number_and_a_user_id_change_keep_the_account(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    old, new = "6281244444444", "6281233333333"
    with world.begin() as session:
        badung = catalog.find_satker(session, "5103").id
        user = User(name="Lama", role="agen", satker_id=badung, created_at=NOW)
        user.whatsapp = old
        session.add(user)
    run(
        bot.say(
            body(
                {
                    "messaging_product": "whatsapp",
                    "metadata": dict(META),
                    "messages": [
                        {
                            "from": old,
                            "id": mid(),
                            "timestamp": "1764201600",
                            "type": "system",
                            "system": {
                                "body": "changed",
                                "new_wa_id": new,
                                "type": "customer_changed_number",
                            },
                        }
                    ],
                }
            )
        )
    )
    run(bot.say(body({"messaging_product": "whatsapp", "metadata": dict(META), "messages": [
        {"id": mid(), "timestamp": "1764201600", "type": "system",
         "system": {"body": "changed", "user_id": "ID.99", "previous_user_id": new,
                    "type": "user_changed_user_id"}}]})))  # fmt: skip
    with world() as session:
        user = session.scalars(select(User).where(User.name == "Lama")).one()
        assert [i.external_id for i in user.identities] == ["ID.99"]
        assert user.whatsapp == "ID.99"
    assert bot.cloud.sent == []
    all_done(world)


# ------------------------------------------------------------------ hostile input


def test_a_text_longer_than_a_message_is_refused_with_its_length(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    long = "kendala " + "a" * 5000
    run(bot.say(msg({"type": "text", "text": {"body": long}})))
    [answer] = sent_to(bot, AGEN_ID)
    assert str(len(long)).replace("", "") in answer.replace(".", "") and "4096" in answer.replace(
        ".", ""
    )
    assert [r.error for r in inbox_rows(world)] == [None]


MARKS = (
    "*tebal* _miring_ ~coret~ ```kode``` > kutip \u200b\u200d\u202e\u2066 🇮🇩👨‍👩‍👧 <b>x</b> &amp;"
)


def test_marks_and_odd_characters_are_shown_literally(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    run(bot.say(msg({"type": "text", "text": {"body": MARKS}})))
    [answer] = sent_to(bot, AGEN_ID)
    assert answer.startswith(texts.WA_MENU.split("\n")[0].replace("**", "*"))
    all_done(world)


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"", b"null", b"[]", b'"x"', b'{"entry": [1]}', b"\xff\xfe\x00",
     b'{"entry": [{"changes": [{"field": "messages", "value": {"messages": [{"id": 5}]}}]}]}',
     b'{"entry": [{"changes": [{"field": "messages", "value": {"messages": "x"}}]}]}',
     b'{"entry": [{"changes": [{"field": "messages", "value": {"contacts": 3, "messages": '
     b'[{"id": "w", "type": "text", "text": {"body": "x"}}]}}]}]}',
     b'{"entry": [{"changes": "x"}]}', b'{"entry": [{"changes": [{"value": []}]}]}'],
)  # fmt: skip
def test_a_signed_body_that_is_garbage_is_refused_and_stores_nothing(
    bot: Bot, world: sessionmaker[Session], data: bytes
) -> None:
    response = run(bot.post(data))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert bot.cloud.sent == [] and inbox_rows(world) == []


def test_a_huge_body_is_refused_unread(bot: Bot, world: sessionmaker[Session]) -> None:
    huge = raw(msg({"type": "text", "text": {"body": "x" * (4 * 1024 * 1024)}}))
    assert run(bot.post(huge)).status_code == 413  # type: ignore[attr-defined]
    assert inbox_rows(world) == []


def test_a_huge_chunked_body_without_a_length_is_refused(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b" " * (1024 * 1024)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=bot.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            headers = {"X-Hub-Signature-256": "sha256=00"}
            return await client.post("/whatsapp", content=chunks(), headers=headers)

    response = run(post())
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert inbox_rows(world) == []


# ------------------------------------------------------------------ a flooding person


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_flooding_person_gets_one_notice_then_silence_and_others_are_answered(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    ticks = Ticks()
    bot.inbound.throttle = Throttle(ticks)
    stranger = user_id_of(STRANGER)
    for n in range(15):
        ticks.now += 0.1
        run(bot.say(msg({"type": "text", "text": {"body": "bantuan"}})))
        if n == 12:  # someone else, in the middle of the flood
            run(bot.say(msg({"type": "text", "text": {"body": "halo"}}, wa_id=STRANGER,
                            user_id=stranger)))  # fmt: skip
    answers = sent_to(bot, AGEN_ID)
    notice = texts.FLOOD_NOTICE
    assert len(answers) == 11 and answers[-1] == notice and notice not in answers[:-1]
    assert len(sent_to(bot, stranger)) == 1
    rows = inbox_rows(world)
    assert len(rows) == 16 and all(r.done_at is not None for r in rows)  # nothing lost
    assert [r.error for r in rows].count(FLOOD_DROPPED) == 5
    # A press during the flood is dropped too (quietly); after a pause, answered again.
    run(bot.say(msg({"type": "interactive", "interactive": {
        "type": "button_reply", "button_reply": {"id": "forged", "title": "Ya"}}})))  # fmt: skip
    assert len(sent_to(bot, AGEN_ID)) == 11
    ticks.now += 61
    run(bot.say(msg({"type": "text", "text": {"body": "bantuan"}})))
    assert len(sent_to(bot, AGEN_ID)) == 12 and sent_to(bot, AGEN_ID)[-1] != notice


def test_a_redelivered_flood_is_not_counted_twice(bot: Bot, world: sessionmaker[Session]) -> None:
    ticks = Ticks()
    bot.inbound.throttle = Throttle(ticks)
    same = msg({"type": "text", "text": {"body": "bantuan"}})
    for _ in range(30):  # Meta redelivers one message many times
        run(bot.say(same))
    assert len(sent_to(bot, AGEN_ID)) == 1
    assert [r.error for r in inbox_rows(world)] == [None]


@pytest.mark.parametrize(
    ("text", "quoted"), [("lapor *MP-99*", "*MP-99*"), ("rencana ~x~", "~x~"),
                         ("progres _a_", "_a_")],
)  # fmt: skip
def test_what_a_person_wrote_is_quoted_literally_in_a_refusal(
    bot: Bot, world: sessionmaker[Session], text: str, quoted: str
) -> None:
    run(bot.say(msg({"type": "text", "text": {"body": text}})))
    [answer] = sent_to(bot, AGEN_ID)
    assert quoted not in answer  # a word joiner after each mark: WhatsApp formats nothing
    assert quoted in answer.replace("\u2060", "")


@pytest.mark.parametrize("ids", ["wa_id-only", "user_id-only", "no-contacts"])
def test_a_text_is_read_whatever_ids_the_body_carries(
    bot: Bot, world: sessionmaker[Session], ids: str
) -> None:
    who: dict[str, Any] = {"wa_id": AGEN, "user_id": AGEN_ID}
    if ids == "wa_id-only":
        who["user_id"] = None
    elif ids == "user_id-only":
        who["wa_id"] = None
    update = msg({"type": "text", "text": {"body": "progres"}}, **who)
    if ids == "no-contacts":
        del update["entry"][0]["changes"][0]["value"]["contacts"]
    run(bot.say(update))
    [(to, answer)] = bot.cloud.sent
    assert to == (AGEN if ids == "wa_id-only" else AGEN_ID)
    assert isinstance(answer, Text) and answer.body != texts.WA_UNSUPPORTED.replace("**", "*")
    # The agen is known by the business-scoped id: a body with the phone number only is a
    # stranger's (still read as the command it is).
    assert ("KPU Kabupaten Badung" in answer.body) is (ids != "wa_id-only")
