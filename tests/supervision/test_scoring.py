"""The assessment formula as plain values: every line shown adds up to the score, rounding is half
up to 2 places, empty rates earn full points, the score never goes below 0, ties are decided."""

from decimal import Decimal

import pytest

from yangguang.supervision.scoring import Inputs, Weights, rank, ranking_key, score

D = Decimal
DEFAULT = Weights()


@pytest.mark.parametrize(("inputs", "expected", "explanation"), [
    # all on time, all satisfied: 20 + 40 + 40
    (Inputs(completed=10, on_time=10, evaluations=5, satisfied=5), D("100.00"),
     "基础分 20 = +20.00；按时办结 40 × 10 ÷ 10 = +40.00；满意评价 40 × 5 ÷ 5 = +40.00；"
     "属实投诉扣分 5 × 0 = −0.00；黄牌扣分 2 × 0 = −0.00；红牌扣分 5 × 0 = −0.00；得分 100.00"),
    # 2 of 3 on time: 26.666… → 26.67 (half up); 1 of 3 satisfied: 13.333… → 13.33
    (Inputs(completed=3, on_time=2, evaluations=3, satisfied=1), D("60.00"), None),
    # 1 of 8 on time: 5.00; 7 of 8 satisfied: 35.00; one upheld complaint, a yellow and a red card
    (Inputs(completed=8, on_time=1, evaluations=8, satisfied=7, complaints_upheld=1, yellow_cards=1, red_cards=1),
     D("48.00"), None),
    # nothing completed, nothing rated: full marks for both rates
    (Inputs(), D("100.00"), None),
    # deductions beyond the points: floor at 0
    (Inputs(completed=1, on_time=0, evaluations=1, satisfied=0, complaints_upheld=3, red_cards=2), D("0.00"), None),
    # 0.005 rounds half up: 40 × 1 ÷ 8000 = 0.005 → 0.01
    (Inputs(completed=8000, on_time=1, evaluations=1, satisfied=1), D("60.01"), None),
])
def test_the_score_is_the_sum_of_the_lines_shown(inputs, expected, explanation):
    result = score(DEFAULT, inputs)
    assert result.score == expected
    shown = sum((line.points for line in result.lines), D(0))
    assert max(shown, D(0)) == result.score
    if explanation:
        assert result.explanation == explanation


def test_a_rate_without_cases_says_it_earns_full_points():
    lines = {line.label: line for line in score(DEFAULT, Inputs()).lines}
    assert lines["按时办结"].working == "40（本月无办结件，按满分计）"
    assert lines["满意评价"].working == "40（本月无评价，按满分计）"


def test_a_configured_formula_is_used():
    weights = Weights(base_points=D("10"), on_time_weight=D("50"), satisfaction_weight=D("40"),
                      complaint_deduction=D("2.5"), yellow_card_deduction=D("1"), red_card_deduction=D("3"))
    result = score(weights, Inputs(completed=4, on_time=3, evaluations=2, satisfied=1, complaints_upheld=2,
                                   yellow_cards=1, red_cards=1))
    assert result.score == D("10") + D("37.50") + D("20.00") - D("5.00") - D("1") - D("3")
    assert "属实投诉扣分 2.5 × 2 = −5.00" in result.explanation


def test_impossible_inputs_are_refused():
    with pytest.raises(ValueError):
        Inputs(completed=1, on_time=2)
    with pytest.raises(ValueError):
        Inputs(evaluations=1, satisfied=2)


def test_ties_are_ranked_by_the_stated_rule():
    same = D("90.00")
    entries = [
        ("03", Inputs(completed=5), same),
        ("01", Inputs(completed=5), same),
        ("02", Inputs(completed=9), same),
        ("04", Inputs(completed=5, complaints_upheld=1), same),
        ("05", Inputs(completed=5), D("95.00")),
    ]
    ranked = rank(entries, key=lambda e: ranking_key(e[2], e[1], e[0]))
    assert [(place, e[0]) for place, e in ranked] == [(1, "05"), (2, "02"), (3, "01"), (4, "03"), (5, "04")]
