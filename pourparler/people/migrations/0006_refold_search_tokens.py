# Search folds œ and æ to oe and ae now (pourparler/core/text.py): recompute every
# person's blind index, as a key rotation does. A database without people needs no key.

from django.db import migrations


def refold(apps, schema_editor):
    from pourparler.people.services import rebuild_search_tokens

    rebuild_search_tokens(apps.get_model("people", "Person"), apps.get_model("people", "PersonName"))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_person_anonymised_at"),
    ]

    operations = [
        migrations.RunPython(refold, migrations.RunPython.noop),
    ]
