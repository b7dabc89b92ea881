"""Bounds on what people send (``services.bounds``) and button payloads (``services.actions``)."""

from __future__ import annotations

import pytest

from services import actions, bounds, texts
from services.actions import Action, BadAction


def test_a_text_up_to_the_limit_is_returned_as_sent() -> None:
    text = "baris satu\n  baris dua & <tiga>\n" + "é" * 4000
    assert len(text) <= bounds.MAX_TEXT
    assert bounds.check_text(text, texts.INPUT_WHAT_NOTE) is text


def test_a_longer_text_is_refused_with_its_length_and_the_limit() -> None:
    with pytest.raises(bounds.TooLong) as refused:
        bounds.check_text("x" * 4097, texts.INPUT_WHAT_KENDALA)
    assert str(refused.value) == texts.INPUT_TOO_LONG.format(
        what="Uraian kendala", length=4097, limit=4096
    )
    assert (refused.value.length, refused.value.limit) == (4097, 4096)


@pytest.mark.parametrize("value", ["1", "42", str(2**63 - 1)])
def test_ids_within_bigint_are_accepted(value: str) -> None:
    assert bounds.parse_id(value) == int(value)


@pytest.mark.parametrize(
    "value",
    ["", "0", "-1", "+4", " 4", "4 ", "4_2", "٤٢", "1e3", str(2**63), "99999999999999999999",
     "9" * 5000],
)  # fmt: skip
def test_anything_else_is_a_bad_number_not_an_overflow(value: str) -> None:
    with pytest.raises(bounds.BadNumber):
        bounds.parse_id(value)


def test_excerpts_say_when_they_leave_something_out() -> None:
    assert bounds.excerpt("pendek", 10) == "pendek"
    assert bounds.excerpt("a" * 10, 10) == "a" * 10
    shown = bounds.excerpt("kata " * 100, 30)
    assert len(shown) <= 30 and shown.endswith("…") and shown.startswith("kata kata")


def test_utf8_cuts_never_split_a_character() -> None:
    assert bounds.cut_utf8("文件名", 7) == "文件"  # 9 bytes; 7 would end inside 名
    assert bounds.cut_utf8("abc", 7) == "abc"
    assert bounds.cut_utf8("a😀b", 4) == "a"


def test_a_file_name_of_300_cjk_characters_fits_a_file_system_and_keeps_its_extension() -> None:
    name = "报" * 300 + ".pdf"
    safe = bounds.safe_file_name(name)
    assert safe.endswith(".pdf") and safe.startswith("报报")
    assert len(safe.encode("utf-8")) <= bounds.MAX_FILE_NAME_BYTES
    safe.encode("utf-8").decode("utf-8")  # whole characters only
    assert len(bounds.original_name(name)) == 255


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\laporan.docx", "laporan.docx"),
        (".bashrc", "bashrc"),
        ("...", "bukti"),
        ("a\x00b\x1f\x7fc.pdf", "a_b_c.pdf"),
        ("laporan triwulan   I.pdf", "laporan triwulan I.pdf"),
        ("x" * 300 + "." + "y" * 30, "x" * (200 - 10) + "." + "y" * 9),
    ],
)
def test_file_names_lose_folders_control_characters_and_leading_dots(
    given: str, expected: str
) -> None:
    assert bounds.safe_file_name(given) == expected


def test_original_names_drop_control_characters() -> None:
    assert bounds.original_name("nota\u202e\x00 dinas.pdf") == "nota dinas.pdf"
    assert bounds.original_name("\x00") == "-"


# --- button payloads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "action"),
    [
        (actions.lapor_item("MP-01"), Action("lapor", code="MP-01")),
        (actions.lapor_status("SDM-03.01", "selesai"), Action("lapor", code="SDM-03.01",
                                                             word="selesai")),
        (actions.reminder_done("TL-02"), Action("rl", code="TL-02")),
        (actions.reminder_snooze(7), Action("rt", id=7)),
        (actions.kendala_answer(2**63 - 1), Action("kt", id=2**63 - 1)),
        (actions.kendala_close(3), Action("ks", id=3)),
        (actions.instruksi_read(4), Action("ib", id=4)),
        (actions.kendala_area("PTSP"), Action("kd", code="PTSP", step="area")),
        (actions.kendala_item(2**63 - 1, "M" * 32), Action("kd", id=2**63 - 1, code="M" * 32,
                                                          step="item")),
        (actions.kendala_category("sarpras"), Action("kd", word="sarpras", step="cat")),
        (actions.kendala_step("skip"), Action("kd", step="skip")),
        (actions.kendala_step("cancel"), Action("kd", step="cancel")),
        (actions.lke_step("o", "SDM"), Action("lk", code="SDM", step="o")),
        (actions.lke_step("a", "MP.P1.a", 2), Action("lk", code="MP.P1.a", id=2, step="a")),
        (actions.lke_step("b", "M" * 32, 2**63 - 1), Action("lk", code="M" * 32, id=2**63 - 1,
                                                          step="b")),
        (actions.lke_step("k", "PW.R2.a"), Action("lk", code="PW.R2.a", step="k")),
        (actions.lke_step("x"), Action("lk", step="x")),
    ],
)  # fmt: skip
def test_every_payload_the_bot_offers_decodes_to_what_it_encoded(data: str, action: Action) -> None:
    assert len(data.encode()) <= 64
    assert actions.decode(data) == action
    assert actions.decode(data, action.prefix) == action


@pytest.mark.parametrize(
    "data",
    [
        None, "", "ib:99999999999999999999", "rt:99999999999999999999", "kt:0", "ks:-1",
        "ib:", "ib:1:2", "rt:abc", "rt:+5", "rt: 5", "kd:item:99999999999999999999:MP-01",
        "kd:item:5", "kd:area:", "kd:area:<b>", "kd:cat:Anggaran", "kd:cat:x:y", "kd:nope",
        "kd", "lapor:", "lapor:MP-01:selesai:x", "lapor:MP 01", "rl:", "xx:1", "ib:1" + "0" * 70,
        "lapor:" + "A" * 40, "lk", "lk:x:MP", "lk:o", "lk:a:MP.P1.a", "lk:a:MP.P1.a:0",
        "lk:b:MP.P1.a:x", "lk:z:MP", "lk:k:MP.P1.a:1", "lk:o:<b>",
    ],
)  # fmt: skip
def test_forged_or_malformed_payloads_are_bad_actions(data: str | None) -> None:
    with pytest.raises(BadAction) as refused:
        actions.decode(data)
    assert str(refused.value) == texts.BUTTON_INVALID == "Tombol tidak berlaku."


def test_a_payload_of_another_prefix_is_refused_where_one_is_expected() -> None:
    with pytest.raises(BadAction):
        actions.decode("kt:5", actions.INSTRUKSI_READ)


def test_the_bot_never_builds_a_payload_it_would_refuse() -> None:
    for build in (
        lambda: actions.reminder_snooze(2**63),
        lambda: actions.kendala_answer(0),
        lambda: actions.lapor_item("MP:01"),
        lambda: actions.kendala_category("Anggaran"),
        lambda: actions.kendala_step("lainnya"),
        lambda: actions.lke_step("a", "MP.P1.a"),
        lambda: actions.lke_step("a", "MP.P1.a", 0),
        lambda: actions.lke_step("q", "MP"),
        lambda: actions.lke_step("o", "MP P1"),
    ):
        with pytest.raises(ValueError):
            build()
