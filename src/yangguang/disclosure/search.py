"""Keeping the full-text index in step with what the public may read."""

from __future__ import annotations

from yangguang.core.segmentation import index_tokens
from yangguang.disclosure import rules
from yangguang.disclosure.models import InformationRecord, SearchEntry


def index_record(record: InformationRecord) -> None:
    SearchEntry.objects.update_or_create(
        record=record,
        defaults={
            "organisation_id": record.organisation_id,
            "category_id": record.item.parent_id,
            "year": record.formed_on.year,
            "title_tokens": index_tokens(record.title),
            "body_tokens": index_tokens(" ".join([record.summary, rules.html_to_text(record.body), record.document_number])),
        },
    )


def unindex_record(record: InformationRecord) -> None:
    SearchEntry.objects.filter(record=record).delete()
