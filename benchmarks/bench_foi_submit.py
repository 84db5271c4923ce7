"""Load benchmark: applications for disclosure (依申请公开) submitted through the HTTP API.

Run with ``.venv/bin/python benchmarks/bench_foi_submit.py [--duration 30] [--only ceiling|foi]``.
Needs ``wrk`` (Debian: ``apt-get install -y wrk``) and a PostgreSQL server where the user may create
databases (``--postgres``, default postgres://postgres@127.0.0.1:5432, trust authentication).
The machinery below lives in ``_harness.py`` and is shared with ``bench_service_intake.py``.

The script:

  * creates a throwaway PostgreSQL database, writes a fresh key file (``python -m yangguang.keys``)
    into a new temporary YANGGUANG_HOME, and with the bench settings (``benchmarks/foi_submit/``:
    the production settings plus a bench-only app and URLconf) runs ``migrate``, ``workdays seed``
    and ``org add`` for the one organisation that receives the applications;
  * starts gunicorn as production would (``yangguang.wsgi``, ``--workers 2``, sync workers, bound to
    a free port on 127.0.0.1, DEBUG off, persistent database connections
    YANGGUANG_CONN_MAX_AGE=600, the per-IP rate limit switched off with YANGGUANG_FOI_RATE_LIMIT=0),
    waits for /healthz and sends one request to each endpoint, which must answer 201;
  * drives each endpoint with wrk on loopback (``--connections`` 50, ``--threads`` 2, the client
    shares the 2 cores with the server and PostgreSQL): a warm-up run (``--warmup`` s, not counted),
    then a timed run (``--duration`` s). The Lua script (``foi_submit/submit.lua``) sends a
    different body each time (name, 身份证号 with a valid check digit, phone, description, and a
    fresh uuid4 ``submission_key`` so idempotency never short-circuits) and counts responses by
    status. Latencies are wrk's own histogram, from writing the request to reading the whole
    response. gunicorn's sync workers close the connection after every response, so wrk reconnects for
    each request; the kernel completes the handshake, and the time a request then waits in the accept
    queue for a free worker is part of its latency. The load is closed-loop (each connection sends
    its next request when the previous one is answered), so by Little's law the mean latency is
    about connections / throughput;
  * first the **ceiling**: ``POST /bench/ceiling``, a bare view (csrf-exempt, the same middleware
    stack) that parses the same JSON and does one ``CeilingRow.objects.create()`` in autocommit;
    then the **FOI endpoint** ``POST /api/v1/foi/applications``: validation, the gapless 受理编号,
    SM4 encryption of the personal data and the chained audit event, in one transaction;
  * afterwards checks the database: as many rows as 201 responses (probe, warm-up and timed run),
    plus at most the requests wrk left unanswered when it stopped (a request the server was working
    on is stored, but its response is never read); for applications, sequence values 1..N with no
    gap, N distinct numbers, each ending in its sequence value;
  * during each timed run measures the CPU time per request of the gunicorn workers and of the
    PostgreSQL backends (/proc/<pid>/stat) and of wrk (rusage), the machine's idle share
    (/proc/stat), and samples pg_stat_activity every 10 ms (statement running, waiting on a row
    lock, idle inside a transaction while the worker runs Python, idle between requests);
  * with ``--profile N``, after the load, runs both endpoints N times in one process through
    Django's test client (full middleware stack, no HTTP server, one client): the SQL statements of
    one request, the median time, and a cProfile written next to the temporary directory;
  * drops the database and the temporary directory at the end, also on failure (``--keep`` keeps
    them).

The machine is shared: ``--wait-idle MINUTES`` first waits for it to be at least 90% idle over 5 s,
and the report shows how many cores went to anything other than gunicorn, PostgreSQL and wrk.

Targets (from the issue): sustained FOI submissions >= 40% of the ceiling measured in the same run,
with p99 <= 100 ms, at 50 concurrent clients. A run with any non-2xx response or socket error does
not count. Missing a target is printed, not an error; a failed check (wrong status, row count or a
gap in the numbers) exits with status 1.
"""

from __future__ import annotations

import sys

import _harness  # benchmarks/_harness.py, beside this script

ORG_CODE = _harness.FOI_ORGANISATION
ORG_NAME = "甲县人民政府办公室"


def setup(env: dict) -> str:
    return _harness.manage(env, "org", "add", ORG_CODE, ORG_NAME, "--kind", "government")


def check(endpoint: str) -> dict:
    """In a worker process: the applications' numbers."""
    from django.apps import apps

    Application = apps.get_model("foi", "Application")
    return _harness.numbers_check(list(Application.objects.values_list("number", "sequence")))


BENCH = _harness.LoadBench(
    script=__file__,
    title="FOI submission load benchmark (gunicorn + PostgreSQL, wrk on loopback)",
    slug="foi",
    endpoints=(
        _harness.ceiling_endpoint(),
        _harness.Endpoint("foi", "FOI submission (POST /api/v1/foi/applications)", "/api/v1/foi/applications",
                          _harness.CEILING_APP / "submit.lua", (ORG_CODE, "{nonce}"), _harness.application_body),
    ),
    subject="FOI",
    unit="applications",
    env={"YANGGUANG_FOI_RATE_LIMIT": "0"},
    server_note="DEBUG off, CONN_MAX_AGE 600, FOI rate limit off",
    setup=setup,
    check=check,
)


if __name__ == "__main__":
    sys.exit(_harness.load_main(BENCH, __doc__.split("\n\n")[0]))
