"""Command replies are composed once (``handlers.views``) and said by each channel's ``Style``:
the Telegram style gives HTML with escaped values, another style (here a WhatsApp-like one with
its own marks and no escaping) gets the same sentences with its own formatting."""

from __future__ import annotations

import re
from datetime import date

from handlers import views
from handlers.telegram.presenter import TELEGRAM, markup
from handlers.views import Markup, Style
from services import texts
from services.members import Member, SatkerRef
from services.progress import AreaProgress, SatkerProgress, TargetLine
from services.usecases.progress import SatkerReport

TODAY = date(2026, 11, 27)
BADUNG = SatkerRef(3, "5103", "KPU Kab. <Badung> & Co", "kabkota")


class WhatsAppLike:
    """A second channel: *bold*, _italic_, ```monospace```, nothing to escape."""

    max_text = 4096

    def fill(self, template: str, **values: object) -> str:
        text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", template, flags=re.DOTALL)
        text = re.sub(r"__(.+?)__", r"_\1_", text, flags=re.DOTALL)
        return text.format(**values)

    def plain(self, text: object) -> str:
        return str(text)


def report() -> SatkerReport:
    line = TargetLine(1, "MP-01", "MP", "Tim <kerja> & SK", "SK", date(2026, 11, 20), "proses",
                      None, None)  # fmt: skip
    progress = SatkerProgress(
        BADUNG.code, BADUNG.name, BADUNG.level, (AreaProgress("MP", "Manajemen", 5, 2, 1, 1),)
    )
    return SatkerReport(2026, TODAY, progress, [line], [])


def test_the_telegram_style_turns_marks_into_html_and_escapes_values_only() -> None:
    assert (
        markup("**a** __b__ `c` ```d\ne```") == "<b>a</b> <i>b</i> <code>c</code> <pre>d\ne</pre>"
    )
    assert TELEGRAM.fill("**{x}** {y} {n}", x="<a&b>", y=Markup("<i>ok</i>"), n=3) == (
        "<b>&lt;a&amp;b&gt;</b> <i>ok</i> 3"
    )
    assert TELEGRAM.fill("{x}", x='"kutip"') == '"kutip"'  # replies never quoted (as before)
    assert TELEGRAM.plain("1 < 2 & 3") == "1 &lt; 2 &amp; 3"


def test_the_same_reply_in_two_channels() -> None:
    styles: list[Style] = [TELEGRAM, WhatsAppLike()]
    html, wa = (views.satker_progress(style, report()) for style in styles)
    assert html.splitlines()[0] == (
        "<b>Kemajuan ZI KPU Kab. &lt;Badung&gt; &amp; Co</b> (5103) · rencana aksi 2026"
    )
    assert wa.splitlines()[0] == "*Kemajuan ZI KPU Kab. <Badung> & Co* (5103) · rencana aksi 2026"
    assert "<pre>MP  ████░░░░░░  40% 2/5</pre>" in html
    assert "```MP  ████░░░░░░  40% 2/5```" in wa
    assert "• *MP-01* Tim <kerja> & SK — 20 Nov 2026 (terlambat 7 hari)" in wa
    assert "• <b>MP-01</b> Tim &lt;kerja&gt; &amp; SK — 20 Nov 2026 (terlambat 7 hari)" in html
    assert wa.endswith("_Per 27 Nov 2026_") and html.endswith("<i>Per 27 Nov 2026</i>")

    member = Member(7, "Ana <A>", "agen", BADUNG)
    for style in styles:
        parts = views.help_text(style, member, is_private=True).split("\n\n")
        assert parts[0] == style.fill(texts.HELP_HEAD)
        assert style.fill(texts.HELP_WRITE) in parts
    assert "Ana &lt;A&gt;" in views.help_text(TELEGRAM, member, True)
    assert "Ana <A>" in views.help_text(WhatsAppLike(), member, True)
