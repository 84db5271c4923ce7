"""Demo: the justice bureau's annual reports, drafted from the demo data and published (2026 as
the data stands on the day the demo is loaded)."""

from __future__ import annotations

from datetime import date

from yangguang.core import demo as core_demo
from yangguang.core.models import Organisation, User
from yangguang.reports import services
from yangguang.reports.models import AnnualReport


@core_demo.register_demo("政府信息公开工作年度报告", history=True)
def load_reports() -> int:
    justice = Organisation.objects.filter(code=core_demo.JUSTICE).first()
    if justice is None or AnnualReport.objects.filter(organisation=justice).exists():
        return 0
    leader = User.objects.get(username="lingdao")
    created = 0
    for year in (2025, min(date.today().year, 2026)):
        report = services.report_draft(actor=leader, organisation=justice, year=year)
        services.report_publish(actor=leader, report=report)
        created += 1
    return created
