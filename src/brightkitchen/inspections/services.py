"""Changes of the inspections app: checklist templates and their versions (regulators of the owning
region), and submitting an inspection (a regulator of the canteen's jurisdiction), which in one
transaction scores it, writes the canteen's dynamic and annual grades and issues a rectification
notice for each failed item. Resubmits with the same submission_key change nothing twice."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from brightkitchen.accounts.models import User
from brightkitchen.checklists import selectors as checklists
from brightkitchen.checklists import services as shared
from brightkitchen.checklists.models import (
    INSPECTION_PURPOSES,
    MAX_WEIGHT,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Purpose,
    code_validator,
)
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.core.events import after_commit
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.texts import Text
from brightkitchen.core.uploads import StoredFile, removed_on_error, store_photo
from brightkitchen.core.validation import acting_user, clean_text, full_save
from brightkitchen.inspections import scoring
from brightkitchen.inspections.models import (
    INSPECTOR_ROLES,
    MAX_ITEMS,
    MAX_PHOTOS_PER_ITEM,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    Outcome,
)
from brightkitchen.rectifications.services import issue_notice
from brightkitchen.risk.tasks import reassess
from brightkitchen.schools.models import Canteen

# Namespace of the submission keys of the notices an inspection issues (one per failed item), so a
# resubmitted or retried inspection never issues a notice twice.
NOTICE_KEY_NAMESPACE = uuid.UUID("8f1d7c52-3b0e-4f7a-9d6c-1a2b3c4d5e6f")


def _inspector(user: AnyUser) -> User:
    """The acting regulator, with its bureau; anyone else is refused (403)."""
    person = acting_user(user)
    if scope_of(user).role not in INSPECTOR_ROLES or person is None or person.organisation is None:
        raise PermissionDenied
    return person


# --- Templates ------------------------------------------------------------------------------------


def _templates(user: AnyUser) -> QuerySet[ChecklistTemplate]:
    """The inspection checklists the user may see (never a self-check checklist)."""
    return checklists.templates(user, INSPECTION_PURPOSES)


def _versions(user: AnyUser) -> QuerySet[ChecklistVersion]:
    return checklists.versions(user, INSPECTION_PURPOSES)


def create_template(
    user: AnyUser, *, name: str, submission_key: uuid.UUID | None = None
) -> tuple[ChecklistTemplate, bool]:
    """(template, created). A regulator creates a checklist owned by its bureau, with an empty draft
    version 1 to fill."""
    bureau = _inspector(user).organisation
    assert bureau is not None  # _inspector refuses a regulator without its bureau
    name = clean_text("name", name, 100)
    with transaction.atomic():
        template, created = create_once(
            ChecklistTemplate,
            submission_key,
            lambda: ChecklistTemplate(
                purpose=Purpose.INSPECTION, name=name, owner=bureau, region_id=bureau.region_id
            ),
        )
        if created:
            shared.new_version(user, template)
    return template, created


def _draft_locked(template: ChecklistTemplate) -> tuple[ChecklistVersion, bool]:
    """The template's draft version, made when there is none by copying the latest version's items.
    Call inside a transaction: the template row is locked so two editors never make two drafts."""
    shared.lock(template)
    latest = shared.latest_version(template)
    if latest is not None and latest.is_draft:
        return latest, False
    return shared.new_version(None, template, copy_from=latest), True


def draft_of(user: AnyUser, template_id: int) -> tuple[ChecklistVersion, bool]:
    """(draft, created). The version to edit: the template's draft, or a new one copied from its latest
    published version (which stays frozen)."""
    template = get_visible_or_404(_templates(user), user, Action.CHANGE, pk=template_id)
    with transaction.atomic():
        return _draft_locked(template)


def _editable(version: ChecklistVersion) -> ChecklistVersion:
    """The version an edit of `version` goes to: itself while a draft, else the template's draft."""
    if version.is_draft:
        return version
    return _draft_locked(version.template)[0]


def _weight(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WEIGHT:
        raise FieldError("weight", _("Give a weight between 1 and 100 points."))
    return value


def _code(value: str) -> str:
    value = clean_text("code", value, 16)
    try:
        code_validator(value)
    except ValidationError:
        raise FieldError("code", _("Use up to 16 letters, digits, dots, dashes or underscores.")) from None
    return value


def add_item(
    user: AnyUser,
    version_id: int,
    *,
    code: str,
    text: str,
    is_key: bool = False,
    weight: int = 1,
    order: int | None = None,
) -> ChecklistItem:
    """Add an item to a draft; on a published (frozen) version the item goes to the next draft."""
    version = get_visible_or_404(_versions(user), user, Action.CHANGE, related=("template",), pk=version_id)
    code = _code(code)
    text = clean_text("text", text, 300)
    weight = _weight(weight)
    if order is not None and not 0 <= order <= 10_000:
        raise FieldError("order", _("Give an order between 0 and 10000."))
    with transaction.atomic():
        target = _editable(version)
        items = ChecklistItem.objects.filter(version=target)
        if items.filter(code=code).exists():
            raise Conflict("code", _("This version already has an item with this code."))
        if items.count() >= MAX_ITEMS:
            raise FieldError("code", _("A checklist has at most 200 items."), code="too_many")
        if order is None:
            order = (items.aggregate(m=Max("order"))["m"] or 0) + 10
        item = ChecklistItem(version=target, order=order, code=code, text=text, is_key=is_key, weight=weight)
        full_save(item)
    return item


@dataclass(frozen=True)
class ItemChanges:
    text: str | None = None
    is_key: bool | None = None
    weight: int | None = None
    order: int | None = None


def _item_in_draft(user: AnyUser, item_id: int) -> ChecklistItem:
    """The item to edit: itself in a draft, else its copy (same code) in the template's draft."""
    item = get_visible_or_404(
        checklists.items(user, INSPECTION_PURPOSES),
        user,
        Action.CHANGE,
        related=("version__template",),
        pk=item_id,
    )
    target = _editable(item.version)
    if target.pk == item.version_id:
        return item
    copy = ChecklistItem.objects.filter(version=target, code=item.code).first()
    if copy is None:
        raise Conflict("item", _("This item was removed from the draft version."))
    return copy


def update_item(user: AnyUser, item_id: int, changes: ItemChanges) -> ChecklistItem:
    with transaction.atomic():
        item = _item_in_draft(user, item_id)
        if changes.text is not None:
            item.text = clean_text("text", changes.text, 300)
        if changes.is_key is not None:
            item.is_key = changes.is_key
        if changes.weight is not None:
            item.weight = _weight(changes.weight)
        if changes.order is not None:
            if not 0 <= changes.order <= 10_000:
                raise FieldError("order", _("Give an order between 0 and 10000."))
            item.order = changes.order
        full_save(item)
    return item


def remove_item(user: AnyUser, item_id: int) -> ChecklistVersion:
    """Remove an item from a draft (from the next draft when its version is published); returns the
    draft it was removed from."""
    with transaction.atomic():
        item = _item_in_draft(user, item_id)
        version = item.version
        item.delete()
    return version


def publish(user: AnyUser, version_id: int, now: datetime.datetime | None = None) -> ChecklistVersion:
    """Publish a draft: inspections may use it from now on, and it is frozen."""
    with transaction.atomic():
        get_visible_or_404(_versions(user), user, Action.CHANGE, pk=version_id)
        version = ChecklistVersion.objects.select_for_update().get(pk=version_id)
        if not version.is_draft:
            raise Conflict("version", _("This version is already published."))
        if not ChecklistItem.objects.filter(version=version).exists():
            raise FieldError("items", _("Add at least one item before publishing."), code="required")
        version.published_at = now or timezone.now()
        version.save()
    return version


# --- Inspections ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultInput:
    item: str  # the item's code
    outcome: str
    note: str = ""


def _results(
    items: Sequence[ChecklistItem], results: Sequence[ResultInput]
) -> dict[str, tuple[ChecklistItem, Outcome, str]]:
    """Every item of the version exactly once, each with a valid outcome; errors name the item."""
    by_code = {i.code: i for i in items}
    chosen: dict[str, tuple[ChecklistItem, Outcome, str]] = {}
    for index, r in enumerate(results):
        item = by_code.get(r.item)
        if item is None:
            raise FieldError(f"results.{index}.item", _("This item is not in the checklist version."))
        if r.item in chosen:
            raise FieldError(f"results.{r.item}", _("This item is given twice."), code="duplicate")
        try:
            outcome = Outcome(r.outcome)
        except ValueError:
            raise FieldError(f"results.{r.item}.outcome", _("Choose pass, fail or not applicable.")) from None
        chosen[r.item] = (item, outcome, clean_text(f"results.{r.item}.note", r.note, 500, required=False))
    for code in by_code:
        if code not in chosen:
            raise FieldError(f"results.{code}", _("Give an outcome for every item."), code="required")
    return chosen


def notice_key(inspection: Inspection, code: str) -> uuid.UUID:
    return uuid.uuid5(NOTICE_KEY_NAMESPACE, f"inspection:{inspection.pk}:{code}")


def refresh_grades(canteen: Canteen, today: datetime.date) -> None:
    """Write the canteen's dynamic grade (its latest inspection) and annual grade (this calendar year's
    inspections; left as it is when there is none yet this year)."""
    latest = Inspection.objects.filter(canteen=canteen).order_by("-inspected_on", "-id").first()
    if latest is None:
        return
    canteen.dynamic_grade = latest.dynamic_grade
    canteen.dynamic_graded_on = latest.inspected_on
    year = [
        scoring.Graded(score, failures, grade)
        for score, failures, grade in Inspection.objects.filter(
            canteen=canteen, inspected_on__year=today.year
        ).values_list("score", "key_failures", "dynamic_grade")
    ]
    annual = scoring.annual_grade(year)
    if annual is not None:
        canteen.annual_grade = annual
    canteen.save(update_fields=["dynamic_grade", "dynamic_graded_on", "annual_grade", "updated_at"])


def submit_inspection(
    user: AnyUser,
    canteen_id: int,
    *,
    version_id: int,
    inspected_on: datetime.date,
    results: Sequence[ResultInput],
    photos: Mapping[str, Sequence[UploadedFile[bytes]]] | None = None,
    note: str = "",
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Inspection, bool]:
    """(inspection, created). A regulator of the canteen's jurisdiction records an inspection against a
    published version of a checklist it may see: every item's outcome, notes and photos (keyed by item
    code). In the same transaction the canteen's grades are written and each failed item opens a
    rectification notice with that item's photos."""
    canteen = get_visible_or_404(
        Canteen, user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    person = _inspector(user)
    if submission_key is not None:
        previous = Inspection.objects.filter(submission_key=submission_key).first()
        if previous is not None:
            if previous.canteen_id != canteen.pk:
                raise Conflict(
                    "submission_key", _("This submission key was already used for another canteen.")
                )
            return previous, False
    version = (
        _versions(user).filter(pk=version_id, published_at__isnull=False).select_related("template").first()
    )
    if version is None:
        raise FieldError("version_id", _("Choose a published checklist version."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    if inspected_on > today:
        raise FieldError("inspected_on", _("The inspection day cannot be in the future."))
    items = list(ChecklistItem.objects.filter(version=version).order_by("order", "id"))
    chosen = _results(items, results)
    photos = photos or {}
    for code, uploads in photos.items():
        if code not in chosen:
            raise FieldError(f"photos.{code}", _("This item is not in the checklist version."))
        if len(uploads) > MAX_PHOTOS_PER_ITEM:
            raise FieldError(f"photos.{code}", _("Send at most 5 photos per item."), code="too_many")
    note = clean_text("note", note, 2000, required=False)
    score, key_failures = scoring.score_of(
        scoring.Scored(outcome, item.weight, item.is_key) for item, outcome, _note in chosen.values()
    )
    grade = scoring.dynamic_grade(score, key_failures)
    stored: list[StoredFile] = []

    def build() -> Inspection:
        return Inspection(
            canteen=canteen,
            version=version,
            inspector=person,
            inspector_org=person.organisation,
            inspected_on=inspected_on,
            score=score,
            key_failures=key_failures,
            dynamic_grade=grade or "",
            note=note,
        )

    with removed_on_error(stored), transaction.atomic():
        inspection, created = create_once(Inspection, submission_key, build)
        if not created:
            return inspection, False
        for item, outcome, item_note in chosen.values():
            result = InspectionResult(inspection=inspection, item=item, outcome=outcome, note=item_note)
            result.save()
            for upload in photos.get(item.code, ()):
                saved = store_photo(upload, f"photos.{item.code}", f"inspections/{canteen.pk}")
                stored.append(saved)
                InspectionPhoto(result=result, photo=saved.path, thumbnail=saved.thumbnail).save()
                upload.seek(0)  # read again by the rectification notice
        refresh_grades(canteen, today)
        after_commit(reassess.delay, [canteen.pk])  # the grades are risk signals
        for item, outcome, item_note in chosen.values():
            if outcome != Outcome.FAIL:
                continue
            params = {"day": inspected_on.isoformat(), "code": item.code, "text": item.text}
            if item_note:
                problem = Text(
                    gettext_noop("Standardised inspection %(day)s, item %(code)s: %(text)s\n%(note)s"),
                    params | {"note": item_note},
                )
            else:
                problem = Text(
                    gettext_noop("Standardised inspection %(day)s, item %(code)s: %(text)s"), params
                )
            issue_notice(
                user,
                canteen.pk,
                problem=problem,
                source_kind="inspection",
                source_ref=f"inspection:{inspection.pk}:{item.code}",
                photos=list(photos.get(item.code, ())),
                submission_key=notice_key(inspection, item.code),
                now=now,
            )
    return inspection, True
