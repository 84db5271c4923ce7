"""Demo 好差评: about a third of the demo year's completed cases rated (most at the window's
evaluation device, some online or through the SMS link), satisfaction high as in the seed's reports,
a few answered disclosure applications rated online, and a handful of 差评 whose rectifications
stand in every state: verifying, rectifying (one overdue), replied awaiting the return visit,
closed after the return visit, appealed with the desk, and voided on appeal. Written with
bulk_create (the year has ~90,000 cases); loads once."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from yangguang.core import audit
from yangguang.core import demo as core_demo
from yangguang.core.calendar import get_calendar
from yangguang.core.models import User
from yangguang.foi import rules as foi_rules
from yangguang.foi.models import Application
from yangguang.services import rules as service_rules
from yangguang.services.models import Case
from yangguang.supervision import evaluation_selectors as sel
from yangguang.supervision import evaluations
from yangguang.supervision.models import Evaluation, Rectification
from yangguang.supervision.models.evaluations import LEVELS
from yangguang.supervision.notify import notify

SEED = 20261126
SHARE = {"device": 0.26, "web": 0.05, "sms": 0.03}  # of completed cases, per channel
LEVEL_WEIGHTS = [(5, 88.0), (4, 9.0), (3, 3.0)]  # 差评 are placed by hand below
COMMENTS = {5: ["办事效率高", "工作人员热情耐心", "一次就办好了", ""], 4: ["整体满意", "排队稍久", ""], 3: ["材料说明可以更清楚", ""]}
S = Rectification.Status

# (working days before today the 差评 was given, level, channel, comment, what became of it)
POOR = [
    (160, 2, "web", "窗口人员对材料要求解释不清，跑了两次。", "closed"),
    (120, 1, "device", "等候一个多小时无人叫号。", "voided"),
    (70, 2, "sms", "电话咨询时态度生硬。", "closed_after_appeal"),
    (24, 1, "web", "办结后未按约定时间通知领取。", "overdue"),
    (12, 2, "device", "自助机故障，无人协助。", "replied"),
    (6, 2, "web", "网上申报退回理由不明确。", "appealed"),
    (3, 1, "sms", "同一份材料被要求提交两次。", "rectifying"),
    (0, 2, "device", "窗口午间无人值守。", "verifying"),
]


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9 + rng.randint(0, 7), rng.randint(0, 59))))


def _row(case: dict, channel: str, level: int, day: date, rng: random.Random, comment: str = "") -> Evaluation:
    return Evaluation(
        subject="case", case_id=case["pk"], organisation_id=case["organisation_id"], department_id=case["department_id"],
        window_id=case["window_id"], staff_id=case["accepted_by_id"] or case["registered_by_id"], channel=channel,
        level=level, comment=comment, rated_at=_at(day, rng), rated_on=day,
    )


def _rectification(evaluation: Evaluation, fate: str, today: date, people: dict) -> Rectification:
    calendar = get_calendar()
    verify_due, reply_due = evaluations.deadlines(evaluation.rated_on)
    r = Rectification(evaluation=evaluation, organisation_id=evaluation.department_id or evaluation.organisation_id,
                      opened_on=evaluation.rated_on, verify_due_on=verify_due, reply_due_on=reply_due)
    leader, desk = people.get("lingdao"), people.get("jiandu")
    if fate in ("closed", "closed_after_appeal", "replied", "rectifying", "overdue"):
        r.status, r.verified_on, r.verified_by = S.RECTIFYING, verify_due, leader
        r.verification = "经调阅窗口录像、询问当事工作人员，反映情况基本属实。"
    if fate == "closed_after_appeal":
        r.appeal_reasons = "申请人反映的咨询电话并非本窗口接听，疑为误评。"
        r.appealed_on, r.appealed_by = calendar.add_workdays(evaluation.rated_on, 2).date, leader
        r.appeal_decision, r.appeal_note = "rejected", "经核查通话记录，确为本窗口接听，申诉不成立，应继续整改。"
        r.appeal_decided_on, r.appeal_decided_by = calendar.add_workdays(evaluation.rated_on, 4).date, desk
    if fate in ("closed", "closed_after_appeal", "replied"):
        r.status = S.REPLIED
        r.measures = "对窗口人员开展服务规范和一次性告知培训，修订办事指南中的材料说明。"
        r.reply = "已电话向申请人致歉，说明整改措施，并告知办事指南已更新。"
        r.replied_on, r.replied_by = calendar.add_workdays(evaluation.rated_on, 10).date, leader
    if fate in ("closed", "closed_after_appeal"):
        r.status, r.revisit_result, r.revisit_note = S.CLOSED, "satisfied", "回访申请人，对整改情况表示满意。"
        r.revisited_on, r.revisited_by = calendar.add_workdays(evaluation.rated_on, 13).date, desk
    if fate in ("appealed", "voided"):
        r.status, r.appeal_reasons = S.APPEALED, "当日叫号系统记录显示该申请人取号后 8 分钟即被叫号，评价与事实不符，疑为误评。"
        r.appealed_on, r.appealed_by = calendar.add_workdays(evaluation.rated_on, 1).date, leader
    if fate == "voided":
        r.status, r.appeal_decision, r.appeal_note = S.VOIDED, "upheld", "经调取叫号记录和录像核实，申诉成立，该差评不计入统计。"
        r.appeal_decided_on, r.appeal_decided_by = calendar.add_workdays(evaluation.rated_on, 3).date, desk
    return r


@core_demo.register_demo("好差评", history=True)
def load_evaluations() -> int:
    if Evaluation.objects.exists():
        return 0
    today = min(sel.local_today(), date(2026, 11, 26))
    cases = list(
        Case.objects.filter(status__in=[service_rules.COMPLETED, service_rules.DELIVERED], completed_on__year=today.year,
                            completed_on__lte=today)
        .order_by("pk").values("pk", "organisation_id", "department_id", "window_id", "accepted_by_id", "registered_by_id",
                               "completed_on")
    )
    if not cases:
        return 0
    rng, calendar = random.Random(SEED), get_calendar()
    people = {u.username: u for u in User.objects.filter(username__in=["lingdao", "jiandu"])}
    rows: list[Evaluation] = []
    poor_rows: list[tuple[Evaluation, str]] = []
    taken: set[int] = set()
    by_day: dict[date, list[dict]] = {}
    for case in cases:
        by_day.setdefault(case["completed_on"], []).append(case)
    for before, level, channel, comment, fate in POOR:
        day = today
        for _ in range(before):
            day = _previous_workday(day, calendar)
        candidates = [c for d in sorted(by_day) if d <= day for c in by_day[d] if c["window_id"] and c["pk"] not in taken]
        if not candidates:
            continue
        case = candidates[-1 - rng.randint(0, min(20, len(candidates) - 1))]
        taken.add(case["pk"])
        poor_rows.append((_row(case, channel, level, day, rng, comment), fate))
    levels, weights = zip(*LEVEL_WEIGHTS)
    for case in cases:
        if case["pk"] in taken:
            continue
        for channel, share in SHARE.items():
            if rng.random() >= share or (channel == "device" and not case["window_id"]):
                continue
            day = case["completed_on"] if channel == "device" else min(today, case["completed_on"] + timedelta(days=rng.randint(0, 3)))
            level = rng.choices(levels, weights)[0]
            rows.append(_row(case, channel, level, day, rng, rng.choice(COMMENTS[level])))
    with transaction.atomic():
        Evaluation.objects.bulk_create(rows, batch_size=2000)
        Evaluation.objects.bulk_create([e for e, _ in poor_rows])
        rectifications = [_rectification(e, fate, today, people) for e, fate in poor_rows]
        Rectification.objects.bulk_create(rectifications)
        Evaluation.objects.filter(rectification__status=S.VOIDED).update(voided=True)
        for r in rectifications:
            if r.status in (S.VERIFYING, S.RECTIFYING, S.APPEALED):
                notify(recipients=sel.responsible_people(r.evaluation), key=f"rectification-open:{r.pk}", kind="evaluation",
                       title=f"差评整改：办件（{LEVELS[r.evaluation.level]}）", url=f"/staff/hcp/{r.pk}/",
                       body=f"请于 {r.verify_due_on:%Y-%m-%d} 前核实，{r.reply_due_on:%Y-%m-%d} 前整改并答复。",
                       organisation=r.organisation)
        answered = _rate_applications(today, rng)
        total = len(rows) + len(poor_rows) + answered
        audit.record(actor=None, action="supervision.demo.evaluations", object_type="supervision.evaluation",
                     object_repr="好差评", after={"evaluations": total, "rectifications": len(rectifications)})
    return total


def _previous_workday(day: date, calendar) -> date:
    day -= timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def _rate_applications(today: date, rng: random.Random) -> int:
    """A few answered applications for disclosure rated online (the organisation is the department)."""
    apps = list(Application.objects.filter(status=foi_rules.CLOSED, concluded_on__lte=today).exclude(result_article="")
                .order_by("pk").values("pk", "organisation_id", "concluded_by_id", "assignee_id", "concluded_on"))
    rows = []
    for app in apps:
        if rng.random() >= 0.4:
            continue
        level = rng.choices([5, 4, 3], [80, 15, 5])[0]
        day = min(today, app["concluded_on"] + timedelta(days=rng.randint(1, 5)))
        rows.append(Evaluation(
            subject="application", application_id=app["pk"], organisation_id=app["organisation_id"],
            department_id=app["organisation_id"], staff_id=app["concluded_by_id"] or app["assignee_id"], channel="web",
            level=level, comment=rng.choice(["答复及时、依据清楚", ""]), rated_at=_at(day, rng), rated_on=day,
        ))
    Evaluation.objects.bulk_create(rows)
    return len(rows)

