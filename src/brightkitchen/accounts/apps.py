from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "brightkitchen.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from brightkitchen.accounts import reauth
        from brightkitchen.accounts.services import grant_for_token
        from brightkitchen.core.api import set_token_resolver

        set_token_resolver(grant_for_token)  # core.api.TokenAuth: what a bearer token gives
        # When the session's user last proved their password (accounts.reauth).
        user_logged_in.connect(reauth.stamp_on_sign_in, dispatch_uid="accounts_reauth_stamp")
