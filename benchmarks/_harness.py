"""What every benchmark here needs: the machine's description, and a worker process per database
(SQLite in a temporary directory, or a scratch PostgreSQL database dropped afterwards)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
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
