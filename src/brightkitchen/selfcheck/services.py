"""Changes to checklists and self-inspection reports. Rights: checklists by regulators (their own region
and below) and operators; reports by the canteen's people through the canteen record rule; the monthly
review is signed by the principal (or an operator) only."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.checklists import services as checklists
from brightkitchen.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Purpose
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, require_role, scope_of
from brightkitchen.core.uploads import StoredFile, removed_on_error, store_photo
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.regions.models import Region
from brightkitchen.schools.services import canteen_for_recording
from brightkitchen.schools.tallies import recount
from brightkitchen.selfcheck.models import (
    MAX_ITEMS,
    CheckKind,
    InspectionAnswer,
    SelfInspection,
    period_start,
)
from brightkitchen.selfcheck.selectors import template_for

SIGN_ROLES = frozenset({Role.OPERATOR, Role.PRINCIPAL})


@dataclass(frozen=True)
class ItemIn:
    text: str
    is_key: bool = False


@dataclass(frozen=True)
class AnswerIn:
    item_id: int
    ok: bool = True
    note: str = ""


def _kind(value: str) -> CheckKind:
    try:
        return CheckKind(value)
    except ValueError:
        raise FieldError("kind", _("Choose daily, weekly or monthly.")) from None


# --- Checklists -------------------------------------------------------------------------------------------


def save_template(
    user: AnyUser,
    region_code: str,
    kind: str,
    items: Sequence[ItemIn],
    *,
    submission_key: uuid.UUID | None = None,
) -> tuple[ChecklistVersion, bool]:
    """(version, created). A new version of a region's checklist of a kind (the first is version 1),
    published at once. Reports filed earlier keep the version they were filed against."""
    scope = require_role(user, Role.REGULATOR)
    kind_value = _kind(kind).value
    region = Region.objects.filter(code=region_code).first()
    if region is None or not (scope.everything or region.code.startswith(scope.region_prefix or "\x00")):
        raise Http404
    if not items:
        raise FieldError("items", _("A checklist has at least one item."), code="required")
    if len(items) > MAX_ITEMS:
        raise FieldError("items", _("A checklist has at most 100 items."), code="too_many")
    texts = [clean_text("items", item.text, 200) for item in items]

    def build() -> ChecklistVersion:
        template, _created = ChecklistTemplate.objects.get_or_create(
            region=region, purpose=Purpose(kind_value)
        )
        checklists.lock(template)
        return ChecklistVersion(
            template=template,
            number=checklists.next_number(template),
            published_at=timezone.now(),
            created_by=acting_user(user),
        )

    with transaction.atomic():
        version, created = create_once(ChecklistVersion, submission_key, build)
        if created:
            for position, (text, item) in enumerate(zip(texts, items, strict=True), start=1):
                ChecklistItem(version=version, order=position, text=text, is_key=bool(item.is_key)).save()
    return version, created


# --- Reports ----------------------------------------------------------------------------------------------


def create_inspection(
    user: AnyUser,
    canteen_id: int,
    *,
    kind: str,
    period: datetime.date,
    answers: Sequence[AnswerIn],
    summary: str = "",
    photos: Mapping[int, UploadedFile[bytes]] | None = None,
    submission_key: uuid.UUID | None = None,
) -> tuple[SelfInspection, bool]:
    """(report, created). Every item of the canteen's checklist is answered: OK, or a risk with a note
    (and an optional photo). A report with no risk is a zero-risk report and counts like any other."""
    canteen = canteen_for_recording(user, canteen_id, SelfInspection)
    kind_value = _kind(kind).value
    if period != period_start(kind_value, period):
        message = {
            CheckKind.DAILY: _("Give the day."),
            CheckKind.WEEKLY: _("A weekly review's period is the Monday of its week."),
            CheckKind.MONTHLY: _("A monthly review's period is the first day of its month."),
        }[CheckKind(kind_value)]
        raise FieldError("period", message)
    if period > timezone.localdate():
        raise FieldError("period", _("This period has not started yet."), code="future")
    summary = clean_text("summary", summary, 2000, required=False)
    photos = dict(photos or {})

    def build() -> SelfInspection:
        if SelfInspection.objects.filter(canteen=canteen, kind=kind_value, period=period).exists():
            raise Conflict("period", _("This period already has a report."))
        template = template_for(canteen, kind_value)
        if template is None:
            raise FieldError(
                "kind", _("No checklist of this kind applies to this canteen."), code="no_template"
            )
        items = {item.pk: item for item in template.items.all()}  # the version in force
        given = {a.item_id: a for a in answers}
        if len(given) != len(answers) or set(given) != set(items):
            raise FieldError("answers", _("Answer every item of the checklist once."))
        for answer in answers:
            if not answer.ok and not answer.note.strip():
                raise FieldError("answers", _("Describe each risk found."), code="note_required")
            if len(answer.note) > 500:
                raise FieldError("answers", _("This text is too long."), code="too_long")
        if set(photos) - {a.item_id for a in answers if not a.ok}:
            raise FieldError("photos", _("Photos go with the risks found."))
        for item_id, upload in photos.items():
            files[item_id] = store_photo(upload, "photos", f"selfcheck/{canteen.pk}")
            stored.append(files[item_id])
        return SelfInspection(
            canteen=canteen,
            recorded_by=acting_user(user),
            kind=kind_value,
            period=period,
            template=template,
            risk_count=sum(1 for a in answers if not a.ok),
            summary=summary,
        )

    files: dict[int, StoredFile] = {}
    stored: list[StoredFile] = []
    with removed_on_error(stored), transaction.atomic():
        report, created = create_once(SelfInspection, submission_key, build, on_created=recount)
        if created:
            InspectionAnswer.objects.bulk_create(
                [
                    InspectionAnswer(
                        inspection=report,
                        item_id=a.item_id,
                        ok=a.ok,
                        note=a.note.strip(),
                        photo=files[a.item_id].path if a.item_id in files else "",
                        photo_thumbnail=files[a.item_id].thumbnail if a.item_id in files else "",
                    )
                    for a in answers
                ]
            )
    return report, created


def sign_monthly(
    user: AnyUser, inspection_id: int, *, now: datetime.datetime | None = None
) -> SelfInspection:
    """The principal signs the monthly review (月调度); until then it is pending."""
    report = get_visible_or_404(SelfInspection, user, Action.CHANGE, pk=inspection_id)
    if scope_of(user).role not in SIGN_ROLES:
        raise FieldPermissionDenied("signed_by", _("Only the principal signs the monthly review."))
    if report.kind != CheckKind.MONTHLY:
        raise FieldError("kind", _("Only a monthly review is signed."))
    if report.signed_at is not None:
        raise Conflict("signed_by", _("This review is already signed."))
    report.signed_by = acting_user(user)
    report.signed_at = now or timezone.now()
    with transaction.atomic():
        report.save()
    return report
