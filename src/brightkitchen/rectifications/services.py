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

from brightkitchen.core.errors import FieldError, FieldPermissionDenied
from brightkitchen.core.events import after_commit
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.texts import Text
from brightkitchen.core.uploads import StoredFile, removed_on_error, store_photo
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.core.workflow import (
    Deadlines,
    Transition,
    Workflow,
    lock,
    resubmitted,
    store_evidence,
    sweep,
)
from brightkitchen.core.workflow import review as review_case
from brightkitchen.organisations.models import Organisation
from brightkitchen.rectifications.models import (
    AWAITING_RESPONSE,
    DEFAULT_WORKING_DAYS,
    ISSUER_ROLES,
    MAX_WORKING_DAYS,
    REMIND_WORKING_DAYS,
    RESPONDER_ROLES,
    NoticeDecision,
    NoticeSource,
    NoticeState,
    RectificationNotice,
    RectificationPhoto,
    RectificationStep,
    StepKind,
)
from brightkitchen.regions.selectors import region_prefixes
from brightkitchen.schedule.selectors import add_working_days
from brightkitchen.schools.models import Canteen

MAX_PHOTOS = 10


def _consequences(*canteen_ids: int, regrade: bool = True) -> None:
    """On commit, for these canteens only: their rectification alerts (the canteen, or the reviewing
    bureau, sees the change in its inbox within seconds) and, when a signal changed, their risk grade
    (notices count in it: violations, overdue, escalations). Tasks: the request never waits for them."""
    from brightkitchen.alerts.tasks import sweep_canteens
    from brightkitchen.rectifications.rules import RULES
    from brightkitchen.risk.tasks import reassess

    canteens = sorted(set(canteen_ids))
    after_commit(sweep_canteens.delay, sorted(RULES), canteens)
    if regrade:
        after_commit(reassess.delay, canteens)


# The notice's workflow (core.workflow): the canteen responds while it owes a response; the issuing
# bureau closes or returns a response; escalation (the sweep) does not change the state.
_AWAITING_REVIEW = _("There is no response to review yet.")
NOTICE_FLOW = Workflow(
    {
        "respond": Transition(
            frozenset(AWAITING_RESPONSE),
            NoticeState.RESPONDED,
            "response",
            _("A response is already awaiting review."),
            roles=RESPONDER_ROLES,
            denied=_("Only the canteen or its school responds to a notice."),
        ),
        NoticeDecision.CLOSE: Transition(
            frozenset({NoticeState.RESPONDED}), NoticeState.CLOSED, "decision", _AWAITING_REVIEW
        ),
        NoticeDecision.RETURN: Transition(
            frozenset({NoticeState.RESPONDED}), NoticeState.RETURNED, "decision", _AWAITING_REVIEW
        ),
    },
    closed=NoticeState.CLOSED,
    closed_message=_("This notice is closed."),
)
DEADLINES = Deadlines(add_working_days, remind_before=REMIND_WORKING_DAYS)


def _store_photos(photos: Sequence[UploadedFile[bytes]], folder: str, stored: list[StoredFile]) -> None:
    store_evidence(
        photos,
        "photos",
        folder,
        stored,
        store=store_photo,
        most=MAX_PHOTOS,
        too_many=_("Send at most 10 photos at once."),
    )


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


def _source_kind(value: str) -> NoticeSource:
    try:
        return NoticeSource(value)
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
    problem: str | Text,
    source_kind: str,
    source_ref: str = "",
    working_days: int = DEFAULT_WORKING_DAYS,
    photos: Sequence[UploadedFile[bytes]] = (),
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[RectificationNotice, bool]:
    """(notice, created). A bureau (market supervision or education, any level) issues a notice to a
    canteen of its jurisdiction; the deadline is `working_days` working days after today in the
    canteen's region (weekends and public holidays skipped, make-up working days counted). A problem
    the platform describes is a `core.texts.Text`: stored in the default language and shown in each
    reader's."""
    canteen = get_visible_or_404(
        Canteen, user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    if scope_of(user).role not in ISSUER_ROLES:
        raise PermissionDenied
    issuer = acting_user(user)
    assert issuer is not None and issuer.organisation is not None  # a bureau user has its bureau
    org: Organisation = issuer.organisation
    problem_id, problem_args = (
        (problem.msgid, problem.stored_params()) if isinstance(problem, Text) else ("", {})
    )
    problem = clean_text(
        "problem", problem.in_default_language()[:2000] if isinstance(problem, Text) else problem, 2000
    )
    kind = _source_kind(source_kind)
    source_ref = clean_text("source_ref", source_ref, 100, required=False)
    working_days = _working_days(working_days)
    now = now or timezone.now()
    today = timezone.localdate(now)
    region = canteen.school.organisation.region_id
    deadline = DEADLINES.due(region, today, working_days)
    remind_on = DEADLINES.remind_on(region, deadline, today)
    stored: list[StoredFile] = []

    def build() -> RectificationNotice:
        _store_photos(photos, f"rectifications/{canteen.pk}", stored)
        return RectificationNotice(
            canteen=canteen,
            issued_by_org=org,
            issued_by=issuer,
            problem=problem,
            problem_id=problem_id,
            problem_args=problem_args,
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
            _consequences(notice.canteen_id)
    return notice, created


def _locked(user: AnyUser, notice_id: int) -> RectificationNotice:
    return lock(RectificationNotice, user, notice_id)


def _existing_step(submission_key: uuid.UUID | None, notice_id: int) -> RectificationStep | None:
    """The step a resubmit already made (the same key on the same notice), to return unchanged."""
    return resubmitted(
        RectificationStep,
        submission_key,
        "notice",
        notice_id,
        _("This submission key was already used for another notice."),
    )


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
        NOTICE_FLOW.permit("respond", user)
        previous = _existing_step(submission_key, notice.pk)
        if previous is not None:
            return previous, False
        NOTICE_FLOW.check("respond", notice.state)
        response = clean_text("response", response, 4000)
        _store_photos(photos, f"rectifications/{notice.canteen_id}", stored)
        before = NOTICE_FLOW.take(notice, "respond")
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
        _consequences(notice.canteen_id, regrade=False)  # a response is not a risk signal
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
        now = now or timezone.now()
        decided = review_case(
            NOTICE_FLOW,
            notice,
            decision,
            comment,
            invalid=_("Close the notice or return it."),
            most=4000,
            now=now,
        )
        notice.save()
        kind = StepKind.CLOSED if decided.closed else StepKind.RETURNED
        step = _add_step(
            notice,
            kind,
            decided.before,
            user=user,
            now=now,
            comment=decided.comment,
            submission_key=submission_key,
        )
        _consequences(notice.canteen_id)
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
    when = now or timezone.now()
    candidates = RectificationNotice.objects.filter(
        deadline__lt=today, escalated_at__isnull=True, state__in=AWAITING_RESPONSE
    ).select_related("issued_by_org")

    def escalate(notice: RectificationNotice) -> None:
        target = bureau_above(notice.issued_by_org)
        notice.escalated_to, notice.escalated_at = target, when
        notice.save()
        comment = target.name if target is not None else ""
        _add_step(notice, StepKind.ESCALATED, notice.state, user=None, now=when, comment=comment)

    notices = sweep(candidates, escalate)
    done = [notice.pk for notice in notices]
    escalated = {notice.canteen_id for notice in notices}
    if done:
        _consequences(*escalated)
    return done
