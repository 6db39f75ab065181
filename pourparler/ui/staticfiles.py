"""How static files are stored and named (settings.STORAGES["staticfiles"])."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    """Names with a hash of the content once `collectstatic` has run (cached for good,
    docs/page-weight.md); the plain name before it has (a worker making a PDF, a check, a
    shell), rather than failing the page."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected yet: no manifest and no file to hash
            return name
