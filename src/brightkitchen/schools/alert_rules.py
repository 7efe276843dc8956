"""Alert rules about canteens' food business licences (食品经营许可证). Importing this module registers
them (schools.apps.SchoolsConfig.ready imports it). Each rule is one query over all canteens.

The subject of an expiring or expired licence is its expiry date, so renewing the licence (a new
expiry date) closes the alert; a missing licence's subject is the licence itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from brightkitchen.alerts.rules import Finding, Severity, register_rule
from brightkitchen.core.texts import Text
from brightkitchen.schools.models import Canteen, LicenceStatus
from brightkitchen.schools.selectors import licence_status_q

LICENCE_EXPIRING = "licence_expiring"
LICENCE_EXPIRED = "licence_expired"
LICENCE_MISSING = "licence_missing"


def _canteens(
    status: LicenceStatus, today: datetime.date
) -> Iterator[tuple[int, int, str, str, datetime.date | None]]:
    rows = (
        Canteen.objects.filter(licence_status_q(status, today))
        .values_list("pk", "school_id", "school__organisation__name", "name", "licence_expires_on")
        .order_by("pk")
    )
    yield from rows.iterator(chunk_size=2000)


def _link(school_id: int) -> str:
    return reverse("schools:file", args=[school_id]) + "#section-canteens"


def licence_expiring(today: datetime.date) -> Iterator[Finding]:
    for canteen_id, school_id, school, canteen, expires_on in _canteens(LicenceStatus.EXPIRING, today):
        assert expires_on is not None
        yield Finding(
            canteen_id=canteen_id,
            subject_key=f"licence:{expires_on.isoformat()}",
            severity=Severity.WARNING,
            message=Text(
                gettext_noop("The food business licence of %(school)s %(canteen)s expires on %(date)s."),
                {"school": school, "canteen": canteen, "date": expires_on.isoformat()},
            ),
            link=_link(school_id),
        )


def licence_expired(today: datetime.date) -> Iterator[Finding]:
    for canteen_id, school_id, school, canteen, expires_on in _canteens(LicenceStatus.EXPIRED, today):
        assert expires_on is not None
        yield Finding(
            canteen_id=canteen_id,
            subject_key=f"licence:{expires_on.isoformat()}",
            severity=Severity.CRITICAL,
            message=Text(
                gettext_noop("The food business licence of %(school)s %(canteen)s expired on %(date)s."),
                {"school": school, "canteen": canteen, "date": expires_on.isoformat()},
            ),
            link=_link(school_id),
        )


def licence_missing(today: datetime.date) -> Iterator[Finding]:
    for canteen_id, school_id, school, canteen, _expires in _canteens(LicenceStatus.MISSING, today):
        yield Finding(
            canteen_id=canteen_id,
            subject_key="licence",
            severity=Severity.WARNING,
            message=Text(
                gettext_noop("No food business licence is on file for %(school)s %(canteen)s."),
                {"school": school, "canteen": canteen},
            ),
            link=_link(school_id),
        )


register_rule(LICENCE_EXPIRING, licence_expiring, label=gettext_lazy("Food business licence expiring"))
register_rule(LICENCE_EXPIRED, licence_expired, label=gettext_lazy("Food business licence expired"))
register_rule(LICENCE_MISSING, licence_missing, label=gettext_lazy("Food business licence missing"))
