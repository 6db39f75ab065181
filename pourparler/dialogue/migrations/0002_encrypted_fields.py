# Encryption at rest: what was said in an interaction, and follow-up actions.

import pourparler.core.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_datakey'),
        ('dialogue', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='followup',
            name='action',
            field=pourparler.core.fields.EncryptedTextField(max_length=300),
        ),
        migrations.AlterField(
            model_name='interaction',
            name='notes',
            field=pourparler.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='interaction',
            name='outcomes',
            field=pourparler.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='interaction',
            name='summary',
            field=pourparler.core.fields.EncryptedTextField(),
        ),
    ]
