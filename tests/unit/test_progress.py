from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.progress import (
    AreaProgress,
    SatkerProgress,
    TargetLine,
    due_within,
    is_overdue,
    local_today,
    next_deadlines,
    overdue_lines,
    rank,
)

TODAY = date(2026, 11, 27)


def line(code: str, tenggat: date, status: str = "belum") -> TargetLine:
    return TargetLine(0, code, code.split("-")[0], "kegiatan", "bukti", tenggat, status, None, None)


def satker(code: str, done: int, total: int, overdue: int) -> SatkerProgress:
    area = AreaProgress("MP", "Manajemen Perubahan", total, done, 0, overdue)
    return SatkerProgress(code, f"KPU {code}", "kabkota", (area,))


def test_overdue_is_derived_from_tenggat_status_and_today() -> None:
    assert is_overdue(date(2026, 11, 26), "belum", TODAY)
    assert is_overdue(date(2026, 11, 26), "proses", TODAY)
    assert not is_overdue(date(2026, 11, 26), "selesai", TODAY)
    assert not is_overdue(TODAY, "belum", TODAY)  # due today is not late yet


def test_local_today_uses_the_deployment_zone() -> None:
    # 17:30 UTC on the 26th is already 01:30 on the 27th in WITA.
    now = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    assert local_today(now, ZoneInfo("Asia/Makassar")) == date(2026, 11, 27)
    assert local_today(now, ZoneInfo("UTC")) == date(2026, 11, 26)


def test_due_within_and_overdue_lists() -> None:
    lines = [
        line("MP-01", date(2026, 12, 11)),
        line("MP-02", date(2026, 11, 30)),
        line("MP-03", date(2026, 11, 20)),
        line("MP-04", date(2026, 12, 1), status="selesai"),
        line("MP-05", date(2026, 12, 12)),
        line("MP-06", TODAY),
    ]
    assert [t.item_code for t in due_within(lines, TODAY, 14)] == ["MP-06", "MP-02", "MP-01"]
    assert [t.item_code for t in overdue_lines(lines, TODAY)] == ["MP-03"]
    assert [t.item_code for t in next_deadlines(lines, TODAY, 2)] == ["MP-06", "MP-02"]


def test_rank_by_completion_then_fewest_overdue() -> None:
    ranking = rank([satker("5101", 5, 10, 3), satker("5102", 8, 10, 1), satker("5103", 5, 10, 1)])
    assert [p.satker_code for p in ranking] == ["5102", "5103", "5101"]
    assert ranking[0].percent == 80.0


def test_empty_satker_counts_as_zero_percent() -> None:
    assert satker("5101", 0, 0, 0).percent == 0.0
