"""The roles a user can hold: the platform's vocabulary, in core so that scoping, navigation and every app
use it without importing the accounts app (which keeps the user model)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Platform operator")
    REGULATOR = "regulator", _("Market-supervision regulator")
    EDUCATION_BUREAU = "education_bureau", _("Education bureau")
    PRINCIPAL = "principal", _("Principal")
    CANTEEN_MANAGER = "canteen_manager", _("Canteen food-safety manager")
    CANTEEN_STAFF = "canteen_staff", _("Canteen staff")
    SUPPLIER = "supplier", _("Supplier")
    PUBLIC = "public", _("Parent / public")


# Roles whose jurisdiction is a node of the region tree (province, city or county).
REGION_ROLES = frozenset({Role.REGULATOR, Role.EDUCATION_BUREAU})
CANTEEN_ROLES = frozenset({Role.CANTEEN_MANAGER, Role.CANTEEN_STAFF})
# Everyone who signs in for an organisation (the public signs in for nobody).
STAFF_ROLES = frozenset(Role) - {Role.PUBLIC}
