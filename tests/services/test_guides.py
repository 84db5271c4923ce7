"""The public guide pages (办事指南): the list and its search, one item's guide with everything it
must show, and the printable PDF with real Chinese glyphs. Only items in use are public."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from pypdf import PdfReader

from yangguang.core.models import WindowAuthorisation
from yangguang.services import guides
from yangguang.services.models import Material, ServiceItem

from .conftest import make_item


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def listed_codes(html: str) -> list[str]:
    return re.findall(r'href="/zwfw/bszn/([^/"]+)/"', html)


def test_the_list_shows_every_public_item(hall, client):
    html = page(client, "/zwfw/bszn/")
    assert sorted(listed_codes(html)) == ["GA-001", "GA-002", "KJ-001", "MZ-001"]
    assert "共 4 项" in html and "即办件" in html and "承诺 5 个工作日办结" in html


def test_the_services_page_links_to_the_guides(hall, client):
    assert 'href="/zwfw/bszn/"' in page(client, "/zwfw/")


def test_search_finds_a_two_character_word_inside_a_longer_name(hall, client):
    make_item("MZ-002", "城乡居民最低生活保障（低保）申请", hall.civil, kind="benefit", legal_limit=30, committed_limit=15)
    make_item("MZ-003", "临时救助申请", hall.civil, kind="benefit", legal_limit=None, committed_limit=5)
    assert listed_codes(page(client, "/zwfw/bszn/?q=低保")) == ["MZ-002"]
    assert listed_codes(page(client, "/zwfw/bszn/?q=档案")) == ["MZ-001"]
    assert sorted(listed_codes(page(client, "/zwfw/bszn/?q=救助 申请"))) == ["MZ-003"]


def test_search_by_code_and_department_name(hall, client):
    assert listed_codes(page(client, "/zwfw/bszn/?q=ga-002")) == ["GA-002"]
    assert sorted(listed_codes(page(client, "/zwfw/bszn/?q=公安局"))) == ["GA-001", "GA-002"]
    html = page(client, "/zwfw/bszn/?q=不存在的事项")
    assert listed_codes(html) == [] and "没有找到符合条件的事项" in html


def test_filter_by_department_and_kind(hall, client):
    assert sorted(listed_codes(page(client, "/zwfw/bszn/?department=C-GAJ"))) == ["GA-001", "GA-002"]
    assert sorted(listed_codes(page(client, "/zwfw/bszn/?kind=public_service"))) == ["GA-002", "MZ-001"]
    assert listed_codes(page(client, "/zwfw/bszn/?department=C-GAJ&kind=licence")) == ["GA-001"]
    html = page(client, "/zwfw/bszn/?department=C-NOPE&kind=bogus")
    assert "没有编码为“C-NOPE”的实施部门" in html and "请从列表中选择事项类型" in html and listed_codes(html) == []


def test_the_list_is_paged(hall, client):
    for n in range(25):
        make_item(f"ZZ-{n:03d}", f"批量事项{n}", hall.civil, kind="public_service", committed_limit=1, sort_order=100 + n)
    first = page(client, "/zwfw/bszn/")
    assert len(listed_codes(first)) == 20 and "第 1 / 2 页" in first and 'rel="next"' in first
    second = page(client, "/zwfw/bszn/?page=2")
    assert len(listed_codes(second)) == 9 and 'rel="prev"' in second
    assert listed_codes(page(client, "/zwfw/bszn/?page=abc")) == listed_codes(first)


def test_inactive_and_out_of_period_items_are_not_public(hall, client):
    today = timezone.localdate()
    ServiceItem.objects.filter(code="GA-001").update(is_active=False)
    ServiceItem.objects.filter(code="GA-002").update(active_from=today + timedelta(days=1))
    ServiceItem.objects.filter(code="MZ-001").update(active_until=today)
    ServiceItem.objects.filter(code="KJ-001").update(active_from=today, active_until=today + timedelta(days=1))
    assert listed_codes(page(client, "/zwfw/bszn/")) == ["KJ-001"]
    for code in ("GA-001", "GA-002", "MZ-001"):
        html = page(client, f"/zwfw/bszn/{code}/", status=404)
        assert "页面不存在" in html  # the portal's own 404 page
        page(client, f"/zwfw/bszn/{code}.pdf", status=404)
    page(client, "/zwfw/bszn/NO-SUCH/", status=404)


def test_the_detail_shows_every_field_of_the_guide(hall, client):
    item = hall.licence
    item.conditions = "具有独立法人资格；\n有符合规定的教练场地。"
    item.legal_basis = "《中华人民共和国道路运输条例》第三十八条"
    item.place, item.hours = "市民中心一楼", "工作日 9:00-17:00"
    item.consult_phone, item.supervise_phone = "0571-11111111", "0571-12345"
    item.charges, item.fee_standard, item.fee_basis = False, "", ""
    item.step_limits = {"review": 3}
    item.save()
    Material.objects.filter(item=item, name="身份证明").update(form="copy", copies=2, note="核验原件")
    html = page(client, "/zwfw/bszn/GA-001/")
    for text in [
        "机动车驾驶培训许可", "GA-001", "行政许可", "测试市公安局", "测试市政务服务中心 01号 公安窗口",
        "20 个工作日", "5 个工作日", "不收费", "具有独立法人资格；<br>有符合规定的教练场地。",
        "《中华人民共和国道路运输条例》第三十八条", "市民中心一楼", "工作日 9:00-17:00", "0571-11111111", "0571-12345",
        "可以网上申报", "便民服务点代办", "审查（3 个工作日）", "核准（决定）", "办结",
    ]:
        assert text in html, text
    assert "综合窗口" not in html  # authorised by the civil affairs bureau, not the police
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td><td>(\d+)</td><td>([^<]+)</td><td>([^<]*)</td></tr>", html)
    assert rows == [
        ("1", "申请表", "原件", "1", "必需", ""),
        ("2", "身份证明", "复印件", "2", "必需", "核验原件"),
        ("3", "其他说明材料", "原件", "1", "视情况提供", ""),
    ]
    assert 'href="/zwfw/bszn/GA-001/apply/"' in html and "在线申请" in html
    assert 'href="/zwfw/bszn/GA-001.pdf"' in html


def test_immediate_item_charges_and_window_only(hall, client):
    ServiceItem.objects.filter(code="MZ-001").update(charges=True, fee_standard="每份 10 元", fee_basis="省物价局文件")
    instant = page(client, "/zwfw/bszn/GA-002/")
    assert "即办件（当场办结）" in instant and "法律法规未规定" in instant
    simple = page(client, "/zwfw/bszn/MZ-001/")
    assert "每份 10 元" in simple and "省物价局文件" in simple and "不收费" not in simple
    assert "/apply/" not in simple and "不可网上申报" in simple and "不可代办" in simple
    assert "测试市政务服务中心 02号 综合窗口" in simple


def test_windows_come_from_unrevoked_authorisations(hall):
    from yangguang.services.routing import authorised_windows

    today = date(2026, 3, 2)
    assert [w.number for w in authorised_windows(hall.licence, today)] == ["01"]
    assert authorised_windows(hall.orphan, today) == []
    WindowAuthorisation.objects.filter(window=hall.window_police).update(revoked_on=date(2026, 3, 3))
    assert [w.number for w in authorised_windows(hall.licence, today)] == ["01"]  # revoked tomorrow
    WindowAuthorisation.objects.filter(window=hall.window_police).update(revoked_on=today)
    assert authorised_windows(hall.licence, today) == []


def test_orphan_item_tells_people_to_ask_the_department(hall, client):
    assert "请向实施部门咨询" in page(client, "/zwfw/bszn/KJ-001/")


def pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_the_printable_guide_is_a_pdf_with_chinese_text(hall, client):
    hall.licence.conditions = "具有独立法人资格"
    hall.licence.save()
    response = client.get("/zwfw/bszn/GA-001.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=UTF-8''GA-001-")
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in [
        "机动车驾驶培训许可办事指南", "事项编码：GA-001", "一、事项类型：行政许可", "测试市公安局",
        "法定时限：20个工作日", "承诺时限：5个工作日", "具有独立法人资格", "（1）申请表：原件，1份，必须提供",
        "（3）其他说明材料：原件，1份，视情况提供", "不收费", "可以网上申报", "扫码查看最新指南、在线申请",
    ]:
        assert expected in text, expected
    assert client.get("/zwfw/bszn/GA-001.pdf").content == response.content  # served again from the cache


def test_the_guide_document_numbers_only_the_sections_it_has(hall):
    document = guides.guide_document(guides.guide_for(hall.instant))
    labels = [p.split("、", 1)[1].split("：")[0] for p in document.paragraphs if re.match(r"^[一二三四五六七八九十]+、", p)]
    assert labels == ["事项类型", "实施部门", "受理窗口", "法定时限", "承诺时限", "办理流程", "申请材料", "收费标准", "办理方式"]
    assert document.paragraphs[-1].startswith("九、办理方式")
    assert [guides._numeral(n) for n in (1, 9, 10, 11, 16, 20, 23)] == ["一", "九", "十", "十一", "十六", "二十", "二十三"]


def test_a_revoked_authorisation_is_not_rescued_by_another_department_of_the_same_window(hall):
    from yangguang.core.models import WindowAuthorisation
    from yangguang.services.routing import authorised_windows

    WindowAuthorisation.objects.create(window=hall.window_police, department=hall.civil, authorised_on=date(2025, 1, 2))
    WindowAuthorisation.objects.filter(window=hall.window_police, department=hall.police).update(revoked_on=date(2026, 1, 1))
    assert authorised_windows(hall.licence, date(2026, 3, 2)) == []
