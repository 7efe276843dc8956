"""A person's notification settings and an organisation's webhook receivers, through the API and the
pages; bad input names its field and saves nothing; and the whole path a user meets: a rectification
notice issued by the county reaches its regulator by e-mail and the school's receiver signed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
import standardwebhooks
from django.test import Client, override_settings

from brightkitchen.conftest import RunOnCommit, World
from brightkitchen.notifications.models import (
    ChannelChoice,
    Delivery,
    DeliveryStatus,
    NotificationProfile,
    WebhookEndpoint,
)
from brightkitchen.rectifications import services as rectifications
from brightkitchen.testbed.peers import http_receiver, smtp_server

pytestmark = pytest.mark.django_db

SETTINGS = "/api/v1/notifications/settings"
WEBHOOKS = "/api/v1/notifications/webhooks"


def _put(client: Client, body: Mapping[str, object]) -> Any:
    return client.put(SETTINGS, json.dumps(body), content_type="application/json")


def _loc(response: Any) -> list[object]:
    return list(response.json()["detail"][0]["loc"])


def test_settings_are_saved_and_read_back(world: World) -> None:
    client = world.client("regulator_a")
    body = {
        "quiet_from": "22:00",
        "quiet_until": "07:00",
        "wechat_openid": "oX1",
        "choices": {"": ["email", "wechat"], "licence_expired": []},
    }
    response = _put(client, body)
    assert response.status_code == 200, response.content
    read = client.get(SETTINGS).json()
    assert read["quiet_from"] == "22:00:00" and read["quiet_until"] == "07:00:00"
    assert read["choices"] == {"": ["email", "wechat"], "licence_expired": []}
    # The same again changes nothing (a resubmit); a shorter list replaces the choices.
    assert _put(client, body).status_code == 200
    assert _put(client, {"choices": {"": ["sms"]}}).status_code == 200
    assert list(
        ChannelChoice.objects.filter(user=world.users["regulator_a"]).values_list("alert_kind", "channels")
    ) == [("", ["sms"])]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"choices": {"": ["fax"]}}, 422, "choices"),
        ({"choices": {"": ["webhook"]}}, 400, "choices.*"),
        ({"quiet_from": "22:00"}, 400, "quiet_until"),
        ({"quiet_from": "07:00", "quiet_until": "07:00"}, 400, "quiet_until"),
        ({"quiet_from": "25:00", "quiet_until": "07:00"}, 422, "quiet_from"),
        ({"wechat_openid": "x" * 65}, 422, "wechat_openid"),
        ({"colour": "red"}, 422, "colour"),
    ],
)
def test_bad_settings_name_their_field_and_save_nothing(
    world: World, body: Mapping[str, object], status: int, field: str
) -> None:
    response = _put(world.client("regulator_a"), body)
    assert response.status_code == status, response.content
    assert field in [str(part) for part in _loc(response)] or field in ".".join(
        str(p) for p in _loc(response)
    )
    assert not NotificationProfile.objects.exists() and not ChannelChoice.objects.exists()


def test_a_receiver_is_added_once_per_idempotency_key_and_its_secret_shown_once(world: World) -> None:
    client = world.client("principal_a")
    headers = {"Idempotency-Key": "hook-1"}
    body = json.dumps({"url": "http://127.0.0.1:9/hook", "alert_kinds": ["incident_open"]})
    first = client.post(WEBHOOKS, body, content_type="application/json", headers=headers)
    again = client.post(WEBHOOKS, body, content_type="application/json", headers=headers)
    assert first.status_code == 201 and again.json() == first.json()
    assert first.json()["secret"].startswith("whsec_")
    assert WebhookEndpoint.objects.count() == 1
    listed = client.get(WEBHOOKS).json()["items"]
    assert [row["url"] for row in listed] == ["http://127.0.0.1:9/hook"] and "secret" not in listed[0]


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:80/", "gopher://127.0.0.1/", "not a url"],
)
def test_a_receiver_at_a_forbidden_address_is_refused_naming_the_url(world: World, url: str) -> None:
    response = world.client("principal_a").post(
        WEBHOOKS, json.dumps({"url": url}), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert _loc(response)[-1] == "url"
    assert not WebhookEndpoint.objects.exists()


def test_the_settings_page_saves_choices_per_kind(world: World) -> None:
    client = world.client("regulator_a")
    page = client.get("/notifications/")
    assert page.status_code == 200 and "kind__rectification_escalated" in page.content.decode()
    response = client.post(
        "/notifications/",
        {
            "quiet_from": "21:30",
            "quiet_until": "06:30",
            "kind__all": ["email"],
            "kind__licence_expired": ["sms"],
            "kind__incident_open": ["same"],
        },
    )
    assert response.status_code == 302
    chosen = dict(
        ChannelChoice.objects.filter(user=world.users["regulator_a"]).values_list("alert_kind", "channels")
    )
    assert chosen["licence_expired"] == ["sms"] and chosen[""] == ["email"] and "incident_open" not in chosen
    refused = client.post("/notifications/", {"quiet_from": "21:30", "kind__all": ["email"]})
    assert refused.status_code == 400 and NotificationProfile.objects.get().quiet_until is not None


def test_a_notice_from_the_county_reaches_its_regulator_by_email_and_the_school_signed(
    world: World, run_tasks_on_commit: RunOnCommit
) -> None:
    """The acceptance path: the regulator has an e-mail address and the school a receiver; issuing a
    rectification notice opens its alert (queued on commit), which is sent on both."""
    regulator = world.users["regulator_a"]
    regulator.email = "county-a@example.gov.cn"
    regulator.save()
    with (
        smtp_server() as mailbox,
        http_receiver() as receiver,
        override_settings(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port),
    ):
        secret = (
            world.client("principal_a")
            .post(WEBHOOKS, json.dumps({"url": receiver.url()}), content_type="application/json")
            .json()["secret"]
        )
        with run_tasks_on_commit():
            rectifications.issue_notice(
                regulator, world.canteens["a"].pk, problem="后厨地面积水", source_kind="patrol"
            )
        assert [m["To"] for m in mailbox.messages] == ["county-a@example.gov.cn"]
        assert "后厨地面积水" in mailbox.messages[0].get_content()
        (request,) = receiver.requests
        payload = standardwebhooks.Webhook(secret).verify(request.body, request.headers)
        assert (
            payload["data"]["kind"] == "rectification_open" and "后厨地面积水" in payload["data"]["message"]
        )
    assert set(Delivery.objects.values_list("channel", "status")) == {
        ("email", DeliveryStatus.SENT),
        ("webhook", DeliveryStatus.SENT),
    }
    # The regulator sees what was sent to them; the school sees its receiver's deliveries.
    mine = world.client("regulator_a").get("/api/v1/notifications/deliveries").json()["items"]
    assert [(d["channel"], d["status"]) for d in mine] == [("email", "sent")]
    school = world.client("principal_a").get("/api/v1/notifications/deliveries").json()["items"]
    assert [(d["channel"], d["status"]) for d in school] == [("webhook", "sent")]


def test_an_operator_adds_a_receiver_for_the_organisation_named(world: World) -> None:
    client = world.client("operator")
    school = world.schools["a"].organisation_id
    body = {"url": "http://127.0.0.1:9/hook", "organisation_id": school}
    made = client.post(WEBHOOKS, json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["organisation_id"] == school
    unnamed = client.post(
        WEBHOOKS, json.dumps({"url": "http://127.0.0.1:9/hook"}), content_type="application/json"
    )
    assert unnamed.status_code == 400 and _loc(unnamed)[-1] == "organisation_id"
    assert WebhookEndpoint.objects.count() == 1
