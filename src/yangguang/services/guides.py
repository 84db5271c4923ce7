"""The public guide (办事指南) of each service item: which items the public sees, finding them, the
windows that take them, what the guide says, and the same guide as a printable PDF.

An item is public while it is in use (``is_active``) and today falls in its period: from
``active_from`` (inclusive) until ``active_until`` (the day it stops, exclusive); either may be
empty. The windows that take an item are the active windows holding an authorisation from the
item's department that is not revoked (``revoked_on`` empty or still to come).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from yangguang.core.documents import OfficialDocument, render_pdf
from yangguang.core.models import Organisation, Window
from yangguang.core.segmentation import ParsedQuery, parse_query
from yangguang.services import rules
from yangguang.services.models import Material, ServiceItem
from yangguang.services.routing import authorised_windows

PDF_CACHE_SECONDS = 24 * 3600
_STEP_NAMES = {"accept": "受理", "review": "审查", "approve": "核准（决定）", "complete": "办结"}


# --- reads ---------------------------------------------------------------------------------------


def public_items(today: date | None = None) -> QuerySet[ServiceItem]:
    today = today or timezone.localdate()
    return (
        ServiceItem.objects.filter(is_active=True)
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=today))
        .filter(Q(active_until__isnull=True) | Q(active_until__gt=today))
        .select_related("department")
    )


def search_items(
    *, query: str = "", department: Organisation | None = None, kind: str = "", today: date | None = None
) -> tuple[QuerySet[ServiceItem], ParsedQuery]:
    """Public items whose name, code or department name holds every word of ``query`` (as the
    segmenter splits it, so 城乡低保 asks for 城乡 and 低保, and a two-character word is found
    inside a longer one). The catalogue is a few thousand rows at most: a substring match is enough."""
    items = public_items(today)
    parsed = parse_query(query)
    for word in parsed.words:
        items = items.filter(Q(name__icontains=word) | Q(code__icontains=word) | Q(department__name__icontains=word))
    if department is not None:
        items = items.filter(department=department)
    if kind:
        items = items.filter(kind=kind)
    return items, parsed


def guide_departments(today: date | None = None) -> list[Organisation]:
    """The departments that have at least one public item (the list page's filter)."""
    departments = public_items(today).values("department")
    return list(Organisation.objects.filter(pk__in=departments).order_by("path", "sort_order"))


def public_item(code: str, today: date | None = None) -> ServiceItem | None:
    return public_items(today).filter(code=code).first()


# --- what a guide says ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Guide:
    item: ServiceItem
    windows: tuple[Window, ...]
    materials: tuple[Material, ...]

    @property
    def legal_limit_text(self) -> str:
        limit = self.item.legal_limit
        return "法律法规未规定" if limit is None else "当场办结" if limit == 0 else f"{limit} 个工作日"

    @property
    def committed_limit_text(self) -> str:
        return "即办件（当场办结）" if self.item.immediate else f"{self.item.committed_limit} 个工作日"

    @property
    def fee_text(self) -> str:
        if not self.item.charges:
            return "不收费"
        return self.item.fee_standard or "收费（标准以收费依据为准）"

    @property
    def steps(self) -> list[tuple[str, int | None]]:
        limits = self.item.step_limits if isinstance(self.item.step_limits, dict) else {}
        return [(_STEP_NAMES[key], limits.get(key)) for key in self.item.step_keys]

    @property
    def steps_text(self) -> str:
        return " → ".join(f"{name}（{days} 个工作日）" if days else name for name, days in self.steps)

    @property
    def window_names(self) -> list[str]:
        return [f"{w.centre.name} {w}" for w in self.windows]


def guide_for(item: ServiceItem, today: date | None = None) -> Guide:
    return Guide(item=item, windows=tuple(authorised_windows(item, today)), materials=tuple(item.materials.all()))


def material_text(material: Material) -> str:
    need = "必须提供" if material.required else "视情况提供"
    text = f"{material.name}：{rules.MATERIAL_FORMS.get(material.form, material.form)}，{material.copies} 份，{need}"
    return f"{text}（{material.note}）" if material.note else text


def yes_no(allowed: bool, what: str) -> str:
    return f"可以{what}" if allowed else f"不可{what}"


# --- the printable guide -------------------------------------------------------------------------

_NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for a guide's sections)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _NUMERALS[tens - 1]) + "十" if tens else "") + (_NUMERALS[ones - 1] if ones else "")


def guide_document(guide: Guide, *, url: str = "") -> OfficialDocument:
    """The guide as an official document: numbered sections as paragraphs, one per material.
    ``url`` (the guide's page) is printed as a QR code, so the paper leads back to the latest version."""
    item = guide.item
    sections: list[tuple[str, list[str]]] = [
        ("事项类型", [item.get_kind_display()]),
        ("实施部门", [item.department.name]),
        ("受理窗口", ["、".join(guide.window_names) or "请向实施部门咨询"]),
        ("法定时限", [guide.legal_limit_text]),
        ("承诺时限", [guide.committed_limit_text]),
        ("办理流程", [guide.steps_text]),
        ("办理条件", item.conditions.splitlines()),
        ("申请材料", [f"（{n}）{material_text(m)}" for n, m in enumerate(guide.materials, start=1)] or ["无需提交材料"]),
        ("收费标准", [guide.fee_text]),
        ("收费依据", item.fee_basis.splitlines() if item.charges else []),
        ("办理地点", [item.place]),
        ("办理时间", [item.hours]),
        ("咨询电话", [item.consult_phone]),
        ("监督投诉电话", [item.supervise_phone]),
        ("设定依据", item.legal_basis.splitlines()),
        ("办理方式", [f"{yes_no(item.online_allowed, '网上申报')}；{yes_no(item.agency_allowed, '由镇（街道）、村（社区）便民服务点代办')}"]),
    ]
    paragraphs: list[str] = []
    number = 0
    for label, lines in sections:
        lines = [line.strip() for line in lines if line and line.strip()]
        if not lines:
            continue
        number += 1
        if len(lines) == 1 and label != "申请材料":
            paragraphs.append(f"{_numeral(number)}、{label}：{lines[0]}")
        else:
            paragraphs.append(f"{_numeral(number)}、{label}：")
            paragraphs.extend(lines)
    return OfficialDocument(
        title=f"{item.name}办事指南",
        doc_number=f"事项编码：{item.code}",
        paragraphs=tuple(paragraphs),
        signature=item.department.name,
        signed_on=timezone.localdate(item.updated_at) if item.updated_at else None,
        notes=("（本指南打印自阳光政务平台，内容如有调整，以平台公布的最新版本为准。）",),
        qr_url=url,
        qr_caption=("扫码查看最新指南、在线申请" if item.online_allowed else "扫码查看最新指南") if url else "",
    )


def guide_pdf(guide: Guide, *, url: str = "") -> bytes:
    """The printable guide. Rendering takes a fraction of a second, so a public page that anyone
    may request is served from the cache, keyed by everything the document says."""
    document = guide_document(guide, url=url)
    key = "services:guide-pdf:" + hashlib.sha256(repr(document).encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(document)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf
