"""Sign-in with the government identity provider, end to end in Chromium, against panva's oidc-provider
(OpenID Certified) run with Node on loopback: a county regulator whose verified e-mail matches their
account signs in, lands on their jurisdiction's home page and signs out at the provider too; an identity
no account is linked to is refused; a replayed callback is refused. Uses the browser fixtures of
core/tests/test_browser.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from brightkitchen.accounts.models import OidcIdentity
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (fixtures)
    Site,
    _chromium_installed,
    _region_tree_kept,
    browser,
    in_thread,
    screenshot_dir,
    site,
)
from brightkitchen.testbed import oidc_provider

pytestmark = pytest.mark.browser

ACCOUNTS = {
    "county-a-regulator": {"email": "regulator_a@example.gov.cn", "email_verified": True, "name": "甲县监管"},
    "stranger": {"email": "stranger@example.gov.cn", "email_verified": True, "name": "陌生人"},
    "unverified": {"email": "regulator_a@example.gov.cn", "email_verified": False},
}


@pytest.fixture
def provider(site: Site) -> Iterator[oidc_provider.RunningProvider]:  # noqa: F811
    def give_email() -> None:
        from brightkitchen.accounts.models import User
        from brightkitchen.organisations.models import Organisation

        User.objects.filter(username="regulator_a").update(email="regulator_a@example.gov.cn")
        # County A's bureau signs in through the provider only: the provider's sign-in still works.
        Organisation.objects.filter(members__username="regulator_a").update(password_sign_in=False)

    give_email()
    callback = f"{site.url}/accounts/oidc/gov/callback/"
    with oidc_provider.oidc_provider(
        [callback], ACCOUNTS, post_logout_redirect_uris=[f"{site.url}/accounts/login/"]
    ) as running:
        config = [
            {
                "name": "gov",
                "label": "政务服务网",
                "issuer": running.issuer,
                "client_id": running.client_id,
                "client_secret": running.client_secret,
            }
        ]
        with override_settings(OIDC_PROVIDERS=json.dumps(config)):
            yield running


def _through_provider(page: Any, site: Site, who: str) -> None:  # noqa: F811
    """From the platform's sign-in page through the provider's login and consent pages."""
    page.goto(f"{site.url}/accounts/login/")
    page.locator("a[data-provider=gov]").click()
    page.locator("input[name=login]").fill(who)
    page.locator("input[name=password]").fill("anything")  # the provider's development login
    page.locator("button[type=submit]").click()
    consent = page.locator("button[type=submit]")
    if "/interaction/" in page.url and consent.count():
        consent.click()
    page.wait_for_load_state()


def test_a_regulator_signs_in_with_the_provider_and_out_again(
    provider: oidc_provider.RunningProvider,
    browser: Any,  # noqa: F811
    site: Site,  # noqa: F811
    screenshot_dir: Path,  # noqa: F811
) -> None:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/accounts/oidc/gov/callback/" in r.url else None)
    _through_provider(page, site, "county-a-regulator")
    assert page.url.rstrip("/") == site.url, page.url
    me = page.request.get(f"{site.url}/api/v1/me").json()
    assert me["username"] == "regulator_a" and me["region_code"]
    page.screenshot(path=str(screenshot_dir / "oidc-signed-in.png"), full_page=True)
    found: list[str] = []
    in_thread(lambda: found.extend(OidcIdentity.objects.values_list("subject", flat=True)))
    assert found == ["county-a-regulator"]

    # The same callback again (a replayed code and state) signs nobody in.
    replay = browser.new_context().new_page()
    answer = replay.goto(callbacks[-1])
    assert answer is not None and answer.status == 400
    assert replay.request.get(f"{site.url}/api/v1/me").status == 401

    # Signed out here at once; the provider's sign-out is offered, and comes back to the sign-in page.
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()
    assert page.request.get(f"{site.url}/api/v1/me").status == 401
    page.get_by_test_id("provider-logout").click()
    page.wait_for_url(f"{provider.issuer}/**")
    page.locator("button[autofocus], form button").first.click()  # the provider's "sign out?" page
    page.wait_for_url(f"{site.url}/accounts/login/**")
    assert page.request.get(f"{site.url}/api/v1/me").status == 401
    context.close()


@pytest.mark.parametrize("who", ["stranger", "unverified"])
def test_an_identity_linked_to_no_account_is_refused(
    provider: oidc_provider.RunningProvider,
    who: str,
    browser: Any,  # noqa: F811
    site: Site,  # noqa: F811
) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _through_provider(page, site, who)
    assert page.get_by_test_id("sign-in-refused").count() == 1
    assert page.request.get(f"{site.url}/api/v1/me").status == 401
    context.close()
