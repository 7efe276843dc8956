from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "brightkitchen.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from brightkitchen.accounts.services import user_for_token
        from brightkitchen.core.api import set_token_resolver

        set_token_resolver(user_for_token)  # core.api.TokenAuth: who a bearer token belongs to
