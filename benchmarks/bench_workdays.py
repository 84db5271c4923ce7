"""Working-day arithmetic benchmark: our pure WorkCalendar against chinesecalendar.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_workdays.py [--quick]``.

What is measured (no Django, no database):
  * ``WorkCalendar.add_workdays(start, n)``: 1,000,000 calls (100,000 with --quick);
  * ``chinese_calendar.find_workday(n, start)``: 10,000 calls (1,000 with --quick) on the first
    inputs of the same list, i.e. the same distribution of start dates and n;
  * ``WorkCalendar.count_workdays(start, end)``: 1,000,000 calls (100,000 with --quick); there is no
    reference for this one (chinesecalendar has no equivalent of a single count call), so it is only
    timed and checked for consistency with add_workdays.

Inputs are generated before timing with a seeded RNG: start dates uniform over 2004-01-01 ..
2026-10-31 (chinesecalendar covers 2004-2026 and raises outside it, so the start range stops early
enough that start + 40 working days never leaves 2026), n uniform in 1..40. Timings include the
Python ``for`` loop and the call; the empty-loop cost is printed separately for reference. The
garbage collector is left on, as in production.

Correctness: on the first 2,000 inputs whose start is a working day, ``add_workdays(start, n).date``
must equal ``find_workday(n, start)`` (find_workday counts the start day when it is a working day,
so the two definitions agree only there). Any disagreement exits with status 1. Missing a speed
target does not change the exit status (timings on a shared machine are noisy); it is printed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from importlib import metadata

import _harness  # benchmarks/_harness.py, beside this script

import chinese_calendar

from yangguang.core.workcalendar import WorkCalendar

TARGET_US_PER_CALL = 2.0
TARGET_RATIO = 1000.0
FIRST = date(2004, 1, 1)
LAST_START = date(2026, 10, 31)
CHECK_SAMPLE = 2000


def machine() -> list[tuple[str, str]]:
    cpu, kib = _harness.cpu_and_memory()
    rows = [("nproc", str(_harness.nproc())), ("CPU", cpu), ("RAM total", _harness.gib(kib)), *_harness.python_and_platform()]
    try:
        rows.append(("chinesecalendar", metadata.version("chinesecalendar")))
    except metadata.PackageNotFoundError:
        rows.append(("chinesecalendar", "?"))
    return rows


def make_inputs(rng: random.Random, count: int) -> list[tuple[date, int]]:
    lo, hi = FIRST.toordinal(), LAST_START.toordinal()
    return [(date.fromordinal(rng.randint(lo, hi)), rng.randint(1, 40)) for _ in range(count)]


def make_ranges(rng: random.Random, count: int) -> list[tuple[date, date]]:
    lo, hi = FIRST.toordinal(), LAST_START.toordinal()
    out = []
    for _ in range(count):
        s = rng.randint(lo, hi)
        out.append((date.fromordinal(s), date.fromordinal(s + rng.randint(1, 90))))
    return out


CHUNKS = 10


def time_calls(func, args: list[tuple]) -> list[float]:
    """Seconds for calling func(*a) for every a in args (loop included), measured in CHUNKS equal
    consecutive slices so that a burst of load from other processes shows up as one slow slice
    instead of silently inflating the whole figure."""
    size = max(1, len(args) // CHUNKS)
    out = []
    for k in range(0, len(args), size):
        chunk = args[k : k + size]
        t0 = time.perf_counter()
        for a, b in chunk:
            func(a, b)
        out.append(time.perf_counter() - t0)
    return out


def time_empty_loop(args: list[tuple]) -> list[float]:
    """The same chunked loop with no call in it: the loop's own share of the figures above."""
    size = max(1, len(args) // CHUNKS)
    out = []
    for k in range(0, len(args), size):
        chunk = args[k : k + size]
        t0 = time.perf_counter()
        for a, b in chunk:
            pass
        out.append(time.perf_counter() - t0)
    return out


def report(label: str, calls: int, chunks: list[float]) -> float:
    """Print total, best and median slice; return the median per-call time in µs."""
    total = sum(chunks)
    per = sorted(c / (calls / len(chunks)) * 1e6 for c in chunks)
    median = per[len(per) // 2] if len(per) % 2 else (per[len(per) // 2 - 1] + per[len(per) // 2]) / 2
    mean = total / calls * 1e6
    print(
        f"  {label:<42} {calls:>9,} calls {total:7.3f} s  mean {mean:9.3f}  median {median:9.3f}  "
        f"best {per[0]:9.3f} µs/call  {1e6 / median:12,.0f} calls/s (median)"
    )
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10x fewer calls")
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()

    n_ours = 100_000 if args.quick else 1_000_000
    n_ref = 1_000 if args.quick else 10_000

    print("Working-day benchmark (yangguang.core.workcalendar vs chinesecalendar)")
    for k, v in machine():
        print(f"  {k:<16} {v}")
    print(f"  {'seed':<16} {args.seed}{'  (--quick)' if args.quick else ''}")

    years = sorted({d.year for d in chinese_calendar.holidays})
    t0 = time.perf_counter()
    cal = WorkCalendar(holidays=chinese_calendar.holidays, workdays=chinese_calendar.workdays, years=years)
    build = time.perf_counter() - t0
    print(f"  calendar years   {years[0]}-{years[-1]} ({len(years)} years), built in {build * 1e3:.1f} ms")

    rng = random.Random(args.seed)
    inputs = make_inputs(rng, n_ours)
    ranges = make_ranges(rng, n_ours)
    ref_inputs = inputs[:n_ref]

    # --- correctness against the reference (not timed) ---------------------------------------
    checked = 0
    mismatches = []
    provisional = 0
    for start, n in inputs:
        if checked >= CHECK_SAMPLE:
            break
        if not chinese_calendar.is_workday(start):
            continue
        checked += 1
        ours = cal.add_workdays(start, n)
        ref = chinese_calendar.find_workday(n, start)
        provisional += ours.provisional
        if ours.date != ref:
            mismatches.append((start, n, ours.date, ref))
    # internal consistency of count_workdays with add_workdays (no external reference exists)
    inconsistent = []
    for start, n in inputs[:CHECK_SAMPLE]:
        end = cal.add_workdays(start, n).date
        c = cal.count_workdays(start, end).days
        if c != n:
            inconsistent.append((start, n, end, c))

    # --- timing --------------------------------------------------------------------------------
    warm = inputs[:10_000]
    time_calls(cal.add_workdays, warm)
    time_calls(cal.count_workdays, ranges[:10_000])

    print()
    print(f"Timings in µs per call (Python loop included; GC on; each run split into {CHUNKS} slices;")
    print("targets and ratio use the median slice, robust to bursts of load from other processes)")
    report("empty for-loop over the inputs", n_ours, time_empty_loop(inputs))
    ours_us = report("WorkCalendar.add_workdays(start, n)", n_ours, time_calls(cal.add_workdays, inputs))
    ref_args = [(n, s) for s, n in ref_inputs]
    ref_chunks = time_calls(chinese_calendar.find_workday, ref_args)
    ref_us = report("chinese_calendar.find_workday(n, start)", n_ref, ref_chunks)
    report("WorkCalendar.count_workdays(start, end)", n_ours, time_calls(cal.count_workdays, ranges))
    print("    (count_workdays has no chinesecalendar equivalent: timed only, no reference ratio)")
    ratio = ref_us / ours_us
    mean_n = sum(n for _, n in inputs) / len(inputs)

    print()
    print(f"add_workdays is {ratio:,.0f}x faster than chinese_calendar.find_workday (median/median)")
    print(f"  mean n = {mean_n:.2f}: find_workday is linear in n, add_workdays does not depend on n")

    print()
    print("Targets")
    ok_us = ours_us <= TARGET_US_PER_CALL
    ok_ratio = ratio >= TARGET_RATIO
    verdict = {True: "MET", False: "NOT MET"}
    print(f"  add_workdays <= {TARGET_US_PER_CALL:g} µs/call: {ours_us:8.3f} µs -> {verdict[ok_us]}")
    print(f"  >= {TARGET_RATIO:,.0f}x chinesecalendar:  {ratio:8,.0f}x   -> {verdict[ok_ratio]}")

    print()
    print("Correctness")
    print(
        f"  add_workdays vs find_workday on {checked:,} inputs with a working-day start: "
        f"{len(mismatches)} mismatches, {provisional} provisional"
    )
    print(
        f"  count_workdays(start, add_workdays(start, n)) == n on {CHECK_SAMPLE:,} inputs: "
        f"{len(inconsistent)} inconsistencies"
    )
    for start, n, got, want in mismatches[:10]:
        print(f"    MISMATCH add_workdays({start}, {n}) = {got}, find_workday = {want}")
    for start, n, end, c in inconsistent[:10]:
        print(f"    INCONSISTENT count_workdays({start}, {end}) = {c}, expected {n}")
    if mismatches or inconsistent or checked < CHECK_SAMPLE:
        print("FAIL")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
