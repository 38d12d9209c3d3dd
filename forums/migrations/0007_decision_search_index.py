"""The decision log's word search on PostgreSQL (forums.search.matching): a GIN index on the
very document the search builds (title weighted A, rationale B, English), so the matching
decisions are found from the index, not by building every decision's document on each search.
SQLite searches with LIKE and gets no index."""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(rationale, '')), 'B')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX decision_search ON forums_decision USING gin (({DOCUMENT}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS decision_search")


class Migration(migrations.Migration):
    dependencies = [("forums", "0006_newest_first_ties")]

    operations = [migrations.RunPython(create, drop)]
