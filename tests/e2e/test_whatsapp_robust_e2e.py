"""WhatsApp inbound robustness end to end, through the real ``zibot serve`` and the Graph API
stand-in: odd message kinds, other fields, garbage and oversized bodies, another phone number,
a text over 4,096 characters, and a flooding person while someone else is still answered."""

from __future__ import annotations

import copy
import json
import time

from sqlalchemy import select

from models import InboxEntry
from services import texts

from . import test_whatsapp_e2e as base
from .test_whatsapp_e2e import Server

# The fixtures of the WhatsApp end-to-end tests: ``zibot serve`` with its Graph API stand-in.
server, wa = base.server, base.wa


def test_odd_kinds_and_hostile_bodies_keep_the_bot_answering(wa: Server) -> None:
    person = wa.registered()
    graph = wa.graph
    sticker = graph._inbound(  # a kind the bot does not read: one short answer
        person.wa_id,
        {"type": "sticker", "sticker": {"mime_type": "image/webp", "sha256": "a=", "id": "77"}},
        name=person.name, user_id=person.user_id, context_id=None, at=None,
    )  # fmt: skip
    reply = wa.deliver(sticker)
    assert reply.text == texts.WA_UNSUPPORTED.replace("**", "*")
    other = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}]}]}  # fmt: skip
    assert wa.post(other).status_code == 200
    assert wa.post(b"{not json").status_code == 400
    assert wa.post(b"x" * (4 * 1024 * 1024)).status_code == 413
    elsewhere = graph.text_message_body(person.wa_id, "progres", user_id=person.user_id)
    elsewhere = copy.deepcopy(elsewhere)
    elsewhere["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    before = len(graph.sent_to(person.user_id))
    assert wa.post(elsewhere).status_code == 200
    long = wa.say(person, "kendala " + "a" * 5000)
    assert "5008" in long.text.replace(".", "") and "4096" in long.text.replace(".", "")
    assert wa.say(person, "bantuan").text.startswith("Halo!")
    assert len(graph.sent_to(person.user_id)) == before + 2  # nothing for the other number
    assert "Traceback" not in wa.deployment.log_text()


def test_a_flooding_person_is_told_once_and_others_are_still_answered(wa: Server) -> None:
    flooder, other = wa.registered(name="Banjir"), wa.registered(name="Tenang")
    graph = wa.graph
    before = len(graph.sent_to(flooder.user_id))
    ids = []
    for n in range(15):
        body = graph.text_message_body(flooder.wa_id, "bantuan", user_id=flooder.user_id)
        ids.append(body["entry"][0]["changes"][0]["value"]["messages"][0]["id"])
        assert wa.post(json.dumps(body).encode()).status_code == 200
        if n == 12:
            assert wa.say(other, "bantuan").text.startswith("Halo!")
    notice = graph.wait_for(
        lambda m: m.to == flooder.user_id and m.text == texts.FLOOD_NOTICE, timeout=30
    )
    assert notice
    deadline = time.monotonic() + 30
    while True:
        with wa.deployment.db() as session:
            rows = session.scalars(
                select(InboxEntry).where(InboxEntry.key.in_([f"msg:{i}" for i in ids]))
            ).all()
        if len(rows) == 15 and all(r.done_at is not None for r in rows):
            break
        assert time.monotonic() < deadline, [(r.key, r.done_at) for r in rows]
        time.sleep(0.1)
    answers = [m.text for m in graph.sent_to(flooder.user_id)[before:]]
    assert answers.count(texts.FLOOD_NOTICE) == 1 and len(answers) < 15
    assert sum(1 for r in rows if r.error == "dropped: flood") == 15 - len(answers) + 1
