"""The disclosure pages as people use them: the officer's forms, the reviewers' buttons, the portal's
catalogue, guide, record and project pages, and the Excel registers."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from yangguang.disclosure import services
from yangguang.disclosure.models import Guide, InformationRecord, RecordState

D = date.fromisoformat


def test_officer_drafts_through_the_form(client, bureau):
    client.force_login(bureau.officer)
    response = client.post("/staff/xxgk/org/C-SFJ/new/", {
        "item": bureau.public_item.pk, "title": "关于做好2026年普法工作的通知", "summary": "普法", "body": "<p>正文<script>x</script></p>",
        "formed_on": "2026-02-10", "fact_kind": "",
    })
    record = InformationRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/xxgk/{record.pk}/"
    assert record.body == "<p>正文</p>" and record.due_on == D("2026-03-16")
    page = client.get(response["Location"]).content.decode()
    assert "C-SFJ-2026-00001" in page and "2026-03-16" in page and "提交保密审查" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "", "formed_on": "2026-02-10"}, "标题：请填写标题"),
        ({"title": "x", "formed_on": "2026-02-30"}, "生成日期：日期格式应为 YYYY-MM-DD"),
        ({"title": "x", "formed_on": "2026-02-10", "fact_kind": "licensing"}, "行政许可、处罚、强制决定须填写处理决定数量"),
    ],
)
def test_bad_form_input_is_400_in_chinese_and_saves_nothing(client, bureau, data, message):
    client.force_login(bureau.officer)
    response = client.post("/staff/xxgk/org/C-SFJ/new/", {"item": bureau.public_item.pk, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InformationRecord.objects.exists()


def test_bad_attachment_through_the_form(client, bureau):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(bureau.officer)
    response = client.post("/staff/xxgk/org/C-SFJ/new/", {
        "item": bureau.public_item.pk, "title": "带附件", "formed_on": "2026-02-10",
        "attachments": [SimpleUploadedFile("setup.exe", b"MZ\x90")],
    })
    assert response.status_code == 400
    assert "附件“setup.exe”的类型不允许" in response.content.decode()
    assert not InformationRecord.objects.exists()


def test_review_by_buttons(client, bureau, draft):
    record = draft()
    for person, action in ((bureau.officer, "submit"), (bureau.checker, "confidentiality_approve"), (bureau.leader, "leader_approve")):
        client.force_login(person)
        page = client.get(f"/staff/xxgk/{record.pk}/").content.decode()
        assert f'value="{action}"' in page
        assert client.post(f"/staff/xxgk/{record.pk}/", {"action": action}).status_code == 302
    assert InformationRecord.objects.get(pk=record.pk).state == RecordState.PUBLISHED
    client.force_login(bureau.leader)
    response = client.post(f"/staff/xxgk/{record.pk}/", {"action": "withdraw", "reason": ""})
    assert response.status_code == 400 and "“撤回”必须填写理由" in response.content.decode()


def test_reviewer_sees_no_button_for_someone_elses_step(client, bureau, draft):
    record = draft()
    client.force_login(bureau.checker)
    page = client.get(f"/staff/xxgk/{record.pk}/").content.decode()
    assert 'value="submit"' not in page
    response = client.post(f"/staff/xxgk/{record.pk}/", {"action": "submit"})
    assert response.status_code == 403


def test_dashboard_lists_deadlines_and_queue(client, bureau, draft):
    draft("逾期未发", formed_on=D("2026-01-05"))
    client.force_login(bureau.officer)
    page = client.get("/staff/xxgk/").content.decode()
    assert "已逾期（1）" in page and "逾期未发" in page


def test_catalogue_guide_and_record_pages(client, bureau, draft, publish):
    record = publish(draft("法律援助经济困难标准"))
    services.guide_update(
        actor=bureau.officer, organisation=bureau.organisation, arrangement="按类编排", how_to_obtain="网站查阅",
        office_name="政务公开办公室", address="人民路18号", office_hours="工作日", phone="0999-1", fax="0999-2", email="gk@example.cn",
    )
    catalogue = client.get("/xxgk/org/C-SFJ/").content.decode()
    for text in ("索引号", "名称", "内容概述", "生成日期", record.index_number, "法律援助经济困难标准", "2026-02-10", "政府信息公开指南"):
        assert text in catalogue
    guide = client.get("/xxgk/org/C-SFJ/zn/").content.decode()
    for text in ("公开的分类与编排体系", "获取方式", "政务公开办公室", "人民路18号", "工作日", "0999-1", "0999-2", "gk@example.cn"):
        assert text in guide
    page = client.get(f"/xxgk/xx/{record.pk}/").content.decode()
    assert record.index_number in page and "司法行政法制工作" in page and "测试市司法局" in page


def test_guide_completeness(bureau):
    guide = services.guide_update(actor=bureau.officer, organisation=bureau.organisation, office_name="公开办")
    assert guide.missing_fields() == ["主动公开信息的分类与编排体系", "获取方式", "办公地址", "办公时间", "联系电话", "传真号码", "电子邮箱"]


def test_guide_rejects_a_bad_email(bureau):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.guide_update(actor=bureau.officer, organisation=bureau.organisation, email="not-an-email")
    assert "email" in exc.value.message_dict
    assert not Guide.objects.exists()


def test_project_page_shows_stages_and_what_is_missing(client, bureau, draft, publish):
    project = services.project_create(actor=bureau.officer, organisation=bureau.organisation, name="业务用房改造")
    publish(draft("立项批复", project=project, project_stage="approval"))
    publish(draft("中标公示", project=project, project_stage="tender"))
    draft("验收报告（未发布）", project=project, project_stage="acceptance")
    page = client.get(f"/xxgk/gc/{project.pk}/").content.decode()
    assert "立项批复" in page and "中标公示" in page and "验收报告" not in page
    assert "尚未公开的阶段：设计、预算、质监、验收" in page


def test_project_and_stage_go_together(draft, bureau):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        draft(project_stage="tender")


def test_registers(client, bureau, draft, publish):
    publish(draft("已发布的信息"))
    draft("草稿不进登记表")
    client.force_login(bureau.officer)
    response = client.get("/staff/xxgk/org/C-SFJ/catalogue.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "测试市司法局政务公开目录"
    assert [c.value for c in sheet[2]][:6] == ["类别编号", "类别", "项目编号", "公开项目", "公开范围", "公开形式"]
    assert [c.value for c in sheet[3]][:6] == ["06", "司法行政法制工作", "0601", "行政规范性文件", "对外公开", "门户网站、政务公开栏/公示栏"]
    assert sheet.max_row == 4
    year = date.today().year
    sheet = load_workbook(io.BytesIO(client.get(f"/staff/xxgk/org/C-SFJ/submissions.xlsx?year={year}").content)).active
    assert [c.value for c in sheet[2]] == ["序号", "报送单位", "公开内容", "索引号", "公开形式", "公开范围", "生成日期", "公开日期", "状态"]
    assert [row[2].value for row in sheet.iter_rows(min_row=3)] == ["已发布的信息"]
    assert client.get("/staff/xxgk/org/C-SFJ/submissions.xlsx?year=abc").status_code == 400
    assert client.get("/staff/xxgk/org/C-SFJ/other.xlsx").status_code == 404


def test_portal_column_links_to_catalogue_and_guide(client, bureau, draft, publish):
    publish(draft())
    services.guide_update(actor=bureau.officer, organisation=bureau.organisation, office_name="公开办")
    assert "/xxgk/org/C-SFJ/" in client.get("/xxgk/fdzdgknr/").content.decode()
    assert "/xxgk/org/C-SFJ/zn/" in client.get("/xxgk/zn/").content.decode()


def test_officer_maintains_the_catalogue(client, bureau):
    client.force_login(bureau.officer)
    response = client.post("/staff/xxgk/org/C-SFJ/catalogue/", {
        "parent": bureau.public_item.parent_id, "code": "0602", "name": "行政许可事项与决定", "scope": "public",
        "channels": ["portal", "guide"], "responsible_unit": "法制科", "update_frequency": "realtime",
    })
    assert response.status_code == 302
    page = client.get("/staff/xxgk/org/C-SFJ/catalogue/").content.decode()
    assert "行政许可事项与决定" in page and "门户网站、办事指南/手册" in page
    duplicate = client.post("/staff/xxgk/org/C-SFJ/catalogue/", {"code": "0602", "name": "重复", "scope": "public", "update_frequency": "realtime"})
    assert duplicate.status_code == 400


def test_officer_edits_the_guide_and_sees_what_is_missing(client, bureau):
    client.force_login(bureau.officer)
    assert "指南尚缺" in client.get("/staff/xxgk/org/C-SFJ/guide/").content.decode()
    bad = client.post("/staff/xxgk/org/C-SFJ/guide/", {"office_name": "公开办", "email": "nope"})
    assert bad.status_code == 400 and "请输入有效的电子邮箱地址" in bad.content.decode()
    ok = client.post("/staff/xxgk/org/C-SFJ/guide/", {
        "arrangement": "按类编排", "how_to_obtain": "网站", "office_name": "公开办", "address": "人民路", "office_hours": "工作日",
        "phone": "1", "fax": "2", "email": "a@b.cn",
    })
    assert ok.status_code == 302
    assert "指南内容完整" in client.get("/staff/xxgk/org/C-SFJ/guide/").content.decode()


def test_catalogue_node_update(bureau):
    from django.core.exceptions import PermissionDenied, ValidationError

    node = services.catalogue_node_update(actor=bureau.officer, node=bureau.public_item, channels=["portal"], responsible_unit="法制科")
    assert node.channels == ["portal"] and node.responsible_unit == "法制科"
    with pytest.raises(ValidationError):
        services.catalogue_node_update(actor=bureau.officer, node=node, channels=["fax-machine"])
    with pytest.raises(PermissionDenied):
        services.catalogue_node_update(actor=bureau.checker, node=node, name="越权")
