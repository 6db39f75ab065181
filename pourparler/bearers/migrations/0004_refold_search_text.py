# Search folds œ and æ to oe and ae now (pourparler/core/text.py): recompute the folded
# names every bearer is found by. Derived data: nothing to undo.

from django.db import migrations


def refold(apps, schema_editor):
    from pourparler.core.text import search_blob

    bearer_model = apps.get_model("bearers", "WeaponBearer")
    name_model = apps.get_model("bearers", "BearerName")
    names_of: dict = {}
    alive = name_model._base_manager.filter(deleted_at__isnull=True).order_by("pk")
    for bearer_id, name, transliteration in alive.values_list(
        "bearer_id", "name", "transliteration"
    ):
        names_of.setdefault(bearer_id, []).extend([name, transliteration])
    for bearer_id, name in bearer_model._base_manager.values_list("pk", "name"):
        blob = search_blob([name, *names_of.get(bearer_id, [])])
        bearer_model._base_manager.filter(pk=bearer_id).update(search_text=blob)


class Migration(migrations.Migration):
    dependencies = [
        ("bearers", "0003_organisation_level"),
    ]

    operations = [
        migrations.RunPython(refold, migrations.RunPython.noop),
    ]
