"""``yangguang report supervision --org CODE --as-of YYYY-MM-DD --format json``: the counts by light of
an organisation's subtree (the small hall of test_dashboard, around the 2026 Spring Festival), and
bad input answered with one Chinese line and exit status 2."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from ..services.conftest import hall  # noqa: F401 - the fixture
from .test_dashboard import _dashboard_today, desk  # noqa: F401 - fixtures


def report(tmp_path, *args) -> dict:
    """Runs the command with --output and reads the file back (stdout is tested once, below)."""
    path = tmp_path / "supervision.json"
    call_command("report", "supervision", *args, "--output", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def lights(counts: dict) -> tuple:
    return tuple(counts[k] for k in ("green", "yellow", "red", "stopped", "total"))


@pytest.mark.django_db
def test_the_whole_city_today(desk, capsys, tmp_path):
    call_command("report", "supervision", "--org", "C", "--as-of", "2026-02-24", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert report(tmp_path, "--org", "C", "--as-of", "2026-02-24") == data
    assert data["organisation"] == {"code": "C", "name": "测试市人民政府"} and data["as_of"] == "2026-02-24"
    #                               green yellow red stopped total
    assert lights(data["cases"]) == (1, 2, 1, 1, 5)
    assert lights(data["applications"]) == (0, 1, 0, 1, 2)
    assert lights(data["total"]) == (1, 3, 1, 2, 7)
    assert {r["code"]: lights(r) for r in data["cases_by_department"]} == {"C-GAJ": (1, 1, 1, 0, 3),
                                                                          "C-MZJ": (0, 1, 0, 1, 2)}
    assert {r["name"]: lights(r) for r in data["cases_by_window"]} == {
        "01号 公安窗口": (0, 1, 1, 0, 2), "02号 综合窗口": (0, 1, 0, 1, 2), "（无窗口：网上或部门自办）": (1, 0, 0, 0, 1)}
    assert [r["code"] for r in data["applications_by_organisation"]] == ["C-SFJ"]
    assert data["step_overtime"] == 0


@pytest.mark.parametrize("org, as_of, cases, applications", [
    #                       green yellow red stopped total
    ("C-GAJ", "2026-02-24", (1, 1, 1, 0, 3), (0, 0, 0, 0, 0)),  # the police department's own cases: c5, c1, c2
    ("C-SFJ", "2026-02-24", (0, 0, 0, 0, 0), (0, 1, 0, 1, 2)),  # the justice bureau's applications
    ("C-ZWFW", "2026-02-20", (2, 0, 2, 1, 5), (0, 0, 0, 0, 0)),  # the centre in the holiday: c1, c3 green; c2, c6 red
    ("C-ZWFW", "2026-02-13", (2, 2, 0, 1, 5), (0, 0, 0, 0, 0)),  # the day c2 and c6 fall due: yellow
    ("C-B", "2026-02-24", (0, 0, 0, 0, 0), (0, 0, 0, 0, 0)),  # another county: nothing of ours
])
@pytest.mark.django_db
def test_an_organisation_subtree_on_a_day(desk, tmp_path, org, as_of, cases, applications):
    data = report(tmp_path, "--org", org, "--as-of", as_of)
    assert lights(data["cases"]) == cases and lights(data["applications"]) == applications
    assert lights(data["total"]) == tuple(a + b for a, b in zip(cases, applications))


@pytest.mark.django_db
def test_as_of_defaults_to_today(desk, tmp_path):
    assert report(tmp_path, "--org", "C")["as_of"] == "2026-02-24"


@pytest.mark.parametrize("args, message", [
    (("--org", "NOPE", "--as-of", "2026-02-24"), "--org：找不到编码为“NOPE”的机构"),
    (("--org", "C", "--as-of", "2026-03-01"), "晚于今天"),
])
@pytest.mark.django_db
def test_unknown_organisation_or_a_future_day_exit_2(desk, args, message):
    with pytest.raises(CommandError) as caught:
        call_command("report", "supervision", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert caught.value.returncode == 2 and message in str(caught.value)


@pytest.mark.parametrize("args, message", [
    (("--org", "C", "--as-of", "2026-02-30"), "--as-of：'2026-02-30' 不是 YYYY-MM-DD 格式的有效日期"),
    (("--org", "C", "--as-of", "24/02/2026"), "不是 YYYY-MM-DD 格式的有效日期"),
    (("--org", "C", "--format", "xlsx"), "无效的选项"),
    (("--as-of", "2026-02-24",), "缺少参数：--org"),
])
def test_bad_arguments_exit_2_with_one_chinese_line(tmp_path, args, message):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}", "YANGGUANG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "yangguang", "report", "supervision", *args], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
