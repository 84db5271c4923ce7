"""Demo data for the invited supervisors and the assessment: the centre's roster of eight invited
supervisors (one of them with an account, ``tejian``), inspections through 2026 with findings in
every state, the default assessment formula, and the monthly scores of January–October computed by
the real ``assessment`` code. Registered last among the supervision builders (see apps.py), so the
scores take in the demo's cases, ratings, complaints and cards."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from yangguang.core import demo as core_demo
from yangguang.core.models import Organisation, User, Window
from yangguang.core.services import user_create
from yangguang.supervision import assessment, inspections
from yangguang.supervision.models import AssessmentFormula, MonthlyScore, Supervisor

DESK = "jiandu"
ACCOUNT = "tejian"
# (name, category, affiliation, phone, certificate)
ROSTER = [
    ("王海平", "人大代表", "市人大代表、示例市第一中学校长", "13910000001"),
    ("陈淑芬", "政协委员", "市政协委员、示例市律师协会副会长", "13910000002"),
    ("刘志强", "企业代表", "示例市建工集团有限公司办公室主任", "13910000003"),
    ("张丽华", "群众代表", "东湖区柳湾社区居民", "13910000004"),
    ("赵国庆", "新闻媒体", "示例日报社记者", "13910000005"),
    ("李明辉", "企业代表", "示例市个体劳动者协会秘书长", "13910000006"),
    ("孙晓燕", "群众代表", "西山区石桥村村民委员会委员", "13910000007"),
    ("周建华", "特约监察员", "退休干部", "13910000008"),
]
# (date, kind, window number or "", summary, [(problem, due, state)], supervisors by roster index)
INSPECTIONS = [
    (date(2026, 3, 18), "unannounced", "01", "暗访公安窗口，上午10时办事群众约20人，叫号等候时间较长。",
     [("高峰时段仅开放1个受理窗口，群众等候超过40分钟", date(2026, 4, 17), "confirmed")], [0, 3]),
    (date(2026, 5, 20), "open", "", "明察政务服务中心一楼大厅，检查工作纪律、办事指南公开和评价器使用情况。",
     [("2名工作人员未佩戴工作牌", date(2026, 5, 27), "confirmed"),
      ("3个窗口的评价器未开启", date(2026, 5, 27), "confirmed")], [1, 2, 4]),
    (date(2026, 7, 9), "meeting", "", "召开特邀监督员座谈评议会，听取对政务服务中心上半年工作的意见建议。",
     [("办事指南中部分材料名称与窗口实际要求不一致", date(2026, 8, 7), "rectified")], [0, 1, 2, 3, 5, 6, 7]),
    (date(2026, 9, 24), "unannounced", "25", "暗访综合窗口，以办事群众身份咨询企业开办事项。",
     [("综合窗口对企业开办“一件事”流程解答不清", date(2026, 10, 23), "rectified")], [5, 6]),
    (date(2026, 11, 12), "unannounced", "03", "暗访窗口午间服务情况。",
     [("午间12:10无人值守，未按承诺实行午间轮岗", date(2026, 12, 11), "open")], [3, 7]),
]


def _today() -> date:
    return min(inspections.local_today(), date(2026, 11, 26))


@core_demo.register_demo("特邀监督员和监督检查", history=True)
def load_inspections() -> int:
    centre = Organisation.objects.filter(code=core_demo.CENTRE).first()
    desk = User.objects.filter(username=DESK).first()
    if centre is None or desk is None or Supervisor.objects.filter(organisation=centre).exists():
        return 0
    today = _today()
    windows = {w.number: w for w in Window.objects.filter(centre=centre)}
    created = 0
    with transaction.atomic():
        account = User.objects.filter(username=ACCOUNT).first() or user_create(
            actor=None, username=ACCOUNT, password=core_demo.DEMO_PASSWORD, full_name=ROSTER[0][0], organisation=centre)
        roster = [
            inspections.supervisor_appoint(
                actor=desk, organisation=centre, name=name, category=category, affiliation=affiliation, phone=phone,
                certificate_number=f"示政服监聘〔2025〕{n}号", term_starts_on=date(2025, 7, 1),
                term_ends_on=date(2027, 6, 30), user=account if n == 1 else None)
            for n, (name, category, affiliation, phone) in enumerate(ROSTER, start=1)
        ]
        inspections.supervisor_dismiss(actor=desk, supervisor=roster[4], dismissed_on=date(2026, 8, 31),
                                       reason="工作调动，本人申请辞去特邀监督员")
        for on, kind, window, summary, findings, who in INSPECTIONS:
            if on > today:
                continue
            inspection = inspections.inspection_record(
                actor=desk, organisation=centre, window=windows.get(window), kind=kind, inspected_on=on,
                summary=summary, supervisors=[roster[i] for i in who if roster[i].dismissed_on is None or
                                              roster[i].dismissed_on > on], today=today)
            created += 1
            for problem, due, state in findings:
                finding = inspections.finding_add(actor=desk, inspection=inspection, problem=problem,
                                                  responsible=centre, due_on=due, today=today)
                if state in ("rectified", "confirmed") and min(due, today) >= on:
                    finding = inspections.finding_rectify(actor=desk, finding=finding, rectified_on=min(due, today),
                                                          follow_up="已对照问题逐项整改，并建立长效机制。", today=today)
                    if state == "confirmed":
                        inspections.finding_confirm(actor=desk, finding=finding, confirmed_on=min(due, today),
                                                    today=today)
    return created + len(ROSTER)


@core_demo.register_demo("窗口和人员月度考核", history=True)
def load_assessment() -> int:
    centre = Organisation.objects.filter(code=core_demo.CENTRE).first()
    if centre is None:
        return 0
    today = _today()
    if not AssessmentFormula.objects.filter(organisation=centre).exists():
        assessment.formula_save(
            actor=None, organisation=centre, effective_from=date(2026, 1, 1),
            note="按《示例市政务服务中心窗口及工作人员考核办法》：每月考核，前3名窗口评为红旗窗口，前5名工作人员评为服务标兵。")
    scored = 0
    for number in range(1, 11):
        month = date(2026, number, 1)
        if assessment.month_bounds(month)[1] > today or MonthlyScore.objects.filter(organisation=centre, month=month).exists():
            continue
        result = assessment.assess(actor=None, organisation=centre, month=month)
        scored += result["windows"] + result["persons"]
    return scored


