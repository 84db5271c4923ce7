"""The annual report through HTTP: the officer drafts and edits, the leader publishes, the public
reads and downloads every version; drafts stay private and an officer of another county is refused."""

import io
import json
import re
import zipfile
from datetime import date, datetime, timezone
from itertools import count

import docx
import pytest
from django.utils import timezone as dj_timezone

from yangguang.core.models import Role
from yangguang.foi.models import Application
from yangguang.reports import annual
from yangguang.reports.models import AnnualReport

from ..conftest import make_person

YEAR = dj_timezone.localdate().year - 1  # last year's report: the one due by 31 January
_serial = count(1)
TEXTS = {"s1_overview": "本年度总体情况良好。\n\n第二段。", "s5_problems": "存在的问题。", "s6_other": "本年度未收取信息处理费。"}
BINARY = {"pdf": b"%PDF-", "docx": b"PK", "xlsx": b"PK"}


def application(org, applicant_type="natural_person", received=f"{YEAR}-03-01", concluded=None, result=""):
    n = next(_serial)
    return Application.objects.create(
        organisation=org, number=f"V-{YEAR}-{n:04d}", tracking_code=f"VC{n:08d}", secret_hash="x", channel="post",
        applicant_type=applicant_type, applicant_name="某", id_type="other", description="某信息", form="paper",
        delivery="post", submitted_at=datetime(YEAR, 1, 1, tzinfo=timezone.utc),
        received_on=date.fromisoformat(received), concluded_on=date.fromisoformat(concluded) if concluded else None,
        result=result, status="closed" if result else "processing",
    )


@pytest.fixture
def office(world):
    org = world.justice
    application(org, "natural_person", f"{YEAR}-02-01", f"{YEAR}-02-20", "disclosed")
    application(org, "business", f"{YEAR}-12-30")  # carried into next year
    return org, make_person("officer", Role.DISCLOSURE_OFFICER, org), make_person("head", Role.LEADER, org)


@pytest.fixture
def county_officer(world):
    """A disclosure officer of another county: a real officer, but never of the city's justice bureau."""
    return make_person("county-officer", Role.DISCLOSURE_OFFICER, world.other_county)


def draft(client, org, year=YEAR, **extra):
    response = client.post("/staff/reports/annual/draft/", {"organisation": org.code, "scope": "own", "year": year, **extra})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert client.get(response["Location"]).status_code == 200  # and the message is shown
    return AnnualReport.objects.get(pk=int(re.search(r"/annual/(\d+)/$", response["Location"]).group(1)))


def publish(client, report):
    return client.post(f"/staff/reports/annual/{report.pk}/publish/")


def text(response) -> str:
    return response.content.decode()


def check_download(response, fmt):
    assert response.status_code == 200, fmt
    assert response["Content-Type"].split(";")[0] == {
        "json": "application/json", "html": "text/html", "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    assert "filename*=UTF-8''" in response["Content-Disposition"] and response["Content-Disposition"].endswith(f".{fmt}")
    content = response.content
    if fmt in BINARY:
        assert content.startswith(BINARY[fmt])
    if fmt in ("docx", "xlsx"):
        assert zipfile.is_zipfile(io.BytesIO(content))
    if fmt == "json":
        data = json.loads(content)
        assert list(data) == annual.report_keys()
        return data
    if fmt == "html":
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert "<table" in content.decode()
    return content


# --- the whole path --------------------------------------------------------------------------------


def test_the_officer_drafts_the_leader_publishes_and_the_public_reads_and_downloads(client, office):
    org, officer, head = office
    client.force_login(officer)
    listing = client.get(f"/staff/reports/annual/?year={YEAR}")
    assert listing.status_code == 200 and org.name in text(listing) and "生成草稿" in text(listing)

    report = draft(client, org)
    assert (report.status, report.version, report.year, report.scope) == ("draft", 1, YEAR, "own")
    page = client.get(f"/staff/reports/annual/{report.pk}/")
    html = text(page)
    assert page.status_code == 200 and "草稿" in html and "勾稽关系成立" in html
    assert 'id="s3_applications"' in html and "s1_overview" in html  # the tables and the texts form
    assert "重新统计" in html and "发布" in html
    assert draft(client, org).pk == report.pk  # drafting again opens the same draft
    assert "第1版" in text(client.get(f"/staff/reports/annual/?year={YEAR}"))

    saved = client.post(f"/staff/reports/annual/{report.pk}/texts/", TEXTS)
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.data["s1_overview"] == TEXTS["s1_overview"] and report.status == "draft"
    assert client.post(f"/staff/reports/annual/{report.pk}/refresh/").status_code == 302
    report.refresh_from_db()
    assert report.data["s5_problems"] == TEXTS["s5_problems"]  # a recount keeps the texts

    client.force_login(head)
    assert publish(client, report).status_code == 302
    report.refresh_from_db()
    assert report.status == "published" and report.published_by == head
    assert report.data["s3_applications"]["new"]["total"] == 2
    published_page = text(client.get(f"/staff/reports/annual/{report.pk}/"))
    assert "更正" in published_page and f"/xxgk/nb/{org.code}/{YEAR}/" in published_page
    for fmt in ("json", "html", "pdf", "docx", "xlsx"):
        check_download(client.get(f"/staff/reports/annual/{report.pk}.{fmt}"), fmt)

    client.logout()
    section = text(client.get("/xxgk/nb/"))
    assert f'href="/xxgk/nb/{org.code}/{YEAR}/"' in section and f"{YEAR}年政府信息公开工作年度报告" in section
    public = client.get(f"/xxgk/nb/{org.code}/{YEAR}/")
    html = text(public)
    assert public.status_code == 200 and report.title in html
    assert "<p>本年度总体情况良好。</p>" in html and "<p>第二段。</p>" in html  # paragraphs, as in the documents
    assert 'id="s3_applications"' in html and 'scope="col"' in html
    for fmt in ("html", "docx", "pdf", "xlsx", "json"):
        url = f"/xxgk/nb/{org.code}/{YEAR}/v1.{fmt}"
        assert f'href="{url}"' in html
        content = check_download(client.get(url), fmt)
        if fmt == "json":
            assert (content["status"], content["version"], content["s1_overview"]) == ("published", 1, TEXTS["s1_overview"])
        if fmt == "docx":
            body = "".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
            assert "本年度总体情况良好" in body and "草稿" not in body
    assert client.get(f"/xxgk/nb/{org.code}/{YEAR}/v1.exe").status_code == 404
    assert client.get(f"/xxgk/nb/{org.code}/{YEAR}/v2.pdf").status_code == 404


def test_a_draft_is_never_public(client, office):
    org, officer, _ = office
    client.force_login(officer)
    report = draft(client, org)
    client.logout()
    assert client.get(f"/xxgk/nb/{org.code}/{YEAR}/").status_code == 404
    for fmt in ("html", "pdf", "json"):
        assert client.get(f"/xxgk/nb/{org.code}/{YEAR}/v1.{fmt}").status_code == 404
    assert client.get(f"/staff/reports/annual/{report.pk}.json").status_code == 302  # to the login page
    section = text(client.get("/xxgk/nb/"))
    assert f"/xxgk/nb/{org.code}/" not in section and "尚未发布" in section


def test_outsiders_are_refused_everywhere(client, office, county_officer, outsider):
    org, officer, _ = office
    client.force_login(officer)
    report = draft(client, org)

    client.force_login(county_officer)
    listing = client.get("/staff/reports/annual/")
    assert listing.status_code == 200 and org.name not in text(listing)
    pk = report.pk
    assert client.get(f"/staff/reports/annual/{pk}/").status_code == 404
    for fmt in ("json", "pdf"):
        assert client.get(f"/staff/reports/annual/{pk}.{fmt}").status_code == 404
    for action in ("texts", "refresh", "publish", "correct"):
        assert client.post(f"/staff/reports/annual/{pk}/{action}/", {**TEXTS, "reason": "某"}).status_code == 404, action
    theirs = {"organisation": org.code, "scope": "own", "year": YEAR}
    assert client.post("/staff/reports/annual/draft/", theirs).status_code == 404
    report.refresh_from_db()
    assert report.status == "draft" and report.data["s1_overview"] != TEXTS["s1_overview"]
    assert AnnualReport.objects.count() == 1

    client.force_login(outsider)  # a window clerk: no report role at all
    assert client.get("/staff/reports/annual/").status_code == 403
    assert client.get(f"/staff/reports/annual/{pk}/").status_code == 403
    assert client.post(f"/staff/reports/annual/{pk}/publish/").status_code == 403
    assert "政府信息公开工作年度报告" not in text(client.get("/staff/"))
    client.force_login(officer)
    assert "/staff/reports/annual/" in text(client.get("/staff/"))


def test_a_refusal_to_publish_is_a_400_naming_the_application(client, office):
    org, officer, head = office
    broken = application(org, "business", f"{YEAR}-04-01")
    Application.objects.filter(pk=broken.pk).update(concluded_on=date(YEAR, 5, 1))  # concluded without a result
    client.force_login(officer)
    report = draft(client, org)
    client.post(f"/staff/reports/annual/{report.pk}/texts/", TEXTS)
    page = text(client.get(f"/staff/reports/annual/{report.pk}/"))
    assert broken.number in page and f'href="/staff/ysqgk/{broken.pk}/"' in page  # shown before anyone tries

    client.force_login(head)
    refused = publish(client, report)
    html = text(refused)
    assert refused.status_code == 400
    assert "未能发布" in html and "勾稽关系不成立" in html and broken.number in html
    assert f'href="/staff/ysqgk/{broken.pk}/"' in html
    report.refresh_from_db()
    assert report.status == "draft"
    assert client.get(f"/xxgk/nb/{org.code}/{YEAR}/").status_code == 404


def test_a_correction_is_version_2_and_both_versions_stay_public(client, office):
    org, officer, head = office
    client.force_login(officer)
    first = draft(client, org)
    client.post(f"/staff/reports/annual/{first.pk}/texts/", TEXTS)
    client.force_login(head)
    publish(client, first)

    application(org, "research", f"{YEAR}-06-01", f"{YEAR}-06-10", "disclosed")  # registered late
    client.force_login(officer)
    missing = client.post(f"/staff/reports/annual/{first.pk}/correct/", {"reason": "  "})
    assert missing.status_code == 400 and "更正理由：请填写更正理由" in text(missing)
    corrected = client.post(f"/staff/reports/annual/{first.pk}/correct/", {"reason": "补录一件漏登的申请"})
    assert corrected.status_code == 302
    second = AnnualReport.objects.get(organisation=org, year=YEAR, version=2)
    assert corrected["Location"] == f"/staff/reports/annual/{second.pk}/"
    assert (second.status, second.reason) == ("draft", "补录一件漏登的申请")
    again = client.post(f"/staff/reports/annual/{first.pk}/correct/", {"reason": "再改"})
    assert again.status_code == 400 and "第2版草稿尚未发布" in text(again)
    versions = text(client.get(f"/staff/reports/annual/{second.pk}/"))
    assert "第1版" in versions and "补录一件漏登的申请" in versions

    client.logout()
    public = text(client.get(f"/xxgk/nb/{org.code}/{YEAR}/"))
    assert "第1版" in public and "第2版" not in public  # the draft of v2 is not public yet
    client.force_login(head)
    assert publish(client, second).status_code == 302
    client.logout()

    public = client.get(f"/xxgk/nb/{org.code}/{YEAR}/")
    html = text(public)
    assert public.status_code == 200 and "第2版" in html and "第1版" in html and "补录一件漏登的申请" in html
    for version, total in ((1, 2), (2, 3)):
        url = f"/xxgk/nb/{org.code}/{YEAR}/v{version}.json"
        assert f'href="{url}"' in html
        data = json.loads(client.get(url).content)
        assert (data["version"], data["s3_applications"]["new"]["total"]) == (version, total)
    section = text(client.get("/xxgk/nb/"))
    assert section.count(f'href="/xxgk/nb/{org.code}/{YEAR}/"') == 1 and "第2版，已更正" in section


# --- input, summaries, odd requests ---------------------------------------------------------------


def test_bad_input_is_a_400_naming_the_field(client, office):
    org, officer, _ = office
    client.force_login(officer)
    assert client.get("/staff/reports/annual/?year=1999").status_code == 400
    assert "年度" in text(client.get("/staff/reports/annual/?year=abc"))
    bad_year = client.post("/staff/reports/annual/draft/", {"organisation": org.code, "scope": "own", "year": "abc"})
    assert bad_year.status_code == 400 and "年度：年度应为四位数字" in text(bad_year)
    future = client.post("/staff/reports/annual/draft/", {"organisation": org.code, "scope": "own", "year": YEAR + 5})
    assert future.status_code == 400 and "年度：年度不能晚于" in text(future)
    not_a_government = client.post("/staff/reports/annual/draft/", {"organisation": org.code, "scope": "summary", "year": YEAR})
    assert not_a_government.status_code == 400 and "只有人民政府可以编制汇总报告" in text(not_a_government)
    assert AnnualReport.objects.count() == 0

    report = draft(client, org)
    empty = client.post(f"/staff/reports/annual/{report.pk}/texts/", {**TEXTS, "s5_problems": "   "})
    assert empty.status_code == 400 and "五、存在的主要问题及改进情况：请填写本部分内容" in text(empty)
    long = client.post(f"/staff/reports/annual/{report.pk}/texts/", {**TEXTS, "s6_other": "字" * 20001})
    assert long.status_code == 400 and "六、其他需要报告的事项：不能超过 20000 字" in text(long)
    assert client.get(f"/staff/reports/annual/{report.pk}.exe").status_code == 404
    assert client.get(f"/staff/reports/annual/{report.pk}/publish/").status_code == 405
    assert client.get("/staff/reports/annual/99999999999/").status_code == 404
    assert client.get(f"/xxgk/nb/{org.code}/99999/").status_code == 404
    assert client.get(f"/xxgk/nb/{org.code}/{YEAR}/v99999999999.pdf").status_code == 404


def test_a_published_report_cannot_be_edited_through_a_stale_form(client, office):
    org, officer, head = office
    client.force_login(officer)
    report = draft(client, org)
    client.post(f"/staff/reports/annual/{report.pk}/texts/", TEXTS)
    client.force_login(head)
    publish(client, report)
    client.force_login(officer)
    stale = client.post(f"/staff/reports/annual/{report.pk}/texts/", {**TEXTS, "s1_overview": "改"})
    assert stale.status_code == 400 and "数字已冻结" in text(stale)
    assert client.post(f"/staff/reports/annual/{report.pk}/refresh/").status_code == 400
    client.force_login(head)
    twice = publish(client, report)
    assert twice.status_code == 400 and "已于" in text(twice)
    report.refresh_from_db()
    assert report.data["s1_overview"] == TEXTS["s1_overview"]


def test_a_government_drafts_a_summary_of_its_departments(client, world, office):
    org = office[0]
    mayor_office = make_person("city-officer", Role.DISCLOSURE_OFFICER, world.city)
    client.force_login(mayor_office)
    listing = text(client.get(f"/staff/reports/annual/?year={YEAR}"))
    assert "编制汇总报告" in listing and f'value="{org.code}"' in listing and world.village.name not in listing
    none = client.post("/staff/reports/annual/draft/", {"organisation": world.city.code, "scope": "summary", "year": YEAR})
    assert none.status_code == 400 and "汇总的机关：请至少选择一个要汇总的机关" in text(none)
    foreign = client.post("/staff/reports/annual/draft/", {"organisation": world.city.code, "scope": "summary", "year": YEAR,
                                                           "members": [world.town.code]})
    assert foreign.status_code == 400 and "汇总的机关" in text(foreign)
    report = draft(client, world.city, scope="summary", members=[org.code, world.county.code])
    assert (report.scope, report.members) == ("summary", [org.code, world.county.code])
    assert report.data["s3_applications"]["new"]["total"] == 2
    page = text(client.get(f"/staff/reports/annual/{report.pk}/"))
    assert "（汇总）" in page and org.name in page and world.county.name in page
    data = check_download(client.get(f"/staff/reports/annual/{report.pk}.json"), "json")
    assert data["org"] == world.city.code
    response = client.get(f"/staff/reports/annual/{report.pk}.pdf")
    assert "%E6%B1%87%E6%80%BB" in response["Content-Disposition"]  # 汇总 in the file name

    client.post(f"/staff/reports/annual/{report.pk}/texts/", TEXTS)
    assert publish(client, report).status_code == 403  # officers draft; the head publishes
    client.force_login(make_person("city-head", Role.LEADER, world.city))
    assert publish(client, report).status_code == 302
    client.logout()
    section = text(client.get("/xxgk/nb/"))
    assert f'href="/xxgk/nb/{world.city.code}/{YEAR}/hz/"' in section
    public = client.get(f"/xxgk/nb/{world.city.code}/{YEAR}/hz/")
    assert public.status_code == 200 and "（汇总）" in text(public)
    check_download(client.get(f"/xxgk/nb/{world.city.code}/{YEAR}/hz/v1.pdf"), "pdf")
    assert client.get(f"/xxgk/nb/{world.city.code}/{YEAR}/").status_code == 404  # the city's own report: none
