"""The WhatsApp private chat: parse the message, call one use case, present the reply.

Commands are words (``progres``, ``/Progres``, ``LAPOR MP-01``); choices are reply buttons, a
list message or a numbered list (``presenter.choose``); a press, a list row and a number all
arrive here as the same payload. Open steps (the /kendala draft, the bukti prompt, a numbered
list) live in the database through the same use cases as Telegram's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, ParamSpec, TypeVar

from handlers import views
from handlers.whatsapp import presenter
from handlers.whatsapp.cloud import CloudPort
from handlers.whatsapp.features import Features
from handlers.whatsapp.presenter import WHATSAPP, Choice, Reply, fill
from handlers.whatsapp.words import is_greeting, parse_command, parse_number
from services import actions, bounds, texts
from services.errors import ZibotError
from services.evidence import check_upload
from services.formatting import tanggal
from services.kendala import CATEGORIES, Attachment
from services.status import ItemStatus
from services.tracking import STATUSES
from services.usecases.bukti import BUKTI_PROMPT
from services.usecases.choices import CHOICE, Choices
from services.usecases.drafts import DRAFT
from services.usecases.identity_moves import IdentityMoves
from services.usecases.lke import LKE_WALK
from services.zi import Caller, EvidenceSlot, RankingReport, Zibot

CHANNEL = "whatsapp"
BUKTI_ITEM = "wb"  # a payload of our own: "wb:<item code>" opens the bukti prompt for an item
log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


async def run(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a (blocking, database) use case off the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


@dataclass(frozen=True)
class Media:
    """A document or photo someone sent, before it is downloaded."""

    media_id: str
    name: str
    mime_type: str | None


@dataclass(frozen=True)
class Incoming:
    """One thing a person sent, as plain data: text (or a caption), a press, a file."""

    message_id: str
    user_id: str
    user_name: str
    text: str = ""
    payload: str | None = None
    media: Media | None = None
    unsupported: bool = False
    phone: str | None = None  # the phone number, when WhatsApp also gave a business-scoped id


class WhatsAppChat:
    """Every WhatsApp command and step, over the use cases and the Cloud API port."""

    def __init__(
        self,
        zi: Zibot,
        choices: Choices,
        cloud: CloudPort,
        kick: Callable[[], None] | None = None,
        ids: IdentityMoves | None = None,
    ) -> None:
        self.zi = zi
        self.ids = ids
        self.choices = choices
        self.cloud = cloud
        # Wakes the reminder engine: a new ticket is posted to the province now, not at the
        # next periodic sweep.
        self.kick = kick or (lambda: None)
        self.features = Features(self)

    # ------------------------------------------------------------------ entry point

    async def handle(self, incoming: Incoming) -> None:
        """Answer one incoming message; a refusal is told to the person, plainly."""
        caller = Caller(
            channel=CHANNEL,
            chat_id=incoming.user_id,
            is_private=True,
            user_id=incoming.user_id,
            user_name=incoming.user_name,
        )
        if self.ids is not None and incoming.phone and incoming.phone != incoming.user_id:
            # Registered by phone number before WhatsApp gave business-scoped ids: same person.
            await run(self.ids.move_identity, CHANNEL, incoming.phone, incoming.user_id)
        # The person wrote: their 24-hour window opens before anything is answered (a "Lihat
        # detail" press queues a message the outbox may send at once), and after a
        # registration, which creates the identity.
        noted = await run(self.zi.note_inbound, CHANNEL, incoming.user_id)
        try:
            await self._route(caller, incoming)
        except ZibotError as exc:
            await self.say(caller, presenter.text_reply(WHATSAPP.refusal(exc)))
        if not noted:
            await run(self.zi.note_inbound, CHANNEL, incoming.user_id)

    async def identity_changed(self, old_id: str, new_id: str) -> None:
        """WhatsApp announced a new phone number or business-scoped id: the account follows
        (nothing is sent; the person writes from the new id next)."""
        if self.ids is None:
            return
        if await run(self.ids.move_identity, CHANNEL, old_id, new_id):
            log.info("A WhatsApp identity moved to its new id")

    async def say(self, caller: Caller, reply: Reply) -> None:
        """Send a reply; a numbered list is remembered so that the answer is understood."""
        if reply.numbered:
            await run(self.choices.offer, caller, list(reply.numbered))
        for message in reply.messages:
            await self.cloud.send(caller.chat_id, message)

    async def text(self, caller: Caller, text: str) -> None:
        """Send a text (already in WhatsApp formatting), split when long."""
        await self.say(caller, presenter.text_reply(text))

    async def _route(self, caller: Caller, incoming: Incoming) -> None:
        # WhatsApp lets a person send up to 65,536 characters: refused with the length, never
        # cut (the same bound as a Telegram message).
        bounds.check_text(incoming.text, texts.INPUT_WHAT_MESSAGE)
        if incoming.payload is not None:
            await self.press(caller, incoming.payload)
            return
        if incoming.media is not None:
            await self.file(caller, incoming)
            return
        if incoming.unsupported:
            await self.text(caller, fill(texts.WA_UNSUPPORTED))
            return
        command = parse_command(incoming.text)
        open_step = await run(self.choices.open_kind, caller)
        if Features.asks_reason(open_step) and not Features.leaves_reason(incoming.text, command):
            # The reason of a rejection, even when it starts with a command word ("Daftar
            # hadir belum ditandatangani"); only "batal" or a "/word" leaves it.
            await self.features.review_reason(caller, incoming.text)
            return
        if (
            open_step is not None
            and open_step == (DRAFT, "text")
            and not Features.leaves_reason(incoming.text, command)
        ):
            # The kendala's description, even when it starts with a command word ("Daftar
            # hadir belum ditandatangani"); only "batal" or a "/word" leaves the draft.
            await self.kendala_text(caller, "text", incoming.text)
            return
        if command is not None:
            await self.command(caller, command.name, command.rest, incoming)
            return
        if Features.asks_number(open_step) and await self.features.lke_number(
            caller, incoming.text
        ):
            return  # the walk's persen question takes any number typed ("12,5" too)
        number = parse_number(incoming.text)
        if number is not None:
            payload = await run(self.choices.pick, caller, number)
            if payload is None:
                await self.text(caller, fill(texts.WA_NUMBER_UNKNOWN, number=number))
                return
            await self.press(caller, payload)
            return
        if open_step is not None and open_step[0] == DRAFT:
            # Any text is the description when it is asked for ("Selamat pagi, kami ..." too).
            await self.kendala_text(caller, open_step[1], incoming.text)
            return
        if (
            open_step is not None
            and open_step[0] == BUKTI_PROMPT
            and not is_greeting(incoming.text)
        ):
            await self.text(caller, fill(texts.BUKTI_WRONG_KIND))
            return
        await self.text(caller, _menu())

    async def command(self, caller: Caller, name: str, rest: str, incoming: Incoming) -> None:
        """A command word and what follows it."""
        if name == "batal":
            await self.batal(caller)
            return
        # A new command leaves a numbered list offered before (a /kendala draft stays).
        await run(self.choices.end_choice, caller)
        if name == "daftar":
            await self.daftar(caller, rest)
        elif name == "progres":
            await self.progres(caller, rest)
        elif name == "tenggat":
            report = await run(self.zi.deadlines, caller, rest)
            await self.text(caller, views.deadlines(WHATSAPP, report))
        elif name == "rencana":
            plan = await run(self.zi.plan, caller, rest)
            await self.text(caller, views.plan(WHATSAPP, plan))
        elif name == "lapor":
            await self.lapor(caller, rest)
        elif name == "bukti":
            await self.bukti(caller, rest)
        elif name == "kendala":
            await self.kendala(caller, rest)
        elif name == "tautkan":
            await self.tautkan(caller, rest)
        elif name == "lke":
            await self.features.lke(caller, rest)
        elif name == "contoh":
            await self.features.contoh(caller, rest)
        elif name == "berbagi":
            await self.features.berbagi(caller, rest)
        elif name == "verifikasi":
            await self.features.verifikasi(caller, rest)
        else:  # bantuan
            await self.bantuan(caller)

    # ------------------------------------------------------------------ registration, reading

    async def daftar(self, caller: Caller, code: str) -> None:
        """``daftar KODE``: the same registration as Telegram's /daftar."""
        result = await run(self.zi.register, caller, code)
        await self.text(caller, views.registered(WHATSAPP, result))

    async def tautkan(self, caller: Caller, code: str) -> None:
        """``tautkan KODE``: this WhatsApp becomes the account of the person who asked for the
        code (on Telegram); ``tautkan``: a code to link a Telegram account to this person."""
        if code.strip():
            linked = await run(self.zi.redeem_link_code, CHANNEL, caller.user_id, code.strip())
            await self.text(caller, views.account_linked(WHATSAPP, linked))
            return
        issued = await run(self.zi.issue_link_code, caller)
        await self.text(caller, views.link_code(WHATSAPP, issued, CHANNEL))

    async def progres(self, caller: Caller, argument: str) -> None:
        """``progres [satker|semua]`` (``grafik``, a Telegram chart, is answered as text)."""
        if argument.lower().startswith("grafik"):
            argument = argument[len("grafik") :].strip()
        first, _, after = argument.partition(" ")
        if first.lower() == "nilai":
            await self.features.progres_nilai(caller, after.strip())
            return
        report = await run(self.zi.progress, caller, argument)
        if isinstance(report, RankingReport):
            await self.text(caller, views.ranking(WHATSAPP, report))
        else:
            await self.text(caller, views.satker_progress(WHATSAPP, report))

    async def bantuan(self, caller: Caller) -> None:
        """``bantuan``: the menu, and who the person is."""
        member = await run(self.zi.member, caller)
        head = _menu()
        if member is None:
            await self.text(caller, f"{head}\n\n{fill(texts.HELP_NOT_REGISTERED)}")
            return
        who = fill(
            texts.HELP_WHO,
            name=member.name,
            role=texts.ROLE_LABELS[member.role],
            satker=member.satker.name,
        )
        await self.text(caller, f"{head}\n\n{who}")

    async def batal(self, caller: Caller) -> None:
        """``batal``: leave whatever step is open (a staged kendala file is removed)."""
        open_step = await run(self.choices.open_kind, caller)
        if open_step is None:
            await self.text(caller, fill(texts.BATAL_NOTHING))
            return
        kind = open_step[0]
        if kind == DRAFT:
            await self._forget_draft(caller)
        elif kind == BUKTI_PROMPT:
            await run(self.zi.bukti_end, caller)
        elif kind == CHOICE:
            await run(self.choices.end_choice, caller)
        elif kind == LKE_WALK:
            await run(self.zi.lke_stop, caller)
        elif Features.asks_reason(open_step):
            await self.features.review_cancel(caller)
            return
        await self.text(caller, fill(texts.BATAL_DONE))

    # ------------------------------------------------------------------ presses

    async def press(self, caller: Caller, payload: str) -> None:
        """A reply button, a list row or a number: the payload it stands for."""
        prefix = payload.partition(":")[0]
        if prefix == BUKTI_ITEM:
            await self.bukti(caller, payload.partition(":")[2])
            return
        try:
            action = actions.decode(payload)
        except actions.BadAction as exc:
            log.info("WhatsApp press refused: %s", exc.reason)
            await self.text(caller, fill(texts.WA_BUTTON_GONE))
            return
        if action.prefix == actions.KENDALA:
            await self.kendala_press(caller, action)
            return
        await run(self.zi.authorise_press, caller, action)
        if action.prefix == actions.LKE:
            await self.features.lke_press(caller, action)
            return
        if action.prefix == actions.REVIEW:
            await self.features.review_press(caller, action)
            return
        if action.prefix == actions.EXAMPLE_FILE:
            assert action.id is not None
            await self.features.example_file(caller, action.id)
            return
        if action.prefix in (actions.LAPOR, actions.REMINDER_DONE):
            assert action.code is not None
            if action.word is None:
                await self.lapor(caller, action.code)
            else:
                await self._report(caller, action.code, action.word, None)
        elif action.prefix == actions.REMINDER_SNOOZE:
            assert action.id is not None
            code, until = await run(self.zi.snooze, caller, action.id)
            await self.text(caller, fill(texts.SNOOZED, code=code, date=tanggal(until)))
        elif action.prefix == actions.WHATSAPP_DETAIL:
            assert action.id is not None
            detail = await run(self.zi.window_detail, caller, action.id)
            if detail.queued:
                self.kick()  # the full message follows through the outbox
            elif detail.reason == "gone":
                await self.text(caller, fill(texts.WA_DETAIL_GONE))
            else:
                await self.text(caller, fill(texts.WA_DETAIL_NOT_YOURS))
        elif action.prefix == actions.INSTRUKSI_READ:
            assert action.id is not None
            number, already = await run(self.zi.instruksi_confirm, caller, action.id)
            template = texts.INSTRUKSI_ALREADY if already else texts.INSTRUKSI_CONFIRMED
            await self.text(caller, fill(template, number=number))
        else:  # kt/ks: the province answers tickets in its Telegram group
            await self.text(caller, fill(texts.WA_BUTTON_GONE))

    # ------------------------------------------------------------------ lapor

    async def lapor(self, caller: Caller, rest: str) -> None:
        """``lapor`` (choose an item), ``lapor KODE`` (choose a status), ``lapor KODE STATUS
        [catatan]`` (done)."""
        args = rest.split(None, 2)
        if not args:
            satker, items = await run(self.zi.open_items, caller)
            if not items:
                await self.text(caller, views.lapor_choose_item(WHATSAPP, satker.name, False))
                return
            choices = [
                Choice(
                    actions.lapor_item(i.item_code),
                    i.item_code,
                    bounds.excerpt(i.activity, presenter.MAX_ROW_DESCRIPTION),
                )
                for i in items
            ]
            await self.say(
                caller, self._choose(views.lapor_choose_item(WHATSAPP, satker.name, True), choices)
            )
            return
        if len(args) == 1:
            item = await run(self.zi.item, caller, args[0])
            body = views.lapor_choose_status(WHATSAPP, item)
            choices = [
                Choice(actions.lapor_status(item.item_code, s), texts.STATUS_LABELS[s])
                for s in STATUSES
            ]
            await self.say(caller, self._choose(body, choices))
            return
        note = args[2].strip() if len(args) > 2 else None
        await self._report(caller, args[0], args[1], note or None)

    async def _report(self, caller: Caller, code: str, status: str, note: str | None) -> None:
        change = await run(self.zi.report, caller, code, status, note)
        await self.text(caller, views.lapor_done(WHATSAPP, change))
        if change.new_status == ItemStatus.SELESAI:
            await self.features.offer_proposals(caller, change.item.item_code)

    @staticmethod
    def _choose(body: str, choices: list[Choice]) -> Reply:
        return presenter.choose(
            body, choices, button=texts.WA_LIST_BUTTON, number_hint=texts.WA_NUMBER_HINT
        )

    # ------------------------------------------------------------------ bukti

    async def bukti(self, caller: Caller, code: str) -> None:
        """``bukti`` (choose an item) or ``bukti KODE``: then the file is awaited."""
        code = code.strip()
        if not code:
            satker, items = await run(self.zi.open_items, caller)
            if not items:
                await self.text(caller, views.lapor_choose_item(WHATSAPP, satker.name, False))
                return
            choices = [
                Choice(
                    f"{BUKTI_ITEM}:{i.item_code}",
                    i.item_code,
                    bounds.excerpt(i.activity, presenter.MAX_ROW_DESCRIPTION),
                )
                for i in items
            ]
            body = fill(texts.WA_BUKTI_CHOOSE_ITEM, name=satker.name)
            await self.say(caller, self._choose(body, choices))
            return
        slot = await run(self.zi.evidence_slot, caller, code)
        await run(self.zi.bukti_prompt_sent, caller, slot, "")
        await self.text(
            caller, fill(texts.WA_BUKTI_SEND_FILE, code=slot.item_code, activity=slot.activity)
        )

    async def file(self, caller: Caller, incoming: Incoming) -> None:
        """A document or photo: bukti (by its caption, or for the open prompt) or the
        attachment of a /kendala draft."""
        media = incoming.media
        assert media is not None
        caption = incoming.text.strip()
        command = parse_command(caption) if caption else None
        if command is not None and command.name == "bukti" and command.rest:
            named = await run(self.zi.evidence_slot, caller, command.rest.split()[0])
            await self._store(caller, named, media)
            return
        open_step = await run(self.choices.open_kind, caller)
        if open_step is not None and open_step[0] == DRAFT:
            await self.kendala_file(caller, open_step[1], media)
            return
        if caption and command is None:
            caption_slot = await self._slot_of_caption(caller, caption.split()[0])
            if caption_slot is not None:
                await self._store(caller, caption_slot, media)
                return
        slot = await run(self.zi.bukti_open, caller)
        if slot is None:
            await self.text(caller, fill(texts.WA_BUKTI_USAGE))
            return
        await self._store(caller, slot, media)

    async def _slot_of_caption(self, caller: Caller, code: str) -> EvidenceSlot | None:
        """The item a caption names, when it names one this person may file for."""
        if not code:
            return None
        try:
            return await run(self.zi.evidence_slot, caller, code)
        except ZibotError:
            open_prompt = await run(self.zi.bukti_open, caller)
            if open_prompt is not None:  # a caption that is just a remark
                return None
            raise

    async def _fetch(self, media: Media) -> bytes:
        """Size and type checked from the media's metadata before anything is downloaded."""
        try:
            info = await self.cloud.media_info(media.media_id)
        except Exception as exc:  # an expired media id, the Cloud API unreachable
            log.warning("No metadata for WhatsApp media %s: %s", media.media_id, exc)
            raise ZibotError(texts.WA_MEDIA_UNKNOWN) from None
        mime = info.mime_type or media.mime_type
        check_upload(media.name, mime, info.size)
        try:
            data = await self.cloud.download(info)
        except Exception as exc:
            log.warning("Could not fetch WhatsApp media %s: %s", media.media_id, exc)
            raise ZibotError(texts.WA_MEDIA_UNKNOWN) from None
        check_upload(media.name, mime, len(data))
        return data

    async def _store(self, caller: Caller, slot: EvidenceSlot, media: Media) -> None:
        data = await self._fetch(media)
        stored = await run(self.zi.store_evidence, caller, slot, data, media.name, media.mime_type)
        await self.text(caller, views.bukti_stored(WHATSAPP, stored))

    # ------------------------------------------------------------------ kendala

    async def kendala(self, caller: Caller, rest: str) -> None:
        """``kendala`` (a new report), ``kendala daftar``, ``kendala buka NOMOR``."""
        args = rest.split()
        if args:
            word = args[0].lower()
            if word == "daftar":
                await self._kendala_list(caller)
            elif word == "buka" and len(args) >= 2:
                number = await run(self.zi.kendala_reopen, caller, args[1])
                self.kick()
                await self.text(caller, fill(texts.KENDALA_REOPENED, number=number))
            else:
                await self.text(caller, fill(texts.KENDALA_SUBCOMMAND_UNKNOWN))
            return
        _, areas = await run(self.zi.kendala_scope, caller)
        await self._forget_draft(caller)
        await run(self.zi.draft_save, caller, "item", _draft(areas=areas))
        choices = [Choice(actions.kendala_area(code), code, name[:72]) for code, name in areas]
        choices.append(
            Choice(actions.kendala_step("umum"), texts.KENDALA_BUTTON_GENERAL,
                   texts.WA_GENERAL_DESCRIPTION)
        )  # fmt: skip
        await self.say(caller, self._choose(fill(texts.WA_KENDALA_CHOOSE_AREA), choices))

    async def _kendala_list(self, caller: Caller) -> None:
        tickets = await run(self.zi.kendala_list, caller)
        await self.text(caller, views.kendala_list(WHATSAPP, tickets))

    async def _draft(self, caller: Caller) -> tuple[str, dict[str, Any]] | None:
        return await run(self.zi.draft, caller)

    async def _forget_draft(self, caller: Caller) -> None:
        data = await run(self.zi.draft_end, caller)
        if data is not None:
            self.zi.discard_attachment(_attachment(data))

    async def kendala_press(self, caller: Caller, action: actions.Action) -> None:
        """A choice inside the /kendala draft."""
        found = await self._draft(caller)
        if found is None:
            await self.text(caller, fill(texts.WA_KENDALA_EXPIRED))
            return
        step, data = found
        if action.step == "area" and action.code is not None:
            items = await run(self.zi.kendala_items, caller, action.code)
            choices = [
                Choice(
                    actions.kendala_item(i.target_id, i.item_code),
                    i.item_code,
                    bounds.excerpt(i.activity, presenter.MAX_ROW_DESCRIPTION),
                )
                for i in items
            ]
            choices.append(
                Choice(actions.kendala_step("umum"), texts.KENDALA_BUTTON_GENERAL,
                       texts.WA_GENERAL_DESCRIPTION)
            )  # fmt: skip
            await run(self.zi.draft_save, caller, "item", data)
            body = views.kendala_choose_item(WHATSAPP, action.code)
            await self.say(caller, self._choose(body, choices))
            return
        if action.step in ("item", "umum"):
            if action.step == "item" and action.id is not None and action.code is not None:
                data = {**data, "target_id": action.id, "item_label": action.code}
            else:
                data = {**data, "target_id": None, "item_label": texts.KENDALA_GENERAL}
            await run(self.zi.draft_save, caller, "category", data)
            choices = [
                Choice(actions.kendala_category(key), label) for key, label in CATEGORIES.items()
            ]
            body = views.kendala_choose_category(WHATSAPP, str(data["item_label"]))
            await self.say(caller, self._choose(body, choices))
            return
        if action.step == "cat" and action.word is not None:
            await run(self.zi.draft_save, caller, "text", {**data, "category": action.word})
            await self.text(caller, fill(texts.WA_KENDALA_ASK_TEXT))
            return
        if action.step == "skip" and step == "file":
            await run(self.zi.draft_save, caller, "confirm", data)
            await self._kendala_confirm(caller, data)
            return
        if action.step == "cancel":
            await self._forget_draft(caller)
            await self.text(caller, fill(texts.BATAL_DONE))
            return
        if action.step == "send" and step == "confirm":
            await self._kendala_send(caller, data)
            return
        await self.text(caller, fill(texts.WA_BUTTON_GONE))

    async def kendala_text(self, caller: Caller, step: str, text: str) -> None:
        """Text while a /kendala draft is open: the description, when it is asked for."""
        if step != "text":
            expected = (
                texts.WA_KENDALA_EXPECT_FILE if step == "file" else texts.WA_KENDALA_EXPECT_CHOICE
            )
            await self.text(caller, fill(texts.WA_KENDALA_WRONG_STEP, expected=expected))
            return
        found = await self._draft(caller)
        if found is None:
            await self.text(caller, fill(texts.WA_KENDALA_EXPIRED))
            return
        description = text.strip()
        bounds.check_text(description, texts.INPUT_WHAT_KENDALA)
        await run(self.zi.draft_save, caller, "file", {**found[1], "description": description})
        skip = Choice(actions.kendala_step("skip"), texts.KENDALA_BUTTON_SKIP)
        await self.say(caller, self._choose(fill(texts.WA_KENDALA_ASK_ATTACHMENT), [skip]))

    async def kendala_file(self, caller: Caller, step: str, media: Media) -> None:
        """A photo or document for the /kendala draft (at the attachment step)."""
        if step != "file":
            expected = (
                texts.WA_KENDALA_EXPECT_TEXT if step == "text" else texts.WA_KENDALA_EXPECT_CHOICE
            )
            await self.text(caller, fill(texts.WA_KENDALA_WRONG_STEP, expected=expected))
            return
        found = await self._draft(caller)
        if found is None:
            await self.text(caller, fill(texts.WA_KENDALA_EXPIRED))
            return
        data = await self._fetch(media)
        attachment = await run(
            self.zi.save_attachment, "kendala", data, media.name, media.mime_type
        )
        self.zi.discard_attachment(_attachment(found[1]))  # a second file replaces the first
        draft = {**found[1], "attachment": _attachment_data(attachment)}
        await run(self.zi.draft_save, caller, "confirm", draft)
        await self._kendala_confirm(caller, draft)

    async def _kendala_confirm(self, caller: Caller, data: dict[str, Any]) -> None:
        attachment = _attachment(data)
        category = str(data.get("category", ""))
        body = views.kendala_confirm(
            WHATSAPP,
            str(data.get("item_label", texts.KENDALA_GENERAL)),
            category,
            str(data.get("description", "")),
            attachment.name if attachment else None,
        )
        choices = [
            Choice(actions.kendala_step("send"), texts.KENDALA_BUTTON_SEND),
            Choice(actions.kendala_step("cancel"), texts.KENDALA_BUTTON_CANCEL),
        ]
        await self.say(caller, self._choose(body, choices))

    async def _kendala_send(self, caller: Caller, data: dict[str, Any]) -> None:
        target = data.get("target_id")
        try:
            number, linked = await run(
                self.zi.kendala_submit,
                caller,
                target_id=int(target) if target is not None else None,
                category=str(data.get("category", "")),
                description=str(data.get("description", "")),
                attachment=_attachment(data),
            )
        finally:
            await run(self.zi.draft_end, caller)  # the file is the ticket's now, or removed
        self.kick()
        template = texts.KENDALA_SAVED if linked else texts.KENDALA_SAVED_WAITING
        await self.text(caller, fill(template, number=number))


def _menu() -> str:
    """The menu: the words of the first round and those of the assessors' features."""
    return fill(f"{texts.WA_MENU}\n{texts.WA_MENU_ASSESSMENT}")


def _draft(areas: list[tuple[str, str]]) -> dict[str, Any]:
    """A new /kendala draft, in the shape Telegram's drafts have."""
    return {
        "target_id": None,
        "item_label": texts.KENDALA_GENERAL,
        "category": "",
        "description": "",
        "attachment": None,
        "areas": [list(pair) for pair in areas],
    }


def _attachment_data(attachment: Attachment) -> dict[str, Any]:
    return asdict(attachment)


def _attachment(data: dict[str, Any]) -> Attachment | None:
    found = data.get("attachment")
    return Attachment(**found) if isinstance(found, dict) else None
