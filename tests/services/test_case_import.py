"""``yangguang cases import`` / ``export``: a whole file or nothing, every error by line and field,
and imported cases whose stored dates are what the statistics count (checked by hand against the
2026 calendar: 中秋 9月25–27日 and 国庆 10月1–7日 off, 10月10日 (Saturday) a working day)."""

import json
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Sum

from yangguang.core.models import AuditEvent, NumberSequence
from yangguang.core.numbering import next_number
from yangguang.services import importer, rules, services
from yangguang.services.models import Case, Suspension

D = date.fromisoformat


def case(number, **overrides) -> dict:
    record = {"number": number, "item": "GA-001", "org": "C-ZWFW", "channel": "window", "accepted_on": "2026-09-29",
              "completed_on": "2026-10-14", "result": "approved", "suspensions": []}
    record.update(overrides)
    return record


def write(tmp_path, records, name="old.jsonl") -> str:
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run_import(path, capsys, *extra) -> str:
    call_command("cases", "import", path, *extra)
    return capsys.readouterr().out


def refused(path, capsys) -> list[str]:
    with pytest.raises(CommandError) as exc:
        call_command("cases", "import", path)
    assert exc.value.returncode == 2 and "未导入任何内容" in str(exc.value)
    return capsys.readouterr().err.splitlines()


VALID = [
    # 一审一核 licence (legal 20, committed 5) across National Day with a correction of 12–13 October:
    # working days after 29 Sep up to 14 Oct: 30 Sep, 8, 9, 10 (Sat), 12, 13, 14 Oct = 7, less 12 and
    # 13 Oct = 5, exactly the limit; due on 14 Oct (4 days before the pause, 1 after); saves 15.
    case("OLD-1", window="01", applicant_name="示例市恒远建设有限公司", delivered_on="2026-10-15",
         submitted_at="2026-09-29T10:15:00+08:00",
         suspensions=[{"from": "2026-10-12", "to": "2026-10-13", "reason": "申请材料不齐全，一次性告知补正"}]),
    # 即办件 completed on the spot: 0 used.
    case("OLD-2", item="GA-002", accepted_on="2026-09-30", completed_on="2026-09-30", channel="agency",
         agency_point="C-A-1-01", window="1"),
    # 承诺件 without a legal limit (3 days): 8 and 9 Oct = 2 used; nothing saved (no legal limit).
    case("OLD-3", item="MZ-001", accepted_on="2026-09-30", completed_on="2026-10-09", result="refused", channel="online"),
    "",  # blank lines are ignored
    # Open, waiting for a correction since 14 Oct: the clock stops, no due date.
    case("OLD-4", accepted_on="2026-10-12", completed_on=None, result=None,
         suspensions=[{"from": "2026-10-14", "to": None, "reason": "补正身份证明", "kind": "correction"}]),
    # Open, decided at the window (no review step): due 3 working days after 12 Oct = 15 Oct.
    case("OLD-5", item="MZ-001", accepted_on="2026-10-12", completed_on=None, result=None),
    # Open licence under review, tested 13–14 Oct: 10 (Sat), 12 Oct, then 15, 16, 19 Oct → due 19 Oct.
    case("OLD-6", accepted_on="2026-10-09", completed_on=None, result=None,
         suspensions=[{"from": "2026-10-13", "to": "2026-10-14", "reason": "产品检验检测"}]),
    # The platform's own number pattern moves the live sequence past it.
    case("C-ZWFW-BJ-2026-000042", accepted_on="2026-03-02", completed_on="2026-03-02"),
]


def test_a_valid_file_stores_what_the_statistics_count(hall, tmp_path, capsys):
    out = run_import(write(tmp_path, VALID), capsys)
    assert "已从 old.jsonl 导入 7 件办件（其中未办结 3 件）、3 段暂停计时记录：C-ZWFW 7 件。" in out
    got = {c.number: c for c in Case.objects.all()}
    one = got["OLD-1"]
    assert (one.status, one.used_workdays, one.due_on, one.committed_limit, one.legal_limit) == (rules.DELIVERED, 5, D("2026-10-14"), 5, 20)
    assert one.window == hall.window_police and one.department == hall.police and one.location == hall.centre
    assert one.imported and one.result == "approved" and one.applicant_name == "示例市恒远建设有限公司"
    assert one.suspensions.get().kind == "correction"  # derived from the reason
    assert (got["OLD-2"].used_workdays, got["OLD-2"].due_on, got["OLD-2"].immediate) == (0, D("2026-09-30"), True)
    assert got["OLD-2"].agency_point == hall.world.village and got["OLD-2"].window == hall.window_police
    assert (got["OLD-3"].used_workdays, got["OLD-3"].status, got["OLD-3"].result) == (2, rules.COMPLETED, "refused")
    assert got["OLD-3"].applicant_name == importer.MISSING_NAME
    assert (got["OLD-4"].status, got["OLD-4"].due_on, got["OLD-4"].used_workdays) == (rules.CORRECTION, None, None)
    assert got["OLD-4"].correction_requested_on == D("2026-10-14")
    assert (got["OLD-5"].status, got["OLD-5"].due_on, got["OLD-5"].warning_on) == (rules.ACCEPTED, D("2026-10-15"), D("2026-10-14"))
    assert (got["OLD-6"].status, got["OLD-6"].due_on) == (rules.REVIEWING, D("2026-10-19"))
    assert got["OLD-6"].suspensions.get().kind == "testing"
    assert len({c.tracking_code for c in got.values()}) == 7
    completed = Case.objects.filter(completed_on__range=(D("2026-09-01"), D("2026-10-31")))
    assert completed.count() == 3
    assert completed.filter(completed_on=F("accepted_on")).count() == 1
    assert completed.filter(used_workdays__lte=F("committed_limit")).count() == 3
    assert completed.exclude(legal_limit=None).aggregate(s=Sum(F("legal_limit") - F("used_workdays")))["s"] == 15
    assert NumberSequence.objects.get(kind=services.NUMBER_KIND, year=2026).last_value == 42
    _, number = next_number(organisation=hall.centre, kind=services.NUMBER_KIND, year=2026, default_template=services.NUMBER_TEMPLATE)
    assert number == "C-ZWFW-BJ-2026-000043"
    event = AuditEvent.objects.get(action="services.import")
    assert event.after["cases"] == 7 and event.after["organisations"] == {"C-ZWFW": 7}


BAD = [
    case("B-1", accepted_on="2026/03/02"),
    case("B-2", accepted_on="2026-02-30", completed_on=None, result=None),
    case("B-3", item="NOPE-1"),
    case("B-4", org="NOWHERE"),
    case("B-5", accepted_on="2026-03-10", completed_on="2026-03-09"),
    case("B-6", completed_on=None),  # a result without completion
    case("B-7", result=None),  # completion without a result
    case("B-8", suspensions=[{"from": "2026-10-08", "to": "2026-10-12"}, {"from": "2026-10-12", "to": "2026-10-13"}]),
    case("OLD-1"),
    case("B-9", channel="fax", colour="red"),
    case("B-10", window="99"),
    case("B-11", channel="window", agency_point="C-A-1-01"),
    case("B-12", suspensions=[{"from": "2026-10-08", "to": None}]),
    case("B-13", suspensions=[{"from": "2026-10-08", "to": "2026-10-09", "kind": "holiday"}]),
    case("B-14", accepted_on="2099-01-05", completed_on=None, result=None),
    "{not json",
    "[1, 2]",
    case("B-15", submitted_at="2026-09-30T09:00:00+08:00"),
    case("B-16", delivered_on="2026-10-13"),
    case("B-17", result="granted"),
    case("B-18", suspensions=[{"from": "2026-09-28", "to": "2026-09-30"}]),
    case("B-19", agency_point="C-A", channel="agency"),
    case("OLD-9"),
    case("OLD-9"),
    case("B-20", channel=["window"], result={"ok": True}),
]


def test_every_bad_line_is_reported_by_line_and_field_and_nothing_is_written(hall, tmp_path, capsys):
    run_import(write(tmp_path, [case("OLD-1")], "first.jsonl"), capsys)
    events = AuditEvent.objects.count()
    errors = refused(write(tmp_path, BAD), capsys)
    expected = [
        '第 1 行 accepted_on："2026/03/02" 不是 YYYY-MM-DD 格式的日期',
        "第 2 行 accepted_on：2026-02-30 不是有效的日期",
        "第 3 行 item：没有编码为 NOPE-1 的事项",
        "第 4 行 org：没有代码为 NOWHERE 的机构",
        "第 5 行 completed_on：办结日期 2026-03-09 早于受理日期 2026-03-10",
        "第 6 行 result：有办理结果的办件须填写办结日期（completed_on）",
        "第 7 行 result：已办结（有 completed_on）的办件须填写办理结果：approved 或 refused",
        "第 8 行 suspensions：暂停计时的时间重叠：2026-10-08 起的一段与 2026-10-12 起的一段",
        "第 9 行 number：编号 OLD-1 的办件已在系统中（不能重复导入）",
        '第 10 行 channel："fax" 无效，可选：window（窗口受理）、online（网上申报）、agency（便民服务点代办）',
        "第 10 行 colour：未知字段",
        '第 11 行 window：C-ZWFW 没有 "99" 号窗口',
        "第 12 行 agency_point：只有便民服务点代办（channel 为 agency）的办件才有代办点",
        "第 13 行 suspensions[0].to：已办结的办件，暂停计时须有结束日期",
        '第 14 行 suspensions[0].kind："holiday" 无效',
        "第 15 行 accepted_on：2099-01-05 晚于今天",
        "第 16 行：不是有效的 JSON",
        "第 17 行：应为一个 JSON 对象",
        "第 18 行 submitted_at：提交时间 2026-09-30T09:00:00+08:00 晚于受理日期 2026-09-29",
        "第 19 行 delivered_on：送达日期 2026-10-13 早于办结日期 2026-10-14",
        '第 20 行 result："granted" 无效',
        "第 21 行 suspensions[0].from：开始日期 2026-09-28 早于受理日期 2026-09-29",
        "第 22 行 agency_point：代办点须为镇（街道）或村（社区），C-A 是人民政府",
        "第 24 行 number：编号 OLD-9 与第 23 行重复",
        '第 25 行 channel：["window"] 无效',
        '第 25 行 result：{"ok": true} 无效',
    ]
    for message in expected:
        assert any(e.startswith(message) for e in errors), message
    assert len(errors) == len(expected)
    assert not any(e.startswith("第 23 行") for e in errors)
    assert Case.objects.count() == 1 and Suspension.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_one_bad_line_at_the_end_undoes_every_batch_before_it(hall, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)  # the good lines are already inserted when the bad one comes
    records = [case(f"OK-{n}") for n in range(7)] + [case("BAD", org="NOWHERE")]
    assert refused(write(tmp_path, records), capsys) == ["第 8 行 org：没有代码为 NOWHERE 的机构"]
    assert not Case.objects.exists() and not NumberSequence.objects.exists()


def test_dry_run_checks_and_writes_nothing(hall, tmp_path, capsys):
    out = run_import(write(tmp_path, VALID), capsys, "--dry-run")
    assert "检查通过：old.jsonl 共 7 件办件" in out and not Case.objects.exists()
    assert refused(write(tmp_path, [case("X", item="NOPE")], "bad.jsonl"), capsys) == ["第 1 行 item：没有编码为 NOPE 的事项"]


def test_export_round_trips_through_import(hall, tmp_path, capsys):
    run_import(write(tmp_path, VALID), capsys)
    call_command("cases", "export", str(tmp_path / "out.jsonl"), "--org", "C-ZWFW")
    assert "已导出 7 件办件到 out.jsonl。" in capsys.readouterr().out
    exported = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    originals = {r["number"]: r for r in VALID if isinstance(r, dict)}
    for record in exported:
        original = originals[record["number"]]
        assert {k: record[k] for k in original if k not in ("window", "suspensions")} == {
            k: v for k, v in original.items() if k not in ("window", "suspensions")}
        assert [{k: s[k] for k in ("from", "to")} for s in record["suspensions"]] == [
            {k: s[k] for k in ("from", "to")} for s in original["suspensions"]]
    assert exported[0]["window"] == "01" and exported[0]["suspensions"][0]["kind"] == "correction"
    assert exported[0]["submitted_at"] == "2026-09-29T10:15:00+08:00"
    first = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    Suspension.objects.all().delete()
    Case.objects.all().delete()
    run_import(str(tmp_path / "out.jsonl"), capsys)
    call_command("cases", "export", str(tmp_path / "again.jsonl"))
    assert (tmp_path / "again.jsonl").read_text(encoding="utf-8") == first


def test_the_cli_exits_with_status_2_and_a_chinese_line(hall, tmp_path, capsys, monkeypatch):
    from yangguang.services.management.commands.cases import Command

    # run_from_argv closes the connection when done; inside the test's transaction that would end it.
    monkeypatch.setattr("yangguang.core.cli.connections", SimpleNamespace(close_all=lambda: None))
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["yangguang", "cases", "import", str(tmp_path / "nope.jsonl")])
    assert exc.value.code == 2
    assert capsys.readouterr().err.strip().startswith("错误：file：找不到文件")
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["yangguang", "cases", "import", write(tmp_path, [case("X", org="NOWHERE")])])
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines() == ["第 1 行 org：没有代码为 NOWHERE 的机构", "错误：old.jsonl 共有 1 处错误，未导入任何内容"]
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["yangguang", "cases", "export", str(tmp_path / "x.jsonl"), "--org", "NOPE"])
    assert exc.value.code == 2 and "没有代码为 NOPE 的机构" in capsys.readouterr().err
    Command().run_from_argv(["yangguang", "cases", "import", write(tmp_path, VALID)])  # no SystemExit: status 0
    assert Case.objects.count() == 7


def test_an_empty_file_and_a_bom_are_handled(hall, tmp_path, capsys):
    assert refused(write(tmp_path, [""], "empty.jsonl"), capsys) == ["文件中没有任何办件"]
    path = tmp_path / "bom.jsonl"
    path.write_text("\ufeff" + json.dumps(case("BOM-1"), ensure_ascii=False) + "\n", encoding="utf-8")
    run_import(str(path), capsys)
    assert Case.objects.filter(number="BOM-1").exists()
