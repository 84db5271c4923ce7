"""The demo city's disclosure data, loaded once for the module (it takes a few seconds)."""

import pytest

from yangguang.disclosure.models import CatalogueNode, Guide, InformationRecord


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    from yangguang.core import demo
    from yangguang.core.calendar import calendar_seed_from_package

    from django.test import override_settings

    from tests.conftest import FAST_HASHERS

    # A short year of service cases: the full 90,470 belong to `make run`, not to every test run.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, SERVICES_DEMO_CASES=2000):
        calendar_seed_from_package()
        demo.load()
        demo.load_apps(history=True)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_justice_bureau_catalogue_has_13_categories_and_65_items(demo_city):
    nodes = CatalogueNode.objects.filter(organisation__code="SLS-SFJ")
    assert nodes.filter(kind="category").count() == 13
    assert nodes.filter(kind="item").count() == 65
    assert nodes.filter(kind="item", scope="internal").count() > 0


@pytest.mark.django_db
def test_demo_is_on_the_portal(client, demo_city):
    catalogue = client.get("/xxgk/org/SLS-SFJ/").content.decode()
    for category in ("监狱工作管理", "律师工作管理", "公证工作管理", "基层司法工作管理", "法律援助工作", "司法行政法制工作",
                     "司法鉴定", "组织人事", "财务收支", "物资采购", "基建工程", "行政管理", "审计"):
        assert category in catalogue
    assert "法律援助案件办理情况（1月）" in catalogue
    assert "公车使用情况" not in catalogue  # 对内
    assert Guide.objects.get(organisation__code="SLS-SFJ").missing_fields() == []
    assert client.get("/xxgk/org/SLS-SFJ/zn/").status_code == 200


@pytest.mark.django_db
def test_demo_has_work_waiting_and_loads_once(demo_city):
    from yangguang.core import demo

    assert InformationRecord.objects.filter(state="draft").exists()
    assert InformationRecord.objects.filter(state="published", organisation__code="SLS-MZJ").count() == 5
    assert demo.load_apps(history=True) == {"主动公开目录与指南": 0, "主动公开信息": 0, "依申请公开": 0, "政府信息公开工作年度报告": 0,
                                                 "政务服务事项": 0, "办件": 0, "局长接待日": 0, "局长接待日来访登记": 0,
                                                 "电子监察预警与记牌": 0, "投诉举报和意见建议": 0, "好差评": 0,
                                                 "特邀监督员和监督检查": 0, "窗口和人员月度考核": 0}


@pytest.mark.django_db
def test_demo_audit_chain_is_intact(demo_city):
    from yangguang.core import audit

    assert audit.verify().ok
