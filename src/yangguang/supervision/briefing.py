"""The quarterly briefing (季度通报): a Word draft with the quarter's figures, for the supervision desk
to edit and issue — "XX政务服务中心2026年第三季度政务服务工作通报".

What each figure counts, for the organisation's subtree and the quarter [first day, last day]:
- cases: accepted / completed / completed within the committed limit, as the service statistics
  count them (``reports.service_selectors.service_statistics``);
- e-supervision: alerts raised in the quarter by level; cards of the quarter's months by colour,
  those revoked on appeal shown apart and not counted;
- 好差评: ratings given in the quarter, less those voided on appeal; 好评率 = (非常满意 + 满意 +
  基本满意) ÷ ratings counted; 差评 = 不满意 + 非常不满意;
- complaints received in the quarter, how many of them were answered by its last day, and how many
  were overdue — answered after their due date, or unanswered at the quarter's end with the due
  date already passed;
- reception-day visits recorded in the quarter; inspections made in it and their findings by state;
- 红旗窗口 and 服务标兵 of each of the quarter's months, from the stored monthly scores of every
  service centre in the subtree that has them ("未评定" for a month not assessed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q

from yangguang.core.documents import OfficialDocument, render_docx
from yangguang.core.models import Organisation
from yangguang.reports import service_selectors
from yangguang.reports.service_stats import percent, ratio
from yangguang.supervision import assessment, inspections
from yangguang.supervision.models import (
    Alert, Card, Complaint, MonthlyScore, ReceptionVisit,
)

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
_QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def first(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> date:
        after = date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)
        return after - timedelta(days=1)

    @property
    def months(self) -> list[date]:
        return [date(self.year, 3 * self.number - 2 + n, 1) for n in range(3)]

    @property
    def label(self) -> str:
        return f"{self.year}年第{QUARTER_NAMES[self.number]}季度"

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def parse_quarter(text: str) -> Quarter:
    match = _QUARTER.match((text or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(f"“{text}”应为 YYYYQn 格式的季度，如 2026Q3")
    return Quarter(int(match.group(1)), int(match.group(2)))


def title_of(organisation: Organisation, quarter: Quarter) -> str:
    return f"{organisation.name}{quarter.label}政务服务工作通报"


def _in_subtree(organisation: Organisation, field: str = "organisation") -> Q:
    return Q(**{f"{field}__path__startswith": organisation.path})


def figures(organisation: Organisation, quarter: Quarter) -> dict:
    first, last = quarter.first, quarter.last
    totals = service_selectors.service_statistics(organisation, first, last)["totals"]

    alerts = dict(Alert.objects.filter(_in_subtree(organisation), raised_on__gte=first, raised_on__lte=last)
                  .values("level").order_by().annotate(n=Count("pk")).values_list("level", "n"))
    cards = Card.objects.filter(_in_subtree(organisation), month__gte=first, month__lte=last)
    counted = cards.exclude(status=Card.Status.REVOKED)

    ratings = assessment.counted_ratings().filter(_in_subtree(organisation), rated_on__gte=first, rated_on__lte=last)
    rating_counts = ratings.aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(level__in=(5, 4, 3))),
                                      poor=Count("pk", filter=Q(level__in=(2, 1))))

    complaints = Complaint.objects.filter(_in_subtree(organisation), received_on__gte=first, received_on__lte=last)
    complaint_counts = complaints.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(answered_on__lte=last)),
        overdue=Count("pk", filter=Q(answered_on__isnull=False, answered_on__gt=F("due_on"))
                      | Q(due_on__lt=last) & (Q(answered_on__isnull=True) | Q(answered_on__gt=last))),
    )
    centres = Organisation.objects.filter(
        pk__in=MonthlyScore.objects.filter(_in_subtree(organisation), month__gte=first, month__lte=last)
        .values("organisation_id")).order_by("path")
    honours = [(month, [(centre, *assessment.honours(centre, month)) for centre in centres]) for month in quarter.months]
    return {
        "accepted": totals["accepted"], "completed": totals["completed"],
        "on_time": totals["completed_within_commitment"], "on_time_rate": totals["within_commitment_rate"],
        "alerts_yellow": alerts.get("yellow", 0), "alerts_red": alerts.get("red", 0),
        "alerts_step": alerts.get("step_overtime", 0),
        "cards_yellow": counted.filter(colour="yellow").count(), "cards_red": counted.filter(colour="red").count(),
        "cards_revoked": cards.filter(status=Card.Status.REVOKED).count(),
        "ratings": rating_counts["total"], "ratings_satisfied": rating_counts["satisfied"],
        "ratings_poor": rating_counts["poor"], "praise_rate": ratio(rating_counts["satisfied"], rating_counts["total"]),
        **{f"complaints_{k}": v for k, v in complaint_counts.items()},
        "visits": ReceptionVisit.objects.filter(_in_subtree(organisation), visited_on__gte=first,
                                                visited_on__lte=last).count(),
        **{f"inspection_{k}": v for k, v in inspections.findings_in(organisation, first, last).items()},
        "honours": honours,
    }


def _who(row) -> str:
    if row.window_id:
        return f"{row.window.number}号窗口（{row.window.name}）{row.score}分"
    return f"{row.person.full_name or row.person.username}（{row.score}分）"


def paragraphs(organisation: Organisation, quarter: Quarter, f: dict) -> tuple[str, ...]:
    lines = [
        f"现将{quarter.label}（{quarter.first:%Y年%m月%d日}至{quarter.last:%Y年%m月%d日}）{organisation.name}"
        "政务服务工作情况通报如下。",
        "一、办件情况",
        f"本季度共受理办件{f['accepted']}件，办结{f['completed']}件，其中承诺时限内办结{f['on_time']}件，"
        f"按时办结率{percent(f['on_time_rate'])}。",
        "二、电子监察情况",
        f"电子监察系统本季度发出黄灯预警{f['alerts_yellow']}次、红灯（逾期）预警{f['alerts_red']}次、环节超时预警"
        f"{f['alerts_step']}次；记黄牌{f['cards_yellow']}张、红牌{f['cards_red']}张"
        + (f"（另有{f['cards_revoked']}张经申诉撤销，不计入）" if f["cards_revoked"] else "") + "。",
        "三、好差评情况",
        f"本季度共收到评价{f['ratings']}条，其中满意（含非常满意、满意、基本满意）{f['ratings_satisfied']}条，"
        f"差评{f['ratings_poor']}条，好评率{percent(f['praise_rate'])}。",
        "四、投诉举报和意见建议办理情况",
        f"本季度共收到投诉举报和意见建议{f['complaints_received']}件，已答复{f['complaints_answered']}件，"
        f"超期办理{f['complaints_overdue']}件。",
        "五、局长接待日和特邀监督员工作情况",
        f"本季度局长接待日共接待来访群众{f['visits']}人次。特邀监督员开展明察暗访和座谈评议{f['inspection_inspections']}次，"
        f"发现问题{f['inspection_findings']}个，其中已复查确认整改{f['inspection_confirmed']}个、已整改待复查"
        f"{f['inspection_rectified']}个、待整改{f['inspection_open']}个。",
        "六、红旗窗口和服务标兵",
    ]
    for month, by_centre in f["honours"]:
        parts = []
        for centre, windows, people in by_centre:
            w = "、".join(_who(r) for r in windows) or "未评定"
            p = "、".join(_who(r) for r in people) or "未评定"
            prefix = f"{centre.name}" if len(by_centre) > 1 or centre.pk != organisation.pk else ""
            parts.append(f"{prefix}红旗窗口{w}；服务标兵{p}")
        lines.append(f"{month.month}月：" + ("；".join(parts) if parts else "未评定") + "。")
    lines.append("希望各窗口和工作人员对照通报查找不足，对存在的问题限期整改，不断提升政务服务水平。")
    return tuple(lines)


def briefing_docx(organisation: Organisation, quarter: Quarter, *, signed_on: date | None = None) -> bytes:
    f = figures(organisation, quarter)
    return render_docx(OfficialDocument(
        title=title_of(organisation, quarter), doc_number="（草稿）", paragraphs=paragraphs(organisation, quarter, f),
        signature=organisation.name, signed_on=signed_on or inspections.local_today(),
    ))
