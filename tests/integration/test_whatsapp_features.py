"""The assessors' features as WhatsApp words, through the real ``/whatsapp`` route with signed
bodies, on SQLite and PostgreSQL: ``progres nilai`` (split, never cut), the ``lke`` walk (scale
as buttons or a list, Kriteria, Lewati, Selesai, persen numbers typed, its step in the
database), ``contoh KODE`` with the chosen file sent as a document, ``berbagi ya|tidak``, and
the menu naming the new words. The Cloud API is the recording fake of the first round."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_whatsapp import NOW, WITA, Bot, Clock, run
from whatsapp_fakes import button_body, choices_of, list_body, text_body, user_id_of

from handlers import lke_views
from handlers.whatsapp import presenter
from handlers.whatsapp.presenter import ListMessage, ReplyButtons, Text, fill
from models import (
    BuktiDukung,
    BuktiReview,
    ChatLink,
    Conversation,
    LkeAnswer,
    RencanaAksi,
    Satker,
    Target,
    User,
)
from services import catalog, texts
from services.importer import import_plan
from services.lke import assessment as lke
from services.usecases.lke_nilai import LkeRanking
from services.zi import Caller, Zibot

IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
AGEN, ADMIN_BADUNG, ADMIN_PROV = "6281200000001", "6281200000002", "6281200000003"
AGEN_JEMBRANA, ADMIN_JEMBRANA = "6281200000004", "6281200000005"
VERIF = "6281200000006"
PDF = b"%PDF-1.4\n% contoh Jembrana\n%%EOF\n"


def wa(phone: str) -> Caller:
    uid = user_id_of(phone)
    return Caller("whatsapp", uid, True, uid, "x")


def star(template: str) -> str:
    """A template without values as WhatsApp shows it."""
    return fill(template)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The sample plan and worksheet; people of Badung, Jembrana and the province on WhatsApp."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        lke.load_worksheet(session, None, now=IMPORTED, actor="test")
        for phone, role, code in (
            (AGEN, "agen", "5103"), (ADMIN_BADUNG, "admin", "5103"), (ADMIN_PROV, "admin", "51"),
            (AGEN_JEMBRANA, "agen", "5101"), (ADMIN_JEMBRANA, "admin", "5101"),
            (VERIF, "verifikator", "51"),
        ):  # fmt: skip
            user = User(name=f"{role} {code}", role=role, created_at=IMPORTED,
                        satker_id=catalog.find_satker(session, code).id)  # fmt: skip
            user.whatsapp = user_id_of(phone)
            session.add(user)
        session.add(ChatLink(channel="telegram", chat_id="-100777", satker_id=None,
                             is_province=True, title="Koordinasi", linked_at=IMPORTED))  # fmt: skip
    return sessions


@pytest.fixture
def bot(world: sessionmaker[Session], tmp_path: Path) -> Iterator[Bot]:
    yield Bot(world, tmp_path, Clock(NOW))


def zibot(bot: Bot) -> Zibot:
    return Zibot(bot.runtime.sessions, lambda: NOW, WITA, bot.settings.evidence_dir)


def replies(bot: Bot, phone: str, since: int = 0) -> list[presenter.Outgoing]:
    uid = user_id_of(phone)
    return [m for to, m in bot.cloud.sent if to == uid][since:]


def count(bot: Bot, phone: str) -> int:
    return len(replies(bot, phone))


def conversation(sessions: sessionmaker[Session], phone: str) -> Conversation | None:
    with sessions() as session:
        return session.scalar(select(Conversation).where(Conversation.user_id == user_id_of(phone)))


def answers(sessions: sessionmaker[Session]) -> dict[str, tuple[str | None, str | None]]:
    with sessions() as session:
        return {a.question: (a.choice, a.inputs) for a in session.scalars(select(LkeAnswer))}


# ------------------------------------------------------------------ progres nilai


def test_progres_nilai_is_the_projection_split_never_cut(bot: Bot) -> None:
    run(bot.say(text_body(AGEN, "progres nilai")))
    sent = replies(bot, AGEN)
    assert all(isinstance(m, Text) and len(m.body) <= presenter.MAX_TEXT for m in sent)
    state = zibot(bot).lke_projection(wa(AGEN))
    assert not isinstance(state, LkeRanking)
    whole = lke_views.projection(fill, state)
    assert "\n".join(m.body for m in sent) == whole  # every line, in order
    assert sent[0].body.startswith("📈 *Proyeksi nilai LKE — KPU Kabupaten Badung* (5103)")
    assert "Minimum WBK" in whole and "dihitung 0" in whole


def test_progres_nilai_for_the_province_is_the_ranking(bot: Bot) -> None:
    run(bot.say(text_body(ADMIN_PROV, "/Progres NILAI")))
    sent = replies(bot, ADMIN_PROV)
    joined = "\n".join(m.body for m in sent)
    assert joined.startswith("📈 *Proyeksi nilai LKE 2026 — semua satker*")
    assert "1. KPU" in joined and "10. KPU" in joined
    assert all(len(m.body) <= presenter.MAX_TEXT for m in sent)


def test_a_long_answer_is_split_into_several_messages() -> None:
    lines = [f"{n}. " + "x" * 90 for n in range(200)]
    reply = presenter.text_reply("\n".join(lines))
    assert len(reply.messages) > 1
    assert all(isinstance(m, Text) and len(m.body) <= presenter.MAX_TEXT for m in reply.messages)
    assert "\n".join(m.body for m in reply.messages) == "\n".join(lines)  # type: ignore[union-attr]


# ------------------------------------------------------------------ the lke walk


def test_the_walk_answers_by_list_row_shows_criteria_skips_and_stops(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    run(bot.say(text_body(AGEN, "lke")))
    [menu] = replies(bot, AGEN)
    assert isinstance(menu, ListMessage)
    assert "Penilaian mandiri LKE — KPU Kabupaten Badung" in menu.body
    assert (menu.choices[0].payload, menu.choices[0].title[:6]) == ("lk:o:MP", "MP (0/")

    run(bot.say(list_body(AGEN, "lk:o:MP")))
    card = replies(bot, AGEN)[-1]
    assert isinstance(card, ListMessage) and "*MP.P1.a*" in card.body
    titles = [title for _, title in choices_of(card)]
    assert titles == ["Ya", "Tidak", "Kriteria", "Lewati", "Selesai"]
    step = conversation(world, AGEN)
    assert step is not None and step.kind == "lke" and '"MP.P1.a"' in step.data

    run(bot.say(list_body(AGEN, choices_of(card)[0][0], "Ya")))  # "Ya"
    assert answers(world)["MP.P1.a"] == ("Ya", None)
    second = replies(bot, AGEN)[-1]
    assert isinstance(second, ListMessage)
    assert second.body.startswith("✓ Tersimpan — MP.P1.a: Ya") and "*MP.P1.b*" in second.body
    assert [t for _, t in choices_of(second)][:3] == ["A", "B", "C"]

    run(bot.say(list_body(AGEN, "lk:k:MP.P1.b", "Kriteria")))
    assert "*Kriteria MP.P1.b*" in replies(bot, AGEN)[-1].body
    run(bot.say(list_body(AGEN, "lk:s:MP.P1.b", "Lewati")))
    assert "*MP.P2.a*" in replies(bot, AGEN)[-1].body
    assert "MP.P1.b" not in answers(world)

    run(bot.say(list_body(AGEN, "lk:x", "Selesai")))
    assert replies(bot, AGEN)[-1].body == star(texts.WA_LKE_STOPPED)
    assert conversation(world, AGEN) is None
    assert answers(world)["MP.P1.a"] == ("Ya", None)  # kept


def test_a_persen_question_takes_typed_numbers_and_batal_ends_the_walk(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    run(bot.say(text_body(AGEN, "lke MP.R1.a")))
    card, prompt = replies(bot, AGEN)
    assert isinstance(card, ReplyButtons)  # Kriteria/Lewati/Selesai: three buttons
    assert "Jawaban berupa angka" in card.body
    assert [t for _, t in choices_of(card)][-2:] == ["Lewati", "Selesai"]
    assert isinstance(prompt, Text) and "Jumlah Agen Perubahan" in prompt.body

    before = count(bot, AGEN)
    run(bot.say(text_body(AGEN, "sepuluh")))
    [refused] = replies(bot, AGEN, before)
    assert refused.body == texts.LKE_WALK_NUMBER_BAD.format(
        value="sepuluh", input="a", what="Jumlah Agen Perubahan"
    )
    run(bot.say(text_body(AGEN, "10")))  # a number, not a pick from a list
    asked = replies(bot, AGEN)[-1]
    assert "Jumlah Perubahan yang dibuat" in asked.body
    assert "MP.R1.a" not in answers(world)
    run(bot.say(text_body(AGEN, "4,0")))
    assert answers(world)["MP.R1.a"] == (None, '{"a": 10.0, "b": 4.0}')
    following = [m.body for m in replies(bot, AGEN)[-2:]]
    assert any("✓ Tersimpan — MP.R1.a: a=10, b=4" in b for b in following)

    run(bot.say(text_body(AGEN, "batal")))
    assert replies(bot, AGEN)[-1].body == texts.BATAL_DONE
    assert conversation(world, AGEN) is None
    before = count(bot, AGEN)
    run(bot.say(text_body(AGEN, "7")))  # no walk open: no list either
    assert replies(bot, AGEN, before)[0].body == fill(texts.WA_NUMBER_UNKNOWN, number=7)


def test_a_long_choice_list_is_numbered_and_answered_with_a_number(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    """A question with more choices than a list holds (bukti of linked items) is offered as
    a numbered list; the number is kept with the walk's step in the database."""
    zi = zibot(bot)
    with world.begin() as session:
        lke.link_item(session, item="MP-01", question="MP.P1.a", year=2026, now=NOW, actor="t")
    slot = zi.evidence_slot(wa(AGEN), "MP-01")
    for n in range(7):
        zi.store_evidence(wa(AGEN), slot, PDF + bytes([n]), f"bukti {n}.pdf", None)
    run(bot.say(text_body(AGEN, "lke MP.P1.a")))
    sent = replies(bot, AGEN)
    assert all(isinstance(m, Text) for m in sent)
    listed = "\n".join(m.body for m in sent)
    assert "*1.* Ya" in listed and "*2.* Tidak" in listed and texts.WA_NUMBER_HINT in listed
    run(bot.say(text_body(AGEN, "1")))
    assert answers(world)["MP.P1.a"] == ("Ya", None)
    assert "✓ Tersimpan — MP.P1.a: Ya" in replies(bot, AGEN)[-1].body


def test_lapor_selesai_proposes_the_lke_answer_to_confirm(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    with world.begin() as session:
        lke.link_item(session, item="MP-01", question="MP.P1.a", year=2026, now=NOW, actor="t")
        accepted_bukti(session, "5103", "MP-01")  # proposals need the item terverifikasi
    run(bot.say(text_body(AGEN, "lapor MP-01 selesai")))
    done, proposal = replies(bot, AGEN)
    assert done.body.startswith("✅ *MP-01*")
    assert "MP.P1.a → Ya" in proposal.body
    [(payload, title)] = choices_of(proposal)
    assert (payload, title) == ("lk:y:MP.P1.a", "✓ MP.P1.a: Ya")
    run(bot.say(button_body(AGEN, payload, title)))
    assert answers(world)["MP.P1.a"] == ("Ya", None)
    assert "✓ Tersimpan — MP.P1.a: Ya" in replies(bot, AGEN)[-1].body


def test_lapor_selesai_without_verified_bukti_says_the_answer_waits(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    with world.begin() as session:
        lke.link_item(session, item="MP-01", question="MP.P1.a", year=2026, now=NOW, actor="t")
    run(bot.say(text_body(AGEN, "lapor MP-01 selesai")))
    done, waiting = replies(bot, AGEN)
    assert done.body.startswith("✅ *MP-01*")
    assert "MP.P1.a" in waiting.body and "verifikasi" in waiting.body
    assert choices_of(waiting) == []  # nothing to confirm before the province accepts
    assert "MP.P1.a" not in answers(world)


def accepted_bukti(session: Session, satker_code: str, item: str) -> None:
    """A bukti dukung of the satker's item, already accepted by the province."""
    target = session.scalars(
        select(Target)
        .join(RencanaAksi)
        .join(Satker)
        .where(Satker.code == satker_code, RencanaAksi.code == item)
    ).one()
    session.add(
        BuktiDukung(
            target_id=target.id, path="x", original_name=f"{item}.pdf", size=1,
            sha256="0" * 64, created_at=NOW, review_status="diterima",
        )
    )  # fmt: skip


def test_a_stranger_may_not_walk_and_a_forged_press_is_refused(bot: Bot) -> None:
    stranger = "6281277777777"
    run(bot.say(text_body(stranger, "lke")))
    assert replies(bot, stranger) and replies(bot, stranger)[-1].body == texts.NOT_REGISTERED
    run(bot.say(text_body(ADMIN_PROV, "lke")))  # the province office assesses itself too
    assert "Penilaian mandiri LKE — KPU Provinsi Bali" in replies(bot, ADMIN_PROV)[-1].body
    run(bot.say(button_body(AGEN, "lk:a:MP.P1.a:9", "Ya")))
    assert replies(bot, AGEN)[-1].body == star(texts.BUTTON_INVALID)


# ------------------------------------------------------------------ contoh, berbagi


def _accepted_jembrana(bot: Bot) -> int:
    zi = zibot(bot)
    slot = zi.evidence_slot(wa(AGEN_JEMBRANA), "MP-01")
    stored = zi.store_evidence(wa(AGEN_JEMBRANA), slot, PDF, "SK Tim ZI Jembrana.pdf", None)
    with bot.runtime.sessions.begin() as session:
        record = session.get(BuktiDukung, stored.evidence_id)
        assert record is not None
        record.review_status, record.reviewed_at = "diterima", NOW
        record.target.status = "selesai"
    return stored.evidence_id


def test_contoh_shares_only_after_berbagi_ya_and_sends_the_file(bot: Bot) -> None:
    evidence_id = _accepted_jembrana(bot)
    run(bot.say(text_body(AGEN, "contoh MP-01")))
    [closed] = replies(bot, AGEN)
    assert isinstance(closed, Text)  # nothing to choose: sharing is off by default
    assert star(texts.CONTOH_NONE) in closed.body and "1 satker lain" in closed.body

    run(bot.say(text_body(AGEN_JEMBRANA, "berbagi ya")))  # an agen may not
    assert replies(bot, AGEN_JEMBRANA)[-1].body == texts.BERBAGI_ADMIN_ONLY.format(
        name="KPU Kabupaten Jembrana"
    )
    run(bot.say(text_body(ADMIN_JEMBRANA, "berbagi")))
    assert replies(bot, ADMIN_JEMBRANA)[-1].body.startswith("*KPU Kabupaten Jembrana* tidak")
    run(bot.say(text_body(ADMIN_JEMBRANA, "/berbagi YA")))
    assert replies(bot, ADMIN_JEMBRANA)[-1].body.startswith("*KPU Kabupaten Jembrana* membagikan")

    run(bot.say(text_body(AGEN, "contoh mp-01")))
    offer = replies(bot, AGEN)[-1]
    assert isinstance(offer, ListMessage | ReplyButtons)
    assert "KPU Kabupaten Jembrana" in offer.body and "SK Tim ZI Jembrana.pdf" in offer.body
    [(payload, title)] = choices_of(offer)
    assert payload == f"cx:{evidence_id}" and title.startswith("1. SK Tim ZI")

    run(bot.say(list_body(AGEN, payload, title)))
    [(to, name, data, _, caption)] = bot.cloud.documents
    assert (to, name, data) == (user_id_of(AGEN), "SK Tim ZI Jembrana.pdf", PDF)
    assert "*KPU Kabupaten Jembrana*" in caption

    run(bot.say(text_body(ADMIN_JEMBRANA, "berbagi tidak")))
    run(bot.say(list_body(AGEN, payload, title)))  # the old choice no longer sends it
    assert len(bot.cloud.documents) == 1
    assert replies(bot, AGEN)[-1].body == star(texts.CONTOH_FILE_GONE)


def test_contoh_without_a_code_says_how(bot: Bot) -> None:
    run(bot.say(text_body(AGEN, "contoh")))
    # A refusal is shown literally: WhatsApp's marks (the "_" in KODE_ITEM) get a word joiner.
    assert replies(bot, AGEN)[-1].body.replace("\u2060", "") == star(texts.CONTOH_USAGE)


# ------------------------------------------------------------------ verifikasi


def _waiting(bot: Bot, names: list[str]) -> list[int]:
    zi = zibot(bot)
    slot = zi.evidence_slot(wa(AGEN), "MP-02")
    return [
        zi.store_evidence(wa(AGEN), slot, PDF + name.encode(), name, None).evidence_id
        for name in names
    ]


def test_verifikasi_accepts_by_button_and_rejects_with_the_next_text_as_reason(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    first, second = _waiting(bot, ["notulen.pdf", "foto rapat.pdf"])
    run(bot.say(text_body(VERIF, "verifikasi")))
    head, one, two = replies(bot, VERIF)
    assert head.body.startswith("🔎 *Menunggu verifikasi: 2 bukti dukung*")
    assert isinstance(one, ReplyButtons) and isinstance(two, ReplyButtons)
    assert "notulen.pdf" in one.body and "KPU Kabupaten Badung" in one.body
    assert choices_of(one) == [
        (f"vf:file:{first}", texts.REVIEW_BUTTON_FILE),
        (f"vf:ok:{first}", texts.REVIEW_BUTTON_ACCEPT),
        (f"vf:no:{first}", texts.REVIEW_BUTTON_REJECT),
    ]

    run(bot.say(button_body(VERIF, f"vf:file:{first}")))
    [(to, name, data, _, _)] = bot.cloud.documents
    assert (to, name, data) == (user_id_of(VERIF), "notulen.pdf", PDF + b"notulen.pdf")

    run(bot.say(button_body(VERIF, f"vf:ok:{first}")))
    assert replies(bot, VERIF)[-1].body.startswith("✅ Bukti dukung notulen.pdf (MP-02, KPU")

    run(bot.say(button_body(VERIF, f"vf:no:{second}")))
    assert replies(bot, VERIF)[-1].body == fill(
        texts.WA_REVIEW_ASK_REASON, name="foto rapat.pdf", code="MP-02"
    )
    run(bot.say(text_body(VERIF, "/progres 5103")))  # a "/word" is a command meanwhile
    assert "KPU Kabupaten Badung" in replies(bot, VERIF)[-1].body
    # Any other text is the reason, even when it starts with a command word.
    run(bot.say(text_body(VERIF, "Daftar hadir tanpa tanggal; lampirkan notulen bertanda tangan")))
    assert replies(bot, VERIF)[-1].body.startswith("❌ Bukti dukung foto rapat.pdf (MP-02")
    with world() as session:
        decided = {b.id: b.review_status for b in session.scalars(select(BuktiDukung))}
        assert (decided[first], decided[second]) == ("diterima", "ditolak")
        reasons = [r.reason for r in session.scalars(select(BuktiReview).order_by(BuktiReview.id))]
        assert reasons == ["", "Daftar hadir tanpa tanggal; lampirkan notulen bertanda tangan"]
    assert conversation(world, VERIF) is None
    run(bot.say(button_body(VERIF, f"vf:ok:{second}")))  # decided already: told so
    assert "sudah" in replies(bot, VERIF)[-1].body


def test_batal_leaves_a_rejection_and_an_agen_may_not_review(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    [bukti] = _waiting(bot, ["notulen.pdf"])
    run(bot.say(button_body(VERIF, f"vf:no:{bukti}")))
    run(bot.say(text_body(VERIF, "batal")))
    assert replies(bot, VERIF)[-1].body == texts.REVIEW_REASON_CANCELLED
    with world() as session:
        record = session.get(BuktiDukung, bukti)
        assert record is not None and record.review_status == "menunggu"

    run(bot.say(text_body(AGEN, "verifikasi")))
    assert replies(bot, AGEN)[-1].body == texts.REVIEW_FORBIDDEN
    run(bot.say(button_body(AGEN, f"vf:ok:{bukti}")))
    with world() as session:
        record = session.get(BuktiDukung, bukti)
        assert record is not None and record.review_status == "menunggu"


def test_an_empty_queue_is_said(bot: Bot) -> None:
    run(bot.say(text_body(ADMIN_PROV, "verifikasi 5103")))
    assert replies(bot, ADMIN_PROV)[-1].body == fill(
        texts.REVIEW_QUEUE_EMPTY_SATKER, name="KPU Kabupaten Badung"
    )


# ------------------------------------------------------------------ the menu


def test_bantuan_names_the_new_words(bot: Bot) -> None:
    run(bot.say(text_body(AGEN, "bantuan")))
    menu = replies(bot, AGEN)[-1].body
    for word in ("*progres nilai*", "*lke*", "*contoh*", "*berbagi*", "*verifikasi*"):
        assert word in menu
