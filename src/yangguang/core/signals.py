"""Logins and failed logins go to the audit trail (等保2.0 安全审计); a changed numbering rule
clears this process's cache of them."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from yangguang.core import audit
from yangguang.core.models import NumberingRule


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(actor=user, action="auth.login", target=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action="auth.logout", target=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(actor=None, action="auth.login_failed", object_type="core.user", object_repr=username, success=False)


@receiver([post_save, post_delete], sender=NumberingRule)
def _numbering_rule_changed(sender, **kwargs):
    from yangguang.core.numbering import forget_templates

    forget_templates()
