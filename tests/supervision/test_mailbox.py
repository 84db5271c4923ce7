"""The complaint mailbox (意见箱): each opening recorded — when, by whom, before which witness, how
many letters — and no more letters registered against an opening than were counted."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yangguang.supervision import complaints as services
from yangguang.supervision.models import Complaint, MailboxOpening

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI)


def letter(n: int) -> dict:
    return {"kind": "opinion", "subject": f"来信{n}", "content": f"建议增加周六办理时段（第{n}封）", "anonymous": True,
            "name": "", "phone": ""}


def open_box(bureau, letters=2, **overrides):
    fields = {"actor": bureau.officer, "organisation": bureau.organisation, "mailbox": "司法局二楼意见箱",
              "opened_at": OPENED, "letters": letters, "witness": bureau.director}
    fields.update(overrides)
    return services.mailbox_open(**fields)


def register_letter(bureau, opening, n=1, **overrides):
    fields = {"actor": bureau.officer, "organisation": bureau.organisation, "channel": "mailbox", "data": letter(n),
              "received_on": date(2026, 11, 20), "mailbox_opening": opening}
    fields.update(overrides)
    return services.complaint_register(**fields).complaint


def test_an_opening_is_recorded_with_opener_witness_and_count(bureau):
    opening = open_box(bureau, letters=3)
    stored = MailboxOpening.objects.get(pk=opening.pk)
    assert (stored.opened_by, stored.witness, stored.letters, stored.mailbox) == (bureau.officer, bureau.director, 3, "司法局二楼意见箱")


def test_no_more_letters_registered_than_counted(bureau):
    opening = open_box(bureau, letters=2)
    first, second = register_letter(bureau, opening, 1), register_letter(bureau, opening, 2)
    assert {first.mailbox_opening_id, second.mailbox_opening_id} == {opening.pk}
    with pytest.raises(ValidationError) as caught:
        register_letter(bureau, opening, 3)
    assert "清点信件 2 封，已全部登记" in caught.value.message_dict["mailbox_opening"][0]
    assert Complaint.objects.filter(mailbox_opening=opening).count() == 2
    # the refused letter took no number: the next complaint gets the third
    assert services.complaint_register(actor=bureau.officer, organisation=bureau.organisation, channel="hotline",
                                       data=letter(9), received_on=date(2026, 11, 20)).complaint.number.endswith("-00003")


def test_a_mailbox_letter_must_name_its_opening_and_not_predate_it(bureau):
    opening = open_box(bureau)
    with pytest.raises(ValidationError) as caught:
        register_letter(bureau, None)
    assert "请选择开箱记录" in caught.value.message_dict["mailbox_opening"][0]
    with pytest.raises(ValidationError) as caught:
        register_letter(bureau, opening, received_on=date(2026, 11, 19))
    assert "不能早于开箱日期" in caught.value.message_dict["received_on"][0]
    with pytest.raises(ValidationError) as caught:
        register_letter(bureau, opening, channel="hotline")
    assert "只有意见箱来信" in caught.value.message_dict["mailbox_opening"][0]


@pytest.mark.parametrize("overrides, field, message", [
    ({"letters": -1}, "letters", "信件数应为 0 到"),
    ({"letters": "许多"}, "letters", "信件数应为 0 到"),
    ({"mailbox": ""}, "mailbox", "请填写意见箱"),
    ({"opened_at": datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)}, "opened_at", "开箱时间不能晚于现在"),
    ({"witness": "officer"}, "witness", "见证人不能是开箱人本人"),
])
def test_bad_openings_are_refused_naming_the_field(bureau, overrides, field, message):
    if overrides.get("witness") == "officer":
        overrides = {"witness": bureau.officer}
    with pytest.raises(ValidationError) as caught:
        open_box(bureau, **overrides, now=datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    assert message in caught.value.message_dict[field][0]
    assert MailboxOpening.objects.count() == 0


def test_an_outsider_cannot_open_a_box_or_see_the_openings(bureau, client):
    with pytest.raises(PermissionDenied):
        open_box(bureau, actor=bureau.outsider, witness=None)
    open_box(bureau)
    client.force_login(bureau.outsider)
    response = client.get(reverse("supervision-complaints:staff-mailbox"))
    assert response.status_code == 200  # a leader elsewhere has a (empty) page of their own
    assert "司法局二楼意见箱" not in response.content.decode()
    client.force_login(bureau.clerk)
    assert client.get(reverse("supervision-complaints:staff-mailbox")).status_code == 403


def test_the_mailbox_page_records_an_opening_and_refuses_bad_input(bureau, client):
    client.force_login(bureau.officer)
    url = reverse("supervision-complaints:staff-mailbox")
    bad = client.post(url, {"organisation": bureau.organisation.pk, "mailbox": "大厅意见箱", "opened_at": "2026-11-20T09:30",
                            "letters": "-3"})
    assert bad.status_code == 400 and "信件数：信件数应为 0 到 500 之间的整数" in bad.content.decode()
    assert MailboxOpening.objects.count() == 0
    ok = client.post(url, {"organisation": bureau.organisation.pk, "mailbox": "大厅意见箱", "opened_at": "2026-11-20T09:30",
                           "letters": "2", "witness": bureau.director.pk})
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "大厅意见箱" in page and "登记来信" in page
