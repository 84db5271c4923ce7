"""Reads for the service-centre statistics: the figures of ``service_stats`` for an organisation's
subtree and a period, counted by the database in a handful of grouped aggregate queries, whatever
the number of cases.

Scope (issue #6):
- a case belongs to an organisation's subtree when its handling organisation, its department or
  its agency point (the town or village point where it was registered) is in the subtree; a root
  organisation (the city government) covers every case;
- the catalogue in scope (for the item keys) is the items whose department is in the subtree or
  holds an authorisation at a window of a service centre in the subtree; an authorisation counts
  when it was given by ``to`` and not revoked by then. Items count when active as of ``to``.

The cases are grouped once by (department, window, item) — a few thousand groups for a city — and
the totals and the department, window and item breakdowns are added up from those groups; agency
cases are grouped by their point in a second pass over the agency cases alone. Accepted and
completed cases are counted in separate queries, each a range over its own date, so that each is
read from one covering index on ``Case`` (the date first, then every column the query touches:
``svc_stat_accepted``, ``svc_stat_completed`` and their partial twins for agency cases), never
from the wide rows themselves.

Rows: ``by_department`` lists the departments with cases in the period or items in scope (ordered
by the organisation tree); ``by_window`` the windows with cases (by centre and number), then one
row without a code for the cases no window registered (online, or handled by a department itself);
``by_item`` the items with cases; ``by_agency_point`` the points with cases (the other cases were
not registered at a point, and have no row). A case counts as completed when its status is 办结 or
已送达 and its completion date is in the period.

Item keys of the breakdown rows are counted over "the row's items ∩ the items in scope":
- a department: its items;
- a window: the items of the departments holding an authorisation at it (as of ``to``);
- an item: the item itself (so the row shows whether it is a 即办件 and its compression);
- an agency point, and the row of cases without a window: none (null) — a service point handles
  items of many departments but has no catalogue of its own.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum

from yangguang.core.models import Organisation, Role, Window, WindowAuthorisation
from yangguang.core.selectors import organisations_for
from yangguang.reports import service_stats as stats
from yangguang.services import rules
from yangguang.services.models import Case, ServiceItem

# Who may read the statistics of an organisation their roles cover: the service centre's own
# people, the leaders and the supervisors (效能办), and the disclosure officers who quote them in
# the annual reports. The three administrator roles (三权分立) do not read business figures.
STATS_ROLES = (
    Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.LEADER, Role.SUPERVISOR, Role.DISCLOSURE_OFFICER,
)
DONE_STATUSES = (rules.COMPLETED, rules.DELIVERED)
NO_WINDOW_NAME = "未登记受理窗口"
# Organisations whose figures the portal publishes (办件公示): the service centres and the
# governments (whose subtree covers their centres, departments and service points).
PUBLISHED_KINDS = (Organisation.Kind.SERVICE_CENTRE, Organisation.Kind.GOVERNMENT)


def organisations_for_statistics(user) -> QuerySet[Organisation]:
    return organisations_for(user, STATS_ROLES).filter(is_active=True)


def published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True, kind__in=PUBLISHED_KINDS).order_by("path")


def _subtree(organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=organisation.path).order_by().values("pk")


# A subtree up to this size is given to the database as lists of ids rather than a subquery, each
# list holding only the organisations that occur on cases in that role (found by index probes): the
# planner then reads a department's or a town's cases through the organisation indexes, instead of
# every case of the period, and estimates them right (a town's id is never a department's).
LITERAL_SUBTREE = 500


def case_scope(organisation: Organisation) -> Q:
    """The cases of an organisation's subtree (no condition for a root organisation)."""
    if organisation.parent_id is None:
        return Q()
    ids = list(_subtree(organisation).values_list("pk", flat=True)[:LITERAL_SUBTREE + 1])
    if len(ids) > LITERAL_SUBTREE:
        subtree = _subtree(organisation)
        return Q(organisation__in=subtree) | Q(department__in=subtree) | Q(agency_point__in=subtree)
    roles = {"organisation": [], "department": [], "agency_point": []}
    found = Organisation.objects.filter(pk__in=ids).annotate(
        **{f"as_{role}": Exists(Case.objects.filter(**{role: OuterRef("pk")})) for role in roles}
    ).values_list("pk", *(f"as_{role}" for role in roles))
    for pk, *present in found:
        for role, used in zip(roles, present):
            if used:
                roles[role].append(pk)
    scope = Q(pk__in=[])  # no case at all, unless an organisation of the subtree occurs on one
    for role, role_ids in roles.items():
        if role_ids:
            scope |= Q(**{f"{role}__in": role_ids})
    return scope


def active_items(on: date) -> Q:
    return (
        Q(is_active=True)
        & (Q(active_from__isnull=True) | Q(active_from__lte=on))
        & (Q(active_until__isnull=True) | Q(active_until__gt=on))
    )


def _authorisations(on: date) -> QuerySet[WindowAuthorisation]:
    return WindowAuthorisation.objects.filter(authorised_on__lte=on).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
    )


def item_scope(organisation: Organisation, on: date) -> Q:
    """The items of an organisation's catalogue (no condition for a root organisation)."""
    if organisation.parent_id is None:
        return Q()
    served = _authorisations(on).filter(window__centre__path__startswith=organisation.path).values("department_id")
    return Q(department__path__startswith=organisation.path) | Q(department__in=served)


# --- counting -------------------------------------------------------------------------------------

_PROMISED = Q(immediate=False, legal_limit__isnull=False)


def _item_counts_by_department(organisation: Organisation, on: date) -> dict[int, stats.ItemCounts]:
    rows = (
        ServiceItem.objects.filter(active_items(on), item_scope(organisation, on)).order_by()
        .values("department_id")
        .annotate(
            n_active=Count("pk"),
            n_immediate=Count("pk", filter=Q(immediate=True)),
            n_promised=Count("pk", filter=_PROMISED),
            committed=Sum("committed_limit", filter=_PROMISED),
            compression=Sum(F("legal_limit") - F("committed_limit"), filter=_PROMISED, output_field=IntegerField()),
        )
    )
    # annotations are named apart from the fields (an annotation "immediate" would shadow the column)
    return {
        r["department_id"]: stats.ItemCounts(r["n_active"], r["n_immediate"], r["n_promised"], r["committed"] or 0,
                                             r["compression"] or 0)
        for r in rows
    }


def _case_groups(scope: Q, date_from: date, date_to: date, by: tuple[str, ...], *,
                 agency_only: bool = False) -> dict[tuple, list[int]]:
    """(by values) → [accepted, immediate accepted, completed, on the spot, within commitment, saved]."""
    cases = Case.objects.filter(scope).order_by()
    if agency_only:
        cases = cases.filter(agency_point__isnull=False)
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    # a conditional count needs a column: the first grouping one (never null here), which every
    # statistics index holds, so that the database reads the index alone
    column = by[0].removesuffix("_id")
    accepted = cases.filter(accepted_on__gte=date_from, accepted_on__lte=date_to).values(*by).annotate(
        n=Count("*"), n_immediate=Count(column, filter=Q(immediate=True)),
    )
    for row in accepted:
        counts = groups[tuple(row[k] for k in by)]
        counts[0] += row["n"]
        counts[1] += row["n_immediate"]
    completed = cases.filter(
        completed_on__gte=date_from, completed_on__lte=date_to, status__in=DONE_STATUSES
    ).values(*by).annotate(
        n=Count("*"),
        n_on_the_spot=Count(column, filter=Q(completed_on=F("accepted_on"))),
        n_within=Count(column, filter=Q(used_workdays__lte=F("committed_limit"))),
        n_saved=Sum(F("legal_limit") - F("used_workdays"), output_field=IntegerField(),
                  filter=Q(legal_limit__isnull=False, used_workdays__isnull=False)),
    )
    for row in completed:
        counts = groups[tuple(row[k] for k in by)]
        counts[2] += row["n"]
        counts[3] += row["n_on_the_spot"]
        counts[4] += row["n_within"]
        counts[5] += row["n_saved"] or 0
    return groups


def _roll_up(groups: dict[tuple, list[int]], position: int) -> dict:
    found: dict = defaultdict(lambda: [0] * 6)
    for key, counts in groups.items():
        target = found[key[position]]
        for index, value in enumerate(counts):
            target[index] += value
    return found


def _sum(rows) -> list[int]:
    total = [0] * 6
    for counts in rows:
        for index, value in enumerate(counts):
            total[index] += value
    return total


def _case_counts(counts: list[int]) -> stats.CaseCounts:
    return stats.CaseCounts(*counts)


def _add_items(parts) -> stats.ItemCounts:
    total = stats.ItemCounts()
    for part in parts:
        total += part
    return total


_CHUNK = 500  # ids per IN (...): SQLite allows few parameters per statement, and a province has many items


def _chunks(ids: list) -> list[list]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _values(manager, ids, *fields: str) -> dict[int, dict]:
    """id → the named fields of the rows with these ids (plain values: a report may name thousands)."""
    found = {}
    for chunk in _chunks(list(ids)):
        for row in manager.filter(pk__in=chunk).values("pk", *fields):
            found[row["pk"]] = row
    return found


# --- the statistics -------------------------------------------------------------------------------


def service_statistics(organisation: Organisation, date_from: date, date_to: date) -> dict:
    """The figures of ``organisation``'s subtree for [date_from, date_to] as the JSON of the report:
    ``totals`` and the breakdowns ``by_department``, ``by_window``, ``by_item``,
    ``by_agency_point``, each row its identifying fields followed by ``service_stats.KEYS``."""
    if date_from > date_to:
        raise ValueError("date_from is after date_to")
    scope = case_scope(organisation)
    groups = _case_groups(scope, date_from, date_to, ("department_id", "window_id", "item_id"))
    agency = _case_groups(scope, date_from, date_to, ("agency_point_id",), agency_only=True)
    item_counts = _item_counts_by_department(organisation, date_to)

    by_department = _roll_up(groups, 0)
    by_window = _roll_up(groups, 1)
    by_item = _roll_up(groups, 2)

    departments = _values(Organisation.objects, set(by_department) | set(item_counts), "code", "name", "path")
    windows = _values(Window.objects, [k for k in by_window if k is not None], "number", "name", "centre__code",
                      "centre__path")
    items = _values(ServiceItem.objects, list(by_item), "code", "name", "sort_order", "department_id",
                    "department__code", "department__path", "immediate", "committed_limit", "legal_limit",
                    "is_active", "active_from", "active_until")
    points = _values(Organisation.objects, [k for (k,) in agency], "code", "name", "path")
    served: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(list(windows)):
        for window_id, department_id in _authorisations(date_to).filter(window__in=chunk).values_list(
            "window_id", "department_id"
        ):
            served[window_id].add(department_id)

    def row(identity: dict, counts: list[int] | None, items_of: stats.ItemCounts | None) -> dict:
        return {**identity, **stats.figures(_case_counts(counts or [0] * 6), items_of)}

    def single_item(item: dict) -> stats.ItemCounts:
        active = stats.item_active(item["is_active"], item["active_from"], item["active_until"], date_to)
        if not active or item["department_id"] not in item_counts:  # not in this organisation's catalogue
            return stats.ItemCounts()
        return stats.ItemCounts.of(immediate=item["immediate"], committed_limit=item["committed_limit"],
                                   legal_limit=item["legal_limit"])

    department_rows = [
        row({"code": d["code"], "name": d["name"]}, by_department.get(pk), item_counts.get(pk, stats.ItemCounts()))
        for pk, d in sorted(departments.items(), key=lambda kv: kv[1]["path"])
    ]
    window_rows = [
        row({"centre": w["centre__code"], "code": w["number"], "name": w["name"]}, by_window[pk],
            _add_items(item_counts[d] for d in served[pk] if d in item_counts))
        for pk, w in sorted(windows.items(), key=lambda kv: (kv[1]["centre__path"], kv[1]["number"]))
    ]
    if None in by_window:
        window_rows.append(row({"centre": None, "code": None, "name": NO_WINDOW_NAME}, by_window[None], None))
    item_rows = [
        row({"code": i["code"], "name": i["name"], "department": i["department__code"]}, by_item[pk], single_item(i))
        for pk, i in sorted(items.items(), key=lambda kv: (kv[1]["department__path"], kv[1]["sort_order"],
                                                           kv[1]["code"]))
    ]
    point_rows = [
        row({"code": p["code"], "name": p["name"]}, agency[(pk,)], None)
        for pk, p in sorted(points.items(), key=lambda kv: kv[1]["path"])
    ]
    return {
        "org": organisation.code,
        "org_name": organisation.name,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "totals": stats.figures(_case_counts(_sum(groups.values())), _add_items(item_counts.values())),
        "by_department": department_rows,
        "by_window": window_rows,
        "by_item": item_rows,
        "by_agency_point": point_rows,
    }

