"""Video quality diagnosis on synthetic pictures: each measure at and around its thresholds, and how the
checks decide between causes. The verdicts on real streams are in test_diagnosis.py (the corpus)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from brightkitchen.cameras.quality import (
    DEFAULT_THRESHOLDS,
    Threshold,
    diagnose,
    failed_checks,
    measure_brightness,
    measure_change,
    measure_clarity,
    measure_colour_cast,
    measure_coverage,
    measure_noise,
    measure_occlusion,
    measure_signal,
    measure_similarity,
)

Image = npt.NDArray[np.uint8]

# Synthetic pictures.


def u8(array: npt.ArrayLike) -> Image:
    return np.asarray(array, dtype=np.uint8)


def grey(value: float, size: tuple[int, int] = (360, 640)) -> Image:
    return np.full((*size, 3), value, dtype=np.uint8)


def checkerboard(cell: int = 16, low: int = 60, high: int = 190) -> Image:
    y, x = np.indices((360, 640))
    board = u8(np.where(((y // cell) + (x // cell)) % 2 == 0, low, high))
    return u8(cv2.cvtColor(board, cv2.COLOR_GRAY2BGR))


def scene() -> Image:
    """A textured picture: large checkers with a smooth ripple over them (detail in every block, no noise)."""
    y, x = np.indices((360, 640))
    ripple = 20 * np.sin(2 * np.pi * x / 24) * np.sin(2 * np.pi * y / 24)
    picture = checkerboard(cell=64)[..., 0].astype(np.float64) + ripple
    return u8(cv2.cvtColor(u8(np.clip(picture, 0, 255)), cv2.COLOR_GRAY2BGR))


def gradient() -> Image:
    ramp = u8(np.tile(np.linspace(80, 170, 640), (360, 1)))
    return u8(cv2.cvtColor(ramp, cv2.COLOR_GRAY2BGR))


def with_noise(image: Image, sigma: float, seed: int = 1) -> Image:
    noisy = (
        image.astype(np.float64) + np.random.default_rng(seed).normal(0, sigma, image.shape[:2])[..., None]
    )
    return u8(np.clip(noisy, 0, 255))


def test_signal_measure() -> None:
    assert measure_signal(grey(30)) == 0.0
    assert measure_signal(checkerboard()) == pytest.approx(65, abs=1)


def test_brightness_boundaries() -> None:
    dark, bright = DEFAULT_THRESHOLDS["dark"], DEFAULT_THRESHOLDS["bright"]
    assert measure_brightness(grey(100)) == pytest.approx(100)
    assert [dark.passes(measure_brightness(grey(v))) for v in (44, 45)] == [False, True]
    assert [bright.passes(measure_brightness(grey(v))) for v in (170, 171)] == [True, False]


def dimmed(image: Image, factor: float) -> Image:
    return u8(np.clip(image.astype(np.float64) * factor, 0, 255))


def test_a_dim_room_is_dark_not_occluded() -> None:
    """The scene at a fifth of its light: flat in absolute terms, but its edges remain."""
    night = dimmed(scene(), 0.2)
    frames = [night, np.roll(night, 12, axis=1)]
    results = {r.check: r for r in diagnose(frames)}
    assert failed_checks(list(results.values())) == ["dark"]
    assert results["dark"].decided_by == "luminance"
    assert results["dark"].signals["luminance"] < 45
    assert results["dark"].signals["edgeless_blocks"] < 0.5


def test_the_lights_off_is_dark_even_though_nothing_shows() -> None:
    black = [grey(6), grey(6)]
    results = {r.check: r for r in diagnose(black)}
    # Flat all over, yet no cover: nothing in the picture is lit (the visible part is dark too).
    assert failed_checks(list(results.values())) == ["signal_loss"]  # a uniform screen is no signal at all
    nearly = [with_noise(dimmed(scene(), 0.05), 1.5, seed=s) for s in (1, 2)]
    results = {r.check: r for r in diagnose(nearly)}
    assert failed_checks(list(results.values())) == ["dark"]
    assert results["occlusion"].passed in (True, None)


def test_a_card_over_the_lens_is_occlusion_whatever_its_colour() -> None:
    for card in (8, 110, 235):
        picture = scene()
        picture[: int(360 * 0.9)] = card  # the bottom strip still shows the lit scene
        frames = [picture, np.roll(picture, 12, axis=1)]
        results = {r.check: r for r in diagnose(frames)}
        assert failed_checks(list(results.values())) == ["occlusion"], card
        assert results["occlusion"].decided_by == "edges"
        coverage = measure_coverage(picture)
        assert coverage.featureless > 0.8 and coverage.visible_luma > 45


def test_glare_is_too_bright_not_occlusion() -> None:
    blown = u8(np.clip(scene().astype(np.float64) * 0.1 + 235, 0, 255))
    frames = [blown, np.roll(blown, 12, axis=1)]
    results = {r.check: r for r in diagnose(frames)}
    assert failed_checks(list(results.values())) == ["bright"]
    assert results["bright"].decided_by == "luminance"


def test_clarity_falls_with_blur_not_with_contrast() -> None:
    sharp = checkerboard(cell=32)
    limit = DEFAULT_THRESHOLDS["blur"]
    assert limit.passes(measure_clarity(sharp))
    assert not limit.passes(measure_clarity(u8(cv2.GaussianBlur(sharp, (0, 0), 6))))
    # The same picture at a quarter of the contrast is just as sharp.
    faint = checkerboard(cell=32, low=110, high=142)
    assert measure_clarity(faint) == pytest.approx(measure_clarity(sharp), rel=0.1)
    assert measure_clarity(grey(128)) == 0.0


def test_colour_cast_measure() -> None:
    assert measure_colour_cast(grey(128)) == pytest.approx(0, abs=0.5)
    tinted = grey(128)
    tinted[..., 1] = 200  # green
    assert measure_colour_cast(tinted) > DEFAULT_THRESHOLDS["colour_cast"].maximum  # type: ignore[operator]


def test_noise_measure_reads_the_noise_sigma() -> None:
    assert measure_noise(gradient()) < 0.5
    assert measure_noise(with_noise(gradient(), 10)) == pytest.approx(10, rel=0.1)
    # Edges and texture are not noise.
    assert measure_noise(scene()) < 1.5  # rounding to whole grey levels is itself a little noise
    limit = DEFAULT_THRESHOLDS["noise"]
    assert limit.passes(measure_noise(with_noise(gradient(), 2)))
    assert not limit.passes(measure_noise(with_noise(gradient(), 5)))


def test_occlusion_measure() -> None:
    assert measure_occlusion(grey(90)) == 1.0
    assert measure_occlusion(with_noise(gradient(), 10)) == 0.0
    half = with_noise(gradient(), 10)
    half[:, :320] = 90
    assert measure_occlusion(half) == pytest.approx(0.5, abs=0.03)
    # Flat areas with edges through them (small checkers: every block is crossed by one) show something.
    assert measure_occlusion(checkerboard(cell=16)) == 0.0


def test_change_and_frozen() -> None:
    still = checkerboard()
    assert measure_change(still, still) == 0.0
    moved = np.roll(still, 8, axis=1)
    assert measure_change(still, moved) == pytest.approx(50, abs=1)
    results = {r.check: r for r in diagnose([still, still.copy()], frame_times=[0.0, 2.0])}
    assert results["frozen"].passed is False
    assert results["frozen"].value == 0.0
    assert results["frozen"].note == "over 2.0 s"
    one = {r.check: r for r in diagnose([still])}["frozen"]
    assert (one.passed, one.value) == (None, None) and "two keyframes" in one.note
    # Keyframes too close together say nothing about a frozen camera.
    close = {r.check: r for r in diagnose([still, still.copy()], frame_times=[0.0, 0.5])}["frozen"]
    assert close.passed is None and "0.5 s apart" in close.note


def test_similarity_measure() -> None:
    picture = with_noise(checkerboard(cell=64), 3)
    assert measure_similarity(picture, picture) == pytest.approx(1.0)
    assert measure_similarity(picture, 255 - picture) == pytest.approx(-1.0, abs=0.01)
    other = checkerboard(cell=64)[:, ::-1].copy()
    other[:180] = 90
    assert measure_similarity(picture, other) < DEFAULT_THRESHOLDS["scene_change"].minimum  # type: ignore[operator]


def test_no_frames_is_signal_loss() -> None:
    results = diagnose([])
    assert failed_checks(results) == ["signal_loss"]
    assert all(r.passed is None for r in results if r.check != "signal_loss")


def test_too_dark_picture_is_not_judged_for_clarity_or_noise() -> None:
    results = {r.check: r for r in diagnose([grey(20) + checkerboard(low=0, high=8)] * 2)}
    assert results["dark"].passed is False
    assert (results["blur"].passed, results["noise"].passed, results["colour_cast"].passed) == (
        None,
        None,
        None,
    )
    assert results["frozen"].passed is None  # a dark picture is not judged frozen either


def test_thresholds_can_be_overridden_one_at_a_time() -> None:
    frames = [scene(), np.roll(scene(), 12, axis=1)]
    strict = {"dark": Threshold("mean luma", "grey level", minimum=130.0)}
    assert failed_checks(diagnose(frames)) == []
    assert failed_checks(diagnose(frames, thresholds=DEFAULT_THRESHOLDS | strict)) == ["dark"]
    assert failed_checks(diagnose(frames, thresholds=strict)) == ["dark"]


def test_any_frame_size_gives_the_same_answer() -> None:
    big = cv2.resize(scene(), (1920, 1080), interpolation=cv2.INTER_CUBIC)
    small = cv2.resize(scene(), (320, 180), interpolation=cv2.INTER_AREA)
    grey_frame = cv2.cvtColor(scene(), cv2.COLOR_BGR2GRAY)
    for frames in ([big, big], [small, small], [grey_frame, grey_frame]):
        assert failed_checks(diagnose(frames)) == ["frozen"]


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((360, 640, 3), dtype=np.float32),
        np.zeros((360, 640, 4), dtype=np.uint8),
        np.zeros((4, 4, 3), dtype=np.uint8),
        np.zeros((10,), dtype=np.uint8),
    ],
)
def test_arrays_that_are_not_pictures_are_refused(bad: npt.NDArray[np.generic]) -> None:
    with pytest.raises(ValueError, match="frame"):
        diagnose([bad])
