"""/api/v1/disclosure/: public reads of proactive disclosure."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from yangguang.core.models import Organisation
from yangguang.disclosure import search as search_index
from yangguang.disclosure.models import CatalogueNode

router = Router(tags=["主动公开"])


class SearchQuery(Schema):
    q: str = Field("", description="检索词；多个词用空格分开，须全部包含。超过 100 个字的部分不参与检索")
    org: str | None = Field(None, description="发布机构代码，只检索该机构的信息")
    category: int | None = Field(None, description="公开目录中“类”的编号（id）")
    year: int | None = Field(None, ge=1900, le=2100, description="生成年度")
    page: int = Field(1, ge=1, description="页码，从 1 开始；超过最后一页时返回最后一页")
    per_page: int = Field(20, ge=1, le=search_index.PER_PAGE_MAX, description="每页条数")


class SearchResultOut(Schema):
    id: int
    index_number: str = Field(description="索引号")
    title: str
    title_html: str = Field(description="标题，HTML 转义后以 <mark> 标出检索词")
    snippet_html: str = Field(description="正文摘录（约 120 字），HTML 转义后以 <mark> 标出检索词")
    organisation: str = Field(description="发布机构名称")
    formed_on: date = Field(description="生成日期")
    url: str = Field(description="门户网站上的信息页面")


class SearchOut(Schema):
    total: int = Field(description="匹配条数；total_exact 为 false 时表示超过此数，只列出其中最新的这些条")
    total_exact: bool
    page: int
    pages: int
    results: list[SearchResultOut]


@router.get("/search", response=SearchOut, summary="检索已主动公开的政府信息")
def search(request, query: Query[SearchQuery]):
    organisation = None
    if query.org:
        organisation = Organisation.objects.filter(code=query.org, is_active=True).first()
        if organisation is None:
            raise ValidationError({"org": f"未找到代码为“{query.org}”的发布机构"})
    category = None
    if query.category is not None:
        category = CatalogueNode.objects.filter(pk=query.category, kind=CatalogueNode.Kind.CATEGORY).first()
        if category is None or (organisation is not None and category.organisation_id != organisation.pk):
            raise ValidationError({"category": f"未找到编号为 {query.category} 的信息分类"})
    results = search_index.search_records(
        query=query.q, organisation=organisation, category=category, year=query.year,
        page=query.page, per_page=query.per_page,
    )
    return {
        "total": results.total,
        "total_exact": results.total_exact,
        "page": results.page,
        "pages": results.pages,
        "results": [
            {
                "id": hit.record.pk,
                "index_number": hit.record.index_number,
                "title": hit.record.title,
                "title_html": str(hit.title_html),
                "snippet_html": str(hit.snippet_html),
                "organisation": hit.record.organisation.name,
                "formed_on": hit.record.formed_on,
                "url": reverse("disclosure:record", args=[hit.record.pk]),
            }
            for hit in results.hits
        ],
    }
