"""The sweep benchmark's baseline: OpenCV's VideoCapture decoding frames until it has one."""

from __future__ import annotations

from brightkitchen.bench.naive import probe_naive
from brightkitchen.testbed.streams import RtspTestServer, free_port


def test_naive_baseline_gets_a_frame(rtsp_server: RtspTestServer) -> None:
    result = probe_naive(rtsp_server.url("good"), timeout_s=5)
    assert result.online
    assert result.frame is not None and result.frame.shape == (360, 640, 3)
    assert result.frame_at is not None


def test_naive_baseline_offline_source() -> None:
    result = probe_naive(f"rtsp://127.0.0.1:{free_port()}/cam", timeout_s=2)
    assert not result.online and result.frame is None
