"""Who may read and write what, from which chat: every access rule of the use cases.

A ``Caller`` is who asks from which chat. The scopes answer "for which satker": reading (any
linked group, registered people in private), writing progress and bukti (agen of the satker,
admins), reporting kendala (any registered member, for their satker), and the admin-only acts
(answering and closing tickets, broadcasting and following instructions).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from services import catalog, members, texts
from services.errors import ZibotError
from services.members import ChatScope, Member, SatkerRef

PROVINCE_WORDS = ("provinsi", "prov", "province")
ALL_WORDS = ("semua", "all", "peringkat")


@dataclass(frozen=True)
class Caller:
    """Who is asking, from which chat."""

    channel: str
    chat_id: str
    is_private: bool
    user_id: str
    user_name: str = ""


class NotRegistered(ZibotError):
    """The person has not registered with an invite code."""

    def __init__(self) -> None:
        super().__init__(texts.NOT_REGISTERED)


class Forbidden(ZibotError):
    """The person's role does not allow this here."""


class NotLinked(ZibotError):
    """The group is not linked to a satker yet."""

    def __init__(self) -> None:
        super().__init__(texts.GROUP_NOT_LINKED)


class LinkInactive(ZibotError):
    """The bot was removed from the group since it was linked; /hubungkan restores the link."""

    def __init__(self, scope: ChatScope) -> None:
        name, argument = texts.GROUP_PROVINCE_LABEL, "provinsi"
        if scope.satker is not None:
            name, argument = scope.satker.name, scope.satker.code
        super().__init__(texts.GROUP_LINK_INACTIVE.format(name=name, argument=argument))


def member(session: Session, caller: Caller) -> Member:
    """The registered person behind the caller; ``NotRegistered`` otherwise."""
    found = members.find_member(session, caller.channel, caller.user_id)
    if found is None:
        raise NotRegistered()
    return found


def admin(session: Session, caller: Caller, refusal: str) -> Member:
    """The caller, who must be an admin (checked before any lookup: no hint what exists)."""
    person = member(session, caller)
    if not person.is_admin:
        raise Forbidden(refusal)
    return person


def group_scope(session: Session, caller: Caller) -> ChatScope:
    """What the caller's group is linked to; refused when it is not (or no longer) linked."""
    scope = members.chat_scope(session, caller.channel, caller.chat_id)
    if scope is None:
        raise NotLinked()
    if not scope.active:
        raise LinkInactive(scope)
    return scope


def read_scope(session: Session, caller: Caller, argument: str) -> SatkerRef | None:
    """The satker to show, or None for every satker (the ranking / whole plan).

    In a linked group anyone may read; in private only registered users. An argument names
    a satker (or ``semua``); without one a satker group means its satker, the province
    group and admins mean everyone, others their own satker.
    """
    wanted = argument.strip()
    if caller.is_private:
        person = member(session, caller)
        default = None if person.may_review else person.satker  # the province sees all
    else:
        default = group_scope(session, caller).satker
    if not wanted:
        return default
    if wanted.lower() in ALL_WORDS:
        return None
    return SatkerRef.of(catalog.find_satker(session, wanted))


def write_scope(session: Session, caller: Caller) -> tuple[Member, SatkerRef]:
    """Who writes progress or bukti, for which satker: the group's satker, or the member's
    own in private; agen for their satker, admins for any."""
    person = member(session, caller)
    if caller.is_private:
        satker = person.satker
    else:
        scope = group_scope(session, caller)
        if scope.satker is None:
            raise ZibotError(texts.WRITE_NOT_IN_PROVINCE_GROUP)
        satker = scope.satker
    if not members.may_report(person, satker):
        if person.role == members.PIMPINAN:
            raise Forbidden(texts.FORBIDDEN_PIMPINAN)
        if person.role == members.VERIFIKATOR:
            raise Forbidden(texts.REVIEW_FORBIDDEN_WRITE)
        raise Forbidden(texts.FORBIDDEN_OTHER_SATKER.format(name=satker.name))
    return person, satker


def report_scope(session: Session, caller: Caller) -> tuple[Member, SatkerRef]:
    """Kendala: any registered member, for their satker (in private or its group)."""
    person = member(session, caller)
    if caller.is_private:
        return person, person.satker
    scope = group_scope(session, caller)
    if scope.satker is None:
        raise ZibotError(texts.WRITE_NOT_IN_PROVINCE_GROUP)
    if not person.is_admin and person.satker.id != scope.satker.id:
        raise Forbidden(texts.FORBIDDEN_OTHER_SATKER.format(name=scope.satker.name))
    return person, scope.satker


def reviewer(session: Session, caller: Caller) -> Member:
    """Who reviews bukti dukung: admins (the province) and verifikator, in any chat; an agen
    or a pimpinan is refused (before any lookup: no hint what waits)."""
    person = member(session, caller)
    if not person.may_review:
        raise Forbidden(texts.REVIEW_FORBIDDEN)
    return person


def may_snooze(person: Member, satker_id: int) -> None:
    """ "Ingatkan besok": admins anywhere, others for their own satker's targets."""
    if not person.is_admin and person.satker.id != satker_id:
        raise Forbidden(texts.SNOOZE_FORBIDDEN)


def may_press(session: Session, caller: Caller, who: str, refusal: str | None) -> None:
    """The authorisation of a button press, by the rule its kind declares
    (``services.actions.KINDS``); refused with the rule's text, or with ``refusal``."""
    if who == "anyone":
        return
    if who == "admin_quietly":  # strangers hear the refusal too: no hint they could register
        found = members.find_member(session, caller.channel, caller.user_id)
        if found is None or not found.is_admin:
            raise Forbidden(refusal or texts.BUTTON_INVALID)
        return
    if who == "member":
        member(session, caller)
    elif who == "admin":
        admin(session, caller, refusal or texts.BUTTON_INVALID)
    elif who == "writer":
        write_scope(session, caller)
    elif who == "reviewer":
        reviewer(session, caller)
    else:
        raise ValueError(f"unknown press rule {who!r}")


PACK_ROLES = (members.ADMIN, members.AGEN)
PACK_REVIEWER = "verifikator"  # the province's evidence reviewers build any satker's pack


def pack_scope(session: Session, caller: Caller, argument: str) -> SatkerRef:
    """Whose evidence pack the caller may build: a satker's admin or agen builds their own
    satker's (the group's satker, or their own in private); only the province (an admin of a
    province or national satker) builds the pack of another satker, named in ``argument``."""
    person = member(session, caller)
    wanted = argument.strip()
    if wanted:
        satker = SatkerRef.of(catalog.find_satker(session, wanted))
    elif caller.is_private:
        satker = person.satker
    else:
        scope = group_scope(session, caller)
        if scope.satker is None:
            raise ZibotError(texts.PACK_NAME_SATKER)
        satker = scope.satker
    province = person.role in (members.ADMIN, PACK_REVIEWER) and person.satker.level != "kabkota"
    if province:
        return satker
    if person.role not in PACK_ROLES:
        raise Forbidden(texts.PACK_FORBIDDEN_ROLE)
    if satker.id != person.satker.id:
        raise Forbidden(texts.PACK_FORBIDDEN_OTHER.format(name=satker.name))
    return satker
