"""Pure rules of proactive disclosure: the review state table, the publication deadline and the
HTML that may appear in a record. No Django here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import nh3

DRAFT = "draft"
CONFIDENTIALITY_REVIEW = "confidentiality_review"
LEADER_APPROVAL = "leader_approval"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"
REPEALED = "repealed"

# 条例 第二十六条: publish within 20 working days of the information being formed or changed.
PUBLICATION_WORKDAYS = 20
# The disclosure office's "at risk" list starts this many working days before the deadline.
AT_RISK_WORKDAYS = 5


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    role: str
    label: str
    needs_reason: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition("submit", DRAFT, CONFIDENTIALITY_REVIEW, "disclosure_officer", "提交保密审查"),
        Transition("confidentiality_approve", CONFIDENTIALITY_REVIEW, LEADER_APPROVAL, "confidentiality_reviewer", "保密审查通过"),
        Transition("confidentiality_reject", CONFIDENTIALITY_REVIEW, DRAFT, "confidentiality_reviewer", "保密审查退回", needs_reason=True),
        Transition("leader_approve", LEADER_APPROVAL, PUBLISHED, "leader", "批准发布"),
        Transition("leader_reject", LEADER_APPROVAL, DRAFT, "leader", "领导退回", needs_reason=True),
        Transition("withdraw", PUBLISHED, WITHDRAWN, "leader", "撤回", needs_reason=True),
        Transition("repeal", PUBLISHED, REPEALED, "leader", "废止", needs_reason=True),
    ]
}


def available_actions(state: str, roles: set[str]) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == state and t.role in roles]


def deadline_status(*, due_on: date, today: date, at_risk_from: date, published: bool) -> str:
    """'done' once published; otherwise 'overdue' after the due date, 'at_risk' from the warning
    date, else 'on_time'."""
    if published:
        return "done"
    if today > due_on:
        return "overdue"
    if today >= at_risk_from:
        return "at_risk"
    return "on_time"


ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "h2", "h3", "h4", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "blockquote", "a", "span", "div", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}


def sanitise_html(html: str) -> str:
    """Keep document structure, drop scripts, styles, event handlers and javascript: links."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML, for search and summaries."""
    text = nh3.clean(html or "", tags=set()).replace("&nbsp;", " ")
    import html as html_lib

    return " ".join(html_lib.unescape(text).split())
