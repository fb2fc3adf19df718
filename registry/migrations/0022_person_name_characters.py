"""An index of the characters of persons' names, on PostgreSQL: a search by one character (a
surname alone, 王) beyond a village finds its persons there. Neither the trigram index (0009) nor
the two-character pieces (0016) serve one character, so the county viewer's persons list, women's
ledger and visits searched for 王 read every person of the county (200–350 ms on 1,000,000 persons);
from this index (8 MB on them), 15–35 ms. SQLite needs none."""

from django.db import migrations

FUNCTION = "registry_name_characters"
INDEX = "person_name_characters"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text[] "
            # Not STRICT: PostgreSQL then inlines it (string_to_array is not strict), so a query
            # that filters rows by it, rather than reading the index, costs a C call a row.
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT string_to_array($1, NULL) $$"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_person USING gin ({FUNCTION}(name))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0021_register_entry_person_name")]

    operations = [migrations.RunPython(create_index, drop_index)]
