"""The channels behind alerts.notify's one interface: e-mail (SMTP), signed webhooks, SMS (Alibaba Cloud
SendSms) and WeChat template messages (the official account's API), each sent through a gateway URL
the operator configures, so a government SMS gateway or an internal relay can carry them.

Each channel is both a notifier (`send(alert, recipients)`: writes the Delivery rows, alerts.notify
calls it) and a transport (`transmit(delivery)`: one message, called by the sending worker). A channel
that is not configured writes no rows; its configuration is read when it is used, not at start-up.

Messages are written in the platform's language (LANGUAGE_CODE, zh-hans), with a link back to the
alert on the platform (PLATFORM_URL).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import urllib.parse
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.notify import register_channel
from brightkitchen.core import outbound_http, webhook_signature
from brightkitchen.notifications import services
from brightkitchen.notifications.models import Channel, Delivery, NotificationProfile

TIMEOUT_S = 10.0
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def alert_link(alert: Alert) -> str:
    base = str(settings.PLATFORM_URL).rstrip("/")
    return f"{base}{alert.link}" if alert.link.startswith("/") else f"{base}/alerts/{alert.pk}/"


def _summary(alert: Alert) -> dict[str, str]:
    """What every message says, in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        canteen = alert.canteen
        return {
            "severity": str(alert.severity_choice.label),
            "school": canteen.school.organisation.name,
            "canteen": canteen.name,
            "message": alert.text,
            "opened": timezone.localtime(alert.opened_at).strftime("%Y-%m-%d %H:%M"),
            "link": alert_link(alert),
            "title": _("Bright kitchen alert"),
        }


def _answer_json(answer: outbound_http.Answer) -> dict[str, Any]:
    if not answer.ok:
        raise services.DeliveryFailed(f"HTTP {answer.status}: {answer.body[:300]}")
    try:
        found = json.loads(answer.body or "{}")
    except ValueError as exc:
        raise services.DeliveryFailed(f"HTTP {answer.status}, not JSON: {answer.body[:300]}") from exc
    return found if isinstance(found, dict) else {}


class EmailChannel:
    """SMTP through Django's mail settings (EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS / EMAIL_USE_SSL,
    EMAIL_HOST_USER / EMAIL_HOST_PASSWORD); configured when EMAIL_HOST is set."""

    key = Channel.EMAIL.value

    def configured(self) -> bool:
        return bool(settings.EMAIL_HOST)

    def send(self, alert: Alert, recipients: Sequence[User]) -> None:
        if self.configured():
            services.plan_personal(self.key, lambda user, profile: user.email, alert, recipients)

    def transmit(self, delivery: Delivery) -> str:
        facts = _summary(delivery.alert)
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"[{facts['title']}] {facts['severity']}: {facts['school']} {facts['canteen']}"
            body = "\n".join(
                [
                    facts["message"],
                    "",
                    _("School: %(school)s, canteen: %(canteen)s") % facts,
                    _("Found at %(opened)s") % facts,
                    _("Open it on the platform: %(link)s") % facts,
                ]
            )
        # SMTP whatever EMAIL_BACKEND says (Django's test set-up swaps it for an in-memory one; the
        # channel is SMTP, and its tests read the message back from a real server).
        connection = get_connection(SMTP_BACKEND, timeout=TIMEOUT_S)
        message = EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.address], connection=connection
        )
        message.extra_headers["Message-ID"] = f"<delivery-{delivery.pk}@{settings.EMAIL_MESSAGE_DOMAIN}>"
        message.send()
        return f"accepted by {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"


class WebhookChannel:
    """A signed POST (Standard Webhooks) of the alert as JSON to each receiver of the organisations whose
    people receive it. The message id is the delivery's, the same on every retry."""

    key = Channel.WEBHOOK.value

    def configured(self) -> bool:
        return True

    def send(self, alert: Alert, recipients: Sequence[User]) -> None:
        services.plan_webhooks(alert, recipients)

    @staticmethod
    def body(delivery: Delivery) -> bytes:
        alert = delivery.alert
        facts = _summary(alert)
        payload = {
            "type": "alert.opened",
            "timestamp": timezone.now().isoformat(),
            "data": {
                "id": alert.pk,
                "kind": alert.kind,
                "severity": alert.severity,
                "message": facts["message"],
                "canteen": {"id": alert.canteen_id, "name": facts["canteen"]},
                "school": {"id": alert.canteen.school_id, "name": facts["school"]},
                "opened_at": alert.opened_at.isoformat(),
                "link": facts["link"],
            },
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def transmit(self, delivery: Delivery) -> str:
        endpoint = delivery.endpoint
        if endpoint is None or not endpoint.is_active:
            raise services.DeliveryFailed("the receiver was switched off")
        body = self.body(delivery)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "BrightKitchen-Webhooks",
            **webhook_signature.headers(
                endpoint.secret, f"msg_delivery_{delivery.pk}", int(timezone.now().timestamp()), body
            ),
        }
        answer = outbound_http.post(endpoint.url, body, headers, timeout_s=TIMEOUT_S)
        if not answer.ok:
            raise services.DeliveryFailed(f"HTTP {answer.status}: {answer.body[:300]}")
        return f"HTTP {answer.status} {answer.body[:200]}".strip()


def _percent(text: str) -> str:
    # Alibaba Cloud's RPC signature encodes as RFC 3986 (space %20, "~" kept).
    return urllib.parse.quote(text, safe="~")


class SmsChannel:
    """Alibaba Cloud SMS SendSms (RPC style, signature version 1.0, HMAC-SHA1), POSTed to SMS_GATEWAY_URL
    (https://dysmsapi.aliyuncs.com/ or a government gateway speaking the same). The template
    SMS_TEMPLATE_CODE takes ${school}, ${canteen} and ${severity}: an SMS says where to look, the
    platform says what."""

    key = Channel.SMS.value

    def configured(self) -> bool:
        return bool(settings.SMS_GATEWAY_URL and settings.SMS_ACCESS_KEY_ID and settings.SMS_TEMPLATE_CODE)

    def send(self, alert: Alert, recipients: Sequence[User]) -> None:
        if self.configured():
            services.plan_personal(self.key, lambda user, profile: user.phone, alert, recipients)

    @staticmethod
    def signed_form(params: dict[str, str], secret: str) -> dict[str, str]:
        canonical = "&".join(f"{_percent(k)}={_percent(v)}" for k, v in sorted(params.items()))
        to_sign = "POST&%2F&" + _percent(canonical)
        digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        return {**params, "Signature": base64.b64encode(digest).decode()}

    def transmit(self, delivery: Delivery) -> str:
        facts = _summary(delivery.alert)
        params = {
            "AccessKeyId": settings.SMS_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": delivery.address,
            "RegionId": "cn-hangzhou",
            "SignName": settings.SMS_SIGN_NAME,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": str(uuid.uuid4()),
            "SignatureVersion": "1.0",
            "TemplateCode": settings.SMS_TEMPLATE_CODE,
            "TemplateParam": json.dumps(
                {
                    "school": facts["school"][:20],
                    "canteen": facts["canteen"][:20],
                    "severity": facts["severity"],
                },
                ensure_ascii=False,
            ),
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        form = self.signed_form(params, settings.SMS_ACCESS_KEY_SECRET)
        body = urllib.parse.urlencode(form, quote_via=urllib.parse.quote).encode()
        answer = outbound_http.post(
            settings.SMS_GATEWAY_URL,
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
            timeout_s=TIMEOUT_S,
        )
        found = _answer_json(answer)
        if found.get("Code") != "OK":
            raise services.DeliveryFailed(f"{found.get('Code')}: {found.get('Message')}")
        return f"OK BizId={found.get('BizId', '')}"


class WechatChannel:
    """WeChat official account template messages: a stable access token (POST /cgi-bin/stable_token,
    cached until shortly before it expires), then POST /cgi-bin/message/template/send to the follower's
    openid, both at WECHAT_GATEWAY_URL (https://api.weixin.qq.com or a relay). The template
    WECHAT_TEMPLATE_ID has the fields thing1 (school), thing2 (canteen), thing3 (what), time4 (when)."""

    key = Channel.WECHAT.value
    TOKEN_CACHE_KEY = "notifications:wechat-token"

    def configured(self) -> bool:
        return bool(settings.WECHAT_GATEWAY_URL and settings.WECHAT_APP_ID and settings.WECHAT_TEMPLATE_ID)

    def send(self, alert: Alert, recipients: Sequence[User]) -> None:
        if self.configured():
            services.plan_personal(self.key, _openid, alert, recipients)

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        url = str(settings.WECHAT_GATEWAY_URL).rstrip("/") + path
        body = json.dumps(payload, ensure_ascii=False).encode()
        answer = outbound_http.post(url, body, {"Content-Type": "application/json"}, timeout_s=TIMEOUT_S)
        return _answer_json(answer)

    def token(self) -> str:
        cached = cache.get(self.TOKEN_CACHE_KEY)
        if cached:
            return str(cached)
        found = self._post(
            "/cgi-bin/stable_token",
            {
                "grant_type": "client_credential",
                "appid": settings.WECHAT_APP_ID,
                "secret": settings.WECHAT_APP_SECRET,
            },
        )
        token = found.get("access_token")
        if not token:
            raise services.DeliveryFailed(f"no access token: {found.get('errcode')} {found.get('errmsg')}")
        cache.set(self.TOKEN_CACHE_KEY, token, max(60, int(found.get("expires_in", 7200)) - 300))
        return str(token)

    def transmit(self, delivery: Delivery) -> str:
        facts = _summary(delivery.alert)
        payload = {
            "touser": delivery.address,
            "template_id": settings.WECHAT_TEMPLATE_ID,
            "url": facts["link"],
            "data": {
                "thing1": {"value": facts["school"][:20]},
                "thing2": {"value": facts["canteen"][:20]},
                "thing3": {"value": facts["message"][:20]},
                "time4": {"value": facts["opened"]},
            },
        }
        found = self._post(
            "/cgi-bin/message/template/send?access_token=" + urllib.parse.quote(self.token()), payload
        )
        if found.get("errcode") in (40001, 42001):  # the token expired early: the next attempt fetches one
            cache.delete(self.TOKEN_CACHE_KEY)
        if found.get("errcode", 0) != 0:
            raise services.DeliveryFailed(f"{found.get('errcode')}: {found.get('errmsg')}")
        return f"ok msgid={found.get('msgid', '')}"


def _openid(user: User, profile: NotificationProfile | None) -> str:
    return profile.wechat_openid if profile is not None else ""


CHANNELS = (EmailChannel(), WebhookChannel(), SmsChannel(), WechatChannel())


def register() -> None:
    for channel in CHANNELS:
        register_channel(channel)
        services.register_transport(channel)
