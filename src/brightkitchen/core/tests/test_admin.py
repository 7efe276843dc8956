"""Django's admin is for platform operators only. This walks every registered model, so a model added
to the admin is covered without touching this test (the route-coverage test relies on that)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from brightkitchen.accounts.models import User
from brightkitchen.conftest import World

pytestmark = pytest.mark.django_db


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    return urls


def test_admin_is_operator_only(world: World) -> None:
    urls = _admin_urls()
    assert len(urls) > 10
    # A staff flag alone is not enough: the role must be operator.
    User.objects.filter(pk=world.users["regulator_a"].pk).update(is_staff=True)
    # Anonymous users meet the platform's sign-in first; signed-in non-operators the admin's own.
    for who in (None, "regulator_a", "province_regulator", "principal_a"):
        client = world.client(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (who, url)
            assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), (who, url)
            body = response.content.decode()
            assert world.schools["a"].organisation.name not in body
    operator = world.client("operator")
    for url in urls:
        assert operator.get(url).status_code == 200, url


def test_operator_sees_regions_read_only(world: World) -> None:
    response = world.client("operator").get(reverse("admin:regions_region_change", args=["140702"]))
    assert response.status_code == 200 and b'name="name"' not in response.content
