"""The national annual report on government information disclosure (国办公开办函〔2021〕30号), as
plain Python: the definitions of every figure, the 勾稽关系 check, and the drafts of the text
sections. The database layer (``selectors``) feeds it counted rows; tests feed it plain values.

Definitions (year Y, 1 January to 31 December):
- ``new``: applications received in Y (online ones count from the office's confirmation).
- ``carried_in``: received before Y and not concluded by 31 December of Y-1.
- ``results.*``: concluded in Y, by result.
- ``carried_out``: received by 31 December of Y and not concluded by then.
- columns by applicant type; ``total`` is the sum of the six.
Every application counted in ``new`` or ``carried_in`` is either concluded in Y (one result row) or
carried out, so ``new + carried_in == results.total + carried_out`` in every column. An application
that breaks this (concluded before it was received, a result outside the structure, a result
without a date) is listed by ``application_problems``.
- Section 4: reconsiderations and lawsuits filed in Y, by their outcome as of 31 December
  (decided after that day counts as 尚未审结).
- Section 2: rules and normative documents issued (formed) in Y, repealed in Y, in force on 31
  December; licensing, penalty and coercion decisions made in Y; administrative fees in Y, in
  10,000 yuan with 4 decimals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

STRUCTURE_FILE = Path(__file__).resolve().parent / "data" / "annual-report-2021.json"


@cache
def _structure_text() -> str:
    return STRUCTURE_FILE.read_text(encoding="utf-8")


def structure() -> dict:
    return json.loads(_structure_text())


def s3_rows() -> list[str]:
    return [key for key, _ in structure()["s3_applications"]["rows"]]


def s3_columns() -> list[str]:
    return [key for key, _ in structure()["s3_applications"]["columns"]]


APPLICANT_COLUMNS = ("natural_person", "business", "research", "public_welfare", "legal_service", "other_org")


def result_rows() -> list[str]:
    return [r for r in s3_rows() if r.startswith("results.") and r != "results.total"]


# --- section 3 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationFact:
    applicant_type: str
    received_on: date | None
    concluded_on: date | None
    result: str  # without the "results." prefix; "" while open
    number: str = ""


def _empty_table() -> dict[str, dict[str, int]]:
    return {row: {col: 0 for col in s3_columns()} for row in s3_rows()}


def classify(fact: ApplicationFact, year: int) -> list[str]:
    """The rows of section 3 that one application counts in for ``year``."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if fact.received_on is None or fact.received_on > end:
        return []
    if fact.concluded_on is not None and fact.concluded_on < start:
        return []  # concluded in an earlier year
    rows = ["new" if fact.received_on >= start else "carried_in"]
    if fact.concluded_on is not None and fact.concluded_on <= end:
        rows.append(f"results.{fact.result}")
    else:
        rows.append("carried_out")
    return rows


def section3(facts: Iterable[ApplicationFact], year: int) -> dict[str, dict[str, int]]:
    table = _empty_table()
    for fact in facts:
        for row in classify(fact, year):
            if row in table and fact.applicant_type in APPLICANT_COLUMNS:
                table[row][fact.applicant_type] += 1
    return complete_section3(table)


def complete_section3(table: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Fill ``results.total`` and the ``total`` column from the counted cells."""
    for row in table.values():
        row["total"] = sum(row[c] for c in APPLICANT_COLUMNS)
    for col in s3_columns():
        table["results.total"][col] = sum(table[r][col] for r in result_rows())
    return table


def check_section3(table: dict[str, dict[str, int]]) -> list[str]:
    """The 勾稽关系, column by column: what is wrong, in words (empty when it holds)."""
    labels = dict(structure()["s3_applications"]["columns"])
    problems = []
    for col in s3_columns():
        left = table["new"][col] + table["carried_in"][col]
        right = table["results.total"][col] + table["carried_out"][col]
        if left != right:
            problems.append(f"“{labels[col]}”列：新收 {table['new'][col]} + 上年结转 {table['carried_in'][col]} = {left}，"
                            f"而办理结果合计 {table['results.total'][col]} + 结转下年 {table['carried_out'][col]} = {right}")
        details = sum(table[r][col] for r in result_rows())
        if details != table["results.total"][col]:
            problems.append(f"“{labels[col]}”列：办理结果总计 {table['results.total'][col]} 不等于各项之和 {details}")
    for row, cells in table.items():
        if cells["total"] != sum(cells[c] for c in APPLICANT_COLUMNS):
            problems.append(f"{row} 行：总计不等于六类申请人之和")
    return problems


def application_problem(fact: ApplicationFact, year: int) -> str:
    """Why one application would break the 勾稽关系 of ``year`` ("" when it would not)."""
    rows = classify(fact, year)
    if not rows:
        return ""
    if fact.applicant_type not in APPLICANT_COLUMNS:
        return f"申请人类型“{fact.applicant_type}”不在年报的六类申请人之中"
    if fact.concluded_on is not None and fact.concluded_on < fact.received_on:
        return f"办结日期 {fact.concluded_on} 早于收到申请之日 {fact.received_on}"
    if fact.concluded_on is not None and f"results.{fact.result}" not in result_rows():
        return f"已办结但办理结果“{fact.result or '（空）'}”不是年报的办理结果"
    if fact.concluded_on is None and fact.result:
        return f"有办理结果“{fact.result}”但没有办结日期"
    return ""


# --- section 4 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFact:
    kind: str
    filed_on: date
    outcome: str
    decided_on: date | None


def section4(facts: Iterable[ReviewFact], year: int) -> dict[str, dict[str, int]]:
    spec = structure()["s4_review_litigation"]
    table = {g: {c: 0 for c, _ in spec["columns"]} for g, _ in spec["groups"]}
    end = date(year, 12, 31)
    for fact in facts:
        if fact.filed_on.year != year or fact.kind not in table:
            continue
        outcome = fact.outcome if fact.decided_on is not None and fact.decided_on <= end and fact.outcome != "pending" else "pending"
        table[fact.kind][outcome] += 1
    for row in table.values():
        row["total"] = sum(v for k, v in row.items() if k != "total")
    return table


# --- section 2 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFact:
    fact_kind: str  # rule | normative_document | licensing | penalty | coercion | administrative_fee
    formed_on: date
    repealed_on: date | None
    decision_count: int | None
    fee_amount: Decimal | None


def yuan_to_10k(amount: Decimal) -> str:
    return str((Decimal(amount) / Decimal(10000)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def section2(facts: Iterable[RecordFact], year: int) -> dict:
    end = date(year, 12, 31)
    documents = {"rule": "rules", "normative_document": "normative_documents"}
    art20_1 = {key: {"issued": 0, "repealed": 0, "in_force": 0} for key in documents.values()}
    decisions = {"licensing": 0, "penalty": 0, "coercion": 0}
    fees = Decimal(0)
    for fact in facts:
        if fact.fact_kind in documents:
            row = art20_1[documents[fact.fact_kind]]
            row["issued"] += fact.formed_on.year == year
            row["repealed"] += fact.repealed_on is not None and fact.repealed_on.year == year
            row["in_force"] += fact.formed_on <= end and (fact.repealed_on is None or fact.repealed_on > end)
        elif fact.fact_kind in decisions and fact.formed_on.year == year:
            decisions[fact.fact_kind] += fact.decision_count or 0
        elif fact.fact_kind == "administrative_fee" and fact.formed_on.year == year:
            fees += fact.fee_amount or 0
    return {
        "art20_1": art20_1,
        "art20_5": {"licensing": {"decisions": decisions["licensing"]}},
        "art20_6": {"penalty": {"decisions": decisions["penalty"]}, "coercion": {"decisions": decisions["coercion"]}},
        "art20_8": {"administrative_fees": {"amount_10k_yuan": yuan_to_10k(fees)}},
    }


# --- adding reports up (the government summary) ---------------------------------------------------------


def add_tables(tables: list[dict]) -> dict:
    """Cell-wise sum of several section tables of the same shape (decimal strings stay decimal)."""
    if not tables:
        raise ValueError("nothing to add")

    def add(values):
        first = values[0]
        if isinstance(first, dict):
            return {k: add([v[k] for v in values]) for k in first}
        if isinstance(first, str):
            return str(sum((Decimal(v) for v in values), Decimal(0)).quantize(Decimal("0.0001")))
        return sum(values)

    return add(tables)


# --- the text sections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """What the text drafts are written from."""

    organisation: str
    year: int
    published_records: int
    records_by_category: dict[str, int]
    consultations: int
    applications_new: int
    applications_by_channel: dict[str, int]
    concluded: int
    overdue_replies: int
    overdue_numbers: list[str]
    open_at_year_end: int
    fees_collected_yuan: Decimal
    fee_notices: int
    reviews_filed: int
    reviews_corrected: int


def _cn_count(mapping: dict[str, int], unit: str = "件") -> str:
    return "，".join(f"{label} {n} {unit}" for label, n in mapping.items() if n) or "无"


def draft_texts(activity: Activity) -> dict[str, str]:
    """First drafts of sections 1, 5 and 6, written from the data; the officer edits them."""
    a = activity
    s1 = (
        f"{a.year}年，{a.organisation}认真贯彻落实《中华人民共和国政府信息公开条例》，依法做好政府信息公开工作。\n\n"
        f"（一）主动公开。全年主动公开政府信息 {a.published_records} 条（{_cn_count(a.records_by_category, '条')}）"
        + (f"，就 {a.consultations} 件政策文件草案公开征求意见" if a.consultations else "") + "。\n\n"
        f"（二）依申请公开。全年新收政府信息公开申请 {a.applications_new} 件（{_cn_count(a.applications_by_channel)}），"
        f"办结 {a.concluded} 件，结转下年度继续办理 {a.open_at_year_end} 件。\n\n"
        "（三）政府信息管理。严格执行公开前保密审查和领导审批制度，及时更新公开目录和公开指南。\n\n"
        "（四）平台建设。依托政府门户网站政府信息公开专栏集中发布信息，提供在线申请和办理进度查询。\n\n"
        "（五）监督保障。将政府信息公开工作纳入年度考核，接受社会监督。"
    )
    if a.overdue_replies:
        shown = "、".join(a.overdue_numbers[:10]) + ("等" if len(a.overdue_numbers) > 10 else "")
        late = f"依申请公开有 {a.overdue_replies} 件未在法定期限内答复（{shown}），答复时效仍需提高。"
    else:
        late = "依申请公开均在法定期限内答复。"
    reviews = (
        f"因政府信息公开被申请行政复议、提起行政诉讼共 {a.reviews_filed} 件，其中被纠正 {a.reviews_corrected} 件，"
        "依法答复的规范性仍需加强。" if a.reviews_filed else ""
    )
    s5 = (
        f"{a.year}年，本机关政府信息公开工作仍存在一些不足：{late}{reviews}"
        "主动公开内容的解读还不够丰富。\n\n"
        f"下一步，将加强答复期限的跟踪提醒，规范答复文书，做好政策解读，持续提升政府信息公开质量。"
    )
    if a.fee_notices:
        s6 = (f"本年度发出信息处理费收费通知 {a.fee_notices} 件，实际收取信息处理费 {a.fees_collected_yuan} 元"
              "（依据《政府信息公开信息处理费管理办法》）。")
    else:
        s6 = "本年度未收取信息处理费。"
    return {"s1_overview": s1, "s5_problems": s5, "s6_other": s6}


def empty_report(*, org: str, year: int, status: str = "draft", version: int = 1) -> dict:
    return {
        "org": org, "year": year, "status": status, "version": version,
        "s1_overview": "", "s2_proactive": {}, "s3_applications": {}, "s4_review_litigation": {},
        "s5_problems": "", "s6_other": "",
    }


def ordered(report: dict) -> dict:
    """The report with its keys in the order of the structure file (PostgreSQL's jsonb keeps
    keys in its own order, so a stored report is put back in order before it is shown)."""
    spec = structure()
    out = {key: report[key] for key in report_keys() if key in report}
    s2 = report.get("s2_proactive") or {}
    out["s2_proactive"] = {
        block["key"]: {row: {col: s2[block["key"]][row][col] for col, _ in block["columns"]} for row, _ in block["rows"]}
        for block in spec["s2_proactive"]["blocks"] if block["key"] in s2
    }
    s3 = report.get("s3_applications") or {}
    out["s3_applications"] = {row: {col: s3[row][col] for col in s3_columns()} for row in s3_rows() if row in s3}
    s4 = report.get("s4_review_litigation") or {}
    columns = [c for c, _ in spec["s4_review_litigation"]["columns"]]
    out["s4_review_litigation"] = {g: {c: s4[g][c] for c in columns} for g, _ in spec["s4_review_litigation"]["groups"] if g in s4}
    return out


def report_keys() -> list[str]:
    return ["org", "year", "status", "version"] + [s["key"] for s in structure()["sections"]]
