"""The public search page (/search). Anyone may use it; it only ever shows published 对外 records."""

from __future__ import annotations

from django.shortcuts import render

from yangguang.core.models import Organisation
from yangguang.core.segmentation import QUERY_MAX_LENGTH
from yangguang.disclosure import search as search_index

PER_PAGE = 20


def _year(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw.isdigit() and 1900 <= int(raw) <= 2100:
        return int(raw)
    raise ValueError


def search(request):
    params = request.GET
    q = params.get("q", "")
    org_code = params.get("org", "").strip()
    category_name = params.get("category", "").strip()
    errors: dict[str, str] = {}

    organisation = None
    if org_code:
        organisation = Organisation.objects.filter(code=org_code, is_active=True).first()
        if organisation is None:
            errors["org"] = f"未找到代码为“{org_code}”的机构，请从列表中选择"
    try:
        year = _year(params.get("year", ""))
    except ValueError:
        year = None
        errors["year"] = "请选择有效的年度"

    results = None
    if q.strip() and not errors:
        results = search_index.search_records(
            query=q, organisation=organisation, category_name=category_name or None, year=year,
            page=params.get("page", 1), per_page=PER_PAGE,
        )
    return render(request, "disclosure/search.html", {
        "q": q[:QUERY_MAX_LENGTH] if results is None else results.query.text,
        "query_max_length": QUERY_MAX_LENGTH,
        "organisations": search_index.searchable_organisations(),
        "org_code": org_code,
        "categories": search_index.category_names(organisation),
        "category_name": category_name,
        "years": search_index.indexed_years(),
        "year": year,
        "errors": errors,
        "results": results,
    })
