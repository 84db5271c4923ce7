"""《群众对政务公开的意见、建议及处理记录簿》 exported to Excel: the cells a clerk reads, names and
phones masked, only the organisation and period asked for; outsiders refused, bad periods a 400."""

from __future__ import annotations

import io
from datetime import date, datetime

from django.urls import reverse
from openpyxl import load_workbook

from yangguang.supervision import complaints as services
from yangguang.supervision import registers

NS = "supervision-complaints"


def add(bureau, organisation=None, received_on=date(2026, 11, 2), channel="hotline", **data):
    fields = {"kind": "complaint", "subject": "窗口人员态度差", "content": "在窗口咨询时工作人员态度生硬。",
              "anonymous": False, "name": "王建军", "phone": "13912345678"}
    fields.update(data)
    return services.complaint_register(actor=bureau.officer, organisation=organisation or bureau.organisation,
                                       channel=channel, data=fields, received_on=received_on).complaint


def rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_register_lists_the_period_in_order_with_masked_people(bureau, world):
    answered = add(bureau, received_on=date(2026, 11, 2))
    services.complaint_answer(actor=bureau.officer, complaint=answered, finding="upheld", handling="已批评教育当事人。",
                              answer="属实，已整改。", answer_method="电话", answered_on=date(2026, 11, 10))
    add(bureau, received_on=date(2026, 11, 5), channel="window", kind="opinion", subject="建议增设母婴室",
        content="大厅没有母婴室。", anonymous=True, name="", phone="")
    add(bureau, received_on=date(2026, 9, 30))                      # before the period
    add(bureau, organisation=world.legal_aid, received_on=date(2026, 11, 3))  # another unit
    content = registers.complaint_register_workbook(bureau.organisation, start=date(2026, 10, 1), end=date(2026, 11, 30))
    table = rows(content)
    assert table[0][0] == "测试市司法局群众对政务公开的意见、建议及处理记录簿（2026年10月1日至2026年11月30日）"
    assert table[1][:8] == ["序号", "编号", "收到日期", "来源", "类型", "姓名", "联系方式", "内容摘要"]
    assert len(table) == 4  # title, header, two lines
    first, second = table[2], table[3]
    header = table[1]
    line = dict(zip(header, first))
    assert line["序号"] == 1 and line["编号"] == "C-SFJ-TS-2026-00001"
    assert line["收到日期"] == datetime(2026, 11, 2) and line["来源"] == "监督电话"
    assert line["姓名"] == "王**" and line["联系方式"] == "139****5678"
    assert line["内容摘要"] == "窗口人员态度差：在窗口咨询时工作人员态度生硬。"
    assert line["承办单位"] == "测试市司法局" and line["办理期限"] == datetime(2026, 11, 23)
    assert line["处理情况"] == "已批评教育当事人。" and line["核查结论"] == "属实"
    assert line["答复方式"] == "电话" and line["答复日期"] == datetime(2026, 11, 10)
    assert line["经办人"] == "黄静怡" and line["状态"] == "已答复"
    other = dict(zip(header, second))
    assert (other["序号"], other["姓名"], other["联系方式"], other["类型"], other["来源"]) == (2, "匿名", None, "意见建议", "投诉窗口")
    assert "13912345678" not in str(table)


def test_download_from_the_staff_desk(client, bureau):
    add(bureau)
    client.force_login(bureau.officer)
    url = reverse(f"{NS}:staff-register")
    response = client.get(url, {"org": "C-SFJ", "start": "2026-01-01", "end": "2026-11-26"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert rows(response.content)[2][1] == "C-SFJ-TS-2026-00001"


def test_bad_periods_are_a_chinese_400(client, bureau):
    client.force_login(bureau.officer)
    url = reverse(f"{NS}:staff-register")
    response = client.get(url, {"org": "C-SFJ", "start": "2026-13-01"})
    assert response.status_code == 400 and "起始日期（start）格式应为 YYYY-MM-DD" in response.content.decode()
    response = client.get(url, {"org": "C-SFJ", "start": "2026-11-02", "end": "2026-11-01"})
    assert response.status_code == 400 and "起始日期（start）不能晚于截止日期（end）" in response.content.decode()
    assert client.get(url).status_code == 400


def test_outsiders_cannot_download_the_register(client, bureau):
    add(bureau)
    client.force_login(bureau.outsider)
    assert client.get(reverse(f"{NS}:staff-register"), {"org": "C-SFJ"}).status_code == 404
    client.force_login(bureau.clerk)
    assert client.get(reverse(f"{NS}:staff-register"), {"org": "C-SFJ"}).status_code == 403
