"""Demo online patrol: the demo city's market-supervision bureau has this month's plan, drawn, with the
first few drawn canteens patrolled (findings with snapshots, most opening a rectification notice).
Made through the services as the city regulator, so it is audited like real use. Idempotent: the plan
is one per bureau and month, a drawn plan is not drawn again, and the patrols use fixed submission
keys, so a second run adds nothing."""

from __future__ import annotations

import datetime
import io
import random
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from brightkitchen.accounts.models import User
from brightkitchen.core.roles import Role
from brightkitchen.organisations.models import OrganisationKind
from brightkitchen.patrols import services
from brightkitchen.patrols.models import AssignmentState, PatrolAssignment
from brightkitchen.schools.models import Canteen

QUOTA = 20
_KEY = "7a1e5c3d-2b4f-4c8a-9e6d-00000000{:04d}"

# Per patrolled assignment: (patrol note, [(item, note, open a notice)]).
_PATROLS: tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...] = (
    ("午餐备餐时段巡查。", (("no_mask_cap", "切配岗位一名员工未戴口罩。", True),)),
    (
        "早餐时段巡查。",
        (
            ("waste_uncovered", "粗加工间垃圾桶未加盖。", True),
            ("camera_problem", "专间摄像头角度偏移，看不到操作台。", False),
        ),
    ),
    ("晚餐时段巡查，未发现问题。", ()),
)


def _snapshot(color: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="JPEG")
    return SimpleUploadedFile("snapshot.jpg", out.getvalue(), content_type="image/jpeg")


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens:
        return
    first = Canteen.objects.select_related("school__organisation").get(pk=canteens[0].pk)
    city = first.school.organisation.region_id[:4]
    regulator = (
        User.objects.filter(
            role=Role.REGULATOR, organisation__kind=OrganisationKind.REGULATOR, organisation__region_id=city
        )
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    if regulator is None:
        return
    total = sum(services.canteens_per_county(city).values())
    plan, _created = services.create_plan(
        regulator, period=today, quota=min(QUOTA, total), seed=rng.randrange(2**48)
    )
    services.draw(regulator, plan.pk)
    drawn = list(PatrolAssignment.objects.filter(plan=plan).order_by("county_id", "rank")[: len(_PATROLS)])
    for index, (assignment, (note, findings)) in enumerate(zip(drawn, _PATROLS, strict=False)):
        if assignment.state == AssignmentState.DONE:
            continue  # patrolled already, by this seeder or by hand
        services.submit_patrol(
            regulator,
            assignment.pk,
            note=note,
            findings=[
                services.FindingInput(item=item, note=text, snapshot=_snapshot("gray"), open_notice=notice)
                for item, text, notice in findings
            ],
            submission_key=uuid.UUID(_KEY.format(index)),
        )
