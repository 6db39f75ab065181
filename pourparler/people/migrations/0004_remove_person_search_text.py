# The plaintext search_text gives way to the blind index (search_tokens).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_encrypt_existing'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='person',
            name='search_text',
        ),
    ]
