"""`brightkitchen bench notifications`: how long an alert takes to reach people. For each of `--messages`
alerts: the time from the commit that writes the alert and decides its deliveries to the SMTP server's
acceptance of its e-mail (aiosmtpd on loopback), and to a webhook receiver's receipt of its signed POST,
through the platform's whole path (Delivery rows, the task queued on commit, the claim, the message
built and signed, the answer recorded). The baseline is the floor on the same servers in the same run:
one bare SMTP transaction (smtplib) and one bare HTTP POST of an equal message.

Tasks run in this process as they are queued (a worker's broker hop is not in the figures); the
webhook's task runs after the e-mail's, as one worker would run them. Needs one canteen and one
market-supervision bureau (`brightkitchen demo` or `seed`); what the run creates is deleted after it.
"""

from __future__ import annotations

import http.client
import smtplib
import time
import uuid
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandParser, OutputWrapper
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.rules import Severity
from brightkitchen.bench.registry import BenchError
from brightkitchen.bench.stats import Summary, comparison_table, ratio_line
from brightkitchen.core import webhook_signature
from brightkitchen.core.events import tasks_run_at_once
from brightkitchen.core.roles import Role
from brightkitchen.notifications.channels import EmailChannel, WebhookChannel
from brightkitchen.notifications.models import Delivery, DeliveryStatus, WebhookEndpoint
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.schools.models import Canteen
from brightkitchen.testbed.outbound import loopback_cameras_allowed

if TYPE_CHECKING:
    from brightkitchen.testbed.peers import Mailbox, Receiver

KIND = "bench_notifications"


class NotificationsBenchmark:
    name = "notifications"
    help = (
        "Delivery latency of an alert's e-mail (commit to SMTP acceptance) and signed webhook (commit to "
        "receipt) on loopback servers, against a bare SMTP send and HTTP POST of the same message."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--messages", type=int, default=50, help="alerts sent (default 50)")

    def run(self, out: OutputWrapper, options: dict[str, Any]) -> None:
        n = max(1, options["messages"])
        canteen = Canteen.objects.select_related("school__organisation").order_by("pk").first()
        bureau = Organisation.objects.filter(kind=OrganisationKind.REGULATOR).order_by("pk").first()
        if canteen is None or bureau is None:
            raise BenchError("No canteen or bureau: run `brightkitchen demo` or `brightkitchen seed` first.")
        # The SMTP server (aiosmtpd) is a development dependency: imported when this benchmark runs, so
        # that the other benchmarks run without it.
        from brightkitchen.testbed.peers import http_receiver, smtp_server

        out.write(
            f"bench notifications: database {connection.vendor}, {n} alerts of {canteen.name}, "
            f"e-mail and webhook on loopback"
        )
        with smtp_server() as mailbox, http_receiver() as receiver, loopback_cameras_allowed():
            with override_settings(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port), tasks_run_at_once():
                email, webhook = _project(canteen, bureau, mailbox, receiver, n)
            email_floor, webhook_floor = _baseline(mailbox, receiver, n)
        summaries = [
            Summary.of("e-mail: commit → SMTP accepted", "project", email),
            Summary.of("e-mail: commit → SMTP accepted", "baseline", email_floor),
            Summary.of("webhook: commit → receiver", "project", webhook),
            Summary.of("webhook: commit → receiver", "baseline", webhook_floor),
        ]
        out.write(comparison_table(summaries))
        out.write(ratio_line(summaries[0], summaries[1]))
        out.write(ratio_line(summaries[2], summaries[3]))


def _project(
    canteen: Canteen, bureau: Organisation, mailbox: Mailbox, receiver: Receiver, n: int
) -> tuple[list[float], list[float]]:
    run = uuid.uuid4().hex[:8]
    recipient = User.objects.create(
        username=f"bench-notify-{run}", role=Role.REGULATOR, organisation=bureau, email=f"{run}@bench.invalid"
    )
    endpoint = WebhookEndpoint.objects.create(
        organisation=bureau, url=receiver.url(), secret=webhook_signature.new_secret()
    )
    email: list[float] = []
    webhook: list[float] = []
    try:
        for i in range(n):
            mails, hooks = len(mailbox.accepted_at), len(receiver.requests)
            with transaction.atomic():
                now = timezone.now()
                alert = Alert.objects.create(
                    kind=KIND,
                    canteen=canteen,
                    subject_key=f"bench:{run}:{i}",
                    severity=Severity.WARNING,
                    message=f"{canteen.name}: 压测预警 {i}",
                    opened_at=now,
                    last_seen_at=now,
                )
                EmailChannel().send(alert, [recipient])
                WebhookChannel().send(alert, [recipient])
                committed = time.perf_counter()  # the commit and its queued tasks follow at once
            if len(mailbox.accepted_at) != mails + 1 or len(receiver.requests) != hooks + 1:
                raise BenchError(f"alert {i}: the e-mail or the webhook did not arrive")
            email.append(mailbox.accepted_at[-1] - committed)
            webhook.append(receiver.requests[-1].received_at - committed)
        sent = Delivery.objects.filter(alert__kind=KIND, alert__subject_key__startswith=f"bench:{run}:")
        if sent.exclude(status=DeliveryStatus.SENT).exists():
            raise BenchError("a delivery was not marked delivered")
    finally:
        Alert.objects.filter(kind=KIND, subject_key__startswith=f"bench:{run}:").delete()
        endpoint.delete()
        recipient.delete()
    return email, webhook


def _baseline(mailbox: Mailbox, receiver: Receiver, n: int) -> tuple[list[float], list[float]]:
    email: list[float] = []
    webhook: list[float] = []
    secret = webhook_signature.new_secret()
    body = ('{"type":"alert.opened","data":{"message":"压测预警"}}' * 4).encode()
    for i in range(n):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = (
            "bench@bench.invalid",
            "to@bench.invalid",
            f"[压测] {i}",
        )
        message.set_content("压测预警\n\n学校：…，食堂：…\n在平台上查看：http://127.0.0.1:8000/alerts/")
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", mailbox.port, timeout=10) as smtp:
            smtp.send_message(message)
        email.append(mailbox.accepted_at[-1] - started)
        started = time.perf_counter()
        headers = {
            "Content-Type": "application/json",
            **webhook_signature.headers(secret, f"msg_{i}", int(time.time()), body),
        }
        post = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
        try:
            post.request("POST", "/hook", body=body, headers=headers)
            post.getresponse().read()
        finally:
            post.close()
        webhook.append(receiver.requests[-1].received_at - started)
    return email, webhook


BENCHMARK = NotificationsBenchmark()
