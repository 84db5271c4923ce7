"""Personal data is encrypted at rest, found by keyed hash, masked on every page, and every
look at the clear value is logged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from yangguang.core import masking
from yangguang.core.models import AuditEvent, Role, User
from yangguang.core.personal import blind_index
from yangguang.core.services import personal_data_reveal

from ..conftest import make_person

ID = "330102199001011234"
PHONE = "13812345678"


@pytest.fixture
def citizen_like(world):
    return make_person("zhangsan", Role.WINDOW_CLERK, world.centre, phone="138-1234-5678", id_number=ID.lower())


def raw_row(user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number, phone_hash FROM core_user WHERE id = %s", [user.pk])
        return cursor.fetchone()


def test_stored_values_are_ciphertext(citizen_like):
    phone, id_number, phone_hash = raw_row(citizen_like)
    for stored, clear in ((phone, PHONE), (id_number, ID)):
        assert clear not in stored and clear[-4:] not in stored
        assert len(stored) > 40
    assert phone_hash == blind_index("phone", PHONE)


def test_same_value_encrypts_differently_each_time(world, citizen_like):
    other = make_person("lisi", Role.WINDOW_CLERK, world.centre, phone=PHONE)
    assert raw_row(other)[0] != raw_row(citizen_like)[0]


def test_values_come_back_normalised_and_masked(citizen_like):
    user = User.objects.get(pk=citizen_like.pk)
    assert user.phone.reveal() == PHONE
    assert user.id_number.reveal() == ID
    assert str(user.phone) == "138****5678"
    assert str(user.id_number) == "3301**********1234"
    assert "13812345678" not in repr(user.phone)


def test_found_through_the_keyed_hash(citizen_like):
    assert User.objects.get(phone_hash=blind_index("phone", "+86 138 1234 5678")) == citizen_like
    assert User.objects.get(id_number_hash=blind_index("id_number", ID)) == citizen_like
    assert not User.objects.filter(phone_hash=blind_index("phone", "13800000000")).exists()


def test_tampered_ciphertext_is_refused(citizen_like):
    from yangguang.core.gmcrypto import DecryptionError

    phone = raw_row(citizen_like)[0]
    forged = phone[:-6] + ("AAAA==" if not phone.endswith("AAAA==") else "BBBB==")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_user SET phone = %s WHERE id = %s", [forged, citizen_like.pk])
    with pytest.raises((DecryptionError, ValueError)):
        User.objects.get(pk=citizen_like.pk)


@pytest.mark.parametrize(
    "value, masked",
    [
        (("id_number", "330102199001011234"), "3301**********1234"),
        (("id_number", "33010219900101123X"), "3301**********123X"),
        (("phone", "13812345678"), "138****5678"),
        (("phone", "057187654321"), "********4321"),
        (("address", "浙江省杭州市西湖区文三路100号"), "浙江省杭州市******"),
        (("name", "张三丰"), "张**"),
        (("phone", ""), ""),
    ],
)
def test_masks(value, masked):
    kind, clear = value
    assert masking.MASKERS[kind](clear) == masked


def test_pages_show_only_masked_values(client, world, citizen_like, system_admin):
    pages = []
    client.force_login(citizen_like)
    pages.append(client.get("/staff/"))
    client.force_login(system_admin)
    pages += [
        client.get("/staff/users/"),
        client.get(f"/staff/users/{citizen_like.pk}/"),
        client.get("/admin/core/user/"),
        client.get(f"/admin/core/user/{citizen_like.pk}/change/"),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert PHONE not in html and ID not in html and "1234-5678" not in html
    assert "138****5678" in pages[0].content.decode()
    assert "3301**********1234" in pages[2].content.decode()


def test_admin_edit_without_retyping_keeps_the_stored_value(client, citizen_like, system_admin):
    client.force_login(system_admin)
    response = client.post(
        f"/admin/core/user/{citizen_like.pk}/change/",
        {"username": "zhangsan", "full_name": "张三", "organisation": citizen_like.organisation_id, "phone": "", "id_number": "", "is_active": "on"},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=citizen_like.pk)
    assert user.full_name == "张三" and user.phone.reveal() == PHONE and user.id_number.reveal() == ID


def test_reveal_is_logged_with_who_and_why(client, citizen_like, system_admin):
    client.force_login(system_admin)
    response = client.post(f"/staff/users/{citizen_like.pk}/", {"field": "phone", "reason": "核对联系方式"})
    assert PHONE in response.content.decode()
    event = AuditEvent.objects.filter(action="personal_data.reveal").latest("seq")
    assert (event.actor_id, event.object_id, event.reason, event.after, event.success) == (
        system_admin.pk, str(citizen_like.pk), "核对联系方式", {"field": "phone"}, True)


def test_reveal_needs_a_reason(client, citizen_like, system_admin):
    client.force_login(system_admin)
    response = client.post(f"/staff/users/{citizen_like.pk}/", {"field": "phone", "reason": ""})
    assert response.status_code == 200
    assert "请填写查看原因" in response.content.decode()
    assert PHONE not in response.content.decode()
    with pytest.raises(ValidationError):
        personal_data_reveal(actor=system_admin, user=citizen_like, field="phone", reason="  ")


def test_reveal_refused_and_logged_for_others(citizen_like, clerk, audit_admin):
    for person in (clerk, audit_admin):
        with pytest.raises(PermissionDenied):
            personal_data_reveal(actor=person, user=citizen_like, field="id_number", reason="好奇")
    refused = AuditEvent.objects.filter(action="personal_data.reveal", success=False)
    assert refused.count() == 2


def test_outsider_cannot_reach_user_pages(client, citizen_like, outsider):
    client.force_login(outsider)
    assert client.get("/staff/users/").status_code == 403
    assert client.post(f"/staff/users/{citizen_like.pk}/", {"field": "phone", "reason": "x"}).status_code == 403
