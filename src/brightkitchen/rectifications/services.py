"""Changes to rectification notices: issuing one (a bureau), responding (the canteen or its school),
reviewing (the issuing bureau closes or returns it) and escalating overdue ones (the periodic sweep).
Each change is one transaction that also records a step; the audit log records every row. Resubmits
with the same submission_key change nothing twice."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.events import after_commit
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.uploads import StoredFile, removed_on_error, store_photo
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.organisations.models import Organisation
from brightkitchen.rectifications.models import (
    AWAITING_RESPONSE,
    DEFAULT_WORKING_DAYS,
    ISSUER_ROLES,
    MAX_WORKING_DAYS,
    REMIND_WORKING_DAYS,
    RESPONDER_ROLES,
    Decision,
    NoticeState,
    RectificationNotice,
    RectificationPhoto,
    RectificationStep,
    SourceKind,
    StepKind,
)
from brightkitchen.regions.selectors import region_prefixes
from brightkitchen.schedule.selectors import add_working_days
from brightkitchen.schools.models import Canteen

MAX_PHOTOS = 10


def alert_now() -> None:
    """Run the rectification alert rules at once, so the canteen (or the reviewing bureau) sees the
    change in its inbox before the next scheduled sweep."""
    from brightkitchen.alerts.services import sweep
    from brightkitchen.rectifications.rules import RULES

    now = timezone.now()
    sweep(timezone.localdate(now), now, rules=RULES)


def _reassess(*canteen_ids: int) -> None:
    """A canteen's risk grade counts its notices (violations, overdue, escalations): re-grade it."""
    from brightkitchen.risk.services import reassess_canteens

    reassess_canteens(canteen_ids)


def _store_photos(photos: Sequence[UploadedFile[bytes]], folder: str, stored: list[StoredFile]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise FieldError("photos", _("Send at most 10 photos at once."), code="too_many")
    for index, upload in enumerate(photos):
        stored.append(store_photo(upload, f"photos.{index}" if index else "photos", folder))


def _add_step(
    notice: RectificationNotice,
    kind: StepKind,
    before: str,
    *,
    user: AnyUser | None,
    now: datetime.datetime,
    comment: str = "",
    photos: Sequence[StoredFile] = (),
    submission_key: uuid.UUID | None = None,
) -> RectificationStep:
    step = RectificationStep(
        notice=notice,
        kind=kind,
        at=now,
        actor=acting_user(user) if user is not None else None,
        state_before=before,
        state_after=notice.state,
        comment=comment,
        submission_key=submission_key,
    )
    step.save()
    for item in photos:
        RectificationPhoto(step=step, photo=item.path, thumbnail=item.thumbnail).save()
    return step


def _source_kind(value: str) -> SourceKind:
    try:
        return SourceKind(value)
    except ValueError:
        raise FieldError("source_kind", _("Choose where the problem was found.")) from None


def _working_days(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WORKING_DAYS:
        raise FieldError("working_days", _("Give between 1 and 60 working days."))
    return value


def issue_notice(
    user: AnyUser,
    canteen_id: int,
    *,
    problem: str,
    source_kind: str,
    source_ref: str = "",
    working_days: int = DEFAULT_WORKING_DAYS,
    photos: Sequence[UploadedFile[bytes]] = (),
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[RectificationNotice, bool]:
    """(notice, created). A bureau (market supervision or education, any level) issues a notice to a
    canteen of its jurisdiction; the deadline is `working_days` working days after today in the
    canteen's region (weekends and public holidays skipped, make-up working days counted)."""
    canteen = get_visible_or_404(
        Canteen, user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    if scope_of(user).role not in ISSUER_ROLES:
        raise PermissionDenied
    issuer = acting_user(user)
    assert issuer is not None and issuer.organisation is not None  # a bureau user has its bureau
    org: Organisation = issuer.organisation
    problem = clean_text("problem", problem, 2000)
    kind = _source_kind(source_kind)
    source_ref = clean_text("source_ref", source_ref, 100, required=False)
    working_days = _working_days(working_days)
    now = now or timezone.now()
    today = timezone.localdate(now)
    region = canteen.school.organisation.region_id
    deadline = add_working_days(region, today, working_days)
    remind_on = max(add_working_days(region, deadline, -REMIND_WORKING_DAYS), today)
    stored: list[StoredFile] = []

    def build() -> RectificationNotice:
        _store_photos(photos, f"rectifications/{canteen.pk}", stored)
        return RectificationNotice(
            canteen=canteen,
            issued_by_org=org,
            issued_by=issuer,
            problem=problem,
            source_kind=kind,
            source_ref=source_ref,
            issued_on=today,
            working_days=working_days,
            deadline=deadline,
            remind_on=remind_on,
        )

    with removed_on_error(stored), transaction.atomic():
        notice, created = create_once(RectificationNotice, submission_key, build)
        if created:
            _add_step(notice, StepKind.ISSUED, "", user=user, now=now, comment=problem, photos=stored)
            after_commit(alert_now)
            after_commit(_reassess, notice.canteen_id)
    return notice, created


def _locked(user: AnyUser, notice_id: int) -> RectificationNotice:
    get_visible_or_404(RectificationNotice, user, Action.CHANGE, pk=notice_id)
    return RectificationNotice.objects.select_for_update().get(pk=notice_id)


def _existing_step(submission_key: uuid.UUID | None, notice_id: int) -> RectificationStep | None:
    """The step a resubmit already made (the same key on the same notice), to return unchanged."""
    if submission_key is None:
        return None
    step = RectificationStep.objects.filter(submission_key=submission_key).first()
    if step is not None and step.notice_id != notice_id:
        raise Conflict("submission_key", _("This submission key was already used for another notice."))
    return step


def respond(
    user: AnyUser,
    notice_id: int,
    *,
    response: str,
    photos: Sequence[UploadedFile[bytes]] = (),
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[RectificationStep, bool]:
    """(step, created). The canteen (its manager or staff, or the school's principal) says what was done,
    with evidence photos; the notice then awaits the issuing bureau's review."""
    stored: list[StoredFile] = []
    with removed_on_error(stored), transaction.atomic():
        notice = _locked(user, notice_id)
        if scope_of(user).role not in RESPONDER_ROLES:
            raise FieldPermissionDenied("response", _("Only the canteen or its school responds to a notice."))
        previous = _existing_step(submission_key, notice.pk)
        if previous is not None:
            return previous, False
        if notice.state == NoticeState.CLOSED:
            raise Conflict("response", _("This notice is closed."))
        if notice.state not in AWAITING_RESPONSE:
            raise Conflict("response", _("A response is already awaiting review."))
        response = clean_text("response", response, 4000)
        _store_photos(photos, f"rectifications/{notice.canteen_id}", stored)
        before, notice.state = notice.state, NoticeState.RESPONDED
        notice.save()
        step = _add_step(
            notice,
            StepKind.RESPONDED,
            before,
            user=user,
            now=now or timezone.now(),
            comment=response,
            photos=stored,
            submission_key=submission_key,
        )
        after_commit(alert_now)
    return step, True


def review(
    user: AnyUser,
    notice_id: int,
    *,
    decision: str,
    comment: str = "",
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[RectificationStep, bool]:
    """(step, created). The issuing bureau closes the notice (销号, final) or returns it with a reason;
    a returned notice goes back to the canteen, which responds again."""
    with transaction.atomic():
        notice = _locked(user, notice_id)
        scope = scope_of(user)
        issuer = acting_user(user)
        if (
            scope.role not in ISSUER_ROLES
            or issuer is None
            or issuer.organisation_id != notice.issued_by_org_id
        ):
            raise FieldPermissionDenied("decision", _("Only the bureau that issued the notice reviews it."))
        previous = _existing_step(submission_key, notice.pk)
        if previous is not None:
            return previous, False
        try:
            choice = Decision(decision)
        except ValueError:
            raise FieldError("decision", _("Close the notice or return it.")) from None
        if notice.state == NoticeState.CLOSED:
            raise Conflict("decision", _("This notice is closed."))
        if notice.state != NoticeState.RESPONDED:
            raise Conflict("decision", _("There is no response to review yet."))
        comment = clean_text("comment", comment, 4000, required=choice == Decision.RETURN)
        now = now or timezone.now()
        before = notice.state
        if choice == Decision.CLOSE:
            notice.state, notice.closed_at, kind = NoticeState.CLOSED, now, StepKind.CLOSED
        else:
            notice.state, kind = NoticeState.RETURNED, StepKind.RETURNED
        notice.save()
        step = _add_step(
            notice, kind, before, user=user, now=now, comment=comment, submission_key=submission_key
        )
        after_commit(alert_now)
        after_commit(_reassess, notice.canteen_id)
    return step, True


def bureau_above(org: Organisation) -> Organisation | None:
    """The bureau of the same kind one level up the region tree (county → city → province), or the
    nearest one above when that level has none; None for a province bureau."""
    for code in region_prefixes(org.region_id)[1:]:
        found = Organisation.objects.filter(kind=org.kind, region_id=code).order_by("pk").first()
        if found is not None:
            return found
    return None


def escalate_overdue(today: datetime.date, now: datetime.datetime | None = None) -> list[int]:
    """Escalate (挂牌督办) every notice whose deadline passed before `today` while the canteen still owed
    its response (issued, or returned to it), once, to the bureau above its issuer; recorded as a step
    by the system. A response waiting for review is the bureau's to act on, not the canteen's delay.
    Idempotent: a rerun escalates nothing again. Returns the ids escalated."""
    now = now or timezone.now()
    done: list[int] = []
    escalated: set[int] = set()
    candidates = RectificationNotice.objects.filter(
        deadline__lt=today, escalated_at__isnull=True, state__in=AWAITING_RESPONSE
    )
    for notice_id in candidates.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            notice = (
                RectificationNotice.objects.select_for_update()
                .select_related("issued_by_org")
                .filter(pk=notice_id, escalated_at__isnull=True, state__in=AWAITING_RESPONSE)
                .first()
            )
            if notice is None:
                continue
            target = bureau_above(notice.issued_by_org)
            notice.escalated_to, notice.escalated_at = target, now
            notice.save()
            comment = target.name if target is not None else ""
            _add_step(notice, StepKind.ESCALATED, notice.state, user=None, now=now, comment=comment)
            done.append(notice.pk)
            escalated.add(notice.canteen_id)
    if done:
        after_commit(alert_now)
        after_commit(_reassess, *sorted(escalated))
    return done
