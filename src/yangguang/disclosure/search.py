"""The public full-text search over proactively disclosed records.

Writing: ``index_record`` / ``unindex_record`` keep one SearchEntry per published public record
(services call them on every state change). Reading: ``search_records`` answers a query.

The SearchEntry columns hold segmented tokens (core.segmentation); migration 0002 builds the
database's own index over them: an FTS5 table on SQLite, a weighted tsvector with a GIN index on
PostgreSQL. Both answer the same question the same way: every query term must be present; of the
matches, the newest RESULT_LIMIT are ranked (title hits above body hits, newer records breaking
ties) and paged.
"""

from __future__ import annotations

import html
import math
import re
import time
from dataclasses import dataclass, field
from datetime import date

from django.db import NotSupportedError, connection, transaction
from django.db.models import Exists, OuterRef
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
RESULT_LIMIT = 1000  # matches ranked and paged per query (the newest); see search_records
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
    total: int  # exact when ``total_exact``; otherwise RESULT_LIMIT and there are more
    total_exact: bool
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


@dataclass(frozen=True)
class _Filters:
    organisation_id: int | None = None
    category_ids: tuple[int, ...] | None = None  # None: any category; (): none matches
    year: int | None = None


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

    Ranking: title hits well above body hits (bm25 with the title weighted ``TITLE_WEIGHT`` times
    on SQLite, ts_rank with weights A=1.0 / B=0.1 on PostgreSQL), then the newer ``formed_on``.
    At most the newest RESULT_LIMIT matches (by record id, i.e. in the order they were entered)
    are ranked and paged; when there are more, ``total_exact`` is False. Counting and ranking
    every match of a word found in most records (公开, 资金) costs time proportional to the
    whole collection on both databases; the newest RESULT_LIMIT cost the same at any size.

    An empty query, or one with nothing searchable in it (only punctuation), finds nothing. A
    query longer than segmentation.QUERY_MAX_LENGTH is cut (``results.query.truncated``). A page
    past the end gives the last page."""
    parsed = parse_query(query)
    per_page = max(1, min(_as_int(per_page), PER_PAGE_MAX))
    empty = SearchResults(query=parsed, total=0, total_exact=True, page=1, pages=0, per_page=per_page)
    if parsed.is_empty:
        return empty
    category_ids = None
    if category is not None or category_name:
        nodes = CatalogueNode.objects.filter(kind=CatalogueNode.Kind.CATEGORY)
        if category is not None:
            nodes = nodes.filter(pk=category.pk)
        if category_name:
            nodes = nodes.filter(name=category_name)
        if organisation is not None:
            nodes = nodes.filter(organisation=organisation)
        category_ids = tuple(nodes.values_list("pk", flat=True))
        if not category_ids:
            return empty
    filters = _Filters(
        organisation_id=organisation.pk if organisation is not None else None,
        category_ids=category_ids,
        year=int(year) if year is not None else None,
    )
    newest = _backend().newest_scored(parsed, filters, limit=RESULT_LIMIT + 1)
    more = len(newest) > RESULT_LIMIT
    ranked = sorted(newest[:RESULT_LIMIT], key=lambda hit: (-hit[1], -_ordinal(hit[2]), -hit[0]))
    if not ranked:
        return empty
    pages = math.ceil(len(ranked) / per_page)
    page = max(1, min(_as_int(page), pages))
    shown = ranked[(page - 1) * per_page : page * per_page]
    records = InformationRecord.objects.select_related("organisation").in_bulk([pk for pk, _, _ in shown])
    needles = _needles(parsed)
    hits = [
        SearchHit(
            record=records[pk],
            rank=float(score),
            title_html=highlight(records[pk].title, needles),
            snippet_html=snippet(_plain_text(records[pk]), needles),
        )
        for pk, score, _ in shown
    ]
    return SearchResults(
        query=parsed, total=len(ranked), total_exact=not more, page=page, pages=pages, per_page=per_page, hits=hits
    )


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def _ordinal(day) -> int:
    # SQLite hands back dates as text through a raw cursor.
    return day.toordinal() if isinstance(day, date) else date.fromisoformat(day).toordinal()


# Both backends return (record id, score, formed_on) of the newest matches, newest first. They
# check the record itself as well as its index entry (state and scope): an entry left behind by a
# bug must still never show a draft or an internal record.
_RECORD = InformationRecord._meta.db_table
_PUBLIC = f"r.state = '{RecordState.PUBLISHED.value}' AND r.scope = '{Scope.PUBLIC.value}'"


class _SQLite:
    """FTS5. The filters are tokens of the ``facets`` column (o<organisation> c<category>
    y<year>, see migration 0002), so the index itself intersects them with the words instead of
    a join testing every match; the query's words are confined to the text columns. ``bm25`` is
    lower-is-better and takes one weight per column."""

    @staticmethod
    def match(parsed: ParsedQuery, filters: _Filters) -> str:
        # Terms are letters, digits or Chinese characters only (segmentation), so quoting is exact.
        words = [f'"{t}"' for t in parsed.terms] + [f'"{p}"*' for p in parsed.prefixes]
        expression = f"{{title_tokens body_tokens}} : ({' AND '.join(words)})"
        if filters.organisation_id is not None:
            expression += f' AND facets : "o{filters.organisation_id}"'
        if filters.category_ids is not None:
            categories = " OR ".join(f'"c{pk}"' for pk in filters.category_ids)
            expression += f" AND facets : ({categories})"
        if filters.year is not None:
            expression += f' AND facets : "y{filters.year}"'
        return expression

    def newest_scored(self, parsed: ParsedQuery, filters: _Filters, *, limit: int) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {FTS_TABLE}.rowid, -bm25({FTS_TABLE}, %s, 1.0, 0.0), r.formed_on "
                f"FROM {FTS_TABLE} JOIN {_RECORD} r ON r.id = {FTS_TABLE}.rowid "
                f"WHERE {FTS_TABLE} MATCH %s AND {_PUBLIC} ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s",
                [TITLE_WEIGHT, self.match(parsed, filters), limit],
            )
            return cursor.fetchall()


class _PostgreSQL:
    """tsvector ('simple') with the title as weight A and the body as B, GIN-indexed; the filters
    are B-tree indexes on the entry.

    A GIN index cannot hand out its matches newest first, so they are read range by range of
    record ids, from the top, each range with one of two plans:

    * test every row of the range against the query: costs the size of the range;
    * take the query's rarest word from the GIN index (bitmap-ANDed with the range and the
      filters) and test the rest of the query on those rows only: costs that word's postings in
      the whole collection.

    PostgreSQL's planner cannot make this choice itself: it does not price fetching each vector
    from TOAST, and it takes the bigrams of one word for independent words (for 义务教育 it
    expects 100 matches where there are 35,000), so it is told which plan to use. Frequencies
    come from the column's statistics (ANALYZE, which autovacuum runs); the first range is sized
    from the rarest word's frequency, later ones from the density of matches seen so far."""

    first_span = 2 * RESULT_LIMIT
    # Measured on the benchmark machine: reading one GIN posting ≈ 0.07 µs, testing one row ≈ 3.5 µs.
    posting_vs_row = 50
    stats_seconds = 600
    _stats: tuple[float, dict[str, float], float] | None = None  # (read at, frequencies, the rest's ceiling)

    # Both return (record id, rank) for the newest matches in (low, high]; OFFSET 0 keeps the
    # planner from folding the range scan into an index scan on the vector.
    scan_range = (
        "SELECT record_id, ts_rank(%s::float4[], {vector}, to_tsquery('simple', %s)) FROM ("
        "SELECT record_id, {vector} FROM {table} WHERE record_id > %s AND record_id <= %s{where} OFFSET 0) AS newest "
        "WHERE {vector} @@ to_tsquery('simple', %s) ORDER BY record_id DESC LIMIT %s"
    )
    # ts_match_vq is the function behind @@: the rest of the query is a row test, not a GIN key.
    scan_rarest_word = (
        "SELECT record_id, ts_rank(%s::float4[], {vector}, to_tsquery('simple', %s)) FROM {table} "
        "WHERE record_id > %s AND record_id <= %s{where} AND {vector} @@ to_tsquery('simple', %s) "
        "AND ts_match_vq({vector}, to_tsquery('simple', %s)) ORDER BY record_id DESC LIMIT %s"
    )

    @staticmethod
    def tsquery(parsed: ParsedQuery) -> str:
        return " & ".join([f"'{t}'" for t in parsed.terms] + [f"'{p}':*" for p in parsed.prefixes])

    @staticmethod
    def filter_sql(filters: _Filters) -> tuple[str, list]:
        where, params = [], []
        if filters.organisation_id is not None:
            where.append("organisation_id = %s")
            params.append(filters.organisation_id)
        if filters.category_ids is not None:
            where.append("category_id = ANY(%s)")
            params.append(list(filters.category_ids))
        if filters.year is not None:
            where.append("year = %s")
            params.append(filters.year)
        return "".join(f" AND {w}" for w in where), params

    def frequencies(self, cursor, table: str) -> tuple[dict[str, float], float]:
        """Share of entries holding each common word, and a ceiling for every other word."""
        cached = _PostgreSQL._stats
        if cached is None or time.monotonic() - cached[0] > self.stats_seconds:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
                [table, VECTOR_COLUMN],
            )
            row = cursor.fetchone()
            if row and row[0]:
                words, shares = row[0], row[1]
                cached = (time.monotonic(), dict(zip(words, shares)), min(shares[: len(words)]))
            else:
                cached = (time.monotonic(), {}, 1.0)  # not analysed yet: assume the worst
            _PostgreSQL._stats = cached
        return cached[1], cached[2]

    def newest_scored(self, parsed: ParsedQuery, filters: _Filters, *, limit: int) -> list[tuple]:
        tsquery = self.tsquery(parsed)
        where, params = self.filter_sql(filters)
        table = SearchEntry._meta.db_table
        found: list[tuple[int, float]] = []
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT max(record_id), (SELECT reltuples FROM pg_class WHERE oid = %s::regclass) FROM {table}", [table]
            )
            top, rows = cursor.fetchone()
            if top is None:
                return []
            rows = rows if rows and rows > 0 else top
            shares, ceiling = self.frequencies(cursor, table)
            if parsed.terms:
                rarest = min(parsed.terms, key=lambda t: shares.get(t, ceiling))
                share = shares.get(rarest, ceiling)
            else:  # only one-character prefixes: no single posting list to start from
                rarest, share = None, 1.0
            cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
            saved = cursor.fetchone()
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)")
            try:
                high = top
                span = min(max(self.first_span, int(limit / max(share, 1e-6) * 1.25)), top)
                while len(found) < limit:
                    low = max(high - span, 0)
                    head = [PG_WEIGHTS, tsquery, low, high, *params]
                    if rarest is not None and share * rows < self.posting_vs_row * span:
                        sql, args = self.scan_rarest_word, [*head, f"'{rarest}'", tsquery, limit - len(found)]
                    else:
                        sql, args = self.scan_range, [*head, tsquery, limit - len(found)]
                    cursor.execute(sql.format(table=table, vector=VECTOR_COLUMN, where=where), args)
                    found += cursor.fetchall()
                    if low == 0:
                        break
                    covered, wanted = top - low, limit - len(found)
                    span = covered * 8 if not found else max(int(wanted * covered / len(found) * 1.25), self.first_span)
                    high = low
            finally:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true), set_config('enable_indexscan', %s, true)", saved)
            if not found:
                return []
            cursor.execute(
                f"SELECT r.id, r.formed_on FROM {_RECORD} r WHERE r.id = ANY(%s) AND {_PUBLIC}", [[pk for pk, _ in found]]
            )
            formed_on = dict(cursor.fetchall())
        return [(pk, score, formed_on[pk]) for pk, score in found if pk in formed_on]


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
    # EXISTS probes the entry table's organisation index once per organisation; IN (subquery)
    # would read every entry.
    return Organisation.objects.filter(
        Exists(SearchEntry.objects.filter(organisation_id=OuterRef("pk"))), is_active=True
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
