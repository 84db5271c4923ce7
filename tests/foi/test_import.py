"""``yangguang foi import`` / ``export``: a whole file or nothing, every error by line and field,
imported rows that behave like registered ones (status, clock), and reviews found by number."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yangguang.core import importing
from yangguang.core.models import AuditEvent
from yangguang.core.workcalendar import warning_date
from yangguang.foi import importer, rules, services
from yangguang.foi.models import Application, Pause, Review

from .conftest import resident_id

D = date.fromisoformat


def app(number, **overrides) -> dict:
    record = {
        "record": "application", "number": number, "org": "C-SFJ", "applicant_type": "natural_person",
        "channel": "post", "received_on": "2025-03-03", "description": "申请公开 2024 年度法律援助经费使用情况",
        "concluded_on": "2025-03-20", "result": "disclosed",
    }
    record.update(overrides)
    return record


def review(number, **overrides) -> dict:
    record = {"record": "review", "application": number, "kind": "reconsideration", "filed_on": "2025-05-06",
              "outcome": "upheld", "decided_on": "2025-07-01"}
    record.update(overrides)
    return record


def write(tmp_path, records, name="old.jsonl") -> str:
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run_import(path, capsys) -> tuple[str, str]:
    call_command("foi", "import", path)
    captured = capsys.readouterr()
    return captured.out, captured.err


def refused(path, capsys) -> list[str]:
    with pytest.raises(CommandError) as exc:
        call_command("foi", "import", path)
    assert exc.value.returncode == 2
    assert "未导入任何内容" in str(exc.value)
    return capsys.readouterr().err.splitlines()


VALID = [
    app("YSQ-2025-001", applicant_type="natural_person", channel="online", applicant_name="张三",
        id_type="resident_id", id_number=resident_id(7), phone="138-0000-1111"),
    app("YSQ-2025-002", applicant_type="business", channel="post", result="withheld.third_party_rights",
        consultations=[{"kind": "third_party", "from": "2025-03-05", "to": "2025-03-12", "party": "某某公司"}]),
    app("YSQ-2025-003", applicant_type="research", channel="in_person", result="other.fee_unpaid",
        extensions=[{"workdays": 15, "notified_on": "2025-03-18", "reason": "需要调取档案"}], concluded_on="2025-04-20"),
    app("YSQ-2025-004", applicant_type="public_welfare", channel="fax", result="unavailable.unclear_after_correction",
        corrections=[{"requested_on": "2025-03-04", "received_on": "2025-03-10", "items": "请明确所需信息的年份"}]),
    "",  # blank lines are ignored
    app("YSQ-2026-001", applicant_type="legal_service", channel="online", received_on="2026-02-10",
        concluded_on=None, result=None),
    app("YSQ-2026-002", applicant_type="other_org", channel="post", received_on="2026-02-10", concluded_on=None,
        result=None, corrections=[{"requested_on": "2026-02-12", "received_on": None}]),
    app("YSQ-2026-003", received_on="2026-02-10", concluded_on=None, result=None,
        consultations=[{"kind": "agency", "from": "2026-02-11", "to": None, "party": "市财政局"}]),
    app("YSQ-2026-004", received_on="2026-02-10", concluded_on=None, result=None,
        extensions=[{"workdays": 20}],
        consultations=[{"kind": "third_party", "from": "2026-02-11", "to": "2026-02-13"}]),
    review("YSQ-2025-002"),
    review("YSQ-2025-003", kind="litigation_direct", outcome="pending", decided_on=None),
    review("YSQ-2025-004", org="C-SFJ", kind="litigation_after_reconsideration", outcome="corrected"),
]


def test_a_valid_file_imports_every_application_and_review(office, tmp_path, capsys):
    out, _ = run_import(write(tmp_path, VALID), capsys)
    assert "导入 8 件政府信息公开申请、3 条行政复议和行政诉讼记录" in out

    apps = {a.number: a for a in Application.objects.filter(organisation=office.organisation)}
    assert len(apps) == 8 and all(a.imported for a in apps.values())
    assert {a.applicant_type for a in apps.values()} == set(rules.APPLICANT_TYPES)
    assert {a.channel for a in apps.values()} == set(rules.CHANNELS)
    assert len({a.tracking_code for a in apps.values()}) == 8 and all(a.secret_hash for a in apps.values())

    first = apps["YSQ-2025-001"]
    assert first.status == rules.CLOSED and first.result == "disclosed"
    assert first.received_on == D("2025-03-03") and first.concluded_on == D("2025-03-20")
    assert first.submitted_at == datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert first.due_on == D("2025-03-31")  # a closed application keeps the due date that applied to it
    assert first.applicant_name == "张三" and first.id_number.reveal() == resident_id(7)
    assert first.phone.reveal() == "13800001111" and first.id_number_hash  # stored encrypted, findable by hash

    unnamed = apps["YSQ-2025-002"]
    assert unnamed.applicant_name == importer.MISSING_NAME and unnamed.id_type == "other"
    pause = Pause.objects.get(application=unnamed)
    assert unnamed.due_on == services.clock_for(unnamed).due_on == D("2025-04-09")  # 6 working days not counted; Qingming
    assert (pause.kind, pause.started_on, pause.ended_on, pause.party) == ("third_party", D("2025-03-05"), D("2025-03-12"), "某某公司")

    extended = apps["YSQ-2025-003"]
    assert (extended.result, extended.extension_workdays, extended.extended_on) == ("other.fee_unpaid", 15, D("2025-03-18"))
    corrected = apps["YSQ-2025-004"]
    assert (corrected.correction_requested_on, corrected.correction_received_on) == (D("2025-03-04"), D("2025-03-10"))
    assert corrected.correction_items == "请明确所需信息的年份"

    # Open ones: the status follows from the history; the clock is the services' clock.
    plain = apps["YSQ-2026-001"]
    assert plain.status == rules.PROCESSING and plain.result == ""
    assert plain.due_on == D("2026-03-16")  # 20 working days across the Spring Festival
    assert plain.warning_on == warning_date(plain.due_on, services.workdays.get_calendar(), 5)  # 5 days > 20% of 20
    awaiting = apps["YSQ-2026-002"]
    assert awaiting.status == rules.AWAITING_CORRECTION and awaiting.due_on is None
    consulting = apps["YSQ-2026-003"]
    assert consulting.status == rules.CONSULTING and consulting.due_on is None
    assert consulting.pauses.get().ended_on is None
    paused_and_extended = apps["YSQ-2026-004"]
    assert paused_and_extended.status == rules.PROCESSING
    assert paused_and_extended.due_on == services.clock_for(paused_and_extended).due_on
    assert paused_and_extended.due_on > D("2026-04-14")  # 40 working days, plus the 3 days not counted

    reviews = {r.application.number: r for r in Review.objects.all()}
    assert reviews["YSQ-2025-002"].outcome == "upheld" and reviews["YSQ-2025-002"].decided_on == D("2025-07-01")
    assert reviews["YSQ-2025-003"].outcome == "pending" and reviews["YSQ-2025-003"].decided_on is None
    assert reviews["YSQ-2025-004"].kind == "litigation_after_reconsideration"

    event = AuditEvent.objects.get(action="foi.import")
    assert event.success and event.after["applications"] == 8 and event.after["reviews"] == 3
    assert event.after["file"] == "old.jsonl" and event.after["organisations"] == {"C-SFJ": 8}


def test_an_imported_open_application_goes_on_through_the_services(office, tmp_path, capsys):
    run_import(write(tmp_path, [VALID[5]]), capsys)
    imported = Application.objects.get(number="YSQ-2026-001")
    services.application_reply(actor=office.officer, application=imported, result="disclosed",
                               article="第三十六条第（二）项", summary="予以公开", replied_on=D("2026-03-10"))
    imported.refresh_from_db()
    assert imported.status == rules.CLOSED and imported.result == "disclosed" and imported.due_on == D("2026-03-16")


def test_every_bad_line_is_reported_and_nothing_is_imported(office, tmp_path, capsys):
    before = (Application.objects.count(), Review.objects.count(), Pause.objects.count())
    lines = [
        app("OK-1"),                                                            # 1: fine
        app("BAD-2", org="NOPE", applicant_type="robot", channel="pigeon"),     # 2
        app("BAD-3", received_on="2025/03/03"),                                 # 3
        app("BAD-4", concluded_on="2025-02-01"),                                # 4
        app("BAD-5", result="withheld.too_secret"),                             # 5
        app("BAD-6", concluded_on=None),                                        # 6: result without conclusion
        app("BAD-7", result=None),                                              # 7: conclusion without result
        '{"record": "application", "number": ',                                 # 8: not JSON
        '["record", "application"]',                                            # 9: not an object
        {"record": "complaint"},                                                # 10
        app("OK-1"),                                                            # 11: duplicate of line 1
        app("BAD-12", corrections=[{"requested_on": "2025-03-01", "received_on": None}]),
        app("BAD-13", extensions=[{"workdays": 25}]),
        app("BAD-14", consultations=[{"kind": "agency", "from": "2025-03-10", "to": "2025-03-05"}]),
        app("BAD-15", consultations=[{"kind": "agency", "from": "2025-03-05", "to": "2025-03-10"},
                                     {"kind": "third_party", "from": "2025-03-08", "to": "2025-03-12"}]),
        review("NOWHERE"),                                                      # 16
        review("OK-1", kind="appeal", outcome="won"),                           # 17
        review("OK-1", outcome="pending"),                                      # 18: decided_on with pending
        review("OK-1", decided_on=None),                                        # 19: decided without date
        review("OK-1", filed_on="2025-08-01", decided_on="2025-07-01"),         # 20
        app("BAD-21", corrections=[{"requested_on": "2025-03-04", "received_on": None}, {"requested_on": "2025-03-05"}]),
        app("BAD-22", received_on="2026-12-01", concluded_on=None, result=None),  # in the future
    ]
    errors = refused(write(tmp_path, lines), capsys)
    text = "\n".join(errors)
    expected = [
        "第 2 行 org：没有代码为 NOPE 的机关",
        "第 2 行 applicant_type：申请人类型 \"robot\" 无效",
        "第 2 行 channel：申请方式 \"pigeon\" 无效",
        "第 3 行 received_on：\"2025/03/03\" 不是 YYYY-MM-DD 格式的日期",
        "第 4 行 concluded_on：办结日期 2025-02-01 早于收到申请之日 2025-03-03",
        "第 5 行 result：办理结果 \"withheld.too_secret\" 无效",
        "第 6 行 concluded_on：有办理结果（result）的申请须填写办结日期",
        "第 7 行 result：已办结（有 concluded_on）的申请须填写办理结果",
        "第 8 行：不是有效的 JSON",
        "第 9 行：应为一个 JSON 对象",
        "第 10 行 record：\"complaint\" 无效，应为 application 或 review",
        "第 11 行 number：编号 OK-1 与第 1 行重复",
        "第 12 行 corrections[0].requested_on：告知补正之日 2025-03-01 早于收到申请之日 2025-03-03",
        "第 13 行 extensions[0].workdays：延长期限为 1 至 20 个工作日，现为 25",
        "第 14 行 consultations[0].to：结束日期 2025-03-05 早于开始日期 2025-03-10",
        "第 15 行 consultations：征求意见的时间重叠",
        "第 16 行 application：找不到编号为 NOWHERE 的申请",
        "第 17 行 kind：类型 \"appeal\" 无效",
        "第 17 行 outcome：结果 \"won\" 无效",
        "第 18 行 decided_on：尚未审结（pending）的不能填写审结日期",
        "第 19 行 decided_on：已审结的请填写审结日期",
        "第 20 行 decided_on：审结日期 2025-07-01 早于受理（立案）日期 2025-08-01",
        "第 21 行 corrections：最多 1 项",
        "第 22 行 received_on：2026-12-01 晚于今天",
    ]
    for message in expected:
        assert message in text, message
    assert not any(e.startswith("第 1 行") for e in errors)
    assert [int(e.split()[1]) for e in errors] == sorted(int(e.split()[1]) for e in errors)  # in line order
    assert (Application.objects.count(), Review.objects.count(), Pause.objects.count()) == before
    assert not AuditEvent.objects.filter(action="foi.import").exists()


def test_a_review_may_point_at_an_application_imported_earlier(office, tmp_path, capsys):
    run_import(write(tmp_path, [app("YSQ-2024-009", received_on="2024-06-03", concluded_on="2024-06-20")], "2024.jsonl"), capsys)
    out, _ = run_import(write(tmp_path, [review("YSQ-2024-009", filed_on="2024-08-01", decided_on="2024-10-09")], "reviews.jsonl"), capsys)
    assert "导入 0 件政府信息公开申请、1 条行政复议和行政诉讼记录" in out
    assert Review.objects.get().application.number == "YSQ-2024-009"


def test_a_review_may_come_before_its_application_in_the_file(office, tmp_path, capsys):
    run_import(write(tmp_path, [review("YSQ-2025-100"), app("YSQ-2025-100")]), capsys)
    assert Review.objects.get().application.number == "YSQ-2025-100"


def test_an_ambiguous_number_needs_the_org(office, world, tmp_path, capsys):
    lines = [app("7"), app("7", org="C-B"), review("7")]
    errors = refused(write(tmp_path, lines), capsys)
    assert any("第 3 行 application：编号 7 在多个机关（C-B、C-SFJ）中都有，请用 org 指明机关" in e for e in errors)
    run_import(write(tmp_path, [*lines[:2], review("7", org="C-B")]), capsys)
    assert Review.objects.get().application.organisation == world.other_county


def test_numbers_already_imported_are_refused(office, tmp_path, capsys):
    run_import(write(tmp_path, [app("YSQ-1"), app("YSQ-2")]), capsys)
    errors = refused(write(tmp_path, [app("YSQ-3"), app("YSQ-2")], "again.jsonl"), capsys)
    assert errors == ["第 2 行 number：编号 YSQ-2 的申请已在系统中（已导入过？）"]
    assert not Application.objects.filter(number="YSQ-3").exists()
    # The same number in another organisation is another application.
    run_import(write(tmp_path, [app("YSQ-2", org="C-B")], "other.jsonl"), capsys)
    assert Application.objects.filter(number="YSQ-2").count() == 2


def test_a_history_the_clock_refuses_is_refused(office, tmp_path, capsys):
    late = app("LATE", received_on="2026-03-02", concluded_on=None, result=None,
               corrections=[{"requested_on": "2026-03-20", "received_on": None}])
    errors = refused(write(tmp_path, [late]), capsys)
    assert errors == ["第 1 行 corrections[0].requested_on：补正须在收到申请之日起 7 个工作日内一次性告知（最迟 2026-03-11），现为 2026-03-20"]


def test_unknown_fields_and_bad_applicant_data_are_named(office, tmp_path, capsys):
    lines = [app("X", recieved_on="2025-03-03", id_type="resident_id", id_number="110101199003070000")]
    errors = refused(write(tmp_path, lines), capsys)
    assert any(e.startswith("第 1 行 recieved_on：未知字段") for e in errors)
    assert any(e.startswith("第 1 行 id_number：居民身份证号码校验位不正确") for e in errors)


def test_a_missing_or_non_utf8_file_is_refused_with_status_2(office, tmp_path, capsys):
    with pytest.raises(CommandError) as missing:
        call_command("foi", "import", str(tmp_path / "nope.jsonl"))
    assert missing.value.returncode == 2 and str(missing.value).startswith("file：找不到文件")
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps(app("G-1"), ensure_ascii=False).encode("gbk") + b"\n")
    assert refused(str(path), capsys) == ["第 1 行：不是 UTF-8 编码的文本（请以 UTF-8 保存文件）"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert refused(str(empty), capsys) == ["文件中没有任何记录"]


def test_a_utf8_bom_is_accepted(office, tmp_path, capsys):
    path = tmp_path / "bom.jsonl"
    path.write_text("\ufeff" + json.dumps(app("BOM-1"), ensure_ascii=False) + "\r\n", encoding="utf-8")
    run_import(str(path), capsys)
    assert Application.objects.filter(number="BOM-1").exists()


def test_the_cli_exits_with_status_2(office, tmp_path, capsys):
    from yangguang.foi.management.commands.foi import Command

    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["yangguang", "foi", "import", str(tmp_path / "nope.jsonl")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().startswith("错误：file：找不到文件") and err.strip().endswith("nope.jsonl，未导入任何内容")


def test_export_round_trips_through_import(office, tmp_path, capsys):
    run_import(write(tmp_path, VALID), capsys)
    call_command("foi", "export", "--org", "C-SFJ", "--personal")
    exported = capsys.readouterr().out
    records = [json.loads(line) for line in exported.splitlines()]
    assert len(records) == 11
    assert records[0]["number"] == "YSQ-2025-001" and records[0]["id_number"] == resident_id(7)
    assert AuditEvent.objects.filter(action="foi.export", after__personal=True).exists()

    def snapshot():
        return sorted(
            (a.number, a.status, a.result, a.received_on, a.concluded_on, a.due_on, a.extension_workdays,
             a.correction_requested_on, a.correction_received_on, a.applicant_name, a.id_number.reveal(),
             tuple((p.kind, p.started_on, p.ended_on, p.party) for p in a.pauses.all()),
             tuple((r.kind, r.filed_on, r.outcome, r.decided_on) for r in a.reviews.all()))
            for a in Application.objects.all()
        )

    before = snapshot()
    Review.objects.all().delete()
    Application.objects.all().delete()
    run_import(write(tmp_path, exported.splitlines(), "export.jsonl"), capsys)
    assert snapshot() == before

    call_command("foi", "export", "--org", "C-SFJ", "--year", "2026")
    without_personal = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["number"] for r in without_personal} == {"YSQ-2026-001", "YSQ-2026-002", "YSQ-2026-003", "YSQ-2026-004"}
    assert not any("applicant_name" in r or "id_number" in r for r in without_personal)


def test_export_of_an_unknown_org_is_refused(office):
    with pytest.raises(CommandError) as exc:
        call_command("foi", "export", "--org", "NOPE")
    assert exc.value.returncode == 2 and "没有代码为 NOPE 的机关" in str(exc.value)


def test_a_file_wrong_everywhere_lists_the_first_errors_and_counts_the_rest(office, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(importing, "MAX_LISTED_ERRORS", 2)
    errors = refused(write(tmp_path, ["[]", "[]", "[]"]), capsys)
    assert errors == ["第 1 行：应为一个 JSON 对象（{…}），不是数组", "第 2 行：应为一个 JSON 对象（{…}），不是数组", "……另有 1 处错误未列出"]


def test_a_broken_line_still_counts_for_duplicates_and_reviews(office, tmp_path, capsys):
    lines = [app("B-1", channel="pigeon"), review("B-1", filed_on="2025-13-01"), app("B-1"), review("B-404")]
    assert refused(write(tmp_path, lines), capsys) == [
        "第 1 行 channel：申请方式 \"pigeon\" 无效，可选：online、post、in_person、fax",
        "第 2 行 filed_on：2025-13-01 不是有效的日期",
        "第 3 行 number：编号 B-1 与第 1 行重复",
        "第 4 行 application：找不到编号为 B-404 的申请（本文件和系统中都没有）",
    ]


def test_imported_numbers_in_the_platforms_pattern_move_the_sequence_on(office, tmp_path, capsys):
    number = f"{office.organisation.code}-YSQ-2026-00007"
    line = {**VALID[5], "number": number}
    run_import(write(tmp_path, [line]), capsys)
    registered = office.register(D("2026-03-02"))
    assert registered.number == f"{office.organisation.code}-YSQ-2026-00008"
