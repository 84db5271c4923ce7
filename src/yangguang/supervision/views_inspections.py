"""Staff pages of the invited supervisors (特邀监督员, /staff/jdy/) and of the monthly assessment
(考核, /staff/jdy/kh/): roster, inspections and the follow-up of their findings; the ranking with its
formula, the Excel export of 红旗窗口/服务标兵, and the quarterly briefing (季度通报) download.
Thin adapters: every fetch goes through a role-scoped selector, every write is one service call,
a refused write re-renders with the Chinese reason and status 400."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yangguang.core.formfields import choice_field, date_field, text_field
from yangguang.core.models import Organisation, User, Window
from yangguang.supervision import assessment, briefing, inspections
from yangguang.supervision.models import AssessmentFormula, Inspection, Supervisor
from yangguang.supervision.web import XLSX, apply_errors, bad_request, form_submitted

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- forms -------------------------------------------------------------------------------------------


def _organisation_field(queryset) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label="机构", queryset=queryset, to_field_name="code",
                                   error_messages={"required": "请选择机构", "invalid_choice": "机构：不在您的监督范围内"})
    field.label_from_instance = lambda o: o.name
    return field


class SupervisorForm(forms.Form):
    name = text_field("姓名", max_length=inspections.NAME_MAX, required=True)
    affiliation = text_field("工作单位及职务", max_length=inspections.AFFILIATION_MAX)
    category = text_field("界别", max_length=inspections.CATEGORY_MAX, help_text="如：人大代表、政协委员、群众代表、企业代表")
    phone = text_field("联系电话", max_length=20, help_text="加密保存，页面上只显示部分号码")
    certificate_number = text_field("聘书编号", max_length=inspections.CERTIFICATE_MAX)
    term_starts_on = date_field("聘期开始")
    term_ends_on = date_field("聘期结束")
    account = text_field("系统账号", max_length=150, help_text="监督员有本系统账号的，填写其用户名，登录后可查看本人参加的检查")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"organisation": _organisation_field(organisations), **self.fields}


class DismissForm(forms.Form):
    dismissed_on = date_field("解聘日期")
    reason = text_field("解聘原因", max_length=inspections.REASON_MAX, required=True)


class InspectionForm(forms.Form):
    kind = choice_field("检查方式", Inspection.Kind.choices)
    inspected_on = date_field("检查日期")
    summary = text_field("检查情况", max_length=inspections.TEXT_MAX, required=True, rows=5)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        window = forms.ModelChoiceField(label="被检查窗口", required=False, queryset=Window.objects.filter(
            centre__in=organisations, is_active=True).select_related("centre").order_by("centre__path", "number"),
            empty_label="（不限于某个窗口）", error_messages={"invalid_choice": "被检查窗口：请从列表中选择"})
        window.label_from_instance = lambda w: f"{w.centre.name} {w.number}号窗口 {w.name}"
        people = forms.ModelMultipleChoiceField(
            label="参加的监督员", widget=forms.CheckboxSelectMultiple,
            queryset=Supervisor.objects.filter(organisation__in=organisations, dismissed_on__isnull=True).order_by("name"),
            error_messages={"required": "请选择参加检查的监督员", "invalid_choice": "参加的监督员：请从列表中选择"})
        people.label_from_instance = lambda s: f"{s.name}（{s.category or '监督员'}）"
        self.fields = {"organisation": _organisation_field(organisations), "window": window, **self.fields,
                       "supervisors": people}


class FindingForm(forms.Form):
    problem = text_field("发现的问题", max_length=inspections.TEXT_MAX, required=True, rows=3)
    due_on = date_field("整改期限")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        field = _organisation_field(organisations)
        field.label = "整改单位"
        field.error_messages = {"required": "请选择整改单位", "invalid_choice": "整改单位：不在您的监督范围内"}
        self.fields = {**self.fields, "responsible": field}


class RectifyForm(forms.Form):
    follow_up = text_field("整改情况", max_length=inspections.TEXT_MAX, required=True, rows=3)
    rectified_on = date_field("整改日期")


class ConfirmForm(forms.Form):
    confirmed_on = date_field("复查日期")


class FormulaForm(forms.ModelForm):
    class Meta:
        model = AssessmentFormula
        fields = ["on_time_weight", "satisfaction_weight", "base_points", "complaint_deduction",
                  "yellow_card_deduction", "red_card_deduction", "red_flag_count", "model_staff_count", "note"]

    effective_from = date_field("起用月份", help_text="填该月任意一天，从该月起适用")


# --- roster and inspections ----------------------------------------------------------------------------


def _require_any(user) -> None:
    if not (inspections.desk_organisations(user).exists() or inspections.supervisor_record_of(user).exists()
            or inspections.inspections_for(user).exists()):
        raise PermissionDenied("只有监督人员（效能办）、特邀监督员和被检查单位可以查看监督检查")


def _desk(user):
    organisations = inspections.desk_organisations(user)
    if not organisations.exists():
        raise PermissionDenied("只有监督人员（效能办）可以办理此事项")
    return organisations.order_by("path")


@login_required
@require_safe
def index(request):
    _require_any(request.user)
    desk = inspections.desk_organisations(request.user).exists()
    return render(request, "supervision/inspections/index.html", {
        "desk": desk, "roster": inspections.roster(request.user) if desk else [],
        "inspections": inspections.inspections_for(request.user)[:100],
        "open_findings": inspections.open_findings(request.user)[:100], "today": inspections.local_today(),
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def supervisor_new(request):
    organisations = _desk(request.user)
    form = SupervisorForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        account = data.pop("account").strip()
        data["user"] = User.objects.filter(username=account, is_active=True).first() if account else None
        try:
            if account and data["user"] is None:
                raise ValidationError({"account": f"找不到用户名为“{account}”的有效账号"})
            person = inspections.supervisor_appoint(actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已聘请特邀监督员{person.name}。")
            return redirect("supervision-inspections:supervisor", pk=person.pk)
    return render(request, "supervision/inspections/form.html", {"form": form, "title": "聘请特邀监督员"},
                  status=400 if request.method == "POST" else 200)


def _supervisor(request, pk) -> Supervisor:
    person = inspections.supervisor_for(request.user, pk)
    if person is None:
        raise Http404
    return person


def _supervisor_page(request, person: Supervisor, *, form=None, status=200):
    return render(request, "supervision/inspections/supervisor.html", {
        "person": person, "inspections": person.inspections.select_related("organisation").order_by("-inspected_on"),
        "dismiss_form": form or DismissForm(initial={"dismissed_on": inspections.local_today()}),
    }, status=status)


@login_required
@require_safe
def supervisor_detail(request, pk):
    return _supervisor_page(request, _supervisor(request, pk))


@login_required
@require_POST
def supervisor_dismiss(request, pk):
    person = _supervisor(request, pk)
    form = DismissForm(request.POST)
    if form_submitted(request, form, f"已解聘{person.name}。", lambda: inspections.supervisor_dismiss(
            actor=request.user, supervisor=person, dismissed_on=form.cleaned_data["dismissed_on"],
            reason=form.cleaned_data["reason"],
    )):
        return redirect("supervision-inspections:supervisor", pk=person.pk)
    return _supervisor_page(request, person, form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def inspection_new(request):
    organisations = _desk(request.user)
    form = InspectionForm(request.POST or None, organisations=organisations,
                          initial={"inspected_on": inspections.local_today()})
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspections.inspection_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记监督检查。")
            return redirect("supervision-inspections:inspection", pk=inspection.pk)
    return render(request, "supervision/inspections/form.html", {"form": form, "title": "登记监督检查"},
                  status=400 if request.method == "POST" else 200)


def _inspection(request, pk) -> Inspection:
    inspection = inspections.inspection_for(request.user, pk)
    if inspection is None:
        raise Http404
    return inspection


def _inspection_page(request, inspection: Inspection, *, status=200, finding_form=None, errors=None):
    manage = inspections.can_manage(request.user, inspection.organisation)
    findings = list(inspections.findings_for(request.user, inspection))
    for finding in findings:
        finding.inspection = inspection
        finding.may_rectify = finding.status == "open" and inspections.can_rectify(request.user, finding)
        finding.may_confirm = finding.status == "rectified" and manage
    return render(request, "supervision/inspections/inspection.html", {
        "inspection": inspection, "findings": findings, "can_manage": manage, "errors": errors or [],
        "finding_form": finding_form or (FindingForm(organisations=_desk(request.user)) if manage else None),
        "rectify_form": RectifyForm(initial={"rectified_on": inspections.local_today()}),
        "confirm_form": ConfirmForm(initial={"confirmed_on": inspections.local_today()}),
    }, status=status)


@login_required
@require_safe
def inspection_detail(request, pk):
    return _inspection_page(request, _inspection(request, pk))


@login_required
@require_POST
def finding_add(request, pk):
    inspection = _inspection(request, pk)
    if not inspections.can_manage(request.user, inspection.organisation):
        raise PermissionDenied("只有监督人员（效能办）可以登记发现的问题")
    form = FindingForm(request.POST, organisations=_desk(request.user))
    if form_submitted(request, form, "已登记发现的问题，并已通知整改单位。", lambda: inspections.finding_add(
            actor=request.user, inspection=inspection, **form.cleaned_data,
    )):
        return redirect("supervision-inspections:inspection", pk=inspection.pk)
    return _inspection_page(request, inspection, status=400, finding_form=form)


def _finding_step(request, pk, form_class, service, done: str):
    finding = inspections.finding_for(request.user, pk)
    if finding is None:
        raise Http404
    form = form_class(request.POST)
    if form_submitted(request, form, done, lambda: service(actor=request.user, finding=finding, **form.cleaned_data)):
        return redirect("supervision-inspections:inspection", pk=finding.inspection_id)
    errors = [f"{m}" for field_errors in form.errors.values() for m in field_errors]
    return _inspection_page(request, finding.inspection, status=400, errors=errors)


@login_required
@require_POST
def finding_rectify(request, pk):
    return _finding_step(request, pk, RectifyForm, inspections.finding_rectify, "已报告整改情况，待监督人员复查。")


@login_required
@require_POST
def finding_confirm(request, pk):
    return _finding_step(request, pk, ConfirmForm, inspections.finding_confirm, "已复查确认整改。")


# --- assessment ----------------------------------------------------------------------------------------


def _assessment_organisation(request) -> Organisation:
    organisations = _desk(request.user)
    code = request.GET.get("org") or request.POST.get("org") or ""
    if code:
        organisation = organisations.filter(code=code).first()
        if organisation is None:
            raise Http404
        return organisation
    return (organisations.filter(kind=Organisation.Kind.SERVICE_CENTRE).first() or organisations.first())


def _month(request) -> date:
    raw = (request.GET.get("month") or request.POST.get("month") or "").strip()
    if not raw:
        today = inspections.local_today().replace(day=1)
        return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    try:
        return assessment.parse_month(raw)
    except ValidationError:
        raise ValidationError(f"月份（month）“{raw}”应为 YYYY-MM 格式，如 2026-10") from None


@login_required
@require_safe
def assessment_page(request):
    organisation = _assessment_organisation(request)
    try:
        month = _month(request)
    except ValidationError as exc:
        return bad_request(request, "；".join(exc.messages))
    formula = assessment.formula_for(organisation, month)
    windows = list(assessment.scores_of(organisation, month, kind="window"))
    people = list(assessment.scores_of(organisation, month, kind="person"))
    for row in windows + people:
        row.result = assessment.breakdown(row)
    today = inspections.local_today()
    quarter = briefing.Quarter(today.year, (today.month - 1) // 3 + 1)
    return render(request, "supervision/inspections/assessment.html", {
        "organisation": organisation, "organisations": _desk(request.user), "month": month, "formula": formula,
        "formula_lines": assessment.formula_lines(formula) if formula else [], "windows": windows, "people": people,
        "red_flag_count": formula.red_flag_count if formula else 0,
        "model_staff_count": formula.model_staff_count if formula else 0,
        "ranking_rule": assessment.scoring.RANKING_RULE, "quarter": quarter,
        "formula_form": FormulaForm(instance=formula, initial={"effective_from": month}),
    })


@login_required
@require_POST
def assessment_run(request):
    organisation = _assessment_organisation(request)
    try:
        month = _month(request)
        result = assessment.assess(actor=request.user, organisation=organisation, month=month)
    except ValidationError as exc:
        return bad_request(request, "；".join(exc.messages))
    messages.success(request, f"已重新计算{month:%Y年%m月}考核：{result['windows']} 个窗口、{result['persons']} 名人员。")
    return redirect(f"{reverse('supervision-inspections:assessment')}?org={organisation.code}&month={month:%Y-%m}")


@login_required
@require_POST
def assessment_formula(request):
    organisation = _assessment_organisation(request)
    form = FormulaForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        effective_from = data.pop("effective_from")
        try:
            assessment.formula_save(actor=request.user, organisation=organisation, effective_from=effective_from, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存考核办法，自{effective_from:%Y年%m月}起适用；请重新计算受影响月份的得分。")
            return redirect(f"{reverse('supervision-inspections:assessment')}?org={organisation.code}&month={effective_from:%Y-%m}")
    errors = "；".join(f"{form.fields[f].label if f in form.fields else ''}：{m}" for f, ms in form.errors.items() for m in ms)
    return bad_request(request, errors)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_safe
def assessment_export(request):
    organisation = _assessment_organisation(request)
    try:
        month = _month(request)
    except ValidationError as exc:
        return bad_request(request, "；".join(exc.messages))
    content = assessment.ranking_workbook(organisation, month)
    return _attachment(content, XLSX, f"{organisation.name}{month:%Y年%m月}红旗窗口和服务标兵.xlsx")


@login_required
@require_safe
def briefing_download(request):
    organisation = _assessment_organisation(request)
    try:
        quarter = briefing.parse_quarter(request.GET.get("quarter") or "")
    except ValueError as exc:
        return bad_request(request, f"季度（quarter）：{exc}")
    content = briefing.briefing_docx(organisation, quarter)
    return _attachment(content, DOCX, f"{briefing.title_of(organisation, quarter)}.docx")
