"""The text of every short notice, composed once for every channel.

Each channel passes its own ``fill`` (Telegram: HTML with escaped values; WhatsApp: its marks,
values made literal), as the command replies in ``handlers.views`` take a ``Style``. Long
notices (digest, weekly recap) are split by each channel's presenter itself.
"""

from __future__ import annotations

from collections.abc import Callable

from services import notices, texts
from services.notices import Notice

Fill = Callable[..., str]


def notice_text(fill: Fill, n: Notice) -> str:
    """The one message of every notice but the long ones, in the channel's ``fill``."""
    if isinstance(n, notices.KendalaPost):
        return fill(
            texts.KENDALA_POST,
            number=n.number,
            satker=n.satker,
            reporter=n.reporter,
            item=n.item,
            category=n.category,
            description=n.description,
            when=n.when,
            reopened=texts.KENDALA_REOPENED_MARK if n.reopened else "",
        )
    if isinstance(n, notices.KendalaAttachment):
        return fill(texts.KENDALA_ATTACHMENT_CAPTION, number=n.number)
    if isinstance(n, notices.KendalaAnswer):
        return fill(
            texts.KENDALA_ANSWER,
            number=n.number,
            description=n.description,
            answer=n.answer,
            admin=n.admin,
        )
    if isinstance(n, notices.KendalaClosed):
        return fill(texts.KENDALA_CLOSED_NOTICE, number=n.number, days=n.days)
    if isinstance(n, notices.KendalaEscalation):
        return fill(
            texts.KENDALA_ESCALATION,
            number=n.number,
            satker=n.satker,
            days=n.days,
            description=n.description,
        )
    if isinstance(n, notices.KendalaOverdue):
        return fill(texts.KENDALA_PROVINCE_REMINDER, number=n.number, satker=n.satker, days=n.days)
    if isinstance(n, notices.InstruksiNotice):
        return fill(texts.INSTRUKSI_MESSAGE, number=n.number, text=n.text, admin=n.admin)
    if isinstance(n, notices.InstruksiAttachment):
        return fill(texts.INSTRUKSI_ATTACHMENT_CAPTION, number=n.number)
    if isinstance(n, notices.InstruksiReminder):
        return fill(texts.INSTRUKSI_REMINDER, number=n.number, text=n.text)
    if isinstance(n, notices.GroupLost):
        return fill(texts.GROUP_LOST_NOTICE, title=n.title, satker=n.satker, code=n.code)
    if isinstance(n, notices.TemplateRejected):
        return fill(texts.TEMPLATE_REJECTED_NOTICE, name=n.template, error=n.error)
    if isinstance(n, notices.EvidenceReviewed):
        values = {
            "item_code": n.item_code,
            "activity": n.activity,
            "satker": n.satker,
            "file_name": n.file_name,
            "reviewer": n.reviewer,
        }
        if n.accepted:
            verified = fill(texts.REVIEW_NOTICE_VERIFIED) if n.verified else ""
            if n.lke_proposals:
                verified += fill(texts.REVIEW_NOTICE_LKE, proposals=n.lke_proposals)
            return fill(texts.REVIEW_NOTICE_ACCEPTED, **values) + verified
        return fill(texts.REVIEW_NOTICE_REJECTED, reason=n.reason, **values)
    if isinstance(n, notices.ReviewRequest):
        again = fill(texts.REVIEW_REQUEST_AGAIN, count=n.rejected_before)
        return fill(
            texts.REVIEW_REQUEST,
            item_code=n.item_code,
            activity=n.activity,
            satker=n.satker,
            expected=n.expected or texts.REVIEW_EXPECTED_NONE,
            file_name=n.file_name,
            size_kb=n.size_kb,
            uploader=n.uploader,
            when=n.when,
        ) + (again if n.rejected_before else "")
    raise ValueError(f"no rendering for notice {n.kind!r}")
