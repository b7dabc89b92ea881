"""The LKE replies (/lke walk, /progres nilai, /lke hasil), composed once for every channel.

Each function takes the channel's ``fill(template, **values)``: it turns the templates' marks
(``**bold**``, ``__italic__``) into the channel's formatting and escapes the values. Lines are
filled one by one and joined, so no value is ever escaped twice. Nothing here knows a chat
library.
"""

from __future__ import annotations

from collections.abc import Callable

from services import texts
from services.lke.assessment import AwaitingVerification, LinkedItem, Proposal, SatkerLke
from services.lke.render import angka, projection_lines
from services.lke.walk import AreaDone, Card, Menu
from services.usecases.lke_nilai import HasilSaved, LkeRanking

Fill = Callable[..., str]


def _plain(fill: Fill, line: str) -> str:
    """A line without marks, escaped for the channel."""
    return fill("{line}", line=line)


def _status(item: LinkedItem) -> str:
    """The linked item's state after the evidence review, or "tidak berlaku"."""
    if item.state is None:
        return texts.LKE_REPORT_ITEM_NOT_APPLICABLE
    return texts.ITEM_STATE_LABELS.get(item.state, item.state)


def _awaiting(fill: Fill, rows: list[tuple[str, str, tuple[str, ...]]]) -> list[str]:
    """The answers not proposed yet: every linked item selesai, some bukti not verified."""
    if not rows:
        return []
    return ["", fill(texts.LKE_AWAITING_HEAD)] + [
        fill(texts.LKE_AWAITING_LINE, code=code, choice=choice, count=len(items),
             items=", ".join(items))
        for code, choice, items in rows
    ]  # fmt: skip


def _count(fill: Fill, answered: int, total: int) -> str:
    return fill(texts.LKE_COUNT_NOTE, answered=answered, total=total)


def menu(fill: Fill, m: Menu) -> str:
    """/lke: every area with its answered count, the proposals, and how to start."""
    out = [
        fill(texts.LKE_MENU_HEAD, name=m.satker.name, code=m.satker.code, year=m.year),
        fill(texts.LKE_MENU_SHEET, label=m.label),
        "",
    ]
    out += [
        fill(texts.LKE_MENU_AREA, code=a.code, name=a.name, answered=a.answered, count=a.count)
        for a in m.areas
    ]
    out += ["", _count(fill, m.answered, m.total)]
    if m.proposals:
        out += ["", fill(texts.LKE_MENU_PROPOSALS)]
        out += [
            fill(texts.LKE_MENU_PROPOSAL, code=code, choice=choice, items=", ".join(items))
            for code, choice, items in m.proposals
        ]
    out += _awaiting(fill, list(m.awaiting))
    out += ["", fill(texts.LKE_MENU_CHOOSE)]
    return "\n".join(out)


def card(fill: Fill, c: Card) -> str:
    """One question: where it sits, the answer now, linked items and bukti, how to answer."""
    out = []
    if c.saved:
        out += [fill(texts.LKE_CARD_SAVED, saved=c.saved), ""]
    out += [
        fill(
            texts.LKE_CARD_HEAD,
            code=c.code,
            area=f"{c.area.code} {c.area.name}",
            position=c.position,
            count=c.area.count,
        ),
        fill(texts.LKE_CARD_INDICATOR, indicator=c.indicator, weight=angka(c.weight)),
        fill(texts.LKE_CARD_TEXT, text=c.text),
        "",
    ]
    if c.current is None:
        out.append(fill(texts.LKE_CARD_UNANSWERED))
    else:
        score = "-" if c.score is None else angka(c.score)
        out.append(fill(texts.LKE_CARD_CURRENT, answer=c.current, score=score))
    if c.items:
        out.append(fill(texts.LKE_CARD_ITEMS))
        out += [
            fill(texts.LKE_CARD_ITEM, code=i.code, activity=i.activity, status=_status(i))
            for i in c.items
        ]
    if c.evidence:
        out.append(fill(texts.LKE_CARD_EVIDENCE))
        out += [
            fill(texts.LKE_CARD_EVIDENCE_LINE, icon="✅" if x.attached else "📎", name=x.name,
                 item=x.item_code)
            for x in c.evidence
        ]  # fmt: skip
    if c.proposal:
        out.append(fill(texts.LKE_CARD_PROPOSAL, choice=c.proposal))
    if c.awaiting:
        choice, waiting = c.awaiting
        out.append(
            fill(texts.LKE_CARD_AWAITING, choice=choice, count=len(waiting),
                 items=", ".join(waiting))
        )  # fmt: skip
    out.append("")
    if c.choices:
        out.append(fill(texts.LKE_CARD_CHOOSE, choices=", ".join(c.choices)))
    else:
        given = c.given or {}
        out.append(fill(texts.LKE_CARD_INPUTS, formula=c.formula))
        for code, text in c.inputs:
            # plain here: ``fill`` below escapes it once
            value = (
                texts.LKE_CARD_INPUT_VALUE.format(value=f"{given[code]:g}") if code in given else ""
            )
            out.append(fill(texts.LKE_CARD_INPUT, code=code, text=text, value=value))
        if c.asking is not None:
            out.append(fill(texts.LKE_CARD_ASK, code=c.asking[0], text=c.asking[1]))
    out.append(_count(fill, c.answered, c.total))
    return "\n".join(out)


def ask_number(fill: Fill, c: Card) -> str:
    """The prompt that asks for the next persen input (a group answers it by replying)."""
    assert c.asking is not None
    return fill(texts.LKE_ASK_NUMBER, question=c.code, code=c.asking[0], text=c.asking[1])


def area_done(fill: Fill, d: AreaDone) -> str:
    """The end of an area's walk."""
    out = []
    if d.saved:
        out += [fill(texts.LKE_CARD_SAVED, saved=d.saved), ""]
    out += [
        fill(
            texts.LKE_AREA_DONE,
            code=d.area.code,
            name=d.area.name,
            answered=d.area.answered,
            count=d.area.count,
        ),
        _count(fill, d.answered, d.total),
        fill(texts.LKE_AREA_DONE_NEXT),
    ]
    return "\n".join(out)


def criteria(fill: Fill, code: str, text: str) -> str:
    """ "Kriteria": the criteria text of a question."""
    return "\n".join([fill(texts.LKE_CRITERIA, code=code), _plain(fill, text)])


def projection(fill: Fill, state: SatkerLke) -> str:
    """/progres nilai for one satker: per area, pengungkit, hasil, total, every WBK/WBBM
    minimum with ✓/✗ and the distance, the five biggest gains with their weight."""
    head = fill(
        texts.LKE_NILAI_HEAD, name=state.satker_name, code=state.satker_code, year=state.year
    )
    body = [_plain(fill, line) if line else "" for line in projection_lines(state)[1:]]
    return "\n".join([head, *body])


def ranking(fill: Fill, report: LkeRanking) -> str:
    """/progres nilai in the province group: every satker by projected total."""
    rows = [
        fill(texts.LKE_NILAI_RANK_LINE, rank=n, name=line.name, total=angka(line.total),
             wbk=line.missed.get("wbk", "-"), wbbm=line.missed.get("wbbm", "-"),
             unanswered=line.unanswered)
        for n, line in enumerate(report.lines, start=1)
    ]  # fmt: skip
    return "\n".join(
        [
            fill(texts.LKE_NILAI_RANK_HEAD, year=report.year),
            "",
            *(rows or [fill(texts.LKE_NILAI_RANK_EMPTY)]),
            "",
            fill(texts.LKE_RANK_FOOT),
        ]
    )


def proposals(
    fill: Fill, found: list[Proposal], awaiting: list[AwaitingVerification] | None = None
) -> str:
    """After /lapor: answers proposed because every linked item is now selesai and verified,
    and those that wait for the verification of bukti dukung."""
    out = []
    if found:
        out.append(fill(texts.LKE_MENU_PROPOSALS))
        out += [
            fill(
                texts.LKE_MENU_PROPOSAL, code=p.question, choice=p.choice, items=", ".join(p.items)
            )
            for p in found
        ]
    rows = [(x.question, x.choice, x.unverified) for x in awaiting or []]
    out += _awaiting(fill, rows)[0 if found else 1 :]
    return "\n".join(out)


def hasil_saved(fill: Fill, saved: HasilSaved) -> str:
    """/lke hasil: what was recorded."""
    shown = ", ".join(
        f"{saved.names.get(code, code)} {angka(v) if isinstance(v, float) else v}"
        for code, v in saved.values.items()
    )
    return fill(texts.LKE_HASIL_DONE, satker=saved.satker, year=saved.year, values=shown)
