"""The public guide pages (办事指南): the list with its search, one item's guide, and its PDF.
Anyone may read them; only public items (guides.public_items) are ever shown."""

from __future__ import annotations

from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from yangguang.core.segmentation import QUERY_MAX_LENGTH
from yangguang.services import guides, rules

PER_PAGE = 20


def guide_list(request):
    params = request.GET
    department_code = params.get("department", "").strip()
    kind = params.get("kind", "").strip()
    errors: dict[str, str] = {}
    departments = guides.guide_departments()
    department = next((d for d in departments if d.code == department_code), None)
    if department_code and department is None:
        errors["department"] = f"没有编码为“{department_code}”的实施部门，请从列表中选择"
    if kind and kind not in rules.KINDS:
        errors["kind"] = "请从列表中选择事项类型"
    page = parsed = None
    if not errors:
        items, parsed = guides.search_items(query=params.get("q", ""), department=department, kind=kind)
        page = Paginator(items, PER_PAGE).get_page(params.get("page"))
    return render(request, "services/guide_list.html", {
        "q": parsed.text if parsed else params.get("q", "")[:QUERY_MAX_LENGTH],
        "query_max_length": QUERY_MAX_LENGTH,
        "departments": departments,
        "department_code": department_code,
        "kinds": rules.KINDS,
        "kind": kind,
        "errors": errors,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1) if page else [],
        "filtered": bool(params.get("q", "").strip() or department or kind),
    })


def _guide(code: str) -> guides.Guide:
    item = guides.public_item(code)
    if item is None:
        raise Http404("没有这个事项，或该事项已停用")
    return guides.guide_for(item)


def guide_detail(request, code):
    return render(request, "services/guide_detail.html", {"guide": _guide(code)})


def guide_pdf(request, code):
    guide = _guide(code)
    url = request.build_absolute_uri(reverse("guides:detail", args=[guide.item.code]))
    response = HttpResponse(guides.guide_pdf(guide, url=url), content_type="application/pdf")
    name = quote(f"{guide.item.code}-{guide.item.name}-办事指南.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    return response
