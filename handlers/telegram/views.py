"""Render the use cases' results as Telegram HTML, from the templates in ``services.texts``."""

from __future__ import annotations

from datetime import date

from handlers.telegram.common import e, lines
from services import texts
from services.formatting import bar, persen, tanggal
from services.members import Member
from services.progress import TargetLine
from services.zi import DeadlineReport, ItemSummary, PlanReport, RankingReport, SatkerReport

MAX_LISTED = 15


def _days_left(tenggat: date, today: date) -> str:
    days = (tenggat - today).days
    if days == 0:
        return texts.DAYS_TODAY
    if days < 0:
        return texts.DAYS_LATE.format(days=-days)
    return texts.DAYS_LEFT.format(days=days)


def _line(line: TargetLine, today: date) -> str:
    return texts.TG_ITEM_LINE.format(
        code=e(line.item_code),
        activity=e(line.activity),
        tenggat=tanggal(line.tenggat),
        when=_days_left(line.tenggat, today),
    )


def _limited(rendered: list[str]) -> list[str]:
    if len(rendered) <= MAX_LISTED:
        return rendered
    hidden = len(rendered) - MAX_LISTED
    return [*rendered[:MAX_LISTED], texts.TG_AND_MORE.format(count=hidden)]


def satker_progress(report: SatkerReport) -> str:
    """/progres for one satker: overall, a bar per area, overdue items, next three tenggat."""
    p = report.progress
    areas = [
        texts.TG_AREA_LINE.format(
            code=e(a.area_code.ljust(3)),
            bar=bar(a.percent),
            percent=persen(a.percent).rjust(4),
            done=a.done,
            total=a.total,
        )
        for a in p.areas
        if a.total
    ]
    overdue = [_line(t, report.today) for t in report.overdue]
    upcoming = [_line(t, report.today) for t in report.upcoming]
    return lines(
        texts.TG_PROGRESS_HEAD.format(
            name=e(p.satker_name), code=e(p.satker_code), year=report.year
        ),
        texts.TG_PROGRESS_TOTAL.format(
            percent=persen(p.percent), bar=bar(p.percent), done=p.done, total=p.total
        ),
        "",
        texts.TG_PROGRESS_AREAS,
        "<pre>" + "\n".join(areas) + "</pre>",
        "",
        texts.TG_OVERDUE_HEAD.format(count=len(overdue)) if overdue else texts.TG_NO_OVERDUE,
        _limited(overdue),
        "",
        texts.TG_NEXT_HEAD if upcoming else texts.TG_NO_UPCOMING,
        upcoming,
        "",
        texts.TG_AS_OF.format(date=tanggal(report.today)),
    )


def ranking(report: RankingReport) -> str:
    """/progres for the province: every satker ranked."""
    rows = [
        texts.TG_RANK_LINE.format(
            rank=position,
            name=e(p.satker_name),
            percent=persen(p.percent),
            bar=bar(p.percent),
            overdue=p.overdue,
        )
        for position, p in enumerate(report.ranking, start=1)
    ]
    return lines(
        texts.TG_RANK_HEAD.format(year=report.year),
        rows or [texts.TG_RANK_EMPTY],
        "",
        texts.TG_AS_OF.format(date=tanggal(report.today)),
    )


def _summary_line(item: ItemSummary, today: date) -> str:
    return texts.TG_PLAN_ITEM_LINE.format(
        code=e(item.item_code),
        activity=e(item.activity),
        tenggat=tanggal(item.tenggat),
        when=_days_left(item.tenggat, today),
        done=item.done,
        total=item.total,
    )


def deadlines(report: DeadlineReport) -> str:
    """/tenggat: due in the next 14 days and overdue."""
    if report.satker is None:
        due = [_summary_line(i, report.today) for i in report.plan_due]
        late = [_summary_line(i, report.today) for i in report.plan_overdue]
        head = texts.TG_DEADLINE_HEAD_PLAN.format(year=report.year)
    else:
        due = [_line(t, report.today) for t in report.due]
        late = [_line(t, report.today) for t in report.overdue]
        head = texts.TG_DEADLINE_HEAD.format(name=e(report.satker.name), year=report.year)
    return lines(
        head,
        "",
        texts.TG_DUE_HEAD.format(days=report.days)
        if due
        else texts.TG_NO_DUE.format(days=report.days),
        _limited(due),
        "",
        texts.TG_OVERDUE_HEAD.format(count=len(late)) if late else texts.TG_NO_OVERDUE,
        _limited(late),
        "",
        texts.TG_AS_OF.format(date=tanggal(report.today)),
    )


def plan(report: PlanReport) -> str:
    """/rencana: items grouped by area with their status."""
    out: list[str] = []
    if report.satker is None:
        out.append(texts.TG_PLAN_HEAD_ALL.format(year=report.year))
        area = None
        for item in report.items:
            if item.area_code != area:
                area = item.area_code
                out += ["", f"<b>{e(area)}</b>"]
            out.append(
                texts.TG_PLAN_ALL_LINE.format(
                    code=e(item.item_code),
                    activity=e(item.activity),
                    tenggat=tanggal(item.tenggat),
                    done=item.done,
                    total=item.total,
                )
            )
    else:
        out.append(texts.TG_PLAN_HEAD.format(name=e(report.satker.name), year=report.year))
        area = None
        for line in report.lines:
            if line.area_code != area:
                area = line.area_code
                out += ["", f"<b>{e(area)}</b>"]
            late = line.overdue(report.today)
            out.append(
                texts.TG_PLAN_LINE.format(
                    icon=texts.STATUS_ICONS["terlambat" if late else line.status],
                    code=e(line.item_code),
                    activity=e(line.activity),
                    tenggat=tanggal(line.tenggat),
                    status=texts.STATUS_LABELS[line.status],
                    evidence=texts.TG_EVIDENCE_COUNT.format(count=line.evidence_count)
                    if line.evidence_count
                    else "",
                )
            )
    if len(out) == 1:
        out.append(texts.TG_PLAN_EMPTY)
    return "\n".join(out)


def help_text(member: Member | None, is_private: bool) -> str:
    """/bantuan: what this person can do in this kind of chat."""
    parts = [texts.HELP_HEAD]
    if member is None:
        parts.append(texts.HELP_NOT_REGISTERED if is_private else texts.HELP_GROUP_ANYONE)
    else:
        parts.append(
            texts.HELP_WHO.format(
                name=e(member.name),
                role=texts.ROLE_LABELS[member.role],
                satker=e(member.satker.name),
            )
        )
    parts.append(texts.HELP_READ)
    if member is not None and member.role in ("agen", "admin"):
        parts.append(texts.HELP_WRITE)
        parts.append(e(texts.HELP_LKE))
    if not is_private and member is not None and member.role in ("agen", "admin"):
        parts.append(texts.HELP_LINK)
    parts.append(texts.HELP_FOOT)
    return "\n\n".join(parts)
