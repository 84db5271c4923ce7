"""Gapless numbering per organisation, year and kind, also under concurrent requests."""

import multiprocessing
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from yangguang.core.models import NumberingRule, NumberSequence
from yangguang.core.numbering import next_number, validate_template

from ._numbering_worker import take_numbers


def test_numbers_count_up_from_one_per_org_year_and_kind(world):
    assert next_number(organisation=world.justice, kind="foi", year=2026) == (1, "〔2026〕1号")
    assert next_number(organisation=world.justice, kind="foi", year=2026) == (2, "〔2026〕2号")
    assert next_number(organisation=world.justice, kind="foi", year=2027)[0] == 1
    assert next_number(organisation=world.justice, kind="case", year=2026)[0] == 1
    assert next_number(organisation=world.centre, kind="foi", year=2026)[0] == 1


def test_format_per_kind_with_organisation_override(world):
    NumberingRule.objects.create(kind="case", template="{org}-{year}-{seq:06d}")
    NumberingRule.objects.create(kind="case", organisation=world.centre, template="受〔{year}〕{seq:04d}号")
    assert next_number(organisation=world.justice, kind="case", year=2026)[1] == "C-SFJ-2026-000001"
    assert next_number(organisation=world.centre, kind="case", year=2026)[1] == "受〔2026〕0001号"


@pytest.mark.parametrize(
    "template, message",
    [("〔{year}〕号", "必须包含 {seq}"), ("{seq}{name}", "不认识：name"), ("{seq", "不配对"), ("{seq:q}", "无效")],
)
def test_bad_templates_are_refused(template, message):
    with pytest.raises(ValidationError) as exc:
        validate_template(template)
    assert message in exc.value.message_dict["template"][0]


def test_a_rolled_back_caller_gives_its_number_back(world):
    next_number(organisation=world.justice, kind="foi", year=2026)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            next_number(organisation=world.justice, kind="foi", year=2026)
            raise RuntimeError("registration failed after numbering")
    assert next_number(organisation=world.justice, kind="foi", year=2026)[0] == 2


def _take_numbers_in_thread(org, count, results, errors):
    try:
        for _ in range(count):
            with transaction.atomic():
                results.append(next_number(organisation=org, kind="race", year=2026)[0])
    except Exception as exc:  # surfaced by the assertion below
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_threads_get_distinct_gapless_numbers(world):
    results, errors = [], []
    threads = [threading.Thread(target=_take_numbers_in_thread, args=(world.justice, 15, results, errors)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(1, 91))
    assert NumberSequence.objects.get(kind="race").last_value == 90


@pytest.mark.django_db(transaction=True)
def test_concurrent_processes_get_distinct_gapless_numbers(world):
    """Several server processes, one database: the real deployment shape."""
    import yangguang.testing.pytest_env  # noqa: F401  (children inherit the test keys)

    db_settings = {"NAME": str(connection.settings_dict["NAME"])}
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    procs = [context.Process(target=take_numbers, args=(db_settings, world.justice.code, 20, queue)) for _ in range(4)]
    for p in procs:
        p.start()
    numbers = []
    for _ in procs:
        numbers += queue.get(timeout=120)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sorted(numbers) == list(range(1, 81))
