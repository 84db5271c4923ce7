"""pydantic speaks English; the people using this API read Chinese. Name the field, say what is wrong."""

FIELD_LABELS = {
    "start": "起始日期",
    "end": "截止日期",
    "n": "工作日数",
    "date": "日期",
    "q": "检索词",
    "org": "发布机构",
    "category": "信息分类",
    "year": "生成年度",
    "page": "页码",
    "per_page": "每页条数",
    "organisation": "受理机关",
    "applicant_type": "申请人类型",
    "applicant_name": "申请人姓名或名称",
    "name": "申请人姓名或名称",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "legal_representative": "法定代表人或负责人",
    "contact_person": "联系人",
    "phone": "联系电话",
    "email": "电子邮箱",
    "address": "通信地址",
    "postcode": "邮政编码",
    "description": "所需信息描述",
    "form": "获取信息的形式",
    "delivery": "获取信息的方式",
    "submission_key": "提交标识",
    "secret": "查询密码",
    "tracking_code": "查询码",
    "attachments": "附件",
    "application": "申请",
}

MESSAGES = {
    "missing": "缺少必填项",
    "date_from_datetime_parsing": "不是 YYYY-MM-DD 格式的有效日期",
    "date_parsing": "不是 YYYY-MM-DD 格式的有效日期",
    "date_type": "不是 YYYY-MM-DD 格式的有效日期",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "greater_than_equal": "不得小于 {ge}",
    "less_than_equal": "不得大于 {le}",
    "string_too_short": "长度不得少于 {min_length} 个字符",
    "string_too_long": "长度不得超过 {max_length} 个字符",
    "json_invalid": "不是有效的 JSON",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
}


def describe_validation_errors(errors: list[dict]) -> list[dict]:
    out = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path", "payload", "form")]
        field = loc[-1] if loc else ""
        label = FIELD_LABELS.get(field, field)
        template = MESSAGES.get(error.get("type", ""), "取值无效")
        try:
            text = template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            text = template
        out.append({"field": ".".join(loc), "message": f"{label}（{field}）：{text}" if field else text})
    return out
