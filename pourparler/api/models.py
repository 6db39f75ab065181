"""Personal API tokens: how a script signs in to the REST API on behalf of a member of staff."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pourparler.core.ids import uuid7


class TokenScope(models.TextChoices):
    """What a personal API token may do."""

    READ = "read", _("Read")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(models.Model):
    """A personal API token: a random secret a member of staff gives to a script, which
    sends it as ``Authorization: Bearer <token>``.

    The token acts as its owner: it reaches exactly what the owner may reach, through the
    same read path and services as the pages, and never more (a read-scope token cannot
    write at all). It is a security object like ``core.AuthenticatorDevice``, not a record
    in a compartment: the database holds only the SHA-256 of the secret (the secret is
    32 random bytes, so a fast hash is enough and nothing can be guessed from it) and its
    first characters, shown in lists so that a user can tell tokens apart. Every token
    expires; a revoked one keeps its row, so the audit chain can still name it.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="api_tokens", editable=False
    )
    name = models.CharField(
        max_length=100, blank=True, help_text=_("What the token is for (the script, the machine).")
    )
    prefix = models.CharField(
        max_length=16,
        editable=False,
        help_text=_("The token's first characters, to tell it apart."),
    )
    # SHA-256 of the whole token, in hex. Never the token itself.
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(max_length=16, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.get_scope_display()}) of {self.user_id}"

    @property
    def may_write(self) -> bool:
        """Say whether the token may change records (its owner's rights still apply)."""
        return self.scope == TokenScope.READ_WRITE

    def state(self, now: datetime.datetime | None = None) -> str:
        """Say whether the token is active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"
