"""The public schedule (no personal data), the staff desk in scope, the Excel register, and bad input
answered with a Chinese message naming the field and status 400."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from yangguang.supervision.models import ReceptionDay, ReceptionSchedule, ReceptionVisit

D = date.fromisoformat


@pytest.mark.django_db
def test_public_page_lists_the_next_twelve_receptions_without_personal_data(client, bureau):
    bureau.visit(contact_phone="13912345678")
    page = client.get("/hdjd/jdr/").content.decode()
    assert "测试市司法局" in page and "司法局一楼接待室" in page and "9:00–12:00" in page
    # today is 2026-11-26: December 2026 to November 2027
    assert "2026年12月15日" in page and "星期二" in page and "杜慧敏" in page
    assert page.count("<tr>") == 1 + 12
    assert "2027年11月15日" in page and "2027年12月" not in page
    assert "该年度节假日安排尚未公布" in page  # 2027 is not configured in the test calendar
    for secret in ("13912345678", "139****5678", "13800000006", "13800000020", "王建军", "法律援助经济困难标准"):
        assert secret not in page
    assert client.get("/hdjd/").status_code == 200
    assert "/hdjd/jdr/" in client.get("/hdjd/").content.decode()


@pytest.mark.django_db
def test_public_page_shows_changes_and_hides_unpublished_schedules(client, bureau, world):
    from yangguang.supervision import services

    services.reception_day_change(actor=bureau.director, schedule=bureau.schedule, month=D("2026-12-01"),
                                  cancelled=True, reason="参加全市集中接访")
    page = client.get("/hdjd/jdr/").content.decode()
    assert "本月接待取消：参加全市集中接访" in page
    ReceptionSchedule.objects.update(active=False)
    assert "测试市司法局" not in client.get("/hdjd/jdr/").content.decode()


@pytest.mark.django_db
def test_staff_desk_shows_the_register_masked(client, bureau):
    bureau.visit(contact_phone="13912345678")
    client.force_login(bureau.officer)
    index = client.get("/staff/jdr/")
    assert index.status_code == 200 and "测试市司法局" in index.content.decode()
    page = client.get("/staff/jdr/C-SFJ/").content.decode()
    assert "139****5678" in page and "13912345678" not in page and "王建军" in page
    assert "修改接待日安排" not in page  # the disclosure office keeps the register, not the schedule
    assert client.get("/staff/jdr/C-SFJ/schedule/").status_code == 403


@pytest.mark.django_db
def test_outsider_and_clerk_are_refused(client, bureau):
    visit = bureau.visit()
    client.force_login(bureau.outsider)
    assert client.get("/staff/jdr/C-SFJ/").status_code == 404
    assert client.get("/staff/jdr/C-SFJ/register.xlsx").status_code == 404
    assert client.get(f"/staff/jdr/visit/{visit.pk}/").status_code == 404
    assert client.post("/staff/jdr/C-SFJ/visit/new/", {}).status_code == 404
    assert client.post("/staff/jdr/C-SFJ/schedule/", {"day_of_month": 1}).status_code == 404
    assert "测试市司法局" not in client.get("/staff/jdr/").content.decode()
    client.force_login(bureau.clerk)
    assert client.get("/staff/jdr/").status_code == 403
    client.logout()
    assert client.get("/staff/jdr/").status_code == 302
    assert ReceptionSchedule.objects.get().day_of_month == 15


@pytest.mark.django_db
def test_excel_register_opens_and_has_the_rows(client, bureau):
    from yangguang.supervision import services

    first = bureau.visit(visited_on=D("2026-01-15"), duty_leader=bureau.director, visitor_name="李秀英", contact_phone="13900002222",
                         issues="公证材料过多", reply="已责令改正", replied_on=D("2026-01-23"))
    bureau.visit(contact_phone="")
    bureau.visit(visited_on=D("2025-12-15"), visitor_name="去年的人")
    services.visit_reply(actor=bureau.director, visit=first, reply="已责令改正并电话告知", replied_on=D("2026-01-23"), follow_up_needed=False)
    client.force_login(bureau.officer)
    response = client.get("/staff/jdr/C-SFJ/register.xlsx?year=2026")
    assert response.status_code == 200
    assert "%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80%E6%8E%A5%E5%BE%85%E6%97%A5" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "测试市司法局政务公开接待日情况登记表（2026年）"
    assert rows[1] == ("接待日期", "值班领导", "来访人", "联系方式", "反映问题", "答复情况", "答复日期", "记录人")
    assert len(rows) == 4
    date_of = lambda value: value.date() if hasattr(value, "date") else value  # noqa: E731
    assert [date_of(rows[2][0]), *rows[2][1:6], date_of(rows[2][6]), rows[2][7]] == [
        D("2026-01-15"), "郑国华", "李秀英", "139****2222", "公证材料过多", "已责令改正并电话告知", D("2026-01-23"), "黄静怡"]
    assert rows[3][2] == "王建军" and rows[3][3] in ("", None) and rows[3][5] in ("", None)
    assert "13900002222" not in response.content.decode("latin-1")


@pytest.mark.django_db
def test_bad_year_is_400_in_chinese(client, bureau):
    client.force_login(bureau.officer)
    for url in ("/staff/jdr/C-SFJ/register.xlsx?year=20x6", "/staff/jdr/C-SFJ/?year=1900"):
        response = client.get(url)
        assert response.status_code == 400
        assert "年份（year）" in response.content.decode()


@pytest.mark.django_db
def test_recording_a_visit_through_the_form(client, bureau):
    client.force_login(bureau.officer)
    form = client.get("/staff/jdr/C-SFJ/visit/new/")
    assert form.status_code == 200
    response = client.post("/staff/jdr/C-SFJ/visit/new/", {
        "visited_on": "2026-11-16", "duty_leader": bureau.deputy.pk, "visitor_name": "孙桂兰",
        "contact_phone": "13900005555", "issues": "社区矫正报到时间不便", "reply": "", "replied_on": "",
    })
    assert response.status_code == 302
    visit = ReceptionVisit.objects.get()
    assert (visit.visitor_name, visit.duty_leader, visit.recorded_by) == ("孙桂兰", bureau.deputy, bureau.officer)
    reply = client.post(f"/staff/jdr/visit/{visit.pk}/", {"reply": "拟增加周六报到", "replied_on": "2026-11-20", "follow_up_needed": "on"})
    assert reply.status_code == 302
    assert client.post(f"/staff/jdr/visit/{visit.pk}/close/").status_code == 302
    visit.refresh_from_db()
    assert visit.follow_up_closed_on == D("2026-11-26")
    again = client.post(f"/staff/jdr/visit/{visit.pk}/close/")
    assert again.status_code == 409 and "已经办结" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, message",
    [
        ({"visitor_name": ""}, "来访人：请填写来访人"),
        ({"issues": ""}, "反映问题：请填写反映问题"),
        ({"visited_on": "2026-02-30"}, "接待日期：日期格式应为 YYYY-MM-DD"),
        ({"visited_on": "2026-12-15"}, "接待日期：接待日期不能晚于今天"),
        ({"contact_phone": "电话"}, "联系方式：联系方式应为 7–20 位数字"),
        ({"reply": "已答复"}, "答复日期：请填写答复日期"),
        ({"duty_leader": "999999"}, "值班领导：值班领导：请选择本机构的领导"),
    ],
)
def test_bad_visit_input_is_400_naming_the_field(client, bureau, changes, message):
    client.force_login(bureau.officer)
    data = {"visited_on": "2026-11-16", "duty_leader": bureau.deputy.pk, "visitor_name": "孙桂兰",
            "contact_phone": "", "issues": "问题", "reply": "", "replied_on": ""}
    data.update(changes)
    response = client.post("/staff/jdr/C-SFJ/visit/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReceptionVisit.objects.exists()


@pytest.mark.django_db
def test_leader_sets_up_schedule_rotation_and_changes(client, bureau):
    client.force_login(bureau.director)
    bad = client.post("/staff/jdr/C-SFJ/schedule/", {"day_of_month": "32", "place": "接待室", "hours": "上午", "rotation_starts_on": "2026-01-01"})
    assert bad.status_code == 400 and "接待日（每月几日）" in bad.content.decode()
    ok = client.post("/staff/jdr/C-SFJ/schedule/", {"day_of_month": "31", "place": "新接待室", "hours": "上午",
                                                    "rotation_starts_on": "2026-03-09", "active": "on"})
    assert ok.status_code == 302
    schedule = ReceptionSchedule.objects.get()
    assert (schedule.day_of_month, schedule.place, schedule.rotation_starts_on) == (31, "新接待室", D("2026-03-01"))
    leaders = client.post("/staff/jdr/C-SFJ/leaders/", {"leader_1": bureau.deputy.pk, "leader_2": bureau.deputy.pk})
    assert leaders.status_code == 400 and "钱文斌 重复出现" in leaders.content.decode()
    assert client.post("/staff/jdr/C-SFJ/leaders/", {"leader_1": bureau.deputy.pk, "leader_3": bureau.director.pk}).status_code == 302
    assert [l.user for l in schedule.leaders.order_by("order")] == [bureau.deputy, bureau.director]
    change = client.post("/staff/jdr/C-SFJ/change/", {"month": "2026-12-01", "held_on": "2026-12-19", "reason": "会议"})
    assert change.status_code == 400 and "改期至：改期日期 2026-12-19 不是工作日" in change.content.decode()
    change = client.post("/staff/jdr/C-SFJ/change/", {"month": "2026-12-01", "held_on": "2026-12-30", "reason": "会议"})
    assert change.status_code == 302 and ReceptionDay.objects.get().held_on == D("2026-12-30")
    page = client.get("/staff/jdr/C-SFJ/").content.decode()
    assert "调整：会议" in page and "2026-12-30" in page
    assert client.post("/staff/jdr/C-SFJ/restore/", {"month": "2026-12-01"}).status_code == 302
    assert not ReceptionDay.objects.exists()
    assert client.post("/staff/jdr/C-SFJ/restore/", {"month": "x"}).status_code == 400


@pytest.mark.django_db
def test_supervisor_sets_up_a_schedule_for_another_organisation(client, bureau, world):
    client.force_login(bureau.supervisor)
    index = client.get("/staff/jdr/").content.decode()
    assert "/staff/jdr/C-A/schedule/" in index and "/staff/jdr/C-A-1-01/schedule/" not in index  # no villages
    response = client.post("/staff/jdr/C-A/schedule/", {"day_of_month": "15", "place": "县政府信访接待室", "hours": "上午",
                                                         "rotation_starts_on": "2026-01-01", "active": "on"})
    assert response.status_code == 302
    assert ReceptionSchedule.objects.filter(organisation=world.county).exists()
