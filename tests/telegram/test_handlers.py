"""The Telegram handlers, driven through ``Application.process_update`` over an offline Bot API.

Each test checks what the person reads (texts from ``services.texts``) and what changed in the
database. Numbers come from the bundled 2026 sample plan and the fixed clock, Friday
27 November 2026 09:00 WITA (see ``offline.NOW``).
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from offline import (
    BOT_USERNAME,
    NOW,
    ApiCall,
    BotHarness,
    TgChat,
    TgUser,
    add_user,
    import_plan,
    import_sample,
    link_group,
    make_invite,
    only_reply,
    sent,
    set_status,
    snapshot,
    target_of,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import bot.app
from handlers.telegram.presenter import TELEGRAM, markup
from models import AuditLog, BuktiDukung, ChatLink, Invite, Satker, User
from services import catalog, invites, texts
from services.zi import Zibot

AGEN = TgUser(2001, "Made", "Agen")  # agen perubahan, KPU Kabupaten Badung (5103)
AGEN_JEMBRANA = TgUser(2002, "Komang", "Jembrana")  # agen, KPU Kabupaten Jembrana (5101)
PIMPINAN = TgUser(2003, "Ketua", "Badung")  # pimpinan, KPU Kabupaten Badung
ADMIN = TgUser(2004, "Ayu", "Provinsi")  # admin provinsi, KPU Provinsi Bali (51)
STRANGER = TgUser(2009, "Orang", "Asing")  # not registered

BADUNG_GROUP = TgChat.group(-1005103, "ZI KPU Badung")
PROVINCE_GROUP = TgChat.group(-1000051, "Koordinasi ZI Bali")
NEW_GROUP = TgChat.group(-1009999, "Grup baru")

BADUNG = "KPU Kabupaten Badung"
PNG = b"\x89PNG\r\n\x1a\n"
PDF = b"%PDF-1.4\n% bukti dukung\n"


def e(value: object) -> str:
    """How the handlers escape user and spreadsheet text before it goes into HTML."""
    return html.escape(str(value), quote=False)


def private(user: TgUser) -> TgChat:
    return TgChat.private(user)


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def audit_rows(sessions: sessionmaker[Session], action: str) -> list[AuditLog]:
    with sessions() as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def user_id(sessions: sessionmaker[Session], telegram_id: int) -> int | None:
    with sessions() as session:
        return session.scalar(select(User.id).where(User.telegram_id == telegram_id))


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> dict[TgUser, int]:
    """The sample plan, four registered people, a group linked to Badung and the province
    group. Returns their user ids."""
    import_sample(sessions)
    ids = {
        AGEN: add_user(sessions, AGEN, "agen", "5103"),
        AGEN_JEMBRANA: add_user(sessions, AGEN_JEMBRANA, "agen", "5101"),
        PIMPINAN: add_user(sessions, PIMPINAN, "pimpinan", "5103"),
        ADMIN: add_user(sessions, ADMIN, "admin", "51"),
    }
    link_group(sessions, BADUNG_GROUP, "5103")
    link_group(sessions, PROVINCE_GROUP, None)
    return ids


# --- the composition root ------------------------------------------------------------------


def test_application_starts_against_the_configured_api_and_registers_menus(
    tg: BotHarness,
) -> None:
    assert tg.api.calls[0].method == "getMe"
    assert tg.application.bot.username == BOT_USERNAME

    tg.run(bot.app.post_init(tg.application))

    menus = {
        c.params["scope"]["type"]: c.params["commands"] for c in tg.api.calls_of("setMyCommands")
    }
    assert set(menus) == {"all_private_chats", "all_group_chats"}
    private_menu = [c["command"] for c in menus["all_private_chats"]]
    group_menu = [c["command"] for c in menus["all_group_chats"]]
    assert "daftar" in private_menu and "hubungkan" not in private_menu
    assert "hubungkan" in group_menu and "daftar" not in group_menu
    assert {"progres", "tenggat", "rencana", "lapor", "bukti", "bantuan", "batal"} <= set(
        group_menu
    ) & set(private_menu)


# --- registration --------------------------------------------------------------------------


def test_start_in_private_tells_an_unregistered_person_how_to_register(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    reply = only_reply(tg.send(STRANGER, private(STRANGER), "/start"))

    assert reply.text == TELEGRAM.fill(texts.START_NEW)
    assert "/daftar KODE" in reply.visible
    assert "reply_parameters" not in reply.params  # no quoting in private chats
    assert count(sessions, User) == 0


def test_start_with_an_invite_code_registers_at_once(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    code = make_invite(sessions, "5103", "agen")

    reply = only_reply(tg.send(AGEN, private(AGEN), f"/start {code}"))

    assert reply.text == TELEGRAM.fill(
        texts.DAFTAR_DONE, name=AGEN.full_name, role=texts.ROLE_LABELS["agen"], satker=BADUNG
    )
    with sessions() as session:
        user = session.scalars(select(User).where(User.telegram_id == AGEN.id)).one()
        assert (user.name, user.role, user.satker.code) == (AGEN.full_name, "agen", "5103")
        invite = session.scalars(select(Invite)).one()
        assert (invite.used_at, invite.used_by_id) == (NOW, user.id)
    [audit] = audit_rows(sessions, "daftar")
    assert (audit.actor_id, audit.at) == (user.id, NOW)

    known = only_reply(tg.send(AGEN, private(AGEN), "/start"))
    assert known.text == TELEGRAM.fill(
        texts.START_KNOWN, name=AGEN.full_name, role=texts.ROLE_LABELS["agen"], satker=BADUNG
    )


def test_daftar_registers_once_and_twice_is_harmless(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    code = make_invite(sessions, "5103", "pimpinan")
    spare = make_invite(sessions, "5103", "pimpinan")
    done = TELEGRAM.fill(
        texts.DAFTAR_DONE,
        name=PIMPINAN.full_name,
        role=texts.ROLE_LABELS["pimpinan"],
        satker=BADUNG,
    )
    already = TELEGRAM.fill(
        texts.DAFTAR_ALREADY,
        name=PIMPINAN.full_name,
        role=texts.ROLE_LABELS["pimpinan"],
        satker=BADUNG,
    )

    assert only_reply(tg.send(PIMPINAN, private(PIMPINAN), f"/daftar {code}")).text == done
    after_first = snapshot(sessions)
    assert (
        "sudah terdaftar"
        in only_reply(tg.send(PIMPINAN, private(PIMPINAN), f"/daftar {code}")).text
    )
    # Another unused code for the same satker and role: still harmless, and not consumed.
    assert only_reply(tg.send(PIMPINAN, private(PIMPINAN), f"/daftar {spare}")).text == already

    assert snapshot(sessions) == after_first
    with sessions() as session:
        used = session.scalars(select(Invite).where(Invite.used_at.is_not(None))).all()
    assert len(used) == 1
    assert count(sessions, User) == 1
    assert len(audit_rows(sessions, "daftar")) == 1


def test_daftar_refuses_used_expired_unknown_and_missing_codes(
    tg: BotHarness, sessions: sessionmaker[Session]
) -> None:
    used = make_invite(sessions, "5103", "agen")
    tg.send(AGEN, private(AGEN), f"/daftar {used}")
    with sessions.begin() as session:
        badung = session.scalars(select(Satker).where(Satker.code == "5103")).one()
        (expired,) = invites.create_invites(
            session,
            satker=badung,
            role="agen",
            count=1,
            days=1,
            now=NOW - timedelta(days=2),
            actor="test",
        )
    before = snapshot(sessions)

    cases = [
        (f"/daftar {used}", texts.INVITE_USED),
        (f"/daftar {expired}", texts.INVITE_EXPIRED),
        ("/daftar BUKANKODE123", texts.INVITE_UNKNOWN),
        ("/daftar", texts.DAFTAR_USAGE),
    ]
    for command, refusal in cases:
        assert only_reply(tg.send(STRANGER, private(STRANGER), command)).text == e(refusal)

    assert snapshot(sessions) == before
    assert user_id(sessions, STRANGER.id) is None


@pytest.mark.parametrize("command", ["/daftar KODE", "/start", "/start KODE"])
def test_registration_in_a_group_points_to_the_private_chat(
    tg: BotHarness, sessions: sessionmaker[Session], command: str
) -> None:
    code = make_invite(sessions, "5103", "agen")
    before = snapshot(sessions)

    reply = only_reply(tg.send(AGEN, NEW_GROUP, command.replace("KODE", code)))

    assert reply.text.endswith(texts.START_GROUP.format(username=BOT_USERNAME))
    assert f"https://t.me/{BOT_USERNAME}" in reply.visible
    assert reply.params["reply_parameters"]["message_id"]  # quotes the asker in a group
    if "KODE" in command:
        # Everyone in the group saw the code: it is revoked, and the asker is told so.
        assert reply.text.startswith(texts.INVITE_LEAKED)
        private_try = only_reply(tg.send(STRANGER, private(STRANGER), f"/daftar {code}"))
        assert private_try.text == e(texts.INVITE_USED)
        assert user_id(sessions, STRANGER.id) is None
    else:
        assert snapshot(sessions) == before


# --- linking groups ------------------------------------------------------------------------


def test_hubungkan_by_the_satkers_agen_links_the_group(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reply = only_reply(tg.send(AGEN, NEW_GROUP, f"/hubungkan@{BOT_USERNAME} 5103"))

    assert reply.text == TELEGRAM.fill(texts.LINKED_SATKER, name=BADUNG, code="5103")
    with sessions() as session:
        link = session.scalars(select(ChatLink).where(ChatLink.chat_id == str(NEW_GROUP.id))).one()
        assert (link.channel, link.satker.code, link.is_province) == ("telegram", "5103", False)
        assert (link.title, link.linked_by_id, link.linked_at) == (
            NEW_GROUP.title,
            people[AGEN],
            NOW,
        )
    [audit] = audit_rows(sessions, "hubungkan")
    assert (audit.actor_id, audit.entity_id, audit.at) == (people[AGEN], str(NEW_GROUP.id), NOW)

    # From now on the group means Badung.
    progress = only_reply(tg.send(STRANGER, NEW_GROUP, f"/progres@{BOT_USERNAME}"))
    assert progress.text.startswith(
        TELEGRAM.fill(texts.VIEW_PROGRESS_HEAD, name=BADUNG, code="5103", year=2026)
    )


def test_hubungkan_provinsi_by_an_admin_makes_the_province_group(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reply = only_reply(tg.send(ADMIN, NEW_GROUP, "/hubungkan provinsi"))

    assert reply.text == TELEGRAM.fill(texts.LINKED_PROVINCE)
    with sessions() as session:
        link = session.scalars(select(ChatLink).where(ChatLink.chat_id == str(NEW_GROUP.id))).one()
        assert (link.satker_id, link.is_province, link.linked_by_id) == (None, True, people[ADMIN])
    ranking = only_reply(tg.send(STRANGER, NEW_GROUP, "/progres"))
    assert ranking.text.startswith(TELEGRAM.fill(texts.VIEW_RANK_HEAD, year=2026))


@pytest.mark.parametrize(
    ("user", "chat", "command", "refusal"),
    [
        (AGEN_JEMBRANA, NEW_GROUP, "/hubungkan 5103", texts.LINK_FORBIDDEN),
        (PIMPINAN, NEW_GROUP, "/hubungkan 5103", texts.LINK_FORBIDDEN),
        (AGEN, NEW_GROUP, "/hubungkan provinsi", texts.LINK_FORBIDDEN),
        (STRANGER, NEW_GROUP, "/hubungkan 5103", texts.NOT_REGISTERED),
        (AGEN, TgChat.private(AGEN), "/hubungkan 5103", texts.GROUP_ONLY),
        (ADMIN, TgChat.private(ADMIN), "/hubungkan provinsi", texts.GROUP_ONLY),
        (AGEN, NEW_GROUP, "/hubungkan", texts.LINK_USAGE),
        (ADMIN, NEW_GROUP, "/hubungkan 9999", texts.SATKER_UNKNOWN.format(query="9999")),
    ],
    ids=[
        "agen-of-other-satker",
        "pimpinan",
        "agen-provinsi",
        "unregistered",
        "agen-private",
        "admin-private",
        "no-argument",
        "unknown-satker",
    ],
)
def test_hubungkan_refusals_change_nothing(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    user: TgUser,
    chat: TgChat,
    command: str,
    refusal: str,
) -> None:
    before = snapshot(sessions)

    assert only_reply(tg.send(user, chat, command)).text == e(refusal)

    assert snapshot(sessions) == before
    with sessions() as session:
        assert session.scalar(select(ChatLink).where(ChatLink.chat_id == str(chat.id))) is None


def test_an_agen_cannot_take_over_the_province_group(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    before = snapshot(sessions)

    reply = only_reply(tg.send(AGEN_JEMBRANA, PROVINCE_GROUP, "/hubungkan 5101"))

    assert reply.text == e(texts.LINK_FORBIDDEN)
    assert snapshot(sessions) == before


# --- reading progress ----------------------------------------------------------------------


def item_codes(text: str) -> list[str]:
    """The item codes in a rendered list, in order."""
    return re.findall(r"<b>([A-Z]+-\d+)</b>", text)


def section(text: str, head: str, stop: str = "\n\n") -> str:
    """The part of a message from ``head`` up to the next blank line."""
    start = text.index(head)
    end = text.find(stop, start)
    return text[start : end if end != -1 else None]


def test_progres_in_a_satker_group_shows_that_satker(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    set_status(sessions, "5103", ["MP-01", "MP-02", "TL-01"], "selesai")
    set_status(sessions, "5103", ["SDM-03"], "proses")
    before = snapshot(sessions)

    calls = tg.send(STRANGER, BADUNG_GROUP, f"/progres@{BOT_USERNAME}")
    text = only_reply(calls).text

    assert text.startswith(
        TELEGRAM.fill(texts.VIEW_PROGRESS_HEAD, name=BADUNG, code="5103", year=2026)
    )
    # 3 of the 28 Badung items are selesai (proses does not count): 11 %.
    assert (
        TELEGRAM.fill(texts.VIEW_PROGRESS_TOTAL, percent="11%", bar="█░░░░░░░░░", done=3, total=28)
        in text
    )
    areas = section(text, "<pre>", "</pre>")
    assert "MP  ████░░░░░░  40% 2/5" in areas
    assert "TL  ██░░░░░░░░  25% 1/4" in areas
    assert "SDM ░░░░░░░░░░   0% 0/5" in areas
    assert "PP  ░░░░░░░░░░   0% 0/5" in areas  # PP-05 applies to kab/kota
    # 12 items had a tenggat before today; MP-01, MP-02 and TL-01 are done.
    overdue = section(text, TELEGRAM.fill(texts.VIEW_OVERDUE_HEAD, count=9))
    assert item_codes(overdue) == [
        "AK-02", "AK-01", "MP-03", "PP-01", "PW-01", "SDM-01", "TL-02", "SDM-02", "PW-02",
    ]  # fmt: skip
    assert "terlambat 273 hari" in overdue  # AK-02, tenggat 27 Feb 2026
    upcoming = section(text, TELEGRAM.fill(texts.VIEW_NEXT_HEAD))
    assert item_codes(upcoming) == ["SDM-03", "PP-02", "PW-03"]
    assert (
        TELEGRAM.fill(
            texts.VIEW_ITEM_LINE,
            code="SDM-03",
            activity="Pengembangan pegawai berbasis kompetensi",
            tenggat="27 Nov 2026",
            when=texts.DAYS_TODAY,
        )
        in upcoming
    )
    assert "1 Des 2026 (" + texts.DAYS_LEFT.format(days=4) + ")" in upcoming  # PP-02
    assert text.endswith(TELEGRAM.fill(texts.VIEW_AS_OF, date="27 Nov 2026"))
    assert snapshot(sessions) == before


def test_commands_for_another_bot_are_ignored(tg: BotHarness, people: dict[TgUser, int]) -> None:
    assert tg.send(AGEN, BADUNG_GROUP, "/progres@some_other_bot") == []


def test_progres_in_the_province_group_ranks_every_satker(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    set_status(sessions, "5103", ["MP-01", "MP-02", "TL-01"], "selesai")
    set_status(sessions, "5171", ["MP-01"], "selesai")

    text = only_reply(tg.send(PIMPINAN, PROVINCE_GROUP, f"/progres@{BOT_USERNAME}")).text

    assert text.startswith(TELEGRAM.fill(texts.VIEW_RANK_HEAD, year=2026))
    rows = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(rows) == 10
    assert rows[0] == TELEGRAM.fill(
        texts.VIEW_RANK_LINE, rank=1, name=BADUNG, percent="11%", bar="█░░░░░░░░░", overdue=9
    )
    assert rows[1] == TELEGRAM.fill(
        texts.VIEW_RANK_LINE,
        rank=2,
        name="KPU Kota Denpasar",
        percent="4%",
        bar="░░░░░░░░░░",
        overdue=11,
    )
    # Ties at 0 % and 12 overdue are ordered by satker code.
    ranked = [re.match(r"\d+\. (.+?) — ", row).group(1) for row in rows]  # type: ignore[union-attr]
    assert ranked[2:] == [
        "KPU Provinsi Bali", "KPU Kabupaten Jembrana", "KPU Kabupaten Tabanan",
        "KPU Kabupaten Gianyar", "KPU Kabupaten Klungkung", "KPU Kabupaten Bangli",
        "KPU Kabupaten Karangasem", "KPU Kabupaten Buleleng",
    ]  # fmt: skip
    assert all(row.endswith("terlambat 12") for row in rows[2:])


def test_progres_in_private_names_a_satker(tg: BotHarness, people: dict[TgUser, int]) -> None:
    text = only_reply(tg.send(AGEN_JEMBRANA, private(AGEN_JEMBRANA), "/progres badung")).text
    assert text.startswith(
        TELEGRAM.fill(texts.VIEW_PROGRESS_HEAD, name=BADUNG, code="5103", year=2026)
    )

    own = only_reply(tg.send(AGEN_JEMBRANA, private(AGEN_JEMBRANA), "/progres")).text
    assert own.startswith(
        TELEGRAM.fill(
            texts.VIEW_PROGRESS_HEAD, name="KPU Kabupaten Jembrana", code="5101", year=2026
        )
    )

    ambiguous = only_reply(tg.send(AGEN_JEMBRANA, private(AGEN_JEMBRANA), "/progres kabupaten"))
    assert ambiguous.text.startswith(
        e(texts.SATKER_AMBIGUOUS.format(query="kabupaten", names="5101 KPU Kabupaten Jembrana"))
    )


def test_progres_in_an_unlinked_group_asks_for_a_link(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    before = snapshot(sessions)
    assert only_reply(tg.send(AGEN, NEW_GROUP, "/progres")).text == e(texts.GROUP_NOT_LINKED)
    assert only_reply(tg.send(AGEN, NEW_GROUP, "/progres badung")).text == e(texts.GROUP_NOT_LINKED)
    assert snapshot(sessions) == before


@pytest.mark.parametrize("chat", [BADUNG_GROUP, PROVINCE_GROUP], ids=["satker", "province"])
def test_progres_grafik_sends_a_png_chart(
    tg: BotHarness, people: dict[TgUser, int], chat: TgChat
) -> None:
    calls = tg.send(AGEN, chat, f"/progres@{BOT_USERNAME} grafik")

    photo = only_reply(calls)
    assert photo.method == "sendPhoto"
    content = photo.files["photo"][1]
    assert content.startswith(PNG) and len(content) > 1000
    assert photo.text == texts.CHART_CAPTION.format(year=2026)


def test_tenggat_lists_the_next_14_days_and_the_overdue(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    set_status(sessions, "5103", ["TL-03"], "selesai")

    text = only_reply(tg.send(AGEN, BADUNG_GROUP, "/tenggat")).text

    assert text.startswith(TELEGRAM.fill(texts.VIEW_DEADLINE_HEAD, name=BADUNG, year=2026))
    due = section(text, TELEGRAM.fill(texts.VIEW_DUE_HEAD, days=14))
    # 27 Nov up to and including 11 Dec; TL-03 is done; MP-04 (18 Dec) is too far.
    assert item_codes(due) == ["SDM-03", "PP-02", "PW-03", "PP-05", "SDM-04", "TL-04"]
    assert "11 Des 2026 (" + texts.DAYS_LEFT.format(days=14) + ")" in due
    assert len(item_codes(section(text, TELEGRAM.fill(texts.VIEW_OVERDUE_HEAD, count=12)))) == 12

    plan = only_reply(tg.send(AGEN, PROVINCE_GROUP, "/tenggat")).text
    assert plan.startswith(TELEGRAM.fill(texts.VIEW_DEADLINE_HEAD_PLAN, year=2026))
    plan_due = section(plan, TELEGRAM.fill(texts.VIEW_DUE_HEAD, days=14))
    # Listed by area here, not by date as for one satker (see the report).
    assert sorted(item_codes(plan_due)) == sorted(
        ["SDM-03", "PP-02", "PW-03", "TL-03", "PP-05", "SDM-04", "TL-04"]
    )
    assert "selesai 1/10 satker" in plan_due  # TL-03, Badung only
    assert "selesai 0/9 satker" in plan_due  # PP-05, kab/kota only


@pytest.mark.parametrize(
    ("argument", "area", "codes"),
    [
        ("MP", "MP", ["MP-01", "MP-02", "MP-03", "MP-04", "MP-05"]),
        ("pengawasan", "PW", ["PW-01", "PW-02", "PW-03", "PW-04", "PW-05"]),
    ],
)
def test_rencana_by_area_code_or_name(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    argument: str,
    area: str,
    codes: list[str],
) -> None:
    set_status(sessions, "5103", ["MP-01", "PW-01"], "selesai")
    set_status(sessions, "5103", ["MP-04", "PW-03"], "proses")

    text = only_reply(tg.send(PIMPINAN, BADUNG_GROUP, f"/rencana {argument}")).text

    assert text.startswith(TELEGRAM.fill(texts.VIEW_PLAN_HEAD, name=BADUNG, year=2026))
    assert f"<b>{area}</b>" in text
    assert item_codes(text) == codes
    lines = {code: line for line in text.splitlines() for code in item_codes(line)}
    icons = texts.STATUS_ICONS
    assert lines[codes[0]].startswith(icons["selesai"])
    assert lines[codes[0]].endswith(texts.STATUS_LABELS["selesai"])
    assert lines[codes[1]].startswith(icons["terlambat"])  # MP-02 13 Mar / PW-02 31 Aug
    assert lines[codes[2 if area == "PW" else 3]].startswith(icons["proses"])
    assert lines[codes[4]].startswith(icons["belum"])


def test_rencana_with_an_unknown_area_lists_the_areas(
    tg: BotHarness, people: dict[TgUser, int]
) -> None:
    names = ", ".join(f"{code} ({name})" for code, name in catalog.AREAS)

    reply = only_reply(tg.send(AGEN, BADUNG_GROUP, "/rencana kebersihan"))

    assert reply.text == e(texts.AREA_UNKNOWN.format(value="kebersihan", areas=names))


def test_long_answers_are_split_under_4096_characters(
    tg: BotHarness, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    activity = "Penyusunan dan penetapan dokumen pendukung pembangunan Zona Integritas " * 3
    path = tmp_path / "rencana_aksi_panjang_2026.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kode", "area", "kegiatan", "bukti_dukung", "tenggat", "berlaku_untuk"])
        for n in range(1, 61):
            writer.writerow(
                [f"MP-{n:02d}", "MP", f"{activity}({n})", "Dokumen", "2026-12-15", "semua"]
            )
    import_plan(sessions, path)
    link_group(sessions, BADUNG_GROUP, "5103")

    parts = sent(tg.send(STRANGER, BADUNG_GROUP, "/rencana"))

    assert len(parts) >= 4  # 60 lines of ~240 characters
    assert all(len(p.visible) <= 4096 for p in parts)  # Telegram counts the parsed text
    assert parts[0].text.startswith(TELEGRAM.fill(texts.VIEW_PLAN_HEAD, name=BADUNG, year=2026))
    whole = "\n".join(p.text for p in parts)
    assert item_codes(whole) == [f"MP-{n:02d}" for n in range(1, 61)]
    for n in (1, 30, 60):  # no line was cut in two
        assert f"<b>MP-{n:02d}</b> {e(activity)}({n}) — 15 Des 2026" in whole


# --- reporting progress --------------------------------------------------------------------

MP01 = "Pembentukan Tim Kerja Pembangunan Zona Integritas"
MP02 = "Penyusunan Rencana Kerja Pembangunan Zona Integritas"


def done_text(code: str, activity: str, old: str, new: str, note: str | None = None) -> str:
    return TELEGRAM.fill(
        texts.LAPOR_DONE,
        code=code,
        activity=activity,
        old=texts.STATUS_LABELS[old],
        new=texts.STATUS_LABELS[new],
        note=texts.LAPOR_NOTE.format(note=e(note)) if note else "",
    )


def test_lapor_changes_the_status_and_records_who_and_when(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reply = only_reply(tg.send(AGEN, BADUNG_GROUP, "/lapor MP-01 selesai SK sudah terbit"))

    assert reply.text == done_text("MP-01", MP01, "belum", "selesai", "SK sudah terbit")
    with sessions() as session:
        target = target_of(session, "5103", "MP-01")
        assert (target.status, target.note) == ("selesai", "SK sudah terbit")
        assert (target.updated_by_id, target.updated_at) == (people[AGEN], NOW)
        assert target_of(session, "51", "MP-01").status == "belum"  # only Badung's
        target_id = target.id
    [audit] = audit_rows(sessions, "lapor")
    assert (audit.actor_id, audit.at, audit.entity, audit.entity_id) == (
        people[AGEN],
        NOW,
        "target",
        str(target_id),
    )
    detail = json.loads(audit.detail)
    assert (detail["item"], detail["satker"], detail["old"], detail["new"]) == (
        "MP-01",
        "5103",
        "belum",
        "selesai",
    )


@pytest.mark.parametrize("typed", ["MP01", "mp-1", "Mp1"])
def test_lapor_accepts_codes_as_people_type_them(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int], typed: str
) -> None:
    reply = only_reply(tg.send(AGEN, private(AGEN), f"/lapor {typed} proses"))

    assert reply.text == done_text("MP-01", MP01, "belum", "proses")
    with sessions() as session:
        assert target_of(session, "5103", "MP-01").status == "proses"


@pytest.mark.parametrize(
    ("command", "refusal"),
    [
        (
            "/lapor MP-6 selesai",
            texts.ITEM_UNKNOWN_SUGGEST.format(code="MP-6", suggestions="MP-05, MP-04, MP-03"),
        ),
        (
            "/lapor XX-99 selesai",
            texts.ITEM_UNKNOWN_SUGGEST.format(code="XX-99", suggestions="TL-04, TL-03, TL-02"),
        ),
        ("/lapor MP-01 beres", texts.LAPOR_BAD_STATUS.format(word="beres")),
    ],
    ids=["close-code", "far-code", "bad-status"],
)
def test_lapor_refuses_unknown_codes_and_statuses(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    command: str,
    refusal: str,
) -> None:
    before = snapshot(sessions)
    assert only_reply(tg.send(AGEN, BADUNG_GROUP, command)).text == e(refusal)
    assert snapshot(sessions) == before


def test_lapor_without_arguments_offers_buttons(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    set_status(sessions, "5103", ["MP-01"], "selesai")

    menu = only_reply(tg.send(AGEN, BADUNG_GROUP, "/lapor"))

    assert menu.text == texts.LAPOR_CHOOSE_ITEM.format(name=BADUNG)
    buttons = menu.buttons()
    assert len(buttons) == 27  # 28 Badung items, MP-01 is done
    assert buttons[:2] == [("MP-02", "lapor:MP-02"), ("MP-03", "lapor:MP-03")]
    assert buttons[-1] == ("PP-05", "lapor:PP-05")
    assert all(len(row) <= 4 for row in menu.reply_markup["inline_keyboard"])

    # The item button turns the message into the status choice.
    calls = tg.press(AGEN, menu.message, "lapor:MP-02")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    edit = calls[1]
    assert edit.text == TELEGRAM.fill(
        texts.LAPOR_CHOOSE_STATUS, code="MP-02", activity=MP02, status=texts.STATUS_LABELS["belum"]
    )
    assert [data for _, data in edit.buttons()] == [
        "lapor:MP-02:belum",
        "lapor:MP-02:proses",
        "lapor:MP-02:selesai",
    ]

    # A pimpinan pressing a status is told why, and nothing changes.
    before = snapshot(sessions)
    [alert] = tg.press(PIMPINAN, menu.message, "lapor:MP-02:selesai")
    assert alert.method == "answerCallbackQuery"
    assert alert.params["show_alert"] is True
    assert alert.params["text"] == texts.FORBIDDEN_PIMPINAN[:190]
    assert snapshot(sessions) == before

    # The status button saves and shows the result, without buttons.
    calls = tg.press(AGEN, menu.message, "lapor:MP-02:proses")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[0].params["text"] == texts.LAPOR_SAVED
    assert calls[1].text == done_text("MP-02", MP02, "belum", "proses")
    assert "reply_markup" not in tg.api.stored(BADUNG_GROUP.id, menu.message["message_id"])
    with sessions() as session:
        target = target_of(session, "5103", "MP-02")
        assert (target.status, target.updated_by_id) == ("proses", people[AGEN])
    assert len(audit_rows(sessions, "lapor")) == 1


def test_lapor_with_only_a_code_offers_the_status_buttons(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reply = only_reply(tg.send(ADMIN, BADUNG_GROUP, "/lapor MP-02"))

    assert reply.text == TELEGRAM.fill(
        texts.LAPOR_CHOOSE_STATUS, code="MP-02", activity=MP02, status=texts.STATUS_LABELS["belum"]
    )
    [_, _, done] = reply.buttons()
    tg.press(ADMIN, reply.message, done[1])
    with sessions() as session:
        target = target_of(session, "5103", "MP-02")
        assert (target.status, target.updated_by_id) == ("selesai", people[ADMIN])


def test_lapor_escapes_html_in_the_note(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    note = "<b>x</b> & <script>"

    reply = only_reply(tg.send(AGEN, BADUNG_GROUP, f"/lapor MP-01 proses {note}"))

    assert "<script>" not in reply.text and "<b>x</b>" not in reply.text
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in reply.text
    assert reply.visible.endswith(f"Catatan: {note}")  # Telegram parsed it (no 400)
    with sessions() as session:
        assert target_of(session, "5103", "MP-01").note == note


@pytest.mark.parametrize("user", [ADMIN, AGEN], ids=["admin", "agen"])
@pytest.mark.parametrize("command", ["/lapor MP-01 selesai", "/bukti MP-01", "/lapor"])
def test_writing_in_the_province_group_is_refused(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    user: TgUser,
    command: str,
) -> None:
    before = snapshot(sessions)
    reply = only_reply(tg.send(user, PROVINCE_GROUP, command))
    assert reply.text == e(texts.WRITE_NOT_IN_PROVINCE_GROUP)
    assert snapshot(sessions) == before


def test_an_agen_cannot_write_for_another_satker(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    before = snapshot(sessions)
    for command in ("/lapor MP-01 selesai", "/bukti MP-01", "/lapor"):
        reply = only_reply(tg.send(AGEN_JEMBRANA, BADUNG_GROUP, command))
        assert reply.text == e(texts.FORBIDDEN_OTHER_SATKER.format(name=BADUNG))
    assert snapshot(sessions) == before


def test_button_edits_are_sent_as_html(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    menu = only_reply(tg.send(AGEN, BADUNG_GROUP, "/lapor"))
    edit = tg.press(AGEN, menu.message, "lapor:MP-02")[-1]
    assert edit.method == "editMessageText"
    assert "<b>" not in edit.visible, edit.visible


def test_a_double_tap_on_an_item_button_is_harmless(
    tg: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    tg.errors_expected = True
    menu = only_reply(tg.send(AGEN, BADUNG_GROUP, "/lapor"))
    tg.press(AGEN, menu.message, "lapor:MP-02")

    again = tg.press(AGEN, menu.message, "lapor:MP-02", stale=True)

    # Telegram answers the second, identical edit with 400 "message is not modified"; the bot
    # must take that in its stride: no apology, nothing logged as an error.
    assert texts.ERROR_APOLOGY not in [c.text for c in sent(again)]
    assert [f.error for f in tg.api.failures()] == ["Bad Request: message is not modified"]


# --- bukti dukung --------------------------------------------------------------------------


def item_folder(evidence_dir: Path, satker: str, area: str, item: str) -> Path:
    return evidence_dir / "2026" / satker / area / item


def bukti_rows(sessions: sessionmaker[Session]) -> list[BuktiDukung]:
    with sessions() as session:
        return list(session.scalars(select(BuktiDukung).order_by(BuktiDukung.id)))


def stored_files(evidence_dir: Path) -> list[Path]:
    return (
        sorted(p for p in evidence_dir.rglob("*") if p.is_file()) if evidence_dir.exists() else []
    )


def ask_for_file(tg: BotHarness, user: TgUser, chat: TgChat, code: str) -> ApiCall:
    prompt = only_reply(tg.send(user, chat, f"/bukti {code}"))
    assert prompt.reply_markup.get("force_reply") is True
    return prompt


def test_bukti_then_a_document_stores_it(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    prompt = ask_for_file(tg, AGEN, BADUNG_GROUP, "MP-01")
    assert prompt.text == TELEGRAM.fill(texts.BUKTI_SEND_FILE, code="MP-01", activity=MP01)
    assert prompt.reply_markup["selective"] is True

    calls = tg.document(AGEN, BADUNG_GROUP, "SK Tim ZI.pdf", PDF, reply_to=prompt.message)

    path = item_folder(evidence_dir, "5103", "MP", "MP-01") / "SK Tim ZI.pdf"
    assert path.read_bytes() == PDF
    digest = hashlib.sha256(PDF).hexdigest()
    assert only_reply(calls).text == TELEGRAM.fill(
        texts.BUKTI_STORED, code="MP-01", name="SK Tim ZI.pdf", size="0 KB", sha=digest[:12]
    )
    [row] = bukti_rows(sessions)
    assert (row.path, row.original_name, row.size, row.sha256, row.mime_type) == (
        "2026/5103/MP/MP-01/SK Tim ZI.pdf",
        "SK Tim ZI.pdf",
        len(PDF),
        digest,
        "application/pdf",
    )
    assert (row.uploaded_by_id, row.channel, row.created_at) == (people[AGEN], "telegram", NOW)
    with sessions() as session:
        assert row.target_id == target_of(session, "5103", "MP-01").id
    assert [a.actor_id for a in audit_rows(sessions, "bukti")] == [people[AGEN]]
    assert [c.method for c in calls][:1] == ["getFile"]
    assert len(tg.api.downloads) == 1

    # The conversation is over: another document is not filed.
    assert tg.document(AGEN, BADUNG_GROUP, "lagi.pdf", PDF, reply_to=prompt.message) == []
    assert len(bukti_rows(sessions)) == 1


def test_bukti_file_names_are_made_safe_and_never_overwritten(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
    tmp_path: Path,
) -> None:
    chat = private(AGEN)
    uploads = [
        ("../../etc/passwd.pdf", b"%PDF traversal"),
        ("laporan.pdf", b"%PDF first"),
        ("laporan.pdf", b"%PDF second"),
    ]
    for name, content in uploads:
        prompt = ask_for_file(tg, AGEN, chat, "MP-01")
        only_reply(tg.document(AGEN, chat, name, content, reply_to=prompt.message))

    folder = item_folder(evidence_dir, "5103", "MP", "MP-01")
    assert stored_files(evidence_dir) == sorted(
        [folder / "passwd.pdf", folder / "laporan.pdf", folder / "laporan (2).pdf"]
    )
    assert (folder / "passwd.pdf").read_bytes() == b"%PDF traversal"
    assert (folder / "laporan.pdf").read_bytes() == b"%PDF first"
    assert (folder / "laporan (2).pdf").read_bytes() == b"%PDF second"
    assert not (tmp_path / "etc").exists()
    rows = bukti_rows(sessions)
    assert [r.original_name for r in rows] == [name for name, _ in uploads]
    assert [r.path.rsplit("/", 1)[1] for r in rows] == [
        "passwd.pdf",
        "laporan.pdf",
        "laporan (2).pdf",
    ]


def test_bukti_accepts_a_photo(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    prompt = ask_for_file(tg, AGEN, BADUNG_GROUP, "PP-02")
    jpeg = b"\xff\xd8\xff\xe0 ruang layanan"

    calls = tg.photo(AGEN, BADUNG_GROUP, jpeg, reply_to=prompt.message)

    [get_file] = [c for c in calls if c.method == "getFile"]
    assert get_file.params["file_id"].startswith("photo-")
    assert not get_file.params["file_id"].endswith("-s")  # the largest size
    [row] = bukti_rows(sessions)
    assert re.fullmatch(r"2026/5103/PP/PP-02/foto-PP-02-\d+\.jpg", row.path)
    assert (row.mime_type, row.size) == ("image/jpeg", len(jpeg))
    assert (evidence_dir / row.path).read_bytes() == jpeg
    assert only_reply(calls).text.startswith("📎")


def test_bukti_refuses_what_is_not_a_document_or_photo_and_keeps_waiting(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    prompt = ask_for_file(tg, AGEN, BADUNG_GROUP, "MP-01")
    before = snapshot(sessions, evidence_dir)

    video = only_reply(tg.video(AGEN, BADUNG_GROUP, reply_to=prompt.message))
    assert video.text == texts.BUKTI_WRONG_KIND
    text = only_reply(tg.send(AGEN, BADUNG_GROUP, "ini buktinya", reply_to=prompt.message))
    assert text.text == texts.BUKTI_WRONG_KIND
    calls = tg.document(
        AGEN,
        BADUNG_GROUP,
        "rekaman.mp4",
        b"\x00\x00\x00\x18ftypmp42",
        mime_type="video/mp4",
        reply_to=prompt.message,
    )
    assert only_reply(calls).text == e(texts.EVIDENCE_BAD_TYPE.format(mime="video/mp4"))
    assert tg.api.calls_of("getFile") == []
    assert snapshot(sessions, evidence_dir) == before

    # Still waiting for the file.
    stored = tg.document(AGEN, BADUNG_GROUP, "notulen.pdf", PDF, reply_to=prompt.message)
    assert only_reply(stored).text.startswith("📎")
    assert [r.original_name for r in bukti_rows(sessions)] == ["notulen.pdf"]


def test_bukti_refuses_files_over_20_mb_before_downloading(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    prompt = ask_for_file(tg, AGEN, private(AGEN), "MP-01")
    before = snapshot(sessions, evidence_dir)

    calls = tg.document(
        AGEN, private(AGEN), "scan.pdf", PDF, reply_to=prompt.message, file_size=25 * 1024 * 1024
    )

    assert only_reply(calls).text == e(texts.EVIDENCE_TOO_BIG.format(size_mb=25.0))
    assert "25.0 MB" in only_reply(calls).visible
    assert [c.method for c in calls] == ["sendMessage"]
    assert tg.api.calls_of("getFile") == [] and tg.api.downloads == []
    assert snapshot(sessions, evidence_dir) == before


def test_batal_ends_the_bukti_conversation(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    prompt = ask_for_file(tg, AGEN, BADUNG_GROUP, "MP-01")

    assert only_reply(tg.send(AGEN, BADUNG_GROUP, "/batal")).text == texts.BATAL_DONE

    assert tg.document(AGEN, BADUNG_GROUP, "telat.pdf", PDF, reply_to=prompt.message) == []
    assert bukti_rows(sessions) == [] and stored_files(evidence_dir) == []
    assert tg.api.calls_of("getFile") == []
    assert only_reply(tg.send(AGEN, BADUNG_GROUP, "/batal")).text == texts.BATAL_NOTHING


def test_document_with_a_bukti_caption_is_filed_in_one_step(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    calls = tg.document(
        AGEN,
        BADUNG_GROUP,
        "rencana kerja.docx",
        b"PK\x03\x04 docx",
        mime_type=None,
        caption="/bukti MP-02",
    )

    assert only_reply(calls).text.startswith(
        markup(texts.BUKTI_STORED).split("{name}")[0].format(code="MP-02")
    )
    [row] = bukti_rows(sessions)
    assert row.path == "2026/5103/MP/MP-02/rencana kerja.docx"
    assert (evidence_dir / row.path).read_bytes() == b"PK\x03\x04 docx"

    # A pimpinan's captioned document is refused and not stored.
    refused = tg.document(PIMPINAN, BADUNG_GROUP, "x.pdf", PDF, caption="/bukti MP-02")
    assert only_reply(refused).text == e(texts.FORBIDDEN_PIMPINAN)
    assert len(bukti_rows(sessions)) == 1


def test_a_prompt_is_answered_only_by_the_member_who_asked(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    prompt = ask_for_file(tg, AGEN, BADUNG_GROUP, "MP-01")

    assert tg.document(ADMIN, BADUNG_GROUP, "admin.pdf", PDF, reply_to=prompt.message) == []
    assert bukti_rows(sessions) == []

    only_reply(tg.document(AGEN, BADUNG_GROUP, "agen.pdf", PDF, reply_to=prompt.message))
    assert [(r.original_name, r.uploaded_by_id) for r in bukti_rows(sessions)] == [
        ("agen.pdf", people[AGEN])
    ]


def test_a_second_bukti_while_waiting_switches_the_item(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    ask_for_file(tg, AGEN, private(AGEN), "MP-01")

    second = tg.send(AGEN, private(AGEN), "/bukti MP-02")
    tg.document(AGEN, private(AGEN), "rencana.pdf", PDF)

    assert [r.path for r in bukti_rows(sessions)] == ["2026/5103/MP/MP-02/rencana.pdf"]
    assert only_reply(second).text == TELEGRAM.fill(
        texts.BUKTI_SEND_FILE, code="MP-02", activity=MP02
    )


def test_a_captioned_document_while_waiting_goes_to_the_captioned_item(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    ask_for_file(tg, AGEN, private(AGEN), "MP-01")

    tg.document(AGEN, private(AGEN), "rencana.pdf", PDF, caption="/bukti MP-02")

    assert [r.path for r in bukti_rows(sessions)] == ["2026/5103/MP/MP-02/rencana.pdf"]


# --- unexpected errors ---------------------------------------------------------------------


def test_an_unexpected_error_is_logged_and_answered_with_an_apology(
    tg: BotHarness,
    people: dict[TgUser, int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(self: Zibot, *args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Zibot, "progress", broken)
    tg.errors_expected = True

    with caplog.at_level(logging.ERROR):
        reply = only_reply(tg.send(AGEN, BADUNG_GROUP, "/progres"))

    assert reply.text == texts.ERROR_APOLOGY
    assert reply.chat_id == BADUNG_GROUP.id
    [record] = [r for r in caplog.records if r.name == "handlers.telegram.commands"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "disk on fire" in str(record.exc_info[1])


def test_a_bukti_prompt_survives_a_restart_and_is_not_read_back_from_its_text(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    from models import Conversation

    prompt = ask_for_file(tg, AGEN, BADUNG_GROUP, "MP-01")
    tg.restart()  # a new process: PTB's conversation is gone, the prompt is in the database
    calls = tg.document(AGEN, BADUNG_GROUP, "SK Tim ZI.pdf", PDF, reply_to=prompt.message)
    assert only_reply(calls).text.startswith(markup(texts.BUKTI_STORED).split("{")[0])
    assert [r.original_name for r in bukti_rows(sessions)] == ["SK Tim ZI.pdf"]
    with sessions() as session:
        assert session.scalars(select(Conversation)).all() == []
    # Answered: the same prompt files nothing more, and /batal then has nothing to end.
    assert tg.document(AGEN, BADUNG_GROUP, "lagi.pdf", PDF, reply_to=prompt.message) == []

    # A prompt closed with /batal before the restart files nothing after it either.
    prompt = ask_for_file(tg, AGEN, BADUNG_GROUP, "MP-02")
    only_reply(tg.send(AGEN, BADUNG_GROUP, "/batal"))
    tg.restart()
    assert tg.document(AGEN, BADUNG_GROUP, "telat.pdf", PDF, reply_to=prompt.message) == []
    assert len(bukti_rows(sessions)) == 1
