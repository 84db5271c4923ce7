"""The notices a case produces (受理通知书, 不予受理通知书, 一次性告知书, 办结通知书) as official
documents, each with a QR code that opens the public progress page with the tracking code filled
in (the secret is never printed in the code: whoever scans still needs it)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from yangguang.core.documents import OfficialDocument, render_docx, render_pdf
from yangguang.services import rules
from yangguang.services.models import Case

KINDS = {
    "acceptance": "受理通知书",
    "rejection": "不予受理通知书",
    "correction": "补正材料一次性告知书",
    "completion": "办结通知书",
}


def _d(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def progress_url(case: Case) -> str:
    return settings.PUBLIC_BASE_URL + reverse("services:progress") + "?" + urlencode({"code": case.tracking_code})


def available(case: Case) -> list[str]:
    kinds = []
    if case.accepted_on:
        kinds.append("acceptance")
    if case.status == rules.REJECTED:
        kinds.append("rejection")
    if case.correction_requested_on:
        kinds.append("correction")
    if case.completed_on:
        kinds.append("completion")
    return kinds


def document(case: Case, kind: str) -> OfficialDocument:
    if kind not in available(case):
        raise KeyError(kind)
    item, centre = case.item, case.organisation
    window = f"{case.window}" if case.window_id else "窗口"
    body: list[str]
    if kind == "acceptance":
        limit = "即办件，当场办结" if case.immediate else f"承诺在受理之日起 {case.committed_limit} 个工作日内（{_d(case.due_on)}前）办结"
        body = [
            f"你（单位）于{_d(timezone.localtime(case.submitted_at).date())}提出的“{item.name}”申请，申请材料齐全、符合法定形式，"
            f"本中心{window}已于{_d(case.accepted_on)}予以受理，受理编号为 {case.number}。",
            f"该事项{limit}。依法需要听证、检验检测、专家评审或补正材料的，所需时间不计算在办理时限内。",
            f"可凭查询码 {case.tracking_code} 和查询密码通过扫描下方二维码或登录本平台查询办理进度。",
        ]
        signed = case.accepted_on
    elif kind == "rejection":
        body = [
            f"你（单位）于{_d(timezone.localtime(case.submitted_at).date())}提出的“{item.name}”申请（编号 {case.number}），经审查，"
            f"本中心决定不予受理。理由：{case.rejection_reason}",
            "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。",
        ]
        step = case.steps.filter(action="reject").order_by("-at").first()
        signed = timezone.localtime(step.at).date() if step else None
    elif kind == "correction":
        listed = "；".join(f"{n}. {x}" for n, x in enumerate(case.correction_items, start=1))
        body = [
            f"你（单位）申请的“{item.name}”（受理编号 {case.number}），经审查，需要补正以下材料（一次性告知）：{listed}。",
            *([case.correction_note] if case.correction_note else []),
            "补正材料期间不计算在办理时限内；收到补正材料后继续办理。",
        ]
        signed = case.correction_requested_on
    else:
        result = rules.RESULTS.get(case.result, "")
        body = [
            f"你（单位）申请的“{item.name}”（受理编号 {case.number}）已于{_d(case.completed_on)}办结，"
            f"办理结果：{result}，决定文书文号：{case.result_document}。",
            *([f"理由：{case.result_note}"] if case.result == "refused" and case.result_note else []),
            f"请按{rules.DELIVERIES.get(case.delivery, '约定的方式')}领取决定文书。",
        ]
        if case.result == "refused":
            body.append("如对本决定不服，可以自收到决定之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。")
        signed = case.completed_on
    phone = item.consult_phone or centre.phone
    return OfficialDocument(
        title=KINDS[kind],
        doc_number=case.number,
        addressee=f"{case.applicant_name}：",
        paragraphs=tuple(body),
        signature=centre.name,
        signed_on=signed,
        notes=(f"（咨询电话：{phone}；监督电话：{item.supervise_phone or centre.phone}）",) if phone else (),
        qr_url=progress_url(case),
        qr_caption="扫码查询办理进度",
    )


def pdf(case: Case, kind: str) -> bytes:
    return render_pdf(document(case, kind))


def docx(case: Case, kind: str) -> bytes:
    return render_docx(document(case, kind))
