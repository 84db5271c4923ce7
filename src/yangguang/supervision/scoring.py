"""The monthly assessment formula (考核办法) as plain Python: inputs in, a score with every line of
its breakdown out, and the ranking. No Django here: tests drive it with plain values.

    得分 = 基础分
         + 按时办结率权重 × 按时办结件数 ÷ 办结件数
         + 满意率权重 × 满意评价数 ÷ 评价数
         − 每件属实投诉扣分 × 属实投诉件数
         − 每张黄牌扣分 × 黄牌数 − 每张红牌扣分 × 红牌数

Rules where the formula alone is silent:
- each line is rounded half up to 2 places and the score is the sum of the rounded lines, so the
  breakdown shown always adds up to the score shown;
- a rate with nothing to count (no case completed, no rating given) earns its points in full: no
  case was late and nobody was dissatisfied — the line says so;
- the score is never below 0;
- ranking: higher score first; on a tie, more cases completed first; then fewer upheld complaints;
  then fewer cards (red, then yellow); then the window number or the person's account name in
  code-point order. Every target gets its own place (1, 2, 3 …), so a tie is decided, not shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

CENT = Decimal("0.01")
ZERO = Decimal("0")
RANKING_RULE = (
    "按得分从高到低排名；得分相同的，办结件数多的在前；仍相同的，属实投诉少的在前；"
    "再相同的，红牌少、黄牌少的在前；最后按窗口号或账号排序。名次不并列。"
)


@dataclass(frozen=True)
class Weights:
    base_points: Decimal = Decimal("20")
    on_time_weight: Decimal = Decimal("40")
    satisfaction_weight: Decimal = Decimal("40")
    complaint_deduction: Decimal = Decimal("5")
    yellow_card_deduction: Decimal = Decimal("2")
    red_card_deduction: Decimal = Decimal("5")


@dataclass(frozen=True)
class Inputs:
    completed: int = 0
    on_time: int = 0
    evaluations: int = 0
    satisfied: int = 0
    complaints_upheld: int = 0
    yellow_cards: int = 0
    red_cards: int = 0

    def __post_init__(self):
        for name in ("completed", "on_time", "evaluations", "satisfied", "complaints_upheld", "yellow_cards", "red_cards"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} is negative")
        if self.on_time > self.completed:
            raise ValueError("on_time exceeds completed")
        if self.satisfied > self.evaluations:
            raise ValueError("satisfied exceeds evaluations")


@dataclass(frozen=True)
class Line:
    label: str  # what is counted, in Chinese
    working: str  # how, e.g. "40 × 18 ÷ 20"
    points: Decimal  # signed: deductions are negative
    deduction: bool = False

    @property
    def shown(self) -> str:
        return f"−{-self.points}" if self.deduction else f"+{self.points}"


@dataclass(frozen=True)
class Result:
    score: Decimal
    lines: tuple[Line, ...]

    @property
    def explanation(self) -> str:
        parts = [f"{line.label} {line.working} = {line.shown}" for line in self.lines]
        return "；".join(parts) + f"；得分 {self.score}"


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _num(value: Decimal) -> str:
    """2.00 → "2", 2.50 → "2.5": the weights as a person writes them."""
    text = format(value.normalize(), "f")
    return text


def _rate_line(label: str, weight: Decimal, numerator: int, denominator: int, empty: str) -> Line:
    if denominator == 0:
        return Line(label, f"{_num(weight)}（{empty}，按满分计）", _round(weight))
    return Line(label, f"{_num(weight)} × {numerator} ÷ {denominator}", _round(weight * numerator / denominator))


def _deduction(label: str, each: Decimal, count: int) -> Line:
    return Line(label, f"{_num(each)} × {count}", -_round(each * count), deduction=True)


def score(weights: Weights, inputs: Inputs) -> Result:
    lines = (
        Line("基础分", _num(weights.base_points), _round(weights.base_points)),
        _rate_line("按时办结", weights.on_time_weight, inputs.on_time, inputs.completed, "本月无办结件"),
        _rate_line("满意评价", weights.satisfaction_weight, inputs.satisfied, inputs.evaluations, "本月无评价"),
        _deduction("属实投诉扣分", weights.complaint_deduction, inputs.complaints_upheld),
        _deduction("黄牌扣分", weights.yellow_card_deduction, inputs.yellow_cards),
        _deduction("红牌扣分", weights.red_card_deduction, inputs.red_cards),
    )
    total = sum((line.points for line in lines), ZERO)
    return Result(max(total, ZERO).quantize(CENT), lines)


T = TypeVar("T")


def ranking_key(score_value: Decimal, inputs: Inputs, name: str) -> tuple:
    return (-score_value, -inputs.completed, inputs.complaints_upheld, inputs.red_cards, inputs.yellow_cards, name)


def rank(entries: Iterable[T], key: Callable[[T], tuple]) -> list[tuple[int, T]]:
    """Places 1, 2, 3 … in the order of ``key`` (see ``ranking_key``); never shared."""
    return list(enumerate(sorted(entries, key=key), start=1))


def top(ranked: Sequence[tuple[int, T]], count: int) -> list[tuple[int, T]]:
    return list(ranked[:count])
