"""Statuses as enums: what a target (an item for one satker) and a kendala ticket can be.

They are ``StrEnum``s, so the values stored in the database are the same words as before and a
member compares equal to its word. ``ItemStatus.SELESAI`` (the item is done) and
``TicketStatus.SELESAI`` (the ticket is closed) share a word but are different things.
"""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    """A target's progress."""

    BELUM = "belum"
    PROSES = "proses"
    SELESAI = "selesai"


class TicketStatus(StrEnum):
    """A kendala ticket's state."""

    BARU = "baru"
    DITANGGAPI = "ditanggapi"
    SELESAI = "selesai"  # closed by the province


class ReviewStatus(StrEnum):
    """A bukti dukung's review by the province (``bukti_dukung.review_status``)."""

    MENUNGGU = "menunggu"  # waiting for a reviewer
    DITERIMA = "diterima"  # accepted
    DITOLAK = "ditolak"  # rejected, with a reason


class ItemState(StrEnum):
    """An item's status as people read it: the reported progress, and for an item reported
    done, how far the province verified its evidence (never stored; see ``item_state``)."""

    BELUM = "belum"
    PROSES = "proses"
    SELESAI = "selesai"  # reported done; no evidence accepted yet (none, or only rejected)
    MENUNGGU_VERIFIKASI = "menunggu_verifikasi"  # reported done, evidence waiting for review
    TERVERIFIKASI = "terverifikasi"  # reported done, evidence accepted and none waiting


def item_state(status: str, *, waiting: int, accepted: int) -> ItemState:
    """The rule: an item is *terverifikasi* when it is reported selesai, at least one of its
    bukti was accepted and none waits for review; *menunggu verifikasi* when it is reported
    selesai and some bukti waits; otherwise its reported status. A rejected bukti counts for
    nothing (a new upload goes back into the queue)."""
    if status != ItemStatus.SELESAI:
        return ItemState(status)
    if waiting:
        return ItemState.MENUNGGU_VERIFIKASI
    if accepted:
        return ItemState.TERVERIFIKASI
    return ItemState.SELESAI
