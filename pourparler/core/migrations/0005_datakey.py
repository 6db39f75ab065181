# Encryption at rest: the data keys, wrapped by the master key (core/crypto.py).

import django.db.models.deletion
import django.utils.timezone
import pourparler.core.ids
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataKey',
            fields=[
                ('id', models.UUIDField(default=pourparler.core.ids.uuid7, editable=False, primary_key=True, serialize=False)),
                ('wrapped_key', models.TextField(blank=True)),
                ('master_key_id', models.CharField(max_length=8)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('retired_at', models.DateTimeField(blank=True, null=True)),
                ('compartment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.delegation')),
            ],
            options={
                'ordering': ['created_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('retired_at__isnull', True)), fields=('compartment',), name='core_datakey_one_active_per_compartment')],
            },
        ),
    ]
