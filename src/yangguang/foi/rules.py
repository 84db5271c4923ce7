"""The rules of applications for disclosure that need no database: who may apply as what, what an
application can become, the reply categories of the national annual report with the article each
relies on, the fee standard, and the traffic light of the staff queue.

The reply categories are exactly the rows ``results.*`` of ``shared/domain/annual-report-2021.json``;
``RESULTS`` keeps their keys (without the ``results.`` prefix) and their official labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from yangguang.supervision.lights import GREEN, RED, STOPPED, YELLOW, light  # noqa: F401  (rules.light)

# --- applicants ----------------------------------------------------------------------------------

NATURAL_PERSON = "natural_person"
APPLICANT_TYPES: dict[str, str] = {
    NATURAL_PERSON: "自然人",
    "business": "法人或其他组织/商业企业",
    "research": "法人或其他组织/科研机构",
    "public_welfare": "法人或其他组织/社会公益组织",
    "legal_service": "法人或其他组织/法律服务机构",
    "other_org": "法人或其他组织/其他",
}

ID_TYPES: dict[str, str] = {
    "resident_id": "居民身份证",
    "passport": "护照",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreigner_permit": "外国人永久居留身份证",
    "credit_code": "统一社会信用代码",
    "other": "其他有效证件",
}
ORGANISATION_ID_TYPES = {"credit_code", "other"}

CHANNELS: dict[str, str] = {
    "online": "网上申请",
    "post": "信函（邮寄）",
    "in_person": "当面提交",
    "fax": "传真",
}
# 第三十一条: in person — that day; by post — the day signed for; online or fax — the day confirmed.
RECEIPT_RULES: dict[str, str] = {
    "in_person": "当面提交的，以提交之日为收到申请之日",
    "post": "以邮寄方式提交的，以行政机关签收之日为收到申请之日",
    "online": "通过互联网渠道提交的，以双方确认之日为收到申请之日",
    "fax": "以传真方式提交的，以双方确认之日为收到申请之日",
}
CONFIRMED_CHANNELS = {"online", "fax"}  # received only when the office confirms

FORMS: dict[str, str] = {"paper": "纸质", "electronic": "电子文档"}
DELIVERIES: dict[str, str] = {
    "post": "邮寄",
    "email": "电子邮件",
    "pickup": "当面领取",
    "online": "网上获取",
}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def resident_id_error(value: str) -> str:
    """Why an 18-character 居民身份证号码 is wrong (GB 11643: ISO 7064 MOD 11-2), or ""."""
    value = value.strip().upper()
    if not _RESIDENT_ID.match(value):
        return "居民身份证号码应为 18 位（最后一位可为 X）"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "居民身份证号码中的出生日期无效"
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != value[17]:
        return "居民身份证号码校验位不正确，请核对"
    return ""


def credit_code_error(value: str) -> str:
    value = value.strip().upper()
    if not _CREDIT_CODE.match(value):
        return "统一社会信用代码应为 18 位数字或大写字母"
    return ""


# --- statuses ------------------------------------------------------------------------------------

SUBMITTED = "submitted"
PROCESSING = "processing"
AWAITING_CORRECTION = "awaiting_correction"
CONSULTING = "consulting"
AWAITING_PAYMENT = "awaiting_payment"
CLOSED = "closed"
STATUSES: dict[str, str] = {
    SUBMITTED: "已提交，待确认收到",
    PROCESSING: "办理中",
    AWAITING_CORRECTION: "待申请人补正",
    CONSULTING: "征求意见中（期限暂停）",
    AWAITING_PAYMENT: "待缴纳信息处理费（期限暂停）",
    CLOSED: "已办结",
}
OPEN_STATUSES = frozenset(STATUSES) - {CLOSED}

# action → (statuses it may start from, status it leads to (None: stays))
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "confirm_receipt": (frozenset({SUBMITTED}), PROCESSING),
    "request_correction": (frozenset({PROCESSING}), AWAITING_CORRECTION),
    "receive_correction": (frozenset({AWAITING_CORRECTION}), PROCESSING),
    "start_consultation": (frozenset({PROCESSING}), CONSULTING),
    "end_consultation": (frozenset({CONSULTING}), PROCESSING),
    "extend": (frozenset({PROCESSING, CONSULTING, AWAITING_PAYMENT}), None),
    "notify_fee": (frozenset({PROCESSING}), AWAITING_PAYMENT),
    "record_payment": (frozenset({AWAITING_PAYMENT}), PROCESSING),
    "reply": (frozenset({PROCESSING}), CLOSED),
    "close_no_correction": (frozenset({AWAITING_CORRECTION}), CLOSED),
    "close_fee_unpaid": (frozenset({AWAITING_PAYMENT}), CLOSED),
    "withdraw": (frozenset(OPEN_STATUSES), CLOSED),
    "assign": (frozenset(OPEN_STATUSES), None),
}
ACTION_LABELS: dict[str, str] = {
    "confirm_receipt": "确认收到申请",
    "request_correction": "告知补正",
    "receive_correction": "收到补正材料",
    "start_consultation": "征求第三方或其他机关意见",
    "end_consultation": "征求意见结束",
    "extend": "延长答复期限",
    "notify_fee": "发出收费通知",
    "record_payment": "登记缴费",
    "reply": "答复",
    "close_no_correction": "逾期未补正，终止处理",
    "close_fee_unpaid": "逾期未缴费，终止处理",
    "withdraw": "申请人撤回申请",
    "assign": "分派承办人",
}


# How the audit trail's actions read in the application's history.
HISTORY_LABELS: dict[str, str] = {
    **{f"foi.application.{key}": label for key, label in ACTION_LABELS.items()},
    "foi.application.submit": "提交或登记申请",
    "foi.note.add": "添加内部备注",
    "foi.review.record": "登记行政复议或行政诉讼",
    "foi.review.decide": "更新复议或诉讼结果",
    "foi.import": "从原系统导入",
}


def transition_error(action: str, status: str) -> str:
    allowed, _ = TRANSITIONS[action]
    if status in allowed:
        return ""
    return f"申请当前状态为“{STATUSES[status]}”，不能{ACTION_LABELS[action]}"


def available_actions(
    status: str, *, officer: bool, head: bool, correction_asked: bool, extended: bool, fee_notified: bool
) -> list[str]:
    """The actions a person may take on an application now: the state table, the roles (the office
    head extends; officers do everything else), and the once-only steps (one correction request,
    one extension, one fee notice)."""
    once_done = {"request_correction": correction_asked, "extend": extended, "notify_fee": fee_notified}
    allowed = []
    for action, (starts, _) in TRANSITIONS.items():
        if status not in starts or once_done.get(action, False):
            continue
        if (head if action == "extend" else officer):
            allowed.append(action)
    return allowed


# --- results (annual-report rows results.*) ------------------------------------------------------


@dataclass(frozen=True)
class Result:
    key: str  # annual-report row key without the "results." prefix
    label: str  # the official label of the row
    article: str  # the article usually relied on; the officer may cite another
    letter: str  # which reply letter (告知书) this result uses
    group: str


RESULTS: dict[str, Result] = {
    r.key: r
    for r in (
        Result("disclosed", "予以公开", "第三十六条第（二）项", "disclosed", "予以公开"),
        Result("partially_disclosed", "部分公开（区分处理的，只计这一情形，不计其他情形）", "第三十七条、第三十六条第（三）项", "partially_disclosed", "部分公开"),
        Result("withheld.state_secret", "属于国家秘密", "第十四条、第三十六条第（三）项", "withheld", "不予公开"),
        Result("withheld.prohibited_by_law", "其他法律行政法规禁止公开", "第十四条、第三十六条第（三）项", "withheld", "不予公开"),
        Result("withheld.security_stability", "危及“三安全一稳定”", "第十四条、第三十六条第（三）项", "withheld", "不予公开"),
        Result("withheld.third_party_rights", "保护第三方合法权益", "第十五条、第三十二条、第三十六条第（三）项", "withheld", "不予公开"),
        Result("withheld.internal_affairs", "属于三类内部事务信息", "第十六条第一款、第三十六条第（三）项", "withheld", "不予公开"),
        Result("withheld.process_information", "属于四类过程性信息", "第十六条第二款、第三十六条第（三）项", "withheld", "不予公开"),
        Result("withheld.enforcement_files", "属于行政执法案卷", "第十六条第二款、第三十六条第（三）项", "withheld", "不予公开"),
        Result("withheld.administrative_query", "属于行政查询事项", "第三十六条第（七）项", "withheld", "不予公开"),
        Result("unavailable.not_held", "本机关不掌握相关政府信息", "第三十六条第（四）项、第（五）项", "unavailable", "无法提供"),
        Result("unavailable.needs_creation", "没有现成信息需要另行制作", "第三十八条", "unavailable", "无法提供"),
        Result("unavailable.unclear_after_correction", "补正后申请内容仍不明确", "第三十条", "unavailable", "无法提供"),
        Result("not_processed.petition_or_complaint", "信访举报投诉类申请", "第三十九条第一款", "not_processed", "不予处理"),
        Result("not_processed.repeated", "重复申请", "第三十六条第（六）项", "not_processed", "不予处理"),
        Result("not_processed.publication", "要求提供公开出版物", "第三十九条第二款", "not_processed", "不予处理"),
        Result("not_processed.excessive", "无正当理由大量反复申请", "第三十五条", "not_processed", "不予处理"),
        Result("not_processed.confirmation", "要求行政机关确认或重新出具已获取信息", "第三十九条", "not_processed", "不予处理"),
        Result("other.no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "第三十条", "other", "其他处理"),
        Result("other.fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "第四十二条", "other", "其他处理"),
        Result("other.other", "其他", "", "other", "其他处理"),
    )
}
# Results an officer chooses in the reply form; the two "no longer processed" ones follow from the
# clock (no correction / no payment in time) and have their own actions.
REPLY_RESULTS = [k for k in RESULTS if k not in ("other.no_correction", "other.fee_unpaid")]

LETTER_KINDS: dict[str, str] = {
    "disclosed": "政府信息公开申请答复告知书（予以公开）",
    "partially_disclosed": "政府信息公开申请答复告知书（部分公开）",
    "withheld": "政府信息公开申请答复告知书（不予公开）",
    "unavailable": "政府信息公开申请答复告知书（无法提供）",
    "not_processed": "政府信息公开申请处理告知书（不予处理）",
    "other": "政府信息公开申请处理告知书（其他处理）",
    "correction": "政府信息公开申请补正告知书",
    "extension": "延长政府信息公开申请答复期限告知书",
    "fee": "政府信息公开信息处理费收费通知书",
}


def result_label(key: str) -> str:
    result = RESULTS[key]
    return result.label if result.group == result.label else f"{result.group}/{result.label}"


# --- fees (信息处理费, 国办函〔2020〕109号) ---------------------------------------------------------


@dataclass(frozen=True)
class FeeStandard:
    """按件计收: per applicant per natural month, ``free_count`` applications free; then each band
    (up to count, yuan per application); above the last band, every ``step_size`` more applications
    cost ``step_increment`` more each. 按量计收 bands: (up to pages, yuan per page), the last open."""

    free_count: int = 10
    count_bands: tuple[tuple[int, int], ...] = ((30, 100),)
    step_size: int = 10
    step_increment: int = 100
    page_bands: tuple[tuple[int | None, int], ...] = ((30, 0), (100, 10), (200, 20), (None, 40))
    payment_workdays: int = 20  # the applicant pays within 20 working days of the notice

    @classmethod
    def from_setting(cls, value: dict | None) -> FeeStandard:
        if not value:
            return cls()
        fields = dict(value)
        for name in ("count_bands", "page_bands"):
            if name in fields:
                fields[name] = tuple(tuple(band) for band in fields[name])
        return cls(**fields)


def fee_by_count(ordinal: int, standard: FeeStandard) -> Decimal:
    """The fee for the ``ordinal``-th application (1-based) of one applicant in one natural month."""
    if ordinal <= standard.free_count:
        return Decimal(0)
    for upto, price in standard.count_bands:
        if ordinal <= upto:
            return Decimal(price)
    last_upto, last_price = standard.count_bands[-1] if standard.count_bands else (standard.free_count, 0)
    steps = (ordinal - last_upto - 1) // standard.step_size + 1
    return Decimal(last_price + steps * standard.step_increment)


def fee_by_pages(pages: int, standard: FeeStandard) -> Decimal:
    """按量计收: each page is charged at the rate of the band it falls in."""
    total, lower = Decimal(0), 0
    for upto, price in standard.page_bands:
        top = pages if upto is None else min(pages, upto)
        if top > lower:
            total += (top - lower) * price
        if upto is None or pages <= upto:
            break
        lower = upto
    return total


def fee_explanation(ordinal: int, pages: int, standard: FeeStandard) -> str:
    by_count = fee_by_count(ordinal, standard)
    text = f"本申请为申请人本自然月内向本机关提出的第 {ordinal} 件申请；按件计收：{by_count} 元"
    if ordinal <= standard.free_count:
        text += f"（每月前 {standard.free_count} 件不收费）"
    if pages:
        text += f"；按量计收（{pages} 页）：{fee_by_pages(pages, standard)} 元"
    return text


# --- lights --------------------------------------------------------------------------------------

# The light rule is one for every clock (cases and applications alike): supervision.lights.
LIGHT_LABELS = {GREEN: "正常", YELLOW: "临近期限", RED: "已逾期", STOPPED: "期限暂停"}
