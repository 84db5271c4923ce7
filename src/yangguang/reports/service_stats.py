"""Service-centre statistics (政务服务办件统计) as plain Python: the figures of a period and an
organisation subtree, from counts that the database layer (``service_selectors``) adds up.

The definitions are those of ``shared/domain/service-statistics.md``; for a period [from, to], both
days inclusive (dates in Asia/Shanghai):

- ``accepted``: cases accepted (受理) in the period, 即办件 included.
- ``completed``: cases completed (办结, approved or refused) in the period, whenever accepted.
- ``completed_on_the_spot``: completed cases whose completion date is their acceptance date.
- ``on_the_spot_rate``: ``completed_on_the_spot / completed``.
- ``completed_within_commitment``: completed cases whose ``used_workdays`` is at most the committed
  limit that applied at acceptance (0 for a 即办件).
- ``within_commitment_rate``: ``completed_within_commitment / completed``.
- ``saved_workdays``: over completed cases whose item has a legal limit, the sum of
  ``legal_limit − used_workdays`` (not clamped: a case over its legal limit subtracts).
- ``immediate_item_ratio``: active 即办件 items / active items, as of ``to``.
- ``immediate_case_ratio``: accepted cases of 即办件 items / ``accepted``.
- ``avg_committed_limit``: mean committed limit (working days) of active 承诺件 items that have a
  legal limit.
- ``avg_compression_workdays``: mean of ``legal_limit − committed_limit`` over the same items.

``used_workdays`` is a figure of each case, not of a period: working days after the acceptance
date up to and including the completion date, less the working days inside its suspensions (a
suspension from F to T covers both). It is computed by ``services.clock.used_workdays`` and stored
on the case when it is completed; a completed case without it (an incomplete import) counts as
neither within the commitment nor towards ``saved_workdays``.

Rates are decimals rounded half up to 4 places (0.9428) and shown as percentages with 2 places
("94.28%"); the two averages are rounded half up to 2 places (17.52). A rate or an average whose
denominator is zero is ``None`` (JSON null), shown as "—". In the JSON dict they are numbers
(floats whose shortest form is exactly the rounded decimal).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

KEYS = (
    "accepted",
    "completed",
    "completed_on_the_spot",
    "on_the_spot_rate",
    "completed_within_commitment",
    "within_commitment_rate",
    "saved_workdays",
    "immediate_item_ratio",
    "immediate_case_ratio",
    "avg_committed_limit",
    "avg_compression_workdays",
)
RATE_KEYS = ("on_the_spot_rate", "within_commitment_rate", "immediate_item_ratio", "immediate_case_ratio")
AVERAGE_KEYS = ("avg_committed_limit", "avg_compression_workdays")
# The keys counted over the catalogue (items active as of ``to``), not over cases.
ITEM_KEYS = ("immediate_item_ratio", "avg_committed_limit", "avg_compression_workdays")

LABELS = {
    "accepted": "受理件数",
    "completed": "办结件数",
    "completed_on_the_spot": "当场办结件数",
    "on_the_spot_rate": "当场办结率",
    "completed_within_commitment": "承诺时限内办结件数",
    "within_commitment_rate": "承诺时限内办结率",
    "saved_workdays": "节约审批时限（工作日）",
    "immediate_item_ratio": "即办件事项比例",
    "immediate_case_ratio": "即办件办件比例",
    "avg_committed_limit": "平均承诺时限（工作日）",
    "avg_compression_workdays": "平均压缩审批时限（工作日）",
}
UNITS = {
    "accepted": "件", "completed": "件", "completed_on_the_spot": "件", "completed_within_commitment": "件",
    "saved_workdays": "个工作日", "avg_committed_limit": "个工作日", "avg_compression_workdays": "个工作日",
}
NOTES = {
    "completed": "本期办结的办件，不论何时受理",
    "completed_on_the_spot": "办结日期与受理日期为同一天",
    "completed_within_commitment": "实际用时（扣除补正、听证等暂停计时）不超过承诺时限；即办件的承诺时限为 0",
    "saved_workdays": "有法定时限的办结件，法定时限减实际用时之和",
    "immediate_item_ratio": "截至统计期末，在用事项中即办件所占比例",
    "immediate_case_ratio": "受理的办件中即办件所占比例",
    "avg_committed_limit": "截至统计期末，有法定时限的在用承诺件事项的平均承诺时限",
    "avg_compression_workdays": "同上事项的法定时限减承诺时限的平均值",
}
NULL_TEXT = "—"

_RATE_PLACES = Decimal("0.0001")
_AVERAGE_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class CaseCounts:
    """What the cases of a period add up to (one row of the database's grouping, or a sum of them)."""

    accepted: int = 0
    immediate_accepted: int = 0  # accepted cases that were 即办件 at acceptance
    completed: int = 0
    on_the_spot: int = 0
    within_commitment: int = 0
    saved_workdays: int = 0

    def __add__(self, other: CaseCounts) -> CaseCounts:
        return CaseCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class ItemCounts:
    """What the items active as of ``to`` add up to."""

    active: int = 0
    immediate: int = 0
    promised_with_legal_limit: int = 0  # 承诺件 that have a legal limit: the averages' denominator
    committed_sum: int = 0  # their committed limits, added up
    compression_sum: int = 0  # their legal minus committed limits, added up

    def __add__(self, other: ItemCounts) -> ItemCounts:
        return ItemCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def of(cls, *, immediate: bool, committed_limit: int, legal_limit: int | None) -> ItemCounts:
        """The counts of one active item."""
        promised = not immediate and legal_limit is not None
        return cls(
            active=1, immediate=int(immediate), promised_with_legal_limit=int(promised),
            committed_sum=committed_limit if promised else 0,
            compression_sum=legal_limit - committed_limit if promised else 0,
        )


def item_active(is_active: bool, active_from: date | None, active_until: date | None, on: date) -> bool:
    """An item is active as of ``on`` when switched on, started by then and not yet stopped
    (``active_until`` is the first day it no longer applies)."""
    return is_active and (active_from is None or active_from <= on) and (active_until is None or active_until > on)


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` rounded half up to 4 places; None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(_RATE_PLACES, rounding=ROUND_HALF_UP)


def mean(total: int, count: int) -> Decimal | None:
    """``total / count`` rounded half up to 2 places; None when there is nothing to average."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(_AVERAGE_PLACES, rounding=ROUND_HALF_UP)


def _json_number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures(cases: CaseCounts, items: ItemCounts | None = None) -> dict[str, int | float | None]:
    """The figures under ``KEYS``, in that order, ready for JSON. ``items`` None: the row has no
    catalogue of its own (e.g. an agency point), and the item keys are null."""
    result: dict[str, int | float | None] = {
        "accepted": cases.accepted,
        "completed": cases.completed,
        "completed_on_the_spot": cases.on_the_spot,
        "on_the_spot_rate": _json_number(ratio(cases.on_the_spot, cases.completed)),
        "completed_within_commitment": cases.within_commitment,
        "within_commitment_rate": _json_number(ratio(cases.within_commitment, cases.completed)),
        "saved_workdays": cases.saved_workdays,
        "immediate_item_ratio": None,
        "immediate_case_ratio": _json_number(ratio(cases.immediate_accepted, cases.accepted)),
        "avg_committed_limit": None,
        "avg_compression_workdays": None,
    }
    if items is not None:
        result["immediate_item_ratio"] = _json_number(ratio(items.immediate, items.active))
        result["avg_committed_limit"] = _json_number(mean(items.committed_sum, items.promised_with_legal_limit))
        result["avg_compression_workdays"] = _json_number(mean(items.compression_sum, items.promised_with_legal_limit))
    return result


def percent(value: Decimal | float | None) -> str:
    """A rate as a percentage with two places: 0.9428 → "94.28%", None → "—"."""
    if value is None:
        return NULL_TEXT
    return f"{(Decimal(str(value)) * 100).quantize(_AVERAGE_PLACES, rounding=ROUND_HALF_UP)}%"


def display(key: str, value) -> str:
    """A figure as the pages and documents show it."""
    if value is None:
        return NULL_TEXT
    if key in RATE_KEYS:
        return percent(value)
    if key in AVERAGE_KEYS:
        return str(Decimal(str(value)).quantize(_AVERAGE_PLACES, rounding=ROUND_HALF_UP))
    return str(value)
