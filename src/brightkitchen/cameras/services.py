"""Changes to cameras: adding one to a canteen, changing it (name, key point, source, public hours,
quality thresholds, enabled), and deleting it. Allowed for the canteen's manager, its school's principal
and the regulators of its jurisdiction (and operators). Every refusal is a 4xx naming the field; a
resubmitted add with the same submission_key creates nothing twice. A regulator turns a camera health
event into a rectification notice with `rectify_event`."""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from brightkitchen.cameras import credentials, snapshots
from brightkitchen.cameras.models import (
    MANAGER_ROLES,
    Camera,
    CameraHealthEvent,
    DisplayToken,
    HealthEventKind,
    KeyPoint,
    QualityCheck,
    SourceKind,
    new_display_token,
)
from brightkitchen.cameras.sources import require_supported
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.texts import Text
from brightkitchen.core.validation import clean_text, full_save
from brightkitchen.rectifications.models import DEFAULT_WORKING_DAYS, NoticeSource, RectificationNotice
from brightkitchen.rectifications.services import issue_notice
from brightkitchen.schools.models import Canteen

# What `change_camera` accepts; source_url is the clear address (stored encrypted).
CHANGEABLE = frozenset(
    {
        "name",
        "key_point",
        "source_kind",
        "source_url",
        "is_public",
        "public_from",
        "public_until",
        "enabled",
        "quality_thresholds",
    }
)
THRESHOLD_LIMIT = 1e9  # far beyond any measure's range; keeps absurd numbers out


def _require_manager(user: AnyUser) -> None:
    role = scope_of(user).role
    if role not in MANAGER_ROLES:
        raise PermissionDenied


def _key_point(value: str) -> str:
    if value not in KeyPoint.values:
        raise FieldError("key_point", _("Choose the key point the camera films."))
    return value


def _source_kind(value: str) -> str:
    if value not in SourceKind.values:
        raise FieldError("source_kind", _("Choose the kind of source."))
    require_supported(value)
    return value


def _flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(field, _("Give true or false."))
    return value


def _time(field: str, value: Any) -> datetime.time | None:
    if value is None:
        return None
    if not isinstance(value, datetime.time):
        raise FieldError(field, _("Give a time of day (HH:MM)."))
    return value


def clean_public_hours(
    public_from: datetime.time | None, public_until: datetime.time | None
) -> tuple[datetime.time | None, datetime.time | None]:
    """Both blank (always, when public) or both set and different; until < from spans midnight."""
    if (public_from is None) != (public_until is None):
        field = "public_until" if public_until is None else "public_from"
        raise FieldError(field, _("Give both the start and the end of the public hours, or neither."))
    if public_from is not None and public_from == public_until:
        raise FieldError("public_until", _("The public hours must end at another time than they start."))
    return public_from, public_until


def clean_thresholds(value: Any) -> dict[str, float]:
    """{check key: finite number} for known quality checks only."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FieldError("quality_thresholds", _("Give the thresholds as check: number pairs."))
    cleaned: dict[str, float] = {}
    for key, number in value.items():
        if key not in QualityCheck.values:
            raise FieldError(
                f"quality_thresholds.{key}"[:100], _("This is not a quality check."), code="unknown_check"
            )
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
            or abs(number) > THRESHOLD_LIMIT
        ):
            raise FieldError(f"quality_thresholds.{key}", _("Give a finite number."))
        cleaned[key] = float(number)
    return cleaned


def _set_source(camera: Camera, kind: str, url: str, now: datetime.datetime) -> None:
    url = credentials.validate_url(kind, url)
    camera.source_kind = kind
    camera.source_secret = credentials.encrypt(url)
    camera.display_url = credentials.redact(url)
    camera.source_changed_at = now


def _unique_name(camera: Camera) -> None:
    clash = Camera.objects.filter(canteen_id=camera.canteen_id, name=camera.name).exclude(pk=camera.pk)
    if clash.exists():
        raise Conflict("name", _("This canteen already has a camera of this name."))


def add_camera(
    user: AnyUser,
    canteen_id: int,
    *,
    name: str,
    key_point: str,
    source_kind: str,
    source_url: str,
    is_public: bool = False,
    public_from: datetime.time | None = None,
    public_until: datetime.time | None = None,
    enabled: bool = True,
    quality_thresholds: Mapping[str, Any] | None = None,
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Camera, bool]:
    """(camera, created). A resubmit with the same submission_key returns the first camera."""
    canteen = get_visible_or_404(Canteen, user, Action.VIEW, pk=canteen_id)
    _require_manager(user)
    if submission_key is not None:
        previous = Camera.objects.filter(submission_key=submission_key).first()
        if previous is not None:
            if previous.canteen_id != canteen.pk:
                raise Conflict(
                    "submission_key", _("This submission key was already used for another canteen.")
                )
            return previous, False
    now = now or timezone.now()
    camera = Camera(
        canteen=canteen,
        name=clean_text("name", name, 60),
        key_point=_key_point(key_point),
        is_public=_flag("is_public", is_public),
        enabled=_flag("enabled", enabled),
        quality_thresholds=clean_thresholds(quality_thresholds),
    )
    camera.public_from, camera.public_until = clean_public_hours(
        _time("public_from", public_from), _time("public_until", public_until)
    )
    _set_source(camera, _source_kind(source_kind), source_url, now)
    _unique_name(camera)
    with transaction.atomic():
        return create_once(Camera, submission_key, lambda: camera)


def _locked(user: AnyUser, camera_id: int) -> Camera:
    get_visible_or_404(Camera, user, Action.CHANGE, pk=camera_id)
    return Camera.objects.select_for_update().get(pk=camera_id)


def change_camera(
    user: AnyUser, camera_id: int, changes: Mapping[str, Any], now: datetime.datetime | None = None
) -> Camera:
    """Change the given fields only (a PATCH). A new source_kind without a new source_url revalidates the
    stored address against the new kind."""
    unknown = sorted(set(changes) - CHANGEABLE)
    if unknown:
        raise FieldError(unknown[0][:100], _("This field cannot be changed."))
    now = now or timezone.now()
    with transaction.atomic():
        camera = _locked(user, camera_id)
        _require_manager(user)
        if "name" in changes:
            camera.name = clean_text("name", changes["name"], 60)
            _unique_name(camera)
        if "key_point" in changes:
            camera.key_point = _key_point(changes["key_point"])
        for flag in ("is_public", "enabled"):
            if flag in changes:
                setattr(camera, flag, _flag(flag, changes[flag]))
        if "public_from" in changes or "public_until" in changes:
            camera.public_from, camera.public_until = clean_public_hours(
                _time("public_from", changes.get("public_from", camera.public_from)),
                _time("public_until", changes.get("public_until", camera.public_until)),
            )
        if "quality_thresholds" in changes:
            camera.quality_thresholds = clean_thresholds(changes["quality_thresholds"])
        kind = _source_kind(changes["source_kind"]) if "source_kind" in changes else camera.source_kind
        url = changes.get("source_url")
        if url is not None and url != "":
            _set_source(camera, kind, url, now)
        elif kind != camera.source_kind:
            try:
                current = credentials.decrypt(camera.source_secret)
            except credentials.UndecryptableSource:
                raise FieldError("source_url", _("Enter the stream address again.")) from None
            _set_source(camera, kind, current, now)
        full_save(camera)
    return camera


def set_public(
    user: AnyUser,
    camera_id: int,
    *,
    is_public: bool,
    public_from: datetime.time | None = None,
    public_until: datetime.time | None = None,
) -> Camera:
    changes = {"is_public": is_public, "public_from": public_from, "public_until": public_until}
    return change_camera(user, camera_id, changes)


def set_thresholds(user: AnyUser, camera_id: int, thresholds: Mapping[str, Any]) -> Camera:
    return change_camera(user, camera_id, {"quality_thresholds": thresholds})


def disable_camera(user: AnyUser, camera_id: int) -> Camera:
    return change_camera(user, camera_id, {"enabled": False})


def delete_camera(user: AnyUser, camera_id: int) -> None:
    """Delete the camera with its health events and measurements (the audit log keeps the deletion)."""
    with transaction.atomic():
        camera = _locked(user, camera_id)
        _require_manager(user)
        camera.delete()


def create_display_token(user: AnyUser, canteen_id: int, *, label: str) -> DisplayToken:
    """A new dining-hall display link for a canteen (its managers, its principal, its regulators)."""
    canteen = get_visible_or_404(Canteen, user, Action.VIEW, pk=canteen_id)
    _require_manager(user)
    label = clean_text("label", label, 60)
    token = DisplayToken(canteen=canteen, label=label, token=new_display_token())
    token.save()
    return token


def revoke_display_token(user: AnyUser, token_id: int, now: datetime.datetime | None = None) -> DisplayToken:
    token = get_visible_or_404(DisplayToken, user, Action.CHANGE, pk=token_id)
    _require_manager(user)
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save()
    return token


# Notices opened from health events get submission keys derived from the event: one notice per event.
EVENT_NOTICE_KEYS = uuid.UUID("6f1c3b0e-5a52-4d43-9b35-2f0b6f7f8c11")


def rectify_event(
    user: AnyUser, event_id: int, *, working_days: int = DEFAULT_WORKING_DAYS
) -> tuple[RectificationNotice, bool]:
    """(notice, created): a rectification notice to the canteen for a camera health event (offline, or a
    failing picture check), with the camera's stored snapshot as evidence when one was taken while the
    problem was there. Issued by a bureau of the canteen's jurisdiction (issue_notice checks who); a
    second request for the same event gives the same notice."""
    event = get_visible_or_404(
        CameraHealthEvent, user, Action.VIEW, related=("camera", "notice"), pk=event_id
    )
    if event.notice is not None:
        return event.notice, False
    camera = event.camera
    photos = []
    if event.kind != HealthEventKind.OFFLINE and event.ended_at is None:
        # The picture the workers stored while the problem was there; without one the notice goes out
        # without it (the event says what was measured). Never taken now: this runs in a web request.
        picture = snapshots.evidence(camera.pk, since=event.started_at)
        if picture is not None:
            photos.append(SimpleUploadedFile("snapshot.jpg", picture.jpeg, "image/jpeg"))
    since = timezone.localtime(event.started_at).strftime("%Y-%m-%d %H:%M")
    problem = Text(
        gettext_noop("Camera %(camera)s (%(point)s): %(problem)s since %(since)s."),
        {
            "camera": camera.name,
            "point": KeyPoint(camera.key_point).label,
            "problem": HealthEventKind(event.kind).label,
            "since": since,
        },
    )
    with transaction.atomic():
        notice, created = issue_notice(
            user,
            camera.canteen_id,
            problem=problem,
            source_kind=NoticeSource.CAMERA,
            source_ref=f"camera-event:{event.pk}",
            working_days=working_days,
            photos=photos,
            submission_key=uuid.uuid5(EVENT_NOTICE_KEYS, f"camera-event:{event.pk}"),
        )
        event.notice = notice
        event.save(update_fields=["notice"])
    return notice, created
