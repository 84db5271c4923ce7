"""Demo data for complaints, reports and opinions: the justice bureau's year — its lobby mailbox
opened every week before a witness with the letters registered, calls to the supervision hotline,
messages left on the portal, problems raised at the reception day, remarks of invited supervisors,
and the service centre's complaint window — most answered in time and archived, a few answered
late and a few still open past their due date; and the FOI petition re-routed here (the FOI demo
concludes one application as 信访举报投诉类申请; if it did so before this hook existed, it is
re-routed now, through the same service)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from yangguang.core import demo as core_demo
from yangguang.core.calendar import get_calendar
from yangguang.core.models import Organisation, User
from yangguang.supervision import complaint_selectors as selectors
from yangguang.supervision import complaints as services
from yangguang.supervision.models import Complaint, MailboxOpening, ReceptionVisit

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_YEAR = 2026
LAST_DAY = date(2026, 11, 26)
MAILBOX = "市行政中心1号楼一楼大厅意见箱"

# (kind, subject, content)
TEXTS = [
    ("complaint", "窗口工作人员态度生硬", "在法律援助窗口咨询经济困难标准时，工作人员不耐烦，没有讲清楚需要哪些材料。"),
    ("complaint", "办事指南与实际要求不一致", "公证处办理继承公证时要求提交亲属关系证明，办事指南中没有列出。"),
    ("report", "举报违规收费", "某法律服务所代写法律文书收费明显高于公示的收费标准。"),
    ("opinion", "建议公开法律服务工作者名册", "建议在各镇司法所公开法律服务工作者名册及收费标准，方便群众查询。"),
    ("opinion", "建议增加周六办理时段", "上班族平日难以请假，建议法律援助窗口每月增加一个周六上午办理时段。"),
    ("complaint", "电话长时间无人接听", "连续三天拨打公证处咨询电话，工作时间内均无人接听。"),
    ("opinion", "建议网上公开办理进度", "建议公证事项的办理进度可以在网上查询，不必反复跑窗口询问。"),
    ("report", "举报工作人员接受宴请", "反映某司法所工作人员在调解纠纷期间接受一方当事人宴请。"),
    ("complaint", "政府信息公开栏内容过期", "大厅公开栏张贴的法律援助标准仍是前年的，与网站公布的不一致。"),
    ("opinion", "建议设置无障碍通道指引", "大厅入口无障碍通道没有指示牌，轮椅使用者不容易找到。"),
]
CHANNEL_PLAN = ["hotline", "portal", "window", "supervisor", "hotline", "portal", "window", "portal", "hotline", "supervisor"]
NAMES = ["王建军", "李秀英", "陈立平", "赵明", "孙桂兰", "周文", "吴海燕", "郑志强"]
HANDLING = {
    "upheld": "经核查，反映情况属实，已对相关人员批评教育并责令整改，整改情况已在内部通报。",
    "partly": "经核查，反映情况部分属实，已对存在的问题予以纠正，其余情况已向反映人说明。",
    "not_upheld": "经调取记录并询问相关人员，反映情况不属实，已向反映人说明核查情况。",
    "adopted": "意见建议合理，已采纳并纳入下一步工作安排。",
    "noted": "意见建议已收悉，将在今后工作中研究改进。",
}


def _workdays_after(day: date, n: int) -> date:
    return get_calendar().add_workdays(day, n).date


def _workday_on_or_after(day: date) -> date:
    calendar = get_calendar()
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def _person(rng: random.Random, kind: str, subject: str, content: str, *, anonymous: bool) -> dict:
    if anonymous:
        return {"kind": kind, "subject": subject, "content": content, "anonymous": True, "name": "", "phone": ""}
    return {"kind": kind, "subject": subject, "content": content, "anonymous": False, "name": rng.choice(NAMES),
            "phone": f"139{rng.randrange(10**8):08d}"}


def _finish(rng: random.Random, complaint: Complaint, actor: User, today: date, *, late: bool, leave_open: bool) -> None:
    if leave_open:
        if rng.random() < 0.5:
            services.complaint_handle(actor=actor, complaint=complaint, handling="已转业务科室核查，正在调取相关记录。")
        return
    findings = services.FINDINGS_FOR[complaint.kind]
    finding = rng.choice(findings)
    answered = _workdays_after(complaint.received_on, rng.randint(17, 20) if late else rng.randint(3, 13))
    if answered > today:
        services.complaint_handle(actor=actor, complaint=complaint, handling="正在核查办理。")
        return
    has_contact = services.has_contact(complaint)
    method = ("网上答复" if complaint.channel == "portal" else rng.choice(["电话", "短信", "书面"])) if has_contact else services.NO_ANSWER
    answer = "" if method == services.NO_ANSWER else "感谢您的监督。" + HANDLING[finding]
    services.complaint_answer(actor=actor, complaint=complaint, finding=finding, handling=HANDLING[finding], answer=answer,
                              answer_method=method, answered_on=answered, today=today)
    archived = _workdays_after(answered, 5)
    if archived <= today and complaint.received_on.month < 9:  # the autumn's answered ones are not filed yet
        complaint.refresh_from_db()
        services.complaint_archive(actor=actor, complaint=complaint, archived_on=archived, today=today)


def _mailbox(rng, justice, officer, witness, today: date) -> int:
    created, monday = 0, date(DEMO_YEAR, 1, 5)
    n, last = 0, None
    while monday <= today - timedelta(days=3):
        day = _workday_on_or_after(monday)  # a holiday Monday: the first working day after it
        monday += timedelta(days=7)
        if day == last or day > today:
            continue
        last = day
        letters = rng.choices([0, 1, 2], weights=[5, 3, 1])[0]
        opening = services.mailbox_open(
            actor=officer, organisation=justice, mailbox=MAILBOX, letters=letters, witness=witness,
            opened_at=datetime.combine(day, time(9, 0), tzinfo=SHANGHAI), note="每周一上午定期开箱，两人在场清点。",
        )
        for _ in range(letters):
            kind, subject, content = TEXTS[n % len(TEXTS)]
            n += 1
            complaint = services.complaint_register(
                actor=officer, organisation=justice, channel="mailbox", mailbox_opening=opening, received_on=day,
                data=_person(rng, kind, subject, content, anonymous=rng.random() < 0.6), today=today,
            ).complaint
            _finish(rng, complaint, officer, today, late=rng.random() < 0.1, leave_open=False)
            created += 1
    return created


def _channels(rng, justice, officer, today: date) -> int:
    created = 0
    for month in range(1, 12):
        for i in range(2):
            received = _workday_on_or_after(date(DEMO_YEAR, month, 3 + i * 12))
            if received > today:
                continue
            kind, subject, content = TEXTS[(month * 2 + i) % len(TEXTS)]
            channel = CHANNEL_PLAN[(month + i) % len(CHANNEL_PLAN)]
            data = _person(rng, kind, subject, content, anonymous=channel == "portal" and rng.random() < 0.5)
            if channel == "portal":
                complaint = services.complaint_submit(data={**data, "about_organisation": justice}, today=received).complaint
            else:
                complaint = services.complaint_register(actor=officer, organisation=justice, channel=channel, data=data,
                                                        received_on=received, today=today).complaint
            recent = (today - received).days < 40
            _finish(rng, complaint, officer, today, late=month in (3, 8) and i == 0,
                    leave_open=recent or (month == 9 and i == 1))
            created += 1
    return created


def _reception(rng, justice, officer, today: date) -> int:
    created = 0
    for visit in ReceptionVisit.objects.filter(organisation=justice, follow_up_needed=True).order_by("visited_on")[:2]:
        complaint = services.complaint_register(
            actor=officer, organisation=justice, channel="reception", reception_visit=visit, received_on=visit.visited_on,
            data={"kind": "opinion" if "建议" in visit.issues else "complaint", "subject": visit.issues[:30],
                  "content": visit.issues, "anonymous": False, "name": visit.visitor_name,
                  "phone": visit.contact_phone.reveal() if visit.contact_phone else ""},
            today=today,
        ).complaint
        _finish(rng, complaint, officer, today, late=False, leave_open=False)
        created += 1
    return created


def _centre(rng, centre, desk, today: date) -> int:
    """The service centre's complaint window, kept by the supervision desk (效能办)."""
    created = 0
    for n, (month, day) in enumerate([(3, 10), (6, 16), (9, 8), (11, 18)]):
        received = _workday_on_or_after(date(DEMO_YEAR, month, day))
        if received > today:
            continue
        kind, subject, content = [("complaint", "取号后等候时间过长", "上午在综合窗口取号后等候近两小时，叫号系统多次故障。"),
                                  ("opinion", "建议增加自助服务终端", "大厅自助终端只有两台，高峰时段排队较长。"),
                                  ("complaint", "窗口提前下班", "下午五点十分到达社保窗口，工作人员已停止受理。"),
                                  ("opinion", "建议延长午间服务", "建议中午安排轮班，方便上班族午休时间办事。")][n]
        complaint = services.complaint_register(
            actor=desk, organisation=centre, channel="window", received_on=received, today=today,
            data=_person(rng, kind, subject, content, anonymous=False),
        ).complaint
        _finish(rng, complaint, desk, today, late=False, leave_open=month == 11)
        created += 1
    return created


def _foi_petitions() -> int:
    from yangguang.foi.models import Application

    created = 0
    pending = Application.objects.filter(result="not_processed.petition_or_complaint", complaints__isnull=True)
    for application in pending.order_by("pk"):
        services.complaint_from_foi(application=application)
        created += 1
    return created


@core_demo.register_demo("投诉举报和意见建议", history=True)
def load_complaints() -> int:
    justice = Organisation.objects.filter(code=core_demo.JUSTICE).first()
    centre = Organisation.objects.filter(code=core_demo.CENTRE).first()
    people = {u.username: u for u in User.objects.filter(username__in=["gongkai", "fujuzhang", "jiandu"])}
    if justice is None or centre is None or len(people) < 3:
        return 0
    created = 0
    with transaction.atomic():
        created += _foi_petitions()
        if MailboxOpening.objects.filter(organisation=justice).exists():
            return created
        today = min(selectors.local_today(), LAST_DAY)
        rng = random.Random(2026)
        created += _mailbox(rng, justice, people["gongkai"], people["fujuzhang"], today)
        created += _channels(rng, justice, people["gongkai"], today)
        created += _reception(rng, justice, people["gongkai"], today)
        created += _centre(rng, centre, people["jiandu"], today)
    return created
