"""The service centre's vocabulary and state table, as plain Python.

A case (办件) moves 已提交 → 已受理 | 不予受理 → 审查中 ⇄ 待补正 → 核准中 → 办结 → 已送达, or is
withdrawn by the applicant before it is decided. Which steps a case passes through is configured per
item (一审一核 = a review step and an approval step; a 即办件 is completed at acceptance), and each
action belongs to one role. ``available_actions`` and ``transition_error`` are the only places that
decide what may happen next.
"""

from __future__ import annotations

KINDS = {
    "licence": "行政许可",
    "confirmation": "行政确认",
    "benefit": "行政给付",
    "adjudication": "行政裁决",
    "levy": "行政征收",
    "reward": "行政奖励",
    "other_power": "其他行政权力",
    "public_service": "公共服务",
}
PUBLIC_SERVICE = "public_service"
APPROVAL_KINDS = tuple(k for k in KINDS if k != PUBLIC_SERVICE)  # 行政审批 in the seed's wording

MATERIAL_FORMS = {"original": "原件", "copy": "复印件", "both": "原件及复印件", "electronic": "电子件"}

STEPS = {"accept": "受理", "review": "审查", "approve": "核准（决定）", "complete": "办结"}
DEFAULT_STEPS = ("accept", "review", "approve", "complete")
IMMEDIATE_STEPS = ("accept", "complete")
OPTIONAL_STEPS = ("review", "approve")

CHANNELS = {"window": "窗口受理", "online": "网上申报", "agency": "便民服务点代办"}
APPLICANT_TYPES = {"person": "自然人", "organisation": "法人或其他组织"}
DELIVERIES = {"window": "窗口领取", "post": "邮寄送达", "electronic": "电子送达"}

SUBMITTED = "submitted"
ACCEPTED = "accepted"
REJECTED = "rejected"
REVIEWING = "reviewing"
CORRECTION = "correction"
APPROVING = "approving"
COMPLETED = "completed"
DELIVERED = "delivered"
WITHDRAWN = "withdrawn"

STATUSES = {
    SUBMITTED: "已提交",
    ACCEPTED: "已受理",
    REJECTED: "不予受理",
    REVIEWING: "审查中",
    CORRECTION: "待补正",
    APPROVING: "核准中",
    COMPLETED: "办结",
    DELIVERED: "已送达",
    WITHDRAWN: "已撤回",
}
OPEN_STATUSES = (SUBMITTED, ACCEPTED, REVIEWING, CORRECTION, APPROVING)
RUNNING_STATUSES = (ACCEPTED, REVIEWING, CORRECTION, APPROVING)  # accepted, not yet decided: the clock runs
FINAL_STATUSES = (REJECTED, COMPLETED, DELIVERED, WITHDRAWN)

RESULTS = {"approved": "准予", "refused": "不予"}

SUSPENSION_KINDS = {
    "correction": "补正材料",
    "hearing": "听证",
    "testing": "检验检测",
    "expert": "专家评审",
    "other": "其他依法不计入的情形",
}
# Suspensions that an officer starts by hand; correction is started by asking for it.
MANUAL_SUSPENSIONS = ("hearing", "testing", "expert", "other")

# Who acts. "clerk" is the window (窗口受理人员), "reviewer" the first check (一审), "approver" the
# decision (一核), "agency" a clerk at a town or village service point, "applicant" the person.
CLERK, REVIEWER, APPROVER, AGENCY, APPLICANT = "clerk", "reviewer", "approver", "agency", "applicant"
ACTOR_LABELS = {CLERK: "窗口受理人员", REVIEWER: "审核人员", APPROVER: "核准人员", AGENCY: "便民服务点代办员", APPLICANT: "申请人"}

ACTION_LABELS = {
    "forward": "转报上级",
    "accept": "受理",
    "reject": "不予受理",
    "review_start": "签收审查",
    "request_correction": "一次性告知补正",
    "receive_correction": "收到补正材料",
    "suspend": "特别程序（暂停计时）",
    "resume": "特别程序结束",
    "review_pass": "审查通过，报核准",
    "return_to_review": "退回重新审查",
    "decide": "作出决定（办结）",
    "deliver": "送达",
    "withdraw": "撤回申请",
}

HISTORY_LABELS = {
    "services.case.submit": "提交申请",
    "services.case.register": "窗口登记",
    "services.case.forward": "转报",
    "services.case.accept": "受理",
    "services.case.reject": "不予受理",
    "services.case.review_start": "签收审查",
    "services.case.request_correction": "告知补正",
    "services.case.receive_correction": "收到补正材料",
    "services.case.suspend": "暂停计时",
    "services.case.resume": "恢复计时",
    "services.case.review_pass": "审查通过",
    "services.case.return_to_review": "退回重新审查",
    "services.case.decide": "办结",
    "services.case.deliver": "送达",
    "services.case.withdraw": "撤回",
}


def status_label(status: str) -> str:
    return STATUSES.get(status, status)


def normalise_steps(steps) -> tuple[str, ...]:
    """A valid step list: always 受理 first and 办结 last, the optional steps in their order."""
    chosen = set(steps or ())
    unknown = chosen - set(STEPS)
    if unknown:
        raise ValueError(f"未知的办理环节：{'、'.join(sorted(unknown))}")
    return ("accept", *(s for s in OPTIONAL_STEPS if s in chosen), "complete")


def steps_error(steps, immediate: bool) -> str:
    try:
        normalised = normalise_steps(steps)
    except ValueError as exc:
        return str(exc)
    if immediate and normalised != IMMEDIATE_STEPS:
        return "即办件当场办结，不能设置审查或核准环节"
    return ""


def deciding_actor(steps) -> str:
    """Who decides: the approver (一核) when the item has that step, else the reviewer, else the window."""
    steps = tuple(steps)
    if "approve" in steps:
        return APPROVER
    if "review" in steps:
        return REVIEWER
    return CLERK


def transitions(steps, immediate: bool = False) -> dict[str, tuple[tuple[str, ...], str, str]]:
    """action → (from statuses, to status, actor) for an item with these steps. ``accept`` of a 即办件
    completes the case at once; ``decide`` is taken by whoever holds the last step before 办结."""
    steps = normalise_steps(steps)
    has_review, has_approve = "review" in steps, "approve" in steps
    decider = deciding_actor(steps)
    decide_from = {APPROVER: APPROVING, REVIEWER: REVIEWING, CLERK: ACCEPTED}[decider]
    table = {
        "forward": ((SUBMITTED,), SUBMITTED, AGENCY),
        "accept": ((SUBMITTED,), COMPLETED if immediate else ACCEPTED, CLERK),
        "reject": ((SUBMITTED,), REJECTED, CLERK),
        "decide": ((decide_from,), COMPLETED, decider),
        "deliver": ((COMPLETED,), DELIVERED, CLERK),
        "withdraw": ((SUBMITTED, ACCEPTED, REVIEWING, CORRECTION, APPROVING), WITHDRAWN, APPLICANT),
    }
    if has_review:
        table["review_start"] = ((ACCEPTED,), REVIEWING, REVIEWER)
        table["request_correction"] = ((REVIEWING,), CORRECTION, REVIEWER)
        table["receive_correction"] = ((CORRECTION,), REVIEWING, CLERK)
        table["suspend"] = ((REVIEWING, APPROVING) if has_approve else (REVIEWING,), None, REVIEWER)
        table["resume"] = (table["suspend"][0], None, REVIEWER)
    elif not immediate:
        # No review step: the window checks the materials itself (and may ask for a correction).
        table["request_correction"] = ((ACCEPTED,), CORRECTION, CLERK)
        table["receive_correction"] = ((CORRECTION,), ACCEPTED, CLERK)
    if has_approve:
        if has_review:
            table["review_pass"] = ((REVIEWING,), APPROVING, REVIEWER)
            table["return_to_review"] = ((APPROVING,), REVIEWING, APPROVER)
        else:
            table["review_pass"] = ((ACCEPTED,), APPROVING, CLERK)  # the window sends it to the approver
        if not has_review:
            table["suspend"] = ((APPROVING,), None, APPROVER)
            table["resume"] = ((APPROVING,), None, APPROVER)
    return table


def transition_error(action: str, status: str, steps, immediate: bool = False) -> str:
    """Why ``action`` cannot be taken on a case in ``status``; empty when it can."""
    table = transitions(steps, immediate)
    if action not in table:
        return f"该事项的办理流程没有“{ACTION_LABELS.get(action, action)}”这一步"
    sources = table[action][0]
    if status not in sources:
        return f"办件当前为“{status_label(status)}”，不能{ACTION_LABELS.get(action, action)}"
    return ""


def actor_for(action: str, steps, immediate: bool = False) -> str:
    return transitions(steps, immediate)[action][2]


def target_status(action: str, status: str, steps, immediate: bool = False) -> str:
    to = transitions(steps, immediate)[action][1]
    return status if to is None else to


def available_actions(
    status: str, steps, immediate: bool, held_by: set[str], *, suspended: bool = False, en_route: bool = False
) -> list[str]:
    """The actions a person holding the actor kinds ``held_by`` may take now, in display order. A
    case still on its way from a service point (``en_route``) can only go on or be withdrawn."""
    table = transitions(steps, immediate)
    actions = []
    for action in ACTION_LABELS:
        if action not in table or status not in table[action][0] or table[action][2] not in held_by:
            continue
        if (action == "forward") != en_route and not (en_route and action == "withdraw"):
            continue
        if action == "suspend" and suspended or action == "resume" and not suspended:
            continue
        if suspended and action in ("review_pass", "decide", "request_correction", "return_to_review"):
            continue  # finish the hearing / test / review first
        actions.append(action)
    return actions
