"""Reception-day pages: the public schedule and the staff desk (schedule, rotation, changes to single
months, the register of visits and its Excel export). Thin adapters: every fetch goes through a
role-scoped selector (anything out of scope is a 404 or 403), every write is one service call, and
a refused write re-renders the page with the Chinese reason and status 400."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yangguang.core.models import Organisation
from yangguang.core.selectors import has_role
from yangguang.supervision import registers, selectors, services
from yangguang.supervision.forms import MAX_LEADERS, ChangeForm, LeadersForm, ReplyForm, ScheduleForm, VisitForm
from yangguang.supervision.web import XLSX, apply_errors, bad_request, form_submitted


def _year(request) -> int:
    raw = request.GET.get("year") or ""
    if not raw:
        return selectors.local_today().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ValidationError({"year": "年份（year）应为 2000 到 2100 之间的四位数字"})
    return int(raw)


# --- public ------------------------------------------------------------------------------------------


@require_safe
def reception_public(request):
    today = selectors.local_today()
    return render(request, "supervision/reception_public.html", {
        "schedules": selectors.published_schedules(today=today), "today": today,
    })


# --- staff -------------------------------------------------------------------------------------------


def _require_staff(user) -> None:
    if not has_role(user, *selectors.STAFF_ROLES):
        raise PermissionDenied("只有领导、监督人员和政务公开工作人员可以使用接待日工作台")


def _organisation(request, code: str) -> Organisation:
    organisation = selectors.staff_organisation(request.user, code)
    if organisation is None:
        raise Http404
    return organisation


def _manager_organisation(request, code: str) -> Organisation:
    organisation = _organisation(request, code)
    if not selectors.can_manage_schedule(request.user, organisation):
        raise PermissionDenied(f"只有{organisation}的领导或监督人员可以设置接待日安排")
    return organisation


def _schedule(organisation: Organisation):
    schedule = selectors.schedule_of(organisation)
    if schedule is None:
        raise Http404
    return schedule


@login_required
@require_safe
def staff_index(request):
    _require_staff(request.user)
    return render(request, "supervision/staff_index.html", {
        "schedules": selectors.staff_schedules(request.user),
        "without": selectors.organisations_without_schedule(request.user)[:200],
    })


def _leaders_initial(schedule) -> dict:
    return {f"leader_{n}": user.pk for n, user in enumerate(selectors.leaders_of(schedule), start=1)}


def _detail(request, organisation: Organisation, *, status: int = 200, **forms_given):
    schedule = selectors.schedule_of(organisation)
    today = selectors.local_today()
    try:
        year = _year(request)
    except ValidationError as exc:
        return bad_request(request, "；".join(exc.messages))
    manage = selectors.can_manage_schedule(request.user, organisation)
    record = selectors.can_record_visits(request.user, organisation)
    candidates = selectors.leader_candidates(organisation)
    context = {
        "organisation": organisation, "schedule": schedule, "today": today, "year": year,
        "can_manage": manage, "can_record": record, "max_leaders": MAX_LEADERS,
        "visits": selectors.visits_of(request.user, organisation, year=year),
        "follow_ups": selectors.open_follow_ups(organisation) if record else [],
    }
    if schedule is not None:
        context["receptions"] = selectors.upcoming_receptions(schedule, today=today)
        context["changes"] = selectors.changes_of(schedule, since=today)
        context["leaders"] = selectors.leaders_of(schedule)
        if manage:
            context["leaders_form"] = forms_given.get("leaders_form") or LeadersForm(initial=_leaders_initial(schedule), candidates=candidates)
            context["change_form"] = forms_given.get("change_form") or ChangeForm(candidates=candidates)
    return render(request, "supervision/staff_detail.html", context, status=status)


@login_required
@require_safe
def staff_detail(request, code):
    return _detail(request, _organisation(request, code))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_schedule(request, code):
    organisation = _manager_organisation(request, code)
    schedule = selectors.schedule_of(organisation)
    initial = {"day_of_month": 15, "hours": "9:00–12:00，14:30–17:30", "rotation_starts_on": selectors.local_today().replace(day=1),
               "active": True, "place": organisation.address}
    if schedule is not None:
        initial = {name: getattr(schedule, name) for name in ("day_of_month", "place", "hours", "rotation_starts_on", "note", "active")}
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_save(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存接待日安排。")
            return redirect("supervision:staff-detail", code=organisation.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/staff_schedule.html",
                  {"form": form, "organisation": organisation, "schedule": schedule}, status=status)


@login_required
@require_POST
def staff_leaders(request, code):
    organisation = _manager_organisation(request, code)
    schedule = _schedule(organisation)
    form = LeadersForm(request.POST, candidates=selectors.leader_candidates(organisation))
    if form_submitted(request, form, "已保存轮值领导。", lambda: services.schedule_leaders_set(
            actor=request.user, schedule=schedule, leaders=form.ordered(),
    )):
        return redirect("supervision:staff-detail", code=organisation.code)
    return _detail(request, organisation, status=400, leaders_form=form)


@login_required
@require_POST
def staff_change(request, code):
    organisation = _manager_organisation(request, code)
    schedule = _schedule(organisation)
    form = ChangeForm(request.POST, candidates=selectors.leader_candidates(organisation))
    if form_submitted(request, form, "已登记接待日变更，门户网站同步更新。", lambda: services.reception_day_change(
            actor=request.user, schedule=schedule, **form.cleaned_data,
    )):
        return redirect("supervision:staff-detail", code=organisation.code)
    return _detail(request, organisation, status=400, change_form=form)


@login_required
@require_POST
def staff_restore(request, code):
    organisation = _manager_organisation(request, code)
    schedule = _schedule(organisation)
    form = forms.Form(request.POST)
    form.fields["month"] = ChangeForm.base_fields["month"]
    if not form.is_valid():
        return bad_request(request, "月份：" + "；".join(form.errors.get("month", ["无效"])))
    if services.reception_day_restore(actor=request.user, schedule=schedule, month=form.cleaned_data["month"]):
        messages.success(request, "已撤销变更，该月接待日恢复按规则安排。")
    return redirect("supervision:staff-detail", code=organisation.code)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_visit_new(request, code):
    organisation = _organisation(request, code)
    if not selectors.can_record_visits(request.user, organisation):
        raise PermissionDenied(f"只有{organisation}的领导、监督人员或政务公开工作人员可以登记接待情况")
    initial = _visit_initial(organisation)
    form = VisitForm(request.POST or None, initial=initial, candidates=selectors.duty_leader_choices(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记来访情况。")
            return redirect("supervision:staff-detail", code=organisation.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/staff_visit_form.html", {"form": form, "organisation": organisation}, status=status)


def _visit_initial(organisation: Organisation) -> dict:
    """Today, and today's duty leader when today is a reception day."""
    today = selectors.local_today()
    initial = {"visited_on": today}
    schedule = selectors.schedule_of(organisation)
    reception = selectors.reception_on(schedule, today) if schedule is not None else None
    if reception is not None and reception.leader is not None:
        initial["duty_leader"] = reception.leader.pk
    return initial


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_visit(request, pk):
    visit = selectors.visit_for_staff(request.user, pk)
    if visit is None:
        raise Http404
    initial = {"reply": visit.reply, "replied_on": visit.replied_on or selectors.local_today(), "follow_up_needed": visit.follow_up_needed}
    form = ReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_reply(actor=request.user, visit=visit, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记答复情况。")
            return redirect("supervision:staff-visit", pk=visit.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/staff_visit.html", {"visit": visit, "form": form}, status=status)


@login_required
@require_POST
def staff_visit_close(request, pk):
    visit = selectors.visit_for_staff(request.user, pk)
    if visit is None:
        raise Http404
    try:
        services.visit_follow_up_close(actor=request.user, visit=visit)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        status = 409 if "state" in getattr(exc, "error_dict", {}) else 400
        return render(request, "supervision/staff_visit.html", {"visit": visit, "form": ReplyForm(initial={
            "reply": visit.reply, "replied_on": visit.replied_on, "follow_up_needed": visit.follow_up_needed})}, status=status)
    messages.success(request, "跟踪办理已办结。")
    return redirect("supervision:staff-visit", pk=visit.pk)


@login_required
@require_safe
def staff_register(request, code):
    organisation = _organisation(request, code)
    if not selectors.can_record_visits(request.user, organisation):
        raise PermissionDenied("无权导出该机构的接待日登记表")
    try:
        year = _year(request)
    except ValidationError as exc:
        return bad_request(request, "；".join(exc.messages))
    response = HttpResponse(registers.reception_register_workbook(organisation, year=year), content_type=XLSX)
    filename = f"{organisation.code}-{year}-{registers.TITLE}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
