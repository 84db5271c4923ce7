"""/api/v1/foi/: the API form of the public application form, and the public progress lookup."""

from __future__ import annotations

import time
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from yangguang.core.models import Organisation
from yangguang.foi import rules, selectors, services

router = Router(tags=["依申请公开"])


class ApplicationIn(Schema):
    organisation: str = Field(max_length=40, description="受理机关的机构代码，例如 SLS-SFJ")
    applicant_type: str = Field(description="申请人类型：" + "、".join(f"{k}（{v}）" for k, v in rules.APPLICANT_TYPES.items()))
    name: str = Field(max_length=100, description="申请人姓名或名称")
    id_type: str = Field(description="证件类型：" + "、".join(f"{k}（{v}）" for k, v in rules.ID_TYPES.items()))
    id_number: str = Field(max_length=40, description="证件号码；居民身份证号码校验最后一位")
    legal_representative: str = Field("", max_length=50, description="法定代表人或负责人（法人或其他组织）")
    contact_person: str = Field("", max_length=50, description="联系人（法人或其他组织必填）")
    phone: str = Field("", max_length=30, description="联系电话")
    email: str = Field("", max_length=100, description="电子邮箱")
    address: str = Field("", max_length=200, description="通信地址")
    postcode: str = Field("", max_length=6, description="邮政编码")
    description: str = Field(max_length=services.DESCRIPTION_MAX * 2, description="所需政府信息的名称、文号或者便于查询的其他特征性描述（不超过 2000 字）")
    form: str = Field(description="获取信息的形式：" + "、".join(f"{k}（{v}）" for k, v in rules.FORMS.items()))
    delivery: str = Field(description="获取信息的方式：" + "、".join(f"{k}（{v}）" for k, v in rules.DELIVERIES.items()))
    submission_key: uuid.UUID | None = Field(None, description="客户端生成的 UUID；重复提交同一标识只产生一件申请")


class SubmittedOut(Schema):
    number: str = Field(description="申请编号")
    tracking_code: str = Field(description="查询码")
    secret: str = Field(description="查询密码；请妥善保存。以同一提交标识重复提交时返回同一密码")
    status: str
    status_label: str
    due_on: date | None = Field(description="答复期限；网上申请在机关确认收到后才开始计算")


class ProgressQuery(Schema):
    secret: str = Field(max_length=32, description="提交时取得的查询密码")


class LetterOut(Schema):
    title: str
    doc_number: str
    issued_on: date


class ProgressOut(Schema):
    number: str
    organisation: str
    status: str
    status_label: str
    submitted_on: date
    received_on: date | None = Field(description="收到申请之日（第三十一条）")
    due_on: date | None
    due_provisional: bool
    explanation: list[str] = Field(description="答复期限是如何计算出来的：起算日、计入的工作日、其间的节假日与调休、每次暂停、重新计算与延长")
    result: str = Field(description="办理结果（已办结时）")
    concluded_on: date | None
    letters: list[LetterOut]


# The receiving organisation of every submission, cached per process for a minute (one indexed
# query saved per request under load; an organisation deactivated meanwhile is refused within that).
ORGANISATION_CACHE_SECONDS = 60
_organisations: dict[str, tuple[float, Organisation]] = {}


def _organisation(code: str) -> Organisation | None:
    now = time.monotonic()
    hit = _organisations.get(code)
    if hit is not None and now - hit[0] < ORGANISATION_CACHE_SECONDS:
        return hit[1]
    organisation = Organisation.objects.filter(code=code, is_active=True).order_by().first()
    if organisation is not None:
        if len(_organisations) > 10000:
            _organisations.clear()
        _organisations[code] = (now, organisation)
    return organisation


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@router.post("/applications", response={201: SubmittedOut, 200: SubmittedOut}, auth=None,
             summary="提交政府信息公开申请（无需账户）")
def submit(request, payload: ApplicationIn):
    organisation = _organisation(payload.organisation)
    if organisation is None:
        raise ValidationError({"organisation": f"未找到代码为“{payload.organisation}”的受理机关"})
    data = payload.dict(exclude={"organisation", "submission_key", "name"})
    data["applicant_name"] = payload.name
    submitted = services.application_submit(
        organisation=organisation, data=data, client_ip=_client_ip(request), submission_key=payload.submission_key,
    )
    app = submitted.application
    body = {
        "number": app.number, "tracking_code": app.tracking_code, "secret": submitted.secret, "status": app.status,
        "status_label": rules.STATUSES[app.status], "due_on": app.due_on,
    }
    return Status(201 if submitted.created else 200, body)


@router.get("/applications/{tracking_code}", response=ProgressOut, auth=None, summary="凭查询码和查询密码查看办理进度")
def progress(request, tracking_code: str, query: Query[ProgressQuery]):
    app = selectors.public_lookup(tracking_code, query.secret)
    if app is None:
        raise Http404  # the same answer for a wrong code and a wrong secret
    return selectors.public_progress(app)
