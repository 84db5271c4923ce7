"""好差评: a completed case or an answered application is rated once per channel, only by its
applicant (web: tracking code + secret; SMS: a signed link; window device: the clerk's session at
that window). The fixtures here are shared with test_rectification and test_evaluation_views.
Today is fixed at 2026-11-26."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core import tracking
from yangguang.core.models import Organisation, Role, Window
from yangguang.foi import rules as foi_rules
from yangguang.foi.models import Application
from yangguang.foi.services import SECRET_PURPOSE as FOI_PURPOSE
from yangguang.services import rules as service_rules
from yangguang.services.models import Case, ServiceItem
from yangguang.services.services import SECRET_PURPOSE as CASE_PURPOSE
from yangguang.supervision import evaluation_selectors as sel
from yangguang.supervision import evaluations
from yangguang.supervision.models import Evaluation, Notification, Rectification

from ..conftest import make_org, make_person

TODAY = date(2026, 11, 26)
SECRET = "ABCD2345"


@dataclass
class Desk:
    world: object
    police: Organisation
    window: Window
    other_window: Window
    item: ServiceItem
    clerk: object
    leader: object  # 公安局 leader: handles the police's rectifications
    supervisor: object  # the city's supervision desk
    officer: object  # 司法局 disclosure officer
    outsider: object
    serial: int = 0

    def case(self, *, status=service_rules.COMPLETED, window=None, completed_on=date(2026, 11, 20), secret=SECRET,
             organisation=None, department=None, accepted_by=None) -> Case:
        self.serial += 1
        done = status in (service_rules.COMPLETED, service_rules.DELIVERED)
        at = datetime(2026, 11, 10, 1, 0, tzinfo=dt_timezone.utc)
        return Case.objects.create(
            organisation=organisation or self.world.centre, number=f"ZW-2026-{self.serial:05d}", sequence=self.serial,
            item=self.item, department=department or self.police, window=window or self.window, channel="window",
            location=organisation or self.world.centre, tracking_code=f"TESTCASE{self.serial:02d}",
            secret_hash=tracking.secret_digest(secret, purpose=CASE_PURPOSE), applicant_name="张三",
            phone="13912345678", status=status, submitted_at=at, accepted_on=date(2026, 11, 10),
            accepted_by=accepted_by or self.clerk, committed_limit=5,
            completed_on=completed_on if done else None, result="approved" if done else "",
        )

    def application(self, *, answered=True, secret=SECRET) -> Application:
        self.serial += 1
        app = Application.objects.create(
            organisation=self.world.justice, number=f"YSQ-2026-{self.serial:04d}", sequence=self.serial,
            tracking_code=f"TESTAPP{self.serial:03d}", secret_hash=tracking.secret_digest(secret, purpose=FOI_PURPOSE),
            channel=next(iter(foi_rules.CHANNELS)), applicant_type=foi_rules.NATURAL_PERSON, applicant_name="李四",
            id_type=next(iter(foi_rules.ID_TYPES)), description="2025年法律援助经费", form="electronic",
            delivery=next(iter(foi_rules.DELIVERIES)), submitted_at=datetime(2026, 11, 2, 1, tzinfo=dt_timezone.utc),
            received_on=date(2026, 11, 2), assignee=self.officer,
        )
        if answered:
            Application.objects.filter(pk=app.pk).update(
                status=foi_rules.CLOSED, result="disclosed", result_article="第三十六条第（二）项", reply_summary="予以公开",
                concluded_on=date(2026, 11, 20), concluded_by=self.officer,
            )
            app.refresh_from_db()
        return app


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(sel, "local_today", lambda: TODAY)


@pytest.fixture
def desk(world, seeded_calendar) -> Desk:
    police = make_org("C-GAJ", "测试市公安局", Organisation.Kind.DEPARTMENT, world.city)
    w1 = Window.objects.create(centre=world.centre, number="01", name="公安窗口", kind=Window.Kind.RESIDENT)
    w2 = Window.objects.create(centre=world.centre, number="02", name="综合窗口", kind=Window.Kind.COMPREHENSIVE)
    item = ServiceItem.objects.create(code="GA-001", name="户籍证明开具", department=police, kind="public_service",
                                      committed_limit=5)
    return Desk(
        world, police, w1, w2, item,
        clerk=make_person("clerk", Role.WINDOW_CLERK, world.centre, full_name="林窗口"),
        leader=make_person("gaj-leader", Role.LEADER, police, full_name="马局长"),
        supervisor=make_person("supervisor", Role.SUPERVISOR, world.city, full_name="何效能"),
        officer=make_person("officer", Role.DISCLOSURE_OFFICER, world.justice, full_name="黄公开"),
        outsider=make_person("outsider", Role.LEADER, world.other_county, full_name="赵外人"),
    )


def _web(subject, code, secret):
    """The public page's lookup by tracking code and secret, as the view does it."""
    from yangguang.supervision.views_evaluations import _lookup

    found = _lookup(code, secret)
    if found is None:
        raise PermissionDenied("查询码或查询密码不正确")
    return found


# --- once per channel -------------------------------------------------------------------------------


def test_one_rating_per_channel_and_a_second_on_the_same_channel_is_refused(desk):
    case = desk.case()
    evaluations.evaluation_rate_web(subject=case, level=5, comment="很快")
    evaluations.evaluation_rate_sms(token=evaluations.sms_token(case), level=4)
    evaluations.evaluation_rate_device(actor=desk.clerk, case=case, window_id=desk.window.pk, level=5)
    assert sorted(case.evaluations.values_list("channel", flat=True)) == ["device", "sms", "web"]
    with pytest.raises(ValidationError, match="已通过网上评价评价过，同一渠道只能评价一次"):
        evaluations.evaluation_rate_web(subject=case, level=1)
    with pytest.raises(ValidationError, match="短信评价"):
        evaluations.evaluation_rate_sms(token=evaluations.sms_token(case), level=1)
    assert case.evaluations.count() == 3
    assert not Rectification.objects.exists()  # the refused 差评 opened nothing


@pytest.mark.parametrize("status", [service_rules.SUBMITTED, service_rules.ACCEPTED, service_rules.REVIEWING,
                                    service_rules.REJECTED, service_rules.WITHDRAWN])
def test_a_case_that_is_not_completed_cannot_be_rated(desk, status):
    case = desk.case(status=status)
    with pytest.raises(ValidationError, match="尚未办结"):
        evaluations.evaluation_rate_web(subject=case, level=5)
    assert not Evaluation.objects.exists()


def test_delivered_case_and_answered_application_can_be_rated(desk):
    case = desk.case(status=service_rules.DELIVERED)
    app = desk.application()
    assert evaluations.evaluation_rate_web(subject=case, level=5).case == case
    e = evaluations.evaluation_rate_web(subject=app, level=4)
    assert (e.subject, e.organisation, e.department, e.window, e.staff) == ("application", desk.world.justice,
                                                                            desk.world.justice, None, desk.officer)


def test_an_unanswered_or_withdrawn_application_cannot_be_rated(desk):
    open_app = desk.application(answered=False)
    withdrawn = desk.application(answered=False)
    Application.objects.filter(pk=withdrawn.pk).update(status=foi_rules.CLOSED, result="other.other", result_article="")
    withdrawn.refresh_from_db()
    for app in (open_app, withdrawn):
        with pytest.raises(ValidationError, match="尚未办结"):
            evaluations.evaluation_rate_web(subject=app, level=5)


def test_the_rating_records_who_handled_the_case(desk):
    e = evaluations.evaluation_rate_web(subject=desk.case(), level=3, comment="  等候时间稍长  ")
    assert (e.organisation, e.department, e.window, e.staff) == (desk.world.centre, desk.police, desk.window, desk.clerk)
    assert (e.comment, e.rated_on, e.get_level_display()) == ("等候时间稍长", TODAY, "基本满意")


@pytest.mark.parametrize("level", [0, 6, "", None, "很好"])
def test_an_invalid_level_is_refused_naming_the_field(desk, level):
    with pytest.raises(ValidationError) as exc:
        evaluations.evaluation_rate_web(subject=desk.case(), level=level)
    assert "评价等级" in str(exc.value.message_dict["level"])


def test_a_comment_longer_than_500_characters_is_refused(desk):
    with pytest.raises(ValidationError, match="评价内容不能超过 500 字"):
        evaluations.evaluation_rate_web(subject=desk.case(), level=5, comment="好" * 501)


# --- only the applicant -----------------------------------------------------------------------------


def test_web_rating_needs_the_tracking_code_and_its_secret(desk):
    case = desk.case()
    with pytest.raises(PermissionDenied):
        _web(case, case.tracking_code, "WRONG234")
    with pytest.raises(PermissionDenied):
        _web(case, "NOSUCHCODE", SECRET)
    assert _web(case, case.tracking_code.lower(), SECRET) == case
    app = desk.application()
    assert _web(app, app.tracking_code, SECRET) == app


def test_sms_token_altered_forged_or_expired_is_refused(desk, monkeypatch):
    case = desk.case()
    token = evaluations.sms_token(case)
    forged = signing.dumps({"k": "case", "id": case.pk}, salt="another-salt", compress=True)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "", "x"):
        with pytest.raises(PermissionDenied, match="评价链接无效或已过期"):
            evaluations.evaluation_rate_sms(token=bad, level=1)
    later = signing.time.time() + (evaluations.SMS_TOKEN_DAYS + 1) * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    with pytest.raises(PermissionDenied, match="评价链接无效或已过期"):
        evaluations.evaluation_rate_sms(token=token, level=1)
    assert not Evaluation.objects.exists()


def test_an_sms_token_rates_only_its_own_case(desk):
    mine, other = desk.case(), desk.case()
    evaluations.evaluation_rate_sms(token=evaluations.sms_token(mine), level=5)
    assert list(Evaluation.objects.values_list("case", flat=True)) == [mine.pk]
    assert not other.evaluations.exists()


def test_device_rating_only_for_a_case_handled_at_that_window(desk):
    case = desk.case(window=desk.window)
    with pytest.raises(PermissionDenied, match="不是在本窗口办理"):
        evaluations.evaluation_rate_device(actor=desk.clerk, case=case, window_id=desk.other_window.pk, level=5)
    with pytest.raises(PermissionDenied, match="窗口工作人员"):
        evaluations.evaluation_rate_device(actor=desk.outsider, case=case, window_id=desk.window.pk, level=5)
    with pytest.raises(PermissionDenied, match="窗口工作人员"):
        evaluations.evaluation_rate_device(actor=desk.leader, case=case, window_id=desk.window.pk, level=5)
    # Another clerk of the centre cannot rate a colleague's case (nor their own through a colleague's session).
    colleague = make_person("clerk-b", Role.WINDOW_CLERK, desk.world.centre, full_name="王窗口")
    with pytest.raises(PermissionDenied, match="受理该办件"):
        evaluations.evaluation_rate_device(actor=colleague, case=case, window_id=desk.window.pk, level=1)
    assert not Evaluation.objects.exists()


def test_sms_link_issue_refuses_an_outsider_and_an_open_case(desk):
    with pytest.raises(PermissionDenied):
        evaluations.sms_link_issue(actor=desk.outsider, subject=desk.case(), url="/x/")
    with pytest.raises(ValidationError, match="尚未办结"):
        evaluations.sms_link_issue(actor=desk.clerk, subject=desk.case(status=service_rules.ACCEPTED), url="/x/")
    assert evaluations.sms_link_issue(actor=desk.clerk, subject=desk.case(), url="/x/") == "/x/"


# --- a poor rating opens a rectification ------------------------------------------------------------


@pytest.mark.parametrize("level, opens", [(5, False), (4, False), (3, False), (2, True), (1, True)])
def test_only_a_poor_rating_opens_a_rectification(desk, level, opens):
    e = evaluations.evaluation_rate_web(subject=desk.case(), level=level)
    assert Rectification.objects.filter(evaluation=e).exists() is opens


def test_a_poor_rating_notifies_the_units_leader_and_the_person_rated_but_not_an_outsider(desk):
    e = evaluations.evaluation_rate_web(subject=desk.case(), level=1, comment="态度差")
    r = e.rectification
    assert (r.organisation, r.status, r.opened_on) == (desk.police, Rectification.Status.VERIFYING, TODAY)
    notified = set(Notification.objects.filter(key=f"rectification-open:{r.pk}").values_list("recipient__username", flat=True))
    assert notified == {"gaj-leader", "clerk"}


def test_rating_days_are_counted_in_shanghai(desk, monkeypatch):
    monkeypatch.setattr(sel, "local_today", lambda: TODAY + timedelta(days=1))
    e = evaluations.evaluation_rate_web(subject=desk.case(), level=2)
    assert e.rated_on == date(2026, 11, 27)
    assert e.rectification.verify_due_on == date(2026, 11, 30)


def test_two_ratings_at_the_same_moment_on_one_channel_leave_one(desk, monkeypatch):
    case = desk.case()
    evaluations.evaluation_rate_web(subject=case, level=5)
    monkeypatch.setattr(sel, "rated_channels", lambda subject: set())  # the second request saw none yet
    with pytest.raises(ValidationError, match="同一渠道只能评价一次"):
        evaluations.evaluation_rate_web(subject=case, level=1)
    assert list(case.evaluations.values_list("level", flat=True)) == [5]
    assert not Rectification.objects.exists()
