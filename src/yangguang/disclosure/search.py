"""The public full-text search over proactively disclosed records.

Writing: ``index_record`` / ``unindex_record`` keep one SearchEntry per published public record
(services call them on every state change). Reading: ``search_records`` answers a query.

The SearchEntry columns hold segmented tokens (core.segmentation); migration 0002 builds the
database's own index over them: an FTS5 table on SQLite, a weighted tsvector with a GIN index on
PostgreSQL. Both answer the same question the same way: every query term must be present, title
hits rank above body hits, newer records break ties.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

from django.db import NotSupportedError, connection
from django.utils.safestring import SafeString, mark_safe

from yangguang.core.models import Organisation
from yangguang.core.segmentation import ParsedQuery, index_tokens, normalise, parse_query
from yangguang.disclosure import rules
from yangguang.disclosure.models import CatalogueNode, InformationRecord, RecordState, Scope, SearchEntry

FTS_TABLE = "disclosure_searchentry_fts"  # created by migration 0002 (SQLite only)
VECTOR_COLUMN = "search_vector"  # created by migration 0002 (PostgreSQL only)
# bm25 weight of a title hit against a body hit (SQLite); ts_rank weights {D, C, B=body, A=title}.
TITLE_WEIGHT = 10.0
PG_WEIGHTS = "{0, 0, 0.1, 1.0}"
PER_PAGE_MAX = 100
SNIPPET_LENGTH = 120
SNIPPET_LEAD = 30  # characters of context shown before the first hit


# --- writing ----------------------------------------------------------------------------------------


def entry_fields(record: InformationRecord) -> dict:
    """The SearchEntry values of a record (also used by bulk indexing)."""
    return {
        "organisation_id": record.organisation_id,
        "category_id": record.item.parent_id,
        "year": record.formed_on.year,
        "title_tokens": index_tokens(record.title),
        "body_tokens": index_tokens(" ".join([record.summary, rules.html_to_text(record.body), record.document_number])),
    }


ENTRY_FIELDS = ["organisation", "category", "year", "title_tokens", "body_tokens"]


def index_records(records) -> int:
    """Index (or re-index) records in one statement per batch: an upsert on the primary key, so
    it is atomic without a read first and safe to repeat. Callers decide which records belong in
    the index; ``index_record`` is the one-record form the services use."""
    entries = [SearchEntry(record=record, **entry_fields(record)) for record in records]
    SearchEntry.objects.bulk_create(
        entries, batch_size=500, update_conflicts=True, unique_fields=["record"], update_fields=ENTRY_FIELDS
    )
    return len(entries)


def index_record(record: InformationRecord) -> None:
    index_records([record])


def unindex_record(record: InformationRecord) -> None:
    SearchEntry.objects.filter(record=record).delete()


# --- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    record: InformationRecord
    rank: float  # higher is better; comparable only within one result set
    title_html: SafeString
    snippet_html: SafeString


@dataclass(frozen=True)
class SearchResults:
    query: ParsedQuery
    total: int
    page: int
    pages: int
    per_page: int
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    def page_window(self, radius: int = 2) -> list[int]:
        """Page numbers around the current one, for the pager."""
        return list(range(max(1, self.page - radius), min(self.pages, self.page + radius) + 1))


def search_records(
    *,
    query: str,
    organisation: Organisation | None = None,
    category: CatalogueNode | None = None,
    category_name: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchResults:
    """Published public records matching every term of ``query``, best first.

    An empty query, or one with nothing searchable in it (only punctuation), finds nothing. A
    query longer than segmentation.QUERY_MAX_LENGTH is cut (``results.query.truncated``). A page
    past the end gives the last page."""
    parsed = parse_query(query)
    per_page = max(1, min(int(per_page), PER_PAGE_MAX))
    if parsed.is_empty:
        return SearchResults(query=parsed, total=0, page=1, pages=0, per_page=per_page)
    backend = _backend()
    where, params = _filters(organisation=organisation, category=category, category_name=category_name, year=year)
    total = backend.count(parsed, where, params)
    pages = math.ceil(total / per_page)
    page = max(1, min(_as_int(page), pages or 1))
    if total == 0:
        return SearchResults(query=parsed, total=0, page=1, pages=0, per_page=per_page)
    ranked = backend.ranked(parsed, where, params, limit=per_page, offset=(page - 1) * per_page)
    records = (
        InformationRecord.objects.filter(pk__in=[pk for pk, _ in ranked], state=RecordState.PUBLISHED, scope=Scope.PUBLIC)
        .select_related("organisation")
        .in_bulk()
    )
    needles = _needles(parsed)
    hits = [
        SearchHit(
            record=records[pk],
            rank=float(score),
            title_html=highlight(records[pk].title, needles),
            snippet_html=snippet(_plain_text(records[pk]), needles),
        )
        for pk, score in ranked
        if pk in records
    ]
    return SearchResults(query=parsed, total=total, page=page, pages=pages, per_page=per_page, hits=hits)


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def _filters(*, organisation, category, category_name, year) -> tuple[str, list]:
    """Extra WHERE conditions over the entry ``e`` and the record ``r``. The record's own state and
    scope are checked as well as the entry's existence: an index entry left behind by a bug must
    still never show a draft or an internal record."""
    where = ["r.state = %s", "r.scope = %s"]
    params: list = [RecordState.PUBLISHED.value, Scope.PUBLIC.value]
    if organisation is not None:
        where.append("e.organisation_id = %s")
        params.append(organisation.pk)
    if category is not None:
        where.append("e.category_id = %s")
        params.append(category.pk)
    if category_name:
        where.append(
            f"e.category_id IN (SELECT id FROM {CatalogueNode._meta.db_table} WHERE kind = %s AND name = %s)"
        )
        params += [CatalogueNode.Kind.CATEGORY.value, category_name]
    if year is not None:
        where.append("e.year = %s")
        params.append(int(year))
    return " AND ".join(where), params


class _SQLite:
    """FTS5: ``bm25`` is lower-is-better and takes one weight per column (title, body)."""

    join = (
        f"FROM {FTS_TABLE} JOIN {SearchEntry._meta.db_table} e ON e.record_id = {FTS_TABLE}.rowid "
        f"JOIN {InformationRecord._meta.db_table} r ON r.id = e.record_id"
    )

    @staticmethod
    def match(parsed: ParsedQuery) -> str:
        # Terms are letters, digits or Chinese characters only (segmentation), so quoting is exact.
        return " AND ".join([f'"{t}"' for t in parsed.terms] + [f'"{p}"*' for p in parsed.prefixes])

    def count(self, parsed, where, params) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {self.join} WHERE {FTS_TABLE} MATCH %s AND {where}", [self.match(parsed), *params])
            return cursor.fetchone()[0]

    def ranked(self, parsed, where, params, *, limit, offset) -> list[tuple[int, float]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.record_id, -bm25({FTS_TABLE}, %s, 1.0) AS score {self.join} "
                f"WHERE {FTS_TABLE} MATCH %s AND {where} "
                "ORDER BY score DESC, r.formed_on DESC, r.id DESC LIMIT %s OFFSET %s",
                [TITLE_WEIGHT, self.match(parsed), *params, limit, offset],
            )
            return cursor.fetchall()


class _PostgreSQL:
    """tsvector ('simple') with the title as weight A and the body as B; ``ts_rank`` is
    higher-is-better."""

    join = f"FROM {SearchEntry._meta.db_table} e JOIN {InformationRecord._meta.db_table} r ON r.id = e.record_id"

    @staticmethod
    def tsquery(parsed: ParsedQuery) -> str:
        return " & ".join([f"'{t}'" for t in parsed.terms] + [f"'{p}':*" for p in parsed.prefixes])

    def count(self, parsed, where, params) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) {self.join} WHERE e.{VECTOR_COLUMN} @@ to_tsquery('simple', %s) AND {where}",
                [self.tsquery(parsed), *params],
            )
            return cursor.fetchone()[0]

    def ranked(self, parsed, where, params, *, limit, offset) -> list[tuple[int, float]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.record_id, ts_rank(%s::float4[], e.{VECTOR_COLUMN}, q) AS score "
                f"{self.join}, to_tsquery('simple', %s) q "
                f"WHERE e.{VECTOR_COLUMN} @@ q AND {where} "
                "ORDER BY score DESC, r.formed_on DESC, r.id DESC LIMIT %s OFFSET %s",
                [PG_WEIGHTS, self.tsquery(parsed), *params, limit, offset],
            )
            return cursor.fetchall()


def _backend():
    if connection.vendor == "sqlite":
        return _SQLite()
    if connection.vendor == "postgresql":
        return _PostgreSQL()
    raise NotSupportedError(f"全文检索只支持 SQLite 与 PostgreSQL，当前数据库为 {connection.vendor}")


# --- highlighting -----------------------------------------------------------------------------------


def _plain_text(record: InformationRecord) -> str:
    return " ".join(part for part in (record.summary, rules.html_to_text(record.body)) if part)


def _needles(parsed: ParsedQuery) -> re.Pattern | None:
    """What to mark: the query's words as typed, and their bigrams (a three-character word is
    found by its bigrams even where it does not occur whole). Longest first, so that 低保户 is
    marked whole where it occurs."""
    words = {w for w in parsed.words if len(w) > 1 or w in parsed.prefixes}
    words.update(parsed.terms)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))))


def _spans(text: str, needles: re.Pattern | None) -> list[tuple[int, int]]:
    """Where the needles occur in ``text`` (matched on the normalised form: case and full-width
    folded), merged where they touch."""
    if needles is None or not text:
        return []
    folded = normalise(text)
    if len(folded) == len(text):
        origin = None  # one character for one: offsets carry over
    else:
        folded_chars, origin = [], []
        for i, ch in enumerate(text):
            for f in normalise(ch):
                folded_chars.append(f)
                origin.append(i)
        folded = "".join(folded_chars)
    spans: list[tuple[int, int]] = []
    for m in needles.finditer(folded):
        start, end = (m.start(), m.end()) if origin is None else (origin[m.start()], origin[m.end() - 1] + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _marked(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """Every piece of text escaped on its own; the only markup is ours."""
    out, pos = [], 0
    for start, end in spans:
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight(text: str, needles: re.Pattern | None) -> SafeString:
    return mark_safe(_marked(text, _spans(text, needles)))


def snippet(text: str, needles: re.Pattern | None, length: int = SNIPPET_LENGTH) -> SafeString:
    """About ``length`` characters of ``text`` around its first hit (or its start), marked."""
    spans = _spans(text, needles)
    start = max(0, spans[0][0] - SNIPPET_LEAD) if spans else 0
    start = max(0, min(start, len(text) - length))
    end = min(len(text), start + length)
    window = [(a, b) for a, b in spans if b > start and a < end]
    body = _marked(text[start:end], window, offset=start)
    return mark_safe(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))


# --- choices for the search form ------------------------------------------------------------------


def searchable_organisations():
    """Organisations with at least one record in the index."""
    return Organisation.objects.filter(
        pk__in=SearchEntry.objects.values("organisation_id"), is_active=True
    ).order_by("path")


def category_names(organisation: Organisation | None = None) -> list[str]:
    """Catalogue category names, of one organisation or of all (distinct)."""
    nodes = CatalogueNode.objects.filter(kind=CatalogueNode.Kind.CATEGORY)
    if organisation is not None:
        nodes = nodes.filter(organisation=organisation)
    return list(nodes.order_by("name").values_list("name", flat=True).distinct())


def indexed_years() -> list[int]:
    """Years from the newest indexed record back to the oldest (two index lookups)."""
    newest = SearchEntry.objects.order_by("-year").values_list("year", flat=True).first()
    oldest = SearchEntry.objects.order_by("year").values_list("year", flat=True).first()
    return list(range(newest, oldest - 1, -1)) if newest else []
