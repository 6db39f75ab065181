"""The encrypted text field: confidential text the database only ever holds encrypted.

On the model the attribute is plaintext. On its way to the database ``pre_save``
encrypts it under the data key of the record's compartment, with the model, field and
row id as AAD. On its way back the token stays encrypted until the attribute is read:
the descriptor decrypts it then, when the row's id is known, so the AAD is checked in
full and a ciphertext moved to another row or field fails loudly. ``values()`` and
``values_list()`` return the tokens. Empty text stays empty.

SQL cannot see inside the ciphertext, so filtering, comparing or ordering by these
fields is refused (``EncryptedFieldError``, and a system check for ``Meta.ordering``);
people are found through their blind index instead (``crypto.search_tokens``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import signals
from django.db.models.query_utils import DeferredAttribute

from pourparler.core.crypto import (
    CryptoError,
    DataKeyHandle,
    EncryptedToken,
    check_key_location,
    cipher_for,
    clear_key_cache,
    current_data_key,
    decrypt_token,
    encrypt,
    record_aad,
)

# The data key one save encrypts with, remembered from the first encrypted field to the
# last; dropped by the pre_save and post_save signals (see CoreConfig.ready).
SEALING_KEY_ATTR = "_pourparler_sealing_key"


class EncryptedFieldError(FieldError):
    """An encrypted field was used where SQL would need its plaintext."""


class EncryptedAttribute(DeferredAttribute):
    """Hold the plaintext on the instance; decrypt a token loaded from the database on
    first read, when the row's id (part of the AAD) is known."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, EncryptedToken):
            field = self.field
            aad = record_aad(field.model._meta.label, field.name, instance.pk)
            value = decrypt_token(value, aad=aad)
            instance.__dict__[field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


def forget_sealing_key(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Drop the data key remembered for one save (a pre_save and post_save receiver)."""
    instance.__dict__.pop(SEALING_KEY_ATTR, None)


def connect_encryption() -> None:
    """Check the master key file's place at start-up and connect the field's signals.

    A key file inside the data directory stops the application here, before it serves.
    After a migrate or a flush (tests), cached keys are forgotten: the rows may be gone.
    """
    if getattr(settings, "MASTER_KEY_FILE", ""):
        check_key_location(settings.MASTER_KEY_FILE)
    signals.pre_save.connect(forget_sealing_key, dispatch_uid="pourparler-sealing-pre")
    signals.post_save.connect(forget_sealing_key, dispatch_uid="pourparler-sealing-post")
    signals.post_migrate.connect(_forget_keys, dispatch_uid="pourparler-forget-keys")


def _forget_keys(**kwargs: Any) -> None:
    clear_key_cache()


class EncryptedTextField(models.TextField):
    """Confidential text, encrypted at rest with AES-256-GCM (see ``core.crypto``).

    ``max_length`` limits the plaintext (checked by ``full_clean`` and forms, shown as a
    one-line input) and not the column, which holds the longer token.
    """

    descriptor_class = EncryptedAttribute
    description = "Text encrypted at rest (AES-256-GCM)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        ordering = getattr(self.model._meta, "ordering", None) or []
        if any(isinstance(o, str) and o.lstrip("-") == self.name for o in ordering):
            errors.append(
                checks.Error(
                    f"Meta.ordering names the encrypted field '{self.name}'.",
                    hint="SQL cannot order by ciphertext: order by a non-confidential "
                    "field and sort in Python where needed.",
                    obj=self,
                    id="core.E101",
                )
            )
        return errors

    def _sealing_key(self, instance: Any) -> DataKeyHandle:
        compartment_id = getattr(instance, "compartment_id", None)
        remembered = instance.__dict__.get(SEALING_KEY_ATTR)
        if remembered is not None and remembered[0] == compartment_id:
            return DataKeyHandle(remembered[1], cipher_for(remembered[1]))
        key = current_data_key(compartment_id)
        instance.__dict__[SEALING_KEY_ATTR] = (compartment_id, key.id)
        return key

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None or value == "":
            return value
        if model_instance.pk is None:
            raise CryptoError("A record needs its id before its text can be encrypted.")
        aad = record_aad(self.model._meta.label, self.name, model_instance.pk)
        return encrypt(str(value), aad=aad, key=self._sealing_key(model_instance))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return EncryptedToken(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        if isinstance(value, EncryptedToken):
            return str(value)
        raise EncryptedFieldError(
            f"{self.model._meta.label}.{self.name} is encrypted at rest: write it by saving "
            "the model (not update() or bulk_update()), and do not compare it in SQL."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise EncryptedFieldError(self._no_sql_message(lookup_name))

    def get_transform(self, lookup_name: str) -> Any:
        raise EncryptedFieldError(self._no_sql_message(lookup_name))

    def _no_sql_message(self, lookup_name: str) -> str:
        return (
            f"{self.model._meta.label}.{self.name} is encrypted at rest: SQL cannot filter "
            f"on it ('{lookup_name}'). Filter on other fields and compare in Python, or "
            "use the blind index (search_tokens) for names."
        )

    def formfield(self, **kwargs: Any) -> Any:
        if self.max_length is not None and "widget" not in kwargs:
            kwargs["widget"] = forms.TextInput
        return super().formfield(**kwargs)
