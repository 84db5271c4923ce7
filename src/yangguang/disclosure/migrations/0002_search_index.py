"""The full-text index over SearchEntry, in each database's own way.

SQLite: an FTS5 table with external content (the tokens live once, in disclosure_searchentry; FTS5
keeps only its inverted index), kept in step by triggers. The tokens are already segmented and
lower-cased, so the unicode61 tokenizer only splits on the spaces; diacritics are left alone. A
third column, ``facets``, holds the filters as tokens (o<organisation id> c<category id> y<year>)
so that FTS5 intersects them with the words itself; its content comes from a view over the entry
table. Searches confine the query's words to the two text columns.

PostgreSQL: a generated tsvector column ('simple': no stemming, no stop words) with the title as
weight A and the body as weight B, and a GIN index on it. Large values go to TOAST early
(toast_tuple_target) and the vector is stored uncompressed: the heap rows stay narrow, so bitmap
scans over many matches touch few pages, and ranking a page of vectors does not decompress them.

Caution for later migrations on SQLite: Django alters a table by rebuilding it, which drops its
triggers. A migration that alters SearchEntry must run ``SQLITE_TRIGGERS`` again (and a 'rebuild').
"""

from django.db import migrations

FTS = "disclosure_searchentry_fts"
SOURCE = "disclosure_searchentry_fts_source"
ENTRY = "disclosure_searchentry"


def _facets(row: str) -> str:
    return f"'o' || {row}.organisation_id || ' c' || {row}.category_id || ' y' || {row}.year"


SQLITE_FORWARD = [
    f"CREATE VIEW {SOURCE} AS SELECT record_id, title_tokens, body_tokens, {_facets(ENTRY)} AS facets FROM {ENTRY}",
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"title_tokens, body_tokens, facets, content='{SOURCE}', content_rowid='record_id', "
    "tokenize='unicode61 remove_diacritics 0')",
]
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER {ENTRY}_ai AFTER INSERT ON {ENTRY} BEGIN
        INSERT INTO {FTS}(rowid, title_tokens, body_tokens, facets)
        VALUES (new.record_id, new.title_tokens, new.body_tokens, {_facets("new")});
    END""",
    f"""CREATE TRIGGER {ENTRY}_ad AFTER DELETE ON {ENTRY} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title_tokens, body_tokens, facets)
        VALUES ('delete', old.record_id, old.title_tokens, old.body_tokens, {_facets("old")});
    END""",
    f"""CREATE TRIGGER {ENTRY}_au AFTER UPDATE ON {ENTRY} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title_tokens, body_tokens, facets)
        VALUES ('delete', old.record_id, old.title_tokens, old.body_tokens, {_facets("old")});
        INSERT INTO {FTS}(rowid, title_tokens, body_tokens, facets)
        VALUES (new.record_id, new.title_tokens, new.body_tokens, {_facets("new")});
    END""",
]
SQLITE_REBUILD = f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {ENTRY}_{suffix}" for suffix in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {FTS}",
    f"DROP VIEW IF EXISTS {SOURCE}",
]

POSTGRES_FORWARD = [
    f"ALTER TABLE {ENTRY} SET (toast_tuple_target = 128)",
    f"""ALTER TABLE {ENTRY} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') ||
        setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')
    ) STORED""",
    f"ALTER TABLE {ENTRY} ALTER COLUMN search_vector SET STORAGE EXTERNAL",
    f"CREATE INDEX {ENTRY}_search_vector_gin ON {ENTRY} USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    f"DROP INDEX IF EXISTS {ENTRY}_search_vector_gin",
    f"ALTER TABLE {ENTRY} DROP COLUMN IF EXISTS search_vector",
    f"ALTER TABLE {ENTRY} RESET (toast_tuple_target)",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [*SQLITE_FORWARD, *SQLITE_TRIGGERS, SQLITE_REBUILD]
    elif vendor == "postgresql":
        statements = POSTGRES_FORWARD
    else:
        statements = []  # search.py refuses other databases with a clear error
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
