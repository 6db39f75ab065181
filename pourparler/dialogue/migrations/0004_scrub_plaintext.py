# On SQLite, rewrite the database file and empty its WAL once the plaintext of names,
# notes and summaries has been replaced by ciphertext, so the old text does not linger
# in free pages. Outside a transaction: VACUUM cannot run inside one.

from django.db import migrations


def scrub(apps, schema_editor):
    from pourparler.core.keys import scrub_sqlite

    scrub_sqlite(schema_editor.connection)


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('dialogue', '0003_encrypt_existing'),
        ('people', '0004_remove_person_search_text'),
    ]

    operations = [
        migrations.RunPython(scrub, migrations.RunPython.noop),
    ]
