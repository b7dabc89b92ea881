"""The real ``zibot run`` process, long-polling the Bot API stand-in, used as people use it.

One bot process serves the module (per database backend); each test uses its own users and
groups, so the tests do not depend on each other. Group commands are addressed as
``/cmd@zibot_test_bot`` because the stand-in, like Telegram, keeps privacy mode on.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from sqlalchemy import select

from handlers.telegram.presenter import TELEGRAM, markup
from models import AuditLog, BuktiDukung, ChatLink, Invite, RencanaAksi, Satker, Target
from models import User as AppUser
from services import texts
from services.invites import hash_code

from .botapi import Chat, JSONDict, User
from .conftest import BADUNG, BOT_USERNAME, PROVINCE, Deployment, command, satker_name

AREAS = ("MP", "TL", "SDM", "AK", "PW", "PP")
PROGRESS_TOTAL = re.compile(r"Selesai (\d+)% \S* \((\d+) dari (\d+) item\)")


@pytest.fixture(scope="module")
def polling_bot(deployment: Deployment) -> Deployment:
    """``zibot run`` for the whole module, logging at DEBUG (the most it can ever write)."""
    deployment.start_polling(ZIBOT_LOG_LEVEL="DEBUG")
    return deployment


@pytest.fixture
def bot(polling_bot: Deployment) -> Deployment:
    """The running bot (started again if an earlier test left it stopped)."""
    if not polling_bot.running:
        polling_bot.restart_polling()
    return polling_bot


# ---------------------------------------------------------------------- helpers


def shown(message: JSONDict) -> str:
    """The text as Telegram shows it (HTML parsed, tags gone)."""
    return str(message["message"]["text"])


def progress_numbers(message: JSONDict) -> tuple[int, int, int]:
    """(percent, done, total) from a satker's /progres answer."""
    found = PROGRESS_TOTAL.search(shown(message))
    assert found, shown(message)
    percent, done, total = (int(g) for g in found.groups())
    return percent, done, total


def app_user(bot: Deployment, user: User) -> AppUser:
    with bot.db() as session:
        row = session.scalars(select(AppUser).where(AppUser.telegram_id == user.id)).one()
        session.expunge(row)
        return row


def target_of(bot: Deployment, item_code: str, satker: str = BADUNG) -> Target:
    with bot.db() as session:
        target = session.scalars(
            select(Target)
            .join(RencanaAksi, RencanaAksi.id == Target.item_id)
            .join(Satker, Satker.id == Target.satker_id)
            .where(RencanaAksi.code == item_code, Satker.code == satker)
        ).one()
        session.expunge(target)
        return target


def activity_of(bot: Deployment, item_code: str) -> str:
    with bot.db() as session:
        return session.scalars(
            select(RencanaAksi.activity).where(RencanaAksi.code == item_code)
        ).one()


def audit_rows(bot: Deployment, action: str, entity_id: object) -> list[AuditLog]:
    with bot.db() as session:
        rows = list(
            session.scalars(
                select(AuditLog)
                .where(AuditLog.action == action, AuditLog.entity_id == str(entity_id))
                .order_by(AuditLog.id)
            )
        )
        session.expunge_all()
        return rows


def failed_call(bot: Deployment) -> tuple[str, int]:
    """(method, HTTP status) of the last call the stand-in failed on purpose."""
    method, _, status = bot.api.failures[-1]
    return method, status


def buttons(message: JSONDict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


# ---------------------------------------------------------------------- 1. registration


def test_register_by_deep_link_and_by_daftar(bot: Deployment) -> None:
    badung = satker_name(BADUNG)
    ana, made = bot.new_user("Ana", "Wijaya"), bot.new_user("Made")
    agen_code, pimpinan_code = bot.invite(BADUNG, "agen"), bot.invite(BADUNG, "pimpinan")

    # The deep link t.me/zibot_test_bot?start=<code> arrives as "/start <code>".
    reply = bot.say(Chat.private(ana), ana, f"/start {agen_code}")
    assert reply["text"] == TELEGRAM.fill(
        texts.DAFTAR_DONE, name="Ana Wijaya", role=texts.ROLE_LABELS["agen"], satker=badung
    )
    reply = bot.say(Chat.private(made), made, f"/daftar {pimpinan_code}")
    assert reply["text"] == TELEGRAM.fill(
        texts.DAFTAR_DONE, name="Made", role=texts.ROLE_LABELS["pimpinan"], satker=badung
    )

    with bot.db() as session:
        rows = {
            row.telegram_id: row
            for row in session.scalars(
                select(AppUser).where(AppUser.telegram_id.in_([ana.id, made.id]))
            )
        }
        assert {k: (r.name, r.role, r.satker.code) for k, r in rows.items()} == {
            ana.id: ("Ana Wijaya", "agen", BADUNG),
            made.id: ("Made", "pimpinan", BADUNG),
        }
        for code, telegram_id in ((agen_code, ana.id), (pimpinan_code, made.id)):
            invite = session.scalars(select(Invite).where(Invite.code_hash == hash_code(code)))
            used = invite.one()
            assert used.used_at is not None and used.used_by_id == rows[telegram_id].id

    # A code works once: the same person is told nothing changed, anyone else is refused.
    again = bot.say(Chat.private(ana), ana, f"/daftar {agen_code}")
    assert again["text"] == TELEGRAM.fill(
        texts.DAFTAR_ALREADY, role=texts.ROLE_LABELS["agen"], satker=badung
    )
    intruder = bot.new_user("Intruder")
    refused = bot.say(Chat.private(intruder), intruder, f"/start {agen_code}")
    assert refused["text"] == texts.INVITE_USED
    with bot.db() as session:
        stranger = select(AppUser).where(AppUser.telegram_id == intruder.id)
        assert session.scalars(stranger).first() is None


# ---------------------------------------------------------------------- 2. linking a group


def test_agen_links_a_group_pimpinan_may_not(bot: Deployment) -> None:
    agen = bot.register("agen", name="Komang")
    pimpinan = bot.register("pimpinan", name="Ketua")
    group = bot.new_group("ZI KPU Badung")

    sent = bot.api.send_text(group, agen, f"{command('hubungkan')} {BADUNG}")
    reply = bot.wait_for_message(group.id, 0)
    assert reply["text"] == TELEGRAM.fill(
        texts.LINKED_SATKER, name=satker_name(BADUNG), code=BADUNG
    )
    assert reply["reply_to_message_id"] == sent["message"]["message_id"]  # quoted in groups

    with bot.db() as session:
        link = session.scalars(select(ChatLink).where(ChatLink.chat_id == str(group.id))).one()
        assert (link.channel, link.satker.code, link.is_province) == ("telegram", BADUNG, False)
        assert link.title == "ZI KPU Badung"
        assert link.linked_by_id == app_user(bot, agen).id

    other = bot.new_group("Grup lain")
    refused = bot.say(other, pimpinan, f"{command('hubungkan')} {BADUNG}")
    assert refused["text"] == texts.LINK_FORBIDDEN
    with bot.db() as session:
        assert (
            session.scalars(select(ChatLink).where(ChatLink.chat_id == str(other.id))).first()
            is None
        )


# ---------------------------------------------------------------------- 3. /progres


def test_progres_in_the_group_and_in_private(bot: Deployment) -> None:
    agen = bot.register("agen", name="Wayan")
    pimpinan = bot.register("pimpinan", name="Sekretaris")
    group = bot.linked_group(agen)

    reply = bot.say(group, agen, command("progres"))
    text = shown(reply)
    assert satker_name(BADUNG) in text and f"({BADUNG})" in text
    percent, done, total = progress_numbers(reply)
    assert 0 <= percent <= 100 and 0 <= done <= total
    assert total == 28  # the sample plan: 27 items for everyone, PP-05 for kab/kota
    for area in AREAS:
        assert re.search(rf"^{area}\s+[█░]{{10}}\s+\d+%\s+\d+/\d+$", text, re.M), (area, text)

    # The pimpinan types a bare /progres in private: their own satker.
    private = bot.say(Chat.private(pimpinan), pimpinan, "/progres")
    assert satker_name(BADUNG) in shown(private)
    assert progress_numbers(private)[2] == total

    # An unlinked group is told how to link it.
    unlinked = bot.new_group("Belum terhubung")
    assert bot.say(unlinked, agen, command("progres"))["text"] == texts.GROUP_NOT_LINKED


def test_province_group_ranks_every_satker(bot: Deployment) -> None:
    admin = bot.register("admin", PROVINCE, name="Admin")
    group = bot.new_group("Koordinasi ZI Bali")
    linked = bot.say(group, admin, f"{command('hubungkan')} provinsi")
    assert linked["text"] == TELEGRAM.fill(texts.LINKED_PROVINCE)
    with bot.db() as session:
        link = session.scalars(select(ChatLink).where(ChatLink.chat_id == str(group.id))).one()
        assert (link.is_province, link.satker_id) == (True, None)

    ranking = shown(bot.say(group, admin, command("progres")))
    assert ranking.startswith(texts.VIEW_RANK_HEAD.format(year=2026).replace("**", "")[:20])
    ranked = re.findall(r"^(\d+)\. (.+?) — \d+%", ranking, re.M)
    assert [int(n) for n, _ in ranked] == list(range(1, 11))  # the ten Bali satkers
    assert satker_name(BADUNG) in [name for _, name in ranked]

    # Nothing is updated from the province group: it stands for no single satker.
    refused = bot.say(group, admin, f"{command('lapor')} MP-05 selesai")
    assert refused["text"] == texts.WRITE_NOT_IN_PROVINCE_GROUP


# ---------------------------------------------------------------------- 4. /lapor with arguments


def test_lapor_changes_status_progress_and_audit(bot: Deployment) -> None:
    agen = bot.register("agen", name="Nyoman")
    pimpinan = bot.register("pimpinan", name="Ketua")
    group = bot.linked_group(agen)
    before = progress_numbers(bot.say(group, agen, command("progres")))
    assert target_of(bot, "MP-01").status == "belum"

    reply = bot.say(group, agen, f"{command('lapor')} MP-01 selesai SK tim sudah ditandatangani")
    assert reply["text"] == TELEGRAM.fill(
        texts.LAPOR_DONE,
        code="MP-01",
        activity=activity_of(bot, "MP-01"),
        old=texts.STATUS_LABELS["belum"],
        new=texts.STATUS_LABELS["selesai"],
        note=texts.LAPOR_NOTE.format(note="SK tim sudah ditandatangani"),
    )

    after = progress_numbers(bot.say(group, agen, command("progres")))
    assert after[1] == before[1] + 1 and after[2] == before[2]
    assert after[0] > before[0]

    target = target_of(bot, "MP-01")
    member = app_user(bot, agen)
    assert target.status == "selesai"
    assert target.note == "SK tim sudah ditandatangani"
    assert target.updated_by_id == member.id and target.updated_at is not None
    (entry,) = audit_rows(bot, "lapor", target.id)
    assert (entry.entity, entry.actor_id) == ("target", member.id)
    detail = json.loads(entry.detail)
    assert (detail["item"], detail["satker"], detail["old"], detail["new"]) == (
        "MP-01",
        BADUNG,
        "belum",
        "selesai",
    )

    # A pimpinan follows progress but may not change it: nothing changes.
    refused = bot.say(Chat.private(pimpinan), pimpinan, "/lapor MP-02 selesai")
    assert refused["text"] == texts.FORBIDDEN_PIMPINAN
    assert target_of(bot, "MP-02").status == "belum"
    assert audit_rows(bot, "lapor", target_of(bot, "MP-02").id) == []


# ---------------------------------------------------------------------- 5. /bukti in a group


def test_bukti_document_as_reply_to_the_prompt(bot: Deployment) -> None:
    agen = bot.register("agen", name="Ketut")
    group = bot.linked_group(agen)
    content = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"

    prompt = bot.say(group, agen, f"{command('bukti')} MP-01")
    assert prompt["text"] == TELEGRAM.fill(
        texts.BUKTI_SEND_FILE, code="MP-01", activity=activity_of(bot, "MP-01")
    )
    assert prompt["reply_markup"]["force_reply"] is True  # so privacy mode lets the reply in

    before = len(bot.api.sent(group.id))
    bot.api.send_document(
        group,
        agen,
        "SK Tim Kerja ZI.pdf",
        content,
        mime_type="application/pdf",
        reply_to_message_id=prompt["message_id"],
    )
    reply = bot.wait_for_message(group.id, before)
    digest = hashlib.sha256(content).hexdigest()
    assert "MP-01" in reply["text"] and "SK Tim Kerja ZI.pdf" in reply["text"]
    assert digest[:12] in reply["text"]

    stored = bot.evidence_dir / "2026" / BADUNG / "MP" / "MP-01" / "SK Tim Kerja ZI.pdf"
    assert stored.read_bytes() == content
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # no temporary left

    target = target_of(bot, "MP-01")
    with bot.db() as session:
        (row,) = session.scalars(select(BuktiDukung).where(BuktiDukung.target_id == target.id))
        assert row.sha256 == digest and row.size == len(content)
        assert row.path == "2026/5103/MP/MP-01/SK Tim Kerja ZI.pdf"
        assert (row.original_name, row.mime_type, row.channel) == (
            "SK Tim Kerja ZI.pdf",
            "application/pdf",
            "telegram",
        )
        assert row.uploaded_by_id == app_user(bot, agen).id
        evidence_id = row.id
    assert len(audit_rows(bot, "bukti", evidence_id)) == 1


# ---------------------------------------------------------------------- 6. /lapor keyboards


def test_lapor_without_arguments_uses_buttons(bot: Deployment) -> None:
    agen = bot.register("agen", name="Putu")
    chat = Chat.private(agen)
    assert target_of(bot, "TL-01").status == "belum"

    menu = bot.say(chat, agen, "/lapor")
    assert menu["text"] == texts.LAPOR_CHOOSE_ITEM.format(name=satker_name(BADUNG))
    assert "lapor:TL-01" in buttons(menu)
    sent_before = len(bot.api.sent(chat.id))
    edits_before = len(bot.api.edits(chat.id))

    bot.api.press_button(chat, agen, menu["message_id"], "lapor:TL-01")
    choose = bot.wait_for_edit(chat.id, edits_before)
    assert choose["message_id"] == menu["message_id"]
    assert choose["text"] == TELEGRAM.fill(
        texts.LAPOR_CHOOSE_STATUS,
        code="TL-01",
        activity=activity_of(bot, "TL-01"),
        status=texts.STATUS_LABELS["belum"],
    )
    assert buttons(choose) == ["lapor:TL-01:belum", "lapor:TL-01:proses", "lapor:TL-01:selesai"]

    bot.api.press_button(chat, agen, menu["message_id"], "lapor:TL-01:proses")
    done = bot.wait_for_edit(chat.id, edits_before + 1)
    expected = TELEGRAM.fill(
        texts.LAPOR_DONE,
        code="TL-01",
        activity=activity_of(bot, "TL-01"),
        old=texts.STATUS_LABELS["belum"],
        new=texts.STATUS_LABELS["proses"],
        note="",
    )
    assert done["text"] == expected
    message = bot.api.message(chat.id, menu["message_id"])
    assert "reply_markup" not in message  # the keyboard is gone once the choice is made
    assert message["text"].startswith("✅ TL-01 ")  # shown formatted, like every reply
    assert choose["parse_mode"] == done["parse_mode"] == "HTML"

    answers = bot.wait_until(
        lambda: len(bot.api.callback_answers) >= 2 and bot.api.callback_answers,
        "answer both button presses",
    )
    assert answers[-1].get("text") == texts.LAPOR_SAVED
    assert len(bot.api.sent(chat.id)) == sent_before  # edited in place, nothing new sent
    target = target_of(bot, "TL-01")
    assert target.status == "proses"
    assert len(audit_rows(bot, "lapor", target.id)) == 1


# ---------------------------------------------------------------------- 7. command menus


def test_command_menus_for_private_chats_and_groups(bot: Deployment) -> None:
    calls = bot.api.calls_of("setMyCommands")
    assert len(calls) == 2 * bot.starts  # once per start, not more
    first, second = calls[:2]
    assert first["scope"] == {"type": "all_private_chats"}
    assert second["scope"] == {"type": "all_group_chats"}
    private = [c["command"] for c in first["commands"]]
    group = [c["command"] for c in second["commands"]]
    assert {"progres", "tenggat", "rencana", "lapor", "bukti", "daftar", "bantuan"} <= set(private)
    assert {"progres", "tenggat", "rencana", "lapor", "bukti", "hubungkan", "bantuan"} <= set(group)
    assert "hubungkan" not in private and "daftar" not in group
    assert all(c["description"] for c in first["commands"] + second["commands"])


# ---------------------------------------------------------------------- 8. Bot API faults


def test_survives_bad_gateway_and_retries_after_429(bot: Deployment) -> None:
    agen = bot.register("agen", name="Gede")
    chat = Chat.private(agen)
    help_text = bot.say(chat, agen, "/bantuan")["text"]

    # 502 once: that reply is lost (PTB does not retry it), the bot apologises and lives on.
    failures = len(bot.api.failures)
    before = len(bot.api.sent(chat.id))
    bot.api.fail_next("sendMessage", 502)
    bot.api.send_text(chat, agen, "/bantuan")
    bot.wait_until(lambda: len(bot.api.failures) > failures, "meet the injected 502")
    assert failed_call(bot) == ("sendMessage", 502)
    bot.api.send_text(chat, agen, "/bantuan")

    def answered(since: int) -> list[str]:
        return [m["text"] for m in bot.api.sent(chat.id)[since:]]

    bot.wait_until(lambda: help_text in answered(before), "answer the command after the 502")
    assert answered(before) == [texts.ERROR_APOLOGY, help_text]  # the error handler apologised
    assert bot.running

    # 429 once: the rate limiter waits retry_after and sends again; exactly one copy arrives.
    attempts = len(bot.api.calls_of("sendMessage"))
    before = len(bot.api.sent(chat.id))
    bot.api.fail_next("sendMessage", 429, retry_after=1)
    first = bot.say(chat, agen, "/tenggat")
    assert failed_call(bot) == ("sendMessage", 429)
    bot.api.send_text(chat, agen, "/bantuan")  # handled after the first: a copy comes before
    bot.wait_until(lambda: help_text in answered(before), "answer the command after the 429")
    assert answered(before) == [first["text"], help_text]
    assert len(bot.api.calls_of("sendMessage")) == attempts + 3  # failed, retried, /bantuan
    assert bot.running


# ---------------------------------------------------------------------- 9. settings and secrets


def test_run_refuses_to_start_without_token_or_with_a_bad_api_url(bot: Deployment) -> None:
    no_token, bad_url = bot.cli_together(
        (("run",), {"ZIBOT_TELEGRAM_TOKEN": ""}),
        (("run",), {"ZIBOT_TELEGRAM_API_URL": "not-a-url"}),
        check=False,
    )
    assert no_token.returncode != 0
    lines = no_token.stderr.strip().splitlines()
    assert len(lines) == 1 and "ZIBOT_TELEGRAM_TOKEN" in lines[0], no_token.stderr
    assert no_token.stdout == ""

    assert bad_url.returncode != 0
    lines = bad_url.stderr.strip().splitlines()
    assert len(lines) == 1 and "ZIBOT_TELEGRAM_API_URL" in lines[0], bad_url.stderr
    assert bot.api.token not in bad_url.stderr + bad_url.stdout
    assert bot.running  # neither attempt disturbed the running bot


def test_a_rejected_token_is_not_printed(bot: Deployment) -> None:
    rejected = "654321:REVOKED-secret"
    bot.stop()  # SQLite allows one bot process; the next test's fixture starts it again
    result = bot.cli("run", check=False, ZIBOT_TELEGRAM_TOKEN=rejected)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "token" in output.lower(), output  # it failed on the token, not on anything else
    assert rejected not in output and "REVOKED-secret" not in output, output


# ---------------------------------------------------------------------- 10. restart


def test_restart_keeps_everything_in_the_database(bot: Deployment) -> None:
    agen = bot.register("agen", name="Kadek")
    group = bot.linked_group(agen)
    reported = bot.say(group, agen, f"{command('lapor')} AK-02 selesai")
    assert "AK-02" in reported["text"], reported["text"]
    before = bot.say(group, agen, command("progres"))
    assert re.search(r"^AK\s.*\s[1-4]/4$", shown(before), re.M), shown(before)

    assert bot.stop() == 0  # SIGTERM is a clean shutdown
    bot.restart_polling()

    sent_before = len(bot.api.sent(group.id))
    after = bot.say(group, agen, command("progres"))
    assert after["text"] == before["text"]  # same numbers, same day (the clock is frozen)
    assert target_of(bot, "AK-02").status == "selesai"
    # Updates handled before the restart were confirmed: nothing was answered twice.
    assert len(bot.api.sent(group.id)) == sent_before + 1


def test_a_file_answering_a_prompt_from_before_a_restart_is_not_ignored(bot: Deployment) -> None:
    agen = bot.register("agen", name="Dayu")
    group = bot.linked_group(agen)
    prompt = bot.say(group, agen, f"{command('bukti')} MP-03")
    assert bot.stop() == 0
    bot.restart_polling()

    document = bot.api.send_document(
        group,
        agen,
        "SK Agen Perubahan.pdf",
        b"%PDF-1.4 SK",
        reply_to_message_id=prompt["message_id"],
    )
    bot.say(group, agen, command("bantuan"))  # handled after the document
    document_id = document["message"]["message_id"]
    answers = [m for m in bot.api.sent(group.id) if m["reply_to_message_id"] == document_id]
    assert answers, "the bot said nothing to the file sent as a reply to its own prompt"


def test_the_token_never_reaches_the_log(bot: Deployment) -> None:
    """After a session that downloads a file (its URL carries the token) and logs an error."""
    agen = bot.register("agen", name="Luh")
    group = bot.linked_group(agen)
    prompt = bot.say(group, agen, f"{command('bukti')} PW-01")
    before = len(bot.api.sent(group.id))
    bot.api.send_photo(
        group, agen, b"\xff\xd8\xff\xe0 foto maklumat", reply_to_message_id=prompt["message_id"]
    )
    assert "PW-01" in bot.wait_for_message(group.id, before)["text"]
    failures = len(bot.api.failures)
    bot.api.fail_next("sendMessage", 502)
    bot.api.send_text(group, agen, command("tenggat"))
    bot.wait_until(lambda: len(bot.api.failures) > failures, "meet the injected 502")
    bot.api.send_text(group, agen, command("rencana"))
    plan_head = markup(texts.VIEW_PLAN_HEAD).split("{")[0]
    bot.api.wait_for(lambda m: m["chat_id"] == group.id and m["text"].startswith(plan_head))

    log = bot.log_text()
    assert f"@{BOT_USERNAME}" in log  # the bot did log (at DEBUG)
    assert "Error while handling an update" in log  # ... including the 502's traceback
    secret = bot.api.token.partition(":")[2]
    assert bot.api.token not in log and secret not in log
