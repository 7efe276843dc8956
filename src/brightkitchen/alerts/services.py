"""Changes to alerts: the sweep that opens, keeps and closes them, and what a user does with one
(mark it read, dismiss it with a note)."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from brightkitchen.alerts.models import Alert, AlertAnswer, AlertReceipt, ClosedReason
from brightkitchen.alerts.rules import Finding, RuleFn, Severity, findings_of, registered_rules
from brightkitchen.alerts.selectors import user_pk
from brightkitchen.audit.models import AuditAction
from brightkitchen.audit.services import record
from brightkitchen.core import uploads
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.core.events import after_commit
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import Action, AnyUser, can, get_visible_or_404, scope_of
from brightkitchen.core.texts import Text
from brightkitchen.core.validation import acting_user, clean_text

logger = logging.getLogger(__name__)

_KIND_MAX, _SUBJECT_MAX, _LINK_MAX = 64, 200, 300
_CHUNK = 500  # rows per UPDATE … WHERE id IN (…), well under every database's parameter limit
NOTE_MAX = 1000
ANSWER_MAX = 2000

# What a finding becomes: (severity, message in the default language, link).
_Found = tuple[str, str, str, str, dict[str, Any]]  # severity, message, link, message id, parameters
_Key = tuple[int, str]  # (canteen id, subject key)


@dataclass
class KindResult:
    opened: int = 0
    kept: int = 0
    closed: int = 0  # resolved: the finding is gone
    cleared: int = 0  # dismissed alerts whose cause is gone (a new occurrence will alert again)
    skipped: int = 0  # malformed findings, left out and logged


@dataclass
class SweepResult:
    today: datetime.date
    by_kind: dict[str, KindResult] = field(default_factory=dict)
    failed_rules: list[str] = field(default_factory=list)
    new_alert_ids: list[int] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(r, name)) for r in self.by_kind.values())

    @property
    def opened(self) -> int:
        return self.total("opened")

    @property
    def kept(self) -> int:
        return self.total("kept")

    @property
    def closed(self) -> int:
        return self.total("closed")

    @property
    def cleared(self) -> int:
        return self.total("cleared")

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.closed or self.cleared)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "opened": self.opened,
            "kept": self.kept,
            "closed": self.closed,
            "cleared": self.cleared,
            "failed_rules": list(self.failed_rules),
            "by_kind": {kind: asdict(r) for kind, r in sorted(self.by_kind.items())},
        }


def sweep(
    today: datetime.date,
    now: datetime.datetime,
    rules: Mapping[str, RuleFn] | None = None,
    canteen_ids: Collection[int] | None = None,
) -> SweepResult:
    """Bring the alerts in line with what every rule finds today; with `canteen_ids`, the alerts of
    those canteens only (after a change to them: the rest of the platform is neither read nor touched).
    Idempotent: a second sweep with nothing changed opens and closes nothing. Each rule runs in its own
    transaction; one that raises (or returns garbage) is logged and skipped, its alerts left as they
    were, and the others go on. New alerts are delivered (alerts.notify) after their rule's transaction
    commits."""
    chosen = registered_rules() if rules is None else dict(rules)
    result = SweepResult(today=today)
    for kind, rule in sorted(chosen.items()):
        try:
            with transaction.atomic():
                counts, new_ids = _sweep_kind(kind, rule, today, now, canteen_ids)
                if new_ids:
                    after_commit(_deliver_quietly, new_ids)
        except Exception:
            logger.exception("alert rule %r failed; its alerts are left as they were", kind)
            result.failed_rules.append(kind)
            continue
        result.by_kind[kind] = counts
        result.new_alert_ids.extend(new_ids)
    if result.changed or result.failed_rules:
        # One entry for the whole sweep (the rows themselves are written in bulk, not one by one).
        record(
            AuditAction.IMPORT,
            None,
            after=result.as_dict(),
            description=f"alert sweep {today.isoformat()}: +{result.opened} -{result.closed}",
        )
    return result


def _deliver_quietly(alert_ids: Sequence[int]) -> None:
    from brightkitchen.alerts.notify import deliver

    try:
        deliver(alert_ids)
    except Exception:  # the alerts are committed; the inbox lists them whatever a channel does
        logger.exception("delivering alerts %s failed", list(alert_ids)[:20])


def _sweep_kind(
    kind: str,
    rule: RuleFn,
    today: datetime.date,
    now: datetime.datetime,
    canteen_ids: Collection[int] | None = None,
) -> tuple[KindResult, list[int]]:
    if not kind or len(kind) > _KIND_MAX:
        raise ValueError(f"alert kind must be 1 to {_KIND_MAX} characters: {kind!r}")
    counts = KindResult()
    with translation.override(settings.LANGUAGE_CODE):  # stored in the default language
        found = _clean_findings(kind, findings_of(kind, rule, today, canteen_ids), counts)
    alerts = Alert.objects.filter(kind=kind)
    if canteen_ids is not None:
        wanted = set(canteen_ids)
        found = {key: value for key, value in found.items() if key[0] in wanted}
        alerts = alerts.filter(canteen_id__in=sorted(wanted))

    open_rows = {
        (canteen, subject): (pk, severity, message, link, message_id, message_args)
        for pk, canteen, subject, severity, message, link, message_id, message_args in alerts.filter(
            closed_at__isnull=True
        ).values_list(
            "pk", "canteen_id", "subject_key", "severity", "message", "link", "message_id", "message_args"
        )
    }
    dismissed = {
        (canteen, subject): pk
        for pk, canteen, subject in alerts.filter(
            closed_at__isnull=False, resolved_at__isnull=True
        ).values_list("pk", "canteen_id", "subject_key")
    }

    new_keys = [key for key in found if key not in open_rows and key not in dismissed]
    new_ids = _open(kind, new_keys, found, now)
    counts.opened = len(new_ids)

    kept = [key for key in found if key in open_rows]
    counts.kept = len(kept)
    changed = [
        Alert(
            pk=open_rows[key][0],
            severity=found[key][0],
            message=found[key][1],
            link=found[key][2],
            message_id=found[key][3],
            message_args=found[key][4],
        )
        for key in kept
        if open_rows[key][1:] != found[key]
    ]
    if changed:
        for alert in changed:
            alert.last_seen_at = now
        Alert.objects.bulk_update(
            changed,
            ["severity", "message", "link", "message_id", "message_args", "last_seen_at"],
            batch_size=_CHUNK,
        )
    unchanged = {open_rows[key][0] for key in kept} - {a.pk for a in changed}
    still_dismissed = [pk for key, pk in dismissed.items() if key in found]
    _update(Alert.objects.filter(closed_at__isnull=True), unchanged, last_seen_at=now)
    _update(Alert.objects.all(), still_dismissed, last_seen_at=now)

    gone = [row[0] for key, row in open_rows.items() if key not in found]
    counts.closed = _update(
        Alert.objects.filter(closed_at__isnull=True),  # not one a user dismissed meanwhile
        gone,
        closed_at=now,
        closed_reason=ClosedReason.RESOLVED,
        resolved_at=now,
    )
    cleared = [pk for key, pk in dismissed.items() if key not in found]
    counts.cleared = _update(Alert.objects.filter(resolved_at__isnull=True), cleared, resolved_at=now)
    return counts, new_ids


def _clean_findings(kind: str, findings: Iterable[Finding], counts: KindResult) -> dict[_Key, _Found]:
    """The rule's findings keyed by cause; malformed ones (and ones naming no canteen) are logged and
    left out rather than failing the whole rule. A cause found twice keeps its last finding."""
    found: dict[_Key, _Found] = {}
    severities = {s.value for s in Severity}
    for f in findings:
        ok = (
            isinstance(f, Finding)
            and type(f.canteen_id) is int
            and isinstance(f.subject_key, str)
            and 0 < len(f.subject_key) <= _SUBJECT_MAX
            and str(f.severity) in severities
            and isinstance(f.link, str)
            and len(f.link) <= _LINK_MAX
        )
        if not ok:
            counts.skipped += 1
            continue
        message = str(f.message).replace("\x00", "")
        if isinstance(f.message, Text):
            message_id, message_args = f.message.msgid, f.message.stored_params()
        else:
            message_id, message_args = "", {}
        found[(f.canteen_id, f.subject_key)] = (str(f.severity), message, f.link, message_id, message_args)
    if found:
        from brightkitchen.schools.models import Canteen

        named = {canteen for canteen, _ in found}
        known = set(Canteen.objects.filter(pk__in=sorted(named)).values_list("pk", flat=True))
        for key in [k for k in found if k[0] not in known]:
            del found[key]
            counts.skipped += 1
    if counts.skipped:
        logger.warning("alert rule %r: %d malformed findings left out", kind, counts.skipped)
    return found


def _open(kind: str, keys: list[_Key], found: dict[_Key, _Found], now: datetime.datetime) -> list[int]:
    if not keys:
        return []
    Alert.objects.bulk_create(
        [
            Alert(
                kind=kind,
                canteen_id=canteen,
                subject_key=subject,
                severity=found[(canteen, subject)][0],
                message=found[(canteen, subject)][1],
                link=found[(canteen, subject)][2],
                message_id=found[(canteen, subject)][3],
                message_args=found[(canteen, subject)][4],
                opened_at=now,
                last_seen_at=now,
            )
            for canteen, subject in keys
        ],
        batch_size=_CHUNK,
        # A concurrent sweep that opened the same cause first wins (the partial unique constraint).
        ignore_conflicts=True,
    )
    wanted = set(keys)
    rows = Alert.objects.filter(kind=kind, opened_at=now, closed_at__isnull=True).values_list(
        "pk", "canteen_id", "subject_key"
    )
    return sorted(pk for pk, canteen, subject in rows if (canteen, subject) in wanted)


def _update(qs: Any, ids: Iterable[int], **values: Any) -> int:
    ids = list(ids)
    done = 0
    for start in range(0, len(ids), _CHUNK):
        done += qs.filter(pk__in=ids[start : start + _CHUNK]).update(**values)
    return done


# --- What a user does with an alert ----------------------------------------------------------------------


@transaction.atomic
def mark_read(user: AnyUser, alert: Alert) -> AlertReceipt:
    """The user has read the alert (idempotent: the first reading time stays)."""
    if not can(user, Action.VIEW, alert):
        raise PermissionDenied
    now, uid = timezone.now(), user_pk(user)
    receipt = AlertReceipt.objects.filter(alert=alert, user_id=uid).first()
    if receipt is None:
        try:
            with transaction.atomic():
                receipt = AlertReceipt.objects.create(alert=alert, user_id=uid, read_at=now)
        except IntegrityError:  # delivered or read concurrently
            receipt = AlertReceipt.objects.get(alert=alert, user_id=uid)
    if receipt.read_at is None:
        receipt.read_at = now
        receipt.save(update_fields=["read_at", "updated_at"])
    return receipt


@transaction.atomic
def dismiss(user: AnyUser, alert: Alert, note: str) -> Alert:
    """Close an open alert by hand, saying why: the regulator's decision (ALERT_DISMISS_ROLES), never the
    audited party's, who answers instead (`answer`). The same user resubmitting gets the alert back
    unchanged."""
    if not can(user, Action.CHANGE, alert):
        raise PermissionDenied
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.closed_at is not None:
        if locked.closed_reason == ClosedReason.DISMISSED and locked.closed_by_id == user_pk(user):
            return locked
        raise Conflict("state", _("This alert is already closed."))
    note = (note or "").strip()
    if not note:
        raise FieldError("note", _("Say why the alert is dismissed."), code="required")
    if len(note) > NOTE_MAX:
        raise FieldError("note", _("The note is too long."), code="too_long")
    locked.closed_at = timezone.now()
    locked.closed_reason = ClosedReason.DISMISSED
    locked.closed_by_id = user_pk(user)
    locked.close_note = note
    locked.save()
    return locked


def answer(
    user: AnyUser,
    alert_id: int,
    text: str,
    *,
    photo: UploadedFile[bytes] | None = None,
    submission_key: uuid.UUID | None = None,
) -> tuple[AlertAnswer, bool]:
    """The audited party's answer to an open alert (ALERT_ANSWER_ROLES: the canteen's manager, the
    principal): what was done, or why it does not hold, with an optional photo. The alert stays open for
    the regulator to close, or for the sweep once its cause is gone. (answer, created); a resubmit with
    the same key gives the first answer back."""
    alert = get_visible_or_404(Alert, user, Action.VIEW, pk=alert_id)
    if not AlertAnswer.scope_rule.allows(scope_of(user).role, Action.CHANGE):
        raise PermissionDenied
    text = clean_text("text", text, ANSWER_MAX)
    if not text:
        raise FieldError("text", _("Say what was done, or why the alert does not hold."), code="required")
    existing = AlertAnswer.objects.filter(submission_key=submission_key).first() if submission_key else None
    if existing is not None:
        if existing.alert_id != alert.pk:  # a key sent with another alert's answer never answers this one
            raise Conflict(
                "submission_key", _("This form was already used for another alert; reload the page.")
            )
        return existing, False
    if not alert.is_open:
        raise Conflict("state", _("This alert is already closed."))
    stored: list[uploads.StoredFile] = []

    def build() -> AlertAnswer:
        if photo is not None:
            stored.append(uploads.store_photo(photo, "photo", "alerts"))
        picture = stored[0] if stored else None
        return AlertAnswer(
            alert=alert,
            text=text,
            photo=picture.path if picture else "",
            thumbnail=picture.thumbnail if picture else "",
            answered_by=acting_user(user),
            answered_at=timezone.now(),
        )

    with uploads.removed_on_error(stored), transaction.atomic():
        return create_once(AlertAnswer, submission_key, build)
