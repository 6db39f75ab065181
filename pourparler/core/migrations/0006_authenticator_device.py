# Second-factor seeds encrypted at rest: core.AuthenticatorDevice takes the place of
# django-otp's otp_totp.TOTPDevice, whose `key` column holds every seed as plaintext hex.
#
# 1. The new model's state (its table is made in step 2, in the same transaction as the
#    move, so a failed move leaves no half-made table behind).
# 2. Every TOTPDevice row becomes an AuthenticatorDevice with the same seed, encrypted
#    under the organisation-wide data key (AAD: the new row), bound to its owner, with
#    its step, t0, digits, tolerance, drift, last_t (so no code is accepted twice across
#    the move), throttle and timestamps; then the TOTPDevice rows are deleted. A key that
#    is not hex stops the migration rather than be guessed at.
# 3. The deleted plaintext may linger in free pages: SQLite is rewritten (VACUUM) and its
#    WAL emptied; on PostgreSQL the legacy table is rewritten (VACUUM FULL). Outside a
#    transaction, which VACUUM needs; hence `atomic = False` and step 2 atomic alone.
#
# django_otp.plugins.otp_totp stays installed: this migration needs its model state and
# must run after its table exists on every database, and a database restored from an old
# backup must find the table to empty. Django never drops the table of an app taken out
# of INSTALLED_APPS, so removing the app would not remove plaintext anyway; the table now
# stays empty (see the tests in core/tests/test_login.py).
#
# Sessions verified with a TOTPDevice name it in their persistent id: after the move
# their users are asked for a code again.
#
# Backwards, the seeds go back to TOTPDevice as django-otp stores them, in plaintext, as
# the earlier encryption migrations decrypt when run backwards: only for a rollback.

import uuid

import django.db.models.deletion
import pourparler.core.fields
import pourparler.core.models
from django.conf import settings
from django.db import migrations, models


def _owner_bound(user_id, seed):
    """The plaintext of AuthenticatorDevice.secret: '<user id>:<seed in hex>'."""
    return f"{uuid.UUID(str(user_id))}:{seed.hex()}"


def _unbound(device):
    owner, _, hex_seed = str(device.secret).rpartition(":")
    if uuid.UUID(owner) != uuid.UUID(str(device.user_id)):
        raise ValueError(f"The secret of authenticator {device.pk} belongs to another account.")
    return bytes.fromhex(hex_seed)


def _counters(device):
    return {
        "name": device.name,
        "confirmed": device.confirmed,
        "step": device.step,
        "t0": device.t0,
        "digits": device.digits,
        "tolerance": device.tolerance,
        "drift": device.drift,
        "last_t": device.last_t,
        "throttling_failure_timestamp": device.throttling_failure_timestamp,
        "throttling_failure_count": device.throttling_failure_count,
        "last_used_at": device.last_used_at,
    }


def move_legacy_rows(apps):
    """Move every TOTPDevice into AuthenticatorDevice, seed encrypted; delete the old rows.

    Returns how many devices moved. Callable on its own (the tests do) with any app
    registry that has both models.
    """
    legacy_model = apps.get_model("otp_totp", "TOTPDevice")
    device_model = apps.get_model("core", "AuthenticatorDevice")
    moved = 0
    for old in legacy_model._base_manager.order_by("pk"):
        try:
            seed = bytes.fromhex(old.key)
        except ValueError:
            raise ValueError(f"TOTPDevice {old.pk} holds a key that is not hex.") from None
        new = device_model(user_id=old.user_id, **_counters(old))
        new.secret = _owner_bound(old.user_id, seed)
        new.save(force_insert=True)
        # created_at is auto_now_add: the INSERT stamped it with now; keep the real date.
        device_model._base_manager.filter(pk=new.pk).update(created_at=old.created_at)
        moved += 1
    legacy_model._base_manager.all().delete()
    return moved


def move_rows_back(apps):
    """Undo move_legacy_rows: TOTPDevice rows with plaintext keys (a rollback only)."""
    legacy_model = apps.get_model("otp_totp", "TOTPDevice")
    device_model = apps.get_model("core", "AuthenticatorDevice")
    moved = 0
    for device in device_model._base_manager.order_by("pk"):
        old = legacy_model(user_id=device.user_id, key=_unbound(device).hex(), **_counters(device))
        old.save(force_insert=True)
        legacy_model._base_manager.filter(pk=old.pk).update(created_at=device.created_at)
        moved += 1
    device_model._base_manager.all().delete()
    return moved


def create_table_and_move(apps, schema_editor):
    model = apps.get_model("core", "AuthenticatorDevice")
    schema_editor.create_model(model)
    # The index on user_id would otherwise wait for the end of the migration, outside
    # this transaction.
    for sql in schema_editor.deferred_sql:
        schema_editor.execute(sql)
    schema_editor.deferred_sql.clear()
    move_legacy_rows(apps)


def move_back_and_drop_table(apps, schema_editor):
    move_rows_back(apps)
    schema_editor.delete_model(apps.get_model("core", "AuthenticatorDevice"))


def scrub(apps, schema_editor):
    """Rewrite what held the plaintext keys, so deleted rows do not linger on disk."""
    from pourparler.core.keys import scrub_sqlite

    connection = schema_editor.connection
    if connection.in_atomic_block:
        return
    if connection.vendor == "sqlite":
        scrub_sqlite(connection)
    elif connection.vendor == "postgresql":
        table = apps.get_model("otp_totp", "TOTPDevice")._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM FULL {connection.ops.quote_name(table)}")


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('core', '0005_datakey'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuthenticatorDevice',
                    fields=[
                        ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                        ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                        ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                        ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                        ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                        ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                        ('id', models.BigIntegerField(default=pourparler.core.models.random_device_id, editable=False, primary_key=True, serialize=False)),
                        ('secret', pourparler.core.fields.EncryptedTextField(editable=False, help_text='The seed, bound to its owner; encrypted at rest.')),
                        ('step', models.PositiveSmallIntegerField(default=30, help_text='Seconds per time step.')),
                        ('t0', models.BigIntegerField(default=0, help_text='The Unix time at which step 0 begins.')),
                        ('digits', models.PositiveSmallIntegerField(choices=[(6, '6'), (8, '8')], default=6, help_text='Digits in a code.')),
                        ('tolerance', models.PositiveSmallIntegerField(default=1, help_text='Steps either side of the current one that are still accepted.')),
                        ('drift', models.SmallIntegerField(default=0, help_text="Steps the authenticator's clock is known to be off by.")),
                        ('last_t', models.BigIntegerField(default=-1, help_text='The step of the last accepted code; later steps only.')),
                        ('user', models.ForeignKey(help_text='The user this authenticator belongs to.', on_delete=django.db.models.deletion.CASCADE, related_name='authenticator_devices', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'authenticator device',
                    },
                ),
            ],
        ),
        migrations.RunPython(create_table_and_move, move_back_and_drop_table, atomic=True),
        migrations.RunPython(scrub, migrations.RunPython.noop),
    ]
