"""LKE scoring against hand-computed cases on the shipped PermenPANRB 90/2021 worksheet."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from services.lke import formula
from services.lke.scoring import Answer, Check, Projection, best_moves, project
from services.lke.worksheet import default_path, read_file

_, WS = read_file(default_path())

# Inputs giving a ratio of exactly 1 (best) and 0 (worst) for the eight persen questions.
BEST_INPUTS: dict[str, dict[str, float]] = {
    "MP.R1.a": {"a": 10, "b": 10},
    "MP.R1.b": {"a": 10, "b": 10},
    "SDM.R3.a": {"a": 4, "b": 0, "c": 0},
    "AK.R1.a": {"a": 8, "b": 8},
    "PW.R2.a": {"a": 5, "b": 0, "c": 5},
    "PW.R3.a": {"a": 1, "b": 5, "c": 0, "d": 6},
    "PW.R3.b": {"a": 2, "b": 3, "c": 10, "d": 15},
    "PP.R1.b": {"a": 3, "b": 3},
}
WORST_INPUTS: dict[str, dict[str, float]] = {
    "MP.R1.a": {"a": 10, "b": 0},
    "MP.R1.b": {"a": 10, "b": 0},
    "SDM.R3.a": {"a": 5, "b": 5, "c": 1},
    "AK.R1.a": {"a": 8, "b": 0},
    "PW.R2.a": {"a": 5, "b": 5, "c": 0},
    "PW.R3.a": {"a": 1, "b": 5, "c": 0, "d": 0},
    "PW.R3.b": {"a": 2, "b": 3, "c": 10, "d": 0},
    "PP.R1.b": {"a": 3, "b": 0},
}
BEST_LABEL = {"ya_tidak": "Ya", "a_c": "A", "a_d": "A", "a_e": "A"}
WORST_LABEL = {"ya_tidak": "Tidak", "a_c": "C", "a_d": "D", "a_e": "E"}
HASIL_BEST = {"ipak": 4.0, "ipkp": 4.0, "capaian_kinerja": "A"}


def answers(
    labels: Mapping[str, str], inputs: Mapping[str, Mapping[str, float]]
) -> dict[str, Answer]:
    result = {}
    for code, q in WS.questions.items():
        if q.scale == "persen":
            result[code] = Answer(inputs=inputs[code])
        else:
            result[code] = Answer(choice=labels[q.scale])
    return result


def best(**changes: Answer) -> dict[str, Answer]:
    result = answers(BEST_LABEL, BEST_INPUTS)
    result.update({code.replace("_", "."): a for code, a in changes.items()})
    return result


def check(p: Projection, level: str, kind: str, code: str = "") -> Check:
    return next(c for c in p.level(level).checks if c.kind == kind and c.code == code)


def test_the_shipped_worksheet_has_110_questions_and_the_file_rule_for_areas() -> None:
    assert len(WS.questions) == 110
    assert WS.area_rule == "total"
    assert [lv.code for lv in WS.levels] == ["wbk", "wbbm"]


def test_all_best_answers_score_exactly_100_and_meet_every_minimum() -> None:
    p = project(WS, answers(BEST_LABEL, BEST_INPUTS), HASIL_BEST)
    assert round(p.total, 2) == 100.00
    assert round(p.pengungkit, 2) == 60.00
    assert round(p.hasil, 2) == 40.00
    assert [round(a.points, 6) for a in p.areas] == [8, 7, 10, 10, 15, 10]
    assert p.unanswered == 0 and p.hasil_missing == ()
    assert p.level("wbk").met and p.level("wbbm").met
    assert best_moves(WS, p) == []


def test_all_worst_answers_score_0() -> None:
    p = project(
        WS, answers(WORST_LABEL, WORST_INPUTS), {"ipak": 0, "ipkp": 0, "capaian_kinerja": "E"}
    )
    assert p.total == 0
    assert p.unanswered == 0
    assert p.level("wbk").missed == len(p.level("wbk").checks)


def test_nothing_answered_counts_every_question_as_0() -> None:
    p = project(WS, {}, {})
    assert p.total == 0
    assert p.unanswered == 110 and p.answered == 0
    assert p.hasil_missing == ("ipak", "capaian_kinerja", "ipkp")


def only(p: Projection) -> float:
    """Total with no hasil: the points of the answered questions alone."""
    return p.pengungkit


def test_mixed_ya_tidak() -> None:
    # AK.P2 (weight 2.5, 8 questions): Ya, Tidak, Ya, Ya, Tidak on its five Ya/Tidak questions,
    # the other three unanswered → (1+0+1+1+0) / 8 × 2.5 = 0.9375.
    given = {
        "AK.P2.a": "Ya",
        "AK.P2.b": "Tidak",
        "AK.P2.c": "Ya",
        "AK.P2.e": "Ya",
        "AK.P2.g": "Tidak",
    }
    p = project(WS, {c: Answer(choice=v) for c, v in given.items()}, {})
    assert only(p) == pytest.approx(0.9375)
    ak = next(a for a in p.areas if a.code == "AK")
    assert ak.parts[0].points == pytest.approx(0.9375)
    assert ak.parts[0].percent == pytest.approx(18.75)
    assert p.unanswered == 105


def test_mixed_a_c() -> None:
    # TL.P2 (weight 2, four A–C questions): A, B, C, B → (1+0.5+0+0.5) / 4 × 2 = 1.0.
    given = {"TL.P2.a": "A", "TL.P2.b": "B", "TL.P2.c": "C", "TL.P2.d": "B"}
    p = project(WS, {c: Answer(choice=v) for c, v in given.items()}, {})
    assert only(p) == pytest.approx(1.0)


def test_mixed_a_d() -> None:
    # MP.P3 (weight 1, three A–D questions): A, C, D → (1+0.33+0) / 3 × 1 = 0.443333.
    given = {"MP.P3.a": "A", "MP.P3.b": "C", "MP.P3.c": "D"}
    p = project(WS, {c: Answer(choice=v) for c, v in given.items()}, {})
    assert only(p) == pytest.approx(1.33 / 3)
    # B alone: 0.67 / 3.
    p = project(WS, {"MP.P3.a": Answer(choice="B")}, {})
    assert only(p) == pytest.approx(0.67 / 3)


def test_mixed_a_e() -> None:
    # TL.R3 (weight 2, three A–E questions): A, B, E → (1+0.75+0) / 3 × 2 = 1.166667;
    # MP.R2.a (weight 1, one question): C → 0.5 / 1 × 1 = 0.5; D would be 0.25.
    given = {"TL.R3.a": "A", "TL.R3.b": "B", "TL.R3.c": "E", "MP.R2.a": "C"}
    p = project(WS, {c: Answer(choice=v) for c, v in given.items()}, {})
    assert only(p) == pytest.approx(3.5 / 3 + 0.5)
    tl = next(a for a in p.areas if a.code == "TL")
    assert tl.parts[1].points == pytest.approx(3.5 / 3)
    assert tl.points == pytest.approx(3.5 / 3)


def test_mixed_persen() -> None:
    # AK.R1.a (weight 2) b/a = 7/8 → 1.75; PW.R3 (weight 2, two questions):
    # LHKPN d/(a+b+c) = 9/(1+5+6) = 0.75 → 0.75; Non LHKPN 20/(2+3+15) = 1 → 1.0.
    given = {
        "AK.R1.a": {"a": 8, "b": 7},
        "PW.R3.a": {"a": 1, "b": 5, "c": 6, "d": 9},
        "PW.R3.b": {"a": 2, "b": 3, "c": 15, "d": 20},
    }
    p = project(WS, {c: Answer(inputs=v) for c, v in given.items()}, {})
    assert p.scores["AK.R1.a"] == pytest.approx(0.875)
    assert p.scores["PW.R3.a"] == pytest.approx(0.75)
    assert only(p) == pytest.approx(1.75 + 0.75 + 1.0)


@pytest.mark.parametrize(
    ("code", "inputs", "score"),
    [
        # 0/0 = 1: nothing was due and nothing was missed.
        ("MP.R1.a", {"a": 0, "b": 0}, 1.0),
        # x/0 = 0: the inputs contradict each other (changes without any agent).
        ("MP.R1.a", {"a": 0, "b": 3}, 0.0),
        # (a-b)/a: no violations last year nor this year → 1; some this year → 0.
        ("SDM.R3.a", {"a": 0, "b": 0, "c": 0}, 1.0),
        ("SDM.R3.a", {"a": 0, "b": 2, "c": 0}, 0.0),
        ("SDM.R3.a", {"a": 4, "b": 1, "c": 1}, 0.75),
        # More violations than last year: negative, clamped to 0.
        ("SDM.R3.a", {"a": 2, "b": 5, "c": 0}, 0.0),
        # Nobody had to report LHKPN and nobody did.
        ("PW.R3.a", {"a": 0, "b": 0, "c": 0, "d": 0}, 1.0),
        # More done than due: clamped to 1.
        ("AK.R1.a", {"a": 10, "b": 12}, 1.0),
        # c/a: the complaints in process (b) do not count.
        ("PW.R2.a", {"a": 8, "b": 6, "c": 2}, 0.25),
    ],
)
def test_persen_formulas_and_zero_denominators(
    code: str, inputs: dict[str, float], score: float
) -> None:
    p = project(WS, {code: Answer(inputs=inputs)}, {})
    assert p.scores[code] == pytest.approx(score)


def test_persen_with_a_missing_input_is_unanswered() -> None:
    p = project(WS, {"AK.R1.a": Answer(inputs={"a": 3})}, {})
    assert p.scores["AK.R1.a"] is None


@pytest.mark.parametrize(("index", "points"), [(3.6, 15.75), (3.2, 14.00), (4.0, 17.5), (0, 0)])
def test_survey_index_to_points(index: float, points: float) -> None:
    p = project(WS, {}, {"ipak": index, "ipkp": index})
    assert round(p.hasil_items[0].points, 2) == points  # ipak
    assert round(p.hasil_items[2].points, 2) == points  # ipkp


def test_formula_parser_refuses_anything_but_arithmetic() -> None:
    assert (
        formula.evaluate(formula.parse("d / (a + b + c)"), {"a": 1, "b": 1, "c": 2, "d": 2}) == 0.5
    )
    assert formula.evaluate(formula.parse("-a + 2 * b"), {"a": 1, "b": 3}) == 5
    for bad in ("a ** b", "__import__('os')", "a.b", "a +", "(a", "a b", ""):
        with pytest.raises(formula.FormulaError):
            formula.check(bad, {"a", "b"})
    with pytest.raises(formula.FormulaError, match="z"):
        formula.check("z / a", {"a"})


# --- minimums: just met and just missed ------------------------------------------------------
# Knobs: persen questions whose points move in small steps.
def knob(code: str, num: float, den: float) -> Answer:
    if code == "PW.R2.a":
        return Answer(inputs={"a": den, "b": 0, "c": num})
    return Answer(inputs={"a": den, "b": num})


def worst_area(code: str, *parts: str) -> dict[str, Answer]:
    result = {}
    for q in WS.questions.values():
        if q.area == code and q.part in parts:
            result[q.code] = (
                Answer(inputs=WORST_INPUTS[q.code])
                if q.scale == "persen"
                else Answer(choice=WORST_LABEL[q.scale])
            )
    return result


def test_total_wbk_75_just_met_and_just_missed() -> None:
    # PW (15) and SDM (10) all worst: pengungkit 35 + hasil 40 = 75.
    given = (
        best() | worst_area("PW", "pemenuhan", "reform") | worst_area("SDM", "pemenuhan", "reform")
    )
    p = project(WS, given, HASIL_BEST)
    assert check(p, "wbk", "total").met and check(p, "wbk", "total").score == pytest.approx(75)
    # AK.R1.a at 199/200: −0.01 → 74.99.
    p = project(WS, given | {"AK.R1.a": knob("AK.R1.a", 199, 200)}, HASIL_BEST)
    assert not check(p, "wbk", "total").met
    assert check(p, "wbk", "total").distance == pytest.approx(-0.01)


def test_total_wbbm_85_and_pengungkit_wbk_40() -> None:
    # PW all worst: pengungkit 45, total 85 (WBBM just met).
    given = best() | worst_area("PW", "pemenuhan", "reform")
    p = project(WS, given, HASIL_BEST)
    assert check(p, "wbbm", "total").met and p.total == pytest.approx(85)
    p = project(WS, given | {"AK.R1.a": knob("AK.R1.a", 199, 200)}, HASIL_BEST)
    assert not check(p, "wbbm", "total").met
    # Pengungkit 40: PW all worst (−15) and SDM reform worst (−5).
    given = best() | worst_area("PW", "pemenuhan", "reform") | worst_area("SDM", "reform")
    p = project(WS, given, HASIL_BEST)
    assert check(p, "wbk", "pengungkit").met and p.pengungkit == pytest.approx(40)
    p = project(WS, given | {"AK.R1.a": knob("AK.R1.a", 199, 200)}, HASIL_BEST)
    assert not check(p, "wbk", "pengungkit").met
    assert check(p, "wbk", "pengungkit").distance == pytest.approx(-0.01)


def test_pengungkit_wbbm_48() -> None:
    # Reform loses 12: all eight persen questions 0 (−12.25), then AK.R1.a at 1/8 (+0.25).
    given = best() | {code: Answer(inputs=v) for code, v in WORST_INPUTS.items()}
    p = project(WS, given | {"AK.R1.a": knob("AK.R1.a", 1, 8)}, HASIL_BEST)
    assert check(p, "wbbm", "pengungkit").met and p.pengungkit == pytest.approx(48)
    p = project(WS, given | {"AK.R1.a": knob("AK.R1.a", 12, 100)}, HASIL_BEST)
    assert not check(p, "wbbm", "pengungkit").met
    assert check(p, "wbbm", "pengungkit").distance == pytest.approx(-0.01)


def test_area_minimum_on_the_area_total_wbk_and_wbbm() -> None:
    # MP (weight 8): MP.R1.a 0 (−1), MP.R2.a E (−1), MP.R3.a D (−1), MP.R1.b at r (−(1−r)).
    # WBK 60 % = 4.8 → r = 0.8; WBBM 75 % = 6.0 with MP.R3.a best → r = 1.
    base = best(MP_R1_a=knob("MP.R1.a", 0, 10), MP_R2_a=Answer(choice="E"))
    wbk = base | {"MP.R3.a": Answer(choice="D")}
    p = project(WS, wbk | {"MP.R1.b": knob("MP.R1.b", 4, 5)}, HASIL_BEST)
    assert check(p, "wbk", "area", "MP").met
    assert check(p, "wbk", "area", "MP").score == pytest.approx(4.8)
    assert check(p, "wbk", "area", "MP").minimum == pytest.approx(4.8)
    p = project(WS, wbk | {"MP.R1.b": knob("MP.R1.b", 79, 100)}, HASIL_BEST)
    assert not check(p, "wbk", "area", "MP").met
    p = project(WS, base, HASIL_BEST)
    assert check(p, "wbbm", "area", "MP").met and check(p, "wbbm", "area", "MP").score == 6
    p = project(WS, base | {"MP.R1.b": knob("MP.R1.b", 99, 100)}, HASIL_BEST)
    assert not check(p, "wbbm", "area", "MP").met
    assert check(p, "wbbm", "area", "MP").distance == pytest.approx(-0.01)
    # AK (weight 10): AK.R2.a D (−1.5); AK.R1.a (weight 2) at r: 5 + 1.5 + 2r ≥ 7.5 (WBBM)
    # → r = 1/2 just met, 49/100 just missed.
    ak = best(AK_R2_a=Answer(choice="D"))
    p = project(WS, ak | {"AK.R1.a": knob("AK.R1.a", 1, 2)}, HASIL_BEST)
    assert check(p, "wbbm", "area", "AK").met
    p = project(WS, ak | {"AK.R1.a": knob("AK.R1.a", 49, 100)}, HASIL_BEST)
    assert not check(p, "wbbm", "area", "AK").met


@pytest.mark.parametrize(
    ("hasil", "level", "code", "met"),
    [
        ({"ipak": 3.6}, "wbk", "ipak", True),
        ({"ipak": 3.59}, "wbk", "ipak", False),
        ({"ipak": 3.6}, "wbbm", "ipak", True),
        ({"ipak": 3.59}, "wbbm", "ipak", False),
        ({"ipkp": 3.2}, "wbk", "ipkp", True),
        ({"ipkp": 3.19}, "wbk", "ipkp", False),
        ({"ipkp": 3.6}, "wbbm", "ipkp", True),
        ({"ipkp": 3.59}, "wbbm", "ipkp", False),
        ({"capaian_kinerja": "C"}, "wbk", "capaian_kinerja", True),  # 2.50
        ({"capaian_kinerja": "D"}, "wbk", "capaian_kinerja", False),  # 1.25
        ({"capaian_kinerja": "B"}, "wbbm", "capaian_kinerja", True),  # 3.75
        ({"capaian_kinerja": "C"}, "wbbm", "capaian_kinerja", False),
        # Bersih dan akuntabel = IPAK + capaian: 15.75 + 2.50 = 18.25; 15.7125 + 2.50 misses.
        ({"ipak": 3.6, "capaian_kinerja": "C"}, "wbk", "bersih_akuntabel", True),
        ({"ipak": 3.59, "capaian_kinerja": "C"}, "wbk", "bersih_akuntabel", False),
        # 15.75 + 3.75 = 19.50; 15.7125 + 3.75 misses.
        ({"ipak": 3.6, "capaian_kinerja": "B"}, "wbbm", "bersih_akuntabel", True),
        ({"ipak": 3.59, "capaian_kinerja": "B"}, "wbbm", "bersih_akuntabel", False),
    ],
)
def test_hasil_minimums_just_met_and_just_missed(
    hasil: dict[str, float | str], level: str, code: str, met: bool
) -> None:
    p = project(WS, best(), hasil)
    assert check(p, level, "hasil", code).met is met


def test_best_moves_rank_by_gain_and_skip_answers_at_their_best() -> None:
    given = best(PW_R2_a=knob("PW.R2.a", 1, 2), TL_P2_a=Answer(choice="C"))
    p = project(WS, given, HASIL_BEST)
    moves = best_moves(WS, p)
    assert [m.question for m in moves] == ["PW.R2.a", "TL.P2.a"]
    assert moves[0].gain == pytest.approx(1.5)  # (1 − 0.5) × 3 / 1
    assert moves[1].gain == pytest.approx(0.5)  # (1 − 0) × 2 / 4
    assert moves[0].indicator_weight == 3
    assert p.total == pytest.approx(98.0)
