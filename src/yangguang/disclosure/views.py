"""Views of proactive disclosure: thin adapters over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from yangguang.core.models import Organisation, Role
from yangguang.core.selectors import organisations_for, roles_of
from yangguang.disclosure import consultation, registers, rules, selectors, services
from yangguang.disclosure.forms import CatalogueNodeForm, GuideForm, RecordForm, TransitionForm
from yangguang.disclosure.models import Project

# --- public --------------------------------------------------------------------------------------


def _organisation(code: str) -> Organisation:
    return get_object_or_404(Organisation, code=code, is_active=True)


def organisation_catalogue(request, code):
    organisation = _organisation(code)
    categories = selectors.catalogue_for(organisation, request.user)
    if not categories:
        raise Http404
    return render(request, "disclosure/catalogue.html", {
        "organisation": organisation,
        "categories": categories,
        "guide": selectors.guide_of(organisation),
        "projects": selectors.projects_of(organisation),
    })


def organisation_guide(request, code):
    organisation = _organisation(code)
    guide = selectors.guide_of(organisation)
    if guide is None:
        raise Http404
    categories = selectors.catalogue_for(organisation, request.user, with_records=False)
    return render(request, "disclosure/guide.html", {"organisation": organisation, "guide": guide, "categories": categories})


def record_detail(request, pk):
    record = selectors.record_for_reader(request.user, pk)
    if record is None:
        raise Http404
    return render(request, "disclosure/record.html", {
        "record": record,
        "attachments": record.attachments.all(),
        "consultations": consultation.consultations_for_record(record),
    })


def project_detail(request, pk):
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=pk)
    stages = selectors.project_lifecycle(project, request.user)
    missing = [s.label for s in stages if not s.records]
    return render(request, "disclosure/project.html", {"project": project, "stages": stages, "missing": missing})


# --- staff ------------------------------------------------------------------------------------------


@login_required
def staff_dashboard(request):
    if not roles_of(request.user) & set(selectors.DISCLOSURE_ROLES):
        raise PermissionDenied("只有政务公开工作人员、保密审查人员和领导可以使用主动公开工作台")
    today = timezone.localdate()
    return render(request, "disclosure/staff_dashboard.html", {
        "queue": selectors.review_queue(request.user),
        "deadlines": selectors.records_by_deadline(request.user, today=today),
        "today": today,
        "organisations": organisations_for(request.user, [Role.DISCLOSURE_OFFICER]),
    })


def _officer_organisation(request, code) -> Organisation:
    organisation = organisations_for(request.user, [Role.DISCLOSURE_OFFICER]).filter(code=code).first()
    if organisation is None:
        raise PermissionDenied("只有本机构的政务公开工作人员可以起草政府信息")
    return organisation


def _uploads(form) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in form.cleaned_data.get("attachments") or []]


def _record_fields(data: dict) -> dict:
    return {
        "item": data["item"], "title": data["title"], "summary": data["summary"], "body": data["body"],
        "document_number": data["document_number"], "formed_on": data["formed_on"],
        "fact_kind": data["fact_kind"] or "", "decision_count": data["decision_count"],
        "fee_amount": data["fee_amount"], "project": data["project"], "project_stage": data["project_stage"] or "",
    }


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def staff_record_new(request, code):
    organisation = _officer_organisation(request, code)
    form = RecordForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(
                actor=request.user, organisation=organisation, attachments=_uploads(form), **_record_fields(form.cleaned_data)
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已保存草稿，索引号 {record.index_number}。")
            return redirect("disclosure:staff-record", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "disclosure/staff_record_form.html", {"form": form, "organisation": organisation}, status=status)


@login_required
def staff_record_edit(request, pk):
    record = selectors.record_for_staff(request.user, pk)
    if record is None:
        raise Http404
    initial = {name: getattr(record, name) for name in services.EDITABLE_FIELDS}
    form = RecordForm(request.POST or None, request.FILES or None, organisation=record.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_update(actor=request.user, record=record, attachments=_uploads(form), **_record_fields(form.cleaned_data))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已保存修改。")
            return redirect("disclosure:staff-record", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "disclosure/staff_record_form.html", {"form": form, "organisation": record.organisation, "record": record}, status=status)


@login_required
def staff_record(request, pk):
    record = selectors.record_for_staff(request.user, pk)
    if record is None:
        raise Http404
    form = TransitionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.record_transition(
                actor=request.user, record=record, action=form.cleaned_data["action"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            status = 400
        else:
            messages.success(request, f"已{rules.TRANSITIONS[form.cleaned_data['action']].label}。")
            return redirect("disclosure:staff-record", pk=record.pk)
    actions = rules.available_actions(record.state, roles_of(request.user))
    return render(request, "disclosure/staff_record.html", {
        "record": record, "actions": actions, "reviews": record.reviews.select_related("actor"),
        "attachments": record.attachments.all(),
    }, status=status)


@login_required
def staff_catalogue(request, code):
    organisation = _officer_organisation(request, code)
    form = CatalogueNodeForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            node = services.catalogue_node_create(
                actor=request.user, organisation=organisation, parent=data["parent"], code=data["code"], name=data["name"],
                scope=data["scope"], channels=data["channels"], responsible_unit=data["responsible_unit"],
                update_frequency=data["update_frequency"], description=data["description"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已新增{node.get_kind_display()}“{node.name}”。")
            return redirect("disclosure:staff-catalogue", code=organisation.code)
    categories = selectors.catalogue_for(organisation, request.user, with_records=False)
    status = 400 if request.method == "POST" else 200
    return render(request, "disclosure/staff_catalogue.html", {"organisation": organisation, "categories": categories, "form": form}, status=status)


@login_required
def staff_guide(request, code):
    organisation = _officer_organisation(request, code)
    guide = selectors.guide_of(organisation)
    form = GuideForm(request.POST or None, instance=guide)
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_update(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已更新政府信息公开指南。")
            return redirect("disclosure:staff-guide", code=organisation.code)
    status = 400 if request.method == "POST" else 200
    missing = guide.missing_fields() if guide else ["全部内容"]
    return render(request, "disclosure/staff_guide.html", {"organisation": organisation, "form": form, "missing": missing}, status=status)


@login_required
def staff_register(request, code, kind):
    if kind not in ("catalogue", "submissions"):
        raise Http404
    organisation = organisations_for(request.user, selectors.DISCLOSURE_ROLES).filter(code=code).first()
    if organisation is None:
        raise PermissionDenied("无权导出该机构的登记表")
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return HttpResponse("year（年份）必须是四位数字", status=400, content_type="text/plain; charset=utf-8")
    if kind == "catalogue":
        content, filename = registers.catalogue_workbook(organisation), f"{organisation.code}-公开目录.xlsx"
    else:
        content, filename = registers.submission_workbook(organisation, year=year), f"{organisation.code}-{year}-政务公开报送登记表.xlsx"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
