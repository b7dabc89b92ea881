"""``Zibot``: every use case of the application, for the chat adapters, in one object.

The use cases live by feature in ``services.usecases`` (membership, linking of accounts,
progress, lapor, bukti, kendala and its drafts, instruksi), each with its own queries; who may
do what is ``services.access``. This class only puts them together over one database, one clock
and one evidence folder, so that a handler reaches any use case through ``context.zi``. Nothing is
implemented here.
"""

from __future__ import annotations

from services.access import Caller, Forbidden, LinkInactive, NotLinked, NotRegistered
from services.usecases.bukti import Bukti, EvidenceSlot
from services.usecases.delivery import Deliveries
from services.usecases.drafts import Drafts
from services.usecases.instruksi import Instruksis
from services.usecases.kendala import Kendalas
from services.usecases.lapor import Lapor
from services.usecases.linking import IssuedLinkCode, LinkedAccount, Linking
from services.usecases.membership import Membership
from services.usecases.progress import (
    DEADLINE_DAYS,
    DeadlineReport,
    ItemSummary,
    PlanReport,
    Progress,
    RankingReport,
    SatkerReport,
)

__all__ = [
    "DEADLINE_DAYS",
    "Caller",
    "DeadlineReport",
    "EvidenceSlot",
    "Forbidden",
    "IssuedLinkCode",
    "ItemSummary",
    "LinkInactive",
    "LinkedAccount",
    "NotLinked",
    "NotRegistered",
    "PlanReport",
    "RankingReport",
    "SatkerReport",
    "Zibot",
]


class Zibot(Membership, Linking, Progress, Lapor, Bukti, Kendalas, Drafts, Instruksis, Deliveries):
    """The application's use cases over one database and one clock (see the feature classes)."""
