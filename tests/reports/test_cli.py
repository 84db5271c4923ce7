"""From the command line, in processes of their own: import applications from an earlier system,
then generate the annual report and compare it with a hand count."""

import json
import os
import subprocess
import sys

import pytest

LINES = [
    # received 2025, concluded 2026: carried in, one result
    {"record": "application", "number": "OLD-1", "org": "CLI-SFJ", "applicant_type": "natural_person", "channel": "post",
     "received_on": "2025-12-29", "description": "某信息", "concluded_on": "2026-01-06", "result": "disclosed"},
    # received 2025, still open: carried in and carried out
    {"record": "application", "number": "OLD-2", "org": "CLI-SFJ", "applicant_type": "business", "channel": "online",
     "received_on": "2025-11-03", "description": "某信息", "concluded_on": None, "result": None},
    # received and concluded in 2026
    {"record": "application", "number": "NEW-1", "org": "CLI-SFJ", "applicant_type": "legal_service", "channel": "fax",
     "received_on": "2026-03-02", "description": "某信息", "concluded_on": "2026-03-20", "result": "withheld.third_party_rights",
     "consultations": [{"kind": "third_party", "from": "2026-03-04", "to": "2026-03-10"}]},
    {"record": "application", "number": "NEW-2", "org": "CLI-SFJ", "applicant_type": "natural_person", "channel": "in_person",
     "received_on": "2026-05-06", "description": "某信息", "concluded_on": "2026-05-07", "result": "other.no_correction",
     "corrections": [{"requested_on": "2026-05-07", "received_on": None}]},
    # received 2026, concluded 2027-to-be (still open now): new and carried out
    {"record": "application", "number": "NEW-3", "org": "CLI-SFJ", "applicant_type": "research", "channel": "post",
     "received_on": "2026-06-01", "description": "某信息", "concluded_on": None, "result": None},
    {"record": "review", "application": "NEW-1", "kind": "reconsideration", "filed_on": "2026-04-01",
     "outcome": "corrected", "decided_on": "2026-06-01"},
]


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    home = tmp_path_factory.mktemp("report-cli")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{home / 'cli.sqlite3'}", "YANGGUANG_HOME": str(home)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "yangguang", *args], env=env, capture_output=True, text=True, timeout=180)

    for args in (("migrate", "--verbosity", "0"), ("workdays", "seed"),
                 ("org", "add", "CLI-SFJ", "命令行测试司法局", "--kind", "department")):
        result = run(*args)
        assert result.returncode == 0, result.stderr
    (home / "old.jsonl").write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in LINES) + "\n", encoding="utf-8")
    result = run("foi", "import", str(home / "old.jsonl"))
    assert result.returncode == 0, result.stderr
    run.home = home
    return run


def test_the_imported_year_counts_as_counted_by_hand(cli):
    result = cli("report", "annual", "--org", "CLI-SFJ", "--year", "2026", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    s3 = report["s3_applications"]
    cols = ["natural_person", "business", "research", "public_welfare", "legal_service", "other_org", "total"]
    assert [s3["new"][c] for c in cols] == [1, 0, 1, 0, 1, 0, 3]
    assert [s3["carried_in"][c] for c in cols] == [1, 1, 0, 0, 0, 0, 2]
    assert [s3["results.disclosed"][c] for c in cols] == [1, 0, 0, 0, 0, 0, 1]
    assert [s3["results.withheld.third_party_rights"][c] for c in cols] == [0, 0, 0, 0, 1, 0, 1]
    assert [s3["results.other.no_correction"][c] for c in cols] == [1, 0, 0, 0, 0, 0, 1]
    assert [s3["results.total"][c] for c in cols] == [2, 0, 0, 0, 1, 0, 3]
    assert [s3["carried_out"][c] for c in cols] == [0, 1, 1, 0, 0, 0, 2]
    assert report["s4_review_litigation"]["reconsideration"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}
    assert (report["org"], report["year"], report["status"]) == ("CLI-SFJ", 2026, "draft")


def test_2025_carries_out_what_2026_carries_in(cli):
    report = json.loads(cli("report", "annual", "--org", "CLI-SFJ", "--year", "2025").stdout)
    assert report["s3_applications"]["carried_out"]["total"] == 2 and report["s3_applications"]["new"]["total"] == 2


@pytest.mark.parametrize("fmt, magic", [("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF-"), ("html", b"<!DOCTYPE html>")])
def test_every_format_is_written(cli, fmt, magic):
    target = cli.home / f"report.{fmt}"
    result = cli("report", "annual", "--org", "CLI-SFJ", "--year", "2026", "--format", fmt, "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().lstrip()[: len(magic)] == magic


@pytest.mark.parametrize("args, message", [
    (("--org", "NOPE", "--year", "2026"), "找不到编码为“NOPE”的机关"),
    (("--org", "CLI-SFJ", "--year", "twenty"), "年度"),
    (("--org", "CLI-SFJ", "--year", "2026", "--format", "pdf"), "--output"),
    (("--org", "CLI-SFJ", "--year", "2026", "--published"), "尚未发布"),
])
def test_bad_arguments_exit_2_with_one_chinese_line(cli, args, message):
    result = cli("report", "annual", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
