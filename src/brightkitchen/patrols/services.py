"""Changes of online patrols: making a month's plan (with its quota split over the counties), drawing
the canteens, and recording a patrol whose findings open rectification notices. Each is one
transaction; creating a plan twice, drawing twice or resubmitting a patrol changes nothing twice."""

from __future__ import annotations

import datetime
import random
import secrets
import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from brightkitchen.cameras import selectors as camera_selectors
from brightkitchen.cameras import snapshots
from brightkitchen.cameras import tasks as camera_tasks
from brightkitchen.cameras.models import Camera, KeyPoint
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.events import after_commit
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.texts import Text
from brightkitchen.core.uploads import StoredFile, removed_on_error, store_photo
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.patrols.checklist import BY_CODE
from brightkitchen.patrols.models import (
    AssignmentState,
    PatrolAssignment,
    PatrolFinding,
    PatrolPlan,
    PatrolQuota,
    PatrolRecord,
)
from brightkitchen.rectifications.models import DEFAULT_WORKING_DAYS, MAX_WORKING_DAYS, NoticeSource
from brightkitchen.rectifications.services import issue_notice
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import Canteen, RiskGrade

# Draw weight of a canteen by its risk grade: a grade-D canteen is four times as likely as a grade-A one
# to be drawn first (Efraimidis–Spirakis keys u ** (1 / weight)).
RISK_WEIGHTS: dict[str, int] = {RiskGrade.A: 1, RiskGrade.B: 2, RiskGrade.C: 3, RiskGrade.D: 4}
DEFAULT_WEIGHT = RISK_WEIGHTS[RiskGrade.B]
COUNTY_CODE_LENGTH = 6  # 14 → 1407 → 140702 → 140702001: strata are counties
CITY_CODE_LENGTH = 4
MAX_SEED = 2**63 - 1
MAX_QUOTA = 1_000_000
MAX_FINDING_NOTE = 1000


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def split_quota(quota: int, counts: Mapping[str, int]) -> dict[str, int]:
    """Each county's share of `quota`, proportional to its canteens (`counts`), by largest remainder:
    every county gets the whole part of its exact share, and the places left go to the largest
    remainders, ties to the lower region code. Exact integer arithmetic, so the same counts always give
    the same split; the shares sum to `quota` and none exceeds its county's count (0 < quota ≤ total)."""
    total = sum(counts.values())
    if not 0 <= quota <= total:
        raise ValueError("quota must lie between 0 and the number of canteens")
    if total == 0:
        return dict.fromkeys(counts, 0)
    shares = {code: quota * n // total for code, n in counts.items()}
    left = quota - sum(shares.values())
    by_remainder = sorted(counts, key=lambda code: (-(quota * counts[code] % total), code))
    for code in by_remainder[:left]:
        shares[code] += 1  # its remainder is positive, so its exact share was below its count
    return shares


def weighted_sample(items: Sequence[tuple[int, int]], k: int, rng: random.Random) -> list[tuple[int, int]]:
    """k of the (id, weight) `items` without replacement, each drawn with probability proportional to
    its weight among those left (Efraimidis–Spirakis: the k largest keys u ** (1 / weight)). `items`
    must come in a fixed order (by id) so the same generator state gives the same sample. In rank order."""
    keyed = [(rng.random() ** (1.0 / weight), item_id, weight) for item_id, weight in items]
    keyed.sort(key=lambda row: (-row[0], row[1]))
    return [(item_id, weight) for _key, item_id, weight in keyed[:k]]


def _county_of(region_code: str, strata: Collection[str]) -> str:
    """The stratum of a school's region: its county; in a city without counties (东莞, 中山) the town
    right under the city, which stands at county level there."""
    county = region_code[:COUNTY_CODE_LENGTH]
    return county if county in strata else region_code


def canteens_per_county(region_code: str) -> dict[str, int]:
    """Canteens of a region per county (per city for a city without counties), in one grouped query.
    Every canteen counts as active: a canteen has no status field; one that closes is deleted."""
    path = "school__organisation__region__code"
    rows = (
        Canteen.objects.filter(**{f"{path}__startswith": region_code})
        .values(code=F(path))
        .order_by()
        .annotate(n=Count("pk"))
    )
    counts = {row["code"]: row["n"] for row in rows}
    prefixes = {code[:COUNTY_CODE_LENGTH] for code in counts}
    counties = set(Region.objects.filter(code__in=prefixes).values_list("code", flat=True))
    result: dict[str, int] = {}
    for code, n in counts.items():
        stratum = _county_of(code, counties)
        result[stratum] = result.get(stratum, 0) + n
    return result


def _planner(user: AnyUser) -> tuple[int, str]:
    """(organisation id, region code) of a market-supervision regulator; anyone else is refused."""
    if scope_of(user).role != Role.REGULATOR:
        raise PermissionDenied
    actor = acting_user(user)
    if actor is None or actor.organisation is None:
        raise PermissionDenied
    return actor.organisation.pk, actor.organisation.region_id


def _quota(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUOTA:
        raise FieldError("quota", _("Give a quota of at least 1 canteen."))
    return value


def _seed(value: int | None) -> int:
    if value is None:
        return secrets.randbits(48)  # fits a JavaScript number, so the seed shows exactly everywhere
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise FieldError("seed", _("The seed is a whole number from 0 to 9223372036854775807."))
    return value


def create_plan(
    user: AnyUser, *, period: datetime.date, quota: int, seed: int | None = None
) -> tuple[PatrolPlan, bool]:
    """(plan, created). A regulator's plan for the month of `period` over its whole region, with the
    quota split over the region's counties. One plan per organisation and month: a second call returns
    the first plan unchanged."""
    organisation_id, region_code = _planner(user)
    if not isinstance(period, datetime.date):
        raise FieldError("period", _("Choose the month of the plan."))
    period = month_start(period)
    existing = PatrolPlan.objects.filter(organisation_id=organisation_id, period=period).first()
    if existing is not None:
        return existing, False
    quota = _quota(quota)
    seed = _seed(seed)
    counts = canteens_per_county(region_code)
    total = sum(counts.values())
    if quota > total:
        raise FieldError(
            "quota",
            _("The quota is more than the %(n)s canteens of the region.") % {"n": total},
            code="too_large",
        )
    shares = split_quota(quota, counts)
    plan = PatrolPlan(
        organisation_id=organisation_id,
        region_id=region_code,
        period=period,
        quota=quota,
        seed=seed,
        created_by=acting_user(user),
    )
    try:
        with transaction.atomic():
            plan.save()
            for county in sorted(counts):  # one row per county (a province has about a hundred)
                PatrolQuota(
                    plan=plan,
                    county_id=county,
                    city_id=county[:CITY_CODE_LENGTH],
                    canteens=counts[county],
                    quota=shares[county],
                ).save()
    except IntegrityError:
        # A concurrent request made the same month's plan first: return it, as a resubmit would get.
        first = PatrolPlan.objects.filter(organisation_id=organisation_id, period=period).first()
        if first is None:
            raise
        return first, False
    return plan, True


def draw(user: AnyUser, plan_id: int, *, now: datetime.datetime | None = None) -> tuple[PatrolPlan, bool]:
    """(plan, drawn now). Draw each county's quota of canteens from the canteens of the plan's region:
    weighted by risk grade, without replacement, with `random.Random(f"{seed}:{county}")` over the
    county's canteens in id order, so the plan's seed always gives the same canteens. A plan is drawn
    once; drawing again returns it unchanged. One query for the canteens, one bulk insert."""
    plan = get_visible_or_404(PatrolPlan, user, Action.CHANGE, pk=plan_id)
    actor = acting_user(user)
    if scope_of(user).role != Role.OPERATOR and (
        actor is None or actor.organisation_id != plan.organisation_id
    ):
        raise FieldPermissionDenied("plan", _("Only the organisation that made the plan draws it."))
    with transaction.atomic():
        plan = PatrolPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.drawn_at is not None:
            return plan, False
        quotas = dict(PatrolQuota.objects.filter(plan=plan).values_list("county_id", "quota"))
        strata: dict[str, list[tuple[int, int]]] = defaultdict(list)
        rows = (
            Canteen.objects.filter(school__organisation__region__code__startswith=plan.region_id)
            .order_by("pk")
            .values_list("pk", "risk_grade", "school__organisation__region_id")
        )
        for canteen_id, grade, region_code in rows:
            weight = RISK_WEIGHTS.get(grade, DEFAULT_WEIGHT)
            strata[_county_of(region_code, quotas)].append((canteen_id, weight))
        assignments: list[PatrolAssignment] = []
        for county in sorted(quotas):
            rng = random.Random(f"{plan.seed}:{county}")
            # A canteen closed since the plan was made leaves the stratum smaller than its quota.
            chosen = weighted_sample(strata.get(county, []), quotas[county], rng)
            assignments.extend(
                PatrolAssignment(plan=plan, canteen_id=canteen_id, county_id=county, weight=weight, rank=rank)
                for rank, (canteen_id, weight) in enumerate(chosen, start=1)
            )
        PatrolAssignment.objects.bulk_create(assignments, batch_size=1000)
        plan.drawn_at = now or timezone.now()
        plan.drawn_by = actor
        plan.save()  # the audited summary of the draw: who and when; the seed reproduces the rest
    return plan, True


@dataclass(frozen=True)
class FindingInput:
    """One ticked checklist item of a patrol, with its evidence: an uploaded `snapshot`, or `camera`
    (the id of one of the canteen's cameras) for that camera's current picture as the workers stored it."""

    item: str
    note: str = ""
    snapshot: UploadedFile[bytes] | None = None
    open_notice: bool = True
    camera: int | None = None


@dataclass(frozen=True)
class CameraPicture:
    """A finding's evidence taken from a camera: the camera, its stored picture and when it was taken."""

    camera: Camera
    evidence: snapshots.Evidence

    def upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(f"camera-{self.camera.pk}.jpg", self.evidence.jpeg, "image/jpeg")

    def caption_params(self) -> dict[str, Any]:
        return {
            "camera": self.camera.name,
            "point": KeyPoint(self.camera.key_point).label,
            "taken": timezone.localtime(self.evidence.taken_at).strftime("%Y-%m-%d %H:%M:%S"),
        }


def _working_days(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WORKING_DAYS:
        raise FieldError("working_days", _("Give between 1 and 60 working days."))
    return value


def _check_findings(findings: Sequence[FindingInput]) -> list[FindingInput]:
    """The findings in checklist order, each with a known item, a snapshot and a note within bounds."""
    seen: set[str] = set()
    for finding in findings:
        if finding.item not in BY_CODE:
            raise FieldError("items", _("Unknown checklist item: %(code)s") % {"code": finding.item[:40]})
        if finding.item in seen:
            raise FieldError("items", _("A checklist item is given twice: %(code)s") % {"code": finding.item})
        seen.add(finding.item)
        required = finding.item == "other"  # "other" says nothing without its note
        clean_text(f"note_{finding.item}", finding.note, MAX_FINDING_NOTE, required=required)
        if finding.camera is not None and finding.snapshot is not None:
            raise FieldError(
                f"camera_{finding.item}",
                _("Give either a camera's picture or a file for this finding, not both."),
            )
        if finding.snapshot is None and finding.camera is None:
            raise FieldError(
                f"snapshot_{finding.item}",
                _("Add a snapshot for this finding, or take a camera's current picture."),
                code="required",
            )
    order = list(BY_CODE)
    return sorted(findings, key=lambda f: order.index(f.item))


def notice_key(record_key: uuid.UUID, item: str) -> uuid.UUID:
    """The submission key of the notice a finding opens: the same record and item give the same key, so a
    resubmitted patrol can never open a notice twice."""
    return uuid.uuid5(record_key, f"patrol-finding:{item}")


# A finding's notice, by whether it has a note and a camera's picture: whole sentences for translators.
_PROBLEMS = {
    (False, False): gettext_noop("Online patrol: %(item)s"),
    (True, False): gettext_noop("Online patrol: %(item)s: %(note)s"),
    (False, True): gettext_noop(
        "Online patrol: %(item)s\nPicture of camera %(camera)s (%(point)s), taken at %(taken)s."
    ),
    (True, True): gettext_noop(
        "Online patrol: %(item)s: %(note)s\nPicture of camera %(camera)s (%(point)s), taken at %(taken)s."
    ),
}


def _problem(finding: FindingInput, picture: CameraPicture | None = None) -> Text:
    note = finding.note.strip()
    params: dict[str, Any] = {"item": BY_CODE[finding.item].text}
    if note:
        params["note"] = note
    if picture is not None:
        params |= picture.caption_params()
    return Text(_PROBLEMS[bool(note), picture is not None], params)


def _camera_pictures(
    user: AnyUser, canteen_id: int, findings: Sequence[FindingInput], now: datetime.datetime
) -> dict[str, CameraPicture]:
    """The stored picture of each finding's chosen camera, which must be a camera of the patrolled
    canteen that the user may see (else 400 naming `camera_<item>`). Nothing is taken now: a picture
    older than snapshots.INTERVAL_S is used with its time, and a new one asked for (once per camera per
    interval) for the next finding; a camera without any picture yet is refused with 400 (the picture
    is asked for, so the patrol can be sent again in a few seconds)."""
    chosen = [f for f in findings if f.camera is not None]
    if not chosen:
        return {}
    ids = {f.camera for f in chosen if isinstance(f.camera, int) and 0 < f.camera < 2**63}
    cameras = {
        camera.pk: camera
        for camera in camera_selectors.cameras_for(user).filter(pk__in=ids, canteen_id=canteen_id)
    }
    pictures: dict[str, CameraPicture] = {}
    for finding in chosen:
        field = f"camera_{finding.item}"
        camera = cameras.get(finding.camera) if isinstance(finding.camera, int) else None
        if camera is None:
            raise FieldError(
                field, _("Choose one of the patrolled canteen's cameras."), code="invalid_choice"
            )
        picture = snapshots.evidence(camera.pk)
        if picture is None or now - picture.taken_at >= datetime.timedelta(seconds=snapshots.INTERVAL_S):
            if camera.enabled and snapshots.request(camera.pk, None, now):
                after_commit(camera_tasks.take_snapshot.delay, camera.pk)
        if picture is None and not camera.enabled:
            raise FieldError(
                field,
                _("Camera %(camera)s is switched off and has no picture; add a file.")
                % {"camera": camera.name},
                code="no_picture",
            )
        if picture is None:
            raise FieldError(
                field,
                _(
                    "Camera %(camera)s has no picture yet; it is being taken. Send the patrol again "
                    "in a few seconds, or add a file."
                )
                % {"camera": camera.name},
                code="pending",
            )
        pictures[finding.item] = CameraPicture(camera, picture)
    return pictures


def submit_patrol(
    user: AnyUser,
    assignment_id: int,
    *,
    findings: Sequence[FindingInput] = (),
    note: str = "",
    working_days: int = DEFAULT_WORKING_DAYS,
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[PatrolRecord, bool]:
    """(record, created). A regulator records the patrol of a drawn canteen: the assignment is done, each
    finding keeps its snapshot, and each finding with `open_notice` opens a rectification notice to the
    canteen (the snapshot as its evidence, and on a camera's picture which camera and when) in the same
    transaction. A finding's evidence is an uploaded file or a camera's stored picture (`camera`, see
    _camera_pictures). A resubmit with the same submission_key returns the first record and changes
    nothing."""
    found = get_visible_or_404(PatrolAssignment, user, Action.CHANGE, pk=assignment_id)
    if scope_of(user).role != Role.REGULATOR:
        raise PermissionDenied  # notices are issued by a bureau; an operator has none
    key = submission_key or uuid.uuid4()
    now = now or timezone.now()
    pictures: dict[str, CameraPicture] = {}
    if not PatrolRecord.objects.filter(submission_key=key).exists():
        # Read before the transaction, so a picture asked for on a refusal is still asked for.
        pictures = _camera_pictures(user, found.canteen_id, _check_findings(findings), now)
    stored: list[StoredFile] = []
    with removed_on_error(stored), transaction.atomic():
        assignment = PatrolAssignment.objects.select_for_update().get(pk=assignment_id)
        previous = PatrolRecord.objects.filter(submission_key=key).first()
        if previous is not None:
            if previous.assignment_id != assignment.pk:
                raise Conflict(
                    "submission_key", _("This submission key was already used for another patrol.")
                )
            return previous, False
        if assignment.state == AssignmentState.DONE:
            raise Conflict("assignment", _("This canteen was already patrolled for this plan."))
        note = clean_text("note", note, 2000, required=False)
        ordered = _check_findings(findings)
        if any(f.open_notice for f in ordered):
            working_days = _working_days(working_days)
        folder = f"patrols/{assignment.canteen_id}"
        # Store (and so check) every snapshot before writing anything.
        uploads: list[UploadedFile[bytes]] = []
        for finding in ordered:
            picture = pictures.get(finding.item)
            upload = picture.upload() if picture is not None else finding.snapshot
            assert upload is not None  # _check_findings refused a finding without either
            uploads.append(upload)
            field = f"camera_{finding.item}" if picture is not None else f"snapshot_{finding.item}"
            stored.append(store_photo(upload, field, folder))
        record = PatrolRecord(assignment=assignment, note=note, submission_key=key)
        record.save()
        for finding, upload, snapshot in zip(ordered, uploads, stored, strict=True):
            picture = pictures.get(finding.item)
            row = PatrolFinding(
                record=record,
                item=finding.item,
                note=finding.note.strip(),
                photo=snapshot.path,
                thumbnail=snapshot.thumbnail,
                camera=picture.camera if picture is not None else None,
                captured_at=picture.evidence.taken_at if picture is not None else None,
            )
            row.save()
            if finding.open_notice:
                upload.seek(0)  # read once already by store_photo
                row.notice, _created = issue_notice(
                    user,
                    assignment.canteen_id,
                    problem=_problem(finding, picture),
                    source_kind=NoticeSource.PATROL,
                    source_ref=f"patrol:{row.pk}",
                    working_days=working_days,
                    photos=[upload],
                    submission_key=notice_key(key, finding.item),
                    now=now,
                )
                row.save()
        assignment.state = AssignmentState.DONE
        assignment.patrolled_by = acting_user(user)
        assignment.patrolled_at = now
        assignment.save()
    return record, True
