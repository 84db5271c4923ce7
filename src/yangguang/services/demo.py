"""Demo data of the city's service centre (示例市政务服务中心), shaped on the seed's second report:
the 43 departments' 156 approval and 88 public-service items (即办件 29%, committed limits about 7
working days, 17.52 days under the legal limits on average), and a year of cases whose figures for
1–10月 2026 are the report's (受理 90470, 办结 90493 含结转, 当场办结率 94.28%, 承诺时限内办结率 100%,
节约 350570 个工作日), then November up to the demo day, and some cases still open at every step.

The history is written in bulk (``bulk.insert_rows``) with one calendar, not through the services
one case at a time: a year of cases must load in seconds. Everything is deterministic (fixed seeds)."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models.base import ModelState
from django.utils import timezone

from yangguang.core import audit, tracking
from yangguang.core import calendar as workdays
from yangguang.core import demo as core_demo
from yangguang.core.models import Organisation, User, WindowAuthorisation
from yangguang.core.workcalendar import iter_days
from yangguang.services import clock, rules
from yangguang.services.bulk import ClockCache, advance_sequences, insert_rows
from yangguang.services.models import Case, CaseMaterial, Hop, Material, ServiceItem, Step, Suspension
from yangguang.services.services import NUMBER_TEMPLATE

CHINA = ZoneInfo("Asia/Shanghai")
REPORT_FROM, REPORT_TO = date(2026, 1, 1), date(2026, 10, 31)  # the report's 1–10月
DEMO_DAY = date(2026, 11, 26)
SEED_ACCEPTED, SEED_COMPLETED, SEED_ON_THE_SPOT, SEED_SAVED = 90470, 90493, 0.9428, 350570
CARRIED_IN = 180  # accepted in December 2025, completed in January 2026 (at full scale)
IMMEDIATE_CASE_SHARE = 0.60
AVG_COMPRESSION = 17.52
AGENCY_VILLAGE = next(u.organisation for u in core_demo.DEMO_USERS if u.username == "daiban")  # YXX-LTZ-01
TOWN_CLERK = next(u for u in core_demo.DEMO_USERS if u.username == "zhendaiban")  # the town's agency clerk

# Per department: items by kind. Suffixes: * 即办件, #N legal limit N working days (approval items
# default to 20), ! an approval item without a legal limit. Public services have no legal limit.
CATALOGUE = {
    "GAJ": {"licence": "大型群众性活动安全许可#7、烟花爆竹道路运输许可、剧毒化学品购买许可、民用爆炸物品购买许可#5、保安服务公司设立许可#30、旅馆业特种行业许可证核发",
            "confirmation": "户口迁移审批*、居民身份证申领#60、普通护照签发#15", "other_power": "机动车登记*",
            "public_service": "户籍证明开具*、居住证办理、无犯罪记录证明开具*、临时居民身份证明开具*、交通违法处理*、出入境记录查询"},
    "RSJ": {"licence": "人力资源服务许可、劳务派遣经营许可、民办职业培训学校设立许可#30", "confirmation": "工伤认定#60、劳动能力鉴定#60",
            "benefit": "失业保险金申领",
            "public_service": "社会保障卡申领、社会保险参保登记*、社会保险关系转移接续、养老保险待遇领取资格认证*、就业创业证申领、职业技能等级证书查询*、个人权益记录打印*、灵活就业人员参保登记*"},
    "ZRZYJ": {"licence": "建设用地规划许可、建设工程规划许可、乡村建设规划许可、采矿权新立登记#40、临时用地审批、建设项目用地预审",
              "confirmation": "不动产登记#30、国有建设用地使用权首次登记#30", "public_service": "不动产登记资料查询*、测绘成果提供"},
    "ZJJ": {"licence": "建筑工程施工许可#15、商品房预售许可、建筑业企业资质核准、燃气经营许可#30、城镇污水排入排水管网许可、房地产开发企业资质核定、建设工程消防设计审查#15",
            "other_power": "建设工程竣工验收备案*、建设工程消防验收备案", "public_service": "建设工程质量安全监督申报、物业服务企业信息查询*"},
    "SCJGJ": {"licence": "食品经营许可、食品生产许可、药品零售企业许可#30、医疗器械经营许可#30、特种设备使用登记、计量标准器具核准",
              "confirmation": "企业设立登记*#15、企业变更登记*#15、个体工商户登记*、企业注销登记*",
              "public_service": "企业信用信息查询*、登记档案查询、消费投诉受理"},
    "SWJ": {"licence": "增值税专用发票最高开票限额审批", "confirmation": "纳税人资格认定*", "levy": "契税征收*、车船税征收*、城镇土地使用税征收#15",
            "public_service": "发票领用*、完税证明开具*、纳税信用等级查询、涉税咨询*、出口退税申报"},
    "JTJ": {"licence": "道路旅客运输经营许可、道路货物运输经营许可、出租汽车经营许可、机动车驾驶员培训许可、公路超限运输许可#15、占用挖掘公路许可、港口经营许可#30",
            "confirmation": "道路运输从业人员资格证核发*", "public_service": "道路运输证年审*、交通出行信息咨询*"},
    "WJW": {"licence": "医疗机构执业许可#45、公共场所卫生许可、放射诊疗许可、母婴保健技术服务执业许可、饮用水供水单位卫生许可",
            "confirmation": "医师执业注册*、护士执业注册", "public_service": "出生医学证明签发*、预防接种证办理*、计划生育家庭特别扶助申请、母婴健康手册领取"},
    "MZJ": {"confirmation": "社会团体成立登记#60、民办非企业单位成立登记#60、婚姻登记*", "benefit": "最低生活保障金给付!、临时救助金给付!",
            "public_service": "婚姻登记档案查询*、殡葬服务、养老机构备案、老年人优待证办理*、地名信息查询"},
    "YBJ": {"benefit": "医疗救助金给付!", "confirmation": "定点医药机构申请确认#30",
            "public_service": "医保参保登记*、医保关系转移接续、异地就医备案*、门诊慢特病待遇认定、医疗费用手工报销、医保缴费查询*、医保电子凭证激活*"},
    "STHJJ": {"licence": "建设项目环境影响报告书审批#60、建设项目环境影响报告表审批#30、排污许可证核发、危险废物经营许可、辐射安全许可",
              "public_service": "环境信息查询"},
    "FGW": {"licence": "企业投资项目核准、政府投资项目可行性研究报告审批、固定资产投资项目节能审查", "other_power": "企业投资项目备案*",
            "confirmation": "价格认定", "public_service": "投资项目审批咨询*"},
    "JYJ": {"licence": "民办学校设立许可#60、校外培训机构设立许可#30、幼儿园设立许可#30", "confirmation": "教师资格认定#30",
            "public_service": "学籍证明开具*、毕业证明书补办、义务教育入学登记"},
    "NYJ": {"licence": "农药经营许可、兽药经营许可、种子生产经营许可、动物防疫条件合格证核发", "confirmation": "拖拉机和联合收割机登记*、乡村兽医登记",
            "benefit": "农机购置补贴!", "public_service": "农业技术咨询、动物检疫申报"},
    "SLJ": {"licence": "取水许可#45、河道管理范围内建设项目工程建设方案审批、生产建设项目水土保持方案审批、洪水影响评价审批",
            "other_power": "水土保持设施自主验收报备*", "public_service": "水文资料提供"},
    "SHWJ": {"licence": "拍卖企业设立许可#30、成品油零售经营资格审批", "confirmation": "对外贸易经营者备案登记*", "other_power": "单用途商业预付卡备案*",
             "public_service": "外贸政策咨询*"},
    "WGLJ": {"licence": "营业性演出许可、娱乐场所经营许可、互联网上网服务营业场所经营许可、旅行社设立许可、出版物零售业务经营许可、文物保护单位建设控制地带内建设工程设计方案审批",
             "public_service": "图书借阅证办理*、文化活动场地预约"},
    "GJJ": {"public_service": "住房公积金缴存登记*、住房公积金提取*、住房公积金个人贷款、缴存证明开具*、住房公积金账户转移、个人缴存信息查询*、贷款结清证明开具*"},
    "SFJ": {"licence": "律师事务所设立许可、基层法律服务工作者执业核准、司法鉴定机构登记", "public_service": "法律援助申请、公证事项办理、人民调解申请、法律咨询*"},
    "CZJ": {"licence": "代理记账资格审批", "other_power": "政府采购方式变更审批#10", "public_service": "会计人员信息采集、非税收入缴款*"},
    "CGJ": {"licence": "城市建筑垃圾处置核准、设置大型户外广告审批、城市道路挖掘许可、砍伐城市树木审批、临时占用城市道路审批",
            "public_service": "户外广告设置咨询"},
    "YJJ": {"licence": "危险化学品经营许可#30、烟花爆竹经营（零售）许可", "other_power": "非药品类易制毒化学品生产经营备案*、生产安全事故应急预案备案*",
            "public_service": "安全生产培训咨询"},
    "LYJ": {"licence": "林木采伐许可、使用林地审核同意、野生动物人工繁育许可、林草种子生产经营许可", "public_service": "林业有害生物防治咨询"},
    "FGJ": {"confirmation": "商品房买卖合同网签备案*、房屋租赁登记备案*", "benefit": "公共租赁住房配租#30",
            "public_service": "住房保障申请、房产档案查询*、无房证明开具*、物业专项维修资金使用"},
    "KJJ": {"confirmation": "科技型中小企业评价确认", "reward": "科学技术奖励!", "public_service": "科技成果登记*"},
    "GXJ": {"licence": "无线电台（站）设置审批", "confirmation": "企业技术中心认定#30", "public_service": "中小企业服务咨询"},
    "MZZJ": {"licence": "宗教活动场所设立审批#30、宗教临时活动地点审批"},
    "TYJRJ": {"confirmation": "退役军人优待证申领*", "public_service": "退役军人信息采集*、退役军人就业创业服务"},
    "SJJ": {"public_service": "政府投资项目审计结果查询*"},
    "TYJ": {"licence": "高危险性体育项目经营许可#30", "other_power": "体育类社会组织业务主管审查", "public_service": "公共体育场馆预约"},
    "TJJ": {"licence": "统计调查项目审批", "public_service": "统计资料查询*"},
    "RFB": {"licence": "人防工程拆除审批、结合民用建筑修建防空地下室审批"},
    "QXJ": {"licence": "升放无人驾驶自由气球或系留气球活动审批、雷电防护装置设计审核", "public_service": "气象资料查询*"},
    "YCJ": {"licence": "烟草专卖零售许可、烟草专卖品准运证核发*"},
    "DZJ": {"confirmation": "建设工程地震安全性评价结果审定#15", "public_service": "防震减灾科普服务"},
    "DAJ": {"licence": "档案出境审批", "public_service": "档案查阅利用*"},
    "HYJ": {"licence": "渔业捕捞许可、水产苗种生产许可"},
    "LSJ": {"other_power": "粮食收购企业备案*"},
    "QWB": {"confirmation": "归侨侨眷身份认定", "public_service": "侨务政策咨询"},
    "WSB": {"other_power": "因公出国（境）审批", "public_service": "外国人来华邀请函办理"},
    "XCZXJ": {"other_power": "衔接资金项目审批", "public_service": "脱贫人口信息查询*"},
    "ZYJ": {"adjudication": "专利侵权纠纷行政裁决#60", "other_power": "专利代理机构分支机构备案*"},
    "ZFJ": {"licence": "夜间建筑施工许可、户外广告设施设置许可", "other_power": "门前外摆经营审批"},
}
# How busy each department's windows are (relative; departments not listed: 1).
VOLUME = {"GAJ": 10, "RSJ": 9, "YBJ": 8, "GJJ": 8, "SWJ": 7, "SCJGJ": 7, "FGJ": 5, "MZJ": 5, "ZRZYJ": 5, "WJW": 4,
          "JTJ": 3, "ZJJ": 3, "JYJ": 2, "NYJ": 2, "SFJ": 2}
COMMITTED_FOR_LEGAL = {5: 3, 7: 5, 10: 5, 15: 7, 30: 7, 40: 10, 45: 10, 60: 15}
COMMITTED_PATTERN = (5, 3, 5, 7, 5, 3, 7, 5, 10, 5)
MATERIALS = {
    "person": ["申请人居民身份证", "户口簿", "委托书及受托人身份证明"],
    "organisation": ["营业执照（统一社会信用代码证书）", "法定代表人身份证明", "经营场所证明", "专业技术人员资格证明",
                     "相关设施设备清单", "安全管理制度文本"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉兰萍红娥建国志强海燕小红春梅"
COMPANY = ["示例市{}建设工程有限公司", "示例市{}商贸有限公司", "示例市{}餐饮管理有限公司", "示例市{}运输有限公司",
           "示例市{}医药连锁有限公司", "示例市{}农业专业合作社", "示例市{}科技有限公司", "示例市{}文化传媒有限公司"]
# Open cases at every step: (status, channel, accepted how many working days before the demo day, or
# relative to the item's limit: overdue / due today / warning today; an open suspension).
SHOWCASE = [
    *[(rules.SUBMITTED, "online", None, None)] * 3, *[(rules.SUBMITTED, "village", None, None)] * 2,
    (rules.SUBMITTED, "town", None, None), (rules.ACCEPTED, "window", 0, None), (rules.ACCEPTED, "village", 1, None),
    (rules.ACCEPTED, "online", 1, None), (rules.REVIEWING, "window", "overdue", None), (rules.REVIEWING, "village", "overdue", None),
    (rules.REVIEWING, "window", "due", None), (rules.REVIEWING, "window", "warning", None), (rules.REVIEWING, "window", 1, None),
    (rules.REVIEWING, "online", 2, None), (rules.CORRECTION, "window", 2, "correction"), (rules.CORRECTION, "village", 3, "correction"),
    (rules.REVIEWING, "window", 3, "testing"), (rules.REVIEWING, "window", 4, "expert"), (rules.APPROVING, "window", "overdue", None),
    (rules.APPROVING, "window", "due", None), (rules.APPROVING, "window", 2, None), (rules.COMPLETED, "window", 3, None),
    (rules.COMPLETED, "online", 4, None),
]
SUSPENSION_REASONS = {"correction": "申请材料不齐全，一次性告知补正", "testing": "现场核查及检验检测", "expert": "组织专家评审论证",
                      "hearing": "依申请举行听证", "other": "依法需要公告的期间"}


def _parse_entry(entry: str) -> tuple[str, bool, int | None, bool]:
    """name, immediate, legal limit (None: the default), without a legal limit."""
    legal = re.search(r"#(\d+)", entry)
    return re.sub(r"[*!]|#\d+", "", entry), "*" in entry, int(legal[1]) if legal else None, "!" in entry


def catalogue_entries() -> list[dict]:
    """The catalogue as plain values, limits included (pure: tests and the builder share it)."""
    entries = []
    for dept, kinds in CATALOGUE.items():
        for kind, names in kinds.items():
            for entry in names.split("、"):
                name, immediate, legal, unlimited = _parse_entry(entry)
                if kind == rules.PUBLIC_SERVICE or unlimited:
                    legal = None
                elif legal is None:
                    legal = 20
                entries.append({"dept": dept, "kind": kind, "name": name, "immediate": immediate, "legal_limit": legal})
    committed = [e for e in entries if not e["immediate"]]
    for n, e in enumerate(committed):
        e["committed_limit"] = COMMITTED_FOR_LEGAL.get(e["legal_limit"], COMMITTED_PATTERN[n % len(COMMITTED_PATTERN)])
    # The committed limits of the 20-day items are nudged so that the mean compression is the seed's.
    with_legal = [e for e in committed if e["legal_limit"] is not None]
    target = round(AVG_COMPRESSION * len(with_legal))
    gap = sum(e["legal_limit"] - e["committed_limit"] for e in with_legal) - target  # > 0: limits too short
    adjustable = [e for e in with_legal if e["legal_limit"] == 20]
    n = 0
    while gap:
        e = adjustable[n % len(adjustable)]
        step = 1 if gap > 0 else -1
        if 2 <= e["committed_limit"] + step <= 10:
            e["committed_limit"] += step
            gap -= step
        n += 1
    for e in entries:
        if e["immediate"]:
            e["committed_limit"] = 0
    return entries


def _steps(kind: str, immediate: bool) -> list[str]:
    if immediate:
        return list(rules.IMMEDIATE_STEPS)
    if kind == "licence":
        return list(rules.DEFAULT_STEPS)  # 一审一核
    if kind == rules.PUBLIC_SERVICE:
        return ["accept", "complete"]
    return ["accept", "review", "complete"]


def _step_limits(steps: list[str], committed: int) -> dict:
    if "approve" in steps:
        review = (committed + 1) // 2
        return {"review": review, "approve": committed - review}
    return {"review": committed} if "review" in steps else {}


@core_demo.register_demo("政务服务事项", history=False)
def load_catalogue() -> int:
    """The centre's catalogue (idempotent: items whose code exists are left alone) and the town
    agency clerk who forwards village cases to the centre."""
    centre = Organisation.objects.filter(code=core_demo.CENTRE).first()
    if centre is None:
        return 0
    windows = {a.department.code: a.window for a in WindowAuthorisation.objects.filter(window__centre=centre).select_related("window", "department")}
    departments = {o.code: o for o in Organisation.objects.filter(code__in=[f"{core_demo.CITY}-{d}" for d in CATALOGUE])}
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    rng = random.Random(2010)
    created, numbered = [], defaultdict(int)
    materials = []
    with transaction.atomic():
        for e in catalogue_entries():
            numbered[e["dept"]] += 1
            code = f"{e['dept']}-{numbered[e['dept']]:03d}"
            if code in existing:
                continue
            dept = departments[f"{core_demo.CITY}-{e['dept']}"]
            window = windows[dept.code]
            steps = _steps(e["kind"], e["immediate"])
            public = e["kind"] == rules.PUBLIC_SERVICE
            item = ServiceItem(
                code=code, name=e["name"], kind=e["kind"], department=dept, legal_limit=e["legal_limit"],
                committed_limit=e["committed_limit"], immediate=e["immediate"], steps=steps,
                step_limits=_step_limits(steps, e["committed_limit"]), sort_order=numbered[e["dept"]],
                conditions=f"符合{e['name']}的法定条件，申请材料齐全、符合法定形式。",
                legal_basis="《中华人民共和国行政许可法》及相关法律、法规" if e["kind"] == "licence" else "相关法律、法规和规章",
                place=f"{centre.name}（{centre.address}）{window.number}号窗口（{window.name}）",
                hours=centre.office_hours, consult_phone=dept.phone, supervise_phone=centre.phone,
                online_allowed=public or e["immediate"] or rng.random() < 0.4,
                agency_allowed=(public or e["kind"] in ("benefit", "confirmation")) and rng.random() < 0.7,
                active_from=date(2026, 1, 5),
            )
            item.full_clean(validate_unique=False)
            item.save()
            created.append(item)
            kinds = MATERIALS["organisation" if e["kind"] == "licence" else "person"]
            names = [f"《{e['name']}》申请表", *rng.sample(kinds, rng.randint(1, min(4, len(kinds))))]
            materials += [Material(item=item, name=m, form="original" if i else "electronic", required=i < 3, sort_order=i)
                          for i, m in enumerate(names)]
        Material.objects.bulk_create(materials)
        if created:
            audit.record(actor=None, action="services.demo.catalogue", object_type="services.serviceitem",
                         object_repr=centre.name, after={"items": len(created), "materials": len(materials)})
    return len(created)


# --- a year of cases ----------------------------------------------------------------------------


def _maker(model):
    """Instances without ``Model.__init__``, which costs a fifth of the load time of a year of cases:
    each starts as a copy of one instance with the defaults, then takes its values by attribute
    name (``organisation_id``, not ``organisation``). Mutable defaults must be passed anew."""
    defaults = model().__dict__.copy()
    del defaults["_state"]

    def make(**values):
        obj = model.__new__(model)
        obj.__dict__.update(defaults)
        obj._state = ModelState()
        obj.__dict__.update(values)
        return obj

    return make


class _Plan:
    __slots__ = ("item", "accepted_on", "completed_on", "stops", "status", "channel", "point", "submitted_at",
                 "accepted_at", "completed_at", "result", "delivered_on", "show")

    def __init__(self, item, accepted_on, completed_on=None, stops=(), status=None, show=None):
        self.item, self.accepted_on, self.completed_on, self.stops = item, accepted_on, completed_on, list(stops)
        self.status, self.show, self.channel, self.point, self.result, self.delivered_on = status, show, "window", None, "", None
        self.submitted_at = self.accepted_at = self.completed_at = None


class _Year:
    """Plans every case as plain values first (so the figures can be steered while planning), then
    writes them in bulk."""

    def __init__(self, centre: Organisation, cases: int, today: date):
        self.centre, self.cases, self.today = centre, cases, today
        self.rng = random.Random(2026)
        self.cal = workdays.get_calendar()
        self.windows = {a.department_id: a.window_id for a in WindowAuthorisation.objects.filter(window__centre=centre)}
        items = list(ServiceItem.objects.filter(department_id__in=self.windows, is_active=True).select_related("department").order_by("code"))
        self.items = items
        self.groups: dict[tuple[bool, bool], tuple[list, list]] = {}
        for key in ((True, True), (True, False), (False, True), (False, False)):
            members = [i for i in items if (i.immediate, i.legal_limit is not None) == key]
            weights = [VOLUME.get(i.department.code.split("-", 1)[1], 1) * self.rng.uniform(0.3, 1.7) for i in members]
            self.groups[key] = (members, weights)
        county = Organisation.objects.filter(code=core_demo.BIG_COUNTY).first()
        places = Organisation.objects.filter(path__startswith=county.path, kind__in=["town", "village"]) if county else []
        self.points = [(o.pk, o.parent_id if o.kind == "village" else None) for o in places]
        self.parents = dict(self.points)
        self.village = next((o.pk for o in places if o.code == AGENCY_VILLAGE), None)
        self.people = [self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.randint(1, 2))) for _ in range(4000)]
        self.companies = [self.rng.choice(COMPANY).format(a + b) for a in "恒瑞华泰鑫源宏达安康永盛" for b in "通隆丰锦诚信德"]
        self.plans: list[_Plan] = []

    def days(self, start: date, end: date) -> list[date]:
        return [d for d in iter_days(start, end) if self.cal.is_workday(d)]

    def draw(self, immediate: bool, legal: bool) -> ServiceItem:
        members, weights = self.groups[(immediate, legal)] if self.groups[(immediate, legal)][0] else self.groups[(immediate, not legal)]
        return self.rng.choices(members, weights)[0]

    def suspended(self, accepted: date, used: int) -> tuple[list, date]:
        """Maybe a suspension inside the used days; returns it and the completion date."""
        if self.rng.random() >= 0.12:
            return [], self.cal.add_workdays(accepted, used).date
        start = self.cal.add_workdays(accepted, self.rng.randint(1, used)).date
        end = self.cal.add_workdays(start, self.rng.randint(0, 6)).date
        kind = self.rng.choices(list(SUSPENSION_REASONS), (60, 15, 15, 5, 5))[0]
        stop = Suspension(kind=kind, started_on=start, ended_on=end, reason=SUSPENSION_REASONS[kind])
        return [stop], clock.due_date(accepted, used, [clock.Suspension(start, end)], self.cal).due_on

    def later(self, item, accepted: date, used: int, last: date) -> _Plan:
        stops, completed = self.suspended(accepted, used)
        if completed > last:
            stops, completed = [], self.cal.add_workdays(accepted, used).date
        plan = _Plan(item, accepted, completed if completed <= last else None, stops)
        if plan.completed_on is None:  # still being worked on
            plan.status = rules.APPROVING if "approve" in item.step_keys and self.rng.random() < 0.4 else (
                rules.REVIEWING if "review" in item.step_keys else rules.ACCEPTED)
        return plan

    def plan_report_period(self) -> None:
        """1–10月 steered to the seed's figures, with the cases carried in from December 2025 and
        out into November (completed after 31 October or still open)."""
        rng, n, scale = self.rng, self.cases, self.cases / SEED_ACCEPTED
        period, december = self.days(REPORT_FROM, REPORT_TO), self.days(date(2025, 12, 1), date(2025, 12, 31))
        carry_in = round(CARRIED_IN * scale)
        carry_out = max(0, carry_in - round((SEED_COMPLETED - SEED_ACCEPTED) * scale))
        completed = n + carry_in - carry_out
        on_spot, immediate = round(SEED_ON_THE_SPOT * completed), round(IMMEDIATE_CASE_SHARE * n)
        slots = (["imm"] * immediate + ["spot"] * (on_spot - immediate) + ["later"] * (completed - on_spot - carry_in)
                 + ["in"] * carry_in + ["out"] * carry_out)
        rng.shuffle(slots)
        to_save, to_count, legal_sum, legal_n = round(SEED_SAVED * completed / SEED_COMPLETED), completed, 0, 0
        self.legal_share, movable = 0.2, []
        for slot in slots:
            mean = legal_sum / legal_n if legal_n else 20.0
            p = 0.2 if slot == "out" else max(0.0, min(1.0, to_save / max(1, to_count) / mean))
            item = self.draw(slot == "imm", rng.random() < p)
            if slot in ("imm", "spot"):
                day = rng.choice(period)
                plan = _Plan(item, day, day)
            else:
                used = rng.randint(1, item.committed_limit)
                if slot == "later":
                    plan = self.later(item, period[rng.randrange(len(period) - used)], used, REPORT_TO)
                elif slot == "in":
                    plan = self.later(item, december[-rng.randint(1, used)], used, REPORT_TO)
                else:
                    plan = self.later(item, period[-rng.randint(1, used)], used, self.today - timedelta(days=1))
            self.plans.append(plan)
            if slot != "out":
                to_count -= 1
                if item.legal_limit is not None:
                    saving = item.legal_limit - (0 if slot in ("imm", "spot") else used)
                    to_save, legal_sum, legal_n = to_save - saving, legal_sum + saving, legal_n + 1
                    if slot == "later" and not plan.stops:
                        movable.append((plan, used))
        self.legal_share = legal_n / max(1, completed)
        # The last case overshoots by a few days: one more or one less day on as many cases evens it.
        for plan, used in movable:
            step = -1 if to_save > 0 else 1
            if not to_save:
                break
            if 1 <= used + step <= plan.item.committed_limit:
                later = self.cal.add_workdays(plan.accepted_on, used + step).date
                if later <= REPORT_TO:
                    plan.completed_on, to_save = later, to_save + step

    def plan_since(self) -> None:
        """From 1 November to the day before the demo day, at the same pace."""
        rng, period = self.rng, self.days(REPORT_FROM, REPORT_TO)
        days = self.days(REPORT_TO + timedelta(days=1), self.today - timedelta(days=1))
        for _ in range(round(self.cases / len(period) * len(days))):
            day, roll = rng.choice(days), rng.random()
            item = self.draw(roll < IMMEDIATE_CASE_SHARE, rng.random() < self.legal_share)
            if roll < 0.943:
                self.plans.append(_Plan(item, day, day))
            else:
                self.plans.append(self.later(item, day, rng.randint(1, item.committed_limit), self.today - timedelta(days=1)))

    def plan_showcase(self) -> None:
        """Cases open at every step for the demo's people to work on, some late and some nearly due."""
        back = lambda n: self.cal.add_workdays(self.today, -n).date if n else self.today  # noqa: E731
        candidates = [i for i in self.items if not i.immediate and i.committed_limit >= 3 and "review" in i.step_keys]
        for n, (status, channel, since, stop) in enumerate(SHOWCASE):
            needs_approve = status in (rules.APPROVING, rules.COMPLETED)
            fits = [i for i in candidates if (not needs_approve or "approve" in i.step_keys)
                    and (channel not in ("village", "town") or i.agency_allowed) and (channel != "online" or i.online_allowed)]
            item = fits[(n * 7) % len(fits)]
            limit = item.committed_limit
            if since is not None:
                since = {"overdue": limit + 2, "due": limit, "warning": limit - 1}.get(since, since)
            plan = _Plan(item, back(since) if since is not None else None, status=status, show=(channel, stop))
            if stop:
                start = self.cal.add_workdays(plan.accepted_on, 1).date
                plan.stops = [Suspension(kind=stop, started_on=start, ended_on=None, reason=SUSPENSION_REASONS[stop])]
            if status == rules.COMPLETED:
                plan.completed_on, plan.result = back(1), "refused" if n % 2 else "approved"
            self.plans.append(plan)

    def stamp(self, p: _Plan) -> None:
        """Channel, agency point, times, result and delivery."""
        rng, item, day = self.rng, p.item, p.accepted_on or self.today
        if p.show:
            channel = p.show[0]
            p.channel = "agency" if channel in ("village", "town") else channel
            p.point = self.village if p.channel == "agency" else None
        else:
            roll = rng.random()
            p.channel = "agency" if item.agency_allowed and roll < 0.09 and self.points else (
                "online" if item.online_allowed and roll < 0.22 else "window")
            p.point = rng.choice(self.points)[0] if p.channel == "agency" else None
        minute = rng.randint(525, 1000) if day < self.today else 525
        if p.channel == "agency":
            p.submitted_at = self.at(day - timedelta(days=rng.randint(1, 3)), minute - 60)
        elif p.channel == "online":
            p.submitted_at = self.at(day, 480 - rng.randint(30, 900))
        else:
            p.submitted_at = self.at(day, minute - 20)
        p.accepted_at = self.at(day, minute) if p.accepted_on else None
        if p.completed_on:
            p.completed_at = (p.accepted_at + timedelta(minutes=rng.randint(5, 40)) if p.completed_on == p.accepted_on
                              else self.at(p.completed_on, rng.randint(540, 1020)))
            if p.show:
                return
            p.result = "refused" if not item.immediate and rng.random() < 0.005 else "approved"
            delivered = self.cal.add_workdays(p.completed_on, rng.randint(0, 2)).date if p.completed_on != p.accepted_on else p.completed_on
            p.delivered_on = delivered if delivered < self.today else None
            p.status = rules.DELIVERED if p.delivered_on else rules.COMPLETED

    def at(self, day: date, minute: int) -> datetime:
        return datetime.combine(day, time(0), tzinfo=CHINA) + timedelta(minutes=minute)

    def write(self) -> dict:
        rng, centre, village = self.rng, self.centre, self.village
        town = Organisation.objects.get(pk=village).parent_id if village else None
        self.agents = {u.username: u for u in User.objects.filter(username__in=["daiban", TOWN_CLERK.username])}
        self.plans.sort(key=lambda p: p.submitted_at)
        seq, codes, cases, clocks, new_case = defaultdict(int), set(), [], ClockCache(self.cal), _maker(Case)
        for p in self.plans:
            year = p.submitted_at.astimezone(CHINA).year
            seq[year] += 1
            code = tracking.new_code(rng.choice)
            while code in codes:
                code = tracking.new_code(rng.choice)
            codes.add(code)
            item, organisation = p.item, "organisation" if p.item.kind == "licence" else "person"
            location = centre.pk
            if p.status == rules.SUBMITTED and p.channel == "agency":
                location = village if p.show[0] == "village" else town
            case = new_case(
                organisation_id=centre.pk, number=NUMBER_TEMPLATE.format(org=centre.code, year=year, seq=seq[year]),
                sequence=seq[year], item_id=item.pk, department_id=item.department_id,
                window_id=self.windows[item.department_id] if p.accepted_on else None, channel=p.channel, agency_point_id=p.point, location_id=location, tracking_code=code,
                applicant_type=organisation, applicant_name=rng.choice(self.companies if organisation == "organisation" else self.people),
                status=p.status, submitted_at=p.submitted_at, accepted_on=p.accepted_on, accepted_at=p.accepted_at,
                immediate=item.immediate, committed_limit=item.committed_limit, legal_limit=item.legal_limit,
                completed_on=p.completed_on, completed_at=p.completed_at, result=p.result, delivered_on=p.delivered_on,
                correction_items=[],
            )
            clocks.apply(case, p.stops)
            cases.append(case)
        insert_rows(Case, cases)
        pks = dict(Case.objects.filter(organisation=centre).values_list("number", "pk"))
        for case in cases:
            case.pk = pks[case.number]
        stops, hops = [], []
        for case, p in zip(cases, self.plans):
            for stop in p.stops:
                stop.case_id = case.pk
                stops.append(stop)
            if p.channel == "agency":
                hops += self.hops(case, p, town)
        insert_rows(Suspension, stops)
        insert_rows(Hop, hops)
        steps = self.records([(c, p) for c, p in zip(cases, self.plans) if p.show])
        advance_sequences({(centre.pk, year): n for year, n in seq.items()})
        return {"cases": len(cases), "suspensions": len(stops), "hops": len(hops), "steps": steps}

    def hops(self, case: Case, p: _Plan, town: int | None) -> list[Hop]:
        point = p.point
        parent = self.parents.get(point) if not p.show else town
        legs = [(None, point, p.submitted_at)]
        if parent:
            legs.append((point, parent, p.submitted_at + timedelta(hours=3)))
        if p.accepted_on:
            legs.append((parent or point, self.centre.pk, self.at(p.accepted_on, 510)))
        elif p.show[0] == "village":
            legs = legs[:1]
        # The showcase's village and town points are staffed by the demo's agency clerks.
        by = [self.agents.get("daiban"), self.agents.get("daiban"), self.agents.get(TOWN_CLERK.username)] if p.show else [None] * 3
        return [Hop(case=case, from_org_id=a, to_org_id=b, at=at, by=who, note="便民服务点代办登记" if a is None else "转报")
                for (a, b, at), who in zip(legs, by)]

    def records(self, shown: list[tuple[Case, _Plan]]) -> int:
        """The 一审一核 trail and the materials of the showcase cases (the bulk history has none)."""
        people = {u.username: u for u in User.objects.filter(username__in=["chuangkou", "shenhe", "hezhun", "daiban"])}
        clerk, reviewer, approver = people.get("chuangkou"), people.get("shenhe"), people.get("hezhun")
        materials = defaultdict(list)
        for m in Material.objects.filter(item__in={p.item for _, p in shown}):
            materials[m.item_id].append(m)
        steps, handed = [], []
        order = [rules.ACCEPTED, rules.REVIEWING, rules.CORRECTION, rules.APPROVING, rules.COMPLETED]
        for case, p in shown:
            owed = next((m for m in materials[p.item.pk] if m.required and m.sort_order), None) if p.status == rules.CORRECTION else None
            for m in materials[p.item.pk]:
                handed.append(CaseMaterial(case=case, material=m, name=m.name, provided=m is not owed,
                                           provided_on=None if m is owed else (p.accepted_on or self.today)))
            if owed:
                Case.objects.filter(pk=case.pk).update(correction_items=[owed.name], correction_requested_on=p.stops[0].started_on,
                                                       correction_note=f"请补正：{owed.name}（须加盖公章或签字）")
            if p.status == rules.SUBMITTED:
                continue
            reached = order.index(p.status)
            at = p.accepted_at
            trail = [("accept", "accept", clerk, "材料齐全，予以受理")]
            if reached >= 1:
                trail.append(("review", "review_start", reviewer, ""))
            if p.status == rules.CORRECTION:
                trail.append(("review", "request_correction", reviewer, "申请材料不齐全，一次性告知补正"))
            if reached >= 3:
                trail.append(("review", "review_pass", reviewer, "经审查，材料齐全，符合法定条件，拟同意"))
            if reached >= 4:
                trail.append(("approve", "decide", approver, "同意" if p.result == "approved" else "不符合法定条件，不予许可"))
            for n, (step, action, actor, opinion) in enumerate(trail):
                when = at + timedelta(hours=2 * n) if p.completed_on is None else min(at + timedelta(hours=2 * n), p.completed_at)
                if action == "request_correction":  # the day the clock stops
                    when = self.at(p.stops[0].started_on, 570)
                steps.append(Step(case=case, step=step, action=action, actor=actor, at=when, opinion=opinion))
            if p.completed_on:
                Case.objects.filter(pk=case.pk).update(decided_by=approver, result_document=f"示政服决〔2026〕{case.sequence}号")
        Case.objects.filter(pk__in=[c.pk for c, p in shown if p.accepted_on]).update(accepted_by=clerk)
        Case.objects.filter(pk__in=[c.pk for c, p in shown if p.channel == "agency"]).update(registered_by=people.get("daiban"))
        CaseMaterial.objects.bulk_create(handed)
        Step.objects.bulk_create(steps)
        return len(steps)


@core_demo.register_demo("办件", history=True)
def load_cases(cases: int | None = None) -> int:
    """A year of cases at the centre (``cases`` accepted in 1–10月; default the seed's 90470, or
    the setting ``SERVICES_DEMO_CASES``), November up to the demo day, and the showcase. Loads once:
    nothing is created when the centre already has cases."""
    centre = Organisation.objects.filter(code=core_demo.CENTRE).first()
    if centre is None or not ServiceItem.objects.exists() or Case.objects.filter(organisation=centre).exists():
        return 0
    if cases is None:
        cases = getattr(settings, "SERVICES_DEMO_CASES", SEED_ACCEPTED)
    year = _Year(centre, cases, min(timezone.localdate(), DEMO_DAY))
    year.plan_report_period()
    year.plan_since()
    year.plan_showcase()
    for plan in year.plans:
        year.stamp(plan)
    with transaction.atomic():
        counts = year.write()
        audit.record(actor=None, action="services.demo.cases", object_type="services.case", object_repr=centre.name,
                     after=counts)
    return counts["cases"]
