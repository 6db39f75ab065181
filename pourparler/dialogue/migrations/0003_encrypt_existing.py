# Encrypt what a database from before encryption at rest holds in plaintext (records and
# change-log copies), through the same code path as `pourparler keys rotate`.

from django.db import migrations

MODELS = ("Interaction", "FollowUp")


def _models(apps):
    return [apps.get_model("dialogue", name) for name in MODELS]


def encrypt_existing(apps, schema_editor):
    from pourparler.core.keys import encrypt_plaintext_values

    encrypt_plaintext_values(
        _models(apps),
        entry_model=apps.get_model("core", "ChangeLogEntry"),
        content_type_model=apps.get_model("contenttypes", "ContentType"),
    )


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
        ('dialogue', '0002_encrypted_fields'),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
