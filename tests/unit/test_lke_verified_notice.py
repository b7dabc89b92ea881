"""The outcome notice of an accepted bukti that completes a Ya/Tidak LKE question offers the
proposed answer, on both channels; it survives the outbox's JSON."""

from __future__ import annotations

from handlers.telegram.presenter import TelegramPresenter
from handlers.whatsapp.notices import WhatsAppNoticePresenter
from services import notices

OFFER = "Jawaban LKE kini diusulkan: MP.P1.a → Ya, RB.P2.b → Ya. Ketik /lke"


def accepted(proposals: str) -> notices.EvidenceReviewed:
    return notices.EvidenceReviewed(
        "Badung", "MP-01", "SK", "sk.pdf", True, "", "Ayu", True, lke_proposals=proposals
    )


def test_the_proposal_rides_on_the_outcome_notice() -> None:
    notice = accepted("MP.P1.a → Ya, RB.P2.b → Ya")
    assert notices.load(notices.dump(notice)) == notice
    for presenter in (TelegramPresenter(), WhatsAppNoticePresenter()):
        [shown] = presenter.render(notice)
        assert OFFER in shown.text
        [plain] = presenter.render(accepted(""))
        assert "Jawaban LKE" not in plain.text
    # A notice stored before the field existed still loads.
    old = (
        '{"kind": "evidence_reviewed", "params": {"satker": "B", "item_code": "MP-01", '
        '"activity": "SK", "file_name": "sk.pdf", "accepted": true, "reason": "", '
        '"reviewer": "Ayu", "verified": true}}'
    )
    loaded = notices.load(old)
    assert isinstance(loaded, notices.EvidenceReviewed) and loaded.lke_proposals == ""
