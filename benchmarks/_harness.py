"""What every benchmark here needs: the machine's description, and a worker process per database
(SQLite in a temporary directory, or a scratch PostgreSQL database dropped afterwards).

The second half is the load harness of the HTTP intake benchmarks (``bench_foi_submit.py``,
``bench_service_intake.py``): a scratch PostgreSQL database, gunicorn as production runs it, wrk
driving one endpoint at a time with a Lua script, the CPU and ``pg_stat_activity`` accounting of
each timed run, the database checks, the in-process profile and the report. A benchmark describes
itself with a ``LoadBench`` (its endpoints, its setup, its check) and calls ``load_main``."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def cpu_and_memory() -> tuple[str, int | None]:
    """The CPU model and MemTotal in KiB (None when /proc can't be read)."""
    cpu, kib = "unknown", None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kib = int(line.split()[1])
                break
    except OSError:
        pass
    return cpu, kib


def gib(kib: int | None) -> str:
    return "unknown" if kib is None else f"{kib / 1024 / 1024:.1f} GiB"


def nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 0


def python_and_platform() -> list[tuple[str, str]]:
    return [("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"), ("Platform", platform.platform())]


def load_average() -> tuple[str, str]:
    return "load avg", " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min, at start)"


def machine() -> list[tuple[str, str]]:
    cpu, kib = cpu_and_memory()
    return [("nproc", str(nproc())), ("CPU", cpu), ("RAM total", gib(kib)), *python_and_platform(), load_average()]


def run_worker(command: list[str]) -> dict | None:
    """Run a worker, echo its output, and return the JSON it printed after ``RESULT `` (None on failure)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    result = None
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
        else:
            print(line, end="", flush=True)
    return result if process.wait() == 0 else None


Worker = Callable[[str, str], "dict | None"]  # (database URL, home directory) → result


def with_sqlite(worker: Worker, *, prefix: str, keep: bool) -> dict | None:
    home = tempfile.mkdtemp(prefix=prefix)
    try:
        return worker(f"sqlite:///{home}/bench.sqlite3", home)
    finally:
        if keep:
            print(f"kept sqlite:///{home}/bench.sqlite3")
        else:
            shutil.rmtree(home, ignore_errors=True)


def with_postgres(worker: Worker, *, server: str, name: str, prefix: str, keep: bool) -> dict | None:
    import psycopg

    server = server.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    home = tempfile.mkdtemp(prefix=prefix)
    try:
        return worker(f"{server}/{name}", home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if keep:
            print(f"kept {server}/{name}")
        else:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# === The load harness of the HTTP intake benchmarks ===============================================

HERE = Path(__file__).resolve().parent
CEILING_APP = HERE / "foi_submit"  # the bench-only app: settings, URLconf and the ceiling view
TARGET_RATIO = 0.40  # the issues' targets: intake >= 40% of the ceiling measured in the same run …
TARGET_P99_MS = 100.0  # … with p99 <= 100 ms at 50 concurrent clients
DISTURBED_CORES = 0.25  # CPU taken by anything but gunicorn, PostgreSQL and wrk above which a run is flagged
EXPECTED_CEILING = 1500  # req/s the FOI issue quotes for this 2-core machine (for information only)
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Endpoint:
    key: str  # "ceiling", "foi", "case": --only, the log lines and the worker modes
    label: str  # its heading in the report
    path: str
    lua: Path  # the wrk script
    lua_args: tuple[str, ...]  # passed after the path; "{nonce}" becomes a fresh hex nonce per wrk run
    body: Callable[[int], bytes]  # the i-th request body, as the Lua script builds them (probe, --profile)


@dataclass(frozen=True)
class LoadBench:
    script: str  # the benchmark's file: the worker processes run it again with --worker-…
    title: str  # first line of the report
    slug: str  # scratch names: database yg_bench_<slug>_<pid>, /tmp/yg-bench-<slug>-…
    endpoints: tuple[Endpoint, ...]  # the ceiling first, then the endpoint measured against it
    subject: str  # what the summary calls the measured endpoint ("FOI")
    unit: str  # what it creates, plural ("applications")
    env: dict[str, str]  # server environment on top of the common one (rate limits off …)
    server_note: str  # what the "server" line says about the settings
    check: Callable[[str], dict]  # in a Django worker: the database check of a non-ceiling endpoint
    # After migrate and workdays seed, each returns what it did: ``setup`` with the server's
    # environment (to run commands), then ``prepare`` in a Django worker (to create what they can't).
    setup: Callable[[dict], str] | None = None
    prepare: Callable[[], str] | None = None


FOI_ORGANISATION = "BENCH-FOI"  # the organisation the FOI bodies name (the ceiling ignores it)


def ceiling_endpoint() -> Endpoint:
    """``POST /bench/ceiling``: a bare view in the bench app that parses the JSON of a disclosure
    application and does one ORM ``create()``. Every intake benchmark drives it with the FOI script
    and bodies, so its figure is the same reference in each."""
    return Endpoint("ceiling", "ceiling (bare view, one ORM create())", "/bench/ceiling", CEILING_APP / "submit.lua",
                    (FOI_ORGANISATION, "{nonce}"), application_body)


def application_body(i: int) -> bytes:
    """One application for disclosure as ``foi_submit/submit.lua`` builds them (a simpler variation:
    the same shape and sizes)."""
    surname, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    birth = f"{1950 + i % 55}{1 + i % 12:02d}{1 + i % 28:02d}"
    body = {
        "organisation": FOI_ORGANISATION, "applicant_type": "natural_person",
        "name": surname[i % 20] + given[i % 24] + given[(i // 24) % 24], "id_type": "resident_id",
        "id_number": id_number(f"110101{birth}{1 + i % 999:03d}"), "phone": f"138{i % 10**8:08d}",
        "email": f"applicant{i}@example.com", "address": "",
        "description": f"申请公开{2019 + i % 8}年城乡低保资金发放的相关政府信息，包括文件名称、文号及具体内容，用于核实本人权益。（第{i}号测试申请）",
        "form": "electronic", "delivery": "email", "submission_key": str(uuid.uuid4()),
    }
    return json.dumps(body, ensure_ascii=False).encode()


def id_number(first17: str) -> str:
    """身份证号 check digit, ISO 7064 MOD 11-2 (GB 11643)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


# --- machine and process accounting ---------------------------------------------------------------


def load_machine(postgres_version: str) -> list[tuple[str, str]]:
    cpu, kib = cpu_and_memory()
    mem = "unknown" if kib is None else f"{gib(kib)} ({kib:,} kB MemTotal)"
    import django
    import gunicorn

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return [
        ("nproc", str(nproc())), ("CPU", cpu), ("RAM total", mem), *python_and_platform(),
        ("PostgreSQL", postgres_version), ("Django", django.__version__), ("gunicorn", gunicorn.__version__),
        ("wrk", (wrk.stdout + wrk.stderr).splitlines()[0].split(" Copyright")[0] if wrk.stdout + wrk.stderr else "?"),
        load_average(),
    ]


def machine_idle() -> tuple[float, float]:
    """(idle + iowait, total) jiffies from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return values[3] + values[4], sum(values)


def wait_idle(minutes: float, threshold: float = 0.9, window: float = 5.0) -> float:
    """Wait until the machine is at least ``threshold`` idle over ``window`` s, for at most ``minutes``;
    returns the last idle share seen."""
    deadline = time.monotonic() + minutes * 60
    while True:
        idle0, total0 = machine_idle()
        time.sleep(window)
        idle1, total1 = machine_idle()
        share = (idle1 - idle0) / max(total1 - total0, 1)
        if share >= threshold or time.monotonic() >= deadline:
            return share
        print(f"  waiting: the machine is only {share * 100:.0f}% idle", flush=True)


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# --- the database ---------------------------------------------------------------------------------


class Database:
    """A scratch PostgreSQL database on ``server``, named after the benchmark and this process."""

    def __init__(self, server: str, slug: str):
        self.server = server.rstrip("/")
        self.name = f"yg_bench_{slug}_{os.getpid()}"
        self.url = f"{self.server}/{self.name}"

    def admin(self, sql: str, params=None) -> list[tuple]:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def create(self) -> str:
        self.admin(f"CREATE DATABASE {self.name}")
        return self.admin("SELECT version()")[0][0].split(" on ")[0]

    def drop(self) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def backend_pids(self) -> list[int]:
        return [r[0] for r in self.admin("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.name])]


class ActivitySampler:
    """Samples pg_stat_activity every ``interval`` s in a thread: what the benchmark's connections
    are doing (running a statement, waiting on a row lock, idle inside a transaction while the worker
    runs Python, idle between requests)."""

    def __init__(self, url: str, interval: float = 0.01):
        self.url, self.interval = url, interval
        self.counts: dict[str, int] = {}
        self.samples = 0
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        import psycopg

        sql = ("SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = current_database() "
               "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop_event.wait(self.interval):
                self.samples += 1
                for state, wait_type, wait in conn.execute(sql).fetchall():
                    if state == "active":
                        key = ("waiting on a lock (" + wait + ")") if wait_type == "Lock" else (
                            f"in a statement, waiting ({wait_type}:{wait})" if wait_type else "in a statement, running")
                    else:
                        key = state or "unknown"
                    self.counts[key] = self.counts.get(key, 0) + 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        self.thread.join()

    def shares(self) -> list[tuple[str, float]]:
        total = sum(self.counts.values()) or 1
        return sorted(((k, v / total) for k, v in self.counts.items()), key=lambda kv: -kv[1])


# --- the server -----------------------------------------------------------------------------------


def server_environment(database_url: str, home: Path, extra: dict[str, str]) -> dict[str, str]:
    """Production settings from a fresh key file, plus the bench app (settings ``foi_submit.settings``)."""
    keys = subprocess.run([sys.executable, "-m", "yangguang.keys"], capture_output=True, text=True, check=True).stdout
    (home / "bench.env").write_text(keys)
    env = dict(os.environ)
    for line in keys.splitlines():
        name, _, value = line.partition("=")
        env[name] = value
    env.update({
        "DATABASE_URL": database_url,
        "YANGGUANG_HOME": str(home),
        "YANGGUANG_DEBUG": "false",
        "YANGGUANG_CONN_MAX_AGE": "600",
        "YANGGUANG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "foi_submit.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        **extra,
    })
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "yangguang", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"yangguang {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, env: dict, home: Path, workers: int, extra: list[str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = home / "gunicorn.log"
        from gunicorn.config import KNOWN_SETTINGS

        # gunicorn >= 25 opens a control socket under ~/.gunicorn by default; a benchmark needs none.
        quiet = ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []
        command = [
            sys.executable, "-m", "gunicorn", "yangguang.wsgi", "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}", "--error-logfile", str(self.log), *quiet, *extra,
        ]
        self.command = " ".join(command[1:])
        self.process = subprocess.Popen(command, env=env, cwd=home, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def post_one(base: str, endpoint: Endpoint) -> tuple[int, dict | str]:
    request = urllib.request.Request(f"{base}{endpoint.path}", data=endpoint.body(0),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")[:500]


# --- the load -------------------------------------------------------------------------------------


def run_wrk(args, base: str, endpoint: Endpoint, seconds: int) -> dict:
    nonce = secrets.token_hex(4)
    command = [
        "wrk", "--threads", str(args.threads), "--connections", str(args.connections), "--duration", f"{seconds}s",
        "--timeout", f"{args.timeout}s", "--latency", "--script", str(endpoint.lua), base, "--", endpoint.path,
        *(arg.replace("{nonce}", nonce) for arg in endpoint.lua_args),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    result = None
    for line in done.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            result = json.loads(line[len("WRK_RESULT "):])
    if done.returncode != 0 or result is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result["statuses"] = {int(k): v for k, v in result["statuses"].items()}
    result["raw"] = done.stdout
    return result


def measure(args, server: Gunicorn, db: Database, endpoint: Endpoint) -> dict:
    key = endpoint.key
    print(f"\n[{key}] warm-up {args.warmup} s, then {args.duration} s timed, {args.connections} connections, "
          f"{args.threads} wrk threads", flush=True)
    warm = run_wrk(args, server.base, endpoint, args.warmup)
    print(f"[{key}]   warm-up: {warm['requests']:,} requests, statuses {warm['statuses']}", flush=True)

    pids = server.workers()
    backends = db.backend_pids()
    before = {pid: cpu_seconds(pid) for pid in pids + backends}
    idle0, total0 = machine_idle()
    rusage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with ActivitySampler(db.url) as sampler:
        timed = run_wrk(args, server.base, endpoint, args.duration)
    rusage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    idle1, total1 = machine_idle()
    backends_after = db.backend_pids()
    after = {pid: cpu_seconds(pid) for pid in pids + backends}
    timed["cpu"] = {
        "gunicorn workers": sum(after[p] - before[p] for p in pids),
        "PostgreSQL backends": sum(after[p] - before[p] for p in backends),
        "wrk": (rusage1.ru_utime + rusage1.ru_stime) - (rusage0.ru_utime + rusage0.ru_stime),
    }
    timed["idle_share"] = (idle1 - idle0) / max(total1 - total0, 1)
    timed["busy_core_seconds"] = (total1 - total0 - (idle1 - idle0)) / CLK_TCK
    timed["activity"] = sampler.shares()
    timed["activity_samples"] = sampler.samples
    timed["new_backends"] = sorted(set(backends_after) - set(backends))
    timed["warm"] = warm
    timed["seconds"] = timed["duration_us"] / 1e6
    timed["created"] = timed["statuses"].get(201, 0)
    timed["rate"] = timed["created"] / timed["seconds"]
    timed["bad"] = sum(v for k, v in timed["statuses"].items() if not 200 <= k < 300) + sum(
        timed["errors"][k] for k in ("connect", "read", "write", "timeout"))
    print(f"[{key}]   timed:   {timed['requests']:,} requests, statuses {timed['statuses']}, "
          f"socket errors {timed['errors']}", flush=True)
    return timed


# --- the checks and the profile (the parts that run in a Django worker process) ---------------------


def run_django_worker(env: dict, script: str, *args: str) -> dict:
    """Run ``script`` again as a worker with the server's settings; returns the JSON of its last line."""
    done = subprocess.run([sys.executable, script, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ceiling_check() -> dict:
    from foi_submit.models import CeilingRow

    return {"rows": CeilingRow.objects.count()}


def numbers_check(rows: list[tuple[str, int]]) -> dict:
    """(number, sequence) of every stored row: sequence values 1..N with no gap, N distinct numbers,
    each number ending in its sequence value."""
    from yangguang.core.models import NumberSequence

    numbers = [number for number, _ in rows]
    values = sorted(sequence for _, sequence in rows)
    # The printed number must carry its sequence value (the last group of digits).
    unparsed = sum(1 for number, sequence in rows if not re.search(rf"(?<!\d)0*{sequence}\D*$", number))
    return {
        "rows": len(rows),
        "distinct_numbers": len(set(numbers)),
        "unparsed": unparsed,
        "min": values[0] if values else None,
        "max": values[-1] if values else None,
        "gapless": values == list(range(1, len(values) + 1)),
        "sequence_rows": list(NumberSequence.objects.values_list("kind", "year", "last_value")),
        "examples": sorted(numbers)[:1] + sorted(numbers)[-1:],
    }


def worker_profile(endpoints: tuple[Endpoint, ...], requests: int) -> dict:
    """The endpoints in one process through Django's test client (the full middleware stack, no
    HTTP server, one client): SQL statements of one request, the median time of ``requests`` requests,
    and a cProfile of as many more."""
    import cProfile
    import io
    import pstats
    import statistics

    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")
    counter = iter(range(10**6, 10**7))

    def post(endpoint: Endpoint) -> None:
        response = client.post(endpoint.path, data=endpoint.body(next(counter)), content_type="application/json")
        assert response.status_code == 201, (response.status_code, response.content[:300])

    out = {}
    for endpoint in endpoints:
        for _ in range(100):
            post(endpoint)
        request_started.disconnect(reset_queries)  # it would empty the log the context reads
        with CaptureQueriesContext(connection) as captured:
            post(endpoint)
        queries = [q["sql"] for q in captured.captured_queries]  # a view of the log: copy it now
        request_started.connect(reset_queries)
        times = []
        for _ in range(requests):
            t0 = time.perf_counter()
            post(endpoint)
            times.append((time.perf_counter() - t0) * 1000)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            post(endpoint)
        profiler.disable()
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(60)
        out[endpoint.key] = {
            "queries": queries,
            "median_ms": statistics.median(times), "mean_ms": statistics.fmean(times),
            "profile": text.getvalue(),
        }
    return out


def profile(bench: LoadBench, env: dict, requests: int, home: Path) -> dict:
    result = run_django_worker(env, bench.script, "--worker-profile", str(requests))
    print(f"\nIn-process profile (Django test client, one client, no HTTP server; {requests} requests each)")
    for key, r in result.items():
        print(f"  {key}: median {r['median_ms']:.2f} ms, mean {r['mean_ms']:.2f} ms per request, "
              f"{len(r['queries'])} SQL statements per request:")
        for sql in r["queries"]:
            print(f"    {sql[:150]}{'…' if len(sql) > 150 else ''}")
        path = home.parent / f"yg-bench-{bench.slug}-profile-{key}.txt"
        path.write_text(r["profile"])
        print(f"    cProfile (top by own time and by cumulative time) written to {path}")
    return result


# --- the report -----------------------------------------------------------------------------------


def ms(us: float) -> float:
    return us / 1000


def report(label: str, r: dict) -> None:
    lat = r["latency_us"]
    print(f"\n{label}")
    print(f"  {r['created']:,} created (201) in {r['seconds']:.1f} s = {r['rate']:,.0f} /s"
          f"   (all responses {r['requests'] / r['seconds']:,.0f} req/s)")
    print(f"  latency  p50 {ms(lat['p50']):6.1f} ms  p75 {ms(lat['p75']):6.1f} ms  p90 {ms(lat['p90']):6.1f} ms  "
          f"p99 {ms(lat['p99']):6.1f} ms  p99.9 {ms(lat['p99.9']):6.1f} ms  max {ms(lat['max']):6.1f} ms  "
          f"mean {ms(lat['mean']):6.1f} ms")
    print(f"  non-2xx or socket errors: {r['bad']:,}  (statuses {r['statuses']}, socket errors connect "
          f"{r['errors']['connect']} read {r['errors']['read']} write {r['errors']['write']} timeout "
          f"{r['errors']['timeout']}){'' if r['bad'] == 0 else '  -> THIS RUN DOES NOT COUNT'}")
    n = max(r["requests"], 1)
    cpu = r["cpu"]
    other = r["busy_core_seconds"] - sum(cpu.values())
    print(f"  CPU per request: gunicorn workers {cpu['gunicorn workers'] / n * 1000:.2f} ms, PostgreSQL backends "
          f"{cpu['PostgreSQL backends'] / n * 1000:.2f} ms, wrk {cpu['wrk'] / n * 1000:.2f} ms")
    print(f"  cores in use: gunicorn {cpu['gunicorn workers'] / r['seconds']:.2f}, PostgreSQL "
          f"{cpu['PostgreSQL backends'] / r['seconds']:.2f}, wrk {cpu['wrk'] / r['seconds']:.2f}, everything else "
          f"(kernel, other processes) {other / r['seconds']:.2f}; idle {r['idle_share'] * 100:.0f}% of the machine")
    if other / r["seconds"] > DISTURBED_CORES:
        print(f"  DISTURBED: something else used {other / r['seconds']:.2f} cores during this run; its figures are low")
    activity = ", ".join(f"{share * 100:.0f}% {state}" for state, share in r["activity"] if share >= 0.005)
    print(f"  PostgreSQL connections of the server ({r['activity_samples']:,} samples of pg_stat_activity): {activity}")
    if r["new_backends"]:
        print(f"  note: {len(r['new_backends'])} new PostgreSQL connections during the run (persistent connections expected)")
    check = r.get("check")
    if check:
        extra = check["rows"] - check["expected"]
        print(f"  database: {check['rows']:,} rows = {check['expected']:,} answered 201 (probe, warm-up and timed run) "
              f"+ {extra:,} of the {check['unanswered']:,} requests still in flight when wrk stopped: "
              f"{'OK' if rows_match(check) else 'MISMATCH'}")
        if "gapless" in check:
            gapless = "gapless" if check["gapless"] and not check["unparsed"] else "NOT GAPLESS"
            unparsed = f", {check['unparsed']} numbers not ending in their sequence value" if check["unparsed"] else ""
            print(f"  numbers: {check['distinct_numbers']:,} distinct, sequence {check['min']}..{check['max']}, "
                  f"{gapless}{unparsed}; sequence rows (kind, year, last value) {check['sequence_rows']}; "
                  f"e.g. {', '.join(check['examples'])}")
        for line in check.get("notes", ()):
            print(f"  {line}")


def rows_match(check: dict) -> bool:
    return 0 <= check["rows"] - check["expected"] <= check["unanswered"]


def check_ok(r: dict) -> bool:
    check = r["check"]
    ok = rows_match(check) and check.get("ok", True)
    if "gapless" in check:
        ok &= bool(check["gapless"]) and not check["unparsed"] and check["distinct_numbers"] == check["rows"]
    return ok


def summary(bench: LoadBench, results: dict[str, dict]) -> None:
    verdict = {True: "MET", False: "NOT MET"}
    subject = bench.endpoints[-1].key
    if "ceiling" in results:
        c = results["ceiling"]
        print(f"\n  ceiling: {c['rate']:,.0f} req/s ({c['rate'] / EXPECTED_CEILING:.2f}x the ~{EXPECTED_CEILING:,} req/s the "
              f"issue quotes for this machine; for information)")
    if "ceiling" in results and subject in results:
        c, f = results["ceiling"], results[subject]
        ratio = f["rate"] / c["rate"]
        p99 = ms(f["latency_us"]["p99"])
        counts = c["bad"] == 0 and f["bad"] == 0
        print(f"  {bench.subject} / ceiling = {f['rate']:,.0f} / {c['rate']:,.0f} = {ratio:.2f}  "
              f"(target >= {TARGET_RATIO:.2f}, i.e. {TARGET_RATIO * c['rate']:,.0f} {bench.unit}/s in this run)")
        print(f"  throughput >= {TARGET_RATIO:.0%} of the ceiling: {verdict[ratio >= TARGET_RATIO and counts]} "
              f"({ratio / TARGET_RATIO:.2f}x the target)")
        print(f"  {bench.subject} p99 <= {TARGET_P99_MS:g} ms: {verdict[p99 <= TARGET_P99_MS and counts]} "
              f"({p99:.1f} ms, {p99 / TARGET_P99_MS:.2f}x the target)")
        if not counts:
            print("  a run had non-2xx responses or socket errors: the targets cannot be met by this run")


# --- the driver -----------------------------------------------------------------------------------


def load_parser(bench: LoadBench, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--duration", type=int, default=30, help="seconds of each timed run (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of each warm-up run (default 5)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--timeout", type=int, default=10, help="wrk socket timeout in seconds (default 10)")
    parser.add_argument("--only", choices=[e.key for e in bench.endpoints], help="run only one endpoint")
    parser.add_argument("--gunicorn-arg", action="append", default=[], metavar="ARG",
                        help="extra gunicorn argument, repeatable (e.g. --gunicorn-arg=--worker-class=gthread)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL without a database name; a scratch database is created and dropped")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="MINUTES",
                        help="first wait up to MINUTES for the machine to be >= 90%% idle over 5 s (default: don't wait)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="afterwards, profile N requests per endpoint in one process (SQL per request, cProfile)")
    parser.add_argument("--worker-check", choices=[e.key for e in bench.endpoints], help=argparse.SUPPRESS)
    parser.add_argument("--worker-profile", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker-prepare", action="store_true", help=argparse.SUPPRESS)
    return parser


def load_main(bench: LoadBench, description: str, argv: list[str] | None = None) -> int:
    """Parse the command line and run the benchmark (or, with a --worker-… option, one of its worker
    steps inside Django). Exit status 1 when a database check fails, 2 when wrk is missing."""
    args = load_parser(bench, description).parse_args(argv)
    if args.worker_check or args.worker_profile or args.worker_prepare:
        import django

        django.setup()
        if args.worker_prepare:
            print(json.dumps(bench.prepare(), ensure_ascii=False))
        elif args.worker_check:
            check = ceiling_check() if args.worker_check == "ceiling" else bench.check(args.worker_check)
            print(json.dumps(check, default=str))
        else:
            print(json.dumps(worker_profile(bench.endpoints, args.worker_profile), default=str))
        return 0

    if shutil.which("wrk") is None:
        print("wrk is not installed. On Debian/Ubuntu: apt-get install -y wrk", file=sys.stderr)
        return 2
    endpoints = [e for e in bench.endpoints if args.only in (None, e.key)]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the finally blocks clean up

    idle_before = wait_idle(args.wait_idle)  # one 5 s window when not asked to wait
    db = Database(args.postgres, bench.slug)
    home = Path(tempfile.mkdtemp(prefix=f"yg-bench-{bench.slug}-"))
    server = None
    results: dict[str, dict] = {}
    started = time.perf_counter()
    try:
        postgres_version = db.create()
        print(bench.title)
        for key, value in load_machine(postgres_version):
            print(f"  {key:<10} {value}")
        print(f"  command    {' '.join([Path(sys.executable).name, *sys.argv])}")
        print(f"  idle       {idle_before * 100:.0f}% of the machine over the 5 s before the start")
        if idle_before < 0.9:
            print(f"  WARNING    the machine is busy: the client, the server and PostgreSQL share its {os.cpu_count()} cores "
                  f"with whatever else runs, so the figures will be low")
        env = server_environment(db.url, home, bench.env)
        manage(env, "migrate", "--verbosity", "0")
        seeded = manage(env, "workdays", "seed").replace("\n", " ")
        done = [bench.setup(env)] if bench.setup else []
        if bench.prepare:
            done.append(run_django_worker(env, bench.script, "--worker-prepare"))
        print(f"  setup      migrate; workdays seed: {seeded or '-'}; {'; '.join(done)}")
        server = Gunicorn(env, home, args.workers, args.gunicorn_arg)
        print(f"  server     {server.command}  ({bench.server_note})")
        server.wait_healthy()

        for endpoint in endpoints:
            status, body = post_one(server.base, endpoint)
            print(f"\n[{endpoint.key}] probe: {status} {json.dumps(body, ensure_ascii=False)[:300]}")
            if status != 201:
                print(f"[{endpoint.key}] the endpoint must answer 201 before it is measured; gunicorn log:\n{server.log_tail()}")
                return 1
            result = measure(args, server, db, endpoint)
            check = run_django_worker(env, bench.script, "--worker-check", endpoint.key)
            # wrk stops mid-request at the end of a run: what the server was doing then is stored
            # but never answered, so the rows may exceed the 201s by at most the unanswered requests.
            check["expected"] = 1 + result["warm"]["statuses"].get(201, 0) + result["created"]
            check["unanswered"] = sum(r["sent"] - r["requests"] for r in (result["warm"], result))
            result["check"] = check
            results[endpoint.key] = result
        if args.profile:
            server.stop()
            profile(bench, env, args.profile, home)
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"\nkept {db.url} and {home}")
        else:
            db.drop()
            shutil.rmtree(home, ignore_errors=True)

    print(f"\nSummary ({args.connections} connections, {args.threads} wrk threads, gunicorn {args.workers} workers"
          f"{' ' + ' '.join(args.gunicorn_arg) if args.gunicorn_arg else ''}, {args.duration} s timed after {args.warmup} s warm-up)")
    ok = True
    labels = {e.key: e.label for e in bench.endpoints}
    for key, result in results.items():
        report(labels[key], result)
        ok &= check_ok(result)
    summary(bench, results)
    print(f"\nDatabase checks: {'all passed' if ok else 'FAILED'}. Wall time {(time.perf_counter() - started) / 60:.1f} min; "
          f"load average afterwards {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ok else 1
