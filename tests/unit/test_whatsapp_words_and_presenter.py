"""WhatsApp without a server: command words, the presenter's Meta limits, and webhook bodies
split into one update each."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whatsapp_fakes import envelope, status_body, text_body

from handlers.whatsapp import updates
from handlers.whatsapp.presenter import (
    MAX_BODY_WITH_BUTTONS,
    MAX_TEXT,
    Choice,
    ListMessage,
    ReplyButtons,
    Text,
    check,
    choose,
    fill,
    split_text,
)
from handlers.whatsapp.words import Command, is_greeting, parse_command, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("progres", Command("progres")),
        ("/Progres", Command("progres")),
        ("PROGRES 5103", Command("progres", "5103")),
        ("  lapor  MP-01 selesai\nsudah rapat ", Command("lapor", "MP-01 selesai\nsudah rapat")),
        ("daftar ABCD-1234", Command("daftar", "ABCD-1234")),
        ("/daftar@zibot_bot ABCD", Command("daftar", "ABCD")),
        ("kendala daftar", Command("kendala", "daftar")),
        ("Bantuan?", Command("bantuan")),
        ("help", Command("bantuan")),
        ("batal", Command("batal")),
        ("tautkan 123456", Command("tautkan", "123456")),
        ("rencana MP", Command("rencana", "MP")),
    ],
)
def test_command_words(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "progresnya bagus", "laporan", "buktikan", "halo", "12", "kendalanya"]
)
def test_not_a_command(text: str) -> None:
    assert parse_command(text) is None  # whole words only (pywa's filter is a prefix match)


def test_greetings_and_numbers() -> None:
    assert is_greeting("Halo bot") and is_greeting("selamat pagi") and not is_greeting("rapat")
    assert parse_number("3") == 3 and parse_number(" 10. ") == 10
    assert parse_number("0") is None and parse_number("٣") is None and parse_number("3a") is None


def test_whatsapp_formatting_never_html() -> None:
    assert fill("**Kendala {n}** __{d}__", n="KDL-1", d="<b>&") == "*Kendala KDL-1* _<b>&_"
    shown = fill("**{name}**: {text}", name="Made", text="*penting* _sekali_ `x` ~y~")
    assert shown.startswith("*Made*: ")
    # people's marks are kept but made literal (a word joiner after each), never formatting
    assert shown.replace("\u2060", "") == "*Made*: *penting* _sekali_ `x` ~y~"
    assert "*\u2060penting*\u2060" in shown


@given(st.text(alphabet=st.sampled_from("ab \n✅"), max_size=12000))
def test_a_long_text_is_split_never_cut(text: str) -> None:
    parts = split_text(text, limit=500)
    assert all(1 <= len(p) <= 500 for p in parts) or parts == [""]
    # only whitespace at a break (or a part of nothing but blanks) may go
    assert "".join(parts).split() == [] or "".join("".join(parts).split()) == "".join(text.split())


def test_split_keeps_every_character_at_line_breaks() -> None:
    text = "\n".join(f"baris {i:04d} " + "x" * 50 for i in range(300))
    parts = split_text(text)
    assert len(parts) > 1 and all(len(p) <= MAX_TEXT for p in parts)
    assert "\n".join(parts) == text


def choices(n: int, title: str = "MP-{i:02d}", description: str = "") -> list[Choice]:
    return [Choice(f"lapor:MP-{i:02d}", title.format(i=i), description) for i in range(1, n + 1)]


def test_three_short_choices_are_reply_buttons() -> None:
    reply = choose("Pilih:", choices(3), button="Pilih", number_hint="nomor?")
    [message] = reply.messages
    assert isinstance(message, ReplyButtons) and len(message.choices) == 3
    assert reply.numbered == ()


def test_four_to_ten_choices_are_a_list() -> None:
    reply = choose("Pilih:", choices(10, description="d" * 72), button="Pilih", number_hint="n")
    [message] = reply.messages
    assert isinstance(message, ListMessage) and len(message.choices) == 10
    check(message)


@pytest.mark.parametrize(
    "offered",
    [choices(11), choices(5, title="X" * 25), choices(4, description="d" * 73),
     choices(2, title="Y" * 21) + choices(2)],
    ids=["eleven", "long-title", "long-description", "button-title-too-long-for-3"],
)  # fmt: skip
def test_what_does_not_fit_becomes_a_numbered_list(offered: list[Choice]) -> None:
    reply = choose("Pilih item:", offered, button="Pilih", number_hint="Balas dengan nomor.")
    if len(offered) <= 10 and all(len(c.title) <= 24 and len(c.description) <= 72 for c in offered):
        assert isinstance(reply.messages[-1], ListMessage)
        return
    assert all(isinstance(m, Text) for m in reply.messages)
    text = "\n".join(m.body for m in reply.messages)  # type: ignore[union-attr]
    for number, choice in enumerate(offered, start=1):
        assert f"*{number}.* {choice.title}" in text  # full titles, never cut
    assert reply.numbered == tuple(c.payload for c in offered)


def test_a_body_too_long_for_buttons_goes_first_as_text() -> None:
    body = "\n".join(["baris " + "x" * 90] * 30)  # ~2,900 characters
    reply = choose(body, choices(3), button="Pilih", number_hint="n")
    assert isinstance(reply.messages[-1], ReplyButtons)
    for message in reply.messages:
        check(message)
    assert len(reply.messages[-1].body) <= MAX_BODY_WITH_BUTTONS
    shown = "\n".join(m.body for m in reply.messages)
    assert shown.replace("\n", "") == body.replace("\n", "")


def test_check_refuses_what_meta_refuses() -> None:
    with pytest.raises(ValueError):
        check(ReplyButtons("b", tuple(choices(4))))
    with pytest.raises(ValueError):
        check(ReplyButtons("b", (Choice("x", "T" * 21),)))
    with pytest.raises(ValueError):
        check(ListMessage("b", "Pilih", tuple(choices(11))))
    with pytest.raises(ValueError):
        check(Text("x" * 4097))
    with pytest.raises(ValueError):
        check(ReplyButtons("b" * 1025, tuple(choices(1))))


def test_a_batched_body_splits_into_one_update_each() -> None:
    first, second = text_body("62811", "progres"), text_body("62812", "lapor")
    value = first["entry"][0]["changes"][0]["value"]
    value["messages"] += second["entry"][0]["changes"][0]["value"]["messages"]
    value["contacts"] += second["entry"][0]["changes"][0]["value"]["contacts"]
    singles = updates.split(json.dumps(first).encode())
    assert [s.key[:10] for s in singles] == ["msg:wamid.", "msg:wamid."]
    bodies = [json.loads(s.body)["entry"][0]["changes"][0]["value"] for s in singles]
    assert [b["contacts"][0]["wa_id"] for b in bodies] == ["62811", "62812"]
    assert [len(b["messages"]) for b in bodies] == [1, 1]


def test_an_old_body_without_user_id_gets_the_phone_as_id() -> None:
    body = text_body("62811", "progres")
    del body["entry"][0]["changes"][0]["value"]["contacts"][0]["user_id"]
    [single] = updates.split(json.dumps(body).encode())
    contact = json.loads(single.body)["entry"][0]["changes"][0]["value"]["contacts"][0]
    assert contact["user_id"] == "62811"


def test_status_keys_carry_the_status() -> None:
    [single] = updates.split(json.dumps(status_body("wamid.X", "read", "62811")).encode())
    assert single.key == "status:wamid.X:read"
    other = envelope({"event": "APPROVED", "message_template_id": 1})
    other["entry"][0]["changes"][0]["field"] = "message_template_status_update"
    [template] = updates.split(json.dumps(other).encode())
    assert template.key.startswith("other:message_template_status_update:")


@pytest.mark.parametrize("raw", [b"{", b"[]", b'{"entry": 1}', b'{"entry": [{"changes": [1]}]}'])
def test_what_is_no_update(raw: bytes) -> None:
    with pytest.raises(updates.NotAnUpdate):
        updates.split(raw)


def test_reactions_and_edits_are_not_answered() -> None:
    from pywa_async import WhatsApp

    client = WhatsApp(phone_id="1", token="t", server=None)
    for content in (
        {"type": "reaction", "reaction": {"message_id": "wamid.x", "emoji": "👍"}},
        {"type": "system", "system": {"body": "changed", "type": "user_changed_number"}},
    ):
        body = text_body("62811", "x")
        body["entry"][0]["changes"][0]["value"]["messages"][0].pop("text")
        body["entry"][0]["changes"][0]["value"]["messages"][0].update(content)
        [single] = updates.split(json.dumps(body).encode())
        assert updates.incoming_of(updates.read(client, single.body)) is None
