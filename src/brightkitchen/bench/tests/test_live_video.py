"""The live-view benchmarks, briefly: a few seconds of glass-to-glass latency in Chromium through the
relay, and one fan-out level of two aiortc viewers on the relay process. Real camera, relay and
browser; without GStreamer or Chromium they fail and say what to install (as the other browser tests)."""

from __future__ import annotations

import pytest

from brightkitchen.bench import live_video


@pytest.mark.browser
def test_latency_samples_decode_to_plausible_latencies() -> None:
    result = live_video.measure_latency(seconds=3.0, loads=2, baseline_seconds=0)
    assert result.decoded >= 3, f"{result.decoded} of {result.samples} samples decoded"
    assert all(0 < ms < 5000 for ms in result.latencies_ms), result.latencies_ms
    assert result.video_size == (640, 360)
    assert len(result.first_frames) == 2
    assert all(0 < f.first_ms < 15_000 for f in result.first_frames), result.first_frames


def test_two_viewers_of_the_project_relay_get_frames() -> None:
    (level,) = live_video.measure_fanout([2], seconds=3.0, connect_timeout=20.0, baseline=False)
    assert level.connected == 2 and level.flowing == 2, level
    assert len(level.fps) == 2 and min(level.fps) > 0, level.fps
    assert level.cpu_pct is not None and level.cpu_pct > 0, level
    assert level.rss_mb is not None and level.rss_mb > 0, level
