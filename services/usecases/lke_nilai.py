"""/progres nilai (the projected LKE score of a satker, or every satker ranked) and the hasil
inputs admins enter in chat (/lke hasil 5103 ipak=3.62 ipkp=3.41 capaian=B)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import LkeVersion, Satker
from services import access, catalog, texts
from services.access import Caller
from services.errors import ZibotError
from services.lke import assessment as lke
from services.lke.assessment import AwaitingVerification, Proposal, RankedSatker, SatkerLke
from services.lke.scoring import HasilValue
from services.usecases.base import UseCase


@dataclass(frozen=True)
class LkeRanking:
    """Every satker by projected total, with the minimums each misses."""

    year: int
    lines: list[RankedSatker]


@dataclass(frozen=True)
class Offered:
    """After /lapor: the answers an item's report proposes (every linked item selesai and
    terverifikasi), and those that wait for the verification of bukti dukung."""

    proposals: list[Proposal]
    awaiting: list[AwaitingVerification]


@dataclass(frozen=True)
class HasilSaved:
    """Hasil inputs recorded for a satker's year."""

    satker: str
    year: int
    values: dict[str, HasilValue]
    names: dict[str, str]


class LkeNilai(UseCase):
    """The projection against the WBK/WBBM minimums, and the hasil inputs."""

    def lke_projection(self, caller: Caller, argument: str = "") -> SatkerLke | LkeRanking:
        """/progres nilai [satker]: the group's (or named) satker, or in the province group
        (and for admins in private) every satker ranked."""
        with self._sessions() as session:
            ref = access.read_scope(session, caller, argument)
            lke.latest_version(session)
            year = lke.lke_year(session, self.today())
            if ref is None:
                return LkeRanking(year, lke.ranking(session, year))
            satker = session.get(Satker, ref.id)
            assert satker is not None
            return lke.load_satker(session, satker, year)

    def lke_proposals(self, caller: Caller, item_code: str) -> Offered:
        """After /lapor: the Ya/Tidak questions this item serves whose linked items are now all
        selesai and terverifikasi, proposed for the agen to confirm, and those whose linked
        items are all selesai but wait for the verification of their bukti dukung (nothing
        when no worksheet is loaded)."""
        with self._sessions() as session:
            _, ref = access.write_scope(session, caller)
            if session.scalar(select(LkeVersion.id).limit(1)) is None:
                return Offered([], [])
            satker = session.get(Satker, ref.id)
            assert satker is not None
            state = lke.load_satker(session, satker, lke.lke_year(session, self.today()))
            wanted = item_code.strip().upper()
            return Offered(
                [p for p in state.proposals if wanted in (i.upper() for i in p.items)],
                [x for x in state.awaiting_verification if wanted in (i.upper() for i in x.items)],
            )

    def lke_hasil(self, caller: Caller, satker: str, pairs: list[str]) -> HasilSaved:
        """An admin enters hasil inputs: ``ipak=3.62 ipkp=3.41 capaian=B`` (the same
        validation as ``zibot lke hasil``)."""
        with self._sessions.begin() as session:
            admin = access.admin(session, caller, texts.LKE_HASIL_ADMIN_ONLY)
            if not satker.strip() or not pairs:
                raise ZibotError(texts.LKE_HASIL_USAGE)
            values = _values(pairs)
            target = catalog.find_satker(session, satker)
            year = lke.lke_year(session, self.today())
            saved = lke.record_hasil(
                session, satker=target, year=year, values=values, now=self.now(),
                actor=caller.user_name or admin.name, actor_id=admin.id,
            )  # fmt: skip
            names = _names(session, target, year)
            return HasilSaved(target.name, year, saved, names)


def _values(pairs: list[str]) -> dict[str, str]:
    """``ipak=3,62`` words as hasil codes and raw values; a clear refusal for anything else."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or not value.strip():
            raise ZibotError(texts.LKE_HASIL_PAIR_BAD.format(value=pair))
        code = texts.LKE_HASIL_CLI_CODES.get(key, key)
        values[code] = value.strip()
    return values


def _names(session: Session, satker: Satker, year: int) -> dict[str, str]:
    ws = lke.load_satker(session, satker, year).worksheet
    return {h.code: h.name for h in ws.hasil}
