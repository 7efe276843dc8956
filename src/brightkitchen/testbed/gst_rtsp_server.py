#!/usr/bin/python3
"""RTSP test cameras: several live H.264 mounts on one port, each a GStreamer test pipeline.

A standalone script for the SYSTEM python (GStreamer's RTSP server comes through python3-gi, which the
project's virtualenv cannot import). Start it through `brightkitchen.testbed.streams.RtspTestServer`;
by hand:

    /usr/bin/python3 gst_rtsp_server.py --port 8554 --mount cam=good --mount dark=dark \
        --mount stops=good:stop_after=3 --mount ts=good:timestamp --auth cam=user:secret

A mount is ``NAME=PRESET`` with optional ``:stop_after=SECONDS`` (the stream ends with EOS after that
long, as a camera that dies mid-stream) and ``:timestamp`` (a QR code burned into every frame from
which `teststreams.read_burned_timestamp` gets the wall-clock time the frame was made, to the
millisecond, for the latency benchmark). ``--auth NAME=USER:PASS`` protects a mount with RTSP basic
authentication; the others stay open. "ready" is printed once the port listens. Presets: see PRESETS
(good, blurred, dark, bright, colour_cast, noise, frozen, occluded, signal_loss, moved).

Every client gets its own pipeline (not shared), so a stopping mount stops for each client after the
same time and a frozen mount freezes on its first frame. By default each client's pipeline also
draws and encodes its own picture, and starts with a keyframe. With ``--encode-once`` the picture of
each preset is encoded once, by an encoder that runs while some client watches, and every client's
pipeline only packs those H.264 frames into RTP: the way real cameras behave (each encodes on its own
chip and a client joins mid-GOP, waiting for the next keyframe), and cheap enough to serve hundreds
of cameras from one core, so that benchmarks measure the client, not this server.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's folder would come first on sys.path, where the app's selectors.py would
# shadow the standard library's; drop it (teststreams also runs us with -I).
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import functools  # noqa: E402
import signal  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import gi  # type: ignore[import-not-found]  # noqa: E402

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # type: ignore[import-not-found]  # noqa: E402

WIDTH, HEIGHT, FPS = 640, 360, 15


def _caps(width: int = WIDTH, height: int = HEIGHT) -> str:
    return f"video/x-raw,width={width},height={height},framerate={FPS}/1"


_CAPS = _caps()


def _scene(
    modifier: str = "identity",
    overlay: tuple[str, str] | None = None,
    *,
    live: bool = True,
    size: tuple[int, int] = (WIDTH, HEIGHT),
    live_inputs: bool = False,
) -> tuple[str, str]:
    """The good picture with a modifier after it: still colour bars with a pinwheel blended over them
    (edges all over the frame, as a real kitchen has) and a bouncing ball in one corner (something
    moves, as cooks do, so consecutive keyframes differ). Not scrolling the whole picture keeps the scene
    the same for the scene change check; no fine texture keeps the encoder from re-drawing it differently
    at every keyframe. (A clock overlay would need GStreamer's pango plugin, which the system packages
    do not include; the timestamp option uses a QR code instead.) `overlay` is one more compositor input
    drawn on top: (its pad properties, its source)."""
    width, height = size
    caps = _caps(width, height)
    bw, bh = width * 3 // 8, height // 2
    ball = f"sink_2::xpos={width - bw} sink_2::ypos={height - bh} sink_2::width={bw} sink_2::height={bh}"
    pads = overlay[0] if overlay else ""
    # The inputs are not live: a compositor then waits for a picture on every input before it gives out
    # a frame, so no frame ever lacks one (a live compositor gives out what it has when its latency is up:
    # on a loaded machine a late input left its grey checkerboard background showing, which the noise
    # check rightly calls noise, or a frame without its overlay, which reads as a clean picture). The
    # clock sync after it paces the frames to real time, as a camera sends them.
    # `live_inputs` (the timestamped mounts of the latency measurements): live inputs as before, because
    # the stamp's wall-clock offset is taken from the first frame and a paused pipeline's first frame
    # (prerolled before it plays) would skew it; those mounts are never judged on their picture.
    pace = " ! clocksync" if live and not live_inputs else ""
    chain = f"compositor name=mix sink_1::alpha=0.35 {ball} {pads} ! {caps} ! {modifier}{pace}"
    if live:
        src = "videotestsrc is-live=true" if live_inputs else "videotestsrc"
    else:
        src = "videotestsrc num-buffers=1"
    branches = (
        f"{src} pattern=smpte75 ! {caps} ! mix.sink_0 "
        f"{src} pattern=pinwheel ! {caps} ! mix.sink_1 "
        # The ball drawn at one size and scaled, so it covers the same share of any picture size.
        f"{src} pattern=ball ! video/x-raw,width=240,height=180,framerate={FPS}/1 ! videoscale ! "
        f"video/x-raw,width={bw},height={bh} ! mix.sink_2"
    )
    if overlay:
        branches += f" {overlay[1]} ! {caps} ! mix.sink_3"
    return chain, branches


def _rescaled(size: tuple[int, int], factor: float) -> str:
    """Out of focus by `factor`: the picture scaled down by it and back up to its size."""
    small = f"video/x-raw,width={int(size[0] / factor) // 2 * 2},height={int(size[1] / factor) // 2 * 2}"
    return f"videoscale method=bilinear ! {small} ! videoscale method=bilinear ! {_caps(*size)}"


def _solid(colour: str) -> str:
    return f"videotestsrc pattern=solid-color foreground-color={colour}"


def _card(share: float, colour: str, size: tuple[int, int]) -> tuple[str, str]:
    """A uniform card over the top `share` of the picture (a lens partly or mostly covered)."""
    return f"sink_3::width={size[0]} sink_3::height={int(size[1] * share)}", _solid(colour)


def _preset_chain(preset: str, size: tuple[int, int], *, live_inputs: bool = False) -> tuple[str, str]:
    """(the chain producing raw video, extra branches feeding it) of a preset at a picture size.

    Defects come in two strengths: one clearly a fault (the name of the check it must fail) and one a
    working camera still has (a dim room, a soft lens, some grain, a slight tint, a corner covered by a
    hood), which must pass every check. `bench diagnosis` and the tests hold both to their verdict."""
    caps = _caps(*size)
    scene = functools.partial(_scene, live_inputs=live_inputs)
    scenes: dict[str, tuple[str, str]] = {
        "good": scene(size=size),
        # Out of focus: a strong Gaussian blur; "soft": a slightly soft lens.
        # (Scaled down and up again: a blur that costs the server little at any size.)
        "blurred": scene(_rescaled(size, 12), size=size),
        "soft": scene(_rescaled(size, 1.5), size=size),
        # Underexposed / overexposed; contrast is lowered too so the texture stays (a dim scene, not a cap).
        "dark": scene("videobalance brightness=-0.05 contrast=0.3", size=size),
        "dim": scene("videobalance brightness=-0.1 contrast=0.75", size=size),
        "bright": scene("videobalance brightness=0.6 contrast=0.35", size=size),
        # The lights off (almost black, nothing to see) and a picture blown out by glare (almost white):
        # flat pictures, but no covered lens: too dark and too bright, not occlusion.
        "night": scene("videobalance brightness=-0.5 contrast=0.08", size=size),
        "glare": scene("videobalance brightness=0.9 contrast=0.08", size=size),
        "lit": scene("videobalance brightness=0.12 contrast=0.85", size=size),
        # A strong green tint over the picture, as with a failed white balance; "tint": a slight one.
        "colour_cast": scene(overlay=("sink_3::alpha=0.5", _solid("0xff20c040")), size=size),
        "tint": scene(overlay=("sink_3::alpha=0.08", _solid("0xff20c040")), size=size),
        # Snow blended over the picture: heavy sensor / transmission noise; "grain": a little.
        "noise": scene(overlay=("sink_3::alpha=0.6", "videotestsrc pattern=snow"), size=size),
        "grain": scene(overlay=("sink_3::alpha=0.04", "videotestsrc pattern=snow"), size=size),
        # One frame repeated forever, still encoded live (a hung camera or encoder).
        "frozen": (
            scene(f"imagefreeze is-live=true ! {caps}", live=False, size=size)[0],
            scene(live=False, size=size)[1],
        ),
        # A mostly covered lens: a uniform grey card over 90 % of the picture, a strip still visible;
        # "occluded_black": a black one (a hand or a cap: dark, but no edges at all, not a dim room);
        # "corner": a hood over a fifth of the picture, as many kitchen cameras see.
        "occluded": scene(overlay=_card(0.9, "0xff6e6e6e", size), size=size),
        "occluded_black": scene(overlay=_card(0.9, "0xff080808", size), size=size),
        "corner": scene(overlay=_card(0.2, "0xff6e6e6e", size), size=size),
        # No signal: the solid blue screen a DVR shows for a lost input.
        "signal_loss": (f"videotestsrc is-live=true pattern=blue ! {caps}", ""),
        # The camera turned to face elsewhere (for the scene change check): another view, still live.
        "moved": scene("videoflip video-direction=180", size=size),
    }
    return scenes[preset]


PRESETS = (
    "good",
    "blurred",
    "soft",
    "dark",
    "dim",
    "bright",
    "lit",
    "night",
    "glare",
    "colour_cast",
    "tint",
    "noise",
    "grain",
    "frozen",
    "occluded",
    "occluded_black",
    "corner",
    "signal_loss",
    "moved",
)

# How a mount encodes: H.264 as libx264 with tune=zerolatency sends it (one slice per thread: several
# slices per picture, as many IP cameras), H.264 in one slice per picture, H.265, or Motion JPEG (which
# some cameras are set to, and the platform does not take).
CODECS = ("h264", "h264-single", "h265", "mjpeg")


def _bitrate(size: tuple[int, int]) -> int:
    """kbit/s: 600 at 640×360, in proportion to the picture's area (2400 at 1280×720), as cameras are set.
    One rate for every size starves the larger pictures: at 720p the encoder smoothed heavy noise down to
    the noise check's threshold, and the verdict depended on the rate control's state."""
    return round(600 * size[0] * size[1] / (WIDTH * HEIGHT))


def _encoder(codec: str, gop: int = FPS, size: tuple[int, int] = (WIDTH, HEIGHT)) -> str:
    raw = "videoconvert ! video/x-raw,format=I420 ! "
    bitrate = _bitrate(size)
    if codec == "h264":
        return raw + (
            "x264enc tune=zerolatency speed-preset=ultrafast sliced-threads=true threads=4 "
            f"key-int-max={gop} bitrate={bitrate}"
        )
    if codec == "h264-single":
        return raw + (
            "x264enc tune=zerolatency speed-preset=ultrafast sliced-threads=false threads=1 "
            f"key-int-max={gop} bitrate={bitrate}"
        )
    if codec == "h265":
        return raw + (
            "x265enc tune=zerolatency speed-preset=ultrafast "
            f"key-int-max={gop} bitrate={bitrate} ! video/x-h265,profile=main"
        )
    if codec == "mjpeg":
        return raw + "jpegenc quality=70"
    raise ValueError(codec)


def _payloader(codec: str) -> str:
    kind = {"h264": "rtph264pay", "h264-single": "rtph264pay", "h265": "rtph265pay", "mjpeg": "rtpjpegpay"}
    interval = "" if codec == "mjpeg" else " config-interval=1"
    return f"{kind[codec]} name=pay0 pt=96{interval}"


def _x264(gop: int = FPS) -> str:
    return _encoder("h264", gop)


_PAY = _payloader("h264")
_H264_FRAMES = "video/x-h264,stream-format=byte-stream,alignment=au"


_FOREVER = 2**62
MAX_CLIENT_THREADS = 256


def _stop(stop_after: float | None) -> str:
    # EOS after that many frames, as a camera that dies mid-stream.
    return f"identity eos-after={max(1, int(stop_after * FPS))} ! " if stop_after is not None else ""


def _stamp(timestamp: bool) -> str:
    # debugqroverlay draws a QR code with the frame's PTS (and count) into each frame; the wall-clock
    # offset of the PTS is added as extra data on every frame once the first frame has passed.
    return (
        "videoconvert ! debugqroverlay name=stamp x=1 y=1 pixel-size=3 extra-data-name=wall_offset_ns "
        f"extra-data-array=0 extra-data-span-buffers={_FOREVER} extra-data-interval-buffers={_FOREVER} ! "
        if timestamp
        else ""
    )


def launch_line(
    preset: str,
    *,
    stop_after: float | None = None,
    timestamp: bool = False,
    codec: str = "h264",
    size: tuple[int, int] = (WIDTH, HEIGHT),
) -> str:
    """The gst-launch description of one mount's pipeline."""
    chain, branches = _preset_chain(preset, size, live_inputs=timestamp)
    encode = f"{_encoder(codec, size=size)} ! {_payloader(codec)}"
    return f"( {chain} ! {_stop(stop_after)}{_stamp(timestamp)}{encode} {branches} )"


def encoder_line(preset: str, *, timestamp: bool = False, gop: int = FPS) -> str:
    """With --encode-once: a pipeline encoding a preset's picture for the clients of several mounts."""
    chain, branches = _preset_chain(preset, (WIDTH, HEIGHT), live_inputs=timestamp)
    sink = "appsink name=out emit-signals=true sync=false max-buffers=8 drop=true"
    return f"{chain} ! {_stamp(timestamp)}{_x264(gop)} ! {_H264_FRAMES} ! {sink} {branches}"


# With --encode-once, each preset has this many encoders, the mounts dealt out over them, with GOPs of
# slightly different lengths (about a second). Real cameras send their keyframes at times of their own;
# were all mounts one encoder, every client connecting at the same moment would wait for the very same
# keyframe, and a sweep would advance in lockstep, a GOP per wave.
ENCODERS_PER_PRESET = 5
GOPS = tuple(FPS - ENCODERS_PER_PRESET // 2 + i for i in range(ENCODERS_PER_PRESET))


def packer_line(*, stop_after: float | None = None) -> str:
    """With --encode-once: a client's pipeline, packing the shared encoder's frames into RTP."""
    source = f"appsrc name=src is-live=true do-timestamp=true format=time caps={_H264_FRAMES}"
    return f"( {source} ! {_stop(stop_after)}h264parse ! {_PAY} )"


def _stamp_wall_clock(stamp: Gst.Element) -> None:
    """Sets the wall-clock offset of the frames' PTS on the QR overlay when its first frame passes."""

    def first_frame(pad: Gst.Pad, info: Gst.PadProbeInfo) -> Gst.PadProbeReturn:
        # wall-clock time = PTS + offset, for this and every later frame of the pipeline.
        pts = info.get_buffer().pts
        stamp.set_property("extra-data-array", str(time.time_ns() - pts))
        return Gst.PadProbeReturn.REMOVE

    stamp.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, first_frame)


def _parameter_sets(access_unit: bytes) -> bytes:
    """The SPS and PPS NAL units (types 7 and 8) of an H.264 access unit in Annex B form."""
    starts = []
    i = access_unit.find(b"\x00\x00\x01")
    while i != -1:
        starts.append(i + 3)
        i = access_unit.find(b"\x00\x00\x01", i + 3)
    kept = b""
    for n, start in enumerate(starts):
        end = starts[n + 1] - 3 if n + 1 < len(starts) else len(access_unit)
        if start < len(access_unit) and access_unit[start] & 0x1F in (7, 8):
            kept += b"\x00\x00\x00\x01" + access_unit[start:end].rstrip(b"\x00")
    return kept


class Encoder:
    """One preset's picture, encoded once for every client of every mount showing it (--encode-once).

    Started by its first client and stopped IDLE_STOP_S after its last, so an idle server costs nothing.
    Frames go to the clients' appsrc elements with their timestamps cleared: each client's pipeline
    stamps them with its own running time as they arrive."""

    IDLE_STOP_S = 10

    def __init__(self, preset: str, timestamp: bool, gop: int = FPS) -> None:
        self.line = encoder_line(preset, timestamp=timestamp, gop=gop)
        self.timestamp = timestamp
        self.pipeline: Gst.Element | None = None
        self.clients: list[Gst.Element] = []
        self.lock = threading.Lock()
        self.idle_timer = 0
        # The SPS and PPS of the last keyframe: a new client gets them first, so that its DESCRIBE is
        # answered at once (a camera knows its parameter sets), not at the next keyframe.
        self.parameter_sets = b""

    def attach(self, appsrc: Gst.Element) -> None:
        # RTSP clients may be served from several threads: the pipeline is made once, under the lock.
        with self.lock:
            self.clients.append(appsrc)
            if self.parameter_sets:
                appsrc.emit("push-buffer", Gst.Buffer.new_wrapped(self.parameter_sets))
            if self.idle_timer:
                GLib.source_remove(self.idle_timer)
                self.idle_timer = 0
            if self.pipeline is None:
                self.pipeline = Gst.parse_launch(self.line)
                self.pipeline.get_by_name("out").connect("new-sample", self._fan_out)
                if self.timestamp:
                    _stamp_wall_clock(self.pipeline.get_by_name("stamp"))
                self.pipeline.set_state(Gst.State.PLAYING)

    def detach(self, appsrc: Gst.Element) -> None:
        with self.lock:
            if appsrc in self.clients:
                self.clients.remove(appsrc)
            if not self.clients and self.pipeline is not None and not self.idle_timer:
                self.idle_timer = GLib.timeout_add_seconds(self.IDLE_STOP_S, self._stop_if_idle)

    def _stop_if_idle(self) -> bool:
        with self.lock:
            self.idle_timer = 0
            pipeline = self.pipeline if not self.clients else None
            if pipeline is not None:
                self.pipeline = None
        # Outside the lock: stopping waits for the streaming thread, which may be waiting for the lock.
        if pipeline is not None:
            pipeline.set_state(Gst.State.NULL)
        return False

    def _fan_out(self, sink: Gst.Element) -> Gst.FlowReturn:
        buffer = sink.emit("pull-sample").get_buffer()
        keyframe = not buffer.has_flags(Gst.BufferFlags.DELTA_UNIT)
        with self.lock:
            if keyframe:
                self.parameter_sets = _parameter_sets(buffer.extract_dup(0, buffer.get_size()))
            clients = list(self.clients)
        for appsrc in clients:
            frame = buffer.copy()
            frame.pts = frame.dts = Gst.CLOCK_TIME_NONE
            appsrc.emit("push-buffer", frame)
        return Gst.FlowReturn.OK


class PackerFactory(GstRtspServer.RTSPMediaFactory):  # type: ignore[misc]
    """A mount served from a shared Encoder: each client's pipeline is appsrc → RTP (--encode-once)."""

    def __init__(self, encoder: Encoder, stop_after: float | None) -> None:
        super().__init__()
        self.encoder = encoder
        self.set_launch(packer_line(stop_after=stop_after))
        self.set_shared(False)

    def do_configure(self, media: GstRtspServer.RTSPMedia) -> None:
        appsrc = media.get_element().get_by_name("src")
        self.encoder.attach(appsrc)
        media.connect("unprepared", lambda _media: self.encoder.detach(appsrc))


class Factory(GstRtspServer.RTSPMediaFactory):  # type: ignore[misc]
    """Builds one pipeline per client; with a timestamp, burns the frame's wall-clock time into it."""

    def __init__(self, line: str, timestamp: bool) -> None:
        super().__init__()
        self.line = line
        self.timestamp = timestamp
        self.set_launch(line)
        self.set_shared(False)

    def do_configure(self, media: GstRtspServer.RTSPMedia) -> None:
        if self.timestamp:
            _stamp_wall_clock(media.get_element().get_by_name("stamp"))


class MountAuth(GstRtspServer.RTSPAuth):  # type: ignore[misc]
    """Anonymous clients may use open mounts; on a protected mount they get 401 with a Basic challenge.

    GstRTSPAuth answers 401 only when the client's token has no role, and 404 when the role lacks the
    permission; FFmpeg sends credentials only after a 401. So an anonymous client gets a role-less default
    token on a protected mount (401 → the client retries with its credentials) and the "anonymous" role
    elsewhere. RTSP requests are handled on the one main loop, so switching the default token is safe.
    """

    def __init__(self, protected: set[str]) -> None:
        super().__init__()
        self.protected = protected
        self.anonymous = GstRtspServer.RTSPToken()
        self.anonymous.set_string("media.factory.role", "anonymous")
        self.challenge = GstRtspServer.RTSPToken()
        self.challenge.set_string("challenge", "basic")

    def do_check(self, ctx: GstRtspServer.RTSPContext, check: str) -> bool:
        path = ctx.uri.abspath if ctx.uri is not None else ""
        mount = path.strip("/").split("/")[0]
        self.set_default_token(self.challenge if mount in self.protected else self.anonymous)
        allowed: bool = GstRtspServer.RTSPAuth.do_check(self, ctx, check)
        return allowed


@dataclass(frozen=True)
class Mount:
    name: str
    preset: str
    stop_after: float | None = None
    timestamp: bool = False
    codec: str = "h264"
    size: tuple[int, int] = (WIDTH, HEIGHT)


MOUNT_SYNTAX = "NAME=PRESET[:stop_after=S][:timestamp][:codec=CODEC][:size=WxH]"


def parse_mount(text: str) -> Mount:
    name, _, rest = text.partition("=")
    preset, *options = rest.split(":")
    if not name or preset not in PRESETS:
        raise SystemExit(f"bad --mount {text!r}: {MOUNT_SYNTAX}, PRESET in {sorted(PRESETS)}")
    mount = Mount(name, preset)
    for option in options:
        key, _, value = option.partition("=")
        try:
            if key == "stop_after":
                mount = dataclasses.replace(mount, stop_after=float(value))
            elif key == "timestamp" and not value:
                mount = dataclasses.replace(mount, timestamp=True)
            elif key == "codec" and value in CODECS:
                mount = dataclasses.replace(mount, codec=value)
            elif key == "size":
                width, height = (int(n) for n in value.split("x"))
                mount = dataclasses.replace(mount, size=(width, height))
            else:
                raise ValueError(option)
        except ValueError:
            raise SystemExit(f"bad mount option {option!r}: {MOUNT_SYNTAX}, CODEC in {CODECS}") from None
    return mount


def mount_line(m: Mount) -> str:
    return launch_line(m.preset, stop_after=m.stop_after, timestamp=m.timestamp, codec=m.codec, size=m.size)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--mount", action="append", default=[], help=MOUNT_SYNTAX)
    parser.add_argument("--auth", action="append", default=[], help="NAME=USER:PASS protects mount NAME")
    parser.add_argument(
        "--encode-once", action="store_true", help="encode each preset once for all clients (see above)"
    )
    parser.add_argument("--print-launch", action="store_true", help="print the pipelines and exit")
    args = parser.parse_args(argv)

    mounts = [parse_mount(m) for m in args.mount] or [Mount("good", "good")]
    credentials: dict[str, tuple[str, str]] = {}
    for item in args.auth:
        name, _, userpass = item.partition("=")
        user, _, password = userpass.partition(":")
        if not (name and user):
            raise SystemExit(f"bad --auth {item!r}: NAME=USER:PASS")
        credentials[name] = (user, password)

    if args.print_launch:
        for m in mounts:
            line = launch_line(
                m.preset, stop_after=m.stop_after, timestamp=m.timestamp, codec=m.codec, size=m.size
            )
            print(m.name, line)  # noqa: T201
        return

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_service(str(args.port))
    # The pool's default is one thread for all clients: with --encode-once a client's DESCRIBE waits for
    # the encoder's next keyframe, and one waiting client would hold up every other.
    server.get_thread_pool().set_max_threads(MAX_CLIENT_THREADS)
    auth = MountAuth(set(credentials))
    for name, (user, password) in credentials.items():
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", f"user-{name}")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    server.set_auth(auth)

    mount_points = server.get_mount_points()
    encoders: dict[tuple[str, bool, int], Encoder] = {}
    dealt: dict[tuple[str, bool], int] = {}
    for m in mounts:
        factory: GstRtspServer.RTSPMediaFactory
        if args.encode_once and (m.codec, m.size) == ("h264", (WIDTH, HEIGHT)):
            n = dealt[m.preset, m.timestamp] = dealt.get((m.preset, m.timestamp), -1) + 1
            gop = GOPS[n % ENCODERS_PER_PRESET]
            key = (m.preset, m.timestamp, gop)
            encoder = encoders.setdefault(key, Encoder(m.preset, m.timestamp, gop))
            factory = PackerFactory(encoder, m.stop_after)
        else:
            line = launch_line(
                m.preset, stop_after=m.stop_after, timestamp=m.timestamp, codec=m.codec, size=m.size
            )
            factory = Factory(line, m.timestamp)
        name = m.name
        role = f"user-{name}" if name in credentials else "anonymous"
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role(role, "media.factory.access", True)
        permissions.add_permission_for_role(role, "media.factory.construct", True)
        factory.set_permissions(permissions)
        mount_points.add_factory(f"/{name}", factory)

    if server.attach(None) == 0:
        raise SystemExit(f"cannot listen on port {args.port}")
    loop = GLib.MainLoop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, lambda: loop.quit() or False)
    # Sessions of clients that vanished are dropped every few seconds, so pipelines do not pile up.
    GLib.timeout_add_seconds(2, lambda: server.get_session_pool().cleanup() >= 0)
    print("ready", flush=True)  # noqa: T201 — teststreams waits for this line
    loop.run()


if __name__ == "__main__":
    main(sys.argv[1:])
