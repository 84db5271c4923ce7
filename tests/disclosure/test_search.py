"""Public search: Chinese words as people type them, ranking, filters, escaping, bad input, the
page and the API. Records are made and published through the real services, by three different
people per organisation (the separation rule needs them)."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from yangguang.core.models import Role
from yangguang.core.segmentation import QUERY_MAX_LENGTH, index_tokens, parse_query, query_tokens
from yangguang.disclosure import search, services
from yangguang.disclosure.models import CatalogueNode, InformationRecord, SearchEntry

from ..conftest import make_person


@dataclass
class Desk:
    """One organisation's disclosure desk: its catalogue and the drafter, checker and approver."""

    organisation: object
    items: dict
    officer: object
    checker: object
    leader: object


def make_desk(org, prefix, catalogue) -> Desk:
    items = {}
    for n, (category_name, item_name, scope) in enumerate(catalogue, start=1):
        category = CatalogueNode.objects.filter(organisation=org, name=category_name, kind="category").first()
        if category is None:
            category = services.catalogue_node_create(actor=None, organisation=org, code=f"{n:02d}", name=category_name)
        items[item_name] = services.catalogue_node_create(
            actor=None, organisation=org, parent=category, code=f"{n:02d}{n:02d}", name=item_name, scope=scope
        )
    return Desk(
        org, items,
        make_person(f"{prefix}.officer", Role.DISCLOSURE_OFFICER, org),
        make_person(f"{prefix}.checker", Role.CONFIDENTIALITY_REVIEWER, org),
        make_person(f"{prefix}.leader", Role.LEADER, org),
    )


@pytest.fixture
def desks(world, seeded_calendar):
    justice = make_desk(world.justice, "sfj", [
        ("司法行政", "法律援助", "public"),
        ("财政预决算", "部门预算", "public"),
        ("财务收支", "机关财务", "internal"),
    ])
    county = make_desk(world.county, "jx", [
        ("社会救助", "最低生活保障", "public"),
        ("财政预决算", "县级预算", "public"),
    ])
    return {"justice": justice, "county": county}


@pytest.fixture
def draft(desks):
    def make(title, *, desk="justice", item=None, summary="", body="", formed_on=date(2026, 3, 2), document_number=""):
        d = desks[desk]
        item = d.items[item] if item else next(iter(d.items.values()))
        return services.record_create(
            actor=d.officer, organisation=d.organisation, item=item, title=title, formed_on=formed_on,
            summary=summary, body=body, document_number=document_number,
        )

    return make


@pytest.fixture
def publish(desks, draft):
    """Draft a record and take it through 提交 → 保密审查 → 领导审批."""

    def make(title, *, desk="justice", **fields):
        record = draft(title, desk=desk, **fields)
        d = desks[desk]
        services.record_transition(actor=d.officer, record=record, action="submit")
        services.record_transition(actor=d.checker, record=record, action="confidentiality_approve")
        services.record_transition(actor=d.leader, record=record, action="leader_approve")
        record.refresh_from_db()
        return record

    return make


def titles(results) -> list[str]:
    return [hit.record.title for hit in results.hits]


def found(query, **filters) -> list[str]:
    return titles(search.search_records(query=query, **filters))


# --- segmentation (pure) ----------------------------------------------------------------------------


def test_queries_become_bigrams_and_whole_latin_words():
    assert query_tokens("低保") == ["低保"]
    assert query_tokens("城乡低保户") == ["城乡", "低保", "保户"]
    assert query_tokens("2026年 预算") == ["2026", "预算"]  # the lone 年 is dropped when other words are there
    assert query_tokens("ICP") == query_tokens("icp") == query_tokens("ＩＣＰ") == ["icp"]
    assert parse_query("税").prefixes == ("税",)
    assert parse_query("，。！？ ...").is_empty
    assert parse_query("   ").is_empty


def test_index_holds_every_bigram_and_latin_parts():
    tokens = index_tokens("城乡低保户 京ICP备12345678号 icp123").split()
    assert {"城乡", "乡低", "低保", "保户", "icp", "12345678", "icp123", "123"} <= set(tokens)


# --- finding ----------------------------------------------------------------------------------------


def test_two_character_words_are_found_inside_longer_words(publish):
    publish("城乡低保户认定办法", desk="county", item="最低生活保障")
    publish("关于调整城乡低保标准的通知", desk="county", item="最低生活保障")
    publish("政务公开工作要点", body="<p>推进决策、执行、管理、服务、结果公开。</p>")
    publish("法律援助申请须知", summary="本信息依申请公开。")
    publish("行政复议决定书", body="<p>与检索词无关。</p>")

    assert sorted(found("低保")) == ["关于调整城乡低保标准的通知", "城乡低保户认定办法"]
    assert found("低保户") == ["城乡低保户认定办法"]
    assert sorted(found("城乡低保")) == ["关于调整城乡低保标准的通知", "城乡低保户认定办法"]
    assert sorted(found("公开")) == ["政务公开工作要点", "法律援助申请须知"]


def test_mixed_chinese_latin_and_number_queries(publish):
    publish("关于公开2026年度部门预算的通知", item="部门预算")
    publish("2025年部门预算", item="部门预算", formed_on=date(2025, 3, 3))
    publish("网站备案信息", body="<p>本网站备案号：京ICP备12345678号。</p>")

    assert found("2026年 预算") == ["关于公开2026年度部门预算的通知"]
    assert found("2025 预算") == ["2025年部门预算"]
    for query in ("ICP", "icp", "Icp", "ＩＣＰ", "ICP备案"):
        assert found(query) == ["网站备案信息"], query


def test_every_word_must_match(publish):
    publish("法律援助经济困难标准", body="<p>低收入家庭可以申请。</p>")
    publish("法律援助工作站名单")
    assert found("法律援助 低收入") == ["法律援助经济困难标准"]
    assert found("法律援助 不存在的词") == []


def test_title_matches_rank_above_body_only_matches(publish):
    publish(
        "社会救助工作年度总结", desk="county", item="最低生活保障", formed_on=date(2026, 5, 6),
        body="<p>" + "全年发放低保金，低保对象动态管理，低保审核审批。" * 5 + "</p>",
    )
    publish("低保审核确认办法", desk="county", item="最低生活保障", formed_on=date(2025, 1, 6), body="<p>见附件。</p>")
    assert found("低保") == ["低保审核确认办法", "社会救助工作年度总结"]

    results = search.search_records(query="低保")
    assert results.hits[0].rank > results.hits[1].rank


def test_equal_matches_newest_first(publish):
    older = publish("法律援助申请须知", formed_on=date(2025, 6, 3))
    newer = publish("法律援助申请须知", formed_on=date(2026, 6, 3))
    hits = search.search_records(query="申请须知").hits
    assert [hit.record for hit in hits] == [newer, older]
    assert hits[0].rank == hits[1].rank


def test_filters_by_organisation_category_and_year(publish, desks):
    publish("2026年部门预算", item="部门预算")
    publish("2025年部门预算", item="部门预算", formed_on=date(2025, 3, 3))
    publish("甲县2026年县级预算", desk="county", item="县级预算")
    publish("甲县低保预算执行情况", desk="county", item="最低生活保障")
    justice, county = desks["justice"].organisation, desks["county"].organisation

    assert len(found("预算")) == 4
    assert sorted(found("预算", organisation=justice)) == ["2025年部门预算", "2026年部门预算"]
    assert found("预算", year=2025) == ["2025年部门预算"]
    assert found("预算", organisation=county, year=2025) == []
    social_aid = desks["county"].items["最低生活保障"].parent
    assert found("预算", category=social_aid) == ["甲县低保预算执行情况"]
    # By name, across organisations: both have a 财政预决算 category.
    assert sorted(found("预算", category_name="财政预决算")) == ["2025年部门预算", "2026年部门预算", "甲县2026年县级预算"]
    assert found("预算", category_name="财政预决算", organisation=county) == ["甲县2026年县级预算"]


def test_only_published_public_records_are_found(publish, draft, desks):
    d = desks["justice"]
    draft("低保草稿")
    in_review = draft("低保送审稿")
    services.record_transition(actor=d.officer, record=in_review, action="submit")
    publish("低保内部经费", item="机关财务")  # 对内公开: published, but not to the public
    shown = publish("低保政策解读")

    assert found("低保") == ["低保政策解读"]
    assert SearchEntry.objects.count() == 1

    services.record_transition(actor=d.leader, record=shown, action="withdraw", reason="内容有误，撤回修改")
    assert found("低保") == []
    assert not SearchEntry.objects.filter(record=shown).exists()


def test_indexing_again_replaces_the_old_words(publish):
    record = publish("法律援助申请须知")
    InformationRecord.objects.filter(pk=record.pk).update(title="人民调解申请须知")
    record.refresh_from_db()
    search.index_record(record)
    search.index_record(record)  # idempotent
    assert SearchEntry.objects.count() == 1
    assert found("法律援助") == []
    assert found("人民调解") == ["人民调解申请须知"]


def test_an_entry_left_behind_never_shows_an_unpublished_record(publish, draft):
    """Defence in depth: the query checks the record itself, not only the index."""
    record = draft("低保草稿")
    search.index_record(record)  # as if a bug had indexed a draft
    assert SearchEntry.objects.filter(record=record).exists()
    assert found("低保") == []


# --- highlighting -----------------------------------------------------------------------------------


def test_matches_are_marked_in_title_and_snippet(publish):
    publish("城乡低保户认定办法", desk="county", item="最低生活保障", summary="规范低保户认定。", body="<p>本办法适用于全县。</p>")
    hit = search.search_records(query="低保户").hits[0]
    assert hit.title_html == "城乡<mark>低保户</mark>认定办法"
    assert hit.snippet_html == "规范<mark>低保户</mark>认定。 本办法适用于全县。"


def test_markup_in_titles_and_bodies_comes_out_escaped(publish):
    publish(
        "<script>alert('低保')</script>低保通知", desk="county", item="最低生活保障",
        body="<p>&lt;img src=x onerror=alert(1)&gt; 低保 &amp; 救助</p><script>alert(2)</script>",
    )
    hit = search.search_records(query="低保").hits[0]
    assert "<script" not in hit.title_html
    assert hit.title_html == "&lt;script&gt;alert(&#x27;<mark>低保</mark>&#x27;)&lt;/script&gt;<mark>低保</mark>通知"
    assert "<img" not in hit.snippet_html and "alert(2)" not in hit.snippet_html
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>低保</mark> &amp;amp; 救助" not in hit.snippet_html
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>低保</mark> &amp; 救助" in hit.snippet_html


def test_highlighting_never_breaks_entities_or_case():
    needles = search._needles(parse_query("amp ICP"))
    assert search.highlight("A&B amp", needles) == "A&amp;B <mark>amp</mark>"
    assert search.highlight("京ＩＣＰ备 icp", needles) == "京<mark>ＩＣＰ</mark>备 <mark>icp</mark>"


def test_snippet_is_about_120_characters_around_the_first_match():
    text = "前" * 300 + "低保" + "后" * 300
    html = search.snippet(text, search._needles(parse_query("低保")))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>低保</mark>" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) == search.SNIPPET_LENGTH + 2


# --- bad input --------------------------------------------------------------------------------------


def test_empty_punctuation_and_odd_queries_find_nothing_without_error(publish):
    publish("低保政策解读", desk="county", item="最低生活保障")
    for query in ("", "   ", "，。！？、", "...", '"低保" OR *', "' OR 1=1 --", "低保)(", "NEAR(低保"):
        results = search.search_records(query=query)
        assert results.total == len(results.hits)
    assert search.search_records(query="").total == 0
    assert search.search_records(query="，。！？").total == 0
    assert found('"低保" *') == found("低保)(") == ["低保政策解读"]  # FTS syntax is only punctuation here


def test_long_queries_are_cut_not_refused(publish):
    publish("低保政策解读", desk="county", item="最低生活保障")
    results = search.search_records(query="低保 " * 200)
    assert results.query.truncated and len(results.query.text) <= QUERY_MAX_LENGTH
    assert titles(results) == ["低保政策解读"]


def test_pages(publish):
    for n in range(1, 13):
        publish(f"法律援助案例第{n}号", formed_on=date(2026, 1, n + 4))
    first = search.search_records(query="法律援助", per_page=5)
    assert (first.total, first.page, first.pages, len(first.hits)) == (12, 1, 3, 5)
    assert titles(first)[0] == "法律援助案例第12号"  # newest first among equals
    last = search.search_records(query="法律援助", per_page=5, page=3)
    assert len(last.hits) == 2
    seen = titles(first) + titles(search.search_records(query="法律援助", per_page=5, page=2)) + titles(last)
    assert len(set(seen)) == 12
    assert search.search_records(query="法律援助", per_page=5, page=99).page == 3
    assert search.search_records(query="法律援助", per_page=5, page="x").page == 1
    assert search.search_records(query="法律援助", per_page=5, page=-1).page == 1


def test_only_the_newest_matches_are_ranked_when_there_are_very_many(publish, monkeypatch):
    monkeypatch.setattr(search, "RESULT_LIMIT", 4)
    monkeypatch.setattr(search._PostgreSQL, "first_span", 1)  # walk back through many id ranges
    old_title_hit = publish("法律援助工作规定", formed_on=date(2026, 1, 5))
    newest = [publish(f"第{n}号公告", body="<p>提供法律援助。</p>", formed_on=date(2026, 2, n + 1)) for n in range(1, 6)]
    publish("人民调解工作规定")  # newer, but does not match
    results = search.search_records(query="法律援助", per_page=3)
    assert (results.total, results.total_exact, results.pages) == (4, False, 2)
    shown = results.hits + search.search_records(query="法律援助", per_page=3, page=2).hits
    assert [hit.record for hit in shown] == newest[:0:-1]  # the four newest matches, newest first
    assert old_title_hit not in [hit.record for hit in shown]

    assert search.search_records(query="法律援助 工作规定").total_exact
    monkeypatch.setattr(search, "RESULT_LIMIT", 6)
    everything = search.search_records(query="法律援助")
    assert everything.total_exact and everything.total == 6
    assert everything.hits[0].record == old_title_hit  # within the ranked set the title hit is first


@pytest.mark.parametrize("posting_vs_row", [0, 10**9], ids=["range-scan", "rarest-word"])
def test_both_postgresql_plans_find_the_same(publish, monkeypatch, posting_vs_row):
    """PostgreSQL picks one of two plans per id range; both must give the same answer (the
    settings are inert on SQLite, where the test runs all the same)."""
    monkeypatch.setattr(search._PostgreSQL, "posting_vs_row", posting_vs_row)
    monkeypatch.setattr(search._PostgreSQL, "first_span", 1)
    monkeypatch.setattr(search._PostgreSQL, "_stats", None)
    publish("义务教育阶段学校名单", formed_on=date(2026, 1, 5))
    publish("关于义务教育的通知", body="<p>学前教育和义务教育。</p>", formed_on=date(2026, 1, 6))
    publish("教育收费公示", body="<p>义务服务。</p>", formed_on=date(2026, 1, 7))  # 义务 and 教育, not 义务教育's 务教
    for n in range(3):
        publish(f"法律援助案例{n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert sorted(found("义务教育")) == ["义务教育阶段学校名单", "关于义务教育的通知"]
    assert sorted(found("义务 教育")) == ["义务教育阶段学校名单", "关于义务教育的通知", "教育收费公示"]
    assert found("学前教育 名单") == []


def test_the_page_says_when_there_are_more(client, publish, monkeypatch):
    monkeypatch.setattr(search, "RESULT_LIMIT", 2)
    for n in range(1, 4):
        publish(f"法律援助案例第{n}号")
    page = client.get("/search", {"q": "法律援助"}).content.decode()
    assert "找到超过 2 条" in page
    api = client.get("/api/v1/disclosure/search", {"q": "法律援助"}).json()
    assert (api["total"], api["total_exact"], len(api["results"])) == (2, False, 2)


def test_filters_with_nothing_to_match(publish, desks):
    publish("法律援助工作规定")
    assert found("法律援助", category_name="没有这个分类") == []
    assert found("法律援助", organisation=desks["county"].organisation) == []
    assert found("法律援助", year=1999) == []


# --- the page ---------------------------------------------------------------------------------------


def test_search_page(client, publish):
    record = publish("城乡低保户认定办法", desk="county", item="最低生活保障", summary="规范低保户认定。")
    response = client.get(reverse("disclosure:search"), {"q": "低保"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("disclosure:record", args=[record.pk])}"' in page
    assert "城乡<mark>低保</mark>户认定办法" in page
    assert "共找到 1 条" in page
    assert record.index_number in page and "甲县人民政府" in page and "2026年3月2日" in page
    assert reverse("disclosure:search") == "/search"


def test_search_page_escapes_markup(client, publish):
    publish("<script>alert(1)</script>低保", desk="county", item="最低生活保障")
    page = client.get("/search", {"q": "低保"}).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>低保</mark>" in page


def test_search_page_bad_input(client, publish):
    publish("低保政策解读", desk="county", item="最低生活保障")
    empty = client.get("/search", {"q": ""})
    assert empty.status_code == 200 and "请输入检索词" in empty.content.decode()
    assert "请输入检索词" in client.get("/search").content.decode()
    punctuation = client.get("/search", {"q": "，。！"})
    assert punctuation.status_code == 200 and "没有可以检索的文字" in punctuation.content.decode()
    long = client.get("/search", {"q": "低保" + "啊" * 498})
    assert long.status_code == 200 and "已按前 100 个字检索" in long.content.decode()
    unknown_org = client.get("/search", {"q": "低保", "org": "NOPE"})
    assert unknown_org.status_code == 200 and "未找到代码为“NOPE”的机构" in unknown_org.content.decode()
    bad_year = client.get("/search", {"q": "低保", "year": "明年"})
    assert bad_year.status_code == 200 and "请选择有效的年度" in bad_year.content.decode()
    assert client.get("/search", {"q": "低保", "page": "abc"}).status_code == 200
    assert client.get("/search", {"q": "低保", "page": "999"}).status_code == 200


def test_search_page_filters_and_pager_keep_the_query(client, publish, desks):
    for n in range(1, 23):
        publish(f"法律援助案例第{n}号", formed_on=date(2026, 1, 5) if n % 2 else date(2025, 1, 6))
    publish("甲县法律援助工作总结", desk="county", item="最低生活保障")
    response = client.get("/search", {"q": "法律援助", "org": "C-SFJ", "category": "司法行政", "year": "2026"})
    page = response.content.decode()
    assert "共找到 11 条" in page
    assert "甲县法律援助工作总结" not in page
    assert '<option value="C-SFJ" selected>' in page
    assert '<option value="司法行政" selected>' in page
    assert '<option value="2026" selected>' in page

    everything = client.get("/search", {"q": "法律援助", "org": "C-SFJ"}).content.decode()
    assert "共找到 22 条，当前第 1 / 2 页" in everything
    assert 'href="?q=%E6%B3%95%E5%BE%8B%E6%8F%B4%E5%8A%A9&amp;org=C-SFJ&amp;page=2" rel="next"' in everything
    second = client.get("/search", {"q": "法律援助", "org": "C-SFJ", "page": 2}).content.decode()
    assert "当前第 2 / 2 页" in second and 'rel="prev"' in second


# --- the API ----------------------------------------------------------------------------------------

API = "/api/v1/disclosure/search"


def test_api_search(client, publish, desks):
    record = publish("<b>城乡低保</b>户认定办法", desk="county", item="最低生活保障", summary="规范低保户认定。")
    publish("低保资金预算", item="部门预算")
    response = client.get(API, {"q": "低保", "org": "C-A"})
    assert response.status_code == 200
    assert response.json() == {
        "total": 1,
        "total_exact": True,
        "page": 1,
        "pages": 1,
        "results": [{
            "id": record.pk,
            "index_number": record.index_number,
            "title": "<b>城乡低保</b>户认定办法",
            "title_html": "&lt;b&gt;城乡<mark>低保</mark>&lt;/b&gt;户认定办法",
            "snippet_html": "规范<mark>低保</mark>户认定。",
            "organisation": "甲县人民政府",
            "formed_on": "2026-03-02",
            "url": reverse("disclosure:record", args=[record.pk]),
        }],
    }
    category = desks["justice"].items["部门预算"].parent
    assert client.get(API, {"q": "低保", "category": category.pk}).json()["total"] == 1
    assert client.get(API, {"q": "低保", "year": 2025}).json()["total"] == 0
    assert client.get(API, {"q": ""}).json() == {"total": 0, "total_exact": True, "page": 1, "pages": 0, "results": []}
    assert client.get(API, {"q": "低保", "page": 50}).json()["page"] == 1


def test_api_bad_input(client, publish, desks):
    publish("低保政策解读", desk="county", item="最低生活保障")
    unknown = client.get(API, {"q": "低保", "org": "NOPE"})
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == "发布机构（org）：未找到代码为“NOPE”的发布机构"
    other_org_category = desks["justice"].items["法律援助"].parent
    wrong = client.get(API, {"q": "低保", "org": "C-A", "category": other_org_category.pk})
    assert wrong.status_code == 400 and "category" in wrong.json()["detail"]
    for params, field in [({"q": "低保", "page": "abc"}, "page"), ({"q": "低保", "year": "明年"}, "year"), ({"q": "x", "page": 0}, "page")]:
        response = client.get(API, params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"] == field
        assert f"（{field}）" in response.json()["detail"]
    long = client.get(API, {"q": "低保" * 250})
    assert long.status_code == 200 and long.json()["total"] == 1


def test_api_is_in_the_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/disclosure/search" in schema["paths"]
