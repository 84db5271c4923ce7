"""The ``yangguang`` command as a person types it: real processes, real exit statuses."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """A migrated SQLite database of its own, so these processes never touch the test database."""
    home = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{home / 'cli.sqlite3'}",
        "YANGGUANG_HOME": str(home),
    }
    def run(*args, stdin=""):
        return subprocess.run(
            [sys.executable, "-m", "yangguang", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
        )

    result = run("demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    return run


def test_workdays_add_prints_one_iso_date(cli_env):
    result = cli_env("workdays", "add", "2026-02-10", "20")
    assert (result.returncode, result.stdout, result.stderr) == (0, "2026-03-16\n", "")


def test_workdays_add_past_configured_years_warns_on_stderr(cli_env):
    result = cli_env("workdays", "add", "2026-12-30", "3")
    assert result.returncode == 0
    assert result.stdout == "2027-01-04\n"
    assert "暂定" in result.stderr


def test_workdays_count_and_show(cli_env):
    assert cli_env("workdays", "count", "2026-02-10", "2026-03-10").stdout == "16\n"
    shown = cli_env("workdays", "show", "2026").stdout
    assert "2026-02-14  六  调休上班  春节" in shown
    assert "2026-10-07  三  放假  国庆节" in shown


@pytest.mark.parametrize(
    "args, field",
    [
        (["workdays", "add", "2026-02-30", "20"], "起始日期"),
        (["workdays", "add", "2026-02-10", "twenty"], "工作日数"),
        (["workdays", "add", "2026-02-10", "99999"], "工作日数"),
        (["workdays", "add", "2026-02-10"], "缺少参数"),
        (["workdays", "count", "2026-02-10", "tomorrow"], "截止日期"),
        (["workdays", "show", "20x6"], "年份"),
        (["workdays", "frobnicate"], "无效的选项"),
        (["workdays", "import", "/nonexistent.csv"], "找不到文件"),
        (["org", "list", "--format", "yaml"], "无效的选项"),
    ],
)
def test_bad_input_is_one_chinese_line_and_status_2(cli_env, args, field):
    result = cli_env(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert field in lines[0]
    assert "Traceback" not in result.stderr


def test_org_list_json(cli_env):
    rows = json.loads(cli_env("org", "list", "--format", "json").stdout)
    by_code = {r["code"]: r for r in rows}
    assert set(rows[0]) == {"code", "name", "kind", "parent"}
    assert by_code["SLS-SFJ"] == {"code": "SLS-SFJ", "name": "示例市司法局", "kind": "department", "parent": "SLS"}
    assert by_code["SLS-SFJ-GZC"]["parent"] == "SLS-SFJ"


def test_audit_verify_passes_on_the_demo_database_and_demo_is_idempotent(cli_env):
    again = cli_env("demo", "--no-serve")
    assert again.returncode == 0 and "跳过" in again.stdout
    result = cli_env("audit", "verify")
    assert result.returncode == 0
    assert result.stdout.startswith("OK")


def test_settings_refuse_the_demo_secret_key_without_debug(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("YANGGUANG_")}
    env.update(YANGGUANG_HOME=str(tmp_path), YANGGUANG_DEBUG="false",
               YANGGUANG_SECRET_KEY="yangguang-demo-secret-key-do-not-use-in-production")
    result = subprocess.run([sys.executable, "-m", "yangguang", "check"], env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert "演示密钥" in result.stderr and "Traceback" not in result.stderr
    env.update(YANGGUANG_DEBUG="maybe")
    result = subprocess.run([sys.executable, "-m", "yangguang", "check"], env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "YANGGUANG_DEBUG" in result.stderr
    env.pop("YANGGUANG_SECRET_KEY")
    env.update(YANGGUANG_DEBUG="false")
    result = subprocess.run([sys.executable, "-m", "yangguang", "check"], env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "YANGGUANG_SECRET_KEY" in result.stderr


def test_user_create_for_the_first_administrators(cli_env):
    args = ["user", "create", "boss", "--full-name", "首任管理员", "--org", "SLS", "--role", "audit_admin", "--password-stdin"]
    weak = cli_env(*args, stdin="password\n")
    assert weak.returncode == 2 and "密码" in weak.stderr
    assert cli_env(*args[:6], "NOPE", *args[7:], stdin="Strong@Pass2026\n").stderr.strip().endswith("找不到机构编码 NOPE")
    created = cli_env(*args, stdin="Strong@Pass2026\n")
    assert created.returncode == 0, created.stderr
    assert "审计管理员" in created.stdout
    assert cli_env(*args, stdin="Strong@Pass2026\n").returncode == 2  # already exists


def test_token_create_prints_the_key_once(cli_env):
    result = cli_env("token", "create", "chuangkou", "--name", "测试对接", "--days", "30")
    assert result.returncode == 0
    assert result.stdout.startswith("yg_") and "请立即妥善保存" in result.stderr
    assert cli_env("token", "create", "nobody", "--name", "x").returncode == 2


def test_org_add(cli_env):
    created = cli_env("org", "add", "NEWDEPT", "示例市新设局", "--kind", "department", "--parent", "SLS")
    assert created.returncode == 0, created.stderr
    rows = {r["code"]: r for r in json.loads(cli_env("org", "list", "--format", "json").stdout)}
    assert rows["NEWDEPT"]["parent"] == "SLS"
    assert "已存在" in cli_env("org", "add", "NEWDEPT", "重复", "--kind", "department").stderr
    assert cli_env("org", "add", "X", "坏编码", "--kind", "department", "--parent", "NOPE").returncode == 2
    assert cli_env("org", "add", "bad code!", "坏编码", "--kind", "department").returncode == 2
