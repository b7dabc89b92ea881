"""Validation of LKE worksheet files: every rule of check_lke.py, on mutated copies."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from services.lke.scoring import Answer, project
from services.lke.worksheet import WorksheetInvalid, default_path, parse, parse_bytes

ORIGINAL: dict[str, Any] = json.loads(default_path().read_text(encoding="utf-8"))
Mutation = Callable[[dict[str, Any]], None]


def mutated(change: Mutation) -> dict[str, Any]:
    data = copy.deepcopy(ORIGINAL)
    change(data)
    return data


def indicator(data: dict[str, Any], code: str) -> dict[str, Any]:
    for area in data["areas"]:
        for part in ("pemenuhan", "reform"):
            for item in area[part]["indicators"]:
                if item["code"] == code:
                    return item
    raise KeyError(code)


def question(data: dict[str, Any], code: str) -> dict[str, Any]:
    found = indicator(data, code.rsplit(".", 1)[0])
    return next(q for q in found["questions"] if q["code"] == code)


def rename(data: dict[str, Any]) -> None:
    """Another regulation: the values pinned for PermenPANRB 90/2021 no longer apply."""
    data["regulation"] = "Peraturan Contoh Tahun 2030"


def _set(path: str, value: Any) -> Mutation:
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        keys = path.split("/")
        for key in keys[:-1]:
            node = node[int(key)] if key.isdigit() else node[key]
        last = keys[-1]
        node[int(last) if last.isdigit() else last] = value

    return change


def _both(*changes: Mutation) -> Mutation:
    def change(data: dict[str, Any]) -> None:
        for c in changes:
            c(data)

    return change


CASES: list[tuple[str, Mutation, str]] = [
    ("top-level key", lambda d: d.pop("minimums"), "'minimums' tidak ada"),
    ("regulation", _set("regulation", ""), "peraturan"),
    ("source commit", _set("sources/0/commit", "abc"), "sumber tidak lengkap"),
    ("pinned scale", _set("answer_scales/a_d/B", 0.6), "skala jawaban a_d"),
    ("scale best not 1", _both(rename, _set("answer_scales/a_c/A", 0.9)), "terbaik 1"),
    ("special scale", lambda d: d["answer_scales"].pop("survei_0_4"), "survei_0_4"),
    ("components", lambda d: d["components"].pop(), "komponen harus tepat"),
    ("components sum", _set("components/1/weight", 41), "berjumlah 101"),
    (
        "pinned component",
        _both(_set("components/0/weight", 61), _set("components/1/weight", 39)),
        "bobot pengungkit adalah 61, seharusnya 60",
    ),
    ("parts sum", _set("components/0/parts/1/weight", 31), "bagian komponen pengungkit"),
    ("area order", lambda d: d["areas"].reverse(), "urutan area"),
    ("pinned area weight", _set("areas/0/pemenuhan/weight", 4.5), "MP pemenuhan adalah 4.5"),
    (
        "indicator sum",
        lambda d: indicator(d, "MP.P1").update(weight=0.75),
        "MP pemenuhan: bobot indikator berjumlah 4.25, seharusnya 4",
    ),
    (
        "duplicate code",
        lambda d: question(d, "MP.P1.b").update(code="MP.P1.a"),
        "kode ganda atau kosong: 'MP.P1.a'",
    ),
    ("indicator name", lambda d: indicator(d, "TL.P1").update(name=""), "indikator TL.P1"),
    ("no questions", lambda d: indicator(d, "MP.R2").update(questions=[]), "MP.R2 tidak punya"),
    (
        "question text",
        lambda d: question(d, "SDM.P1.a").update(text=""),
        "SDM.P1.a tidak punya teks",
    ),
    ("scale", lambda d: question(d, "PP.P1.a").update(scale="a_f"), "PP.P1.a: skala 'a_f'"),
    (
        "inputs",
        lambda d: question(d, "AK.R1.a").update(inputs=[{"code": "a", "text": "x"}]),
        "AK.R1.a: perlu minimal dua masukan",
    ),
    (
        "formula input",
        lambda d: question(d, "PW.R2.a").update(formula="c / z"),
        "PW.R2.a: rumus 'c / z' tidak valid (memakai masukan yang tidak ada: z)",
    ),
    (
        "formula syntax",
        lambda d: question(d, "MP.R1.a").update(formula="__import__('os').system('x')"),
        "MP.R1.a: rumus",
    ),
    ("formula power", lambda d: question(d, "MP.R1.a").update(formula="b ** a"), "MP.R1.a"),
    ("hasil items", lambda d: d["hasil"].pop(), "butir hasil"),
    ("hasil weight", _set("hasil/1/weight", 4), "butir hasil capaian_kinerja"),
    (
        "hasil part sum",
        _both(rename, lambda d: d["hasil"][1].update(weight=4)),
        "bobot butir hasil bagian bersih_akuntabel berjumlah 21.5, seharusnya 22.5",
    ),
    ("pinned minimum", _set("minimums/wbk/total", 70), "minimum wbk.total adalah 70"),
    ("minimum key", _both(rename, _set("minimums/wbk/ipxx", 3)), "wbk.ipxx"),
    (
        "area rule missing",
        lambda d: d["minimums"].pop("per_area_applies_to"),
        "per_area_applies_to",
    ),
    ("area rule unknown", _set("minimums/per_area_applies_to", "sometimes"), "'sometimes'"),
    ("comparison", _set("minimums/comparison", "=>"), "'=>'"),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_names_the_first_inconsistency(change: Mutation, message: str) -> None:
    with pytest.raises(WorksheetInvalid) as caught:
        parse(mutated(change))
    assert str(caught.value).startswith("Lembar kerja LKE tidak valid: ")
    assert message in str(caught.value)


def test_the_best_score_must_be_100_even_when_every_sum_is_within_tolerance() -> None:
    # Each area part's indicators may be off by less than 0.01; twelve such slips add 0.108.
    data = copy.deepcopy(ORIGINAL)
    for area in data["areas"]:
        for part in ("pemenuhan", "reform"):
            area[part]["indicators"][0]["weight"] += 0.009
    with pytest.raises(WorksheetInvalid, match=r"nilai terbaik yang mungkin adalah 100\.11"):
        parse(data)


def test_not_json_is_refused_clearly() -> None:
    with pytest.raises(WorksheetInvalid, match="bukan JSON"):
        parse_bytes(b"{not json")


def test_another_regulation_with_its_own_numbers_is_scored_by_its_own_numbers() -> None:
    data = mutated(rename)
    data["answer_scales"]["a_d"] = {"A": 1, "B": 0.66, "C": 0.34, "D": 0}
    data["minimums"]["wbk"]["total"] = 70
    ws = parse(data)
    p = project(ws, {"MP.P3.a": Answer(choice="B")}, {})
    assert p.pengungkit == pytest.approx(0.66 / 3)
    assert p.level("wbk").checks[0].minimum == 70


def test_each_part_rule_checks_pemenuhan_and_reform_separately() -> None:
    data = mutated(_set("minimums/per_area_applies_to", "each part (pemenuhan, reform)"))
    ws = parse(data)
    assert ws.area_rule == "part"
    # MP: pemenuhan full (4), reform only MP.R2.a A (1) → 5 ≥ 4.8 as a total, but the reform
    # part has 1 < 60 % of 4 = 2.4.
    answers = {
        q.code: Answer(choice="Ya" if q.scale == "ya_tidak" else "A")
        for q in ws.questions.values()
        if q.area == "MP" and q.part == "pemenuhan"
    }
    answers["MP.R2.a"] = Answer(choice="A")
    checks = {
        c.code: c for c in project(ws, answers, {}).level("wbk").checks if c.kind == "area_part"
    }
    assert checks["MP pemenuhan"].met and checks["MP pemenuhan"].minimum == pytest.approx(2.4)
    assert not checks["MP reform"].met and checks["MP reform"].distance == pytest.approx(-1.4)
    # Just met: MP.R1.b at 0.4 adds 0.4 → reform 2.4 with MP.R3.a A.
    answers["MP.R3.a"] = Answer(choice="A")
    answers["MP.R1.b"] = Answer(inputs={"a": 5, "b": 2})
    checks = {
        c.code: c for c in project(ws, answers, {}).level("wbk").checks if c.kind == "area_part"
    }
    assert checks["MP reform"].met
    answers["MP.R1.b"] = Answer(inputs={"a": 100, "b": 39})
    checks = {
        c.code: c for c in project(ws, answers, {}).level("wbk").checks if c.kind == "area_part"
    }
    assert not checks["MP reform"].met
    total_rule = parse(ORIGINAL)
    assert all(c.kind != "area_part" for c in project(total_rule, answers, {}).level("wbk").checks)
