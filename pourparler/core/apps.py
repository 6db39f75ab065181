from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pourparler.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Audit sign-ins and sign-outs; check the audit signing key at start-up."""
        from django.contrib.auth import signals
        from django.core import checks

        from pourparler.core import audit

        signals.user_logged_in.connect(audit.on_user_logged_in, dispatch_uid="audit-login")
        signals.user_logged_out.connect(audit.on_user_logged_out, dispatch_uid="audit-logout")
        signals.user_login_failed.connect(
            audit.on_user_login_failed, dispatch_uid="audit-login-failed"
        )
        checks.register(audit.check_audit_keys)
        checks.register(audit.check_audit_keys_deploy, checks.Tags.security, deploy=True)

        # Encryption at rest: refuse a master key file beside the data; wire the field.
        from pourparler.core.fields import connect_encryption

        connect_encryption()
