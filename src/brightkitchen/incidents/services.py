"""Changes to incident reports: filing one (which alerts the county regulator and education bureau at
once), progress reports while it is open, and the closing report."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.core.events import after_commit
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.incidents.models import IncidentProgress, IncidentReport, IncidentStatus
from brightkitchen.records.services import CLOCK_SKEW
from brightkitchen.schools.services import canteen_for_recording

MAX_PEOPLE = 100_000
# A report may be filed for symptoms that began up to this long ago (older is a typing error).
MAX_AGE = datetime.timedelta(days=30)


def _count(field: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_PEOPLE:
        raise FieldError(field, _("Give a whole number of people."))
    return value


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _after_change(canteen_id: int) -> None:
    """On commit, for this canteen only: the incident alert rule, so the alert (and its delivery to the
    county regulator and education bureau) follows within seconds, not at the next scheduled sweep; and
    the risk grade, of which incidents are a signal."""
    from brightkitchen.alerts.tasks import sweep_canteens
    from brightkitchen.incidents.rules import KIND
    from brightkitchen.risk.tasks import reassess

    after_commit(sweep_canteens.delay, [KIND], [canteen_id])
    after_commit(reassess.delay, [canteen_id])


def create_incident(
    user: AnyUser,
    canteen_id: int,
    *,
    onset_at: datetime.datetime,
    place: str,
    affected: int,
    hospitalised: int = 0,
    symptoms: str,
    measures: str = "",
    sealed_food: bool = False,
    sealed_tools: bool = False,
    sealed_scene: bool = False,
    samples_kept: bool = False,
    reporter_name: str,
    reporter_phone: str,
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[IncidentReport, bool]:
    """(report, created). The report time is the server's; a report filed more than 2 hours after the
    onset is accepted and marked late. Filing alerts the regulators immediately after commit."""
    canteen = canteen_for_recording(user, canteen_id, IncidentReport)
    now = now or timezone.now()
    onset_at = _aware(onset_at)
    if onset_at > now + CLOCK_SKEW:
        raise FieldError("onset_at", _("This time is in the future."), code="future")
    if onset_at < now - MAX_AGE:
        raise FieldError("onset_at", _("This time is more than 30 days ago."), code="too_old")
    place = clean_text("place", place, 100)
    affected = _count("affected", affected, 1)
    hospitalised = _count("hospitalised", hospitalised, 0)
    if hospitalised > affected:
        raise FieldError("hospitalised", _("More people in hospital than affected."))
    symptoms = clean_text("symptoms", symptoms, 2000)
    measures = clean_text("measures", measures, 2000, required=False)
    reporter_name = clean_text("reporter_name", reporter_name, 40)
    reporter_phone = clean_text("reporter_phone", reporter_phone, 20)
    if (
        not all(c.isdigit() or c in "+- " for c in reporter_phone)
        or sum(c.isdigit() for c in reporter_phone) < 5
    ):
        raise FieldError("reporter_phone", _("Give a phone number."), code="invalid")

    def build() -> IncidentReport:
        return IncidentReport(
            canteen=canteen,
            recorded_by=acting_user(user),
            onset_at=onset_at,
            reported_at=now,
            place=place,
            affected=affected,
            hospitalised=hospitalised,
            symptoms=symptoms,
            measures=measures,
            sealed_food=sealed_food,
            sealed_tools=sealed_tools,
            sealed_scene=sealed_scene,
            samples_kept=samples_kept,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
        )

    with transaction.atomic():
        report, created = create_once(IncidentReport, submission_key, build)
        if created:
            _after_change(report.canteen_id)
    return report, created


def _open_for_change(user: AnyUser, incident_id: int, field: str) -> IncidentReport:
    get_visible_or_404(IncidentReport, user, Action.CHANGE, pk=incident_id)
    report = IncidentReport.objects.select_for_update().get(pk=incident_id)
    if report.status != IncidentStatus.OPEN:
        raise Conflict(field, _("This incident is closed."))
    return report


@transaction.atomic
def add_progress(
    user: AnyUser, incident_id: int, text: str, *, now: datetime.datetime | None = None
) -> IncidentProgress:
    report = _open_for_change(user, incident_id, "text")
    text = clean_text("text", text, 4000)
    progress = IncidentProgress(
        incident=report, at=now or timezone.now(), text=text, recorded_by=acting_user(user)
    )
    progress.save()
    return progress


def close_incident(
    user: AnyUser, incident_id: int, summary: str, *, now: datetime.datetime | None = None
) -> IncidentReport:
    """The closing report; the incident's alert closes at once (its cause is gone)."""
    with transaction.atomic():
        report = _open_for_change(user, incident_id, "summary")
        report.closing_summary = clean_text("summary", summary, 4000)
        report.closed_at = now or timezone.now()
        report.status = IncidentStatus.CLOSED
        report.save()
        _after_change(report.canteen_id)
    return report
