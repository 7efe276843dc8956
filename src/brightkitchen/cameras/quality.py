"""Video quality diagnosis (视频质量诊断) on sampled keyframes: classical OpenCV/NumPy measures.

Each measure returns a number; `diagnose()` compares them with thresholds. Frames are BGR uint8 images
(as `probe.probe()` returns them: whole keyframes, however the camera slices them) and are first scaled
to `WORK_WIDTH` pixels wide, so the values do not depend on the camera's resolution. Over several
keyframes, the per-frame measures are combined by their median (one odd frame does not decide). The check
names are the stored checks and health event kinds (models.QualityCheck).

============  ====================================================  =========  =========  ============
check         measure                                               unit       default    fails when
============  ====================================================  =========  =========  ============
signal_loss   standard deviation of the grey picture (0: no frame)  grey       3.0        value < 3.0
occlusion     share of 32×32 blocks that are flat (grey std < 2)    share      0.6        value > 0.6
              and have no edges (Canny on the contrast-stretched                          and what shows
              picture), while what still shows is lit normally                            is lit
dark          mean luma                                             grey       45         value < 45
bright        mean luma                                             grey       170        value > 170
blur          variance of the Laplacian of the grey picture         ratio      0.01       value < 0.01
              divided by the picture's grey variance
colour_cast   distance of the mean (a*, b*) from neutral in Lab     Lab        20         value > 20
noise         25th percentile over 16×16 blocks of the std of the   grey       3.0        value > 3.0
              high-pass residual (picture − Gaussian blur σ=1),
              scaled so white noise of σ reads σ
frozen        largest share of pixels changed by more than 12       %          0.4        value < 0.4
              grey levels between consecutive keyframes, over at
              least FROZEN_MIN_SPAN_S (1.5 s) of stream time
scene_change  normalised cross-correlation with the reference       ncc        0.6        value < 0.6
              frame on 64×36 grey thumbnails (10×10 block means)
============  ====================================================  =========  =========  ============

Occlusion, too dark and too bright are decided together, from three signals: the luminance of the whole
picture and of the part that still shows, the flatness of its blocks and their edges. Many flat blocks
alone do not mean a covered lens: the lights off and glare make flat pictures too. When most blocks show
nothing and what still shows is lit normally, something covers the lens ("decided by edges"); when the
whole picture, the visible part included, is too dark or too bright, it is the light ("decided by
luminance"). The failed check carries the signals and the one that decided.

Cost: each frame's grey picture is made once for every measure (`Picture`), block statistics are area
resizes, the colour is judged on a 160-pixel-wide copy: about 6 ms of CPU per keyframe at 640×360, 18 ms
for a diagnosis of three (it was 32 ms).

Why these forms: blur is divided by the picture's contrast so a dim or washed-out but sharp picture is
not called blurred; noise looks at the smoothest quarter of the picture, where real detail is absent and
only noise remains (edges and texture do not count as noise); frozen counts clearly changed pixels, not
the mean difference, because an encoder re-encoding the same picture changes many pixels by a little.

Root causes suppress their consequences (one alarm per fault, as VQD systems report): when the signal is
lost nothing else is judged; an occluded, too dark or too bright picture is not judged for blur, colour,
noise, freezing or the scene; a noisy one is not compared with its reference. Such checks are returned
with `passed=None` and a note. `frozen` needs two keyframes at least FROZEN_MIN_SPAN_S apart and
`scene_change` a reference.

Values measured on the corpus (testbed/corpus.py; H.264 from libx264 tune=zerolatency, four slices per
picture, 640×360 at 600 kbit/s, three keyframes 1 s apart, reference: a keyframe of the good stream). The
same presets in single-slice H.264, H.265 and 1280×720 give the same verdicts (tests/test_diagnosis.py;
`brightkitchen bench diagnosis` prints the confusion matrix):

==============  =====  =========  ====  ======  ====  =====  ======  =====  ========================
preset          std    occlusion  luma  blur    cast  noise  frozen  ncc    verdict
==============  =====  =========  ====  ======  ====  =====  ======  =====  ========================
good            68.6   0.17       101   0.0366  8.2   0.11   1.19    0.94   ok
blurred         64.0   0.15       101   0.0038  10.4  0.68   1.81    0.94   blur
soft            68.1   0.17       101   0.0170  8.2   0.12   1.16    0.94   ok (a slightly soft lens)
dark            17.6   0.22       29    0.0371  3.1   0.04   1.01    0.84   dark (luminance)
night           8.4    0.75       8     0.0277  5.2   0.00   0.00    0.03   dark (luminance)
dim             39.7   0.18       57    0.0394  6.7   0.15   1.04    0.93   ok (a dim room)
bright          22.2   0.20       207   0.0266  11.4  0.07   1.06    0.92   bright (luminance)
glare           9.6    0.50       244   0.0258  10.2  0.00   0.00    -0.26  bright (luminance)
lit             58.3   0.17       120   0.0380  9.3   0.12   1.10    0.94   ok
colour_cast     34.6   0.18       114   0.0384  49.0  0.08   1.07    0.94   colour_cast
tint            63.6   0.17       103   0.0373  13.1  0.13   1.11    0.94   ok (a slight tint)
noise           39.2   0.00       116   9.89    3.6   17.3   62.2    0.93   noise
grain           66.3   0.17       102   0.0432  8.0   0.21   1.76    0.94   ok (some grain)
frozen          68.6   0.17       101   0.0367  8.1   0.12   0.11    1.00   frozen
occluded        24.7   0.91       107   0.0850  1.6   0.00   0.59    0.36   occlusion (edges)
occluded_black  33.9   0.93       14    0.0723  1.6   0.00   0.59    0.18   occlusion (edges)
corner          64.4   0.34       100   0.0404  7.9   0.00   1.10    0.88   ok (a hood over a fifth)
signal_loss     0.0    1.00       29    0.0     134   0.00   0.00    0.00   signal_loss
moved           68.4   0.18       101   0.0367  8.2   0.10   1.19    -0.74  scene_change
==============  =====  =========  ====  ======  ====  =====  ======  =====  ========================

Medians over three keyframes; frozen is the largest change between consecutive ones. Values that a root
cause makes "not judged" (night's frozen, signal_loss's luma) are shown but not used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Grey = npt.NDArray[np.float64]

WORK_WIDTH = 640
CHANGE_LEVEL = 12  # grey levels: a pixel changed by more than this has really changed (frozen check)
UNIFORM_STD = 2.0  # grey levels: a block with less spread than this shows nothing (occlusion check)
OCCLUSION_BLOCK = 32
NOISE_BLOCK = 16
NOISE_KERNEL = 7  # Gaussian σ=1 over 7×7: the residual keeps a known share of white noise, divided out
_kernel = cv2.getGaussianKernel(NOISE_KERNEL, 1.0)
_kernel_2d = _kernel @ _kernel.T
# Residual of white noise σ after subtracting its blur: σ·sqrt(1 − 2·k₀ + Σk²); divide by it to get σ.
NOISE_GAIN = float(
    np.sqrt(1.0 - 2.0 * _kernel_2d[NOISE_KERNEL // 2, NOISE_KERNEL // 2] + (_kernel_2d**2).sum())
)

EDGE_BLOCK_SHARE = 0.01  # a block with edges on more than 1 % of its pixels shows something
VISIBLE_MIN_SHARE = (
    0.05  # the visible part's brightness is judged when at least 5 % of the blocks show something
)
FROZEN_MIN_SPAN_S = 1.5  # a picture is called frozen only when keyframes this far apart do not differ

# The checks, in the order they are judged: a root cause first, so that it can silence its consequences.
CHECKS = (
    "signal_loss",
    "occlusion",
    "dark",
    "bright",
    "blur",
    "colour_cast",
    "noise",
    "frozen",
    "scene_change",
)


@dataclass(frozen=True)
class Threshold:
    """A check passes when `minimum <= value <= maximum` (a missing bound is not checked)."""

    measure: str
    unit: str
    minimum: float | None = None
    maximum: float | None = None

    def passes(self, value: float) -> bool:
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    "signal_loss": Threshold("grey standard deviation", "grey level", minimum=3.0),
    "occlusion": Threshold("share of blocks that are flat and have no edges", "share", maximum=0.6),
    "dark": Threshold("mean luma", "grey level", minimum=45.0),
    "bright": Threshold("mean luma", "grey level", maximum=170.0),
    "blur": Threshold("Laplacian variance / grey variance", "ratio", minimum=0.01),
    "colour_cast": Threshold("mean chroma distance from neutral", "Lab a*b*", maximum=20.0),
    "noise": Threshold("noise sigma in the smoothest blocks", "grey level", maximum=3.0),
    "frozen": Threshold("largest share of changed pixels between keyframes", "%", minimum=0.4),
    "scene_change": Threshold("correlation with the reference frame", "ncc", minimum=0.6),
}


@dataclass(frozen=True)
class CheckResult:
    check: str
    value: float | None  # None when there was nothing to measure
    threshold: Threshold
    passed: bool | None  # None: not judged (see note)
    note: str = ""
    # For a failed check decided from several signals (occlusion, dark, bright): the signal that
    # decided ("luminance", "edges") and the signals' values, so the event can say why.
    decided_by: str = ""
    signals: Mapping[str, float] = field(default_factory=dict)


def _normalised(image: npt.NDArray[np.generic]) -> Image:
    """The frame as BGR uint8, WORK_WIDTH pixels wide; raises ValueError for anything else."""
    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim not in (2, 3) or min(array.shape[:2]) < 8:
        raise ValueError("a frame must be a uint8 image, grey (H×W) or BGR (H×W×3), at least 8×8")
    if array.ndim == 2:
        array = cv2.cvtColor(array, cv2.COLOR_GRAY2BGR)
    elif array.shape[2] != 3:
        raise ValueError("a colour frame must have 3 channels (BGR)")
    height, width = array.shape[:2]
    if width != WORK_WIDTH:
        size = (WORK_WIDTH, max(8, round(height * WORK_WIDTH / width)))
        array = cv2.resize(
            array, size, interpolation=cv2.INTER_AREA if width > WORK_WIDTH else cv2.INTER_LINEAR
        )
    result: Image = np.ascontiguousarray(array, dtype=np.uint8)
    return result


def _grey(image: Image) -> Grey:
    grey: Grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float64)
    return grey


def _block_means(values: npt.NDArray[Any], block: int) -> Grey:
    """The mean of each whole block × block tile (the picture's ragged edge left out), row by row."""
    height, width = (values.shape[0] // block) * block, (values.shape[1] // block) * block
    if height == 0 or width == 0:
        return np.array([float(np.asarray(values, dtype=np.float64).mean())])
    cropped = np.ascontiguousarray(values[:height, :width], dtype=np.float64)
    # An area resize by a whole factor is exactly the mean of each tile, and far cheaper than NumPy's.
    means = cv2.resize(cropped, (width // block, height // block), interpolation=cv2.INTER_AREA)
    return np.asarray(means, dtype=np.float64).ravel()


def _block_std(values: npt.NDArray[Any], block: int) -> Grey:
    """The standard deviation of each whole block × block tile, row by row."""
    mean = _block_means(values, block)
    square = _block_means(values * values, block)
    result: Grey = np.sqrt(np.maximum(square - mean * mean, 0.0))
    return result


class Picture:
    """One normalised frame with its grey picture, computed once for all the measures that need it."""

    def __init__(self, image: Image) -> None:
        self.image = image
        self._grey8: Image | None = None
        self._grey: Grey | None = None

    @property
    def grey8(self) -> Image:
        if self._grey8 is None:
            self._grey8 = np.asarray(cv2.cvtColor(self.image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        return self._grey8

    @property
    def grey(self) -> Grey:
        if self._grey is None:
            self._grey = self.grey8.astype(np.float64)
        return self._grey


# The measures, each on one picture already normalised by _normalised(); measure_*(image) for one image.


def _mean_std(values: npt.NDArray[Any]) -> tuple[float, float]:
    mean, std = cv2.meanStdDev(np.asarray(values))
    return float(mean[0, 0]), float(std[0, 0])


def _signal(picture: Picture) -> float:
    return _mean_std(picture.grey8)[1]


def measure_signal(image: Image) -> float:
    """Spread of the grey picture; a uniform screen (black, blue "no signal") is about 0."""
    return _signal(Picture(image))


@dataclass(frozen=True)
class Coverage:
    """What the blocks of a picture show: the three signals that tell a covered lens from a dark room.

    flat: share of blocks with (almost) no grey variation; edgeless: share with no edges once the
    picture's contrast is stretched to the full range (a dim but real scene keeps its edges, a card or a
    hand has none); featureless: share that are both, the occlusion measure; visible_luma: the mean luma
    of the other blocks (what still shows), or of the whole picture when almost nothing shows."""

    flat: float
    edgeless: float
    featureless: float
    luma: float
    visible_luma: float


def _percentiles(grey8: Image, low: float, high: float) -> tuple[float, float]:
    """Two percentiles of a grey picture from its histogram (the grey levels are whole numbers)."""
    counts = cv2.calcHist([grey8], [0], None, [256], [0, 256]).ravel().cumsum()
    total = counts[-1]
    return (
        float(np.searchsorted(counts, total * low / 100)),
        float(np.searchsorted(counts, total * high / 100)),
    )


def _coverage(picture: Picture) -> Coverage:
    grey = picture.grey
    flat = _block_std(grey, OCCLUSION_BLOCK) < UNIFORM_STD
    low, high = _percentiles(picture.grey8, 2, 98)
    gain = 255.0 / max(high - low, 1.0)
    stretched = cv2.convertScaleAbs(picture.grey8, alpha=gain, beta=-low * gain)  # saturates at 0 and 255
    edges = (cv2.Canny(stretched, 50, 150) > 0).astype(np.float64)
    edge_share = _block_means(edges, OCCLUSION_BLOCK)
    edgeless = edge_share <= EDGE_BLOCK_SHARE
    featureless = flat & edgeless
    block_luma = _block_means(grey, OCCLUSION_BLOCK)
    visible = ~featureless
    luma = _mean_std(picture.grey8)[0]
    visible_luma = float(block_luma[visible].mean()) if visible.mean() >= VISIBLE_MIN_SHARE else luma
    return Coverage(
        flat=float(flat.mean()),
        edgeless=float(edgeless.mean()),
        featureless=float(featureless.mean()),
        luma=luma,
        visible_luma=visible_luma,
    )


def measure_coverage(image: Image) -> Coverage:
    return _coverage(Picture(image))


def measure_occlusion(image: Image) -> float:
    """Share of blocks that are flat and have no edges: what a covered lens or a card in front shows."""
    return measure_coverage(image).featureless


def _brightness(picture: Picture) -> float:
    return _mean_std(picture.grey8)[0]


def measure_brightness(image: Image) -> float:
    return _brightness(Picture(image))


def _clarity(picture: Picture) -> float:
    variance = _mean_std(picture.grey8)[1] ** 2
    if variance < 1e-6:
        return 0.0
    return _mean_std(cv2.Laplacian(picture.grey, cv2.CV_64F))[1] ** 2 / variance


def measure_clarity(image: Image) -> float:
    """Variance of the Laplacian over the picture's variance: edge energy relative to contrast."""
    return _clarity(Picture(image))


COLOUR_WIDTH = 160  # the mean colour does not need every pixel: a quarter-width picture gives it


def _colour_cast(picture: Picture) -> float:
    image = picture.image
    height, width = image.shape[:2]
    small = cv2.resize(
        image, (COLOUR_WIDTH, max(2, height * COLOUR_WIDTH // width)), interpolation=cv2.INTER_AREA
    )
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float64)
    return float(np.hypot(lab[..., 1].mean() - 128.0, lab[..., 2].mean() - 128.0))


def measure_colour_cast(image: Image) -> float:
    """Distance of the mean (a*, b*) from the neutral axis; OpenCV's 8-bit Lab puts neutral at 128."""
    return _colour_cast(Picture(image))


def _noise(picture: Picture) -> float:
    grey = picture.grey8.astype(np.float32)  # single precision is plenty for a residual of grey levels
    residual = cv2.subtract(grey, cv2.GaussianBlur(grey, (NOISE_KERNEL, NOISE_KERNEL), 1.0))
    return float(np.percentile(_block_std(residual, NOISE_BLOCK), 25)) / NOISE_GAIN


def measure_noise(image: Image) -> float:
    """Noise sigma: the std of the high-pass residual in the smoothest quarter of the blocks."""
    return _noise(Picture(image))


def _change(first: Picture, second: Picture) -> float:
    changed = cv2.absdiff(first.grey8, second.grey8) > CHANGE_LEVEL
    return float(np.count_nonzero(changed)) / changed.size * 100.0


def measure_change(first: Image, second: Image) -> float:
    """Percentage of pixels whose grey level changed by more than CHANGE_LEVEL."""
    return _change(Picture(first), Picture(second))


def _thumbnail(picture: Picture) -> Grey:
    # Averaged down to 64×36 (each value the mean of a 10×10 block): blurred enough that the encoder's
    # detail and small movements do not count, only the layout of the view.
    small = np.asarray(cv2.resize(picture.grey, (64, 36), interpolation=cv2.INTER_AREA), dtype=np.float64)
    spread = float(small.std())
    result: Grey = (small - small.mean()) / spread if spread > 1e-6 else np.zeros_like(small)
    return result


def measure_similarity(image: Image, reference: Image) -> float:
    """Normalised cross-correlation of blurred thumbnails: 1 the same view, about 0 an unrelated one."""
    return float((_thumbnail(Picture(image)) * _thumbnail(Picture(reference))).mean())


_PER_FRAME = {
    "signal_loss": _signal,
    "dark": _brightness,
    "bright": _brightness,
    "blur": _clarity,
    "colour_cast": _colour_cast,
    "noise": _noise,
}

# A failing root cause → the checks it makes meaningless (a covered or black picture is neither blurred
# nor frozen, and shows no scene to compare).
_PICTURE_CHECKS = {"blur", "colour_cast", "noise", "frozen", "scene_change"}
_SUPPRESSES = {
    "signal_loss": set(CHECKS) - {"signal_loss"},
    "occlusion": {"dark", "bright"} | _PICTURE_CHECKS,
    "dark": {"bright"} | _PICTURE_CHECKS,
    "bright": {"dark"} | _PICTURE_CHECKS,
    # Heavy noise hides the view's layout: the picture is not compared with its reference.
    "noise": {"scene_change"},
}


def _median(values: Sequence[float]) -> float:
    return float(np.median(values))


def _exposure_or_cover(coverage: Coverage, limits: Mapping[str, Threshold]) -> tuple[str, str] | None:
    """Which of occlusion, dark, bright fails, and the signal that decided; None when none does.

    Many flat blocks alone do not mean a covered lens: the lights off and glare make flat pictures too.
    So: when most blocks show nothing and what still shows is lit normally, something covers the lens
    (decided by the edges: there are none where it covers); when the whole picture, the visible part
    included, is too dark or too bright, it is the light (decided by the luminance)."""
    dark_min = limits["dark"].minimum
    bright_max = limits["bright"].maximum
    too_dark = dark_min is not None and coverage.luma < dark_min
    too_bright = bright_max is not None and coverage.luma > bright_max
    if not limits["occlusion"].passes(coverage.featureless):
        if too_dark and coverage.visible_luma < (dark_min or 0.0):
            return "dark", "luminance"
        if too_bright and coverage.visible_luma > (bright_max or 255.0):
            return "bright", "luminance"
        return "occlusion", "edges"
    if too_dark:
        return "dark", "luminance"
    if too_bright:
        return "bright", "luminance"
    return None


def diagnose(
    frames: Sequence[npt.NDArray[np.generic]],
    reference: npt.NDArray[np.generic] | None = None,
    thresholds: Mapping[str, Threshold] = DEFAULT_THRESHOLDS,
    frame_times: Sequence[float] | None = None,
) -> list[CheckResult]:
    """Runs every check on the keyframes (oldest first), in the order of CHECKS.

    `thresholds` may hold only the overridden checks; the others keep their defaults. `frame_times` (the
    keyframes' stream times, in seconds) lets the frozen check say over how long the picture did not
    change, and refuse to judge keyframes closer than FROZEN_MIN_SPAN_S. Raises ValueError only for arrays
    that are not images.
    """
    limits = {**DEFAULT_THRESHOLDS, **thresholds}
    images = [Picture(_normalised(frame)) for frame in frames]
    reference_thumbnail = _thumbnail(Picture(_normalised(reference))) if reference is not None else None

    values: dict[str, float | None] = {}
    notes: dict[str, str] = {}
    for check, measure in _PER_FRAME.items():
        values[check] = _median([measure(image) for image in images]) if images else None
    coverages = [_coverage(image) for image in images]
    coverage: Coverage | None = None
    if coverages:
        coverage = Coverage(
            *(_median([getattr(c, name) for c in coverages]) for name in Coverage.__dataclass_fields__)
        )
        values["occlusion"] = coverage.featureless
    else:
        values["occlusion"] = None
    span = (frame_times[-1] - frame_times[0]) if frame_times and len(frame_times) >= 2 else None
    if len(images) < 2:
        values["frozen"] = None
        notes["frozen"] = "needs two keyframes"
    elif span is not None and span < FROZEN_MIN_SPAN_S:
        values["frozen"] = None
        notes["frozen"] = f"keyframes only {span:.1f} s apart (needs {FROZEN_MIN_SPAN_S:.1f} s)"
    else:
        values["frozen"] = max(_change(a, b) for a, b in zip(images, images[1:], strict=False))
        if span is not None:
            notes["frozen"] = f"over {span:.1f} s"
    if reference_thumbnail is not None and images:
        values["scene_change"] = _median(
            [float((_thumbnail(image) * reference_thumbnail).mean()) for image in images]
        )
    else:
        values["scene_change"] = None
        notes["scene_change"] = "no reference frame"
    if not images:
        values["signal_loss"] = 0.0  # no frame at all is the plainest signal loss
        notes["signal_loss"] = "no frame"

    signal_ok = limits["signal_loss"].passes(values["signal_loss"] or 0.0)
    exposure = _exposure_or_cover(coverage, limits) if coverage is not None and signal_ok else None
    signals: dict[str, float] = {}
    if coverage is not None:
        signals = {
            "luminance": coverage.luma,
            "visible_luminance": coverage.visible_luma,
            "flat_blocks": coverage.flat,
            "edgeless_blocks": coverage.edgeless,
        }

    results: dict[str, CheckResult] = {}
    suppressed: dict[str, str] = {}
    for check in CHECKS:
        value, limit = values[check], limits[check]
        if check in suppressed:
            results[check] = CheckResult(check, value, limit, None, f"not judged: {suppressed[check]}")
            continue
        if value is None:
            results[check] = CheckResult(check, None, limit, None, f"not judged: {notes.get(check, '')}")
            continue
        if check == "occlusion" and exposure is not None and exposure[0] != check and not limit.passes(value):
            # Flat all over, but the whole picture is dark or blown out: the light, not a cover.
            note = f"not judged: {exposure[0]} failed (the whole picture, not a cover)"
            results[check] = CheckResult(check, value, limit, None, note)
            continue
        if check in ("occlusion", "dark", "bright"):
            failed = exposure is not None and exposure[0] == check
            decided_by = exposure[1] if failed and exposure is not None else ""
            results[check] = CheckResult(
                check, value, limit, not failed, notes.get(check, ""), decided_by, signals if failed else {}
            )
            passed = not failed
        else:
            passed = limit.passes(value)
            results[check] = CheckResult(check, value, limit, passed, notes.get(check, ""))
        if not passed:
            for other in _SUPPRESSES.get(check, set()):
                suppressed.setdefault(other, f"{check} failed")
    return [results[check] for check in CHECKS]


def failed_checks(results: Sequence[CheckResult]) -> list[str]:
    """The names of the checks that failed (not those not judged)."""
    return [result.check for result in results if result.passed is False]
