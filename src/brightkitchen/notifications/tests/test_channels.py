"""Alerts reach people beyond the inbox: one e-mail read back from a real SMTP server, one webhook whose
signature the Standard Webhooks reference library verifies, retries after a failing receiver, quiet
hours kept and urgent alerts sent anyway, SMS and WeChat in their providers' request formats."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
import standardwebhooks
from django.test import override_settings
from django.utils import timezone

from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.notify import deliver
from brightkitchen.alerts.rules import Severity
from brightkitchen.conftest import RunOnCommit, World
from brightkitchen.core.errors import FieldError
from brightkitchen.notifications import services
from brightkitchen.notifications.models import Channel, ChannelChoice, Delivery, DeliveryStatus
from brightkitchen.testbed.peers import Mailbox, Receiver, Request, http_receiver, smtp_server
from brightkitchen.testbed.streams import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box, override_settings(EMAIL_HOST="127.0.0.1", EMAIL_PORT=box.port):
        yield box


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with http_receiver() as found:
        yield found


def _alert(
    world: World, severity: Severity = Severity.WARNING, kind: str = "test", subject: str = "s"
) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        kind=kind,
        canteen=world.canteens["a"],
        subject_key=subject,
        severity=severity,
        message=f"{world.canteens['a'].name}: 晨检记录缺失",
        link=f"/schools/{world.schools['a'].pk}/",
        opened_at=now,
        last_seen_at=now,
    )


def _with_email(world: World, key: str = "regulator_a") -> str:
    user = world.users[key]
    user.email = f"{key}@example.gov.cn"
    user.save()
    return user.email


def test_an_alert_is_one_email_and_one_signed_webhook(
    world: World, mailbox: Mailbox, receiver: Receiver, run_tasks_on_commit: RunOnCommit
) -> None:
    address = _with_email(world)
    endpoint = services.add_endpoint(world.users["principal_a"], url=receiver.url(), description="校内系统")
    alert = _alert(world)
    with run_tasks_on_commit():
        deliver([alert.pk])

    (message,) = mailbox.messages
    assert message["To"] == address
    assert world.canteens["a"].name in message["Subject"]
    text = message.get_content()
    assert "晨检记录缺失" in text and f"/schools/{world.schools['a'].pk}/" in text

    (request,) = receiver.requests
    payload = standardwebhooks.Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "alert.opened" and payload["data"]["id"] == alert.pk
    assert payload["data"]["canteen"]["name"] == world.canteens["a"].name

    rows = {row.channel: row for row in Delivery.objects.filter(alert=alert)}
    assert set(rows) == {Channel.EMAIL, Channel.WEBHOOK}
    assert all(row.status == DeliveryStatus.SENT and row.sent_at for row in rows.values())
    assert rows[Channel.EMAIL].user == world.users["regulator_a"]

    # Delivered again (a second sweep, a retried task): nothing more is sent.
    with run_tasks_on_commit():
        deliver([alert.pk])
    assert len(mailbox.messages) == 1 and len(receiver.requests) == 1
    assert Delivery.objects.filter(alert=alert).count() == 2


def test_a_forged_or_replayed_signature_is_refused_by_the_receiver_library(
    world: World, receiver: Receiver, run_tasks_on_commit: RunOnCommit
) -> None:
    endpoint = services.add_endpoint(world.users["principal_a"], url=receiver.url())
    with run_tasks_on_commit():
        deliver([_alert(world).pk])
    (request,) = receiver.requests
    hook = standardwebhooks.Webhook(endpoint.secret)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        hook.verify(request.body.replace(b"alert.opened", b"alert.closed"), request.headers)
    old = {**request.headers, "webhook-timestamp": str(int(timezone.now().timestamp()) - 3600)}
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        hook.verify(request.body, old)
    other = standardwebhooks.Webhook(base64.b64encode(b"x" * 32).decode())
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        other.verify(request.body, request.headers)


def test_a_failing_receiver_is_retried_with_backoff_and_the_same_message_id(
    world: World, run_tasks_on_commit: RunOnCommit
) -> None:
    answers = iter([(503, {"error": "busy"}), (200, {"ok": True})])
    with http_receiver(lambda request: next(answers)) as receiver:
        services.add_endpoint(world.users["principal_a"], url=receiver.url())
        alert = _alert(world)
        started = timezone.now()
        with run_tasks_on_commit():
            deliver([alert.pk])
        row = Delivery.objects.get(alert=alert, channel=Channel.WEBHOOK)
        assert row.status == DeliveryStatus.QUEUED and row.attempts == 1
        assert "HTTP 503" in row.answer
        wait = (row.next_attempt_at - started).total_seconds()
        assert services.BACKOFF[0].total_seconds() - 1 <= wait <= services.BACKOFF[0].total_seconds() + 30

        assert services.send_due(services.due(timezone.now()), timezone.now()).sent == 0  # not yet due
        later = row.next_attempt_at + datetime.timedelta(seconds=1)
        assert services.send_due(services.due(later), later).sent == 1
        first, second = receiver.requests
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 2


def test_a_delivery_fails_for_good_after_the_last_attempt(world: World) -> None:
    with http_receiver(lambda request: (500, {"error": "down"})) as receiver:
        services.add_endpoint(world.users["principal_a"], url=receiver.url())
        alert = _alert(world)
        deliver([alert.pk])  # not in a captured commit: rows written, sending left to the worker
        row = Delivery.objects.get(alert=alert)
        moment = timezone.now()
        for _attempt in range(services.MAX_ATTEMPTS):
            services.send_due([row.pk], moment)
            row.refresh_from_db()
            moment = row.next_attempt_at + datetime.timedelta(seconds=1)
    assert row.status == DeliveryStatus.FAILED and row.attempts == services.MAX_ATTEMPTS
    assert len(receiver.requests) == services.MAX_ATTEMPTS
    assert services.send_due([row.pk], moment + datetime.timedelta(days=1)).sent == 0


def test_a_dead_mail_server_does_not_hold_up_the_webhook(
    world: World, receiver: Receiver, run_tasks_on_commit: RunOnCommit
) -> None:
    _with_email(world)
    services.add_endpoint(world.users["principal_a"], url=receiver.url())
    alert = _alert(world)
    with override_settings(EMAIL_HOST="127.0.0.1", EMAIL_PORT=free_port()), run_tasks_on_commit():
        deliver([alert.pk])
    rows = {row.channel: row for row in Delivery.objects.filter(alert=alert)}
    assert rows[Channel.WEBHOOK].status == DeliveryStatus.SENT and len(receiver.requests) == 1
    assert rows[Channel.EMAIL].status == DeliveryStatus.QUEUED and rows[Channel.EMAIL].attempts == 1
    assert "Connection" in rows[Channel.EMAIL].answer or "refused" in rows[Channel.EMAIL].answer.lower()


def _quiet_now(world: World, key: str = "regulator_a") -> datetime.datetime:
    """Quiet hours from an hour ago to an hour from now (local time); returns when they end."""
    local = timezone.localtime()
    start, end = local - datetime.timedelta(hours=1), local + datetime.timedelta(hours=1)
    services.set_profile(world.users[key], quiet_from=start.time(), quiet_until=end.time(), wechat_openid="")
    return end.replace(second=0, microsecond=0)


def test_quiet_hours_hold_a_warning_and_let_an_urgent_alert_through(
    world: World, mailbox: Mailbox, run_tasks_on_commit: RunOnCommit
) -> None:
    _with_email(world)
    ends = _quiet_now(world)
    warning = _alert(world, Severity.WARNING, subject="w")
    with run_tasks_on_commit():
        deliver([warning.pk])
    assert mailbox.messages == []
    held = Delivery.objects.get(alert=warning)
    assert held.status == DeliveryStatus.QUEUED and held.attempts == 0
    assert abs((held.next_attempt_at - ends).total_seconds()) < 61

    critical = _alert(world, Severity.CRITICAL, kind="incident_open", subject="c")
    with run_tasks_on_commit():
        deliver([critical.pk])
    (message,) = mailbox.messages
    assert Delivery.objects.get(alert=critical).urgent

    # When the quiet hours are over, the scheduled sweep sends the warning.
    after = held.next_attempt_at + datetime.timedelta(seconds=1)
    assert services.send_due(services.due(after), after).sent == 1
    assert len(mailbox.messages) == 2


def test_each_person_chooses_channels_per_kind_of_alert(world: World, mailbox: Mailbox) -> None:
    _with_email(world)
    _with_email(world, "edu_a")
    services.set_choices(world.users["regulator_a"], {"": [], "licence_expired": ["email"]})
    deliver([_alert(world, kind="morning_check_missing", subject="m").pk])
    deliver([_alert(world, kind="licence_expired", subject="l").pk])
    people = sorted(
        (row.alert.kind, row.user.username if row.user else "")
        for row in Delivery.objects.select_related("alert", "user")
    )
    assert people == [
        ("licence_expired", "edu_a"),
        ("licence_expired", "regulator_a"),
        ("morning_check_missing", "edu_a"),  # no choice made: e-mail by default
    ]
    with pytest.raises(FieldError) as refused:
        services.set_choices(world.users["regulator_a"], {"": ["fax"]})
    assert refused.value.field == "choices.*"
    assert ChannelChoice.objects.filter(user=world.users["regulator_a"]).count() == 2


def test_a_webhook_to_a_forbidden_address_is_refused_when_saved_and_when_sent(world: World) -> None:
    with pytest.raises(FieldError) as refused:
        services.add_endpoint(world.users["principal_a"], url="http://169.254.169.254/latest/meta-data/")
    assert refused.value.field == "url"
    with pytest.raises(FieldError):
        services.add_endpoint(world.users["principal_a"], url="ftp://127.0.0.1/hook")

    with http_receiver() as receiver:
        services.add_endpoint(world.users["principal_a"], url=receiver.url())
        alert = _alert(world)
        with override_settings(OUTBOUND_ALLOWED_NETWORKS=[]):  # the operator closed loopback since
            deliver([alert.pk])
            row = Delivery.objects.get(alert=alert)
            services.send_due([row.pk], timezone.now())
        assert receiver.requests == []
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and row.attempts == 1


def _aliyun_signature(form: dict[str, str], secret: str) -> str:
    """Alibaba Cloud's RPC signature, written here from its documentation (not the platform's code)."""

    def enc(text: str) -> str:
        return urllib.parse.quote(text, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")

    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(form.items()) if k != "Signature")
    string_to_sign = "POST&" + enc("/") + "&" + enc(query)
    return base64.b64encode(
        hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    ).decode()


def test_sms_is_sent_in_the_sendsms_format_and_signed(world: World) -> None:
    user = world.users["regulator_a"]
    user.phone = "13800000000"
    user.save()
    services.set_choices(user, {"": ["sms"]})

    def gateway(request: Request) -> tuple[int, Any]:
        form = dict(urllib.parse.parse_qsl(request.body.decode()))
        if form.get("Signature") != _aliyun_signature(form, "key-secret"):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"}
        return 200, {"Code": "OK", "Message": "OK", "BizId": "9000^0", "RequestId": "r1"}

    with http_receiver(gateway) as sms:
        settings = {
            "SMS_GATEWAY_URL": sms.url("/"),
            "SMS_ACCESS_KEY_ID": "key-id",
            "SMS_ACCESS_KEY_SECRET": "key-secret",
            "SMS_SIGN_NAME": "明厨亮灶",
            "SMS_TEMPLATE_CODE": "SMS_100",
        }
        with override_settings(**settings):
            alert = _alert(world)
            deliver([alert.pk])
            services.send_due(services.due(timezone.now()), timezone.now())
        (request,) = sms.requests
    form = dict(urllib.parse.parse_qsl(request.body.decode()))
    assert form["Action"] == "SendSms" and form["PhoneNumbers"] == "13800000000"
    assert form["SignName"] == "明厨亮灶" and form["TemplateCode"] == "SMS_100"
    assert world.canteens["a"].name[:20] in form["TemplateParam"]
    row = Delivery.objects.get(alert=alert, channel=Channel.SMS)
    assert row.status == DeliveryStatus.SENT and "9000^0" in row.answer


def test_wechat_template_message_with_a_cached_token(world: World) -> None:
    user = world.users["regulator_a"]
    services.set_profile(user, quiet_from=None, quiet_until=None, wechat_openid="oABC123")
    services.set_choices(user, {"": ["wechat"]})
    tokens: list[str] = []

    def api(request: Request) -> tuple[int, Any]:
        if request.path == "/cgi-bin/stable_token":
            body = request.json()
            if body != {"grant_type": "client_credential", "appid": "wx-app", "secret": "wx-secret"}:
                return 200, {"errcode": 40013, "errmsg": "invalid appid"}
            tokens.append(f"token-{len(tokens)}")
            return 200, {"access_token": tokens[-1], "expires_in": 7200}
        if request.path == f"/cgi-bin/message/template/send?access_token={tokens[-1]}":
            body = request.json()
            assert body["touser"] == "oABC123" and body["template_id"] == "tmpl-1"
            assert set(body["data"]) == {"thing1", "thing2", "thing3", "time4"}
            return 200, {"errcode": 0, "errmsg": "ok", "msgid": 42}
        return 200, {"errcode": 40001, "errmsg": "invalid credential"}

    with http_receiver(api) as wechat:
        settings = {
            "WECHAT_GATEWAY_URL": wechat.url(""),
            "WECHAT_APP_ID": "wx-app",
            "WECHAT_APP_SECRET": "wx-secret",
            "WECHAT_TEMPLATE_ID": "tmpl-1",
        }
        from django.core.cache import cache

        cache.delete("notifications:wechat-token")
        with override_settings(**settings):
            for subject in ("one", "two"):
                deliver([_alert(world, subject=subject).pk])
            services.send_due(services.due(timezone.now()), timezone.now())
    assert tokens == ["token-0"]  # one token for both messages
    assert [r.path.split("?")[0] for r in wechat.requests].count("/cgi-bin/message/template/send") == 2
    assert set(Delivery.objects.values_list("status", "answer")) == {(DeliveryStatus.SENT, "ok msgid=42")}


def test_a_channel_left_unconfigured_writes_nothing(world: World) -> None:
    _with_email(world)
    with override_settings(EMAIL_HOST=""):
        deliver([_alert(world).pk])
    assert not Delivery.objects.exists()
