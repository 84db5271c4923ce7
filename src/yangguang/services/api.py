"""/api/v1/services/: online application for a service item (网上申报) and the public progress lookup."""

from __future__ import annotations

import time
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from yangguang.core import context
from yangguang.core.models import Organisation
from yangguang.services import rules, selectors, services
from yangguang.services.models import Material, ServiceItem

router = Router(tags=["政务服务"])


class CaseIn(Schema):
    item: str = Field(max_length=40, description="事项编码，例如 SLS-GAJ-001")
    applicant_type: str = Field("person", description="申请人类型：" + "、".join(f"{k}（{v}）" for k, v in rules.APPLICANT_TYPES.items()))
    name: str = Field(max_length=100, description="申请人姓名或名称")
    id_number: str = Field(max_length=40, description="居民身份证号码（校验最后一位）或统一社会信用代码")
    phone: str = Field(max_length=30, description="联系电话")
    delivery: str = Field("window", description="决定文书送达方式：" + "、".join(f"{k}（{v}）" for k, v in rules.DELIVERIES.items()))
    request_note: str = Field("", max_length=4000, description="申请事由或说明（不超过 2000 字）")
    materials: list[str] = Field(default_factory=list, max_length=100, description="已备齐的申请材料名称（见办事指南）")
    submission_key: uuid.UUID | None = Field(None, description="客户端生成的 UUID；重复提交同一标识只产生一件办件")


class SubmittedOut(Schema):
    number: str = Field(description="办件编号")
    tracking_code: str = Field(description="查询码")
    secret: str = Field(description="查询密码；请妥善保存。以同一提交标识重复提交时返回同一密码")
    status: str
    status_label: str
    missing_materials: list[str] = Field(description="尚缺的必须材料；受理时须补齐")


class ProgressQuery(Schema):
    secret: str = Field(max_length=32, description="提交时取得的查询密码")


class SuspensionOut(Schema):
    kind: str
    start: date = Field(alias="from")
    end: date | None = Field(alias="to")


class ProgressOut(Schema):
    number: str
    item: str
    organisation: str
    window: str
    status: str
    status_label: str
    submitted_on: date
    location: str = Field(description="办件当前所在（代办件转报途中为便民服务点）")
    accepted_on: date | None
    rejection_reason: str
    due_on: date | None
    due_provisional: bool
    explanation: list[str] = Field(description="办结期限是如何计算出来的")
    correction_items: list[str] = Field(description="待补正时需要补正的材料")
    result: str
    result_document: str
    completed_on: date | None
    delivered_on: date | None


# Items with their materials and centre, cached per process for a minute: every submission reads
# them (a catalogue change made meanwhile is seen within that time).
ITEM_CACHE_SECONDS = 60
_items: dict[str, tuple[float, ServiceItem, Organisation]] = {}


def _item(code: str) -> tuple[ServiceItem, Organisation] | None:
    now = time.monotonic()
    hit = _items.get(code)
    if hit is not None and now - hit[0] < ITEM_CACHE_SECONDS:
        return hit[1], hit[2]
    item = (
        ServiceItem.objects.filter(code=code, is_active=True)
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("sort_order", "pk")))
        .first()
    )
    if item is None or not item.online_allowed or not item.is_active_on(services.local_today()):
        return None
    centre = services.centre_for(item)
    if len(_items) > 10000:
        _items.clear()
    _items[code] = (now, item, centre)
    return item, centre


def forget_items() -> None:
    _items.clear()


@router.post("/cases", response={201: SubmittedOut, 200: SubmittedOut}, auth=None, summary="网上申报（无需账户）")
def submit(request, payload: CaseIn):
    found = _item(payload.item)
    if found is None:
        raise ValidationError({"item": f"未找到可网上申报的事项“{payload.item}”"})
    item, centre = found
    by_name = {m.name: m.pk for m in item.materials.all()}
    unknown = [name for name in payload.materials if name not in by_name]
    if unknown:
        raise ValidationError({"materials": f"不是该事项的申请材料：{'、'.join(unknown[:10])}"})
    data = payload.dict(include={"applicant_type", "id_number", "phone", "delivery", "request_note"})
    data["applicant_name"] = payload.name
    submitted = services.case_submit_online(
        item=item, data=data, provided=[by_name[n] for n in payload.materials], client_ip=context.client_ip.get() or request.META.get("REMOTE_ADDR", ""),
        submission_key=payload.submission_key, centre=centre,
    )
    case = submitted.case
    have = set(payload.materials)
    missing = [m.name for m in item.materials.all() if m.required and m.name not in have]
    return Status(201 if submitted.created else 200, {
        "number": case.number, "tracking_code": case.tracking_code, "secret": submitted.secret, "status": case.status,
        "status_label": rules.status_label(case.status), "missing_materials": missing,
    })


@router.get("/cases/{tracking_code}", response=ProgressOut, auth=None, summary="凭查询码和查询密码查看办件进度")
def progress(request, tracking_code: str, query: Query[ProgressQuery]):
    case = selectors.public_lookup(tracking_code, query.secret)
    if case is None:
        raise Http404  # the same answer for a wrong code and a wrong secret
    return selectors.public_progress(case)
