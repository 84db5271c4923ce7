"""Letters to the applicant (告知书): one built-in wording per kind, which an organisation may replace
with its own (``LetterTemplate``, edited on the staff pages). A template is plain text in Django
template syntax over the variables in ``VARIABLES``; a blank line starts a new paragraph.

A letter's text is rendered once, when it is issued, and stored (``Letter``); DOCX and PDF are
produced from the stored text, so a later template edit never changes a letter already sent.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone

from yangguang.core.numbering import next_number
from yangguang.foi import rules
from yangguang.foi.models import Application, Letter, LetterTemplate

LETTER_NUMBER_KIND = "foi_letter"
LETTER_NUMBER_TEMPLATE = "{org}依申请公开〔{year}〕{seq}号"
REGULATION = "《中华人民共和国政府信息公开条例》"

# Plain text, no HTML: autoescaping off, and no tags beyond the built-in ones.
_engine = Engine(autoescape=False, libraries={}, builtins=["django.template.defaulttags", "django.template.defaultfilters"])

VARIABLES: dict[str, str] = {
    "applicant": "申请人姓名或名称",
    "number": "申请编号",
    "submitted_on": "提交日期",
    "received_on": "收到申请之日",
    "description": "所需信息描述",
    "organisation": "本机关名称",
    "due_on": "答复期限",
    "result": "办理结果",
    "article": "答复依据的条款",
    "summary": "答复内容（承办人填写）",
    "correction_items": "需要补正的事项",
    "correction_due_on": "补正期限",
    "extension_workdays": "延长的工作日数",
    "extension_reason": "延长理由",
    "fee_amount": "信息处理费金额（元）",
    "fee_explanation": "收费计算说明",
    "fee_pay_by": "缴费期限",
    "regulation": "《中华人民共和国政府信息公开条例》",
}

_REMEDY = (
    "申请人对本答复不服的，可以自收到本告知书之日起六十日内依法申请行政复议，"
    "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。"
)

DEFAULTS: dict[str, str] = {
    "disclosed": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}），"
        "申请获取“{{ description }}”。\n\n"
        "经审查，您（单位）申请获取的政府信息属于公开范围，根据{{ regulation }}{{ article }}的规定，本机关决定予以公开。\n\n"
        "{{ summary }}\n\n" + _REMEDY
    ),
    "partially_disclosed": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}），"
        "申请获取“{{ description }}”。\n\n"
        "经审查，您（单位）申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。根据{{ regulation }}"
        "{{ article }}的规定，本机关向您（单位）提供可以公开的部分，并对不予公开的内容说明理由如下：\n\n"
        "{{ summary }}\n\n" + _REMEDY
    ),
    "withheld": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}），"
        "申请获取“{{ description }}”。\n\n"
        "经审查，您（单位）申请获取的政府信息{{ result }}，根据{{ regulation }}{{ article }}的规定，本机关决定不予公开。理由如下：\n\n"
        "{{ summary }}\n\n" + _REMEDY
    ),
    "unavailable": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}），"
        "申请获取“{{ description }}”。\n\n"
        "经审查，{{ result }}，根据{{ regulation }}{{ article }}的规定，本机关无法提供。具体说明如下：\n\n"
        "{{ summary }}\n\n" + _REMEDY
    ),
    "not_processed": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}），"
        "申请获取“{{ description }}”。\n\n"
        "经审查，您（单位）的申请属于{{ result }}的情形，根据{{ regulation }}{{ article }}的规定，本机关不予处理。具体说明如下：\n\n"
        "{{ summary }}\n\n" + _REMEDY
    ),
    "other": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}），"
        "申请获取“{{ description }}”。\n\n"
        "{{ summary }}{% if article %}（依据：{{ regulation }}{{ article }}）{% endif %}\n\n" + _REMEDY
    ),
    "correction": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}）。\n\n"
        "经审查，您（单位）的申请内容不明确。根据{{ regulation }}第三十条的规定，请您（单位）对以下事项一次性作出补正：\n\n"
        "{{ correction_items }}\n\n"
        "请于{{ correction_due_on }}前向本机关提交补正后的申请。答复期限自本机关收到补正后的申请之日起重新计算。"
        "无正当理由逾期不补正的，视为放弃申请，本机关将不再处理该政府信息公开申请。"
    ),
    "extension": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}）。\n\n"
        "因{{ extension_reason }}，本机关不能在规定期限内作出答复。根据{{ regulation }}第三十三条第二款的规定，"
        "经本机关政府信息公开工作机构负责人同意，答复期限延长{{ extension_workdays }}个工作日，"
        "本机关将于{{ due_on }}前作出答复。"
    ),
    "fee": (
        "本机关于{{ received_on }}收到您（单位）提出的政府信息公开申请（编号：{{ number }}）。\n\n"
        "根据{{ regulation }}第四十二条和《政府信息公开信息处理费管理办法》的规定，本机关决定对该申请收取信息处理费"
        "{{ fee_amount }}元。计算方式：{{ fee_explanation }}。\n\n"
        "请于{{ fee_pay_by }}前缴纳。自发出本通知之日至缴费之日，不计算在答复期限内。逾期未缴纳的，"
        "视为放弃申请，本机关将不再处理该政府信息公开申请。"
    ),
}


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def check_template(body: str) -> None:
    if not body.strip():
        raise ValidationError({"body": "模板正文不能为空"})
    if len(body) > 10000:
        raise ValidationError({"body": "模板正文不能超过 10000 字"})
    try:
        _engine.from_string(body).render(Context({k: "…" for k in VARIABLES}))
    except TemplateSyntaxError as exc:
        raise ValidationError({"body": f"模板语法错误：{exc}"}) from None
    except Exception as exc:  # {% include %} of a file that isn't there, and the like
        raise ValidationError({"body": f"模板无法生成告知书：{type(exc).__name__}（只能使用变量和基本的条件、循环标签）"}) from None


def template_body(organisation, kind: str) -> str:
    own = LetterTemplate.objects.filter(organisation=organisation, kind=kind).values_list("body", flat=True).first()
    return own or DEFAULTS[kind]


def context_for(application: Application) -> dict[str, str]:
    fee = getattr(application, "fee", None)  # the reverse one-to-one raises AttributeError when absent
    return {
        "applicant": application.applicant_name,
        "number": application.number,
        "submitted_on": cn_date(timezone.localtime(application.submitted_at).date()),
        "received_on": cn_date(application.received_on),
        "description": application.description,
        "organisation": application.organisation.name,
        "due_on": cn_date(application.due_on),
        "result": rules.RESULTS[application.result].label if application.result else "",
        "article": application.result_article,
        "summary": application.reply_summary,
        "correction_items": application.correction_items,
        "correction_due_on": cn_date(application.correction_due_on),
        "extension_workdays": str(application.extension_workdays or ""),
        "extension_reason": application.extension_reason,
        "fee_amount": str(fee.amount) if fee else "",
        "fee_explanation": fee.explanation if fee else "",
        "fee_pay_by": cn_date(fee.pay_by) if fee else "",
        "regulation": REGULATION,
    }


def render_body(body: str, context: dict[str, str]) -> str:
    text = _engine.from_string(body).render(Context(context))
    return "\n\n".join(p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip())


def letter_issue(*, application: Application, kind: str, actor, issued_on: date) -> Letter:
    """Render and store a letter inside the caller's transaction."""
    body = render_body(template_body(application.organisation, kind), context_for(application))
    _, doc_number = next_number(
        organisation=application.organisation, kind=LETTER_NUMBER_KIND, year=issued_on.year,
        default_template=LETTER_NUMBER_TEMPLATE,
    )
    return Letter.objects.create(
        application=application, kind=kind, title=rules.LETTER_KINDS[kind].split("（")[0], doc_number=doc_number,
        addressee=f"{application.applicant_name}：", body=body, signature=application.organisation.name,
        issued_on=issued_on, issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def letter_document(letter: Letter):
    from yangguang.core.documents import OfficialDocument

    return OfficialDocument(
        title=letter.title,
        doc_number=letter.doc_number,
        addressee=letter.addressee,
        paragraphs=tuple(letter.body.split("\n\n")),
        signature=letter.signature,
        signed_on=letter.issued_on,
        notes=(f"（申请编号：{letter.application.number}）",),
    )


def letter_docx(letter: Letter) -> bytes:
    from yangguang.core.documents import render_docx

    return render_docx(letter_document(letter))


def letter_pdf(letter: Letter) -> bytes:
    from yangguang.core.documents import render_pdf

    return render_pdf(letter_document(letter))


def letter_template_save(*, actor, organisation, kind: str, body: str) -> LetterTemplate:
    from django.db import transaction

    from yangguang.core import audit
    from yangguang.foi.services import _require

    _require(actor, organisation)
    if kind not in rules.LETTER_KINDS:
        raise ValidationError({"kind": "文书类型无效"})
    check_template(body)
    with transaction.atomic():
        template, _ = LetterTemplate.objects.update_or_create(
            organisation=organisation, kind=kind, defaults={"body": body, "updated_by": actor}
        )
        audit.record(actor=actor, action="foi.letter_template.save", target=template,
                     object_repr=f"{organisation} {rules.LETTER_KINDS[kind]}", after={"kind": kind})
    return template
