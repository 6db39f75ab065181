# Encrypt what a database from before encryption at rest holds in plaintext (records and
# change-log copies), through the same code path as `pourparler keys rotate`, and fill
# the blind index. A new database has nothing to encrypt and needs no key here.

from django.db import migrations

MODELS = ("Person", "PersonName", "Relationship")


def _models(apps):
    return [apps.get_model("people", name) for name in MODELS]


def encrypt_existing(apps, schema_editor):
    from pourparler.core.keys import encrypt_plaintext_values
    from pourparler.people.services import rebuild_search_tokens

    encrypt_plaintext_values(
        _models(apps),
        entry_model=apps.get_model("core", "ChangeLogEntry"),
        content_type_model=apps.get_model("contenttypes", "ContentType"),
    )
    rebuild_search_tokens(apps.get_model("people", "Person"), apps.get_model("people", "PersonName"))


def decrypt_existing(apps, schema_editor):
    from pourparler.core.keys import decrypt_to_plaintext

    decrypt_to_plaintext(
        _models(apps),
        entry_model=apps.get_model("core", "ChangeLogEntry"),
        content_type_model=apps.get_model("contenttypes", "ContentType"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('people', '0002_encrypted_fields'),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
