"""The LKE conversation through the channel-neutral use cases (no chat library): the /lke walk,
numbers for persen questions, criteria, skips, proposals and bukti dukung, /progres nilai and
the hasil inputs, on SQLite and PostgreSQL. Replies are composed with a plain ``fill``, as a
channel without formatting would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers import lke_views as views
from models import (
    BuktiDukung,
    ChatLink,
    Conversation,
    LkeAnswer,
    Outbox,
    RencanaAksi,
    Satker,
    Target,
    User,
)
from services import catalog, notices, texts
from services.access import Forbidden
from services.errors import ZibotError
from services.importer import import_plan
from services.lke import assessment as lke
from services.lke.assessment import SatkerLke
from services.lke.walk import AreaDone, Card, Menu
from services.usecases.lke_nilai import LkeRanking
from services.zi import Caller, Zibot

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
WITA = ZoneInfo("Asia/Makassar")
AGEN, PIMPINAN, ADMIN, AGEN_JEMBRANA = 3001, 3002, 3003, 3004
BADUNG_GROUP, PROVINCE_GROUP = "-1005103", "-1000051"


def plain(template: str, **values: object) -> str:
    """A channel without formatting: marks dropped, values as they are."""
    return template.replace("**", "").replace("__", "").format(**values)


def private(user: int) -> Caller:
    return Caller("telegram", str(user), True, str(user), f"user {user}")


def in_group(chat: str, user: int) -> Caller:
    return Caller("telegram", chat, False, str(user), f"user {user}")


@pytest.fixture
def zi(sessions: sessionmaker[Session], tmp_path: Path) -> Zibot:
    """The sample plan, the default worksheet, Badung's group, the province group, people."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=NOW, actor="test")
        lke.load_worksheet(session, None, now=NOW, actor="test")
        badung = catalog.find_satker(session, "5103").id
        for telegram_id, role, code in (
            (AGEN, "agen", "5103"), (PIMPINAN, "pimpinan", "5103"), (ADMIN, "admin", "51"),
            (AGEN_JEMBRANA, "agen", "5101"),
        ):  # fmt: skip
            satker = catalog.find_satker(session, code).id
            session.add(User(name=f"user {telegram_id}", role=role, satker_id=satker,
                             telegram_id=telegram_id, created_at=NOW))  # fmt: skip
        session.add(ChatLink(channel="telegram", chat_id=BADUNG_GROUP, satker_id=badung,
                             is_province=False, title="ZI Badung", linked_at=NOW))  # fmt: skip
        session.add(ChatLink(channel="telegram", chat_id=PROVINCE_GROUP, satker_id=None,
                             is_province=True, title="Koordinasi", linked_at=NOW))  # fmt: skip
    return Zibot(sessions, lambda: NOW, WITA, tmp_path / "bukti")


def answers(sessions: sessionmaker[Session]) -> dict[str, tuple[str | None, str | None, str]]:
    with sessions() as session:
        return {
            a.question: (a.choice, a.inputs, a.evidence_ids)
            for a in session.scalars(select(LkeAnswer))
        }


def test_the_walk_answers_skips_and_shows_criteria(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    agen = in_group(BADUNG_GROUP, AGEN)
    menu = zi.lke_open(agen)
    assert isinstance(menu, Menu)
    assert [(a.code, a.answered) for a in menu.areas][:2] == [("MP", 0), ("TL", 0)]
    text = views.menu(plain, menu)
    assert "KPU Kabupaten Badung" in text
    assert texts.LKE_COUNT_NOTE.format(answered=0, total=menu.total) in text  # counted as 0

    first = zi.lke_open(agen, "mp")
    assert isinstance(first, Card)
    assert (first.code, first.choices, first.position) == ("MP.P1.a", ("Ya", "Tidak"), 1)
    assert first.current is None and "dihitung 0" in views.card(plain, first)

    second = zi.lke_answer(agen, "MP.P1.a", 1)
    assert isinstance(second, Card)
    assert (second.code, second.saved, second.choices) == (
        "MP.P1.b",
        "MP.P1.a: Ya",
        ("A", "B", "C"),
    )
    assert second.answered == 1
    assert answers(sessions)["MP.P1.a"][0] == "Ya"

    code, criteria = zi.lke_criteria(agen, "MP.P1.b")
    assert code == "MP.P1.b" and criteria.startswith("a. Jika dengan prosedur")
    assert "prosedur" in views.criteria(plain, code, criteria)

    third = zi.lke_skip(agen, "MP.P1.b")
    assert isinstance(third, Card) and third.code == "MP.P2.a" and third.saved is None
    assert "MP.P1.b" not in answers(sessions)

    # A scale answer outside the question's scale (a forged button) changes nothing.
    with pytest.raises(ZibotError):
        zi.lke_answer(agen, "MP.P2.a", 3)
    # Answering again changes the answer; "a_e" scales get five choices.
    again = zi.lke_answer(agen, "MP.P1.a", 2)
    assert isinstance(again, Card) and answers(sessions)["MP.P1.a"][0] == "Tidak"
    # Opening an area starts at its first unanswered question.
    assert zi.lke_open(agen, "Manajemen Perubahan").code == "MP.P1.b"  # type: ignore[union-attr]

    with pytest.raises(ZibotError) as unknown:
        zi.lke_open(agen, "XX")
    assert str(unknown.value).startswith(texts.LKE_WALK_UNKNOWN.split("{")[0] + "'XX'")

    # The last question of an area ends the walk there.
    with sessions() as session:
        ws = lke.worksheet_of(lke.latest_version(session))
    last = [q for q in ws.questions.values() if q.area == "MP"][-1]
    assert last.scale != "persen"
    done = zi.lke_answer(agen, last.code, 1)
    assert isinstance(done, AreaDone) and done.area.code == "MP"
    assert "/progres nilai" in views.area_done(plain, done)
    with sessions() as session:
        assert session.scalar(select(Conversation)) is None


def test_numbers_for_a_persen_question(zi: Zibot, sessions: sessionmaker[Session]) -> None:
    agen = private(AGEN)
    assert zi.lke_number(agen, "12") is None  # no walk: not for us

    card = zi.lke_open(agen, "MP.R1.a")
    assert isinstance(card, Card)
    assert card.choices == () and card.asking == ("a", "Jumlah Agen Perubahan")
    assert "Jumlah Agen Perubahan" in views.ask_number(plain, card)
    zi.lke_prompt_sent(agen, "77")

    with pytest.raises(ZibotError) as bad:
        zi.lke_number(agen, "sepuluh")
    assert str(bad.value) == texts.LKE_WALK_NUMBER_BAD.format(
        value="sepuluh", input="a", what="Jumlah Agen Perubahan"
    )
    with pytest.raises(ZibotError) as negative:
        zi.lke_number(agen, "-3")
    assert str(negative.value) == texts.LKE_WALK_NUMBER_NEGATIVE.format(
        input="a", what="Jumlah Agen Perubahan"
    )
    asked = zi.lke_number(agen, "10")
    assert isinstance(asked, Card) and asked.asking == ("b", "Jumlah Perubahan yang dibuat")
    assert asked.given == {"a": 10.0} and "→ 10" in views.card(plain, asked)
    assert "MP.R1.a" not in answers(sessions)

    following = zi.lke_number(agen, "4")
    assert isinstance(following, Card) and following.code == "MP.R1.b"
    assert following.saved == "MP.R1.a: a=10, b=4"
    choice, inputs, _ = answers(sessions)["MP.R1.a"]
    assert choice is None and inputs == '{"a": 10.0, "b": 4.0}'

    # In a group the number must answer the prompt it was asked with.
    group = in_group(BADUNG_GROUP, AGEN)
    zi.lke_open(group, "MP.R1.a")
    zi.lke_prompt_sent(group, "501")
    assert zi.lke_number(group, "3", "499") is None
    assert isinstance(zi.lke_number(group, "3", "501"), Card)

    assert zi.lke_stop(group) is True
    assert zi.lke_number(group, "3", "501") is None
    assert zi.lke_stop(group) is False


def _file_for(sessions: sessionmaker[Session], satker: str, item: str, name: str) -> int:
    with sessions.begin() as session:
        target = session.scalars(
            select(Target).join(RencanaAksi).join(Satker)
            .where(RencanaAksi.code == item, Satker.code == satker)
        ).one()  # fmt: skip
        target.status = "selesai"
        row = BuktiDukung(target_id=target.id, path=f"x/{name}", original_name=name, size=3,
                          mime_type="application/pdf", sha256="0" * 64, created_at=NOW)  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def test_a_done_linked_item_proposes_ya_and_its_bukti_can_be_attached(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        lke.link_item(session, item="MP-01", question="MP.P1.a", year=2026, now=NOW, actor="t")
    bukti = _file_for(sessions, "5103", "MP-01", "SK Tim <ZI>.pdf")
    agen = in_group(BADUNG_GROUP, AGEN)

    # Selesai, its bukti not yet verified: no proposal, and the menu and card say it waits.
    waiting = zi.lke_open(agen)
    assert isinstance(waiting, Menu) and waiting.proposals == ()
    assert waiting.awaiting == (("MP.P1.a", "Ya", ("MP-01",)),)
    assert "menunggu verifikasi bukti dukung (1 item: MP-01)" in views.menu(plain, waiting)
    waiting_card = zi.lke_open(agen, "MP.P1.a")
    assert isinstance(waiting_card, Card) and waiting_card.proposal is None
    assert waiting_card.awaiting == ("Ya", ("MP-01",))
    shown = views.card(plain, waiting_card)
    assert "menunggu verifikasi bukti dukung (1 item: MP-01)" in shown
    assert "MP-01 Pembentukan" in shown and "Menunggu verifikasi" in shown
    assert "Usulan: Ya" not in shown
    with pytest.raises(ZibotError, match="terverifikasi"):
        zi.lke_confirm(agen, "MP.P1.a")
    projected = zi.lke_projection(agen, "")
    assert isinstance(projected, SatkerLke)
    assert "MP.P1.a → Ya: menunggu verifikasi bukti dukung (1 item: MP-01)" in "\n".join(
        views.projection(plain, projected).splitlines()
    )

    # The province accepts the bukti (from its own group): the proposal is made, and the
    # outcome notice to Badung's group offers it.
    outcome = zi.review_accept(in_group(PROVINCE_GROUP, ADMIN), bukti)
    assert outcome.item_state == "terverifikasi"
    with sessions() as session:
        told = {
            row.chat_id: notices.load(row.payload)
            for row in session.scalars(select(Outbox).where(Outbox.kind == "review"))
        }
    notice = told[BADUNG_GROUP]
    assert isinstance(notice, notices.EvidenceReviewed)
    assert notice.verified and notice.lke_proposals == "MP.P1.a → Ya"

    menu = zi.lke_open(agen)
    assert isinstance(menu, Menu) and menu.proposals == (("MP.P1.a", "Ya", ("MP-01",)),)
    assert menu.awaiting == ()
    card = zi.lke_open(agen, "MP.P1.a")
    assert isinstance(card, Card) and card.proposal == "Ya"
    assert [(x.id, x.name, x.attached) for x in card.evidence] == [
        (bukti, "SK Tim <ZI>.pdf", False)
    ]
    text = views.card(plain, card)
    assert "MP-01" in text and "SK Tim <ZI>.pdf" in text and "Usulan" in text
    assert "Terverifikasi" in text and "menunggu verifikasi" not in text

    with pytest.raises(ZibotError) as first:
        zi.lke_evidence(agen, "MP.P1.a", bukti)
    assert str(first.value) == texts.LKE_WALK_ANSWER_FIRST.format(code="MP.P1.a")

    confirmed = zi.lke_confirm(agen, "MP.P1.a")
    assert isinstance(confirmed, Card) and confirmed.saved == "MP.P1.a: Ya"
    with pytest.raises(ZibotError):
        zi.lke_confirm(agen, "MP.P1.a")  # nothing left to confirm

    attached = zi.lke_evidence(agen, "MP.P1.a", bukti)
    assert [x.attached for x in attached.evidence] == [True]
    assert answers(sessions)["MP.P1.a"] == ("Ya", None, str(bukti))
    # Answering again keeps the bukti; a file of another item is refused.
    zi.lke_answer(agen, "MP.P1.a", 1)
    assert answers(sessions)["MP.P1.a"][2] == str(bukti)
    other = _file_for(sessions, "5103", "MP-02", "lain.pdf")
    with pytest.raises(ZibotError):
        zi.lke_evidence(agen, "MP.P1.a", other)
    detached = zi.lke_evidence(agen, "MP.P1.a", bukti)
    assert [x.attached for x in detached.evidence] == [False]
    assert answers(sessions)["MP.P1.a"][2] == ""


def test_who_may_walk(zi: Zibot, sessions: sessionmaker[Session]) -> None:
    with pytest.raises(Forbidden):
        zi.lke_open(in_group(BADUNG_GROUP, PIMPINAN), "MP")
    with pytest.raises(Forbidden):
        zi.lke_open(in_group(BADUNG_GROUP, AGEN_JEMBRANA), "MP")
    with pytest.raises(ZibotError):
        zi.lke_open(in_group(PROVINCE_GROUP, ADMIN), "MP")
    with pytest.raises(ZibotError):
        zi.lke_answer(private(9999), "MP.P1.a", 1)  # not registered
    # An admin in a satker's group answers for that satker.
    zi.lke_answer(in_group(BADUNG_GROUP, ADMIN), "MP.P1.a", 1)
    with sessions() as session:
        state = lke.load_satker(session, catalog.find_satker(session, "5103"), 2026)
    assert state.answers["MP.P1.a"].choice == "Ya"


def test_progres_nilai_and_hasil(zi: Zibot, sessions: sessionmaker[Session]) -> None:
    agen = in_group(BADUNG_GROUP, AGEN)
    zi.lke_answer(agen, "MP.P1.a", 1)

    state = zi.lke_projection(agen)
    assert isinstance(state, SatkerLke) and state.satker_code == "5103"
    text = views.projection(plain, state)
    assert text.startswith("📈 Proyeksi nilai LKE — KPU Kabupaten Badung (5103), tahun 2026")
    assert "yang belum dijawab dihitung 0" in text
    assert "Minimum WBK" in text and "Minimum WBBM" in text and "✗" in text
    assert texts.LKE_PROJ_MOVES in text and "bobot indikator" in text

    ranking = zi.lke_projection(in_group(PROVINCE_GROUP, PIMPINAN))
    assert isinstance(ranking, LkeRanking) and len(ranking.lines) == 10
    assert ranking.lines[0].code == "5103"
    ranked = views.ranking(plain, ranking)
    assert ranked.splitlines()[2].startswith("1. KPU Kabupaten Badung — ")
    assert texts.LKE_RANK_FOOT in ranked

    admin = private(ADMIN)
    saved = zi.lke_hasil(admin, "5103", ["ipak=3,6", "ipkp=3.2", "capaian=B"])
    assert saved.values == {"ipak": 3.6, "ipkp": 3.2, "capaian_kinerja": "B"}
    assert "15,75" not in views.hasil_saved(plain, saved)
    assert "3,60" in views.hasil_saved(plain, saved)
    after = zi.lke_projection(agen)
    assert isinstance(after, SatkerLke)
    assert [round(h.points, 2) for h in after.projection.hasil_items if h.code == "ipak"] == [15.75]

    with pytest.raises(Forbidden) as refused:
        zi.lke_hasil(private(AGEN), "5103", ["ipak=3"])
    assert str(refused.value) == texts.LKE_HASIL_ADMIN_ONLY
    for pairs, expected in (
        ([], texts.LKE_HASIL_USAGE),
        (["ipak"], texts.LKE_HASIL_PAIR_BAD.format(value="ipak")),
        (["ipak=5"], "antara 0 dan 4"),
        (["nilai=5"], "tidak dikenal"),
    ):
        with pytest.raises(ZibotError) as bad:
            zi.lke_hasil(admin, "5103", pairs)
        assert expected in str(bad.value)
