"""How WhatsApp says notices: its own formatting, literal values, Meta's limits, and the
template that stands for each notice kind outside the 24-hour window."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pywa_async.types import Button, SectionList

from handlers.whatsapp import notices as wa
from handlers.whatsapp.notifier import _chunks, _fit, classify
from services import notices, texts
from services.receipts import Failure, parse_tracker, tracker

ROOT = Path(__file__).resolve().parents[2]
DIGEST = notices.Digest(
    "KPU Kabupaten Badung",
    "2026-11-30",
    (
        notices.DigestSection(
            "🔴 Terlambat",
            tuple(notices.DigestItem(f"MP-0{i}", "Kegiatan *penting*", "2026-11-20", i)
                  for i in range(1, 6)),
        ),
    ),
    tuple(notices.DigestButton(f"MP-0{i}", i) for i in range(1, 6)),
)  # fmt: skip


def test_emphasis_is_whatsapps_and_values_stay_literal() -> None:
    [part] = wa.WhatsAppNoticePresenter().render(DIGEST)
    assert part.text.startswith("🔔 *Pengingat rencana aksi ZI — KPU Kabupaten Badung*")
    assert "**" not in part.text and "<" not in part.text
    assert "Kegiatan *\u2060penting*\u2060" in part.text  # a user's marks do not format
    assert len(part.buttons) == 5 and part.buttons[0] == [
        ("✅ MP-01 selesai", "rl:MP-01"),
        ("⏰ MP-01 besok", "rt:1"),
    ]


def test_every_notice_kind_renders_and_has_a_template() -> None:
    samples = [
        DIGEST,
        notices.WeeklyRecap(2026, "2026-11-30", (notices.RankLine("Badung", 66.7, 2),)),
        notices.KendalaPost(3, "KDL-1", "Badung", "Made", "Umum", "Dana", "kemarin", "Uraian"),
        notices.KendalaAttachment("KDL-1"),
        notices.KendalaAnswer("KDL-1", "Uraian", "Jawaban", "Ayu"),
        notices.KendalaClosed("KDL-1", 7),
        notices.KendalaEscalation("KDL-1", "Badung", 3, "Uraian"),
        notices.KendalaOverdue(3, "KDL-1", "Badung", 3),
        notices.InstruksiNotice(4, "INS-4", "Teks", "Ayu"),
        notices.InstruksiAttachment("INS-4"),
        notices.InstruksiReminder(4, "INS-4", "Teks"),
        notices.GroupLost("Grup", "Badung", "5103"),
        notices.TemplateRejected("zibot_pengingat", "132001 tidak ada"),
        notices.EvidenceReviewed("Badung", "MP-01", "SK *tim*", "sk.pdf", False, "Buram", "Ayu"),
        notices.EvidenceReviewed("Badung", "MP-01", "SK", "sk.pdf", True, "", "Ayu", True),
        notices.ReviewRequest(7, "Badung", "MP-01", "SK", "SK tim", "sk.pdf", 12, "Made", "tadi"),
    ]
    assert {type(n) for n in samples} == set(notices.kinds().values())
    counts = {m.group(1): len(set(re.findall(r"\{\{\d+\}\}", m.group(2))))
              for m in re.finditer(r"\| `ZIBOT_WHATSAPP_TEMPLATE_\w+` \| `(\w+)` \| (.+?) \|",
                                   (ROOT / "README.md").read_text(encoding="utf-8"))}  # fmt: skip
    names = {wa.REMINDER: "zibot_pengingat", wa.INSTRUKSI: "zibot_instruksi",
             wa.KENDALA: "zibot_kendala", wa.PEMBERITAHUAN: "zibot_pemberitahuan"}  # fmt: skip
    for notice in samples:
        parts = wa.WhatsAppNoticePresenter().render(notice)
        assert parts and all(0 < len(p.text) <= 4096 for p in parts)
        call = wa.template_call(notice, 42)
        assert len(call.params) == counts[names[call.template]], notice
        assert all(p and "\n" not in p and len(p) <= wa.MAX_PARAM for p in call.params)
        assert call.payloads[0] == "wd:42"
        assert len(call.payloads) == len(wa.TEMPLATE_BUTTONS[call.template])
    assert wa.template_call(None, 5).template == wa.PEMBERITAHUAN  # a row stored as text
    rejected = wa.WhatsAppNoticePresenter().render(samples[-3])[0].text
    assert "Buram" in rejected and "SK *\u2060tim*\u2060" in rejected and "<" not in rejected
    assert wa.WhatsAppNoticePresenter().render(samples[-1])[0].buttons == [
        [(texts.REVIEW_BUTTON_FILE, "vf:file:7"), (texts.REVIEW_BUTTON_ACCEPT, "vf:ok:7"),
         (texts.REVIEW_BUTTON_REJECT, "vf:no:7")]
    ]  # fmt: skip  # pressed, they reach the WhatsApp chat's verifikasi


def test_the_instruksi_template_carries_sudah_dibaca() -> None:
    call = wa.template_call(notices.InstruksiNotice(4, "INS-4", "Teks\n\nkedua", "Ayu"), 9)
    assert call.template == wa.INSTRUKSI
    assert call.params == ("INS-4", "Ayu", "Teks kedua")
    assert call.payloads == ("wd:9", "ib:4")


def test_template_parameters_are_one_line_and_marked_when_shortened() -> None:
    assert wa.param("a\tb\n\nc     d") == "a b c d"
    assert wa.param("") == "-"
    long = wa.param("kata " * 100)
    assert len(long) == wa.MAX_PARAM and long.endswith(texts.WA_EXCERPT_MORE)
    digest = wa.template_call(DIGEST, 1)
    assert digest.params[2:] == ("5", "MP-01, MP-02, MP-03 dan 2 lainnya")


def test_buttons_fit_metas_limits() -> None:
    buttons, hint = _fit([("✅ Sudah dibaca", "ib:4")])
    assert hint == "" and isinstance(buttons, list) and isinstance(buttons[0], Button)
    four = [(f"B{i}", f"x:{i}") for i in range(4)]
    listed, hint = _fit(four)
    assert isinstance(listed, SectionList) and hint == ""
    long_title = [("✅ MP-01.02.03.04.05 selesai", "rl:A")]  # 27 characters: not a button
    listed, _ = _fit(long_title)
    assert isinstance(listed, SectionList)
    [row] = listed.sections[0].rows
    assert len(row.title) == 24 and row.description == "✅ MP-01.02.03.04.05 selesai"
    many, hint = _fit([(f"B{i}", f"x:{i}") for i in range(12)])
    assert isinstance(many, SectionList) and len(many.sections[0].rows) == 10
    assert hint == texts.WA_MORE_ACTIONS


def test_long_texts_are_split_never_cut() -> None:
    text = "\n".join(f"baris {i} " + "x" * 90 for i in range(100))
    parts = _chunks(text)
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text
    one_line = "kata " * 2000
    assert "".join(_chunks(one_line)).replace(" ", "") == one_line.replace(" ", "")


@pytest.mark.parametrize(
    ("code", "status", "failure"),
    [
        (131047, None, Failure.WINDOW_CLOSED),
        (131026, None, Failure.UNREACHABLE),
        (130429, None, Failure.RETRY),
        (131056, None, Failure.RETRY),
        (2, 503, Failure.RETRY),
        (None, 500, Failure.RETRY),
        (132001, None, Failure.TEMPLATE_REJECTED),
        (132015, None, Failure.TEMPLATE_REJECTED),
        (131009, 400, Failure.FAILED),
    ],
)
def test_error_codes_mean_what_meta_says(
    code: int | None, status: int | None, failure: Failure
) -> None:
    assert classify(code, status) is failure


def test_trackers_are_ours_or_ignored() -> None:
    assert parse_tracker(tracker(17)) == 17
    for other in (None, "", "17", "ob:", "ob:x", "ob:" + "9" * 30, "zz:1"):
        assert parse_tracker(other) is None
