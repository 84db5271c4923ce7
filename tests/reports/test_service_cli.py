"""``yangguang report service``: the statistics as JSON, XLSX and HTML from the command line, and
bad input refused with one Chinese line naming the option and exit status 2."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yangguang.reports.management.commands.report import Command
from yangguang.reports.service_stats import KEYS

from .test_service_data import cases, hall  # noqa: F401  (fixtures)

PERIOD = ("--from", "2026-09-01", "--to", "2026-10-31")


def exit_status(capsys, *args) -> tuple[int, str]:
    try:
        Command().run_from_argv(["yangguang", "report", "service", *args])
    except SystemExit as exc:
        return exc.code, capsys.readouterr().err
    return 0, capsys.readouterr().err


def test_json_goes_to_standard_output(cases, capsys):
    call_command("report", "service", "--org", "C", *PERIOD, "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["org", "org_name", "from", "to", "totals", "by_department", "by_window", "by_item",
                            "by_agency_point"]
    assert (report["org"], report["from"], report["to"]) == ("C", "2026-09-01", "2026-10-31")
    assert list(report["totals"]) == list(KEYS)
    assert report["totals"]["accepted"] == 11 and report["totals"]["on_the_spot_rate"] == 0.4444
    assert report["totals"]["avg_compression_workdays"] == 17.5
    assert [(r["code"], r["name"]) for r in report["by_department"]][0] == ("C-GAJ", "测试市公安局")
    for key in ("by_department", "by_window", "by_item", "by_agency_point"):
        assert all(list(row)[-len(KEYS):] == list(KEYS) for row in report[key])


def test_json_is_the_default_and_exits_0(cases, capsys):
    status, err = exit_status(capsys, "--org", "C-ZWFW", *PERIOD)
    assert status == 0 and err == ""


def test_xlsx_opens_with_a_sheet_per_table(cases, tmp_path, capsys):
    target = tmp_path / "stats.xlsx"
    call_command("report", "service", "--org", "C", *PERIOD, "--format", "xlsx", "--output", str(target))
    assert "已写入" in capsys.readouterr().err
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["总体情况", "按部门", "按窗口", "按事项", "按代办点"]
    totals = book["总体情况"]
    assert totals["A1"].value == "测试市人民政府政务服务办件统计"
    assert totals["A2"].value == "统计期间：2026年9月1日至2026年10月31日"
    assert [c.value for c in totals[3]] == ["指标", "数值", "说明"]
    assert (totals["A4"].value, totals["B4"].value) == ("受理件数", 11)
    assert (totals["A7"].value, totals["B7"].value, totals["B7"].number_format) == ("当场办结率", 0.4444, "0.00%")
    departments = book["按部门"]
    assert [c.value for c in departments[3]][:4] == ["部门编码", "部门名称", "受理件数", "办结件数"]
    assert [c.value for c in departments[4]][:3] == ["C-GAJ", "测试市公安局", 7]
    civil = [c.value for c in departments[6]]
    assert civil[0] == "C-MZJ" and civil[-2:] == ["—", "—"]  # no legal limit: no average


def test_html_is_a_standalone_document(cases, capsys):
    call_command("report", "service", "--org", "C-ZWFW", *PERIOD, "--format", "html")
    html = capsys.readouterr().out
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "http" not in html.split("<main>")[0]
    assert "测试市政务服务中心政务服务办件统计" in html and "28.57%" in html
    assert '<th scope="col">当场办结率</th>' in html and '<th scope="row">测试市公安局</th>' in html


@pytest.mark.parametrize("args, message", [
    (("--org", "NOPE", *PERIOD), "--org：找不到编码为“NOPE”的机构"),
    (("--org", "C", "--from", "2026-13-01", "--to", "2026-10-31"), "--from：'2026-13-01' 不是 YYYY-MM-DD 格式的有效日期"),
    (("--org", "C", "--from", "2026-09-01", "--to", "31/10/2026"), "--to："),
    (("--org", "C", "--from", "2026-11-01", "--to", "2026-10-31"), "--from：开始日期 2026-11-01 晚于 --to 结束日期 2026-10-31"),
    (("--org", "C", *PERIOD, "--format", "xlsx"), "--output：xlsx 格式请用 --output 指定输出文件"),
    (("--org", "C", *PERIOD, "--format", "pdf"), "无效的选项"),
    (("--org", "C", "--from", "2026-09-01"), "缺少参数：--to"),
])
def test_bad_input_exits_2_with_one_chinese_line(hall, capsys, args, message):
    status, err = exit_status(capsys, *args)
    assert status == 2, err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unwritable_output_is_refused(hall, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("report", "service", "--org", "C", *PERIOD, "--format", "json",
                     "--output", str(tmp_path / "no" / "such" / "dir.json"), stdout=io.StringIO())
    assert refused.value.returncode == 2 and str(refused.value).startswith("--output：无法写入")
