"""Demo cameras: four on key points in every canteen of the demo county (榆次区) and in one canteen in
three elsewhere (so coverage differs between counties), their sources on the demo streaming server
(rtsp://127.0.0.1:8554/<stream>, which `brightkitchen demo` starts), status left unknown until the
health sweep probes them. Most show the good test stream; a few are blurred, dark, frozen, without
signal or offline (nothing listens on their port), so the health pages have something to show.
Idempotent: canteens that already have cameras get none."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from brightkitchen.cameras import credentials
from brightkitchen.cameras.models import Camera, KeyPoint, SourceKind
from brightkitchen.schools.models import Canteen

DEMO_PORT = 8554
DEMO_SERVER = f"rtsp://127.0.0.1:{DEMO_PORT}"
OFFLINE_SERVER = "rtsp://127.0.0.1:8555"  # nothing listens there: an offline camera
DEMO_COUNTY = "140702"
_CAMERAS = (
    ("后厨烹饪区", KeyPoint.COOKING, True),
    ("粗加工间", KeyPoint.ROUGH_PROCESSING, False),
    ("餐具洗消间", KeyPoint.DISH_WASHING, True),
    ("食品仓库", KeyPoint.STOREROOM, False),
)
_FAULTY = ("blurred", "dark", "frozen", "signal_loss", "offline")
# The streams the demo server serves (mount name = preset of testbed/gst_rtsp_server.py).
DEMO_MOUNTS: dict[str, str] = {name: name for name in ("good", *_FAULTY) if name != "offline"}


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    ids = [
        c.pk
        for index, c in enumerate(canteens)
        if c.school.organisation.region_id.startswith(DEMO_COUNTY) or index % 3 == 0
    ]
    done = set(Camera.objects.filter(canteen_id__in=ids).values_list("canteen_id", flat=True))
    now = timezone.now()
    rows: list[Camera] = []
    for canteen_id in ids:
        if canteen_id in done:
            continue
        for name, point, public in _CAMERAS:
            stream = rng.choice(_FAULTY) if rng.random() < 0.1 else "good"
            url = f"{OFFLINE_SERVER}/good" if stream == "offline" else f"{DEMO_SERVER}/{stream}"
            rows.append(
                Camera(
                    canteen_id=canteen_id,
                    name=name,
                    key_point=point,
                    source_kind=SourceKind.RTSP,
                    source_secret=credentials.encrypt(url),
                    display_url=credentials.redact(url),
                    source_changed_at=now,
                    is_public=public,
                    public_from=datetime.time(10, 30) if public else None,
                    public_until=datetime.time(13, 0) if public else None,
                )
            )
    Camera.objects.bulk_create(rows, batch_size=500)
