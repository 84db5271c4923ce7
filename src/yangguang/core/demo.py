"""The demo city 示例市: invented places, departments and people, loaded once into an empty database.

Region codes use the unassigned prefix 99 so they can never be mistaken for a real division."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from yangguang.core import audit
from yangguang.core.models import Organisation, Region, Role, Window, WindowAuthorisation
from yangguang.core.services import role_grant, user_create

CITY = "SLS"
CENTRE = "SLS-ZWFW"
JUSTICE = "SLS-SFJ"
DEMO_PASSWORD = "Yangguang@2026"

DEPARTMENTS = [
    ("ZFB", "人民政府办公室"), ("FGW", "发展和改革委员会"), ("JYJ", "教育局"), ("KJJ", "科学技术局"),
    ("GXJ", "工业和信息化局"), ("MZZJ", "民族宗教事务局"), ("GAJ", "公安局"), ("MZJ", "民政局"),
    ("SFJ", "司法局"), ("CZJ", "财政局"), ("RSJ", "人力资源和社会保障局"), ("ZRZYJ", "自然资源和规划局"),
    ("STHJJ", "生态环境局"), ("ZJJ", "住房和城乡建设局"), ("JTJ", "交通运输局"), ("SLJ", "水利局"),
    ("NYJ", "农业农村局"), ("SHWJ", "商务局"), ("WGLJ", "文化广电旅游局"), ("WJW", "卫生健康委员会"),
    ("TYJRJ", "退役军人事务局"), ("YJJ", "应急管理局"), ("SJJ", "审计局"), ("GZW", "国有资产监督管理委员会"),
    ("SCJGJ", "市场监督管理局"), ("TYJ", "体育局"), ("TJJ", "统计局"), ("YBJ", "医疗保障局"),
    ("LYJ", "林业局"), ("CGJ", "城市管理局"), ("XFJ", "信访局"), ("ZSJ", "政务服务数据管理局"),
    ("RFB", "人民防空办公室"), ("JRB", "地方金融管理局"), ("JGSWJ", "机关事务管理局"), ("QXJ", "气象局"),
    ("SWJ", "税务局"), ("YCJ", "烟草专卖局"), ("DZJ", "地震局"), ("GJJ", "住房公积金管理中心"),
    ("DAJ", "档案局"), ("HYJ", "海洋与渔业局"), ("LSJ", "粮食和物资储备局"), ("QWB", "侨务办公室"),
    ("WSB", "外事办公室"), ("TZCJ", "投资促进局"), ("XCZXJ", "乡村振兴局"), ("DFZB", "地方志办公室"),
    ("FGJ", "住房保障和房产管理局"), ("YLJ", "园林绿化局"), ("ZYJ", "知识产权局"), ("ZFJ", "综合行政执法局"),
    ("GHJ", "港航管理局"), ("BMJ", "保密局"), ("BWB", "机构编制委员会办公室"), ("GXS", "供销合作社"),
]
RESIDENT = [
    "GAJ", "RSJ", "ZRZYJ", "ZJJ", "SCJGJ", "SWJ", "JTJ", "WJW", "MZJ", "YBJ", "STHJJ", "FGW",
    "JYJ", "NYJ", "SLJ", "SHWJ", "WGLJ", "GJJ", "SFJ", "CZJ", "CGJ", "YJJ", "LYJ", "FGJ",
]
COMPREHENSIVE = [
    "KJJ", "GXJ", "MZZJ", "TYJRJ", "SJJ", "TYJ", "TJJ", "RFB", "QXJ", "YCJ",
    "DZJ", "DAJ", "HYJ", "LSJ", "QWB", "WSB", "XCZXJ", "ZYJ", "ZFJ",
]
JUSTICE_UNITS = [("FLYZ", "法律援助处"), ("GZLS", "公职律师事务所"), ("GZC", "公证处")]
COUNTIES = [
    ("DHQ", "东湖区"), ("XSQ", "西山区"), ("NTQ", "南塘区"), ("BLQ", "北岭区"), ("YXX", "云溪县"),
    ("QSX", "青石县"), ("BHX", "白河县"), ("JPX", "金坪县"), ("LLX", "柳林县"), ("HYX", "禾源县"),
]
BIG_COUNTY = "YXX"
TOWNS = [  # (code, name, villages)
    ("YXZ", "云溪镇", 17), ("LTZ", "龙潭镇", 16), ("SQZ", "石桥镇", 16), ("FLZ", "枫林镇", 17),
    ("QSXI", "清水乡", 16), ("MLZ", "梅岭镇", 16), ("SHX", "双河乡", 16),
]
_FIRST = "东西南北上下大小新前后高柳杨石桥河山田塘岭湾坪岗坝溪林竹梅桃李松枫"
_SECOND = "庄湾坪塘岭桥冲岗坝田溪林山口园屯圩埠垄"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    organisation: str
    phone: str
    id_number: str
    role_organisation: str = ""  # where the role applies, when not the person's own organisation


DEMO_USERS = [
    DemoUser("chuangkou", "林晓雯", Role.WINDOW_CLERK, CENTRE, "13800000001", "990100199001010021"),
    DemoUser("shenhe", "周明远", Role.REVIEWER, CENTRE, "13800000002", "990100198502020032"),
    DemoUser("hezhun", "陈志刚", Role.APPROVER, CENTRE, "13800000003", "990100197803030013"),
    DemoUser("gongkai", "黄静怡", Role.DISCLOSURE_OFFICER, JUSTICE, "13800000004", "990100199204040044"),
    DemoUser("baomi", "吴建国", Role.CONFIDENTIALITY_REVIEWER, JUSTICE, "13800000005", "990100198005050055"),
    DemoUser("lingdao", "郑国华", Role.LEADER, JUSTICE, "13800000006", "990100197006060016"),
    # Deputy directors who share the reception-day duty with lingdao (局领导轮值).
    DemoUser("fujuzhang", "钱文斌", Role.LEADER, JUSTICE, "13800000018", "990100197208180019"),
    DemoUser("zhengwei", "杜慧敏", Role.LEADER, JUSTICE, "13800000019", "990100197409190028"),
    # The centre's director: the "head" whom e-supervision alerts about the centre's windows reach.
    DemoUser("zhongxin", "宋建华", Role.LEADER, CENTRE, "13800000020", "99010019760120003X"),
    # The e-supervision desk (电子监察/效能办) sits in the centre and watches the whole city: every
    # department's windows, applications, complaints and ratings.
    DemoUser("jiandu", "何立新", Role.SUPERVISOR, CENTRE, "13800000007", "990100198807070077", CITY),
    DemoUser("xinxi", "孙雨桐", Role.INFORMATION_OFFICER, "SLS-ZFB", "13800000008", "990100199508080028"),
    DemoUser("xitong", "马文博", Role.SYSTEM_ADMIN, CITY, "13800000009", "990100198309090039"),
    DemoUser("anquan", "高振宇", Role.SECURITY_ADMIN, CITY, "13800000010", "990100198410100010"),
    DemoUser("shenji", "罗思源", Role.AUDIT_ADMIN, CITY, "13800000011", "990100198611110061"),
    DemoUser("daiban", "刘春梅", Role.WINDOW_CLERK, "YXX-LTZ-01", "13800000012", "990105199112120082"),
    DemoUser("zhendaiban", "张海燕", Role.WINDOW_CLERK, "YXX-LTZ", "13800000017", "990105198907170046"),
    DemoUser("waibu", "赵一帆", Role.WINDOW_CLERK, "QSX", "13800000013", "990106199301130093"),
    # The city's 政务公开办, in the government office, publishes on behalf of the departments.
    DemoUser("zwgk", "许嘉宁", Role.DISCLOSURE_OFFICER, "SLS-ZFB", "13800000014", "990100199402140024", CITY),
    DemoUser("zwgkbm", "唐启明", Role.CONFIDENTIALITY_REVIEWER, "SLS-ZFB", "13800000015", "990100198103150035", CITY),
    DemoUser("zwgkld", "袁立群", Role.LEADER, "SLS-ZFB", "13800000016", "990100197504160016", CITY),
]


def village_names(town_index: int, count: int) -> list[str]:
    names, i = [], town_index * 7
    while len(names) < count:
        a, b = _FIRST[i % len(_FIRST)], _SECOND[(i // len(_FIRST) + i) % len(_SECOND)]
        name = a + b + ("社区" if len(names) == 0 else "村")
        if name not in names:
            names.append(name)
        i += 1
    return names


def is_loaded() -> bool:
    return Organisation.objects.filter(code=CITY).exists()


def load() -> dict:
    """Create the demo city. Safe to call again: does nothing when it is already there."""
    if is_loaded():
        return {}
    with transaction.atomic():
        counts = _load_places()
        counts["users"] = _load_users()
        audit.record(actor=None, action="demo.load", object_type="core.organisation", object_repr="示例市", after=counts)
    return counts


def _org(code, name, kind, parent=None, region=None, **extra) -> Organisation:
    org = Organisation(code=code, name=name, kind=kind, parent=parent, region=region, **extra)
    org.save()
    return org


def _load_places() -> dict:
    K = Organisation.Kind
    province = Region.objects.create(code="990000", name="示例省", level=Region.Level.PROVINCE)
    city_region = Region.objects.create(code="990100", name="示例市", level=Region.Level.CITY, parent=province)
    city = _org(CITY, "示例市人民政府", K.GOVERNMENT, region=city_region, address="示例市人民路1号", phone="0999-12345")
    departments = {}
    for n, (code, name) in enumerate(DEPARTMENTS, start=1):
        departments[code] = _org(
            f"{CITY}-{code}", f"示例市{name}", K.DEPARTMENT, city, city_region, sort_order=n,
            address=f"示例市行政中心{(n - 1) // 10 + 1}号楼", phone=f"0999-8{n:04d}", office_hours="工作日 9:00–12:00，13:30–17:30",
        )
    for code, name in JUSTICE_UNITS:
        _org(f"{JUSTICE}-{code}", f"示例市{name}", K.WINDOW_UNIT, departments["SFJ"], city_region)
    centre = _org(
        CENTRE, "示例市政务服务中心", K.SERVICE_CENTRE, city, city_region,
        address="示例市市民之家", phone="0999-12345", office_hours="工作日 9:00–17:30，周六上午延时服务",
    )
    authorised = date(2026, 1, 5)
    for n, code in enumerate(RESIDENT, start=1):
        window = Window.objects.create(centre=centre, number=f"{n:02d}", name=f"{departments[code].name.removeprefix('示例市')}窗口", kind=Window.Kind.RESIDENT)
        WindowAuthorisation.objects.create(
            window=window, department=departments[code], letter_number=f"{code}授〔2026〕1号", authorised_on=authorised,
            scope="本部门进驻事项的受理、审查与决定",
        )
    comprehensive = Window.objects.create(centre=centre, number=f"{len(RESIDENT) + 1:02d}", name="综合窗口", kind=Window.Kind.COMPREHENSIVE)
    for code in COMPREHENSIVE:
        WindowAuthorisation.objects.create(
            window=comprehensive, department=departments[code], letter_number=f"{code}授〔2026〕1号",
            authorised_on=authorised, scope="本部门事项的综合受理",
        )
    towns = villages = 0
    for n, (code, name) in enumerate(COUNTIES, start=1):
        county_region = Region.objects.create(code=f"9901{n:02d}", name=name, level=Region.Level.COUNTY, parent=city_region)
        county = _org(code, f"{name}人民政府", K.GOVERNMENT, city, county_region)
        if code != BIG_COUNTY:
            continue
        for t, (tcode, tname, vcount) in enumerate(TOWNS, start=1):
            town_region = Region.objects.create(code=f"{county_region.code}{t:03d}", name=tname, level=Region.Level.TOWN, parent=county_region)
            town = _org(f"{code}-{tcode}", f"{name}{tname}人民政府", K.TOWN, county, town_region)
            towns += 1
            for v, vname in enumerate(village_names(t, vcount), start=1):
                village_region = Region.objects.create(code=f"{town_region.code}{v:03d}", name=vname, level=Region.Level.VILLAGE, parent=town_region)
                _org(f"{town.code}-{v:02d}", f"{tname}{vname}", K.VILLAGE, town, village_region)
                villages += 1
    return {"departments": len(DEPARTMENTS), "counties": len(COUNTIES), "towns": towns, "villages": villages,
            "windows": len(RESIDENT) + 1}


def _load_users() -> int:
    for u in DEMO_USERS:
        org = Organisation.objects.get(code=u.organisation)
        user = user_create(
            actor=None, username=u.username, password=DEMO_PASSWORD, full_name=u.full_name, organisation=org,
            phone=u.phone, id_number=u.id_number,
        )
        scope = Organisation.objects.get(code=u.role_organisation) if u.role_organisation else org
        role_grant(actor=None, user=user, organisation=scope, role=u.role)
    return len(DEMO_USERS)


def logins_table() -> str:
    lines = ["演示账号（密码均为 %s）：" % DEMO_PASSWORD]
    for u in DEMO_USERS:
        lines.append(f"  {u.username:<10} {u.full_name}  {Role(u.role).label} · {u.role_organisation or u.organisation}")
    lines.append(f"  {'tejian':<10} 王海平  特邀监督员（无角色，由监督员名册关联） · {CENTRE}")
    return "\n".join(lines)


# Later apps register their demo data here. "setup" builders (catalogues, guides) always run;
# "history" builders (a year of records, cases, applications) are skipped by --no-history.
# Each builder is idempotent and returns a count of what it created.
_builders: dict[str, tuple[bool, callable]] = {}


def register_demo(label: str, *, history: bool):
    def decorator(fn):
        _builders[label] = (history, fn)
        return fn

    return decorator


def load_apps(*, history: bool) -> dict[str, int]:
    results = {}
    for label, (is_history, fn) in _builders.items():
        if is_history and not history:
            continue
        results[label] = fn()
    return results
