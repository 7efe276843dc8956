"""The camera probe against real RTSP test cameras (GStreamer) and against sources that misbehave."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import av
import numpy as np
import pytest

from brightkitchen.cameras.probe import ProbeError, parse_source_url, probe
from brightkitchen.testbed import faulty
from brightkitchen.testbed.fixtures import PASSWORD, STOP_AFTER_S, USER
from brightkitchen.testbed.streams import RtspTestServer, free_port, read_burned_timestamp

SLACK_S = 0.5  # time the probe may need beyond its budget to tear a connection down


def test_good_stream_is_online_with_its_properties(rtsp_server: RtspTestServer) -> None:
    result = probe(rtsp_server.url("good"), timeout_s=5, keyframes=2)
    assert result.online, result.message
    assert result.error is None
    assert result.codec == "h264"
    assert (result.width, result.height) == (640, 360)
    assert result.fps == pytest.approx(15, abs=1)
    assert result.bitrate_bps is not None and result.bitrate_bps > 0
    assert result.last_frame_at is not None
    assert len(result.keyframes) == 2
    assert all(frame.shape == (360, 640, 3) and frame.dtype == np.uint8 for frame in result.keyframes)
    # Keyframes only: the stream sends one a second, so two of them span about a second.
    assert result.keyframe_times[1] - result.keyframe_times[0] == pytest.approx(1.0, abs=0.2)
    assert result.elapsed_s < 5


def test_burned_in_timestamp_gives_the_time_a_frame_was_made(rtsp_server: RtspTestServer) -> None:
    result = probe(rtsp_server.url("stamped"), timeout_s=5, keyframes=3)
    received = time.time()
    stamps = [read_burned_timestamp(frame) for frame in result.keyframes]
    made = [stamp for stamp in stamps if stamp is not None]
    assert made, "no keyframe had a readable timestamp"
    assert all(received - 5 < stamp <= received for stamp in made)
    assert read_burned_timestamp(probe(rtsp_server.url("good"), keyframes=1).keyframes[0]) is None


def test_a_camera_that_stops_mid_stream(rtsp_server: RtspTestServer) -> None:
    result = probe(rtsp_server.url("stops"), timeout_s=6, keyframes=10)
    assert result.error is ProbeError.STREAM_ENDED
    # It did send pictures before it stopped: about one keyframe per second it was alive.
    assert 1 <= len(result.keyframes) <= STOP_AFTER_S + 1
    assert result.last_frame_at is not None
    assert result.elapsed_s < 6 + SLACK_S


def test_cameras_encoded_once_are_joined_mid_stream_like_real_ones() -> None:
    """The benchmark's and the demo's server (--encode-once): many mounts fed by one encoder per
    preset; clients probing at the same moment all get a picture, a stopping mount still stops for
    each client, and a timestamp mount still carries the wall-clock time."""
    mounts = {f"cam{i}": "good" for i in range(6)} | {
        "stops": "good:stop_after=2",
        "stamped": "good:timestamp",
    }
    with RtspTestServer(mounts=mounts, encode_once=True) as server:
        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(lambda i: probe(server.url(f"cam{i}"), keyframes=1), range(6)))
        assert all(r.online and r.codec == "h264" and (r.width, r.height) == (640, 360) for r in results)
        stopped = probe(server.url("stops"), timeout_s=6, keyframes=10)
        assert stopped.online and stopped.error == ProbeError.STREAM_ENDED
        stamped = probe(server.url("stamped"), keyframes=3)
        burned = [stamp for stamp in map(read_burned_timestamp, stamped.keyframes) if stamp is not None]
        assert burned and all(0 <= time.time() - stamp < 5 for stamp in burned)


def test_credentials(rtsp_server: RtspTestServer) -> None:
    wrong = probe(rtsp_server.url("secure", user=USER, password="wrong"), timeout_s=3)
    assert (wrong.online, wrong.error) == (False, ProbeError.AUTH_FAILED)
    missing = probe(rtsp_server.url("secure"), timeout_s=3)
    assert (missing.online, missing.error) == (False, ProbeError.AUTH_FAILED)
    right = probe(rtsp_server.url("secure", user=USER, password=PASSWORD), timeout_s=5)
    assert right.online, right.message
    assert right.codec == "h264"


def test_credentials_never_appear_in_the_message(rtsp_server: RtspTestServer) -> None:
    result = probe(rtsp_server.url("secure", user=USER, password="wrong-secret"), timeout_s=3)
    assert "wrong-secret" not in result.message and USER not in result.message


def test_unknown_mount_is_not_found(rtsp_server: RtspTestServer) -> None:
    result = probe(rtsp_server.url("no-such-camera"), timeout_s=3)
    assert (result.online, result.error) == (False, ProbeError.NOT_FOUND)


def test_closed_local_port_is_refused_at_once() -> None:
    result = probe(f"rtsp://127.0.0.1:{free_port()}/cam", timeout_s=3)
    assert (result.online, result.error) == (False, ProbeError.REFUSED)
    assert result.elapsed_s < 1


def test_host_that_never_answers_is_unreachable_within_the_timeout() -> None:
    # A listener whose accept queue is full: Linux drops further SYNs, as for a host that is down.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = [socket.socket() for _ in range(3)]
    try:
        for filler in fillers:
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
        time.sleep(0.1)
        result = probe(f"rtsp://127.0.0.1:{port}/cam", timeout_s=1.5)
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert (result.online, result.error) == (False, ProbeError.UNREACHABLE)
    assert result.elapsed_s < 1.5 + SLACK_S


def test_unknown_host_name_is_unreachable() -> None:
    result = probe("rtsp://camera.invalid/stream", timeout_s=2)
    assert (result.online, result.error) == (False, ProbeError.UNREACHABLE)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "camera-1",
        "ftp://127.0.0.1/stream",
        "file:///etc/passwd",
        "rtsp://",
        "rtsp:///stream",
        "rtsp://127.0.0.1:99999/stream",
        "rtsp://127.0.0.1:0/stream",
        "rtsp://127.0.0.1:port/stream",
        "rtsp://bad host/stream",
        "rtsp://bad_host!/stream",
        "rtsp://127.0.0.1/stream\n",
        "rtsp://[::1/stream",
        "rtsp://" + "a" * 3000,
    ],
)
def test_malformed_url_is_rejected_without_network_access(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access for a malformed URL")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(av, "open", no_network)
    result = probe(url)
    assert (result.online, result.error) == (False, ProbeError.MALFORMED_URL)
    assert result.message
    assert result.elapsed_s < 0.5


@pytest.mark.parametrize(
    "url",
    ["rtsp://user:p%40ss@cam.example.cn:8554/live/ch1", "rtsps://127.0.0.1/a", "https://[2001:db8::1]/s"],
)
def test_well_formed_urls_pass_the_check(url: str) -> None:
    assert parse_source_url(url).hostname


@pytest.fixture
def garbage_port() -> Iterator[int]:
    """Answers every connection with random bytes, as a wrong device on the camera's port might."""
    with faulty.garbage() as port:
        yield port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """Accepts connections and never says a word: a stuck source."""
    with faulty.stalled() as port:
        yield port


def test_garbage_on_the_port_is_not_a_stream(garbage_port: int) -> None:
    result = probe(f"rtsp://127.0.0.1:{garbage_port}/cam", timeout_s=2)
    assert not result.online
    assert result.error in (ProbeError.NOT_A_STREAM, ProbeError.OTHER)
    assert result.elapsed_s < 2 + SLACK_S


def test_garbage_over_http_is_not_a_stream(garbage_port: int) -> None:
    result = probe(f"http://127.0.0.1:{garbage_port}/cam.flv", timeout_s=2)
    assert not result.online
    assert result.error in (ProbeError.NOT_A_STREAM, ProbeError.OTHER, ProbeError.STALLED)
    assert result.elapsed_s < 2 + SLACK_S


def test_a_stuck_source_times_out_within_the_budget(silent_port: int) -> None:
    result = probe(f"rtsp://127.0.0.1:{silent_port}/cam", timeout_s=1.5)
    assert (result.online, result.error) == (False, ProbeError.STALLED)
    assert result.elapsed_s < 1.5 + SLACK_S


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def test_many_probes_leak_no_threads_or_file_descriptors(rtsp_server: RtspTestServer) -> None:
    urls = [
        rtsp_server.url("good"),
        rtsp_server.url("secure", user=USER, password="wrong"),
        rtsp_server.url("no-such-camera"),
        f"rtsp://127.0.0.1:{free_port()}/cam",
        "rtsp://bad host/",
    ]
    probe(urls[0], keyframes=1)  # warm up: FFmpeg starts its lasting helpers on first use
    fds, threads, python_threads = _open_fds(), _os_threads(), threading.active_count()
    for _ in range(4):
        for url in urls:
            probe(url, timeout_s=3, keyframes=1)
    assert _open_fds() <= fds + 2
    assert _os_threads() <= threads + 2
    assert threading.active_count() <= python_threads
    # The server still serves: no pipeline piled up or broke.
    assert probe(urls[0], keyframes=1).online
