"""A justice bureau with a small catalogue and the three people every record passes through."""

from dataclasses import dataclass
from datetime import date

import pytest

from yangguang.core.models import Role
from yangguang.disclosure import services
from yangguang.disclosure.models import CatalogueNode

from ..conftest import make_person


@dataclass
class Bureau:
    organisation: object
    public_item: CatalogueNode
    internal_item: CatalogueNode
    officer: object
    checker: object
    leader: object


@pytest.fixture
def bureau(world, seeded_calendar) -> Bureau:
    org = world.justice
    category = services.catalogue_node_create(actor=None, organisation=org, code="06", name="司法行政法制工作")
    public_item = services.catalogue_node_create(
        actor=None, organisation=org, parent=category, code="0601", name="行政规范性文件", channels=["portal", "board"]
    )
    internal_category = services.catalogue_node_create(actor=None, organisation=org, code="09", name="财务收支")
    internal_item = services.catalogue_node_create(
        actor=None, organisation=org, parent=internal_category, code="0905", name="局机关财务收支情况", scope="internal",
        channels=["board", "meeting"],
    )
    return Bureau(
        org, public_item, internal_item,
        make_person("officer", Role.DISCLOSURE_OFFICER, org),
        make_person("checker", Role.CONFIDENTIALITY_REVIEWER, org),
        make_person("leader", Role.LEADER, org),
    )


@pytest.fixture
def draft(bureau):
    def make(title="关于印发法律援助经济困难标准的通知", *, item=None, formed_on=date(2026, 2, 10), **extra):
        return services.record_create(
            actor=bureau.officer, organisation=bureau.organisation, item=item or bureau.public_item, title=title,
            formed_on=formed_on, summary="明确法律援助经济困难标准。", body="<p>正文</p>", **extra,
        )

    return make


@pytest.fixture
def publish(bureau):
    def run(record):
        services.record_transition(actor=bureau.officer, record=record, action="submit")
        services.record_transition(actor=bureau.checker, record=record, action="confidentiality_approve")
        services.record_transition(actor=bureau.leader, record=record, action="leader_approve")
        record.refresh_from_db()
        return record

    return run
