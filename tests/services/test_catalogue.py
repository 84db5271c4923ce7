"""The item catalogue in and out of Excel and JSONL: all or nothing, every error by row and column,
upsert by code, and an export that imports back unchanged."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from yangguang.core.models import AuditEvent, Role
from yangguang.services import catalogue
from yangguang.services.models import Material, ServiceItem

from ..conftest import make_person

NEW = {
    "code": "MZ-002", "name": "最低生活保障申请", "department": "C-MZJ", "kind": "benefit",
    "legal_limit": 30, "committed_limit": 15, "immediate": False, "steps": ["accept", "review", "approve", "complete"],
    "conditions": "户籍在本市，家庭人均收入低于当地低保标准。", "place": "市民中心二楼", "hours": "工作日 9:00-17:00",
    "consult_phone": "0571-12345678", "supervise_phone": "12345", "online_allowed": True, "agency_allowed": True,
    "materials": [
        {"name": "低保申请书", "form": "original", "copies": 1, "required": True, "note": ""},
        {"name": "户口簿", "form": "copy", "copies": 2, "required": True, "note": "核验原件"},
        {"name": "残疾证", "form": "both", "copies": 1, "required": False, "note": "家庭成员有残疾的提供"},
    ],
}


def write_jsonl(tmp_path, records, name="items.jsonl") -> str:
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def write_xlsx(tmp_path, header, rows, materials=None, name="items.xlsx") -> str:
    book = Workbook()
    sheet = book.active
    sheet.title = "事项目录"
    for row in [header, *rows]:
        sheet.append(row)
    if materials is not None:
        extra = book.create_sheet("申请材料")
        for row in materials:
            extra.append(row)
    path = tmp_path / name
    book.save(path)
    return str(path)


def refused(path) -> list[str]:
    with pytest.raises(catalogue.CatalogueRefused) as exc:
        catalogue.catalogue_import(actor=None, path=path)
    return exc.value.messages


def snapshot() -> list[tuple]:
    return [
        (i.code, i.name, i.department_id, i.kind, i.legal_limit, i.committed_limit, i.immediate, list(i.steps),
         [(m.name, m.form, m.copies, m.required, m.note) for m in i.materials.all()])
        for i in ServiceItem.objects.prefetch_related("materials").order_by("code")
    ]


# --- JSONL ---------------------------------------------------------------------------------------


def test_jsonl_import_creates_items_with_their_materials(hall, tmp_path):
    result = catalogue.catalogue_import(actor=None, path=write_jsonl(tmp_path, [NEW]))
    assert (result.created, result.updated, result.unchanged) == (["MZ-002"], [], [])
    item = ServiceItem.objects.get(code="MZ-002")
    assert (item.department, item.kind, item.legal_limit, item.committed_limit) == (hall.civil, "benefit", 30, 15)
    assert item.online_allowed and item.agency_allowed and item.is_active
    assert [(m.name, m.form, m.copies, m.required) for m in item.materials.all()] == [
        ("低保申请书", "original", 1, True), ("户口簿", "copy", 2, True), ("残疾证", "both", 1, False),
    ]
    [event] = AuditEvent.objects.filter(action=catalogue.ACTION)
    assert event.after == {"file": "items.jsonl", "created": ["MZ-002"], "updated": [], "unchanged": 0}


def test_jsonl_accepts_chinese_labels_and_step_names(hall, tmp_path):
    record = {**NEW, "kind": "行政给付", "steps": "受理,核准,办结", "step_limits": {"核准": 5},
              "materials": [{"name": "申请书", "form": "原件及复印件"}]}
    catalogue.catalogue_import(actor=None, path=write_jsonl(tmp_path, [record]))
    item = ServiceItem.objects.get(code="MZ-002")
    assert (item.kind, item.steps, item.step_limits) == ("benefit", ["accept", "approve", "complete"], {"approve": 5})
    material = item.materials.get()
    assert (material.form, material.copies, material.required) == ("both", 1, True)  # the defaults


def test_an_immediate_item_needs_no_limit_or_steps(hall, tmp_path):
    record = {"code": "GA-009", "name": "临时身份证明", "department": "C-GAJ", "kind": "public_service", "immediate": True}
    catalogue.catalogue_import(actor=None, path=write_jsonl(tmp_path, [record]))
    item = ServiceItem.objects.get(code="GA-009")
    assert (item.committed_limit, item.legal_limit, item.steps) == (0, None, ["accept", "complete"])


def test_existing_codes_are_updated_and_their_materials_replaced(hall, tmp_path):
    change = {"code": "GA-001", "name": "机动车驾驶员培训许可", "department": "C-GAJ", "kind": "licence",
              "committed_limit": 3, "materials": [{"name": "培训机构申请表"}]}
    result = catalogue.catalogue_import(actor=None, path=write_jsonl(tmp_path, [change, NEW]))
    assert (result.created, result.updated) == (["MZ-002"], ["GA-001"])
    hall.licence.refresh_from_db()
    assert (hall.licence.name, hall.licence.committed_limit) == ("机动车驾驶员培训许可", 3)
    assert hall.licence.legal_limit == 20 and hall.licence.online_allowed  # columns not in the file are kept
    assert [m.name for m in hall.licence.materials.all()] == ["培训机构申请表"]
    assert ServiceItem.objects.count() == 5  # the hall's other items are left alone


def test_without_materials_an_update_keeps_them_and_null_legal_limit_clears(hall, tmp_path):
    change = {"code": "GA-001", "name": "机动车驾驶培训许可", "department": "C-GAJ", "kind": "licence", "legal_limit": None}
    catalogue.catalogue_import(actor=None, path=write_jsonl(tmp_path, [change]))
    hall.licence.refresh_from_db()
    assert hall.licence.legal_limit is None
    assert hall.licence.materials.count() == 3


def test_reimporting_the_same_file_changes_nothing(hall, tmp_path):
    path = write_jsonl(tmp_path, [NEW])
    catalogue.catalogue_import(actor=None, path=path)
    before = ServiceItem.objects.get(code="MZ-002").updated_at
    result = catalogue.catalogue_import(actor=None, path=path)
    assert (result.created, result.updated, result.unchanged) == ([], [], ["MZ-002"])
    assert ServiceItem.objects.get(code="MZ-002").updated_at == before
    assert AuditEvent.objects.filter(action=catalogue.ACTION).count() == 1  # nothing written, nothing audited


BAD_JSONL = [
    ({"department": "C-NOPE"}, "第 1 行 department：系统中没有编码为“C-NOPE”的机构"),
    ({"kind": "permit"}, "第 1 行 kind：事项类型“permit”无效"),
    ({"legal_limit": "二十"}, "第 1 行 legal_limit：应为整数，现为 “二十”"),
    ({"committed_limit": 2.5}, "第 1 行 committed_limit：应为整数"),
    ({"committed_limit": -1}, "第 1 行 committed_limit：应在 0 至 999 之间，现为 -1"),
    ({"legal_limit": 10, "committed_limit": 15}, "第 1 行 committed_limit：承诺时限（15）不能超过法定时限（10）"),
    ({"immediate": True, "committed_limit": 3, "steps": ["accept", "complete"]}, "第 1 行 committed_limit：即办件的承诺时限应为 0"),
    ({"immediate": True, "committed_limit": 0}, "第 1 行 steps：即办件当场办结，不能设置审查或核准环节"),
    ({"committed_limit": 0}, "第 1 行 committed_limit：承诺件须填写大于 0 的承诺时限"),
    ({"immediate": "maybe"}, "第 1 行 immediate：应为“是”或“否”"),
    ({"steps": "受理,会签,办结"}, "第 1 行 steps：未知的办理环节“会签”"),
    ({"step_limits": {"审查": "三"}}, "第 1 行 step_limits：环节“审查”的时限应为整数"),
    ({"steps": ["accept", "complete"], "step_limits": {"review": 2}}, "第 1 行 step_limits：审查不在本事项的办理环节中"),
    ({"active_from": "2026/01/01"}, "第 1 行 active_from：“2026/01/01”不是 YYYY-MM-DD 格式的有效日期"),
    ({"active_from": "2026-03-01", "active_until": "2026-01-01"}, "第 1 行 active_until：停用日期 2026-01-01 应晚于启用日期 2026-03-01"),
    ({"name": ""}, "第 1 行 name：事项名称不能为空"),
    ({"name": "长" * 201}, "第 1 行 name：不能超过 200 个字（现为 201 个字）"),
    ({"code": "GA 001"}, "第 1 行 code：“GA 001”无效"),
    ({"colour": "red"}, "第 1 行 colour：未知字段"),
    ({"materials": [{"name": "申请书", "form": "scan"}]}, "第 1 行 materials[0].form：材料形式“scan”无效"),
    ({"materials": [{"name": "申请书", "copies": 0}]}, "第 1 行 materials[0].copies：应在 1 至 99 之间，现为 0"),
    ({"materials": [{"copies": 1}]}, "第 1 行 materials[0].name：缺少材料名称"),
    ({"materials": "申请书"}, "第 1 行 materials：应为列表"),
]


@pytest.mark.parametrize("change, message", BAD_JSONL, ids=[m.split("：")[0][6:] + str(i) for i, (_, m) in enumerate(BAD_JSONL)])
def test_each_bad_value_is_named_by_line_and_field(hall, tmp_path, change, message):
    messages = refused(write_jsonl(tmp_path, [{**NEW, **change}]))
    assert any(m.startswith(message) for m in messages), messages
    assert not ServiceItem.objects.filter(code="MZ-002").exists()


def test_a_missing_required_key_and_bad_lines_are_reported(hall, tmp_path):
    no_kind = {k: v for k, v in NEW.items() if k != "kind"}
    messages = refused(write_jsonl(tmp_path, [no_kind, "{not json", "[1, 2]", ""]))
    assert messages == [
        "第 2 行：不是有效的 JSON（第 2 个字符附近有错）",
        "第 3 行：应为一个 JSON 对象（{…}）",
        "第 1 行 kind：缺少事项类型",
    ]


def test_every_error_is_listed_and_nothing_is_written(hall, tmp_path):
    before = snapshot()
    good_update = {"code": "GA-001", "name": "改过的名称", "department": "C-GAJ", "kind": "licence"}
    records = [
        good_update,
        {**NEW, "department": "C-NOPE"},
        {**NEW, "code": "MZ-003", "kind": "permit", "legal_limit": "x"},
        {**NEW, "code": "GA-001"},  # the same code as line 1
    ]
    with pytest.raises(catalogue.CatalogueRefused) as exc:
        catalogue.catalogue_import(actor=None, path=write_jsonl(tmp_path, records))
    assert exc.value.total == 4
    assert exc.value.messages == [
        "第 4 行 code：编码 GA-001 与第 1 行重复",
        "第 2 行 department：系统中没有编码为“C-NOPE”的机构",
        "第 3 行 kind：事项类型“permit”无效，可选：行政许可、行政确认、行政给付、行政裁决、行政征收、行政奖励、其他行政权力、公共服务"
        "（或英文键 licence、confirmation、benefit、adjudication、levy、reward、other_power、public_service）",
        "第 3 行 legal_limit：应为整数，现为 “x”",
    ]
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action=catalogue.ACTION).exists()


def test_dry_run_counts_but_writes_nothing(hall, tmp_path):
    before = snapshot()
    change = {"code": "GA-001", "name": "改过的名称", "department": "C-GAJ", "kind": "licence"}
    result = catalogue.catalogue_import(actor=None, path=write_jsonl(tmp_path, [change, NEW]), dry_run=True)
    assert (result.created, result.updated, result.dry_run) == (["MZ-002"], ["GA-001"], True)
    assert snapshot() == before


def test_whole_file_problems(hall, tmp_path):
    for path, message in [
        (tmp_path / "missing.jsonl", "找不到文件"),
        (tmp_path / "items.csv", "只能导入 .xlsx 或 .jsonl 文件"),
        (tmp_path, "只能导入 .xlsx 或 .jsonl 文件"),
    ]:
        with pytest.raises(catalogue.CatalogueRefused) as exc:
            catalogue.catalogue_import(actor=None, path=path)
        assert exc.value.whole_file and message in exc.value.messages[0]
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    assert "不是有效的 Excel 工作簿" in refused(tmp_path / "fake.xlsx")[0]
    (tmp_path / "empty.jsonl").write_text("\n\n")
    assert refused(tmp_path / "empty.jsonl") == ["文件中没有任何事项"]


# --- Excel ---------------------------------------------------------------------------------------

HEADER = ["事项编码", "事项名称", "实施部门编码", "事项类型", "法定时限（工作日）", "承诺时限（工作日）", "即办件", "办理环节", "是否收费", "收费标准"]


def test_xlsx_import_with_chinese_headers_and_a_materials_sheet(hall, tmp_path):
    rows = [
        ["MZ-002", "最低生活保障申请", "C-MZJ", "行政给付", 30, 15, "否", "受理，审查，核准，办结", "否", None],
        ["GA-010", "居民身份证换领", "C-GAJ", "公共服务", None, 0, "是", "受理,办结", "是", "20 元/证"],
    ]
    materials = [
        ["事项编码", "材料名称", "材料形式", "份数", "是否必需", "说明"],
        ["MZ-002", "低保申请书", "原件", 1, "是", None],
        ["GA-010", "旧身份证", "原件", None, "是", "遗失的除外"],
        ["MZ-002", "户口簿", "复印件", 2, "否", None],
    ]
    result = catalogue.catalogue_import(actor=None, path=write_xlsx(tmp_path, HEADER, rows, materials))
    assert result.created == ["MZ-002", "GA-010"]
    benefit, card = ServiceItem.objects.get(code="MZ-002"), ServiceItem.objects.get(code="GA-010")
    assert (benefit.kind, benefit.legal_limit, benefit.committed_limit, benefit.steps) == (
        "benefit", 30, 15, ["accept", "review", "approve", "complete"])
    assert (card.immediate, card.legal_limit, card.charges, card.fee_standard) == (True, None, True, "20 元/证")
    assert [(m.name, m.form, m.copies, m.required) for m in benefit.materials.all()] == [
        ("低保申请书", "original", 1, True), ("户口簿", "copy", 2, False)]
    assert [(m.name, m.copies, m.note) for m in card.materials.all()] == [("旧身份证", 1, "遗失的除外")]


def test_xlsx_accepts_english_headers(hall, tmp_path):
    header = ["code", "name", "department", "kind", "legal_limit", "committed_limit", "immediate"]
    path = write_xlsx(tmp_path, header, [["MZ-002", "低保", "C-MZJ", "benefit", 30, 15, "false"]])
    assert catalogue.catalogue_import(actor=None, path=path).created == ["MZ-002"]


def test_xlsx_errors_name_the_sheet_row_and_column(hall, tmp_path):
    rows = [
        ["MZ-002", "低保", "C-NOPE", "行政给付", 10, 15, "否", None, None, None],
        ["MZ-003", "临时救助", "C-MZJ", "救助", "十", 3, "也许", None, None, None],
        ["MZ-002", "低保", "C-MZJ", "行政给付", 30, 15, "否", None, None, None],
    ]
    materials = [["事项编码", "材料名称", "份数"], ["MZ-009", "申请书", 1], ["MZ-003", None, "两"]]
    messages = refused(write_xlsx(tmp_path, HEADER, rows, materials))
    assert messages == [
        "“申请材料”表第 2 行 事项编码：“MZ-009”不在“事项目录”表中",
        "“事项目录”表第 4 行 事项编码：编码 MZ-002 与“事项目录”表第 2 行重复",
        "“事项目录”表第 2 行 实施部门编码：系统中没有编码为“C-NOPE”的机构",
        "“事项目录”表第 3 行 事项类型：事项类型“救助”无效，可选：行政许可、行政确认、行政给付、行政裁决、行政征收、行政奖励、"
        "其他行政权力、公共服务（或英文键 licence、confirmation、benefit、adjudication、levy、reward、other_power、public_service）",
        "“事项目录”表第 3 行 法定时限（工作日）：应为整数，现为 “十”",
        "“事项目录”表第 3 行 即办件：应为“是”或“否”（也可写 true 或 false），现为 “也许”",
        "“申请材料”表第 3 行 材料名称：材料名称不能为空",
        "“申请材料”表第 3 行 份数：应为整数，现为 “两”",
    ]
    assert not ServiceItem.objects.filter(code__startswith="MZ-00").exclude(code="MZ-001").exists()


def test_xlsx_bad_and_missing_headers(hall, tmp_path):
    messages = refused(write_xlsx(tmp_path, ["事项编码", "事项名称", "颜色", "事项名称"], [["X-1", "甲"]]))
    assert messages == [
        "“事项目录”表第 1 行 C 列：无法识别的表头“颜色”（可用的表头见“填写说明”表或 docs/items-import.md）",
        "“事项目录”表第 1 行 D 列：表头“事项名称”与 B 列重复",
        "“事项目录”表缺少“实施部门编码”“事项类型”列（表头应在第 1 行）",
    ]


# --- export and round trip -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".xlsx"])
def test_export_imports_back_unchanged(hall, tmp_path, suffix):
    hall.licence.conditions = "第一行\n=第二行以等号开头"  # must stay text in Excel, never a formula
    hall.licence.step_limits = {"review": 2, "approve": 1}
    hall.licence.active_from = date(2026, 1, 1)
    hall.licence.save()
    before = snapshot()
    path = tmp_path / f"catalogue{suffix}"
    assert catalogue.catalogue_export(path=path) == 4
    result = catalogue.catalogue_import(actor=None, path=path)
    assert (result.created, result.updated, sorted(result.unchanged)) == ([], [], ["GA-001", "GA-002", "KJ-001", "MZ-001"])

    ServiceItem.objects.filter(code="GA-001").update(name="被改掉的名称", conditions="")
    Material.objects.filter(item__code="GA-002").delete()
    result = catalogue.catalogue_import(actor=None, path=path)
    assert sorted(result.updated) == ["GA-001", "GA-002"]
    assert snapshot() == before
    hall.licence.refresh_from_db()
    assert (hall.licence.conditions, hall.licence.step_limits) == ("第一行\n=第二行以等号开头", {"review": 2, "approve": 1})


def test_xlsx_export_reads_as_chinese(hall, tmp_path):
    path = tmp_path / "catalogue.xlsx"
    catalogue.catalogue_export(path=path, department=hall.police)
    book = load_workbook(path)
    assert book.sheetnames == ["事项目录", "申请材料", "填写说明"]
    rows = list(book["事项目录"].iter_rows(values_only=True))
    assert rows[0][:8] == ("事项编码", "事项名称", "实施部门编码", "事项类型", "法定时限（工作日）", "承诺时限（工作日）", "即办件", "办理环节")
    assert [r[:8] for r in rows[1:]] == [
        ("GA-001", "机动车驾驶培训许可", "C-GAJ", "行政许可", 20, 5, "否", "受理,审查,核准,办结"),
        ("GA-002", "户籍证明开具", "C-GAJ", "公共服务", None, 0, "是", "受理,办结"),
    ]
    materials = list(book["申请材料"].iter_rows(values_only=True))
    assert materials[1] == ("GA-001", "申请表", "原件", 1, "是", None)
    assert len(materials) == 1 + 6


# --- the command ---------------------------------------------------------------------------------


def test_command_imports_and_prints_counts(hall, tmp_path, capsys):
    change = {"code": "GA-001", "name": "改过的名称", "department": "C-GAJ", "kind": "licence"}
    path = write_jsonl(tmp_path, [change, NEW])
    call_command("items", "import", path, "--dry-run")
    assert capsys.readouterr().out == "items.jsonl 检查通过（试运行，未写入）：将新增 1 项，更新 1 项，未变 0 项。\n"
    assert not ServiceItem.objects.filter(code="MZ-002").exists()
    call_command("items", "import", path)
    assert capsys.readouterr().out == "已从 items.jsonl 导入政务服务事项：新增 1 项，更新 1 项，未变 0 项。\n"


def test_command_refuses_with_status_2_and_errors_on_stderr(hall, tmp_path, capsys):
    path = write_jsonl(tmp_path, [{**NEW, "department": "C-NOPE"}, {**NEW, "code": "MZ-003", "committed_limit": "x"}])
    with pytest.raises(CommandError) as exc:
        call_command("items", "import", path)
    assert exc.value.returncode == 2
    assert str(exc.value) == "items.jsonl 共有 2 处错误，未导入任何内容"
    assert capsys.readouterr().err.splitlines() == [
        "第 1 行 department：系统中没有编码为“C-NOPE”的机构",
        "第 2 行 committed_limit：应为整数，现为 “x”",
    ]
    assert not ServiceItem.objects.filter(code__in=["MZ-002", "MZ-003"]).exists()
    with pytest.raises(CommandError) as exc:
        call_command("items", "import", str(tmp_path / "nope.xlsx"))
    assert exc.value.returncode == 2 and str(exc.value).startswith("找不到文件")


def test_command_exports_one_department(hall, tmp_path, capsys):
    path = tmp_path / "out.jsonl"
    call_command("items", "export", str(path), "--department", "C-MZJ")
    assert capsys.readouterr().out == f"已导出 1 项政务服务事项到 {path}。\n"
    [record] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert record["code"] == "MZ-001" and record["legal_limit"] is None and record["steps"] == ["accept", "complete"]
    assert record["materials"][0] == {"name": "申请表", "form": "original", "copies": 1, "required": True, "note": ""}


@pytest.mark.parametrize("args, message", [
    (["--department", "C-NOPE"], "department：没有编码为 C-NOPE 的机构"),
    ([], "file：只能导出为 .xlsx 或 .jsonl 文件"),
])
def test_command_export_errors_write_nothing(hall, tmp_path, args, message):
    path = tmp_path / ("out.jsonl" if args else "out.csv")
    with pytest.raises(CommandError) as exc:
        call_command("items", "export", str(path), *args)
    assert exc.value.returncode == 2 and str(exc.value).startswith(message)
    assert list(tmp_path.iterdir()) == []


# --- the admin -----------------------------------------------------------------------------------


def test_only_the_system_administrator_keeps_the_catalogue(hall, client, system_admin):
    client.force_login(system_admin)
    assert client.get("/admin/services/serviceitem/").status_code == 200
    page = client.get(f"/admin/services/serviceitem/{hall.licence.pk}/change/")
    assert page.status_code == 200 and "申请表" in page.content.decode()
    security = make_person("sec", Role.SECURITY_ADMIN, hall.world.city, is_staff=True)
    client.force_login(security)
    assert client.get("/admin/services/serviceitem/").status_code == 403


def admin_post(client, hall, **fields):
    data = {
        "code": "GA-020", "name": "居住证签注", "kind": "public_service", "department": hall.police.pk, "sort_order": 0,
        "committed_limit": 0, "immediate": "on", "steps": ["accept", "complete"], "step_limits": "{}",
        "is_active": "on",
        "materials-TOTAL_FORMS": 1, "materials-INITIAL_FORMS": 0, "materials-MIN_NUM_FORMS": 0, "materials-MAX_NUM_FORMS": 1000,
        "materials-0-name": "居住证", "materials-0-form": "original", "materials-0-copies": 1, "materials-0-required": "on",
        "materials-0-sort_order": 0,
    }
    data.update(fields)
    return client.post("/admin/services/serviceitem/add/", data)


def test_the_admin_form_checks_the_item_and_audits_its_materials(hall, client, system_admin):
    client.force_login(system_admin)
    response = admin_post(client, hall, steps=["accept", "review", "complete"])
    assert response.status_code == 200 and "即办件当场办结，不能设置审查或核准环节" in response.content.decode()
    assert admin_post(client, hall).status_code == 302
    item = ServiceItem.objects.get(code="GA-020")
    assert (item.steps, [m.name for m in item.materials.all()]) == (["accept", "complete"], ["居住证"])
    events = AuditEvent.objects.filter(object_type="services.serviceitem", object_id=str(item.pk)).order_by("seq")
    assert [e.action for e in events] == ["admin.add", "admin.change"]
    assert events[1].after["materials"][0]["name"] == "居住证"
