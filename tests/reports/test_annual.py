"""The annual report generated from the data: golden figures counted by hand, the year boundary,
the 勾稽关系 (a property of any history, and the refusal to publish when data breaks it), freezing
and versions, the government summary, and the documents."""

import io
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from itertools import count

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from yangguang.core.models import Organisation, Role
from yangguang.disclosure import services as disclosure_services
from yangguang.disclosure.models import InformationRecord
from yangguang.foi.models import Application, Review
from yangguang.reports import annual, exports, services
from yangguang.reports.models import AnnualReport

from ..conftest import make_org, make_person

D = date.fromisoformat
TYPES = annual.APPLICANT_COLUMNS
_serial = count(1)


def application(org, applicant_type, received, concluded=None, result="", number=None):
    n = next(_serial)
    return Application.objects.create(
        organisation=org, number=number or f"T-{n}", tracking_code=f"TC{n:08d}", secret_hash="x", channel="post",
        applicant_type=applicant_type, applicant_name="某", id_type="other", description="某信息", form="paper",
        delivery="post", submitted_at=datetime(2020, 1, 1, tzinfo=timezone.utc),
        received_on=D(received) if received else None, concluded_on=D(concluded) if concluded else None,
        result=result, status="closed" if result else "processing",
    )


def review(app, kind, filed, outcome="pending", decided=None):
    return Review.objects.create(application=app, kind=kind, filed_on=D(filed), outcome=outcome,
                                 decided_on=D(decided) if decided else None)


@pytest.fixture
def office(world):
    org = world.justice
    return org, make_person("officer", Role.DISCLOSURE_OFFICER, org), make_person("head", Role.LEADER, org)


@pytest.fixture
def golden(office):
    """A hand-counted year (2026) touching every row and column of sections 3 and 4."""
    org = office[0]
    first = application(org, "natural_person", "2025-12-30", "2026-01-05", "disclosed")  # carried in, concluded
    open_since_2024 = application(org, "natural_person", "2024-06-01")  # carried in and out
    application(org, "business", "2025-03-01", "2025-04-01", "disclosed")  # an earlier year: not counted
    application(org, "business", "2026-12-30")  # new, carried out
    application(org, "research", "2026-12-31", "2027-01-04", "partially_disclosed")  # new, carried out
    application(org, "public_welfare", "2027-01-02")  # next year: not counted
    application(org, "other_org", None)  # online, not yet confirmed: not received
    for i, row in enumerate(annual.result_rows()):  # one application per result, the type cycling
        application(org, TYPES[i % 6], f"2026-02-{1 + i:02d}", f"2026-03-{1 + i:02d}", row.removeprefix("results."))
    review(first, "reconsideration", "2026-02-01", "upheld", "2026-05-01")
    review(first, "reconsideration", "2026-06-01", "corrected", "2027-01-10")  # decided next year: pending
    review(open_since_2024, "litigation_direct", "2026-03-01", "other", "2026-11-01")
    review(open_since_2024, "litigation_after_reconsideration", "2026-04-01")
    review(open_since_2024, "litigation_direct", "2025-12-31", "upheld", "2026-01-20")  # filed last year
    return org


def row(*values):
    return dict(zip([*TYPES, "total"], values))


def test_section3_golden(golden):
    table = services.generate(organisation=golden, year=2026)["s3_applications"]
    assert table["new"] == row(4, 5, 5, 3, 3, 3, 23)
    assert table["carried_in"] == row(2, 0, 0, 0, 0, 0, 2)
    assert table["results.total"] == row(5, 4, 4, 3, 3, 3, 22)
    assert table["carried_out"] == row(1, 1, 1, 0, 0, 0, 3)
    assert table["results.disclosed"] == row(2, 0, 0, 0, 0, 0, 2)
    for i, key in enumerate(annual.result_rows()[1:], start=1):
        expected = [0] * 6
        expected[i % 6] = 1
        assert table[key] == row(*expected, 1), key
    assert annual.check_section3(table) == []


def test_section4_golden(golden):
    table = services.generate(organisation=golden, year=2026)["s4_review_litigation"]
    assert table == {
        "reconsideration": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
        "litigation_after_reconsideration": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    }


def test_section2_golden(office):
    org = office[0]
    category = disclosure_services.catalogue_node_create(actor=None, organisation=org, code="01", name="法规文件")
    item = disclosure_services.catalogue_node_create(actor=None, organisation=org, parent=category, code="0101", name="文件")
    serial = count(1)

    def record(kind, formed, state="published", repealed=None, decisions=None, fee=None):
        InformationRecord.objects.create(
            organisation=org, publisher=org, item=item, title="文件", index_number=f"IDX-{next(serial)}", formed_on=D(formed),
            scope="public", state=state, due_on=D(formed), fact_kind=kind, repealed_on=D(repealed) if repealed else None,
            decision_count=decisions, fee_amount=Decimal(fee) if fee else None,
        )

    record("rule", "2026-03-01")
    record("rule", "2026-04-01", state="draft")  # not issued
    record("normative_document", "2024-05-01", state="repealed", repealed="2026-06-01")
    record("normative_document", "2025-05-01")
    record("normative_document", "2026-12-01", state="repealed", repealed="2027-02-01")  # in force on 31 Dec
    record("licensing", "2026-01-10", decisions=12)
    record("licensing", "2026-07-10", decisions=5)
    record("penalty", "2025-07-10", decisions=9)  # last year
    record("coercion", "2026-07-10", decisions=2)
    record("administrative_fee", "2026-02-01", fee="12345.67")
    record("administrative_fee", "2026-09-01", fee="100")
    assert services.generate(organisation=org, year=2026)["s2_proactive"] == {
        "art20_1": {"rules": {"issued": 1, "repealed": 0, "in_force": 1},
                    "normative_documents": {"issued": 1, "repealed": 1, "in_force": 2}},
        "art20_5": {"licensing": {"decisions": 17}},
        "art20_6": {"penalty": {"decisions": 0}, "coercion": {"decisions": 2}},
        "art20_8": {"administrative_fees": {"amount_10k_yuan": "1.2446"}},
    }


def test_the_json_form_has_exactly_the_structure_keys(golden):
    report = services.generate(organisation=golden, year=2026)
    assert list(report) == annual.report_keys()
    structure = annual.structure()
    assert list(report["s3_applications"]) == [k for k, _ in structure["s3_applications"]["rows"]]
    assert all(list(cells) == [k for k, _ in structure["s3_applications"]["columns"]] for cells in report["s3_applications"].values())
    assert {b["key"] for b in structure["s2_proactive"]["blocks"]} == set(report["s2_proactive"])
    assert (report["org"], report["year"], report["status"], report["version"]) == (golden.code, 2026, "draft", 1)
    json.dumps(report)  # serialisable as it is


@pytest.mark.parametrize(
    "received, concluded, year, rows",
    [
        ("2025-12-30", "2026-01-05", 2025, ["new", "carried_out"]),
        ("2025-12-30", "2026-01-05", 2026, ["carried_in", "results.disclosed"]),
        ("2024-12-30", "2026-01-05", 2025, ["carried_in", "carried_out"]),
        ("2024-12-30", "2026-01-05", 2026, ["carried_in", "results.disclosed"]),
        ("2024-12-30", "2026-01-05", 2027, []),
        ("2026-12-31", None, 2026, ["new", "carried_out"]),
        ("2026-01-01", "2026-12-31", 2026, ["new", "results.disclosed"]),
    ],
)
def test_year_boundaries(received, concluded, year, rows):
    fact = annual.ApplicationFact("natural_person", D(received), D(concluded) if concluded else None,
                                  "disclosed" if concluded else "")
    assert annual.classify(fact, year) == rows


facts = st.builds(
    lambda t, received, days, result, open_: annual.ApplicationFact(
        t, received, None if open_ else received + __import__("datetime").timedelta(days=days), "" if open_ else result),
    st.sampled_from(TYPES), st.dates(date(2022, 1, 1), date(2028, 12, 31)), st.integers(0, 800),
    st.sampled_from([r.removeprefix("results.") for r in annual.result_rows()]), st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(facts, max_size=60), st.integers(2023, 2027))
def test_the_accounting_identity_holds_for_any_history(history, year):
    table = annual.section3(history, year)
    assert annual.check_section3(table) == []
    for col in [*TYPES, "total"]:
        assert table["new"][col] + table["carried_in"][col] == table["results.total"][col] + table["carried_out"][col]


@settings(max_examples=50, deadline=None)
@given(st.lists(facts, max_size=40), st.integers(2024, 2026))
def test_one_year_carries_out_what_the_next_carries_in(history, year):
    assert annual.section3(history, year)["carried_out"] == annual.section3(history, year + 1)["carried_in"]


def test_the_database_count_agrees_with_the_plain_definition(office):
    import random

    rng = random.Random(7)
    org = office[0]
    plain = []
    for _ in range(150):
        received = date(2025, 1, 1) + __import__("datetime").timedelta(days=rng.randrange(0, 800))
        closed = rng.random() < 0.7
        concluded = received + __import__("datetime").timedelta(days=rng.randrange(0, 90)) if closed else None
        result = rng.choice(annual.result_rows()).removeprefix("results.") if closed else ""
        kind = rng.choice(TYPES)
        application(org, kind, received.isoformat(), concluded.isoformat() if concluded else None, result)
        plain.append(annual.ApplicationFact(kind, received, concluded, result))
    for year in (2025, 2026, 2027):
        assert services.generate(organisation=org, year=year)["s3_applications"] == annual.section3(plain, year)


# --- publishing, freezing, versions ---------------------------------------------------------------


def test_publishing_freezes_the_numbers_and_a_correction_is_a_new_version(golden, office):
    _, officer, head = office
    report = services.report_draft(actor=officer, organisation=golden, year=2026)
    assert report.status == "draft" and report.data["s1_overview"].startswith("2026年，")
    services.report_edit_texts(actor=officer, report=report, texts={"s1_overview": "总体情况。", "s5_problems": "问题。", "s6_other": "未收费。"})
    published = services.report_publish(actor=head, report=report)
    assert published.data["status"] == "published" and published.data["s1_overview"] == "总体情况。"
    frozen = published.data["s3_applications"]["new"]["total"]
    application(golden, "natural_person", "2026-05-05")  # a late registration
    published.refresh_from_db()
    assert published.data["s3_applications"]["new"]["total"] == frozen  # never changes silently
    with pytest.raises(ValidationError):
        services.report_edit_texts(actor=officer, report=published, texts={"s1_overview": "改", "s5_problems": "改", "s6_other": "改"})
    with pytest.raises(ValidationError) as caught:
        services.report_correct(actor=officer, report=published, reason="")
    assert "更正理由" in str(caught.value)
    second = services.report_correct(actor=officer, report=published, reason="补录一件漏登的申请")
    assert (second.version, second.status, second.reason) == (2, "draft", "补录一件漏登的申请")
    assert second.data["s3_applications"]["new"]["total"] == frozen + 1 and second.data["s1_overview"] == "总体情况。"
    services.report_publish(actor=head, report=second)
    versions = AnnualReport.objects.filter(organisation=golden, year=2026).order_by("version")
    assert [(v.version, v.status) for v in versions] == [(1, "published"), (2, "published")]


def test_an_inconsistent_report_is_refused_and_the_applications_listed(golden, office):
    _, officer, head = office
    broken = application(golden, "business", "2026-04-01")
    Application.objects.filter(pk=broken.pk).update(concluded_on=D("2026-05-01"))  # concluded without a result
    report = services.report_draft(actor=officer, organisation=golden, year=2026)
    with pytest.raises(ValidationError) as caught:
        services.report_publish(actor=head, report=report)
    message = str(caught.value)
    assert "勾稽关系不成立" in message and broken.number in message and "商业企业" in message
    report.refresh_from_db()
    assert report.status == "draft"


def test_outsiders_can_neither_draft_nor_publish(golden, world):
    outsider = make_person("outsider", Role.DISCLOSURE_OFFICER, world.other_county)
    with pytest.raises(PermissionDenied):
        services.report_draft(actor=outsider, organisation=golden, year=2026)


def test_the_government_summary_adds_up_the_chosen_departments(golden, world):
    other = make_org("C-CZJ", "测试市财政局", Organisation.Kind.DEPARTMENT, world.city)
    application(other, "research", "2026-05-01", "2026-05-10", "disclosed")
    summary = services.generate(organisation=world.city, year=2026, scope="summary", members=[golden.code, other.code])
    own = services.generate(organisation=golden, year=2026)
    assert summary["s3_applications"]["new"]["total"] == own["s3_applications"]["new"]["total"] + 1
    assert summary["s3_applications"]["results.disclosed"]["research"] == 1
    assert summary["s4_review_litigation"] == own["s4_review_litigation"]
    assert annual.check_section3(summary["s3_applications"]) == []
    with pytest.raises(ValidationError) as caught:
        services.generate(organisation=golden, year=2026, scope="summary", members=[other.code])
    assert "不属于" in str(caught.value)


def test_the_docx_tables_carry_the_numbers(golden):
    report = services.generate(organisation=golden, year=2026)
    document = docx.Document(io.BytesIO(exports.export(report, "docx", org_name=golden.name)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{golden.name}2026年政府信息公开工作年度报告" in text.replace("\n", "")
    applications_table = next(t for t in document.tables if any("本年新收" in c.text for c in t.columns[0].cells))
    new_row = next(r for r in applications_table.rows if "本年新收" in r.cells[0].text)
    assert [c.text for c in new_row.cells][-7:] == ["4", "5", "5", "3", "3", "3", "23"]
    for fmt in ("html", "pdf", "xlsx", "json"):
        assert exports.export(report, fmt, org_name=golden.name)
