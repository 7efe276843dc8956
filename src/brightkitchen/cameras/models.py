"""Kitchen cameras (明厨亮灶): each camera of a canteen is tagged with the key point (重点点位) it films,
has a source (an RTSP or HTTP stream; GB/T 28181 devices later) whose address is kept encrypted, optional
public viewing hours, and its latest health as written by the health sweep (status, last frame, stream
parameters, clarity). Health problems are kept as events that open and close; every quality check result
is kept with its measured value so the thresholds can be tuned later."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, submission_key_field
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopedModel, ScopeRule

# Who adds, changes and deletes cameras: the canteen's manager, its school's principal and the
# market-supervision regulators of the jurisdiction (operators always may).
MANAGER_ROLES = frozenset({Role.OPERATOR, Role.REGULATOR, Role.PRINCIPAL, Role.CANTEEN_MANAGER})


class KeyPoint(models.TextChoices):
    STOREROOM = "storeroom", _("Storeroom")
    ROUGH_PROCESSING = "rough_processing", _("Rough processing")
    CUTTING = "cutting", _("Cutting")
    COOKING = "cooking", _("Cooking")
    SPECIAL_ROOM = "special_room", _("Special room")
    DISH_WASHING = "dish_washing", _("Dish washing and disinfection")
    SERVING_SAMPLING = "serving_sampling", _("Serving and sample retention")
    OTHER = "other", _("Other")


# The key points every canteen must film (key-point coverage counts these, per canteen).
REQUIRED_KEY_POINTS: tuple[KeyPoint, ...] = tuple(p for p in KeyPoint if p != KeyPoint.OTHER)


class SourceKind(models.TextChoices):
    RTSP = "rtsp", _("RTSP stream")
    HTTP = "http", _("HTTP stream")
    # Devices that register to the platform (GB/T 28181); reserved, refused until its part is built.
    GB28181 = "gb28181", _("GB/T 28181 device")


class CameraStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")


class QualityCheck(models.TextChoices):
    BLUR = "blur", _("Blur")
    DARK = "dark", _("Too dark")
    BRIGHT = "bright", _("Too bright")
    COLOUR_CAST = "colour_cast", _("Colour cast")
    NOISE = "noise", _("Noise")
    FROZEN = "frozen", _("Frozen picture")
    OCCLUSION = "occlusion", _("Occlusion")
    SCENE_CHANGE = "scene_change", _("Scene change")
    SIGNAL_LOSS = "signal_loss", _("Signal loss")


class HealthEventKind(models.TextChoices):
    OFFLINE = "offline", _("Offline")
    BLUR = "blur", _("Blur")
    DARK = "dark", _("Too dark")
    BRIGHT = "bright", _("Too bright")
    COLOUR_CAST = "colour_cast", _("Colour cast")
    NOISE = "noise", _("Noise")
    FROZEN = "frozen", _("Frozen picture")
    OCCLUSION = "occlusion", _("Occlusion")
    SCENE_CHANGE = "scene_change", _("Scene change")
    SIGNAL_LOSS = "signal_loss", _("Signal loss")


class OfflineCause(models.TextChoices):
    """Why an offline camera cannot be watched: each asks for something else at the school."""

    UNREACHABLE = "unreachable", _("No route or no answer")
    REFUSED = "refused", _("Connection refused")
    STALLED = "stalled", _("Connected, no picture")
    CREDENTIALS = "credentials", _("User name or password refused")
    NOT_FOUND = "not_found", _("No stream at this address")
    NOT_A_STREAM = "not_a_stream", _("Not a video stream")
    UNSUPPORTED_CODEC = "unsupported_codec", _("Unsupported video encoding")
    ENDED = "ended", _("Stream stopped")
    POLICY = "policy", _("Address not allowed")
    OTHER = "other", _("Other")


# Public viewing hours are the school's local hours.
PUBLIC_HOURS_ZONE = ZoneInfo("Asia/Shanghai")


def public_now_q(now: datetime.datetime | None = None, prefix: str = "") -> Q:
    """The cameras the public may watch now: enabled, public, and inside their public hours (both
    blank: always; hours whose end is before their start span midnight, 22:00–06:00)."""
    t = (now or timezone.now()).astimezone(PUBLIC_HOURS_ZONE).time().replace(tzinfo=None)
    start, end = f"{prefix}public_from", f"{prefix}public_until"
    always = Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True})
    same_day = Q(**{f"{start}__lt": F(end), f"{start}__lte": t, f"{end}__gt": t})
    across = Q(**{f"{start}__gt": F(end)}) & (Q(**{f"{start}__lte": t}) | Q(**{f"{end}__gt": t}))
    return Q(**{f"{prefix}is_public": True, f"{prefix}enabled": True}) & (always | same_day | across)


def open_offline_q() -> Q:
    """What the public offline exposure board (不在线学校食堂曝光台) shows: the open offline events of
    enabled cameras now offline (names and times; never a source)."""
    return Q(
        kind=HealthEventKind.OFFLINE,
        ended_at__isnull=True,
        camera__enabled=True,
        camera__status=CameraStatus.OFFLINE,
    )


def _rule(prefix: str, public: Callable[[], Q] | None = None) -> ScopeRule:
    return ScopeRule(
        region=f"{prefix}canteen__school__organisation__region__code",
        school=f"{prefix}canteen__school_id",
        canteen=f"{prefix}canteen_id",
        change_roles=MANAGER_ROLES,
        public=public,
    )


# Health fields the sweep rewrites on every probe: noise in the audit log, so left out of it.
HEALTH_FIELDS = frozenset(
    {
        "status",
        "last_frame_at",
        "last_probe_at",
        "codec",
        "width",
        "height",
        "fps",
        "bitrate_kbps",
        "clarity_ok",
    }
)


class Camera(AuditedModel):
    canteen = models.ForeignKey(
        "schools.Canteen", verbose_name=_("canteen"), on_delete=models.CASCADE, related_name="cameras"
    )
    name = models.CharField(_("name"), max_length=60)
    key_point = models.CharField(_("key point"), max_length=20, choices=KeyPoint.choices)
    source_kind = models.CharField(_("source kind"), max_length=10, choices=SourceKind.choices)
    # The source address (with any user name and password) encrypted with Fernet (cameras.credentials);
    # never sent to a browser or the API, never logged.
    source_secret = models.TextField(_("encrypted source"), editable=False)
    # The address with credentials and query hidden (rtsp://***@host:554/path), for pages and logs.
    display_url = models.CharField(_("source"), max_length=1000)
    # When the source last changed: the audit log shows a changed password through this, not the secret.
    source_changed_at = models.DateTimeField(_("source changed at"), null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    public_from = models.TimeField(_("public from"), null=True, blank=True)
    public_until = models.TimeField(_("public until"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    # Per-camera overrides of the quality thresholds: {check key: threshold}.
    quality_thresholds = models.JSONField(_("quality thresholds"), default=dict, blank=True)
    submission_key = submission_key_field()

    # The latest health, written by the health sweep.
    status = models.CharField(
        _("status"), max_length=8, choices=CameraStatus.choices, default=CameraStatus.UNKNOWN
    )
    last_frame_at = models.DateTimeField(_("last frame at"), null=True, blank=True)
    last_probe_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    codec = models.CharField(_("codec"), max_length=20, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    fps = models.FloatField(_("frames per second"), null=True, blank=True)
    bitrate_kbps = models.PositiveIntegerField(_("bitrate (kbit/s)"), null=True, blank=True)
    clarity_ok = models.BooleanField(_("clarity compliant"), null=True, blank=True)
    # The health sweep: which worker holds the camera's probe until when (one probe at a time per camera
    # across every worker machine), and the picture the scene-change check compares with (a small JPEG).
    probe_lease_until = models.DateTimeField(_("probe lease until"), null=True, blank=True, editable=False)
    reference_jpeg = models.BinaryField(_("reference picture"), null=True, blank=True, editable=False)

    objects = ScopedManager()
    scope_rule = _rule("", public=public_now_q)
    audit_exclude = frozenset(
        {"created_at", "updated_at", "source_secret", "probe_lease_until", "reference_jpeg", *HEALTH_FIELDS}
    )

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["canteen_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["canteen", "name"], name="camera_unique_name_per_canteen"),
        ]
        indexes = [models.Index(fields=["enabled", "status"], name="camera_enabled_status")]

    def __str__(self) -> str:
        return self.name


class CameraHealthEvent(AuditedModel):
    """A span during which a camera was offline or failed one quality check; open while ended_at is null."""

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.CASCADE, related_name="health_events"
    )
    kind = models.CharField(_("problem"), max_length=16, choices=HealthEventKind.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    value = models.FloatField(_("measured value"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    # Offline: why (updated while the event is open, as the cause changes); a picture problem decided from
    # several signals (occlusion, too dark, too bright): the signal that decided.
    cause = models.CharField(_("cause"), max_length=20, choices=OfflineCause.choices, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=20, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    # The rectification notice a regulator opened for this event (cameras.services.rectify_event).
    notice = models.ForeignKey(
        "rectifications.RectificationNotice",
        verbose_name=_("rectification notice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()
    scope_rule = _rule("camera__", public=open_offline_q)

    class Meta:
        verbose_name = _("camera health event")
        verbose_name_plural = _("camera health events")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["camera", "kind"],
                condition=models.Q(ended_at__isnull=True),
                name="camera_health_one_open_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "started_at"], name="camera_health_kind_started")]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def advice(self) -> str:
        """What was found, with its value and threshold, and what the school should do."""
        from brightkitchen.cameras.diagnosis import advice  # the texts live with the verdicts

        return advice(self.kind, self.cause, self.value, self.threshold, self.decided_by)


class QualityMeasurement(ScopedModel):
    """One quality check's result on one probe, with its measured value and the threshold it was held to.
    Machine readings written in bulk by the sweep, not changes anyone makes: not in the audit log."""

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.CASCADE, related_name="measurements"
    )
    measured_at = models.DateTimeField(_("measured at"))
    check_key = models.CharField(_("check"), max_length=16, choices=QualityCheck.choices)
    value = models.FloatField(_("measured value"))
    threshold = models.FloatField(_("threshold"))
    passed = models.BooleanField(_("passed"))

    objects = ScopedManager()
    scope_rule = _rule("camera__")

    class Meta:
        verbose_name = _("quality measurement")
        verbose_name_plural = _("quality measurements")
        ordering = ["-measured_at", "-id"]
        indexes = [models.Index(fields=["camera", "measured_at"], name="camera_quality_camera_at")]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.check_key} {self.value:g}"


class CameraSnapshot(ScopedModel):
    """The camera's latest picture as a worker took it (cameras.snapshots): pages serve it with its age
    and never open the camera themselves. One row per camera, rewritten by every probe; machine-written,
    so not in the audit log."""

    camera = models.OneToOneField(
        Camera, verbose_name=_("camera"), on_delete=models.CASCADE, primary_key=True, related_name="snapshot"
    )
    jpeg = models.BinaryField(_("picture"), null=True, blank=True, editable=False)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    # When a worker last tried (a try after `taken_at` gave no picture), and when a page last asked for
    # a new one: pages ask at most once per camera per interval, however many are open.
    attempted_at = models.DateTimeField(_("last tried at"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)

    objects = ScopedManager()
    scope_rule = _rule("camera__")

    class Meta:
        verbose_name = _("camera snapshot")
        verbose_name_plural = _("camera snapshots")

    def __str__(self) -> str:
        return f"{self.camera_id} {self.taken_at}"


# Display links carry 32 random bytes from `secrets` (256 bits, URL-safe base64: 43 characters); guessing
# needs at least 128 bits to be hopeless, and the guesses are throttled per address besides
# (cameras.views.display).
DISPLAY_TOKEN_BYTES = 32


def new_display_token() -> str:
    return secrets.token_urlsafe(DISPLAY_TOKEN_BYTES)


class DisplayToken(AuditedModel):
    """Opens a canteen's dining-hall display (就餐区显示屏) without signing in: the screen's browser keeps
    the link. Whoever manages the canteen's cameras makes and revokes them; a revoked link stops at once."""

    canteen = models.ForeignKey(
        "schools.Canteen", verbose_name=_("canteen"), on_delete=models.CASCADE, related_name="display_tokens"
    )
    label = models.CharField(_("screen"), max_length=60)
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ScopedManager()
    scope_rule = _rule("")
    audit_exclude = frozenset({"created_at", "updated_at", "token"})

    class Meta:
        verbose_name = _("display link")
        verbose_name_plural = _("display links")
        ordering = ["canteen", "-id"]

    def __str__(self) -> str:
        return self.label
