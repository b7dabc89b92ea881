"""A versioned LKE worksheet: read from a JSON file, validated, turned into plain objects.

The rules are those of ``check_lke.py`` shipped with the data. Structural rules (sums of
weights, unique codes, known scales, formulas over the question's own inputs, a best score of
exactly 100, minimums naming things that exist) apply to every worksheet. The values pinned by
``check_lke.py`` for PermenPANRB 90/2021 (the area weights, the 60/40 and 30/30 split, the
answer multipliers, the WBK/WBBM minimums) are checked only when a file says it is that
regulation: the next regulation is a new file with its own numbers. The scoring reads weights,
multipliers and minimums from the worksheet object only, never from the constants below.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from services import texts
from services.errors import ZibotError
from services.lke import formula
from services.lke.formula import FormulaError, Node

TOL = 0.01
PERSEN = "persen"
SURVEY = "survei_0_4"
SURVEY_MAX = 4.0
TOP_KEYS = (
    "name", "regulation", "sources", "notes", "answer_scales", "components", "areas", "hasil",
    "minimums",
)  # fmt: skip
LEVEL_KEYS = ("total", "pengungkit", "area_percent")
AREA_RULE_TOTAL = "total"
AREA_RULE_PART = "part"
DEFAULT_FILE = "lke-permenpanrb-90-2021.json"

# What check_lke.py pins for PermenPANRB 90/2021 (validation only; scoring never reads these).
REGULATION_90_2021 = "PermenPANRB Nomor 90 Tahun 2021"
_PINNED_AREAS = {"MP": 4, "TL": 3.5, "SDM": 5, "AK": 5, "PW": 7.5, "PP": 5}
_PINNED_SCALES = {
    "ya_tidak": {"Ya": 1, "Tidak": 0},
    "a_c": {"A": 1, "B": 0.5, "C": 0},
    "a_d": {"A": 1, "B": 0.67, "C": 0.33, "D": 0},
    "a_e": {"A": 1, "B": 0.75, "C": 0.5, "D": 0.25, "E": 0},
}
_PINNED_COMPONENTS = {"pengungkit": 60, "hasil": 40}
_PINNED_PARTS = {"pemenuhan": 30, "reform": 30, "bersih_akuntabel": 22.5, "pelayanan_prima": 17.5}
_PINNED_HASIL = {
    "ipak": ("bersih_akuntabel", 17.5, SURVEY),
    "capaian_kinerja": ("bersih_akuntabel", 5, "a_e"),
    "ipkp": ("pelayanan_prima", 17.5, SURVEY),
}
_PINNED_MINIMUMS: dict[str, dict[str, float | bool]] = {
    "wbk": {"total": 75, "pengungkit": 40, "area_percent": 60, "bersih_akuntabel": 18.25,
            "ipak": 15.75, "capaian_kinerja": 2.5, "ipkp": 14},
    "wbbm": {"total": 85, "pengungkit": 48, "area_percent": 75, "bersih_akuntabel": 19.5,
             "ipak": 15.75, "capaian_kinerja": 3.75, "ipkp": 15.75, "requires_wbk": True},
}  # fmt: skip
# The published survey indices behind the WBK survey minimums (3.60 and 3.20).
_PINNED_SURVEY_INDEX = {"ipak": 3.6, "ipkp": 3.2}


class WorksheetInvalid(ZibotError):
    """A worksheet file that breaks a rule; the message names the first inconsistency."""

    def __init__(self, problem: str) -> None:
        super().__init__(texts.LKE_INVALID.format(problem=problem))
        self.problem = problem


@dataclass(frozen=True)
class Input:
    """A number a persen question asks for."""

    code: str
    text: str


@dataclass(frozen=True)
class Question:
    """One worksheet question (``MP.P1.a``) with its answer scale."""

    code: str
    text: str
    scale: str
    criteria: str
    area: str
    part: str
    indicator: str
    inputs: tuple[Input, ...] = ()
    formula: str = ""
    node: Node | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Indicator:
    """An indicator (``MP.P1``): a weight shared equally by its questions."""

    code: str
    name: str
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class AreaPart:
    """One area's pemenuhan (or reform) indicators."""

    part: str
    weight: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class LkeArea:
    """An area perubahan of the worksheet with its parts in the worksheet's order."""

    code: str
    name: str
    parts: tuple[AreaPart, ...]

    @property
    def weight(self) -> float:
        """Pemenuhan plus reform weight."""
        return sum(p.weight for p in self.parts)


@dataclass(frozen=True)
class HasilItem:
    """An input of the hasil component (IPAK, capaian kinerja, IPKP)."""

    code: str
    name: str
    part: str
    weight: float
    scale: str
    text: str
    criteria: str


@dataclass(frozen=True)
class Part:
    """A part of a component: pemenuhan, reform, bersih_akuntabel, pelayanan_prima."""

    code: str
    name: str
    weight: float
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Level:
    """The minimums of one predicate (WBK, WBBM)."""

    code: str
    total: float
    pengungkit: float
    area_percent: float
    # Hasil part or item code -> minimum score, in the file's order.
    hasil: tuple[tuple[str, float], ...]
    # Predicates that must already be held (WBBM: WBK); not something a projection can check.
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Worksheet:
    """A validated worksheet: the only source of weights, multipliers and minimums."""

    name: str
    regulation: str
    version: str
    scales: Mapping[str, Mapping[str, float]]
    pengungkit: Part
    pengungkit_parts: tuple[Part, ...]
    hasil_component: Part
    hasil_parts: tuple[Part, ...]
    areas: tuple[LkeArea, ...]
    hasil: tuple[HasilItem, ...]
    levels: tuple[Level, ...]
    comparison: str
    area_rule: str
    area_rule_text: str
    notes: tuple[str, ...]

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by code, in worksheet order."""
        return {
            q.code: q
            for area in self.areas
            for part in area.parts
            for indicator in part.indicators
            for q in indicator.questions
        }

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        """Every indicator by code."""
        return {i.code: i for a in self.areas for p in a.parts for i in p.indicators}

    @property
    def label(self) -> str:
        """``PermenPANRB Nomor 90 Tahun 2021 v1.0.0``."""
        return f"{self.regulation} v{self.version}"

    def hasil_item(self, code: str) -> HasilItem:
        """The hasil item with this code."""
        return next(h for h in self.hasil if h.code == code)

    def find_question(self, text: str) -> Question | None:
        """A question by code as people type it (``mp.p1.a``, ``MP.P1.A``), or None."""
        wanted = text.strip().replace(" ", "").upper()
        return next((q for c, q in self.questions.items() if c.upper() == wanted), None)


def default_path() -> Path:
    """The worksheet shipped with zibot (PermenPANRB 90/2021)."""
    return Path(str(resources.files("services") / "seeds" / DEFAULT_FILE))


def sha256(content: bytes) -> str:
    """The fingerprint a worksheet version is known by."""
    return hashlib.sha256(content).hexdigest()


def read_file(path: Path) -> tuple[bytes, Worksheet]:
    """The file's bytes and the worksheet they hold, or ZibotError/WorksheetInvalid."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ZibotError(texts.FILE_NOT_FOUND.format(path=path)) from None
    except OSError as exc:
        raise ZibotError(texts.FILE_UNREADABLE.format(path=path, reason=exc.strerror)) from None
    return content, parse_bytes(content)


def parse_bytes(content: bytes) -> Worksheet:
    """Decode JSON and validate it."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WorksheetInvalid(texts.LKE_BAD_JSON.format(reason=exc)) from None
    return parse(data)


def parse(data: Any) -> Worksheet:
    """Validate worksheet data (the rules of check_lke.py) and build the Worksheet."""
    return _Checker(data).run()


def _close(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) <= TOL


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Checker:
    """Walks the data in check_lke.py's order and stops at the first broken rule."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.pinned = False

    def need(self, condition: object, template: str, **fields: Any) -> None:
        if not condition:
            raise WorksheetInvalid(template.format(**fields))

    def run(self) -> Worksheet:
        d = self.data
        self.need(isinstance(d, dict), texts.LKE_NOT_OBJECT)
        for key in TOP_KEYS:
            self.need(key in d, texts.LKE_MISSING_KEY, key=key)
        regulation = d["regulation"]
        self.need(isinstance(regulation, str) and regulation.strip(), texts.LKE_NO_REGULATION)
        self.pinned = regulation == REGULATION_90_2021
        self.need(isinstance(d["sources"], list), texts.LKE_BAD_SOURCE, source=d["sources"])
        for s in d["sources"]:
            ok = isinstance(s, dict) and s.get("repo") and s.get("path")
            self.need(ok and len(str(s.get("commit", ""))) == 40, texts.LKE_BAD_SOURCE, source=s)
        scales = self.scales(d["answer_scales"])
        components = self.components(d["components"])
        pengungkit_parts = self.parts(components["pengungkit"])
        hasil_parts = self.parts(components["hasil"])
        pengungkit, hasil_component = (
            Part(c["code"], str(c.get("name", c["code"])), float(c["weight"]))
            for c in (components["pengungkit"], components["hasil"])
        )
        areas = self.areas(d["areas"], pengungkit_parts, scales)
        hasil = self.hasil(d["hasil"], hasil_parts, scales)
        best = sum(i.weight for a in areas for p in a.parts for i in p.indicators)
        best += sum(h.weight for h in hasil)
        self.need(_close(best, 100), texts.LKE_BEST_SCORE, score=f"{best:.2f}")
        levels, comparison, rule, rule_text = self.minimums(d["minimums"], hasil, hasil_parts)
        notes = d["notes"] if isinstance(d["notes"], list) else []
        return Worksheet(
            name=str(d["name"]),
            regulation=regulation,
            version=str(d.get("version", "?")),
            scales=scales,
            pengungkit=pengungkit,
            pengungkit_parts=pengungkit_parts,
            hasil_component=hasil_component,
            hasil_parts=hasil_parts,
            areas=areas,
            hasil=hasil,
            levels=levels,
            comparison=comparison,
            area_rule=rule,
            area_rule_text=rule_text,
            notes=tuple(str(n) for n in notes),
        )

    def scales(self, raw: Any) -> dict[str, dict[str, float]]:
        self.need(isinstance(raw, dict), texts.LKE_MISSING_KEY, key="answer_scales")
        if self.pinned:
            for code, expected in _PINNED_SCALES.items():
                got = raw.get(code)
                self.need(
                    got == expected, texts.LKE_SCALE_PINNED, scale=code, got=got, want=expected
                )
        result: dict[str, dict[str, float]] = {}
        for code, values in raw.items():
            if code in (PERSEN, SURVEY):
                continue
            ok = isinstance(values, dict) and len(values) >= 2
            ok = ok and all(
                isinstance(k, str) and _num(v) and 0 <= v <= 1 for k, v in values.items()
            )
            ok = ok and max(values.values()) == 1 and min(values.values()) == 0
            self.need(ok, texts.LKE_SCALE_BAD, scale=code)
            result[code] = {k: float(v) for k, v in values.items()}
        self.need(PERSEN in raw and SURVEY in raw, texts.LKE_SCALE_SPECIAL)
        return result

    def components(self, raw: Any) -> dict[str, Any]:
        ok = isinstance(raw, list) and all(isinstance(c, dict) and "code" in c for c in raw)
        self.need(ok, texts.LKE_COMPONENTS)
        found = {c["code"]: c for c in raw}
        self.need(set(found) == {"pengungkit", "hasil"} and len(raw) == 2, texts.LKE_COMPONENTS)
        for c in raw:
            self.need(_num(c.get("weight")), texts.LKE_WEIGHT_BAD, code=c["code"])
            self.need(
                isinstance(c.get("parts"), list) and c["parts"], texts.LKE_NO_PARTS, code=c["code"]
            )
        total = sum(c["weight"] for c in raw)
        self.need(_close(total, 100), texts.LKE_COMPONENTS_SUM, total=total)
        if self.pinned:
            for code, weight in _PINNED_COMPONENTS.items():
                self.need(
                    _close(found[code]["weight"], weight),
                    texts.LKE_PINNED, what=code, got=found[code]["weight"], want=weight,
                )  # fmt: skip
        return found

    def parts(self, component: Any) -> tuple[Part, ...]:
        parts: list[Part] = []
        for p in component["parts"]:
            ok = isinstance(p, dict) and p.get("code") and _num(p.get("weight"))
            self.need(ok, texts.LKE_WEIGHT_BAD, code=component["code"])
            items = p.get("items", [])
            self.need(isinstance(items, list), texts.LKE_PART_ITEMS, part=p["code"])
            parts.append(Part(p["code"], str(p.get("name", p["code"])), p["weight"], tuple(items)))
        total = sum(p.weight for p in parts)
        self.need(
            _close(total, component["weight"]),
            texts.LKE_PARTS_SUM, code=component["code"], total=total, want=component["weight"],
        )  # fmt: skip
        codes = [p.code for p in parts]
        self.need(len(set(codes)) == len(codes), texts.LKE_DUPLICATE, code=codes)
        if self.pinned:
            expected = (
                {"pemenuhan", "reform"}
                if component["code"] == "pengungkit"
                else {"bersih_akuntabel", "pelayanan_prima"}
            )
            self.need(set(codes) == expected, texts.LKE_PARTS_CODES, code=component["code"])
            for p in parts:
                want = _PINNED_PARTS[p.code]
                self.need(
                    _close(p.weight, want), texts.LKE_PINNED, what=p.code, got=p.weight, want=want
                )
        return tuple(parts)

    def areas(
        self, raw: Any, parts: tuple[Part, ...], scales: Mapping[str, Any]
    ) -> tuple[LkeArea, ...]:
        self.need(isinstance(raw, list) and raw, texts.LKE_AREAS_ORDER)
        codes = [a.get("code") if isinstance(a, dict) else None for a in raw]
        if self.pinned:
            self.need(codes == list(_PINNED_AREAS), texts.LKE_AREAS_ORDER)
        self.need(
            all(isinstance(c, str) and c for c in codes) and len(set(codes)) == len(codes),
            texts.LKE_AREAS_ORDER,
        )
        seen: set[str] = set()
        built: dict[str, list[AreaPart]] = {a["code"]: [] for a in raw}
        for part in parts:
            part_total = 0.0
            for a in raw:
                p = a.get(part.code)
                self.need(
                    isinstance(p, dict), texts.LKE_AREA_PART_MISSING, area=a["code"], part=part.code
                )
                self.need(
                    _num(p.get("weight")), texts.LKE_WEIGHT_BAD, code=f"{a['code']} {part.code}"
                )
                if self.pinned:
                    want = _PINNED_AREAS[a["code"]]
                    self.need(
                        _close(p["weight"], want),
                        texts.LKE_PINNED,
                        what=f"{a['code']} {part.code}",
                        got=p["weight"],
                        want=want,
                    )
                part_total += p["weight"]
                built[a["code"]].append(self.area_part(a["code"], part.code, p, seen, scales))
            self.need(
                _close(part_total, part.weight),
                texts.LKE_PART_TOTAL, part=part.code, total=part_total, want=part.weight,
            )  # fmt: skip
        return tuple(
            LkeArea(a["code"], str(a.get("name", "")), tuple(built[a["code"]])) for a in raw
        )

    def area_part(
        self, area: str, part: str, p: Mapping[str, Any], seen: set[str], scales: Mapping[str, Any]
    ) -> AreaPart:
        raw = p.get("indicators")
        self.need(isinstance(raw, list) and raw, texts.LKE_NO_INDICATORS, area=area, part=part)
        assert isinstance(raw, list)
        for i in raw:
            self.need(
                isinstance(i, dict) and _num(i.get("weight")), texts.LKE_WEIGHT_BAD, code=area
            )
        total = sum(i["weight"] for i in raw)
        self.need(
            _close(total, p["weight"]),
            texts.LKE_INDICATORS_SUM, area=area, part=part, total=f"{total:g}", want=p["weight"],
        )  # fmt: skip
        indicators: list[Indicator] = []
        for i in raw:
            code = i.get("code")
            self.need(
                isinstance(code, str) and code and code not in seen, texts.LKE_DUPLICATE, code=code
            )
            seen.add(code)
            self.need(i["weight"] > 0 and i.get("name"), texts.LKE_INDICATOR_BAD, code=code)
            questions = i.get("questions")
            self.need(isinstance(questions, list) and questions, texts.LKE_NO_QUESTIONS, code=code)
            built = tuple(self.question(q, area, part, code, seen, scales) for q in questions)
            indicators.append(Indicator(code, str(i["name"]), float(i["weight"]), built))
        return AreaPart(part, float(p["weight"]), tuple(indicators))

    def question(
        self,
        q: Any,
        area: str,
        part: str,
        indicator: str,
        seen: set[str],
        scales: Mapping[str, Any],
    ) -> Question:
        code = q.get("code") if isinstance(q, dict) else None
        self.need(
            isinstance(code, str) and code and code not in seen, texts.LKE_DUPLICATE, code=code
        )
        assert isinstance(q, dict) and isinstance(code, str)
        seen.add(code)
        self.need(isinstance(q.get("text"), str) and q["text"], texts.LKE_NO_TEXT, code=code)
        scale = q.get("scale")
        self.need(
            scale == PERSEN or scale in scales, texts.LKE_UNKNOWN_SCALE, code=code, scale=scale
        )
        inputs: tuple[Input, ...] = ()
        node = None
        if scale == PERSEN:
            raw = q.get("inputs", [])
            ok = isinstance(raw, list) and all(isinstance(x, dict) and x.get("code") for x in raw)
            names = [x["code"] for x in raw] if ok else []
            self.need(
                len(names) >= 2 and len(set(names)) == len(names), texts.LKE_INPUTS, code=code
            )
            inputs = tuple(Input(x["code"], str(x.get("text", ""))) for x in raw)
            try:
                node = formula.check(str(q.get("formula", "")), set(names))
            except FormulaError as exc:
                raise WorksheetInvalid(
                    texts.LKE_FORMULA.format(code=code, formula=q.get("formula", ""), reason=exc)
                ) from None
        assert isinstance(scale, str)
        return Question(
            code=code,
            text=q["text"],
            scale=scale,
            criteria=str(q.get("criteria", "")),
            area=area,
            part=part,
            indicator=indicator,
            inputs=inputs,
            formula=str(q.get("formula", "")) if scale == PERSEN else "",
            node=node,
        )

    def hasil(
        self, raw: Any, parts: tuple[Part, ...], scales: Mapping[str, Any]
    ) -> tuple[HasilItem, ...]:
        ok = isinstance(raw, list) and all(isinstance(h, dict) and h.get("code") for h in raw)
        self.need(ok and raw, texts.LKE_HASIL_ITEMS)
        codes = [h["code"] for h in raw]
        self.need(len(set(codes)) == len(codes), texts.LKE_HASIL_ITEMS)
        if self.pinned:
            self.need(set(codes) == set(_PINNED_HASIL), texts.LKE_HASIL_ITEMS)
        part_codes = {p.code for p in parts}
        items: list[HasilItem] = []
        for h in raw:
            code = h["code"]
            ok = h.get("part") in part_codes and _num(h.get("weight")) and h["weight"] > 0
            ok = ok and (h.get("scale") == SURVEY or h.get("scale") in scales)
            if self.pinned:
                part, weight, scale = _PINNED_HASIL[code]
                ok = (
                    ok and h["part"] == part and _close(h["weight"], weight) and h["scale"] == scale
                )
            self.need(ok, texts.LKE_HASIL_BAD, code=code)
            items.append(
                HasilItem(
                    code=code,
                    name=str(h.get("name", code)),
                    part=h["part"],
                    weight=float(h["weight"]),
                    scale=h["scale"],
                    text=str(h.get("text", "")),
                    criteria=str(h.get("criteria", "")),
                )
            )
        for p in parts:
            self.need(
                set(p.items) == {h.code for h in items if h.part == p.code},
                texts.LKE_HASIL_PART_ITEMS, part=p.code,
            )  # fmt: skip
            total = sum(h.weight for h in items if h.part == p.code)
            self.need(
                _close(total, p.weight),
                texts.LKE_HASIL_PART_SUM,
                part=p.code,
                total=total,
                want=p.weight,
            )
        return tuple(items)

    def minimums(
        self, raw: Any, hasil: tuple[HasilItem, ...], hasil_parts: tuple[Part, ...]
    ) -> tuple[tuple[Level, ...], str, str, str]:
        self.need(isinstance(raw, dict), texts.LKE_MISSING_KEY, key="minimums")
        known = {h.code for h in hasil} | {p.code for p in hasil_parts}
        level_codes = [k for k, v in raw.items() if isinstance(v, dict)]
        self.need(level_codes, texts.LKE_NO_LEVELS)
        if self.pinned:
            for level, expected in _PINNED_MINIMUMS.items():
                got = raw.get(level) if isinstance(raw.get(level), dict) else {}
                for key, value in expected.items():
                    have = got.get(key)
                    same = (
                        have == value
                        if isinstance(value, bool)
                        else _num(have) and _close(float(have or 0), value)
                    )
                    self.need(
                        same, texts.LKE_MINIMUM_PINNED, level=level, key=key, got=have, want=value
                    )
        levels: list[Level] = []
        for code in level_codes:
            values = raw[code]
            for key in LEVEL_KEYS:
                self.need(_num(values.get(key)), texts.LKE_MINIMUM_MISSING, level=code, key=key)
            self.need(
                0 < values["area_percent"] <= 100,
                texts.LKE_MINIMUM_MISSING,
                level=code,
                key="area_percent",
            )
            hasil_minimums: list[tuple[str, float]] = []
            requires: list[str] = []
            for key, value in values.items():
                if key in LEVEL_KEYS:
                    continue
                if key.startswith("requires_"):
                    other = key.removeprefix("requires_")
                    self.need(
                        isinstance(value, bool) and other in level_codes,
                        texts.LKE_MINIMUM_UNKNOWN,
                        level=code,
                        key=key,
                    )
                    if value:
                        requires.append(other)
                    continue
                self.need(
                    key in known and _num(value), texts.LKE_MINIMUM_UNKNOWN, level=code, key=key
                )
                hasil_minimums.append((key, float(value)))
            levels.append(
                Level(
                    code=code,
                    total=float(values["total"]),
                    pengungkit=float(values["pengungkit"]),
                    area_percent=float(values["area_percent"]),
                    hasil=tuple(hasil_minimums),
                    requires=tuple(requires),
                )
            )
        rule_text = raw.get("per_area_applies_to")
        self.need(isinstance(rule_text, str) and rule_text.strip(), texts.LKE_AREA_RULE_MISSING)
        assert isinstance(rule_text, str)
        rule = _area_rule(rule_text)
        self.need(rule, texts.LKE_AREA_RULE_UNKNOWN, value=rule_text)
        if self.pinned:
            weights = {h.code: h.weight for h in hasil}
            for item, index in _PINNED_SURVEY_INDEX.items():
                self.need(
                    _close(raw["wbk"][item], index / SURVEY_MAX * weights[item]),
                    texts.LKE_SURVEY_INDEX, item=item, index=index,
                )  # fmt: skip
        comparison = raw.get("comparison", ">=")
        self.need(comparison in (">=", ">"), texts.LKE_COMPARISON, value=comparison)
        return tuple(levels), comparison, rule, rule_text


def _area_rule(text: str) -> str:
    """``area total (pemenuhan+reform) — ...`` → total; ``each part ...`` → part; else ""."""
    head = text.strip().lower()
    if head.startswith(("area total", "total")):
        return AREA_RULE_TOTAL
    if head.startswith(("each part", "per part", "setiap bagian", "per bagian")):
        return AREA_RULE_PART
    return ""
