"""The online application and progress page, and the window's workspace, through HTTP."""

import io
import re

from pypdf import PdfReader

from yangguang.services import rules, services
from yangguang.services.models import Case

from .test_cases import all_materials, applicant


def apply_data(item, **overrides) -> dict:
    data = applicant(**overrides)
    data["materials"] = [str(pk) for pk in all_materials(item)]
    return data


def test_an_applicant_applies_online_and_follows_the_case(client, hall):
    page = client.get(f"/zwfw/bszn/{hall.licence.code}/apply/")
    assert page.status_code == 200 and "申请表" in page.content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]+)"', page.content.decode()).group(1)
    response = client.post(f"/zwfw/bszn/{hall.licence.code}/apply/", {**apply_data(hall.licence), "submission_key": key})
    html = response.content.decode()
    assert response.status_code == 200, html
    case = Case.objects.get()
    secret = re.search(r'id="tracking-secret">(\w+)<', html).group(1)
    again = client.post(f"/zwfw/bszn/{hall.licence.code}/apply/", {**apply_data(hall.licence), "submission_key": key})
    assert Case.objects.count() == 1 and secret in again.content.decode()  # the double click

    progress = client.post("/zwfw/bj/progress/", {"tracking_code": case.tracking_code, "secret": secret})
    assert progress.status_code == 200 and "已提交" in progress.content.decode()
    assert "13800001111" not in progress.content.decode()

    services.case_accept(actor=hall.clerk, case=case, window=hall.window_police)
    progress = client.post("/zwfw/bj/progress/", {"tracking_code": case.tracking_code, "secret": secret})
    assert "已受理" in progress.content.decode() and "受理通知书" in progress.content.decode()
    notice = client.post("/zwfw/bj/progress/notice/acceptance.pdf", {"tracking_code": case.tracking_code, "secret": secret})
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(notice.content)).pages)
    assert "受理通知书" in text.replace(" ", "") and case.number in text


def test_a_wrong_secret_reveals_nothing(client, hall):
    case = services.case_submit_online(item=hall.licence, data=applicant()).case
    response = client.post("/zwfw/bj/progress/", {"tracking_code": case.tracking_code, "secret": "WRONG234"})
    assert response.status_code == 400 and "查询码或查询密码不正确" in response.content.decode()
    unknown = client.post("/zwfw/bj/progress/", {"tracking_code": "NOSUCHCODE", "secret": "WRONG234"})
    assert unknown.status_code == 400 and unknown.content.decode().count("不正确") == 1
    assert client.post("/zwfw/bj/progress/notice/acceptance.pdf", {"tracking_code": case.tracking_code, "secret": "X"}).status_code == 404


def test_the_qr_code_opens_progress_with_the_code_filled_in(client, hall):
    case = services.case_submit_online(item=hall.licence, data=applicant()).case
    page = client.get(f"/zwfw/bj/progress/?code={case.tracking_code}").content.decode()
    assert f'value="{case.tracking_code}"' in page


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_stored(client, hall):
    response = client.post(f"/zwfw/bszn/{hall.licence.code}/apply/", apply_data(hall.licence, id_number="12345"))
    assert response.status_code == 400 and "居民身份证号码应为 18 位" in response.content.decode()
    assert not Case.objects.exists()


def test_an_item_without_online_service_has_no_form(client, hall):
    assert client.get(f"/zwfw/bszn/{hall.simple.code}/apply/").status_code == 404
    assert client.get("/zwfw/bszn/NOSUCH/apply/").status_code == 404


def test_the_applicant_withdraws_on_the_progress_page(client, hall):
    submitted = services.case_submit_online(item=hall.licence, data=applicant())
    case = submitted.case
    response = client.post("/zwfw/bj/withdraw/", {"tracking_code": case.tracking_code, "secret": submitted.secret, "reason": "不办了"})
    assert response.status_code == 200 and "申请已撤回" in response.content.decode()
    assert Case.objects.get().status == rules.WITHDRAWN


def test_the_clerk_registers_and_accepts_at_the_window(client, hall):
    client.force_login(hall.clerk)
    assert "机动车驾驶培训许可" in client.get("/staff/bj/register/").content.decode()
    response = client.post(f"/staff/bj/register/?item={hall.licence.code}", apply_data(hall.licence))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/bj/{case.pk}/"
    page = client.get(f"/staff/bj/{case.pk}/").content.decode()
    assert "受理" in page and "不予受理" in page
    rows = [str(x) for x in case.materials.values_list("pk", flat=True)]
    refused = client.post(f"/staff/bj/{case.pk}/", {"action": "accept", "window": hall.window_civil.pk, "materials": rows})
    assert refused.status_code == 400 and "未获测试市公安局授权" in refused.content.decode()
    accepted = client.post(f"/staff/bj/{case.pk}/", {"action": "accept", "window": hall.window_police.pk, "materials": rows})
    assert accepted.status_code == 302 and Case.objects.get().status == rules.ACCEPTED
    queue = client.get("/staff/bj/").content.decode()
    assert case.number in queue and "正常" in queue
    pdf = client.get(f"/staff/bj/{case.pk}/notice/acceptance.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/staff/bj/{case.pk}/notice/completion.pdf").status_code == 404


def test_the_village_point_registers_and_forwards(client, hall):
    client.force_login(hall.agency_village)
    response = client.post(f"/staff/bj/register/?item={hall.licence.code}",
                           {**apply_data(hall.licence), "point": hall.world.village.pk})
    case = Case.objects.get()
    assert response.status_code == 302 and case.location == hall.world.village
    page = client.get(f"/staff/bj/{case.pk}/").content.decode()
    assert "转报上级" in page and 'value="accept"' not in page
    client.post(f"/staff/bj/{case.pk}/", {"action": "forward", "note": "已核对"})
    assert Case.objects.get().location == hall.world.town


def test_outsiders_and_citizens_never_see_the_workspace(client, hall):
    case = services.case_register(actor=hall.clerk, item=hall.licence, data=applicant()).case
    assert client.get("/staff/bj/").status_code == 302  # to the login page
    client.force_login(hall.outsider)
    assert client.get(f"/staff/bj/{case.pk}/").status_code == 404
    assert case.number not in client.get("/staff/bj/").content.decode()
    assert client.post(f"/staff/bj/{case.pk}/", {"action": "accept", "window": hall.window_police.pk}).status_code == 404
