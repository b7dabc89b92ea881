"""Replies to commands, composed once for every channel from the templates in ``services.texts``.

Each function takes the channel's ``Style``: the style turns the templates' neutral marks
(``**bold**``, ``__italic__``, `` `code` ``, ```` ```block``` ````) into the channel's formatting
and escapes the values it fills in, so Telegram (HTML) and WhatsApp (its own marks) share every
sentence and every layout. Nothing here knows a chat library.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

from services import bounds, texts
from services.evidence import StoredEvidence
from services.formatting import bar, persen, tanggal, waktu
from services.instruksi import InstruksiStatus
from services.kendala import CATEGORIES, TicketView
from services.members import ChatScope, Member, Registration
from services.progress import TargetLine
from services.tracking import ItemTarget, StatusChange
from services.usecases.bukti import EvidenceSlot
from services.usecases.linking import IssuedLinkCode, LinkedAccount, channel_label
from services.usecases.progress import (
    DeadlineReport,
    ItemSummary,
    PlanReport,
    RankingReport,
    SatkerReport,
)

MAX_LISTED = 15


class Markup(str):
    """Text already in a channel's formatting (e.g. a filled template): ``Style.fill`` puts it
    in as it is, where it escapes every other text value."""


class Style(Protocol):
    """How one channel formats text."""

    max_text: int  # the longest message the channel takes (longer replies are split)

    def fill(self, template: str, **values: object) -> str:
        """The template's marks in the channel's formatting, its fields filled with the values
        (text values escaped, ``Markup`` kept as it is)."""

    def plain(self, text: object) -> str:
        """Text without marks (a refusal, something a person wrote), safe for the channel."""


def lines(*parts: str | Iterable[str] | None) -> str:
    """Join message parts (strings or lists of lines), skipping empty ones."""
    result: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, str):
            result.append(part)
        else:
            result.extend(part)
    return "\n".join(result)


def refusal(style: Style, exc: BaseException) -> str:
    """A refused request's Indonesian reason, as the channel shows plain text."""
    return style.plain(exc)


# --- progress, deadlines, plan ---------------------------------------------------------------


def _days_left(tenggat: date, today: date) -> str:
    days = (tenggat - today).days
    if days == 0:
        return texts.DAYS_TODAY
    if days < 0:
        return texts.DAYS_LATE.format(days=-days)
    return texts.DAYS_LEFT.format(days=days)


def _line(style: Style, line: TargetLine, today: date) -> str:
    return style.fill(
        texts.VIEW_ITEM_LINE,
        code=line.item_code,
        activity=line.activity,
        tenggat=tanggal(line.tenggat),
        when=_days_left(line.tenggat, today),
    )


def _limited(style: Style, rendered: list[str]) -> list[str]:
    if len(rendered) <= MAX_LISTED:
        return rendered
    hidden = len(rendered) - MAX_LISTED
    return [*rendered[:MAX_LISTED], style.fill(texts.VIEW_AND_MORE, count=hidden)]


def _overdue_head(style: Style, count: int) -> str:
    if count:
        return style.fill(texts.VIEW_OVERDUE_HEAD, count=count)
    return style.fill(texts.VIEW_NO_OVERDUE)


def satker_progress(style: Style, report: SatkerReport) -> str:
    """/progres for one satker: overall, a bar per area, overdue items, next three tenggat."""
    p = report.progress
    areas = [
        style.fill(
            texts.VIEW_AREA_LINE,
            code=a.area_code.ljust(3),
            bar=bar(a.percent),
            percent=persen(a.percent).rjust(4),
            done=a.done,
            total=a.total,
        )
        for a in p.areas
        if a.total
    ]
    overdue = [_line(style, t, report.today) for t in report.overdue]
    upcoming = [_line(style, t, report.today) for t in report.upcoming]
    return lines(
        style.fill(
            texts.VIEW_PROGRESS_HEAD, name=p.satker_name, code=p.satker_code, year=report.year
        ),
        style.fill(
            texts.VIEW_PROGRESS_TOTAL,
            percent=persen(p.percent),
            bar=bar(p.percent),
            done=p.done,
            total=p.total,
        ),
        "",
        style.fill(texts.VIEW_PROGRESS_AREAS),
        style.fill(texts.VIEW_AREA_TABLE, rows=Markup("\n".join(areas))),
        "",
        _overdue_head(style, len(overdue)),
        _limited(style, overdue),
        "",
        style.fill(texts.VIEW_NEXT_HEAD if upcoming else texts.VIEW_NO_UPCOMING),
        upcoming,
        "",
        style.fill(texts.VIEW_AS_OF, date=tanggal(report.today)),
    )


def ranking(style: Style, report: RankingReport) -> str:
    """/progres for the province: every satker ranked."""
    rows = [
        style.fill(
            texts.VIEW_RANK_LINE,
            rank=position,
            name=p.satker_name,
            percent=persen(p.percent),
            bar=bar(p.percent),
            overdue=p.overdue,
        )
        for position, p in enumerate(report.ranking, start=1)
    ]
    return lines(
        style.fill(texts.VIEW_RANK_HEAD, year=report.year),
        rows or [style.fill(texts.VIEW_RANK_EMPTY)],
        "",
        style.fill(texts.VIEW_AS_OF, date=tanggal(report.today)),
    )


def _summary_line(style: Style, item: ItemSummary, today: date) -> str:
    return style.fill(
        texts.VIEW_PLAN_ITEM_LINE,
        code=item.item_code,
        activity=item.activity,
        tenggat=tanggal(item.tenggat),
        when=_days_left(item.tenggat, today),
        done=item.done,
        total=item.total,
    )


def deadlines(style: Style, report: DeadlineReport) -> str:
    """/tenggat: due in the next 14 days and overdue."""
    if report.satker is None:
        due = [_summary_line(style, i, report.today) for i in report.plan_due]
        late = [_summary_line(style, i, report.today) for i in report.plan_overdue]
        head = style.fill(texts.VIEW_DEADLINE_HEAD_PLAN, year=report.year)
    else:
        due = [_line(style, t, report.today) for t in report.due]
        late = [_line(style, t, report.today) for t in report.overdue]
        head = style.fill(texts.VIEW_DEADLINE_HEAD, name=report.satker.name, year=report.year)
    return lines(
        head,
        "",
        style.fill(texts.VIEW_DUE_HEAD if due else texts.VIEW_NO_DUE, days=report.days),
        _limited(style, due),
        "",
        _overdue_head(style, len(late)),
        _limited(style, late),
        "",
        style.fill(texts.VIEW_AS_OF, date=tanggal(report.today)),
    )


def plan(style: Style, report: PlanReport) -> str:
    """/rencana: items grouped by area with their status."""
    out: list[str] = []
    if report.satker is None:
        out.append(style.fill(texts.VIEW_PLAN_HEAD_ALL, year=report.year))
        area = None
        for item in report.items:
            if item.area_code != area:
                area = item.area_code
                out += ["", style.fill(texts.VIEW_AREA_NAME, area=area)]
            out.append(
                style.fill(
                    texts.VIEW_PLAN_ALL_LINE,
                    code=item.item_code,
                    activity=item.activity,
                    tenggat=tanggal(item.tenggat),
                    done=item.done,
                    total=item.total,
                )
            )
    else:
        out.append(style.fill(texts.VIEW_PLAN_HEAD, name=report.satker.name, year=report.year))
        area = None
        for line in report.lines:
            if line.area_code != area:
                area = line.area_code
                out += ["", style.fill(texts.VIEW_AREA_NAME, area=area)]
            late = line.overdue(report.today)
            evidence = (
                style.fill(texts.VIEW_EVIDENCE_COUNT, count=line.evidence_count)
                if line.evidence_count
                else ""
            )
            out.append(
                style.fill(
                    texts.VIEW_PLAN_LINE,
                    icon=texts.STATUS_ICONS["terlambat" if late else line.status],
                    code=line.item_code,
                    activity=line.activity,
                    tenggat=tanggal(line.tenggat),
                    status=texts.STATUS_LABELS[line.status],
                    evidence=Markup(evidence),
                )
            )
    if len(out) == 1:
        out.append(style.fill(texts.VIEW_PLAN_EMPTY))
    return "\n".join(out)


# --- membership ------------------------------------------------------------------------------


def help_text(style: Style, member: Member | None, is_private: bool) -> str:
    """/bantuan: what this person can do in this kind of chat."""
    parts = [style.fill(texts.HELP_HEAD)]
    if member is None:
        parts.append(
            style.fill(texts.HELP_NOT_REGISTERED if is_private else texts.HELP_GROUP_ANYONE)
        )
    else:
        parts.append(
            style.fill(
                texts.HELP_WHO,
                name=member.name,
                role=texts.ROLE_LABELS[member.role],
                satker=member.satker.name,
            )
        )
    parts.append(style.fill(texts.HELP_READ))
    if member is not None and member.role in ("agen", "admin"):
        parts.append(style.fill(texts.HELP_WRITE))
    if not is_private and member is not None and member.role in ("agen", "admin"):
        parts.append(style.fill(texts.HELP_LINK))
    if is_private and member is not None:
        parts.append(style.fill(texts.HELP_TAUTKAN))
    parts.append(style.fill(texts.HELP_FOOT))
    return "\n\n".join(parts)


def greeting(style: Style, member: Member | None) -> str:
    """/start in a private chat: welcome a newcomer, greet a registered person."""
    if member is None:
        return style.fill(texts.START_NEW)
    return style.fill(
        texts.START_KNOWN,
        name=member.name,
        role=texts.ROLE_LABELS[member.role],
        satker=member.satker.name,
    )


def registered(style: Style, result: Registration) -> str:
    """/daftar KODE: registered now, or already."""
    member = result.member
    return style.fill(
        texts.DAFTAR_ALREADY if result.already else texts.DAFTAR_DONE,
        name=member.name,
        role=texts.ROLE_LABELS[member.role],
        satker=member.satker.name,
    )


def linked(style: Style, scope: ChatScope) -> str:
    """/hubungkan: which satker (or the province) this group now belongs to."""
    if scope.satker is None:
        return style.fill(texts.LINKED_PROVINCE)
    return style.fill(texts.LINKED_SATKER, name=scope.satker.name, code=scope.satker.code)


def group_returned(style: Style, scope: ChatScope | None) -> str:
    """The bot was added to a group: how to link it, or to link it again."""
    if scope is None:
        return style.fill(texts.GROUP_BOT_ADDED)
    if scope.satker is None:
        return style.fill(
            texts.GROUP_BOT_RETURNED, name=texts.GROUP_PROVINCE_LABEL, argument="provinsi"
        )
    name = Markup(style.fill(texts.GROUP_SATKER_NAME, name=scope.satker.name))
    return style.fill(texts.GROUP_BOT_RETURNED, name=name, argument=scope.satker.code)


def link_code(style: Style, issued: IssuedLinkCode, shown_on: str) -> str:
    """/tautkan: the code, and how to send it from the other channel."""
    template = (
        texts.LINK_CODE_FOR_WHATSAPP if shown_on == "telegram" else texts.LINK_CODE_FOR_TELEGRAM
    )
    return style.fill(template, code=issued.code, minutes=issued.minutes)


def account_linked(style: Style, linked: LinkedAccount) -> str:
    """/tautkan KODE: this account now belongs to that person (or did already)."""
    member = linked.member
    return style.fill(
        texts.LINK_ALREADY if linked.already else texts.LINK_DONE,
        channel=channel_label(linked.channel),
        name=member.name,
        role=texts.ROLE_LABELS[member.role],
        satker=member.satker.name,
    )


# --- lapor and bukti -------------------------------------------------------------------------


def lapor_choose_item(style: Style, satker_name: str, any_open: bool) -> str:
    """/lapor without arguments: the prompt above the item buttons (or: nothing is open)."""
    template = texts.LAPOR_CHOOSE_ITEM if any_open else texts.LAPOR_NOTHING_OPEN
    return style.fill(template, name=satker_name)


def lapor_choose_status(style: Style, item: ItemTarget) -> str:
    """The prompt above the status buttons of one item."""
    return style.fill(
        texts.LAPOR_CHOOSE_STATUS,
        code=item.item_code,
        activity=item.activity,
        status=texts.STATUS_LABELS[item.status],
    )


def lapor_done(style: Style, change: StatusChange) -> str:
    """An item's status changed: from what to what, with the note."""
    note = style.fill(texts.LAPOR_NOTE, note=change.note) if change.note else ""
    return style.fill(
        texts.LAPOR_DONE,
        code=change.item.item_code,
        activity=change.item.activity,
        old=texts.STATUS_LABELS[change.old_status],
        new=texts.STATUS_LABELS[change.new_status],
        note=Markup(note),
    )


def bukti_ask(style: Style, slot: EvidenceSlot) -> str:
    """/bukti KODE: ask for the file."""
    return style.fill(texts.BUKTI_SEND_FILE, code=slot.item_code, activity=slot.activity)


def bukti_stored(style: Style, stored: StoredEvidence) -> str:
    """A file was filed as bukti dukung."""
    return style.fill(
        texts.BUKTI_STORED,
        code=stored.item_code,
        name=stored.file_name,
        size=f"{stored.size / 1024:.0f} KB",
        sha=stored.sha256[:12],
    )


# --- kendala ---------------------------------------------------------------------------------


def kendala_list(style: Style, tickets: list[TicketView]) -> str:
    """/kendala daftar: the open tickets the caller may see, oldest first."""
    if not tickets:
        return style.fill(texts.KENDALA_LIST_EMPTY)
    rows = [style.fill(texts.KENDALA_LIST_HEAD, count=len(tickets))]
    rows += [
        style.fill(
            texts.KENDALA_LIST_LINE,
            number=t.number,
            satker=t.satker_name,
            category=t.category,
            status=texts.KENDALA_STATUS_LABELS[t.status],
            age=t.age_working_days,
            description=bounds.excerpt(t.description, 120),
        )
        for t in tickets
    ]
    return "\n".join(rows)


def kendala_choose_item(style: Style, area: str) -> str:
    """The prompt above the item buttons of one area."""
    return style.fill(texts.KENDALA_CHOOSE_ITEM, area=area)


def kendala_choose_category(style: Style, item_label: str, chosen: str | None = None) -> str:
    """The prompt above the category buttons; with ``chosen``, the category picked."""
    text = style.fill(texts.KENDALA_CHOOSE_CATEGORY, item=item_label)
    if chosen is None:
        return text
    return text + style.fill(texts.KENDALA_CATEGORY_CHOSEN, category=CATEGORIES.get(chosen, chosen))


def kendala_confirm(
    style: Style, item_label: str, category: str, description: str, attachment: str | None
) -> str:
    """The draft to check before it is sent to the province."""
    return style.fill(
        texts.KENDALA_CONFIRM,
        item=item_label,
        category=CATEGORIES.get(category, category),
        description=description,
        attachment=attachment or texts.KENDALA_NO_ATTACHMENT,
    )


# --- instruksi -------------------------------------------------------------------------------


def instruksi_status(style: Style, status: InstruksiStatus, tz: ZoneInfo) -> str:
    """Per satker and structure: ✅ who confirmed (when), ⏳ who has not."""
    out = [
        style.fill(
            texts.INSTRUKSI_STATUS_HEAD,
            number=status.number,
            date=tanggal(status.created_at.astimezone(tz).date()),
            text=bounds.excerpt(status.text, 300),
        )
    ]
    done = missing = 0
    for satker in status.satkers:
        out.append(style.fill(texts.INSTRUKSI_STATUS_SATKER, satker=satker.satker_name))
        if not satker.people:
            out.append(style.fill(texts.INSTRUKSI_STATUS_NONE))
        for person in sorted(satker.people, key=lambda p: (p.structure or "~", p.name)):
            confirmed = person.confirmed_at is not None
            done += confirmed
            missing += not confirmed
            out.append(
                style.fill(
                    texts.INSTRUKSI_STATUS_LINE,
                    icon="✅" if confirmed else "⏳",
                    name=person.name,
                    structure=texts.STRUCTURE_LABELS.get(person.structure, person.structure),
                    when=f" — {waktu(person.confirmed_at, tz)}" if person.confirmed_at else "",
                )
            )
    out.append(
        style.fill(
            texts.INSTRUKSI_STATUS_FOOT,
            done=done,
            missing=missing,
            others=status.other_confirmations,
        )
    )
    return "\n".join(out)
