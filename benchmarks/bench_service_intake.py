"""Load benchmark: online applications for a service item (网上申报) through the HTTP API.

Run with ``.venv/bin/python benchmarks/bench_service_intake.py [--duration 30] [--only ceiling|case]``.
Same harness, server, load and ceiling as ``bench_foi_submit.py`` (``_harness.py``, whose docstring
there describes them in full): wrk on loopback (50 connections, 2 threads), gunicorn with 2 sync
workers and persistent connections, a throwaway PostgreSQL database (``--postgres``, default
postgres://postgres@127.0.0.1:5432, trust authentication), a 5 s warm-up and a 30 s timed run per
endpoint, CPU and ``pg_stat_activity`` accounting, ``--wait-idle``, ``--profile N``, ``--keep``.

What is particular to this benchmark:

  * setup, after ``migrate`` and ``workdays seed``: a service centre (BENCH-CTR), a department
    (BENCH-GAJ), window 01 at the centre with the department's authorisation (授权书), and one item
    (BENCH-GA-001, a licence, online applications allowed) with three materials, two of them
    required; the per-IP limit on online applications is switched off
    (YANGGUANG_SERVICES_RATE_LIMIT=0: every request comes from 127.0.0.1);
  * first the **ceiling**, exactly as the FOI benchmark measures it: ``POST /bench/ceiling`` driven
    by ``foi_submit/submit.lua`` with the FOI bodies (the bench app's bare view, one ORM create());
    then the **case intake** ``POST /api/v1/services/cases``: the item (cached per process), the
    ninja schema, ``clean_applicant`` (身份证号 check digit), the repeat check on submission_key, the
    gapless number ``BENCH-CTR-BJ-{year}-NNNNNN`` on the centre, SM4-GCM encryption of the ID number
    and phone with their blind indexes, one CaseMaterial row per material of the item and the
    chained audit event, in one transaction. ``service_intake/submit.lua`` sends a different body
    each time (name, 身份证号 with a valid check digit, phone, delivery, a short note, the required
    materials and half the time the optional one, a fresh uuid4 ``submission_key``);
  * checks afterwards: as many cases as 201 responses (plus at most the requests still in flight
    when wrk stopped), sequence values 1..N with no gap, N distinct numbers each ending in its
    sequence value, three CaseMaterial rows and one ``services.case.submit`` audit event per case,
    and ``audit.verify()`` over the whole chain.

Targets (issue #6): case intake >= 40% of the ceiling measured in the same run, with p99 <= 100 ms,
at 50 concurrent clients. A missed target is printed, not an error; a failed check exits with 1.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import date
from pathlib import Path

import _harness  # benchmarks/_harness.py, beside this script

CENTRE = ("BENCH-CTR", "甲县政务服务中心")
DEPARTMENT = ("BENCH-GAJ", "甲县公安局")
ITEM = ("BENCH-GA-001", "户口迁移审批")
MATERIALS = (("户口迁移申请表", True), ("居民身份证", True), ("其他证明材料", False))
LUA = Path(__file__).resolve().parent / "service_intake" / "submit.lua"


def case_body(i: int) -> bytes:
    """One online application as ``service_intake/submit.lua`` builds them (a simpler variation:
    the same shape and sizes)."""
    surname, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    birth = f"{1950 + i % 55}{1 + i % 12:02d}{1 + i % 28:02d}"
    body = {
        "item": ITEM[0], "applicant_type": "person", "name": surname[i % 20] + given[i % 24] + given[(i // 24) % 24],
        "id_number": _harness.id_number(f"110101{birth}{1 + i % 999:03d}"), "phone": f"138{i % 10**8:08d}",
        "delivery": ("window", "post", "electronic")[i % 3], "request_note": f"因工作调动申请办理，相关材料已备齐。（第{i}号测试申报）",
        "materials": [name for name, required in MATERIALS if required or i % 2], "submission_key": str(uuid.uuid4()),
    }
    return json.dumps(body, ensure_ascii=False).encode()


def prepare() -> str:
    """In a Django worker: the centre, the department, the authorised window and the item."""
    from yangguang.core.models import Organisation, Window, WindowAuthorisation
    from yangguang.core.services import organisation_create
    from yangguang.services.models import Material, ServiceItem

    kind = Organisation.Kind
    centre = organisation_create(actor=None, code=CENTRE[0], name=CENTRE[1], kind=kind.SERVICE_CENTRE)
    department = organisation_create(actor=None, code=DEPARTMENT[0], name=DEPARTMENT[1], kind=kind.DEPARTMENT)
    window = Window.objects.create(centre=centre, number="01", name="公安窗口", kind=Window.Kind.RESIDENT)
    WindowAuthorisation.objects.create(window=window, department=department, authorised_on=date(2025, 1, 2))
    item = ServiceItem.objects.create(code=ITEM[0], name=ITEM[1], kind="licence", department=department,
                                      legal_limit=20, committed_limit=5, online_allowed=True)
    for n, (name, required) in enumerate(MATERIALS):
        Material.objects.create(item=item, name=name, required=required, sort_order=n)
    return (f"centre {centre.code}, department {department.code}, window {window.number} authorised, "
            f"item {item.code} with {len(MATERIALS)} materials")


def check(endpoint: str) -> dict:
    """In a Django worker: the cases' numbers, their material rows, their audit events and the chain."""
    from yangguang.core import audit
    from yangguang.core.models import AuditEvent
    from yangguang.services.models import Case, CaseMaterial

    result = _harness.numbers_check(list(Case.objects.values_list("number", "sequence")))
    materials = CaseMaterial.objects.count()
    events = AuditEvent.objects.filter(action="services.case.submit").count()
    chain = audit.verify()
    result["ok"] = materials == len(MATERIALS) * result["rows"] and events == result["rows"] and chain.ok
    result["notes"] = [
        f"case materials: {materials:,} rows = {len(MATERIALS)} x {result['rows']:,} cases: "
        f"{'OK' if materials == len(MATERIALS) * result['rows'] else 'MISMATCH'}; audit events services.case.submit: "
        f"{events:,}: {'OK' if events == result['rows'] else 'MISMATCH'}",
        f"audit chain: {chain.checked:,} events verified: {'OK' if chain.ok else f'BROKEN at {chain.broken_seq}: {chain.problem}'}",
    ]
    return result


BENCH = _harness.LoadBench(
    script=__file__,
    title="Service case intake load benchmark (gunicorn + PostgreSQL, wrk on loopback)",
    slug="case",
    endpoints=(
        _harness.ceiling_endpoint(),
        _harness.Endpoint(
            "case", "case intake (POST /api/v1/services/cases)", "/api/v1/services/cases", LUA,
            (ITEM[0], "{nonce}", "|".join(n for n, r in MATERIALS if r), "|".join(n for n, r in MATERIALS if not r)),
            case_body,
        ),
    ),
    subject="case intake",
    unit="cases",
    env={"YANGGUANG_SERVICES_RATE_LIMIT": "0", "YANGGUANG_FOI_RATE_LIMIT": "0"},
    server_note="DEBUG off, CONN_MAX_AGE 600, services rate limit off",
    prepare=prepare,
    check=check,
)


if __name__ == "__main__":
    sys.exit(_harness.load_main(BENCH, __doc__.split("\n\n")[0]))
