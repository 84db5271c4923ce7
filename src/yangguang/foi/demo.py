"""Demo history of applications for disclosure at the city justice bureau: a year of applications
through the real services (receipt, corrections, consultations, an extension, a fee, every kind of
reply, reviews), a few carried in from 2025, and some still open for the demo officer to work on."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from django.db import transaction

from yangguang.core import demo as core_demo
from yangguang.core import calendar as workdays
from yangguang.core.models import Organisation, User
from yangguang.foi import rules, services
from yangguang.foi.models import Application

CST = timezone(timedelta(hours=8))
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "秀英", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚"]
SUBJECTS = [
    "{y}年度法律援助经费使用情况", "{y}年律师事务所年度检查考核结果", "本市基层法律服务所名录及收费标准",
    "{y}年人民调解员补贴发放标准", "关于司法鉴定机构准入的审批材料", "{y}年普法宣传经费预算及执行情况",
    "本局{y}年行政处罚案件汇总表", "公证机构设置规划及批复文件", "社区矫正对象管理工作制度",
    "{y}年度政府法律顾问聘任情况", "本局办公用房改造工程招标文件", "关于某律师事务所投诉处理结果",
]
ORG_APPLICANTS = [
    ("business", "示例市恒远建设有限公司", "91990100MA0000001X"),
    ("research", "示例大学法学院", "12990100MB0000002Y"),
    ("public_welfare", "示例市公益法律服务中心", "52990100MJ0000003A"),
    ("legal_service", "示例市明德律师事务所", "31990000MD0000004B"),
    ("other_org", "示例市云溪县某村民委员会", "54990105MF0000005C"),
]


def _resident_id(rng: random.Random) -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
    body = f"990100{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def _applicant(rng: random.Random, year: int, kind: str | None = None) -> dict:
    subject = rng.choice(SUBJECTS).format(y=year - 1)
    base = {"description": f"申请公开{subject}。", "form": rng.choice(list(rules.FORMS)),
            "delivery": rng.choice(["email", "post", "pickup", "online"]), "phone": f"139{rng.randrange(10**7, 10**8)}",
            "email": "applicant@example.com", "address": "示例市人民路 100 号", "postcode": "990100"}
    if kind is None and rng.random() < 0.75:
        return {**base, "applicant_type": rules.NATURAL_PERSON, "id_type": "resident_id", "id_number": _resident_id(rng),
                "applicant_name": rng.choice(SURNAMES) + rng.choice(GIVEN)}
    org_type, name, code = next(o for o in ORG_APPLICANTS if o[0] == kind) if kind else rng.choice(ORG_APPLICANTS)
    return {**base, "applicant_type": org_type, "id_type": "credit_code", "id_number": code, "applicant_name": name,
            "contact_person": rng.choice(SURNAMES) + rng.choice(GIVEN), "legal_representative": rng.choice(SURNAMES) + "总"}


def _register(justice, officer, rng, received_on: date, channel: str | None = None, **data) -> Application:
    channel = channel or rng.choice(["post", "in_person", "fax", "online"])
    if channel == "online":
        app = services.application_submit(organisation=justice, data=data, client_ip="").application
        Application.objects.filter(pk=app.pk).update(submitted_at=datetime.combine(received_on, time(9, 30), tzinfo=CST))
        app.refresh_from_db()
        return services.application_confirm_receipt(actor=officer, application=app, received_on=received_on)
    return services.application_register(actor=officer, organisation=justice, data=data, channel=channel,
                                         received_on=received_on).application


def _workdays_after(day: date, n: int) -> date:
    return workdays.add_workdays(day, n).date


SUMMARIES = {
    "disclosed": "您申请的信息已制作成电子文档，随本告知书一并提供。",
    "partially_disclosed": "所申请信息中涉及个人身份信息的部分不予公开，其余部分随本告知书提供。",
    "withheld": "所申请信息属于不予公开的情形，理由见上。",
    "unavailable": "经检索，本机关未制作或获取该政府信息。",
    "not_processed": "您的申请不属于政府信息公开申请的处理范围。",
    "other": "其他情形。",
}


@core_demo.register_demo("依申请公开", history=True)
def load_applications() -> int:
    justice = Organisation.objects.filter(code=core_demo.JUSTICE).first()
    if justice is None or Application.objects.filter(organisation=justice).exists():
        return 0
    rng = random.Random(2027)
    officer = User.objects.get(username="gongkai")
    head = User.objects.get(username="lingdao")
    today = min(date.today(), date(2026, 11, 26))
    created = 0
    with transaction.atomic():
        # Received late in 2025, concluded in January 2026: carried into 2026.
        for received in (date(2025, 12, 22), date(2025, 12, 29), date(2025, 12, 30)):
            app = _register(justice, officer, rng, received, **_applicant(rng, 2026))
            services.application_reply(actor=officer, application=app, result="disclosed", article="第三十六条第（二）项",
                                       summary=SUMMARIES["disclosed"], replied_on=_workdays_after(received, 12))
            created += 1
        # A year of applications, each closed with a result (every result at least once).
        results = list(rules.REPLY_RESULTS) + ["disclosed"] * 8 + ["partially_disclosed"] * 3 + ["unavailable.not_held"] * 3
        start = date(2026, 1, 5)
        for i, result in enumerate(results):
            received = start + timedelta(days=int(i * 250 / len(results)))
            kind = [None, "business", "research", "public_welfare", "legal_service", "other_org"][i % 6] if i < 12 else None
            app = _register(justice, officer, rng, received, **_applicant(rng, 2026, kind))
            replied = _workdays_after(received, rng.randrange(3, 19))
            services.application_reply(actor=officer, application=app, result=result,
                                       article=rules.RESULTS[result].article or "第三十六条",
                                       summary=SUMMARIES[rules.RESULTS[result].letter], replied_on=min(replied, today))
            created += 1
        # Corrections: one answered, one never answered (其他处理/1).
        app = _register(justice, officer, rng, date(2026, 3, 2), "post", **_applicant(rng, 2026))
        services.application_request_correction(actor=officer, application=app, items="请写明所需文件的名称或文号、形成时间。",
                                                correction_due_on=date(2026, 3, 20), requested_on=date(2026, 3, 4))
        services.application_receive_correction(actor=officer, application=app, received_on=date(2026, 3, 16))
        services.application_reply(actor=officer, application=app, result="disclosed", article="第三十六条第（二）项",
                                   summary=SUMMARIES["disclosed"], replied_on=date(2026, 4, 3))
        app = _register(justice, officer, rng, date(2026, 4, 13), "in_person", **_applicant(rng, 2026))
        services.application_request_correction(actor=officer, application=app, items="请提供身份证明。",
                                                correction_due_on=date(2026, 4, 30), requested_on=date(2026, 4, 15))
        services.application_close_no_correction(actor=officer, application=app, today=date(2026, 5, 6))
        # A third-party consultation, then partial disclosure.
        app = _register(justice, officer, rng, date(2026, 5, 11), "post", **_applicant(rng, 2026, "business"))
        services.application_start_consultation(actor=officer, application=app, kind="third_party",
                                                party="示例市明德律师事务所", started_on=date(2026, 5, 13))
        services.application_end_consultation(actor=officer, application=app, ended_on=date(2026, 5, 29), note="第三方不同意公开其执业信息")
        services.application_reply(actor=officer, application=app, result="partially_disclosed", article="第三十七条、第十五条",
                                   summary=SUMMARIES["partially_disclosed"], replied_on=date(2026, 6, 12))
        # An extension approved by the head.
        app = _register(justice, officer, rng, date(2026, 6, 15), "post", **_applicant(rng, 2026, "research"))
        services.application_extend(actor=head, application=app, workdays_added=15, reason="所需信息年代久远，需要调阅档案",
                                    notified_on=date(2026, 7, 8))
        services.application_reply(actor=officer, application=app, result="disclosed", article="第三十六条第（二）项",
                                   summary=SUMMARIES["disclosed"], replied_on=date(2026, 7, 24))
        # The same applicant, twelve times in one month: the eleventh pays a fee, the twelfth doesn't pay.
        frequent = _applicant(rng, 2026)
        many = [_register(justice, officer, rng, date(2026, 8, 3) + timedelta(days=d // 2), "online", **frequent) for d in range(12)]
        for app in many[:10]:
            services.application_reply(actor=officer, application=app, result="not_processed.repeated",
                                       article="第三十六条第（六）项", summary="您已就相同内容提出申请，本机关已作出答复。",
                                       replied_on=date(2026, 8, 14))
        services.application_notify_fee(actor=officer, application=many[10], method="by_count", notified_on=date(2026, 8, 12))
        services.application_record_payment(actor=officer, application=many[10], paid_on=date(2026, 8, 20), reference="FS2026080001")
        services.application_reply(actor=officer, application=many[10], result="disclosed", article="第三十六条第（二）项",
                                   summary=SUMMARIES["disclosed"], replied_on=date(2026, 8, 31))
        services.application_notify_fee(actor=officer, application=many[11], method="by_count", notified_on=date(2026, 8, 12))
        services.application_close_fee_unpaid(actor=officer, application=many[11], today=date(2026, 9, 15))
        created += 16
        # Reviews: a reconsideration upheld, a lawsuit still pending.
        refused = Application.objects.filter(organisation=justice, result="withheld.third_party_rights").first()
        services.review_record(actor=officer, application=refused, kind="reconsideration", filed_on=refused.concluded_on + timedelta(days=20),
                               body="示例市人民政府", outcome="upheld", decided_on=refused.concluded_on + timedelta(days=70))
        unheld = Application.objects.filter(organisation=justice, result="unavailable.not_held").first()
        services.review_record(actor=officer, application=unheld, kind="litigation_direct", filed_on=unheld.concluded_on + timedelta(days=30),
                               body="示例市云溪县人民法院", case_number="（2026）示0105行初12号")
        # Still open for the demo: recent ones, one overdue, one awaiting correction, one consulting.
        for offset in (2, 6, 9, 15):
            _register(justice, officer, rng, _workdays_after(today - timedelta(days=30), offset), **_applicant(rng, 2026))
            created += 1
        _register(justice, officer, rng, date(2026, 9, 1), "post", **_applicant(rng, 2026))  # overdue
        app = _register(justice, officer, rng, today - timedelta(days=3), "in_person", **_applicant(rng, 2026))
        services.application_request_correction(actor=officer, application=app, items="请写明所需信息的形成年份。",
                                                correction_due_on=_workdays_after(today, 10), requested_on=today)
        app = _register(justice, officer, rng, today - timedelta(days=20), "post", **_applicant(rng, 2026, "business"))
        services.application_start_consultation(actor=officer, application=app, kind="agency", party="示例市财政局",
                                                started_on=today - timedelta(days=6))
        # And one submitted online this morning, waiting for the office to confirm it.
        services.application_submit(organisation=justice, data=_applicant(rng, 2026), client_ip="")
        created += 4
    return created
