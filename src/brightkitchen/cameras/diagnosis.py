"""The verdict on one probe of a camera: what is wrong, measured how, and what the school should do.

`verdicts(result, reference, thresholds)` turns a `probe.ProbeResult` (and the quality checks of
`quality.diagnose` on its keyframes) into `Finding`s, one per problem, each with the value measured, the
bound it was held to and, where several signals decide (occlusion, too dark, too bright), the signal that
did. The health sweep stores them as health events; `advice(...)` is the plain message the camera pages
and alerts show, in the user's language.

A camera that cannot be watched has one finding, `offline`, with its cause: the network (no route, no
answer, refused), stalled (connected, but no picture within the probe's budget), credentials (401/403),
not a stream (something answers, but not a camera), an unsupported codec, the stream ending. A camera
that can be watched has a finding per failed picture check; a root cause silences its consequences
(quality.py), so a covered lens is one finding, not six.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

from brightkitchen.cameras import quality
from brightkitchen.cameras.models import HealthEventKind, OfflineCause
from brightkitchen.cameras.probe import ProbeError, ProbeResult

_CAUSES: dict[ProbeError, OfflineCause] = {
    ProbeError.UNREACHABLE: OfflineCause.UNREACHABLE,
    ProbeError.REFUSED: OfflineCause.REFUSED,
    ProbeError.STALLED: OfflineCause.STALLED,
    ProbeError.AUTH_FAILED: OfflineCause.CREDENTIALS,
    ProbeError.NOT_FOUND: OfflineCause.NOT_FOUND,
    ProbeError.MALFORMED_URL: OfflineCause.OTHER,
    ProbeError.NOT_A_STREAM: OfflineCause.NOT_A_STREAM,
    ProbeError.NO_VIDEO: OfflineCause.NOT_A_STREAM,
    ProbeError.UNSUPPORTED_CODEC: OfflineCause.UNSUPPORTED_CODEC,
    ProbeError.STREAM_ENDED: OfflineCause.ENDED,
    ProbeError.REFUSED_BY_POLICY: OfflineCause.POLICY,
    ProbeError.OTHER: OfflineCause.OTHER,
}


@dataclass(frozen=True)
class Finding:
    """One problem of one probe. `kind` is a HealthEventKind; `cause` says why a camera is offline."""

    kind: str
    cause: str = ""
    value: float | None = None
    threshold: float | None = None
    decided_by: str = ""
    detail: str = ""  # the probe's own words (offline) or the check's note
    signals: Mapping[str, float] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """One word for the benchmark and the tests: the picture problem, or the offline cause."""
        return self.cause or self.kind


def offline_cause(error: ProbeError | None) -> OfflineCause:
    return _CAUSES.get(error, OfflineCause.OTHER) if error is not None else OfflineCause.OTHER


def _bound(result: quality.CheckResult) -> float | None:
    low, high = result.threshold.minimum, result.threshold.maximum
    return low if low is not None else high


def picture_findings(checks: Sequence[quality.CheckResult]) -> list[Finding]:
    """A finding for each failed picture check (those not judged are not findings)."""
    return [
        Finding(
            kind=check.check,
            value=check.value,
            threshold=_bound(check),
            decided_by=check.decided_by,
            detail=check.note,
            signals=dict(check.signals),
        )
        for check in checks
        if check.passed is False
    ]


def findings_for(result: ProbeResult, checks: Sequence[quality.CheckResult]) -> list[Finding]:
    """A probe's findings, given the quality checks already run on its keyframes (none when it was not
    diagnosed this time)."""
    if not result.online:
        cause = offline_cause(result.error)
        return [Finding(kind=HealthEventKind.OFFLINE, cause=cause, detail=result.message[:300])]
    return picture_findings(checks)


def verdicts(
    result: ProbeResult,
    reference: npt.NDArray[np.uint8] | None = None,
    thresholds: Mapping[str, quality.Threshold] = quality.DEFAULT_THRESHOLDS,
) -> list[Finding]:
    """Everything wrong with one probe: [] for a camera that is online and passes every check."""
    checks: list[quality.CheckResult] = []
    if result.online and result.keyframes:
        checks = quality.diagnose(result.keyframes, reference, thresholds, frame_times=result.keyframe_times)
    return findings_for(result, checks)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def advice(
    kind: str,
    cause: str = "",
    value: float | None = None,
    threshold: float | None = None,
    decided_by: str = "",
) -> str:
    """The message for a health event: what was found (with its value and threshold) and what to do."""
    measured = {"value": _number(value), "threshold": _number(threshold)}
    if kind == HealthEventKind.OFFLINE:
        known = cause in OfflineCause.values
        return _OFFLINE_ADVICE[OfflineCause(cause) if known else OfflineCause.OTHER]()
    if kind == HealthEventKind.OCCLUSION:
        share = {"share": f"{(value or 0) * 100:.0f}", "limit": f"{(threshold or 0) * 100:.0f}"}
        return (
            _(
                "Most of the picture shows nothing (%(share)s %% of it is flat and has no edges, the limit "
                "is %(limit)s %%) while the rest is lit normally: something covers the lens. Remove what "
                "covers the camera or blocks its view."
            )
            % share
        )
    if kind == HealthEventKind.DARK:
        text = (
            _(
                "The picture is too dark (mean brightness %(value)s, at least %(threshold)s is needed). "
                "Turn on the kitchen's lights or the camera's night mode."
            )
            % measured
        )
        if decided_by == "luminance":
            text += " " + _("The whole picture is dark, so it is the light, not a covered lens.")
        return text
    if kind == HealthEventKind.BRIGHT:
        return (
            _(
                "The picture is over-exposed (mean brightness %(value)s, at most %(threshold)s). Turn the "
                "camera away from lamps, windows or reflections, or lower its exposure."
            )
            % measured
        )
    messages: dict[str, str] = {
        HealthEventKind.SIGNAL_LOSS: _(
            "The camera sends an empty picture (variation %(value)s, at least %(threshold)s): the video "
            "input is lost. Check the cable between the camera and the recorder."
        ),
        HealthEventKind.BLUR: _(
            "The picture is blurred (sharpness %(value)s, at least %(threshold)s). Clean the lens and "
            "refocus the camera."
        ),
        HealthEventKind.COLOUR_CAST: _(
            "The colours are off (colour cast %(value)s, at most %(threshold)s). Reset the camera's white "
            "balance; check the cable if the colours flicker."
        ),
        HealthEventKind.NOISE: _(
            "The picture is noisy (noise %(value)s, at most %(threshold)s). Add light to the kitchen, "
            "check the cable and the camera's power supply."
        ),
        HealthEventKind.FROZEN: _(
            "The picture does not change (%(value)s %% of it changed, at least %(threshold)s %% is "
            "expected): the camera or its recorder has hung. Restart the camera."
        ),
        HealthEventKind.SCENE_CHANGE: _(
            "The camera shows another view than its confirmed reference picture (similarity %(value)s, "
            "at least %(threshold)s). Turn it back to its key point, or confirm the new view as the "
            "reference."
        ),
    }
    template = messages.get(kind)
    return template % measured if template is not None else str(kind)


_OFFLINE_ADVICE = {
    OfflineCause.UNREACHABLE: lambda: _(
        "The camera cannot be reached over the network (no route or no answer). Check its power, its "
        "network cable and the school's connection to the platform."
    ),
    OfflineCause.REFUSED: lambda: _(
        "The camera's address answers, but refuses the connection on its video port. Check the port in "
        "the camera's address and that its streaming service is on."
    ),
    OfflineCause.STALLED: lambda: _(
        "The camera accepts the connection but sends no picture. Restart the camera or its recorder."
    ),
    OfflineCause.CREDENTIALS: lambda: _(
        "The camera refused the user name or password (401/403). Enter the camera's current account in "
        "the platform, or give that account the right to view the stream."
    ),
    OfflineCause.NOT_FOUND: lambda: _(
        "The camera has no stream at this address (404). Check the path in the camera's address."
    ),
    OfflineCause.NOT_A_STREAM: lambda: _(
        "Something answers at the camera's address, but not a video stream. Check that the address "
        "points at the camera, not at another device."
    ),
    OfflineCause.UNSUPPORTED_CODEC: lambda: _(
        "The camera sends video in an encoding the platform does not take. Set its video encoding to "
        "H.264 in the camera's settings."
    ),
    OfflineCause.ENDED: lambda: _(
        "The camera's stream stopped in the middle. Check its power and network; restart it if it "
        "happens again."
    ),
    OfflineCause.POLICY: lambda: _(
        "The platform does not connect to this address (outbound policy). Ask the operator to allow the "
        "schools' camera network, or correct the address."
    ),
    OfflineCause.OTHER: lambda: _("The camera cannot be watched. Check its address, power and network."),
}
