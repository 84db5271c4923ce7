"""Demo data for the reception days: the justice bureau's schedule (the seed's first report: "每月15日
（遇公休日顺延下一日）为局长政务公开接待日，由局领导轮值") with three leaders in rotation, and a
few visits in its register."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from yangguang.core import demo as core_demo
from yangguang.core.calendar import get_calendar
from yangguang.core.models import Organisation, User
from yangguang.supervision import selectors, services
from yangguang.supervision.models import ReceptionSchedule, ReceptionVisit
from yangguang.supervision.reception import Month

# The demo leader and the two deputy directors (core demo users) who share the duty.
ROTATION = ["lingdao", "fujuzhang", "zhengwei"]

# (month, visitor, phone, issues, reply, days until the reply, follow-up needed)
VISITS = [
    (1, "王建军", "13900001111", "询问法律援助经济困难标准是否已按新的最低生活保障标准调整，希望在公开栏张贴新标准。",
     "当场解答：新标准已于1月初在门户网站和办事大厅公开栏公布；已安排法律援助处补充张贴。", 0, False),
    (2, "李秀英", "13900002222", "反映某公证处办理继承公证时要求提交的材料过多，与公开的办事指南不一致。",
     "经核查，公证处多要求了一份亲属关系证明，已责令改正并在办事指南中补充说明，已电话告知来访人。", 6, True),
    (6, "陈立平", "", "咨询人民调解协议的效力以及申请司法确认的程序。",
     "当场解答：经人民调解委员会调解达成的协议可在30日内共同向人民法院申请司法确认，并提供了办事指南。", 0, False),
    (10, "赵明", "0999-6543210", "建议在各镇司法所公开法律服务工作者名册及收费标准。",
     "", 0, True),
    (11, "孙桂兰", "13900005555", "反映社区矫正对象报到时间安排不便，希望增加周六报到时段。",
     "已转社区矫正科研究，拟在各司法所试行每月第一个周六上午集中报到，并将结果书面答复来访人。", 7, True),
]


@core_demo.register_demo("局长接待日", history=False)
def load_schedule() -> int:
    justice = Organisation.objects.filter(code=core_demo.JUSTICE).first()
    people = {u.username: u for u in User.objects.filter(username__in=ROTATION)}
    if justice is None or len(people) < len(ROTATION) or ReceptionSchedule.objects.filter(organisation=justice).exists():
        return 0
    with transaction.atomic():
        leaders = [people[name] for name in ROTATION]
        schedule = services.schedule_save(
            actor=None, organisation=justice, day_of_month=15, place="示例市行政中心1号楼一楼群众接待室",
            hours="9:00–12:00，14:30–17:30", rotation_starts_on=date(2026, 1, 1),
            note="无需预约。来访群众反映的问题由专人记录，能当场答复的当场答复，不能当场答复的在15个工作日内答复。",
        )
        services.schedule_leaders_set(actor=None, schedule=schedule, leaders=leaders)
    return 1


@core_demo.register_demo("局长接待日来访登记", history=True)
def load_visits() -> int:
    justice = Organisation.objects.filter(code=core_demo.JUSTICE).first()
    schedule = selectors.schedule_of(justice) if justice is not None else None
    if schedule is None or ReceptionVisit.objects.filter(organisation=justice).exists():
        return 0
    today, calendar, rule = selectors.local_today(), get_calendar(), selectors.rule_of(schedule)
    recorder = User.objects.filter(username="gongkai").first()  # the disclosure officer keeps the register
    created = 0
    with transaction.atomic():
        for month, visitor, phone, issues, reply, reply_after, follow_up in VISITS:
            reception = rule.reception(Month(2026, month), calendar)
            if reception.on > today or reception.leader is None:
                continue
            replied_on = calendar.add_workdays(reception.on, reply_after).date if reply else None
            if replied_on is not None and replied_on > today:
                reply, replied_on = "", None
            visit = services.visit_record(
                actor=recorder, organisation=justice, visited_on=reception.on, duty_leader=reception.leader,
                visitor_name=visitor, contact_phone=phone, issues=issues, reply=reply, replied_on=replied_on,
                follow_up_needed=follow_up, today=today,
            )
            if follow_up and reply and month < 11:
                services.visit_follow_up_close(actor=recorder, visit=visit, closed_on=replied_on, today=today)
            created += 1
    return created
