"""The stored calendar: seeding, administrators' imports and edits, and the recompute registry."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from yangguang.core import calendar
from yangguang.core.models import AuditEvent, CalendarDay, CalendarYear

D = date.fromisoformat


@pytest.fixture
def recomputed():
    """A stand-in for a later app's deadlines: records what it was asked to recompute."""
    calls = []

    @calendar.register_recomputer("test-deadlines")
    def recompute(*, calendar, since):
        calls.append((since, calendar.add_workdays(D("2026-12-30"), 3).date))
        return 7

    yield calls
    calendar._recomputers.pop("test-deadlines")


def test_seed_loads_every_package_year_once(db):
    years = calendar.calendar_seed_from_package()
    assert years[0] == 2004 and years[-1] >= 2026
    assert calendar.calendar_seed_from_package() == []
    assert CalendarDay.objects.get(date=D("2026-02-14")).kind == CalendarDay.Kind.WORKDAY
    assert CalendarDay.objects.get(date=D("2026-02-17")).name == "春节"
    assert calendar.add_workdays(D("2026-02-10"), 20) == type(calendar.add_workdays(D("2026-02-10"), 20))(D("2026-03-16"), False)


def test_seed_never_overwrites_an_administrators_year(seeded_calendar):
    calendar.calendar_import(actor=None, rows=[calendar.DayRow(D("2026-03-02"), "holiday", "测试")])
    calendar.calendar_seed_from_package()
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", flat=True)) == [D("2026-03-02")]


def test_import_of_next_year_makes_deadlines_exact_and_recomputes(seeded_calendar, recomputed):
    before = calendar.add_workdays(D("2026-12-30"), 3)
    assert before.provisional and before.date == D("2027-01-04")
    rows = calendar.read_rows(
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n",
        filename="2027.csv",
    )
    result = calendar.calendar_import(actor=None, rows=rows, document="国办发明电〔2026〕1号")
    after = calendar.add_workdays(D("2026-12-30"), 3)
    assert after.provisional is False
    assert after.date == D("2027-01-05")  # 31 Dec, (1–3 Jan off), 4 Jan, 5 Jan
    assert result["recomputed"]["test-deadlines"] == 7
    assert recomputed == [(D("2027-01-01"), D("2027-01-05"))]
    event = AuditEvent.objects.filter(action="calendar.recompute_deadlines").first()
    assert event.after["test-deadlines"] == 7
    assert AuditEvent.objects.filter(action="calendar.import", success=True).exists()


def test_day_edit_is_seen_by_the_cached_calendar_and_recomputes(seeded_calendar, recomputed):
    assert calendar.add_workdays(D("2026-03-06"), 1).date == D("2026-03-09")
    calendar.calendar_day_set(actor=None, day=D("2026-03-09"), kind="holiday", name="临时调整")
    assert calendar.add_workdays(D("2026-03-06"), 1).date == D("2026-03-10")
    assert recomputed[0][0] == D("2026-03-09")
    calendar.calendar_day_remove(actor=None, day=D("2026-03-09"))
    assert calendar.add_workdays(D("2026-03-06"), 1).date == D("2026-03-09")


def test_calendar_change_in_another_process_is_noticed(seeded_calendar):
    calendar.get_calendar()
    # Another server changes the table and the revision token directly.
    CalendarDay.objects.create(date=D("2026-03-09"), kind="holiday", name="他处修改")
    from yangguang.core.models import CalendarRevision

    CalendarRevision.objects.filter(pk=1).update(token="changed-elsewhere")
    assert calendar.add_workdays(D("2026-03-06"), 1).date == D("2026-03-10")


@pytest.mark.parametrize(
    "content, filename, message",
    [
        ("date,kind,name\n2027-02-30,holiday,春节\n", "a.csv", "第 2 行 date（日期）"),
        ("date,kind,name\n2027-02-10,vacation,春节\n", "a.csv", "第 2 行 kind（类型）"),
        ("date,kind\n2027-02-10,holiday\n2027-02-10,workday\n", "a.csv", "第 3 行 date（日期）：2027-02-10 与第 2 行重复"),
        ("day,type\n2027-02-10,holiday\n", "a.csv", "表头"),
        ("[{\"date\": \"2027-01-01\"}]", "a.json", "第 1 行 kind"),
        ("{not json", "a.json", "JSON 格式错误"),
        ("date,kind\n", "a.csv", "没有任何日期行"),
        ("x", "a.txt", "只支持 .csv 或 .json"),
    ],
)
def test_bad_import_names_the_line_and_field_and_writes_nothing(seeded_calendar, content, filename, message):
    count = CalendarDay.objects.count()
    with pytest.raises(ValidationError) as exc:
        calendar.read_rows(content, filename=filename)
    assert message in "；".join(exc.value.messages)
    assert CalendarDay.objects.count() == count


def test_import_command_accepts_json_and_reports(seeded_calendar, tmp_path, capsys):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"rows": [
        {"date": "2027-02-06", "kind": "holiday", "name": "春节"},
        {"date": "2027-02-20", "kind": "workday", "name": "春节"},
    ]}), encoding="utf-8")
    call_command("workdays", "import", str(path), "--document", "测试文件")
    assert "已导入 2027 年共 2 个放假/调休日" in capsys.readouterr().out
    assert CalendarYear.objects.get(year=2027).document == "测试文件"
    assert calendar.get_calendar().is_workday(D("2027-02-20"))


def test_import_command_refuses_bad_file_with_status_2(seeded_calendar, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,坏\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("workdays", "import", str(path))
    assert exc.value.returncode == 2
    assert "第 3 行 date（日期）" in str(exc.value)
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(CommandError) as missing:
        call_command("workdays", "import", str(tmp_path / "nope.csv"))
    assert "找不到文件" in str(missing.value)


def test_failed_change_is_audited_as_a_failure(seeded_calendar):
    with pytest.raises(ValidationError):
        calendar.calendar_day_remove(actor=None, day=D("2026-03-11"))
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "calendar.day_remove" and event.success is False
    assert "没有放假或调休安排" in event.reason
