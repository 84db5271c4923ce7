"""The full-text index over SearchEntry, in each database's own way.

SQLite: an FTS5 table with external content (the tokens live once, in disclosure_searchentry; FTS5
keeps only its inverted index), kept in step by triggers. The tokens are already segmented and
lower-cased, so the unicode61 tokenizer only splits on the spaces; diacritics are left alone.

PostgreSQL: a generated tsvector column ('simple': no stemming, no stop words) with the title as
weight A and the body as weight B, and a GIN index on it.

Caution for later migrations on SQLite: Django alters a table by rebuilding it, which drops its
triggers. A migration that alters SearchEntry must run ``SQLITE_TRIGGERS`` again (and a 'rebuild').
"""

from django.db import migrations

FTS = "disclosure_searchentry_fts"
ENTRY = "disclosure_searchentry"

SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"title_tokens, body_tokens, content='{ENTRY}', content_rowid='record_id', "
    "tokenize='unicode61 remove_diacritics 0')"
)
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER {ENTRY}_ai AFTER INSERT ON {ENTRY} BEGIN
        INSERT INTO {FTS}(rowid, title_tokens, body_tokens) VALUES (new.record_id, new.title_tokens, new.body_tokens);
    END""",
    f"""CREATE TRIGGER {ENTRY}_ad AFTER DELETE ON {ENTRY} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title_tokens, body_tokens) VALUES ('delete', old.record_id, old.title_tokens, old.body_tokens);
    END""",
    f"""CREATE TRIGGER {ENTRY}_au AFTER UPDATE OF record_id, title_tokens, body_tokens ON {ENTRY} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title_tokens, body_tokens) VALUES ('delete', old.record_id, old.title_tokens, old.body_tokens);
        INSERT INTO {FTS}(rowid, title_tokens, body_tokens) VALUES (new.record_id, new.title_tokens, new.body_tokens);
    END""",
]
SQLITE_REBUILD = f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {ENTRY}_{suffix}" for suffix in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]

POSTGRES_FORWARD = [
    f"""ALTER TABLE {ENTRY} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') ||
        setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')
    ) STORED""",
    f"CREATE INDEX {ENTRY}_search_vector_gin ON {ENTRY} USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    f"DROP INDEX IF EXISTS {ENTRY}_search_vector_gin",
    f"ALTER TABLE {ENTRY} DROP COLUMN IF EXISTS search_vector",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_REBUILD]
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
