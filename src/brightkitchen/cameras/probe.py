"""Camera probe: is a source online, what does it send, and a few decoded keyframes for quality checks.

`probe(url)` opens an RTSP/RTSPS/HTTP(S) source with PyAV, reads packets of the video stream and
decodes only keyframes (the decoder skips the others), within a hard wall-clock budget. It never raises
for a bad source: every failure becomes a `ProbeResult` with `online=False` and a `ProbeError` kind.

Time budget (`timeout_s`, default 5 s): a plain TCP connect first (a clear refused / unreachable answer
instead of a generic FFmpeg error), then opening the stream with PyAV's open timeout set to what is left,
then reading packets with a per-read timeout of at most `READ_GAP_S`; no read starts unless it could run
out its full per-read timeout before the deadline, so a stuck or lying source is dropped by `timeout_s`.
"""

from __future__ import annotations

import dataclasses
import enum
import errno
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any, cast
from urllib.parse import SplitResult, urlsplit

import av
import av.error
import numpy as np
import numpy.typing as npt
from av.video.codeccontext import VideoCodecContext

from brightkitchen.core import netpolicy

Frame = npt.NDArray[np.uint8]  # a BGR image, height × width × 3

SCHEMES: dict[str, int] = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}
MAX_WIDTH = 640  # decoded keyframes are scaled down to at most this width
GREETING_S = 1.0  # how long the RTSP greeting waits for the first bytes of an answer
READ_GAP_S = 1.0  # the longest silence tolerated between two packets of a live stream
DEFAULT_MAX_PACKETS = 600  # 40 s of 15 fps video: a source sending no keyframe is not waited on forever
# What cameras may send: H.264 (relayed to browsers as it comes) and H.265 (judged; the camera's page says
# the browser view needs H.264). Anything else is refused with UNSUPPORTED_CODEC before decoding.
SUPPORTED_CODECS = ("h264", "hevc")


class ProbeError(enum.StrEnum):
    UNREACHABLE = "unreachable"  # host unknown, no route, or no TCP answer within the budget
    REFUSED = "refused"  # the host answers but nothing listens on the port
    STALLED = "stalled"  # connected, but no picture came within the budget (started, then went silent)
    AUTH_FAILED = "auth_failed"  # missing or wrong credentials (401/403)
    NOT_FOUND = "not_found"  # the server has no such stream (404)
    MALFORMED_URL = "malformed_url"  # rejected before any network I/O
    NOT_A_STREAM = "not_a_stream"  # something answered, but not a media server (garbage, wrong protocol)
    NO_VIDEO = "no_video"  # a stream without a video track
    UNSUPPORTED_CODEC = "unsupported_codec"  # video the platform cannot relay or judge (MJPEG, MPEG-4 …)
    STREAM_ENDED = "stream_ended"  # the source closed before a keyframe could be decoded
    REFUSED_BY_POLICY = "refused_by_policy"  # the address resolved to one the outbound policy forbids
    OTHER = "other"


@dataclass(frozen=True)
class ProbeResult:
    online: bool
    error: ProbeError | None = None
    message: str = ""
    codec: str = ""
    width: int = 0
    height: int = 0
    fps: float | None = None
    bitrate_bps: float | None = None  # bytes of video packets over their time span, in bits per second
    last_frame_at: datetime | None = None  # wall-clock time the last keyframe was decoded
    keyframes: list[Frame] = field(default_factory=list, repr=False)  # BGR, at most MAX_WIDTH wide
    keyframe_times: list[float] = field(default_factory=list)  # stream time of each keyframe, seconds
    packets: int = 0
    elapsed_s: float = 0.0


class MalformedUrl(ValueError):
    pass


def parse_source_url(url: str) -> SplitResult:
    """Checks a camera URL without any network I/O; raises MalformedUrl naming what is wrong."""
    if not isinstance(url, str) or not url or len(url) > 2048:
        raise MalformedUrl("the URL is empty or too long")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise MalformedUrl("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise MalformedUrl(f"the URL cannot be parsed: {exc}") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise MalformedUrl(f"unsupported scheme {parts.scheme!r}; use one of {', '.join(SCHEMES)}")
    host = parts.hostname
    if not host:
        raise MalformedUrl("the URL has no host")
    if port == 0:
        raise MalformedUrl("port 0 is not a valid port")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.rstrip(".").split(".")
        if not all(label and len(label) <= 63 and label.replace("-", "").isalnum() for label in labels):
            raise MalformedUrl(f"{host!r} is not a valid host name") from None
    return parts


def _connect_error(parts: SplitResult, timeout_s: float) -> tuple[ProbeError, str] | None:
    """A plain TCP connect to the source's host and port: None when it answers."""
    host = parts.hostname or ""
    port = parts.port or SCHEMES[parts.scheme.lower()]
    try:
        # Resolved once and checked here, at connect time (a name re-pointed after it was saved, DNS
        # rebinding), and the connection goes to that checked address, not to the name again.
        address = netpolicy.destination(host, port).address
        with socket.create_connection((address, port), timeout=max(timeout_s, 0.05)) as sock:
            if parts.scheme.lower() == "rtsp":
                return _rtsp_greeting_error(sock, parts, min(timeout_s, GREETING_S))
            return None
    except netpolicy.OutboundRefused as exc:
        return ProbeError.REFUSED_BY_POLICY, str(exc)
    except socket.gaierror as exc:
        return ProbeError.UNREACHABLE, f"cannot resolve {host}: {exc.strerror}"
    except ConnectionRefusedError:
        return ProbeError.REFUSED, f"connection refused by {host}:{port}"
    except TimeoutError:
        return ProbeError.UNREACHABLE, f"no answer from {host}:{port} within {timeout_s:.1f} s"
    except OSError as exc:
        if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.EADDRNOTAVAIL):
            return ProbeError.UNREACHABLE, f"{host}:{port} is unreachable: {exc.strerror}"
        return ProbeError.OTHER, f"cannot connect to {host}:{port}: {exc.strerror or exc}"


def _rtsp_greeting_error(
    sock: socket.socket, parts: SplitResult, timeout_s: float
) -> tuple[ProbeError, str] | None:
    """Asks for OPTIONS and looks at the first bytes of the answer: something that answers, but not as an
    RTSP server (garbage, an HTTP proxy, another protocol), is not a camera. Silence is left to FFmpeg,
    whose deadline then reports a timeout."""
    netloc = parts.hostname or ""
    netloc = f"[{netloc}]" if ":" in netloc else netloc
    target = f"rtsp://{netloc}{f':{parts.port}' if parts.port else ''}{parts.path or '/'}"
    try:
        sock.settimeout(max(timeout_s, 0.05))
        sock.sendall(f"OPTIONS {target} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: BrightKitchen\r\n\r\n".encode())
        head = sock.recv(16)
    except OSError:
        return None
    if head and not head.startswith(b"RTSP/1."):
        return ProbeError.NOT_A_STREAM, "the server does not answer as an RTSP server"
    return None


def _classify(exc: BaseException) -> ProbeError:
    """Maps what FFmpeg raised while opening or reading to a probe error kind."""
    if isinstance(exc, av.error.HTTPUnauthorizedError | av.error.HTTPForbiddenError | PermissionError):
        return ProbeError.AUTH_FAILED
    if isinstance(exc, av.error.HTTPNotFoundError):
        return ProbeError.NOT_FOUND
    if isinstance(exc, ConnectionRefusedError):
        return ProbeError.REFUSED
    if isinstance(exc, av.error.ExitError | TimeoutError):
        return ProbeError.STALLED  # PyAV's deadline interrupted FFmpeg, or a socket timed out
    if isinstance(exc, av.error.InvalidDataError | av.error.HTTPClientError | av.error.HTTPServerError):
        return ProbeError.NOT_A_STREAM
    if isinstance(exc, av.error.ConnectionResetError | av.error.EOFError | av.error.BrokenPipeError):
        return ProbeError.STREAM_ENDED
    if isinstance(exc, av.error.OSError) and exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return ProbeError.UNREACHABLE
    return ProbeError.OTHER


def _message(exc: BaseException) -> str:
    # FFmpeg errors repeat the URL as their filename; a source URL may carry credentials, so drop it.
    if isinstance(exc, av.error.HTTPUnauthorizedError):
        return "the camera refused the user name or password (401 Unauthorized)"
    if isinstance(exc, av.error.HTTPForbiddenError):
        return "the camera refused this account access to the stream (403 Forbidden)"
    if isinstance(exc, av.error.FFmpegError):
        return str(exc.strerror or type(exc).__name__)
    return f"{type(exc).__name__}: {exc}"


def _to_bgr(frame: av.VideoFrame) -> Frame:
    width, height = frame.width, frame.height
    if width > MAX_WIDTH:
        height = max(2, round(height * MAX_WIDTH / width / 2) * 2)
        width = MAX_WIDTH
    return cast(Frame, frame.reformat(width=width, height=height, format="bgr24").to_ndarray())


def keyframes_only(context: VideoCodecContext) -> VideoCodecContext:
    """Sets a decoder up to give whole keyframes however the stream is cut into packets.

    The decoder skips the pictures that are not keyframes (cheap: it reads their headers and drops
    them). It is told that a packet may hold part of a picture (CHUNKS): a camera that sends a picture in
    several slices may have them come in several packets, of which only the first is flagged as a
    keyframe; decoding that one alone, or each slice as a picture of its own, gives part of a picture
    (the rest green or black), and every check would judge that."""
    context.skip_frame = "NONKEY"
    context.flags2 |= av.codec.context.Flags2.chunks
    return context


def _first_slice(data: bytes, codec: str) -> tuple[bool, bool] | None:
    """(is a keyframe, starts its picture) of the first slice in an Annex B packet, or None when the
    packet holds no slice (parameter sets only) or is not Annex B. A slice starts its picture when its
    first macroblock (H.264 first_mb_in_slice, ue(v) = 0: a single 1 bit) or segment (H.265
    first_slice_segment_in_pic_flag) is the picture's first."""
    index = data.find(b"\x00\x00\x01")
    while index != -1 and index + 5 < len(data):
        header = data[index + 3 :]
        if codec == "h264":
            kind = header[0] & 0x1F
            if 1 <= kind <= 5:
                return kind == 5, bool(header[1] & 0x80)
        elif codec == "hevc":
            kind = (header[0] >> 1) & 0x3F
            if kind <= 31:
                return 16 <= kind <= 23, bool(header[2] & 0x80)
        else:
            return None
        index = data.find(b"\x00\x00\x01", index + 3)
    return None


class WholePictures:
    """Decodes a stream's packets into whole keyframes (see keyframes_only). A probe joins a live stream
    wherever it is: when its first packet is the rest of a keyframe whose first slices went by before it
    connected, the decoder still makes a picture of it, most of it grey; that picture is dropped, and the
    next keyframe is the first one judged."""

    def __init__(self, context: VideoCodecContext) -> None:
        self.context = context
        self._first_slice_seen = False
        self._to_drop = 0  # pictures still to drop (the decoder may give one only with a later packet)

    def decode(self, packet: av.Packet[Any] | None) -> list[av.VideoFrame]:
        """The whole pictures a packet completes (none while a picture's slices are still coming)."""
        if not self._first_slice_seen and packet is not None:
            first = _first_slice(bytes(packet), self.context.name)
            if first is not None:
                self._first_slice_seen = True
                is_keyframe, starts_picture = first
                self._to_drop = int(is_keyframe and not starts_picture)
        frames = self.context.decode(packet)
        dropped = min(self._to_drop, len(frames))
        self._to_drop -= dropped
        return frames[dropped:]


def open_options(url: str, timeout_s: float) -> dict[str, str]:
    """FFmpeg's options for opening a camera, shared by the probe and the live-view relay."""
    options = {
        # FFmpeg's own socket timeouts, in microseconds (`timeout` for RTSP and HTTP, `rw_timeout` for
        # any protocol), as a second line of defence behind PyAV's deadline.
        "timeout": str(int(timeout_s * 1e6)),
        "rw_timeout": str(int(timeout_s * 1e6)),
        # Look at no more than 0.3 s of stream before returning from open (the default is 5 s): the size
        # comes with the parameter sets, and the frame rate, if the source does not say it, from the
        # timestamps of the packets read after; waiting longer only delays the keyframe.
        "analyzeduration": "300000",
        "probesize": "1000000",
    }
    if url.lower().startswith("rtsp"):
        # Interleaved over the RTSP connection: no UDP ports to open through firewalls and NAT.
        options["rtsp_transport"] = "tcp"
        options["rtsp_flags"] = "prefer_tcp"
    else:
        # A redirect would lead FFmpeg to an address the outbound policy never checked.
        options["max_redirects"] = "0"
    return options


def probe(
    url: str,
    *,
    timeout_s: float = 5.0,
    keyframes: int = 2,
    max_packets: int = DEFAULT_MAX_PACKETS,
) -> ProbeResult:
    """Probes one source within `timeout_s` seconds; never raises for a bad source."""
    started = time.monotonic()
    deadline = started + timeout_s

    def failed(kind: ProbeError, message: str) -> ProbeResult:
        return ProbeResult(online=False, error=kind, message=message, elapsed_s=time.monotonic() - started)

    try:
        parts = parse_source_url(url)
    except MalformedUrl as exc:
        return failed(ProbeError.MALFORMED_URL, str(exc))

    refused = _connect_error(parts, deadline - time.monotonic())
    if refused is not None:
        return failed(*refused)

    read_gap = min(READ_GAP_S, timeout_s / 4)
    open_budget = deadline - time.monotonic()
    if open_budget <= read_gap:
        return failed(ProbeError.STALLED, "no time left to open the stream")
    stalled = f"connected, but no picture within {timeout_s:.1f} s"
    options = open_options(url, open_budget)

    container: av.container.InputContainer | None = None
    codec, width, height, fps = "", 0, 0, None
    frames: list[Frame] = []
    frame_times: list[float] = []
    packets = 0
    last_frame_at: datetime | None = None
    first_time: float | None = None
    last_time: float | None = None
    total_bytes = 0
    ended = False
    failure: tuple[ProbeError, str] | None = None
    try:
        container = av.open(url, mode="r", options=options, timeout=(open_budget, read_gap))
        if not container.streams.video:
            return failed(ProbeError.NO_VIDEO, "the stream has no video track")
        stream = container.streams.video[0]
        context = stream.codec_context
        codec = context.name
        width, height = context.width, context.height
        if codec not in SUPPORTED_CODECS:
            return failed(
                ProbeError.UNSUPPORTED_CODEC,
                f"the camera sends {codec or 'an unknown codec'}; set its video encoding to H.264",
            )
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else None
        pictures = WholePictures(keyframes_only(context))
        time_base: Fraction = stream.time_base or Fraction(1, 90000)
        demux = container.demux(stream)
        while len(frames) < keyframes and packets < max_packets:
            # A read may wait up to `read_gap`; do not start one that could end past the deadline.
            if time.monotonic() + read_gap > deadline:
                break
            packet = next(demux, None)
            if packet is None or packet.size == 0:
                ended = True
                break
            packets += 1
            total_bytes += packet.size
            if packet.pts is not None:
                moment = float(packet.pts * time_base)
                first_time = moment if first_time is None else min(first_time, moment)
                last_time = moment if last_time is None else max(last_time, moment)
            # Every packet goes to the decoder (see keyframes_only), not only those flagged as keyframes.
            for frame in pictures.decode(packet):
                frames.append(_to_bgr(frame))
                frame_times.append(float(frame.time) if frame.time is not None else 0.0)
                last_frame_at = datetime.now(UTC)
                width, height = width or frame.width, height or frame.height
    except Exception as exc:  # every failure of a source becomes a result, never a crash
        kind = _classify(exc)
        if time.monotonic() >= deadline - 0.05 and kind in (ProbeError.NOT_A_STREAM, ProbeError.OTHER):
            # FFmpeg interrupted by the deadline often reports bad data rather than an interruption.
            kind = ProbeError.STALLED
        # The connection was made (checked above): silence until the deadline is a stalled source, said
        # in those words rather than in whatever FFmpeg was doing when it was interrupted.
        failure = (kind, stalled if kind is ProbeError.STALLED else _message(exc))
    finally:
        if container is not None:
            try:
                container.close()
            except Exception:  # closing a broken connection may fail too; there is nothing left to do
                pass

    span = (last_time - first_time) if first_time is not None and last_time is not None else 0.0
    if fps is None and span > 0 and packets > 1:
        fps = (packets - 1) / span
    bitrate = total_bytes * 8 / span if span > 0 else None
    found = ProbeResult(
        online=bool(frames),
        codec=codec,
        width=width,
        height=height,
        fps=fps,
        bitrate_bps=bitrate,
        last_frame_at=last_frame_at,
        keyframes=frames,
        keyframe_times=frame_times,
        packets=packets,
        elapsed_s=time.monotonic() - started,
    )
    if not frames:
        if failure is not None:
            return dataclasses.replace(found, error=failure[0], message=failure[1])
        if ended:
            return dataclasses.replace(
                found, error=ProbeError.STREAM_ENDED, message="the source closed before sending a keyframe"
            )
        if packets >= max_packets:
            return dataclasses.replace(
                found, error=ProbeError.STALLED, message=f"no keyframe in the first {packets} packets"
            )
        return dataclasses.replace(found, error=ProbeError.STALLED, message=stalled)
    if failure is not None or (ended and len(frames) < keyframes):
        # It was online, then stopped or broke: the frames seen are kept, and the error says it ended.
        message = failure[1] if failure is not None else "the source closed mid-stream"
        return dataclasses.replace(found, error=ProbeError.STREAM_ENDED, message=message)
    return found
