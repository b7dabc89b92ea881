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
