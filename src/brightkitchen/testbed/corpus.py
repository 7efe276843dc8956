"""The diagnosis corpus: every camera fault the health sweep must name, made on the spot (GStreamer test
cameras and the faulty servers on loopback, no file committed), each with the verdict it must get.

Pictures: every preset of gst_rtsp_server (each defect once clearly a fault, once at a level a working
camera has) in four encodings: H.264 as libx264 `tune=zerolatency` sends it (four slices per picture, as
many IP cameras), H.264 in one slice, H.265, and H.264 at 1280×720. The scene is compared with the good
stream's keyframe of the same encoding, as the manager's confirmed reference. Servers: a closed port,
one that accepts and then says nothing, one that answers garbage, 401 and 403, a wrong password on a
real RTSP server, a path with no stream, and a camera sending Motion JPEG.

`run(...)` probes every case as the health sweep does (same budget, same number of keyframes) and gives
what was reported; the tests (cameras/tests/test_diagnosis.py) and `brightkitchen bench diagnosis` hold
it to the expected verdict.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from brightkitchen.cameras import diagnosis
from brightkitchen.cameras.probe import probe
from brightkitchen.testbed import faulty
from brightkitchen.testbed.streams import RtspTestServer, free_port

OK = "ok"

# Preset → the verdict it must get (a diagnosis.Finding.verdict, or OK).
PICTURES: dict[str, str] = {
    "good": OK,
    "blurred": "blur",
    "soft": OK,
    "dark": "dark",
    "night": "dark",
    "dim": OK,
    "bright": "bright",
    "glare": "bright",
    "lit": OK,
    "colour_cast": "colour_cast",
    "tint": OK,
    "noise": "noise",
    "grain": OK,
    "frozen": "frozen",
    "occluded": "occlusion",
    "occluded_black": "occlusion",
    "corner": OK,
    "signal_loss": "signal_loss",
    "moved": "scene_change",
}

ENCODINGS: dict[str, str] = {
    "h264-sliced": "codec=h264",
    "h264-single": "codec=h264-single",
    "h265": "codec=h265",
    "h264-720p": "codec=h264:size=1280x720",
}

USER, PASSWORD = "inspector", "right-password"

# Server case → the verdict it must get.
SERVERS: dict[str, str] = {
    "closed_port": "refused",
    "stalled": "stalled",
    "garbage": "not_a_stream",
    "unauthorised_401": "credentials",
    "forbidden_403": "credentials",
    "wrong_password": "credentials",
    "no_such_path": "not_found",
    "mjpeg": "unsupported_codec",
}


@dataclass(frozen=True)
class Case:
    name: str
    expected: str
    group: str  # the encoding of a picture case, or "servers"
    url: str
    reference_of: str = ""  # the case whose keyframe is the reference picture


@dataclass(frozen=True)
class Outcome:
    case: Case
    reported: tuple[str, ...]  # the findings' verdicts, or (OK,)
    elapsed_s: float
    findings: tuple[diagnosis.Finding, ...]

    @property
    def right(self) -> bool:
        return self.reported == (self.case.expected,)


def picture_mounts(encodings: Sequence[str] = tuple(ENCODINGS)) -> dict[str, str]:
    return {
        f"{preset}-{encoding}": f"{preset}:{ENCODINGS[encoding]}"
        for encoding in encodings
        for preset in PICTURES
    }


@contextlib.contextmanager
def cases(encodings: Sequence[str] = tuple(ENCODINGS), *, servers: bool = True) -> Iterator[list[Case]]:
    """Starts the corpus's servers and yields its cases; everything stops when the context ends."""
    mounts = picture_mounts(encodings)
    if servers:
        mounts |= {"secure": "good", "mjpeg": "good:codec=mjpeg"}
    with contextlib.ExitStack() as stack:
        rtsp = stack.enter_context(RtspTestServer(mounts=mounts, auth={"secure": (USER, PASSWORD)}))
        found = [
            Case(
                f"{preset}-{encoding}",
                expected,
                encoding,
                rtsp.url(f"{preset}-{encoding}"),
                reference_of=f"good-{encoding}",
            )
            for encoding in encodings
            for preset, expected in PICTURES.items()
        ]
        if servers:
            ports = {
                "stalled": stack.enter_context(faulty.stalled()),
                "garbage": stack.enter_context(faulty.garbage()),
                "unauthorised_401": stack.enter_context(faulty.unauthorised()),
                "forbidden_403": stack.enter_context(faulty.forbidden()),
            }
            urls = {name: f"rtsp://127.0.0.1:{port}/cam" for name, port in ports.items()}
            urls["closed_port"] = f"rtsp://127.0.0.1:{free_port()}/cam"
            urls["wrong_password"] = rtsp.url("secure", user=USER, password="wrong-password")
            urls["no_such_path"] = rtsp.url("no-such-camera")
            urls["mjpeg"] = rtsp.url("mjpeg")
            found += [Case(name, expected, "servers", urls[name]) for name, expected in SERVERS.items()]
        yield found


def run(
    found: Sequence[Case],
    *,
    timeout_s: float,
    keyframes: int,
    threads: int = 4,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Probes every case (the references first) and judges it as the health sweep does."""
    references: dict[str, npt.NDArray[np.uint8]] = {}
    for case in found:
        if case.reference_of and case.reference_of not in references:
            # The second keyframe: the reference probe is the first client of its mount, and the first
            # picture of a pipeline that has just started is not yet the scene (CI saw it uncorrelated).
            result = probe(next(c.url for c in found if c.name == case.reference_of), keyframes=2)
            if result.keyframes:
                references[case.reference_of] = result.keyframes[-1]

    def one(case: Case) -> Outcome:
        started = time.monotonic()
        result = probe(case.url, timeout_s=timeout_s, keyframes=keyframes)
        findings = diagnosis.verdicts(result, references.get(case.reference_of))
        elapsed = time.monotonic() - started
        reported = tuple(f.verdict for f in findings) or (OK,)
        outcome = Outcome(case, reported, elapsed, tuple(findings))
        if on_outcome is not None:
            on_outcome(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        return list(pool.map(one, found))


def confusion(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    """expected verdict → {reported verdict: count}; a case with several findings counts under '+'-joined
    verdicts, so a wrong extra finding shows as a miss."""
    matrix: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        reported = "+".join(outcome.reported)
        row = matrix.setdefault(outcome.case.expected, {})
        row[reported] = row.get(reported, 0) + 1
    return matrix
