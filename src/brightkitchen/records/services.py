"""Changes to canteen records. Every function takes the acting user, checks the right through scoping,
validates (FieldError naming the field) and saves in a transaction; the audit log records it. Creates go
through core.idempotency.create_once, so a resubmitted form (same submission_key) creates nothing twice.

Sections: shared rights, sample retention, accompanied meals."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.uploads import StoredFile, removed_on_error, store_photo
from brightkitchen.core.validation import acting_user, clean_text, full_save
from brightkitchen.records.models import (
    MIN_SAMPLE_WEIGHT_G,
    AccompaniedMeal,
    CompanionKind,
    SampleRetention,
)
from brightkitchen.records.models.samples import MAX_SAMPLE_WEIGHT_G
from brightkitchen.schedule.models import Meal
from brightkitchen.schools.services import canteen_for_recording
from brightkitchen.schools.tallies import recount

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Who answers parents' and leaders' feedback on an accompanied meal.
ANSWER_ROLES = frozenset({Role.OPERATOR, Role.PRINCIPAL, Role.CANTEEN_MANAGER})

# --- Shared ----------------------------------------------------------------------------------------------


def meal_field(value: str) -> Meal:
    try:
        return Meal(value)
    except ValueError:
        raise FieldError("meal", _("Choose breakfast, lunch or dinner.")) from None


def _not_in_future(field: str, day: datetime.date) -> None:
    if day > timezone.localdate():
        raise FieldError(field, _("This date is in the future."), code="future")


# --- Sample retention (留样) ------------------------------------------------------------------------------


def create_sample(
    user: AnyUser,
    canteen_id: int,
    *,
    date: datetime.date,
    meal: str,
    dish: str,
    weight_g: int,
    stored_at: datetime.datetime,
    sampled_by: str,
    photo: UploadedFile[bytes] | None,
    storage_label: str = "",
    submission_key: uuid.UUID | None = None,
) -> tuple[SampleRetention, bool]:
    """(sample, created). A resubmit with the same submission_key returns the first sample and stores
    no second photo."""
    canteen = canteen_for_recording(user, canteen_id, SampleRetention)
    meal_value = meal_field(meal).value
    dish = clean_text("dish", dish, 60)
    sampled_by = clean_text("sampled_by", sampled_by, 40)
    storage_label = clean_text("storage_label", storage_label, 40, required=False)
    if isinstance(weight_g, bool) or not isinstance(weight_g, int):
        raise FieldError("weight_g", _("Give the weight in whole grams."))
    if weight_g < MIN_SAMPLE_WEIGHT_G:
        raise FieldError(
            "weight_g",
            _("A sample weighs at least %(min)s g.") % {"min": MIN_SAMPLE_WEIGHT_G},
            code="too_light",
        )
    if weight_g > MAX_SAMPLE_WEIGHT_G:
        raise FieldError("weight_g", _("This weight is not plausible for a sample."), code="too_heavy")
    _not_in_future("date", date)
    if timezone.is_naive(stored_at):
        stored_at = timezone.make_aware(stored_at)
    if stored_at > timezone.now() + CLOCK_SKEW:
        raise FieldError("stored_at", _("This time is in the future."), code="future")
    if timezone.localdate(stored_at) != date:
        raise FieldError("stored_at", _("A sample is stored on the day of its meal."), code="other_day")

    def build() -> SampleRetention:
        if SampleRetention.objects.filter(canteen=canteen, date=date, meal=meal_value, dish=dish).exists():
            raise Conflict("dish", _("This dish already has a sample for this meal."))
        if photo is None:
            raise FieldError("photo", _("Take a photo of the sample."), code="required")
        stored = store_photo(photo, "photo", f"records/samples/{canteen.pk}")
        files.append(stored)
        return SampleRetention(
            canteen=canteen,
            recorded_by=acting_user(user),
            date=date,
            meal=meal_value,
            dish=dish,
            weight_g=weight_g,
            stored_at=stored_at,
            sampled_by=sampled_by,
            photo=stored.path,
            photo_thumbnail=stored.thumbnail,
            storage_label=storage_label,
        )

    files: list[StoredFile] = []
    with removed_on_error(files):
        return create_once(SampleRetention, submission_key, build, on_created=recount)


def discard_sample(user: AnyUser, sample_id: int, *, now: datetime.datetime | None = None) -> SampleRetention:
    """Mark a sample discarded; refused before its 48 hours are over."""
    sample = get_visible_or_404(SampleRetention, user, Action.CHANGE, pk=sample_id)
    now = now or timezone.now()
    if sample.discarded_at is not None:
        raise Conflict("discarded_at", _("This sample was already discarded."))
    if now < sample.may_discard_at:
        local = timezone.localtime(sample.may_discard_at)
        raise FieldError(
            "discarded_at",
            _("A sample is kept 48 hours: it may be discarded from %(time)s.")
            % {"time": local.strftime("%Y-%m-%d %H:%M")},
            code="too_early",
        )
    sample.discarded_at = now
    sample.discarded_by = acting_user(user)
    full_save(sample)
    return sample


# --- Accompanied meals (陪餐) -----------------------------------------------------------------------------


def create_accompanied_meal(
    user: AnyUser,
    canteen_id: int,
    *,
    date: datetime.date,
    meal: str,
    companion_name: str,
    companion_kind: str,
    rating: int,
    problems: str = "",
    submission_key: uuid.UUID | None = None,
) -> tuple[AccompaniedMeal, bool]:
    canteen = canteen_for_recording(user, canteen_id, AccompaniedMeal)
    meal_value = meal_field(meal).value
    companion_name = clean_text("companion_name", companion_name, 40)
    problems = clean_text("problems", problems, 2000, required=False)
    if companion_kind not in CompanionKind.values:
        raise FieldError("companion_kind", _("Choose school leader, parent or other."))
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise FieldError("rating", _("Rate from 1 to 5."))
    _not_in_future("date", date)

    def build() -> AccompaniedMeal:
        if AccompaniedMeal.objects.filter(
            canteen=canteen, date=date, meal=meal_value, companion_name=companion_name
        ).exists():
            raise Conflict("companion_name", _("This person already recorded this meal."))
        return AccompaniedMeal(
            canteen=canteen,
            recorded_by=acting_user(user),
            date=date,
            meal=meal_value,
            companion_name=companion_name,
            companion_kind=companion_kind,
            rating=rating,
            problems=problems,
        )

    return create_once(AccompaniedMeal, submission_key, build, on_created=recount)


def answer_accompanied_meal(
    user: AnyUser, record_id: int, answer: str, *, now: datetime.datetime | None = None
) -> AccompaniedMeal:
    """The school's answer to what the companion found: by the principal or the canteen manager. A later
    answer replaces the earlier one (the audit log keeps both)."""
    record = get_visible_or_404(AccompaniedMeal, user, Action.CHANGE, pk=record_id)
    if scope_of(user).role not in ANSWER_ROLES:
        raise FieldPermissionDenied("answer", _("The principal or the canteen manager answers."))
    record.answer = clean_text("answer", answer, 2000)
    record.answered_by = acting_user(user)
    record.answered_at = now or timezone.now()
    full_save(record)
    return record
