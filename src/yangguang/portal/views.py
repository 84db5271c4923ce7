"""Portal views: thin adapters that read through selectors and call services."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from yangguang.core.models import Role, User
from yangguang.core.selectors import has_role, organisations_for, staff_roles_summary
from yangguang.core.services import personal_data_reveal
from yangguang.disclosure import selectors as disclosure_selectors
from yangguang.foi.selectors import STAFF_ROLES as FOI_STAFF_ROLES
from yangguang.portal.forms import RevealForm
from yangguang.reports import selectors as reports_selectors
from yangguang.services import selectors as services_selectors

DISCLOSURE_SECTIONS = {
    "zn": ("政府信息公开指南", "各机关政府信息公开指南：公开的分类与编排、获取方式、工作机构名称、地址、办公时间、联系电话、传真和电子邮箱。"),
    "zd": ("政府信息公开制度", "政府信息公开工作的规章制度：主动公开、依申请公开、保密审查、监督考核。"),
    "fdzdgknr": ("法定主动公开内容", "按《中华人民共和国政府信息公开条例》第二十条、第二十一条应当主动公开的政府信息。"),
    "nb": ("政府信息公开年报", "各机关每年 1 月 31 日前公布的上一年度政府信息公开工作年度报告。"),
}
ADMIN_ROLES_FOR_USERS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def home(request):
    return render(request, "portal/home.html", {"sections": DISCLOSURE_SECTIONS})


def disclosure_index(request):
    return render(request, "portal/disclosure_index.html", {"sections": DISCLOSURE_SECTIONS})


def disclosure_section(request, section):
    if section not in DISCLOSURE_SECTIONS:
        raise Http404
    title, intro = DISCLOSURE_SECTIONS[section]
    organisations = disclosure_selectors.portal_organisations()
    return render(
        request,
        "portal/disclosure_section.html",
        {
            "section": section, "title": title, "intro": intro, "sections": DISCLOSURE_SECTIONS,
            "organisations": organisations,
            "annual_rows": _annual_report_rows(organisations) if section == "nb" else [],
        },
    )


def _annual_report_rows(organisations):
    """Each portal organisation with its published annual reports, and any other organisation that
    has published one (a town, say)."""
    reports = reports_selectors.latest_published_by_organisation()
    rows = [(row.organisation, reports.pop(row.organisation.pk, [])) for row in organisations]
    rows += [(found[0].organisation, found) for found in reports.values()]
    return rows


def services_index(request):
    return render(request, "portal/services_index.html")


def supervision_index(request):
    return render(request, "portal/supervision_index.html")


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", reported without details
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def staff_home(request):
    assignments = staff_roles_summary(request.user)
    return render(request, "portal/staff_home.html", {
        "assignments": assignments,
        "disclosure_desk": any(a.role in disclosure_selectors.DISCLOSURE_ROLES for a in assignments),
        "foi_desk": any(a.role in FOI_STAFF_ROLES for a in assignments),
        "reports_desk": any(a.role in reports_selectors.REPORT_ROLES for a in assignments),
        "services_desk": any(a.role in services_selectors.STAFF_ROLES for a in assignments),
        "reception_desk": any(a.role in (Role.LEADER, Role.SUPERVISOR, Role.DISCLOSURE_OFFICER) for a in assignments),
        **supervision_links(request.user, {a.role for a in assignments}),
    })


def supervision_links(user, roles: set[str]) -> dict[str, bool]:
    """Which supervision pages the staff home offers: each page still checks its own scope."""
    from yangguang.supervision import evaluation_selectors, inspections

    desk, leader = Role.SUPERVISOR in roles, Role.LEADER in roles
    return {
        "supervision_desk": desk or leader,  # e-supervision dashboard, cards
        "supervision_only": desk,  # card rules, assessment
        "rectification_desk": bool(roles & set(evaluation_selectors.VIEW_ROLES)),
        "complaint_desk": bool(roles & {Role.SUPERVISOR, Role.LEADER, Role.DISCLOSURE_OFFICER}),
        "inspection_desk": desk or leader or inspections.supervisor_record_of(user).exists(),
    }


def _users_visible_to(user):
    if not has_role(user, *ADMIN_ROLES_FOR_USERS):
        raise PermissionDenied("只有系统管理员或安全管理员可以查看用户信息")
    return User.objects.filter(organisation__in=organisations_for(user, ADMIN_ROLES_FOR_USERS)).select_related(
        "organisation"
    )


@login_required
def staff_users(request):
    users = _users_visible_to(request.user).order_by("organisation__path", "username")[:500]
    return render(request, "portal/staff_users.html", {"users": users})


@login_required
def staff_user_detail(request, pk):
    person = _users_visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    revealed = None
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = personal_data_reveal(
            actor=request.user, user=person, field=form.cleaned_data["field"], reason=form.cleaned_data["reason"]
        )
        revealed = (dict(form.fields["field"].choices)[form.cleaned_data["field"]], value)
        form = RevealForm()
    return render(request, "portal/staff_user_detail.html", {"person": person, "form": form, "revealed": revealed})


def bad_request(request, exception=None):
    return render(request, "portal/error.html", {"title": "请求有误", "message": "请求的内容无法处理，请检查后重试。"}, status=400)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有访问此页面的权限。"
    return render(request, "portal/error.html", {"title": "无权访问", "message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "portal/error.html", {"title": "页面不存在", "message": "您访问的页面不存在或已被移除。"}, status=404)


def server_error(request):
    return render(request, "portal/error.html", {"title": "系统繁忙", "message": "服务暂时出现问题，请稍后再试。"}, status=500)
