"""Demo data for proactive disclosure: the justice bureau's 13 categories and 65 items (the seed's
first report), its guide, and a year of records for it and a few other departments."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from django.db import transaction

from yangguang.core import demo as core_demo
from yangguang.core.models import Organisation, Role, User
from yangguang.disclosure import services
from yangguang.disclosure.models import CatalogueNode, Channel, InformationRecord, ProjectStage, Scope

P, I = Scope.PUBLIC, Scope.INTERNAL
WEB, BOARD, GUIDE, MEETING, DOC = Channel.PORTAL, Channel.BOARD, Channel.GUIDE, Channel.MEETING, Channel.INTERNAL_DOCUMENT

# (category, [(item, scope, channels, responsible unit, frequency)]) — 13 categories, 65 items.
JUSTICE_CATALOGUE = [
    ("监狱工作管理", [
        ("监狱工作职能与管理规定", P, [WEB, BOARD], "监狱管理科", "on_change"),
        ("罪犯减刑假释暂予监外执行程序", P, [WEB, BOARD, GUIDE], "监狱管理科", "on_change"),
        ("罪犯会见通信规定", P, [WEB, BOARD], "监狱管理科", "on_change"),
        ("监狱执法监督与举报渠道", P, [WEB, BOARD], "监狱管理科", "on_change"),
        ("监狱布局调整规划", P, [WEB], "监狱管理科", "yearly"),
    ]),
    ("律师工作管理", [
        ("律师事务所设立条件与程序", P, [WEB, BOARD, GUIDE], "公证律师管理科", "on_change"),
        ("律师执业许可办理程序", P, [WEB, BOARD, GUIDE], "公证律师管理科", "on_change"),
        ("律师事务所年度检查考核结果", P, [WEB], "公证律师管理科", "yearly"),
        ("律师违法违规行为处理结果", P, [WEB], "公证律师管理科", "realtime"),
        ("律师服务收费标准", P, [WEB, BOARD], "公证律师管理科", "on_change"),
    ]),
    ("公证工作管理", [
        ("公证事项范围与办理程序", P, [WEB, BOARD, GUIDE], "公证律师管理科", "on_change"),
        ("公证收费项目与标准", P, [WEB, BOARD, GUIDE], "公证律师管理科", "on_change"),
        ("公证员执业信息", P, [WEB, BOARD], "公证律师管理科", "on_change"),
        ("公证投诉处理程序", P, [WEB, BOARD], "公证律师管理科", "on_change"),
        ("公证机构年度考核结果", P, [WEB], "公证律师管理科", "yearly"),
    ]),
    ("基层司法工作管理", [
        ("人民调解工作制度", P, [WEB, BOARD], "基层工作科", "on_change"),
        ("司法所设置与职责", P, [WEB], "基层工作科", "on_change"),
        ("基层法律服务工作者执业核准", P, [WEB, GUIDE], "基层工作科", "on_change"),
        ("社区矫正工作规定", P, [WEB, BOARD], "社区矫正科", "on_change"),
        ("安置帮教工作制度", P, [WEB], "基层工作科", "on_change"),
    ]),
    ("法律援助工作", [
        ("法律援助申请条件与程序", P, [WEB, BOARD, GUIDE], "法律援助处", "on_change"),
        ("法律援助经济困难标准", P, [WEB, BOARD, GUIDE], "法律援助处", "on_change"),
        ("法律援助案件办理情况", P, [WEB], "法律援助处", "quarterly"),
        ("法律援助工作站分布", P, [WEB, GUIDE], "法律援助处", "on_change"),
        ("法律援助投诉处理", P, [WEB, BOARD], "法律援助处", "on_change"),
    ]),
    ("司法行政法制工作", [
        ("行政规范性文件", P, [WEB], "法制科", "realtime"),
        ("行政许可事项与决定", P, [WEB, BOARD], "法制科", "realtime"),
        ("行政处罚决定", P, [WEB], "法制科", "realtime"),
        ("普法宣传工作", P, [WEB, BOARD], "普法宣传科", "monthly"),
        ("法治政府建设年度报告", P, [WEB], "法制科", "yearly"),
    ]),
    ("司法鉴定", [
        ("司法鉴定机构名册", P, [WEB, BOARD], "司法鉴定管理科", "yearly"),
        ("司法鉴定人执业登记", P, [WEB], "司法鉴定管理科", "on_change"),
        ("司法鉴定收费标准", P, [WEB, BOARD, GUIDE], "司法鉴定管理科", "on_change"),
        ("司法鉴定投诉处理", P, [WEB], "司法鉴定管理科", "on_change"),
        ("司法鉴定机构年度评估", P, [WEB], "司法鉴定管理科", "yearly"),
    ]),
    ("组织人事", [
        ("机构设置与领导分工", P, [WEB, BOARD], "政治部", "on_change"),
        ("干部任免与任前公示", P, [WEB, BOARD], "政治部", "realtime"),
        ("公务员招录与遴选", P, [WEB], "政治部", "realtime"),
        ("干部职工考核奖惩", I, [BOARD, MEETING], "政治部", "yearly"),
        ("工资福利与人员调配", I, [BOARD, DOC], "政治部", "on_change"),
    ]),
    ("财务收支", [
        ("部门预算", P, [WEB], "计划财务装备科", "yearly"),
        ("部门决算", P, [WEB], "计划财务装备科", "yearly"),
        ("“三公”经费", P, [WEB], "计划财务装备科", "yearly"),
        ("行政事业性收费", P, [WEB, BOARD], "计划财务装备科", "on_change"),
        ("局机关财务收支情况", I, [BOARD, MEETING], "计划财务装备科", "quarterly"),
    ]),
    ("物资采购", [
        ("政府采购计划", P, [WEB], "计划财务装备科", "yearly"),
        ("政府采购结果", P, [WEB], "计划财务装备科", "realtime"),
        ("办公用品采购", I, [BOARD], "办公室", "quarterly"),
        ("公务车辆购置与使用", I, [BOARD, DOC], "办公室", "quarterly"),
        ("固定资产处置", I, [BOARD], "计划财务装备科", "on_change"),
    ]),
    ("基建工程", [
        ("工程立项", P, [WEB, BOARD], "计划财务装备科", "realtime"),
        ("工程设计与预算", P, [WEB, BOARD], "计划财务装备科", "realtime"),
        ("工程招投标", P, [WEB, BOARD], "计划财务装备科", "realtime"),
        ("工程质量监督", P, [WEB, BOARD], "计划财务装备科", "realtime"),
        ("工程竣工验收", P, [WEB, BOARD], "计划财务装备科", "realtime"),
    ]),
    ("行政管理", [
        ("局长政务公开接待日安排", P, [WEB, BOARD], "办公室", "monthly"),
        ("公车使用与费用缴纳情况", I, [BOARD], "办公室", "quarterly"),
        ("重大决策与会议纪要", I, [MEETING, DOC], "办公室", "on_change"),
        ("规章制度汇编", I, [GUIDE, DOC], "办公室", "yearly"),
        ("政务公开工作情况通报", I, [MEETING], "办公室", "quarterly"),
    ]),
    ("审计", [
        ("内部审计工作制度", I, [BOARD, DOC], "审计室", "on_change"),
        ("经济责任审计结果", I, [MEETING, DOC], "审计室", "on_change"),
        ("审计整改情况", P, [WEB], "审计室", "on_change"),
        ("专项资金审计", I, [DOC], "审计室", "yearly"),
        ("上级审计发现问题整改", P, [WEB], "审计室", "on_change"),
    ]),
]

SMALL_CATALOGUE = [
    ("机构信息", [("机构职能", P, [WEB], "办公室", "on_change"), ("领导信息", P, [WEB], "办公室", "on_change")]),
    ("政策文件", [("行政规范性文件", P, [WEB], "法规科", "realtime"), ("政策解读", P, [WEB], "办公室", "realtime")]),
    ("财政信息", [("部门预算", P, [WEB], "财务科", "yearly"), ("部门决算", P, [WEB], "财务科", "yearly")]),
    ("业务工作", [("工作动态", P, [WEB], "办公室", "realtime"), ("通知公告", P, [WEB, BOARD], "办公室", "realtime")]),
]

DEPARTMENT_RECORDS = {
    "SLS-MZJ": [
        ("行政规范性文件", "关于调整2026年城乡低保标准的通知", "自2026年7月1日起，城市低保标准提高至每人每月980元，农村低保标准提高至每人每月820元。", "normative_document"),
        ("政策解读", "《关于调整2026年城乡低保标准的通知》政策解读", "解读低保标准调整的背景、适用对象、低保户资金发放时间及咨询电话。", ""),
        ("工作动态", "市民政局开展低保对象动态管理专项检查", "对全市低保户、特困人员开展入户核查，及时公开低保名单。", ""),
        ("通知公告", "2026年第三季度城乡低保资金发放情况公示", "第三季度共发放低保资金，名单在村（社区）公示栏公开。", ""),
        ("部门预算", "示例市民政局2026年部门预算", "2026年部门预算收支总表、财政拨款支出表及预算说明。", ""),
    ],
    "SLS-CZJ": [
        ("部门预算", "示例市2026年市级预算执行情况", "全市一般公共预算收入完成情况及重点支出安排，预算公开范围与时间。", ""),
        ("部门决算", "示例市财政局2025年部门决算", "2025年部门决算说明及“三公”经费支出情况。", ""),
        ("行政规范性文件", "示例市市级财政专项资金管理办法", "规范专项资金的申报、审核、拨付和绩效评价。", "normative_document"),
        ("通知公告", "关于做好2027年部门预算编制工作的通知", "各部门应于规定时间前报送预算建议数。", ""),
    ],
    "SLS-ZJJ": [
        ("通知公告", "示例市住房和城乡建设局门户网站ICP备案信息", "本局门户网站已完成ICP备案，备案号见网站底部。", ""),
        ("工作动态", "全市建筑施工安全生产大检查情况通报", "检查在建项目，责令整改安全隐患，通报检查结果。", ""),
        ("行政规范性文件", "示例市既有住宅加装电梯实施办法", "明确加装电梯的申请条件、审批程序和资金补助标准。", "normative_document"),
    ],
}

def _build_catalogue(organisation: Organisation, catalogue) -> dict[str, CatalogueNode]:
    items = {}
    for c, (category, entries) in enumerate(catalogue, start=1):
        parent = services.catalogue_node_create(actor=None, organisation=organisation, code=f"{c:02d}", name=category, sort_order=c)
        for i, (name, scope, channels, unit, frequency) in enumerate(entries, start=1):
            items[name] = services.catalogue_node_create(
                actor=None, organisation=organisation, parent=parent, code=f"{c:02d}{i:02d}", name=name, scope=scope,
                channels=list(channels), responsible_unit=unit, update_frequency=frequency, sort_order=i,
                description=f"{category}中“{name}”的相关信息。",
            )
    return items


@core_demo.register_demo("主动公开目录与指南", history=False)
def load_catalogues() -> int:
    justice = Organisation.objects.filter(code=core_demo.JUSTICE).first()
    if justice is None or CatalogueNode.objects.filter(organisation=justice).exists():
        return 0
    with transaction.atomic():
        _build_catalogue(justice, JUSTICE_CATALOGUE)
        services.guide_update(
            actor=None, organisation=justice,
            arrangement="本机关主动公开的政府信息按监狱工作管理、律师工作管理、公证工作管理等13类65项编排，每条信息标注索引号、名称、内容概述和生成日期。",
            how_to_obtain="通过示例市司法局门户网站“政府信息公开”栏目查阅；在局办公楼一楼大堂政务公开栏、法律援助处、公证处等窗口单位的公开栏查阅；索取《窗口工作指南》等印刷资料。",
            application_guidance="公民、法人或者其他组织可以通过网上申请、信函、传真或当面提交等方式向本机关申请获取政府信息。本机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。",
            office_name="示例市司法局政务公开办公室", address="示例市人民路18号司法局办公楼一楼", postcode="999001",
            office_hours="工作日 上午9:00–12:00，下午13:30–17:30（法定节假日除外）", phone="0999-82000123",
            fax="0999-82000124", email="zwgk@sfj.shili.gov.cn",
        )
        count = 1
        for code in DEPARTMENT_RECORDS:
            organisation = Organisation.objects.get(code=code)
            _build_catalogue(organisation, SMALL_CATALOGUE)
            count += 1
    return count


def _people() -> dict[str, User]:
    return {u.role: User.objects.get(username=u.username) for u in core_demo.DEMO_USERS if u.organisation == "SLS-ZFB" and u.role_organisation}


def _publish(record, drafter, checker, leader, *, published_on: date | None) -> None:
    services.record_transition(actor=drafter, record=record, action="submit")
    services.record_transition(actor=checker, record=record, action="confidentiality_approve")
    services.record_transition(actor=leader, record=record, action="leader_approve")
    if published_on is not None:
        # Demo history: place the publication on the day it would have happened, not on load day.
        when = datetime.combine(published_on, time(10, 0), tzinfo=timezone(timedelta(hours=8)))
        InformationRecord.objects.filter(pk=record.pk).update(published_at=when)


@core_demo.register_demo("主动公开信息", history=True)
def load_records() -> int:
    justice = Organisation.objects.filter(code=core_demo.JUSTICE).first()
    if justice is None or InformationRecord.objects.exists() or not CatalogueNode.objects.filter(organisation=justice).exists():
        return 0
    rng = random.Random(2026)
    officer = User.objects.get(username="gongkai")
    checker = User.objects.get(username="baomi")
    leader = User.objects.get(username="lingdao")
    people = _people()
    items = {n.name: n for n in CatalogueNode.objects.filter(organisation=justice, kind=CatalogueNode.Kind.ITEM)}
    today = date(2026, 11, 26)
    created = 0
    with transaction.atomic():
        project = services.project_create(actor=None, organisation=justice, name="示例市司法局业务技术用房改造工程",
                                           description="改造业务技术用房约3200平方米，含法律援助接待大厅。", started_on=date(2026, 3, 2))
        stages = [
            ("工程立项", ProjectStage.APPROVAL, "关于司法局业务技术用房改造工程立项的批复", date(2026, 3, 2)),
            ("工程设计与预算", ProjectStage.DESIGN, "业务技术用房改造工程设计方案公示", date(2026, 4, 10)),
            ("工程设计与预算", ProjectStage.BUDGET, "业务技术用房改造工程预算公示", date(2026, 4, 24)),
            ("工程招投标", ProjectStage.TENDER, "业务技术用房改造工程施工招标中标结果公示", date(2026, 6, 5)),
        ]
        for item, stage, title, formed in stages:
            record = services.record_create(actor=officer, organisation=justice, item=items[item], title=title, formed_on=formed,
                                            summary=f"{project.name}{ProjectStage(stage).label}阶段信息。",
                                            body=f"<p>{title}。项目概况：{project.description}</p>", project=project, project_stage=stage)
            _publish(record, officer, checker, leader, published_on=formed + timedelta(days=5))
            created += 1
        month_items = [
            ("法律援助案件办理情况", "法律援助案件办理情况（{m}月）", "本月共受理法律援助案件{n}件，办结{k}件，群众满意率98%。", "", None),
            ("局长政务公开接待日安排", "{m}月局长政务公开接待日安排", "本月15日（遇公休日顺延）为局长政务公开接待日，由局领导轮值接待来访群众。", "", None),
            ("普法宣传工作", "{m}月普法宣传工作动态", "开展“八五”普法宣传进社区活动{n}场，发放宣传资料{k}份。", "", None),
            ("行政许可事项与决定", "{m}月律师执业许可决定", "本月作出律师执业许可决定{n}件。", "licensing", "n"),
            ("行政处罚决定", "{m}月行政处罚决定公开", "本月对违法违规律师、基层法律服务工作者作出行政处罚决定{k}件。", "penalty", "k"),
            ("公车使用与费用缴纳情况", "{m}月公车使用情况", "局领导因私用车按规定交纳费用，本月交费情况如下。", "", None),
        ]
        for month in range(1, 12):
            for item, title, body, fact, count_key in month_items:
                if item == "公车使用与费用缴纳情况" and month % 3:
                    continue  # quarterly
                n, k = rng.randint(20, 60), rng.randint(1, 5)
                formed = date(2026, month, rng.randint(1, 25))
                values = {"m": month, "n": n, "k": k}
                record = services.record_create(
                    actor=officer, organisation=justice, item=items[item], title=title.format(**values),
                    summary=body.format(**values)[:80], body=f"<p>{body.format(**values)}</p>", formed_on=formed,
                    fact_kind=fact, decision_count=values[count_key] if count_key else None,
                )
                if formed < today - timedelta(days=40):
                    _publish(record, officer, checker, leader, published_on=formed + timedelta(days=rng.randint(2, 12)))
                elif month == 11 and item.startswith("普法"):
                    services.record_transition(actor=officer, record=record, action="submit")
                created += 1
        documents = [
            ("行政规范性文件", "示例市法律援助经济困难标准（试行）", "司规〔2026〕1号", date(2026, 2, 3), "normative_document"),
            ("行政规范性文件", "示例市人民调解员等级评定管理办法", "司规〔2026〕2号", date(2026, 5, 12), "normative_document"),
            ("公证收费项目与标准", "公证服务收费项目与标准（2026年修订）", "", date(2026, 1, 8), "administrative_fee"),
            ("部门预算", "示例市司法局2026年部门预算公开", "", date(2026, 2, 10), ""),
            ("“三公”经费", "示例市司法局2026年“三公”经费预算情况说明", "", date(2026, 2, 10), ""),
            ("法律援助申请条件与程序", "法律援助申请须知", "", date(2026, 1, 5), ""),
            ("公证事项范围与办理程序", "公证办理指南", "", date(2026, 1, 6), ""),
            ("干部任免与任前公示", "干部任前公示", "", date(2026, 9, 1), ""),
        ]
        for item, title, number, formed, fact in documents:
            record = services.record_create(
                actor=officer, organisation=justice, item=items[item], title=title, document_number=number, formed_on=formed,
                summary=f"{title}。", body=f"<p>{title}全文。</p><p>本信息依据《中华人民共和国政府信息公开条例》主动公开。</p>",
                fact_kind=fact, fee_amount="186000.00" if fact == "administrative_fee" else None,
            )
            _publish(record, officer, checker, leader, published_on=formed + timedelta(days=3))
            created += 1
        # Left for the dashboard: one overdue draft and one fresh one.
        services.record_create(actor=officer, organisation=justice, item=items["政府采购结果"],
                               title="2026年第三季度政府采购结果汇总", formed_on=date(2026, 10, 9))
        services.record_create(actor=officer, organisation=justice, item=items["审计整改情况"],
                               title="2025年度经济责任审计整改情况", formed_on=date(2026, 11, 20))
        created += 2
        for code, records in DEPARTMENT_RECORDS.items():
            organisation = Organisation.objects.get(code=code)
            dept_items = {n.name: n for n in CatalogueNode.objects.filter(organisation=organisation, kind=CatalogueNode.Kind.ITEM)}
            for n, (item, title, body, fact) in enumerate(records):
                formed = date(2026, 3 + 2 * n, 10)
                record = services.record_create(
                    actor=people[Role.DISCLOSURE_OFFICER], organisation=organisation, item=dept_items[item], title=title,
                    summary=body[:80], body=f"<p>{body}</p>", formed_on=formed, fact_kind=fact,
                )
                _publish(record, people[Role.DISCLOSURE_OFFICER], people[Role.CONFIDENTIALITY_REVIEWER], people[Role.LEADER],
                         published_on=formed + timedelta(days=4))
                created += 1
    return created
