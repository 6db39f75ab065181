# Encryption at rest: names and notes become encrypted fields; a blind index replaces
# the plaintext search_text (removed in 0004, after 0003 has filled the index).

import pourparler.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_datakey'),
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='person',
            options={'ordering': ['created_at', 'id'], 'verbose_name_plural': 'people'},
        ),
        migrations.AlterModelOptions(
            name='personname',
            options={'ordering': ['person', 'created_at']},
        ),
        migrations.AddField(
            model_name='person',
            name='search_tokens',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name='person',
            name='full_name',
            field=pourparler.core.fields.EncryptedTextField(max_length=300),
        ),
        migrations.AlterField(
            model_name='person',
            name='notes',
            field=pourparler.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='personname',
            name='name',
            field=pourparler.core.fields.EncryptedTextField(max_length=300),
        ),
        migrations.AlterField(
            model_name='personname',
            name='transliteration',
            field=pourparler.core.fields.EncryptedTextField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name='relationship',
            name='notes',
            field=pourparler.core.fields.EncryptedTextField(blank=True),
        ),
    ]
