"""Service-centre statistics benchmark (issue #6): ``reports.service_selectors.service_statistics``,
which ``yangguang report service`` and the statistics pages run, for a city-year of 10,000,000 cases
on PostgreSQL and 1,000,000 on SQLite.

Run with ``.venv/bin/python benchmarks/bench_service_stats.py [--cases-pg N] [--cases-sqlite N]
[--only pg|sqlite] [--repeat N] [--wait-idle MINUTES] [--keep]``. The defaults take about a quarter of an
hour on 2 cores, most of it loading PostgreSQL (about 15 GB of disk);
``--cases-pg 200000 --cases-sqlite 100000 --repeat 2`` checks the script in a minute.

Each database gets its own worker process and throwaway database, migrated with the project's
migrations: PostgreSQL ``yg_bench_svcstat_<pid>`` on ``--postgres``, dropped afterwards (also when the
worker fails); SQLite a file in a new temporary directory. The worker then:

* **builds a city** (deterministic, ``--seed``): the city government (the root) with its service centre
  and 50 departments; 8 counties, each a government with its own centre, 25 departments and 12 towns of
  10 villages (the towns and villages are the agency points, 便民服务中心/站). At each centre most
  departments have a resident window (常驻窗口) and the small ones share comprehensive windows (综合窗口),
  through ``WindowAuthorisation``s; one or two departments per centre are not stationed there and
  register their own cases. About 6,000 ``ServiceItem``s (15-90 per city department, 6-30 per county
  department; 30% 即办件, the others committed 1-20 working days, most with a longer legal limit; 4%
  no longer active);
* **loads the cases fast**: ``--cases-pg`` / ``--cases-sqlite`` submitted on the working days of 2026
  (Monday +15%, Friday -10%, January and February -20%), plus December 2025 at last year's volume (-8%), so that January's
  completions include cases accepted the year before; ids grow with time. A case's item is drawn by
  popularity (Zipf within the city's catalogue, 35% of cases, and each county's, 65%, shared by county
  size). Channels: county items 14% agency (a village point 70%, the town's own 30%; forwarded and
  accepted at the centre 1-2 working days later), 25% online; city items 3% agency, 30% online; the
  rest at a window authorised for the item's department. About 10% of all cases are agency cases. 1% are
  refused acceptance (不予受理); 即办件 are completed the day they are accepted (97%); the others take
  0 working days (10%), up to their commitment (83%), up to the legal limit (5%) or past it (2%), plus
  2-10 suspended working days for 6% of them (counted out of ``used_workdays``, as the clock does);
  0.4% are withdrawn; what would finish after 2026-12-31 is still open. 65% of completed cases are
  delivered. Suspensions, steps and hops are not created: the statistics read only the case rows.
  PostgreSQL: one ``COPY``; SQLite: ``executemany`` in transactions of 250,000 rows. For the load, the
  secondary indexes, unique constraints and foreign keys of ``services_case`` that ``migrate`` created
  are dropped and then rebuilt from their own definitions, each build timed (PostgreSQL with
  ``maintenance_work_mem`` 512 MB in that session; SQLite keeps its two inline unique indexes, loads
  with foreign keys off and runs ``PRAGMA foreign_key_check`` afterwards); the worker checks that the
  definitions are identical afterwards. Then ``VACUUM ANALYZE`` / ``ANALYZE``;
* **measures** ``service_statistics(org, 2026-01-01, 2026-12-31)`` for five organisations: the city
  (the root: every case), the largest county, the city's service centre, the busiest city department
  and the largest town of that county. Rounds of one call each plus the reference, ``1 + --repeat``
  times; the first round is the warm-up (reported, not in the median and p95). The reference is a bare
  ``SELECT count(*)`` of the cases accepted in the year, in the same rounds, so that the ratio says how
  far the statistics are from one read of the year. Every report's totals (accepted, completed, on the
  spot, within the commitment, saved working days) must equal the generator's own tallies, or the worker
  fails. Then, once each, the five again with each statement timed and the scans of the slowest
  (``EXPLAIN`` / ``EXPLAIN QUERY PLAN``), and ``yangguang report service`` for the city end to end
  (JSON and XLSX written to a file);
* **the machine** (it may be shared): the load average, the cores busy on the whole machine in the 2 s
  before each round, when nothing of the benchmark runs, and during all the rounds (the benchmark and its
  database server included). With ``--wait-idle M`` each round, each statement-by-statement run and
  each run of the command first waits until at most 0.3 cores were busy over 2 s, M minutes at most in all.

Target (issue #6): a city-year of 10,000,000 cases on PostgreSQL in at most 5 s; SQLite at 1,000,000 is
reported against the same 5 s. Missing it is printed, not an error (the machine is shared).
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import io
import itertools
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import _harness  # benchmarks/_harness.py, beside this script

TARGET_S = 5.0
ISSUE_CASES = {"postgresql": 10_000_000, "sqlite": 1_000_000}
SEED = 20260606
YEAR_FROM, YEAR_TO = date(2026, 1, 1), date(2026, 12, 31)
FIRST_DAY, LAST_CALENDAR_DAY = date(2025, 12, 1), date(2027, 6, 30)
SQLITE_BATCH = 250_000
QUIET_CORES = 0.3  # a round starts on a quiet machine when others keep at most this much of the CPU busy
SINCE = date(2024, 1, 1)  # the windows' authorisations
IMMEDIATE_PLAN, FULL_PLAN = '["accept", "complete"]', '["accept", "review", "approve", "complete"]'  # Case.step_plan
REFERENCE_SQL = "SELECT count(*) FROM services_case WHERE accepted_on >= %s AND accepted_on <= %s"

CITY_DEPARTMENTS, CITY_RESIDENT, CITY_SHARED_WINDOWS, CITY_UNSTATIONED = 50, 32, 8, 2
COUNTY_WEIGHTS = (1.6, 1.3, 1.2, 1.0, 0.9, 0.8, 0.7, 0.5)
COUNTY_DEPARTMENTS, COUNTY_RESIDENT, COUNTY_SHARED_WINDOWS, COUNTY_UNSTATIONED = 25, 12, 4, 1
TOWNS, VILLAGES = 12, 10
CITY_SHARE = 0.35
BUREAUS = ["发展和改革", "教育", "公安", "民政", "司法", "财政", "人力资源和社会保障", "自然资源", "生态环境", "住房和城乡建设",
           "交通运输", "水利", "农业农村", "商务", "文化和旅游", "卫生健康", "退役军人事务", "应急管理", "市场监督管理", "医疗保障",
           "林业", "城市管理", "行政审批服务", "税务", "不动产登记"]
ITEM_STEMS = ["许可证核发", "备案", "登记", "变更登记", "注销登记", "资格认定", "年度核验", "补贴申领", "证明开具", "审批",
              "证书换发", "信息查询", "延续", "证照补办"]
SURNAMES, GIVEN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TRACKING_STEP = 7_919_000_007  # not a multiple of 31: serial -> code is a bijection, so the codes are unique

# The order in which the loader writes the columns of services_case; the worker checks it against the model.
COLUMNS = (
    "organisation_id", "number", "sequence", "item_id", "department_id", "window_id", "channel", "agency_point_id",
    "location_id", "tracking_code", "secret_hash", "submission_key", "sender_hash", "applicant_type", "applicant_name",
    "id_number", "id_number_hash", "phone", "phone_hash", "applicant_user_id", "delivery", "request_note", "status",
    "submitted_at", "registered_by_id", "accepted_on", "accepted_at", "accepted_by_id", "rejection_reason", "immediate",
    "committed_limit", "legal_limit", "step_plan", "due_on", "warning_on", "due_provisional", "correction_items",
    "correction_note", "correction_requested_on", "completed_on", "completed_at", "decided_by_id", "result",
    "result_document", "result_note", "used_workdays", "delivered_on", "withdrawn_on", "withdrawal_reason", "imported",
)


def zipf(n: int, exponent: float) -> list[float]:
    return [1 / (k + 1) ** exponent for k in range(n)]


def tracking_code(serial: int, alphabet: str) -> str:
    """A unique code of ``core.tracking``'s alphabet and length for each serial."""
    n, out = (serial * TRACKING_STEP + 4_242) % len(alphabet) ** 10, []
    for _ in range(10):
        n, r = divmod(n, len(alphabet))
        out.append(alphabet[r])
    return "".join(out)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def cpu_sample() -> tuple[int, int]:
    """(idle + iowait, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return values[3] + values[4], sum(values)


def busy_between(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Cores busy on the whole machine between two samples."""
    return _harness.nproc() * (1 - (b[0] - a[0]) / max(b[1] - a[1], 1))


def busy_cores(seconds: float) -> float:
    a = cpu_sample()
    time.sleep(seconds)
    return busy_between(a, cpu_sample())


def quiet(deadline: float) -> float:
    """Cores busy over the last 2 s, after waiting until that is at most QUIET_CORES or ``deadline``
    (``time.monotonic``) has passed. Nothing of the benchmark runs meanwhile: what is busy is others'."""
    while (busy := busy_cores(2)) > QUIET_CORES and time.monotonic() < deadline:
        pass
    return busy


# --- the city ---------------------------------------------------------------------------------------


class City:
    """The organisations, windows and catalogue, created through the ORM, and what the case generator
    needs of them as plain tuples."""

    def __init__(self, seed: int):
        from django.db import transaction

        from yangguang.core.models import Organisation, Window, WindowAuthorisation
        from yangguang.services.models import ServiceItem

        rng = random.Random(seed)
        kind = Organisation.Kind

        def org(code, name, kind_, parent=None):
            o = Organisation(code=code, name=name, kind=kind_, parent=parent)
            o.save()
            return o

        with transaction.atomic():
            self.city = org("BENCH-CITY", "某市人民政府", kind.GOVERNMENT)
            self.centre = org("BENCH-CITY-ZWFW", "某市政务服务中心", kind.SERVICE_CENTRE, self.city)
            levels = [(self.city, self.centre, "市", CITY_DEPARTMENTS, CITY_RESIDENT, CITY_SHARED_WINDOWS, CITY_UNSTATIONED)]
            self.counties, self.points = [], []  # points[county] = [(organisation, weight)]
            for k in range(len(COUNTY_WEIGHTS)):
                county = org(f"BENCH-K{k + 1}", f"某市第{k + 1}县人民政府", kind.GOVERNMENT, self.city)
                centre = org(f"BENCH-K{k + 1}-ZWFW", f"第{k + 1}县政务服务中心", kind.SERVICE_CENTRE, county)
                self.counties.append(county)
                levels.append((county, centre, f"第{k + 1}县", COUNTY_DEPARTMENTS, COUNTY_RESIDENT, COUNTY_SHARED_WINDOWS,
                               COUNTY_UNSTATIONED))
                points = []
                for t, town_weight in enumerate(zipf(TOWNS, 0.6)):
                    town = org(f"BENCH-K{k + 1}-T{t + 1:02d}", f"第{k + 1}县第{t + 1}镇", kind.TOWN, county)
                    points.append((town, 0.3 * town_weight))
                    village_weights = zipf(VILLAGES, 0.5)
                    for v, w in enumerate(village_weights):
                        village = org(f"{town.code}-V{v + 1:02d}", f"{town.name}第{v + 1}村", kind.VILLAGE, town)
                        points.append((village, 0.7 * town_weight * w / sum(village_weights)))
                self.points.append(points)

            items, self.windows = [], 0
            self.level_items: list[list] = []
            for government, centre, prefix, n_departments, resident, shared, unstationed in levels:
                departments = [org(f"{government.code}-D{d + 1:02d}", f"{prefix}{BUREAUS[d % len(BUREAUS)]}"
                                   f"{'局' if d < len(BUREAUS) else '服务中心'}", kind.DEPARTMENT, government)
                               for d in range(n_departments)]
                served: dict[int, list] = {}
                authorisations = []
                for d, department in enumerate(departments[:resident]):
                    window = Window.objects.create(centre=centre, number=f"A{d + 1:02d}", name=f"{department.name}窗口",
                                                   kind=Window.Kind.RESIDENT)
                    served[department.pk] = [window.pk]
                    authorisations.append(WindowAuthorisation(window=window, department=department, authorised_on=SINCE))
                comprehensive = [Window.objects.create(centre=centre, number=f"B{w + 1:02d}", name=f"综合受理{w + 1}号窗口",
                                                       kind=Window.Kind.COMPREHENSIVE) for w in range(shared)]
                for department in departments[resident:n_departments - unstationed]:
                    served[department.pk] = [w.pk for w in comprehensive]
                    authorisations += [WindowAuthorisation(window=w, department=department, authorised_on=SINCE)
                                       for w in comprehensive]
                WindowAuthorisation.objects.bulk_create(authorisations)
                self.windows += resident + shared
                level = []
                for department in departments:
                    for i in range(rng.randint(15, 90) if government is self.city else rng.randint(6, 30)):
                        immediate = rng.random() < 0.3
                        committed = 0 if immediate else rng.choice((1, 2, 3, 5, 5, 7, 10, 10, 15, 20))
                        legal = (None if rng.random() < 0.4 else rng.choice((5, 10, 20))) if immediate else (
                            None if rng.random() < 0.2 else committed + rng.choice((0, 3, 5, 10, 15, 20, 30)))
                        item = ServiceItem(
                            code=f"{department.code}-{i + 1:03d}",
                            name=f"{department.name[len(prefix):]}{rng.choice(ITEM_STEMS)}",
                            kind="licence" if rng.random() < 0.6 else "public_service", department=department,
                            immediate=immediate, committed_limit=committed, legal_limit=legal,
                            steps=json.loads(IMMEDIATE_PLAN if immediate else FULL_PLAN),
                            is_active=rng.random() >= 0.04, sort_order=i)
                        items.append(item)
                        level.append((item, department, centre if department.pk in served else department,
                                      tuple(served.get(department.pk, ()))))
                self.level_items.append(level)
            ServiceItem.objects.bulk_create(items, batch_size=1000)
        self.organisations = Organisation.objects.count()
        self.items = len(items)

        # Popularity: Zipf over each level's items in a random order; the city gets CITY_SHARE of the cases.
        shares = [CITY_SHARE] + [(1 - CITY_SHARE) * w / sum(COUNTY_WEIGHTS) for w in COUNTY_WEIGHTS]
        self.catalogue, weights = [], []
        by_department: dict[int, float] = {}
        for county, (level, share) in enumerate(zip(self.level_items, shares)):
            order = list(range(len(level)))
            rng.shuffle(order)
            popularity = zipf(len(level), 0.9)
            total = sum(popularity)
            for rank, index in enumerate(order):
                item, department, handler, windows = level[index]
                weight = share * popularity[rank] / total
                weights.append(weight)
                by_department[department.pk] = by_department.get(department.pk, 0) + weight * (county == 0)
                self.catalogue.append((item.pk, department.pk, county - 1, item.immediate, item.committed_limit,
                                       item.legal_limit, handler.pk, windows, handler.code, item.name))
        self.cumulative = list(itertools.accumulate(weights))
        self.point_tables = [([p.pk for p, _ in pts], list(itertools.accumulate(w for _, w in pts))) for pts in self.points]
        self.county_cumulative = list(itertools.accumulate(COUNTY_WEIGHTS))

        # What is measured: the root, the largest county, the city's centre, the busiest city department
        # and the largest town of that county (the weights decide them, so the generator can tally them).
        department = max(by_department, key=by_department.get)
        town = self.points[0][0][0]
        self.targets = {
            "city": self.city, "county": self.counties[0], "centre": self.centre,
            "department": Organisation.objects.get(pk=department), "town": town,
        }
        self.town_points = frozenset(o.pk for o, _ in self.points[0] if o.path.startswith(town.path))


# --- the cases --------------------------------------------------------------------------------------


def daily_counts(cases: int) -> tuple[list[date], list[int]]:
    """Working days from FIRST_DAY on, and the cases submitted on each: ``cases`` in 2026, December
    2025 at last year's volume, none after 2026."""
    days = [FIRST_DAY + timedelta(n) for n in range((LAST_CALENDAR_DAY - FIRST_DAY).days + 1)]
    days = [d for d in days if d.weekday() < 5]

    def weight(d: date) -> float:
        return (0.8 if d.month <= 2 else 1.0) * {0: 1.15, 4: 0.9}.get(d.weekday(), 1.0) / (1.08 if d.year < 2026 else 1)

    in_year = [d for d in days if YEAR_FROM <= d <= YEAR_TO]
    scale = cases / sum(weight(d) for d in in_year)
    counts, cum, done = [], 0.0, 0
    for d in days:
        if d == in_year[0]:
            cum, done = 0.0, 0  # rounded on its own, so that 2026 adds up to ``cases`` exactly
        cum += weight(d) * scale if d <= YEAR_TO else 0
        n = round(cum) - done
        done += n
        counts.append(n)
    return days, counts


class Cases:
    """The case rows, in submission order, as tuples of COLUMNS; tallies the year's figures of each
    target as it goes (index 0 city, 1 county, 2 centre, 3 department, 4 town)."""

    def __init__(self, city: City, cases: int, seed: int, vendor: str):
        from yangguang.services.models import Case

        self.city, self.cases, self.seed = city, cases, seed
        # PostgreSQL gets local times with their offset; SQLite the UTC times Django stores (USE_TZ).
        self.shift, self.zone = (0, "+08") if vendor == "postgresql" else (-8, "")
        id_field, phone_field = Case._meta.get_field("id_number"), Case._meta.get_field("phone")
        self.ids = [id_field.get_prep_value(f"1101011980{n % 12 + 1:02d}{n % 28 + 1:02d}{n:03d}X") for n in range(512)]
        self.phones = [phone_field.get_prep_value(f"139{n:08d}") for n in range(512)]
        self.tallies = [[0] * 5 for _ in range(5)]  # accepted, completed, on the spot, within, saved
        self.counts = {"rows": 0, "in_2026": 0, "agency": 0, "online": 0, "rejected": 0, "withdrawn": 0}

    def __iter__(self):
        from yangguang.core.tracking import ALPHABET, CODE_LENGTH

        assert len(ALPHABET) == 31 and CODE_LENGTH == 10, "tracking_code() assumes 10 characters of 31"
        city, rng = self.city, random.Random(self.seed)
        rand, choices = rng.random, rng.choices
        days, per_day = daily_counts(self.cases)
        iso = [d.isoformat() for d in days]
        first, last = days.index(min(d for d in days if d >= YEAR_FROM)), max(i for i, d in enumerate(days) if d <= YEAR_TO)
        shift, zone = self.shift, self.zone
        ids, phones, tallies, counts = self.ids, self.phones, self.tallies, self.counts
        centre, department, town_points = city.centre.pk, city.targets["department"].pk, city.town_points
        points, county_cum = city.point_tables, city.county_cumulative
        sequences: dict[tuple, int] = {}
        people = max(1000, self.cases // 3)
        secret = hashlib.sha256(b"bench").hexdigest()
        serial, started, report = 0, time.perf_counter(), time.perf_counter() + 60

        def stamp(day: int, minute: int) -> str:
            return f"{iso[day]} {minute // 60 + shift:02d}:{minute % 60:02d}:{(minute * 7) % 60:02d}{zone}"

        for day, count in enumerate(per_day):
            if not count:
                continue
            if time.perf_counter() >= report:
                print(f"    {serial:>12,} cases generated  {time.perf_counter() - started:6.0f} s", flush=True)
                report = time.perf_counter() + 60
            for item, dept, county, immediate, committed, legal, org, windows, org_code, item_name in choices(
                    city.catalogue, cum_weights=city.cumulative, k=count):
                serial += 1
                r = rand()
                point = window = None
                point_county = -1
                if r < (0.14 if county >= 0 else 0.03):
                    channel = "agency"
                    point_county = county if county >= 0 else bisect.bisect(county_cum, rand() * county_cum[-1])
                    pks, cum = points[point_county]
                    point = pks[bisect.bisect(cum, rand() * cum[-1])]
                    accepted = day + 1 + (rand() < 0.4)
                    window = windows[int(rand() * len(windows))] if windows else None
                elif r < (0.39 if county >= 0 else 0.33):
                    channel = "online"
                    accepted = day + (rand() < 0.5)
                else:
                    channel = "window"
                    accepted = day
                    window = windows[int(rand() * len(windows))] if windows else None
                person = int(rand() * people)
                minute = 510 + int(rand() * (540 if channel == "window" else 840))
                status, location, rejection = "submitted", org, ""
                accepted_on = accepted_at = due = warning = completed_on = completed_at = used = None
                delivered = withdrawn = correction_on = None
                result = document = note = ""
                correction = "[]"
                if rand() < 0.01:
                    status, rejection, accepted = "rejected", "申请材料不齐全且不符合法定形式", None
                elif accepted > last:  # still on its way, or waiting at the centre
                    accepted = window = None
                    location = point or org
                if accepted is not None:
                    status, accepted_on = "accepted", iso[accepted]
                    accepted_at = stamp(accepted, minute if channel == "window" else 540)
                    suspended = 0
                    if immediate:
                        used = 0 if rand() < 0.97 else 1
                        due = iso[accepted]
                    else:
                        x = rand()
                        if x < 0.10:
                            used = 0
                        elif x < 0.93:
                            used = 1 + int(rand() * committed)
                        elif x < 0.98:
                            used = committed + 1 + int(rand() * max((legal or committed + 5) - committed, 1))
                        else:
                            used = (legal or committed) + 1 + int(rand() * 5)
                        if rand() < 0.06:
                            suspended = 2 + int(rand() * 9)
                            correction_on, correction = iso[accepted + 1], '["身份证明材料", "申请表"]'
                        due = iso[accepted + committed + suspended]
                        warning = iso[accepted + max(committed - 2, 0) + suspended]
                    done = accepted + used + suspended
                    if not immediate and rand() < 0.004 and accepted + 1 <= last:
                        status, withdrawn = "withdrawn", iso[accepted + 1]
                        used = None
                    elif done > last or (not immediate and rand() < 0.002):
                        status = "correction" if suspended else ("reviewing" if rand() < 0.6 else "approving")
                        used = None
                    else:
                        completed_on, completed_at = iso[done], stamp(done, min(minute + 30, 1020) if used == 0 else 900)
                        refused = rand() < 0.03
                        result = "refused" if refused else "approved"
                        note = "不符合法定条件" if refused else ""
                        document = f"{org_code}〔{days[done].year}〕{serial % 100000}号"
                        status = "completed"
                        if rand() < 0.65:
                            handover = done + int(rand() * 4)
                            if handover <= last:
                                status, delivered = "delivered", iso[handover]
                    in_year_accepted = first <= accepted <= last
                    in_year_completed = completed_on is not None and first <= done <= last
                    if in_year_accepted or in_year_completed:
                        keys = [0]
                        if county == 0 or point_county == 0:
                            keys.append(1)
                        if org == centre:
                            keys.append(2)
                        if dept == department:
                            keys.append(3)
                        if point in town_points:
                            keys.append(4)
                        for k in keys:
                            t = tallies[k]
                            if in_year_accepted:
                                t[0] += 1
                            if in_year_completed:
                                t[1] += 1
                                t[2] += done == accepted
                                t[3] += used <= committed
                                t[4] += (legal - used) if legal is not None else 0
                year = days[day].year
                sequence = sequences[(org, year)] = sequences.get((org, year), 0) + 1
                counts[status] = counts.get(status, 0) + 1
                counts[channel] = counts.get(channel, 0) + 1
                counts["in_2026"] += day >= first
                yield (
                    org, f"{org_code}-{year}-{sequence:07d}", sequence, item, dept, window, channel, point,
                    location, tracking_code(serial, ALPHABET), secret, f"{serial:032x}" if channel == "online" else None,
                    hashlib.sha256(b"s%d" % person).hexdigest() if channel == "online" else "",
                    "person" if person % 10 else "organisation",
                    SURNAMES[person % 20] + GIVEN[person // 20 % 24] + GIVEN[person // 480 % 24],
                    ids[person % 512], hashlib.sha256(b"i%d" % person).hexdigest(), phones[person % 512],
                    hashlib.sha256(b"p%d" % person).hexdigest(), None, ("window", "post", "electronic")[person % 3],
                    f"申请办理{item_name}", status, stamp(day, minute), None, accepted_on, accepted_at, None, rejection,
                    immediate, committed, legal, IMMEDIATE_PLAN if immediate else FULL_PLAN, due, warning, False,
                    correction, "请一次性补齐材料" if correction_on else "",
                    correction_on, completed_on, completed_at, None, result, document, note, used, delivered, withdrawn,
                    "申请人主动撤回" if withdrawn else "", False,
                )
        counts["rows"] = serial


# --- loading ------------------------------------------------------------------------------------------


class SecondaryIndexes:
    """The indexes, unique constraints and foreign keys of services_case that a bulk load would
    maintain row by row, as ``migrate`` created them: dropped before the load, built again from their
    own definitions afterwards (the primary key, the checks and SQLite's inline unique indexes stay)."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.definitions = self.read()

    def read(self) -> list[tuple[str, str, str]]:
        from django.db import connection

        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("SELECT 'index', name, sql FROM sqlite_master WHERE type = 'index' "
                               "AND tbl_name = 'services_case' AND sql IS NOT NULL ORDER BY name")
                return [tuple(r) for r in cursor.fetchall()]
            cursor.execute(
                "SELECT 'index', c.relname, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'services_case'::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) "
                "UNION ALL SELECT CASE contype WHEN 'u' THEN 'unique' ELSE 'foreign key' END, conname, "
                "pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'services_case'::regclass AND contype IN ('u', 'f') ORDER BY 1, 2")
            return [tuple(r) for r in cursor.fetchall()]

    def drop(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            for kind, name, _ in self.definitions:
                cursor.execute(f'DROP INDEX "{name}"' if kind == "index"
                               else f'ALTER TABLE services_case DROP CONSTRAINT "{name}"')

    def restore(self) -> list[tuple[str, str, float]]:
        from django.db import connection

        builds = []
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '512MB'")
            for kind, name, definition in sorted(self.definitions, key=lambda d: d[0] == "foreign key"):
                t0 = time.perf_counter()
                cursor.execute(definition if kind == "index"
                               else f'ALTER TABLE services_case ADD CONSTRAINT "{name}" {definition}')
                builds.append((kind, name, time.perf_counter() - t0))
            if self.vendor == "postgresql":
                cursor.execute("RESET maintenance_work_mem")
        if self.read() != self.definitions:
            raise SystemExit("the indexes and constraints of services_case differ from what migrate created")
        return builds


def load_postgresql(rows: Cases) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY services_case ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            write(row)


def load_sqlite(rows: Cases) -> float:
    """Inserts the rows with foreign keys off; returns the time of the foreign key check afterwards."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    raw.execute("PRAGMA foreign_keys = OFF")
    sql = f"INSERT INTO services_case ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, SQLITE_BATCH)):
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(sql, batch)
        raw.execute("COMMIT")
    raw.execute("PRAGMA foreign_keys = ON")
    t0 = time.perf_counter()
    problems = raw.execute("PRAGMA foreign_key_check(services_case)").fetchall()
    if problems:
        raise SystemExit(f"foreign key check failed: {problems[:5]}")
    return time.perf_counter() - t0


def sizes(vendor: str) -> dict[str, int]:
    """Bytes of the table ("table"), of each of its indexes, and of the database ("database")."""
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("SELECT m.name, SUM(s.pgsize) FROM dbstat s JOIN sqlite_master m ON m.name = s.name "
                           "WHERE m.tbl_name = 'services_case' GROUP BY m.name")
            found = {("table" if name == "services_case" else name): size for name, size in cursor.fetchall()}
            return {**found, "database": Path(connection.settings_dict["NAME"]).stat().st_size}
        cursor.execute("SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE i.indrelid = 'services_case'::regclass")
        found = dict(cursor.fetchall())
        cursor.execute("SELECT pg_relation_size('services_case'), pg_database_size(current_database())")
        table, database = cursor.fetchone()
        return {**found, "table": table, "database": database}


# --- measuring ----------------------------------------------------------------------------------------


def scans(vendor: str, sql: str, params) -> list[str]:
    """The scan lines of a statement's plan (which table or index it reads, and how)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return [row[3] for row in cursor.fetchall() if row[3].startswith(("SCAN", "SEARCH"))]
        cursor.execute("EXPLAIN " + sql, params)
        lines = [row[0].strip(" ->").split("  (")[0] for row in cursor.fetchall()]
        return [line if "Scan" in line else line[:90] + ("…" if len(line) > 90 else "")
                for line in lines if "Scan" in line or line.startswith(("Index Cond:", "Filter:"))]


def reference(vendor: str) -> tuple[float, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute(REFERENCE_SQL, [YEAR_FROM, YEAR_TO])
        n = cursor.fetchone()[0]
        return time.perf_counter() - t0, n


def where_the_time_goes(vendor: str, organisation) -> dict:
    from django.db import connection

    from yangguang.reports.service_selectors import service_statistics

    statements = []

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - t0, sql, params))

    with connection.execute_wrapper(timed):
        t0 = time.perf_counter()
        service_statistics(organisation, YEAR_FROM, YEAR_TO)
        wall = time.perf_counter() - t0
    rows = []
    for seconds, sql, params in sorted(statements, key=lambda s: -s[0])[:4]:
        table = sql.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in sql else "?"
        plan = scans(vendor, sql, params) if "services_case" in sql else []
        rows.append({"ms": seconds * 1000, "from": table, "sql": sql[:90] + "…", "plan": plan})
    return {"wall_ms": wall * 1000, "sql_ms": sum(s for s, _, _ in statements) * 1000, "statements": len(statements),
            "slowest": rows}


def command_end_to_end(code: str, home: str, deadline: float) -> dict:
    from django.core.management import call_command

    out = {}
    for fmt in ("json", "xlsx"):
        path = Path(home) / f"service.{fmt}"
        quiet(deadline)
        t0 = time.perf_counter()
        call_command("report", "service", "--org", code, "--from", YEAR_FROM.isoformat(), "--to", YEAR_TO.isoformat(),
                     "--format", fmt, "--output", str(path), stderr=io.StringIO())
        out[fmt] = {"s": time.perf_counter() - t0, "bytes": path.stat().st_size}
    return out


def measure(vendor: str, city: City, rows: Cases, repeat: int, deadline: float) -> dict:
    from yangguang.reports.service_selectors import service_statistics

    times = {key: [] for key in city.targets}
    reference_s, reports, busy, during = [], {}, [], [0, 0]
    for _ in range(repeat + 1):
        busy.append(quiet(deadline))
        start = cpu_sample()
        seconds, accepted = reference(vendor)
        reference_s.append(seconds)
        for key, organisation in city.targets.items():
            t0 = time.perf_counter()
            reports[key] = service_statistics(organisation, YEAR_FROM, YEAR_TO)
            times[key].append(time.perf_counter() - t0)
        end = cpu_sample()
        during = [during[0] + end[0] - start[0], during[1] + end[1] - start[1]]
    out = {}
    for index, (key, organisation) in enumerate(city.targets.items()):
        totals, tally = reports[key]["totals"], rows.tallies[index]
        got = [totals[k] for k in ("accepted", "completed", "completed_on_the_spot", "completed_within_commitment",
                                   "saved_workdays")]
        if got != tally:
            raise SystemExit(f"{key} {organisation.code}: the statistics say {got}, the generator counted {tally}")
        runs = times[key][1:]
        out[key] = {
            "code": organisation.code, "name": organisation.name, "accepted": got[0], "completed": got[1],
            "rows": [len(reports[key][b]) for b in ("by_department", "by_window", "by_item", "by_agency_point")],
            "first_s": times[key][0], "median_s": statistics.median(runs), "p95_s": percentile(runs, 0.95),
            "min_s": min(runs), "max_s": max(runs), "runs_s": runs,
        }
    runs = reference_s[1:]
    return {
        "targets": out, "busy_before_rounds": busy, "busy_during": busy_between((0, 0), (during[0], during[1])),
        "reference": {"accepted": accepted, "first_s": reference_s[0], "median_s": statistics.median(runs),
                      "p95_s": percentile(runs, 0.95), "plan": scans(vendor, REFERENCE_SQL, [YEAR_FROM, YEAR_TO])},
    }


# --- the worker ---------------------------------------------------------------------------------------


def setup_django(database_url: str, home: str) -> None:
    os.environ.update({
        "DATABASE_URL": database_url, "YANGGUANG_HOME": home, "YANGGUANG_DEBUG": "false",
        "YANGGUANG_SECRET_KEY": "bench-" + os.urandom(24).hex(), "YANGGUANG_AUDIT_KEY": os.urandom(32).hex(),
        "YANGGUANG_PII_KEY": os.urandom(16).hex(), "DJANGO_SETTINGS_MODULE": "yangguang.settings",
    })
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def server_version(vendor: str) -> str:
    from django.db import connection

    if vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def worker(args) -> dict:
    setup_django(args.database_url, args.home)
    from django.db import connection

    from yangguang.services.models import Case

    vendor = connection.vendor
    columns = {f.column for f in Case._meta.concrete_fields} - {"id"}
    if columns != set(COLUMNS):
        raise SystemExit(f"services_case has changed: add {sorted(columns - set(COLUMNS))} to COLUMNS and the rows, "
                         f"drop {sorted(set(COLUMNS) - columns)}")
    t0 = time.perf_counter()
    city = City(args.seed)
    catalogue_s = time.perf_counter() - t0
    print(f"[{vendor}] city: {city.organisations:,} organisations, {city.windows} windows, {city.items:,} items "
          f"({catalogue_s:.1f} s)", flush=True)

    indexes = SecondaryIndexes(vendor)
    indexes.drop()
    rows = Cases(city, args.cases, args.seed, vendor)
    print(f"[{vendor}] loading {args.cases:,} cases of 2026 and December 2025 "
          f"({'COPY' if vendor == 'postgresql' else f'executemany, {SQLITE_BATCH:,} rows a transaction'})", flush=True)
    t0 = time.perf_counter()
    fk_check_s = load_sqlite(rows) if vendor == "sqlite" else load_postgresql(rows)
    load_s = time.perf_counter() - t0
    print(f"[{vendor}]   {rows.counts['rows']:,} rows in {load_s:.0f} s; rebuilding {len(indexes.definitions)} indexes "
          f"and constraints", flush=True)
    t0 = time.perf_counter()
    builds = indexes.restore()
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if vendor == "sqlite" else "VACUUM ANALYZE services_case")
    analyze_s = time.perf_counter() - t0
    print(f"[{vendor}]   indexes and constraints {build_s:.0f} s, {'ANALYZE' if vendor == 'sqlite' else 'VACUUM ANALYZE'} "
          f"{analyze_s:.0f} s", flush=True)

    deadline = time.monotonic() + args.wait_idle * 60
    load_before = os.getloadavg()
    print(f"[{vendor}] measuring: {1 + args.repeat} rounds, each after 2 s of looking at the machine"
          + (f" (and waiting for it to be quiet, {args.wait_idle:g} min at most in all)" if args.wait_idle else "")
          + f"; load average {load_before[0]:.2f}", flush=True)
    t0 = time.perf_counter()
    measured = measure(vendor, city, rows, args.repeat, deadline)
    measure_s = time.perf_counter() - t0
    print(f"[{vendor}]   cores busy before each round: {' '.join(f'{b:.2f}' for b in measured['busy_before_rounds'])}",
          flush=True)
    for key, r in measured["targets"].items():
        print(f"[{vendor}]   {key:<10} {r['code']:<16} first {r['first_s']:7.3f} s  median {r['median_s']:7.3f} s  "
              f"p95 {r['p95_s']:7.3f} s", flush=True)
    breakdown = {}
    for key, organisation in city.targets.items():
        quiet(deadline)
        breakdown[key] = where_the_time_goes(vendor, organisation)
    command = command_end_to_end(city.targets["city"].code, args.home, deadline)
    return {
        "database": vendor,
        "version": server_version(vendor),
        "cases": args.cases, "counts": rows.counts, "organisations": city.organisations, "windows": city.windows,
        "items": city.items, "catalogue_s": catalogue_s, "load_s": load_s, "fk_check_s": fk_check_s,
        "build_s": build_s, "builds": builds, "analyze_s": analyze_s, "sizes": sizes(vendor),
        "measure_s": measure_s,
        "load_before": load_before, "load_after": os.getloadavg(), **measured, "breakdown": breakdown, "command": command,
    }


# --- the driver ---------------------------------------------------------------------------------------


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 10 * 2**20 else f"{n / 2**20:,.1f} MiB"


def summarise(r: dict) -> bool:
    db = r["database"]
    name = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[db]
    c = r["counts"]
    print(f"\n{name} {r['version']}: {c['rows']:,} cases in the table ({c['in_2026']:,} submitted in 2026, the rest in "
          f"December 2025); {c.get('agency', 0) / c['rows']:.1%} agency, {c.get('online', 0) / c['rows']:.1%} online, "
          f"{c.get('rejected', 0):,} refused acceptance, {c.get('withdrawn', 0):,} withdrawn, "
          f"{sum(c.get(s, 0) for s in ('submitted', 'accepted', 'reviewing', 'approving', 'correction')):,} still open")
    print(f"  city: {r['organisations']:,} organisations, {r['windows']} windows, {r['items']:,} items "
          f"({r['catalogue_s']:.1f} s)")
    print(f"  load: {r['load_s']:.0f} s ({c['rows'] / r['load_s']:,.0f} cases/s)"
          + (f", foreign key check {r['fk_check_s']:.1f} s" if r["fk_check_s"] else "")
          + f"; {len(r['builds'])} indexes and constraints rebuilt in {r['build_s']:.0f} s; "
          f"{'ANALYZE' if db == 'sqlite' else 'VACUUM ANALYZE'} {r['analyze_s']:.0f} s")
    s = r["sizes"]
    indexes = sum(v for k, v in s.items() if k not in ("table", "database"))
    print(f"  sizes: table {mib(s['table'])}, its {len(s) - 2} indexes {mib(indexes)}, database {mib(s['database'])}")
    for kind, index, seconds in r["builds"]:
        if index.startswith("svc_stat_"):
            print(f"    {index:<26} {mib(s.get(index, 0)):>10}  built in {seconds:6.1f} s")
    others = sorted((b for b in r["builds"] if not b[1].startswith("svc_stat_")), key=lambda b: -b[2])
    print(f"    the other {len(others)}: {sum(b[2] for b in others):.0f} s; the slowest "
          + ", ".join(f"{name} ({kind}) {seconds:.0f} s" for kind, name, seconds in others[:3]))
    ref = r["reference"]
    busy = r["busy_before_rounds"][1:]
    print(f"  machine: {sum(b <= QUIET_CORES for b in busy)} of {len(busy)} timed rounds started on a quiet machine "
          f"(others busy over the 2 s before: median {statistics.median(busy):.2f} cores, max {max(busy):.2f}); "
          f"{r['busy_during']:.2f} cores busy during them (this benchmark included; {r['measure_s']:.0f} s in all); "
          f"load average {r['load_before'][0]:.2f} before, {r['load_after'][0]:.2f} after")
    print(f"  reference, SELECT count(*) of the {ref['accepted']:,} cases accepted in 2026: "
          f"median {ref['median_s'] * 1000:.0f} ms, "
          f"p95 {ref['p95_s'] * 1000:.0f} ms, first {ref['first_s'] * 1000:.0f} ms ({'; '.join(ref['plan'])})")
    print(f"  {'':<11}{'organisation':<17}{'accepted':>11}{'completed':>11}  rows d/w/i/a        first   median      p95"
          f"      min   median/reference")
    for key, t in r["targets"].items():
        rows = "/".join(str(n) for n in t["rows"])
        print(f"  {key:<11}{t['code']:<17}{t['accepted']:>11,}{t['completed']:>11,}  {rows:<17} {t['first_s']:7.2f} s "
              f"{t['median_s']:6.2f} s {t['p95_s']:6.2f} s {t['min_s']:6.2f} s  {t['median_s'] / ref['median_s']:6.1f}x")
    city = r["targets"]["city"]
    met = city["median_s"] <= TARGET_S
    full = c["in_2026"] >= ISSUE_CASES[db]
    print(f"  target, the city-year in <= {TARGET_S:g} s at {ISSUE_CASES[db]:,} cases: "
          f"{'MET' if met else 'NOT MET'} (median {city['median_s']:.2f} s, p95 {city['p95_s']:.2f} s, "
          f"{city['median_s'] / TARGET_S:.2f}x the target)"
          + ("" if full else f" — but at {c['in_2026']:,} cases, not the issue's size"))
    print("  each organisation once more, statement by statement (the slowest statements and their scans):")
    for key, b in r["breakdown"].items():
        print(f"    {key}: {b['wall_ms']:.0f} ms, of which SQL {b['sql_ms']:.0f} ms in {b['statements']} statements")
        for st in b["slowest"][: 4 if key == "city" else 2]:
            print(f"      {st['ms']:8.0f} ms  {st['from']:<22} {'; '.join(st['plan'])}")
    e = r["command"]
    print(f"  yangguang report service --org {city['code']} (the year): "
          f"JSON {e['json']['s']:.2f} s ({mib(e['json']['bytes'])}), "
          f"XLSX {e['xlsx']['s']:.2f} s ({mib(e['xlsx']['bytes'])})")
    return met and full


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases-pg", type=int, default=10_000_000, help="cases submitted in 2026 on PostgreSQL")
    parser.add_argument("--cases-sqlite", type=int, default=1_000_000, help="cases submitted in 2026 on SQLite")
    parser.add_argument("--only", choices=("pg", "sqlite"), help="one database only")
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds after the warm-up round (default 7)")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="MINUTES",
                        help="before the timed rounds, wait up to this long for the machine to be quiet")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL without a database name; a scratch database is created and dropped")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards (to look at plans)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--cases", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    if args.worker:
        print("RESULT " + json.dumps(worker(args), default=str), flush=True)
        return 0

    print("Service-centre statistics benchmark (yangguang.reports.service_selectors.service_statistics)")
    for key, value in _harness.machine():
        print(f"  {key:<10} {value}")
    print(f"  command    {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"  runs       1 warm-up + {args.repeat} timed rounds; seed {args.seed}")

    def run(cases: int):
        def start(url: str, home: str) -> dict | None:
            return _harness.run_worker([
                sys.executable, __file__, "--worker", "--database-url", url, "--home", home, "--cases", str(cases),
                "--repeat", str(args.repeat), "--seed", str(args.seed), "--wait-idle", str(args.wait_idle)])
        return start

    plan = [("sqlite", args.cases_sqlite), ("pg", args.cases_pg)]
    results, started = [], time.perf_counter()
    for db, cases in plan:
        if args.only and args.only != db:
            continue
        t0 = time.perf_counter()
        if db == "sqlite":
            result = _harness.with_sqlite(run(cases), prefix="yg-bench-svcstat-", keep=args.keep)
        else:
            result = _harness.with_postgres(run(cases), server=args.postgres, name=f"yg_bench_svcstat_{os.getpid()}",
                                            prefix="yg-bench-svcstat-", keep=args.keep)
        if result is None:
            print(f"{db}: the worker failed")
            return 1
        result["wall_s"] = time.perf_counter() - t0
        results.append(result)
    print("\nSummary")
    ok = True
    for result in results:
        ok &= summarise(result)
        print(f"  wall time for this database: {result['wall_s'] / 60:.1f} min")
    print(f"\nTotal wall time {(time.perf_counter() - started) / 60:.1f} min. "
          f"{'All targets met.' if ok else 'Some targets not met (or not at full size).'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
