"""Complaint pages: the public form and lookup, and the staff desk (queue with filters, detail with
the allowed actions, the mailbox openings, registering from a reception visit, the register's Excel
export). Thin adapters: fetches go through role-scoped selectors (out of scope is a 404), each write
is one service call, refused input re-renders with the Chinese reason and a 4xx status."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yangguang.core import context
from yangguang.supervision import complaint_selectors as selectors
from yangguang.supervision import complaints as services
from yangguang.supervision import registers
from yangguang.supervision import selectors as reception_selectors
from yangguang.supervision.forms_complaints import (
    AnswerForm, HandleForm, LookupForm, OpeningForm, PublicComplaintForm, RouteForm, StaffComplaintForm, _PersonFields,
)
from yangguang.supervision.models import Complaint
from yangguang.supervision.models.complaints import CHANNELS, KINDS
from yangguang.supervision.web import XLSX, apply_errors, bad_request

NS = "supervision-complaints"


# --- public ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def public_new(request):
    form = PublicComplaintForm(request.POST or None, targets=selectors.public_targets())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                submitted = services.complaint_submit(
                    data={**form.person_data(), "about_organisation": form.cleaned_data["about_organisation"]},
                    client_ip=context.client_ip.get() or request.META.get("REMOTE_ADDR", ""),
                )
            except services.RateLimited as exc:
                apply_errors(form, exc)
                status = 429
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return render(request, "supervision/complaints/public_submitted.html",
                              {"complaint": submitted.complaint, "secret": submitted.secret})
    return render(request, "supervision/complaints/public_form.html",
                  {"form": form, "limit": settings.COMPLAINT_LIMIT_WORKDAYS}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def public_lookup(request):
    """Only with both the code and the secret, sent by POST so neither lands in a URL or a log."""
    form = LookupForm(request.POST or None)
    complaint = None
    if request.method == "POST" and form.is_valid():
        complaint = selectors.public_lookup(form.cleaned_data["tracking_code"], form.cleaned_data["secret"])
        if complaint is None:
            form.add_error(None, "查询码或查询密码不正确，请核对后重新输入")
    status = 400 if request.method == "POST" and complaint is None else 200
    return render(request, "supervision/complaints/public_lookup.html", {"form": form, "complaint": complaint}, status=status)


# --- staff: the queue ----------------------------------------------------------------------------------


def _require_staff(user) -> None:
    if not selectors.is_staff(user):
        raise PermissionDenied("只有领导、政务公开工作人员和监督人员可以办理投诉举报")


def _filters(request) -> dict:
    g = request.GET
    errors = []
    kind, channel, status = g.get("kind", ""), g.get("channel", ""), g.get("status", "")
    if kind and kind not in KINDS:
        errors.append("类型（kind）无效")
    if channel and channel not in CHANNELS:
        errors.append("来源渠道（channel）无效")
    if status and status not in Complaint.Status.values:
        errors.append("状态（status）无效")
    organisation = None
    if g.get("org"):
        organisation = selectors.handler_organisations(request.user).filter(code=g["org"]).first()
        if organisation is None:
            errors.append("单位（org）无效或不在您的管辖范围内")
    if errors:
        raise ValidationError("；".join(errors))
    return {"kind": kind, "channel": channel, "status": status, "overdue": g.get("overdue") == "1", "organisation": organisation}


@login_required
@require_safe
def staff_list(request):
    _require_staff(request.user)
    try:
        filters = _filters(request)
    except ValidationError as exc:
        return bad_request(request, "；".join(exc.messages))
    today = selectors.local_today()
    rows = selectors.complaints_for(request.user, today=today, **filters)
    page = list(rows[:500])
    for c in page:
        c.overdue = selectors.is_overdue(c, today)
    return render(request, "supervision/complaints/staff_list.html", {
        "complaints": page, "total": rows.count(), "filters": filters, "today": today,
        "kinds": KINDS.items(), "channels": CHANNELS.items(), "statuses": Complaint.Status.choices,
        "organisations": selectors.handler_organisations(request.user)[:300],
        "year_start": today.replace(month=1, day=1), "can_register": True,
    })


def _staff_form(request, data=None, initial=None):
    return StaffComplaintForm(data, initial=initial, organisations=selectors.handler_organisations(request.user),
                              openings=selectors.openings_with_room(request.user).select_related("organisation"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_new(request):
    _require_staff(request.user)
    initial = {"received_on": selectors.local_today()}
    if request.GET.get("opening", "").isdigit():
        opening = selectors.opening_for_staff(request.user, int(request.GET["opening"]))
        if opening is not None:
            initial.update(channel="mailbox", mailbox_opening=opening.pk, organisation=opening.organisation_id,
                           received_on=timezone.localtime(opening.opened_at).date())
    form = _staff_form(request, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            submitted = services.complaint_register(
                actor=request.user, organisation=d["organisation"], channel=d["channel"], data=form.person_data(),
                received_on=d["received_on"], mailbox_opening=d.get("mailbox_opening"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            c = submitted.complaint
            messages.success(request, f"已登记，编号 {c.number}，办理期限 {c.due_on:%Y-%m-%d}。可告知反映人凭查询码 "
                                      f"{c.tracking_code}、查询密码 {submitted.secret} 在门户网站查询办理结果（密码只显示这一次）。")
            return redirect(f"{NS}:staff-detail", pk=submitted.complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/complaints/staff_form.html", {"form": form, "title": "登记投诉、举报或意见建议"}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_from_visit(request, pk):
    """A problem raised at a reception day becomes a complaint linked to the visit."""
    visit = reception_selectors.visit_for_staff(request.user, pk)
    if visit is None:
        raise Http404
    if not selectors.can_handle(request.user, visit.organisation):
        raise PermissionDenied("无权登记该单位的投诉举报")
    initial = {"kind": "complaint", "subject": visit.issues[:40], "content": visit.issues, "name": visit.visitor_name}
    form = _PersonFields(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.person_data()
        if not data["phone"] and not data["anonymous"]:
            data["phone"] = visit.contact_phone.reveal() if visit.contact_phone else ""  # never shown, copied
        try:
            submitted = services.complaint_register(
                actor=request.user, organisation=visit.organisation, channel="reception", data=data,
                received_on=visit.visited_on, reception_visit=visit,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记，编号 {submitted.complaint.number}。")
            return redirect(f"{NS}:staff-detail", pk=submitted.complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/complaints/staff_form.html", {
        "form": form, "visit": visit, "title": f"由接待日来访登记投诉举报（{visit.visited_on:%Y-%m-%d} {visit.visitor_name}）",
    }, status=status)


# --- staff: one complaint -------------------------------------------------------------------------------


def _complaint(request, pk) -> Complaint:
    complaint = selectors.complaint_for_staff(request.user, pk)
    if complaint is None:
        raise Http404
    return complaint


def _detail(request, complaint: Complaint, *, status: int = 200, **given):
    today = selectors.local_today()
    open_ = complaint.status in selectors.OPEN_STATUSES
    can_route = open_ and selectors.can_route(request.user, complaint.organisation)
    context_ = {
        "c": complaint, "today": today, "overdue": selectors.is_overdue(complaint, today),
        "phone": complaint.phone.masked if complaint.phone else "",
        "can_route": can_route, "open": open_,
        "can_archive": complaint.status == Complaint.Status.ANSWERED,
    }
    if can_route:
        context_["route_form"] = given.get("route_form") or RouteForm(
            targets=selectors.route_targets(request.user).exclude(pk=complaint.organisation_id))
    if open_:
        context_["handle_form"] = given.get("handle_form") or HandleForm(initial={"handling": complaint.handling})
        context_["answer_form"] = given.get("answer_form") or AnswerForm(initial={
            "handling": complaint.handling, "answered_on": today,
            "answer_method": "" if services.has_contact(complaint) else services.NO_ANSWER})
    return render(request, "supervision/complaints/staff_detail.html", context_, status=status)


@login_required
@require_safe
def staff_detail(request, pk):
    return _detail(request, _complaint(request, pk))


def _action(request, pk, form_class, form_name, call, done: str, **form_kwargs):
    complaint = _complaint(request, pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            call(complaint, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 409 if "status" in getattr(exc, "error_dict", {}) else 400
            return _detail(request, complaint, status=status, **{form_name: form})
        messages.success(request, done)
        return redirect(f"{NS}:staff-detail", pk=complaint.pk)
    return _detail(request, complaint, status=400, **{form_name: form})


@login_required
@require_POST
def staff_route(request, pk):
    if not selectors.can_route(request.user, _complaint(request, pk).organisation):
        raise PermissionDenied("只有监督人员可以转办投诉举报")
    return _action(request, pk, RouteForm, "route_form",
                   lambda c, d: services.complaint_route(actor=request.user, complaint=c, **d),
                   "已转办，并通知承办单位领导。", targets=selectors.route_targets(request.user))


@login_required
@require_POST
def staff_handle(request, pk):
    return _action(request, pk, HandleForm, "handle_form",
                   lambda c, d: services.complaint_handle(actor=request.user, complaint=c, **d), "已登记办理情况。")


@login_required
@require_POST
def staff_answer(request, pk):
    return _action(request, pk, AnswerForm, "answer_form",
                   lambda c, d: services.complaint_answer(actor=request.user, complaint=c, **d), "已登记核查结论和答复情况。")


@login_required
@require_POST
def staff_archive(request, pk):
    complaint = _complaint(request, pk)
    try:
        services.complaint_archive(actor=request.user, complaint=complaint)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _detail(request, complaint, status=409)
    messages.success(request, "已归档。")
    return redirect(f"{NS}:staff-detail", pk=complaint.pk)


# --- staff: the mailbox ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_mailbox(request):
    _require_staff(request.user)
    form = OpeningForm(request.POST or None, initial={"opened_at": timezone.localtime().replace(second=0, microsecond=0)},
                       organisations=selectors.handler_organisations(request.user),
                       witnesses=selectors.witness_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            opening = services.mailbox_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已记录开箱：信件 {opening.letters} 封。请逐封登记。")
            return redirect(f"{NS}:staff-mailbox")
    status = 400 if request.method == "POST" else 200
    openings = list(selectors.openings_for(request.user)[:200])
    return render(request, "supervision/complaints/staff_mailbox.html", {"form": form, "openings": openings}, status=status)


# --- staff: the register ---------------------------------------------------------------------------------


def _period(request) -> tuple[date, date]:
    today = selectors.local_today()
    errors = []
    values = {}
    for name, label, default in (("start", "起始日期", today.replace(month=1, day=1)), ("end", "截止日期", today)):
        raw = request.GET.get(name, "").strip()
        try:
            values[name] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors.append(f"{label}（{name}）格式应为 YYYY-MM-DD")
    if not errors and values["start"] > values["end"]:
        errors.append("起始日期（start）不能晚于截止日期（end）")
    if not errors and (values["end"] - values["start"]).days > 366 * 5:
        errors.append("导出期间（start–end）不能超过五年")
    if errors:
        raise ValidationError("；".join(errors))
    return values["start"], values["end"]


@login_required
@require_safe
def staff_register(request):
    _require_staff(request.user)
    code = request.GET.get("org", "")
    organisation = selectors.handler_organisations(request.user).filter(code=code).first() if code else None
    if organisation is None:
        if code and not selectors.handler_organisations(request.user).filter(code=code).exists():
            raise Http404
        return bad_request(request, "请选择单位（org）")
    try:
        start, end = _period(request)
    except ValidationError as exc:
        return bad_request(request, "；".join(exc.messages))
    content = registers.complaint_register_workbook(organisation, start=start, end=end)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{organisation.code}-{start:%Y%m%d}-{end:%Y%m%d}-{registers.COMPLAINT_TITLE}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
