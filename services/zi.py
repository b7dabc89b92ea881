"""``Zibot``: every use case of the application, for the chat adapters, in one object.

The use cases live by feature in ``services.usecases`` (membership, linking of accounts,
progress, lapor, bukti, kendala and its drafts, instruksi, review of evidence, evidence packs
and examples, the LKE walk and projection), each with its own queries; who may do what is
``services.access``. This class only puts them together over one database, one clock and one
evidence folder, built once by the composition root; a handler reaches only the feature it
serves, typed as that feature (``context.lapor``, ``context.kendala`` ... in the Telegram
channel). Nothing is implemented here.
"""

from __future__ import annotations

from services.access import Caller, Forbidden, LinkInactive, NotLinked, NotRegistered
from services.usecases.bukti import Bukti, EvidenceSlot
from services.usecases.contoh import Contoh, ExampleDocument, ExamplesReport, SharingState
from services.usecases.delivery import Deliveries
from services.usecases.drafts import Drafts
from services.usecases.instruksi import Instruksis
from services.usecases.kendala import Kendalas
from services.usecases.lapor import Lapor
from services.usecases.linking import IssuedLinkCode, LinkedAccount, Linking
from services.usecases.lke import Lke
from services.usecases.lke_nilai import LkeNilai
from services.usecases.membership import Membership
from services.usecases.paket import BuiltPack, PackTooBig, Paket
from services.usecases.progress import (
    DEADLINE_DAYS,
    DeadlineReport,
    ItemSummary,
    PlanReport,
    Progress,
    RankingReport,
    SatkerReport,
)
from services.usecases.review import Review

__all__ = [
    "DEADLINE_DAYS",
    "BuiltPack",
    "Caller",
    "DeadlineReport",
    "EvidenceSlot",
    "ExampleDocument",
    "ExamplesReport",
    "Forbidden",
    "IssuedLinkCode",
    "ItemSummary",
    "LinkInactive",
    "LinkedAccount",
    "NotLinked",
    "NotRegistered",
    "PackTooBig",
    "PlanReport",
    "RankingReport",
    "SatkerReport",
    "SharingState",
    "Zibot",
]


class Zibot(
    Membership,
    Linking,
    Progress,
    Lapor,
    Bukti,
    Kendalas,
    Drafts,
    Instruksis,
    Review,
    Paket,
    Contoh,
    Lke,
    LkeNilai,
    Deliveries,
):
    """The application's use cases over one database and one clock (see the feature classes)."""
