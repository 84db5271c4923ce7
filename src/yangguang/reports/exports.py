"""One report, any format: the JSON form and the four documents, with their file names."""

from __future__ import annotations

import json

from yangguang.reports import annual, render

FORMATS = {
    "json": "application/json; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def title_of(report: dict, org_name: str, summary: bool = False) -> str:
    return f"{org_name}{report['year']}年政府信息公开工作年度报告" + ("（汇总）" if summary else "")


def export(report: dict, fmt: str, *, org_name: str, summary: bool = False) -> bytes:
    title = title_of(report, org_name, summary)
    report = annual.ordered(report)
    if fmt == "json":
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "html":
        return render.render_html(report, org_name=org_name, title=title).encode()
    if fmt == "docx":
        return render.render_docx(report, org_name=org_name, title=title)
    if fmt == "pdf":
        return render.render_pdf(report, org_name=org_name, title=title)
    if fmt == "xlsx":
        return render.render_xlsx(report, org_name=org_name, title=title)
    raise ValueError(fmt)


def filename(report: dict, fmt: str, summary: bool = False) -> str:
    return f"{report['org']}-{report['year']}-年度报告{'-汇总' if summary else ''}-v{report['version']}.{fmt}"
