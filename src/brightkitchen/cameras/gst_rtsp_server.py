#!/usr/bin/python3
"""RTSP test cameras: several live H.264 mounts on one port, each a GStreamer test pipeline.

A standalone script for the SYSTEM python (GStreamer's RTSP server comes through python3-gi, which the
project's virtualenv cannot import). Start it through `brightkitchen.cameras.teststreams.RtspTestServer`;
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
same time and a frozen mount freezes on its first frame.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's folder would come first on sys.path, where the app's selectors.py would
# shadow the standard library's; drop it (teststreams also runs us with -I).
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

import gi  # type: ignore[import-not-found]  # noqa: E402

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # type: ignore[import-not-found]  # noqa: E402

WIDTH, HEIGHT, FPS = 640, 360, 15

_CAPS = f"video/x-raw,width={WIDTH},height={HEIGHT},framerate={FPS}/1"


def _scene(modifier: str = "identity", overlays: str = "", *, live: bool = True) -> tuple[str, str]:
    """The good picture with a modifier after it: still colour bars with a pinwheel blended over them
    (edges all over the frame, as a real kitchen has) and a bouncing ball in one corner (something
    moves, as cooks do, so consecutive keyframes differ). Not scrolling the whole picture keeps the scene
    the same for the scene change check; no fine texture keeps the encoder from re-drawing it differently
    at every keyframe. (A clock overlay would need GStreamer's pango plugin, which the system packages
    do not include; the timestamp option uses a QR code instead.) `overlays` is one more compositor input
    drawn on top: "PAD PROPERTIES|SOURCE"."""
    ball = "sink_2::xpos=400 sink_2::ypos=180 sink_2::width=240 sink_2::height=180"
    pads = overlays.split("|")[0] if overlays else ""
    chain = f"compositor name=mix sink_1::alpha=0.35 {ball} {pads} ! {_CAPS} ! {modifier}"
    src = "videotestsrc is-live=true" if live else "videotestsrc num-buffers=1"
    branches = (
        f"{src} pattern=smpte75 ! {_CAPS} ! mix.sink_0 "
        f"{src} pattern=pinwheel ! {_CAPS} ! mix.sink_1 "
        f"{src} pattern=ball ! video/x-raw,width=240,height=180,framerate={FPS}/1 ! mix.sink_2"
    )
    if overlays:
        branches += f" {overlays.split('|')[1]} ! {_CAPS} ! mix.sink_3"
    return chain, branches


# Each preset is (the chain producing raw video, extra branches feeding it).
PRESETS: dict[str, tuple[str, str]] = {
    "good": _scene(),
    # Out of focus: a strong Gaussian blur.
    "blurred": _scene("videoconvert ! gaussianblur sigma=6 ! videoconvert"),
    # Underexposed / overexposed; contrast is lowered too so the texture stays (a dim scene, not a cap).
    "dark": _scene("videobalance brightness=-0.05 contrast=0.3"),
    "bright": _scene("videobalance brightness=0.6 contrast=0.35"),
    # A strong green tint over the picture, as with a failed white balance.
    "colour_cast": _scene(
        overlays="sink_3::alpha=0.5|videotestsrc is-live=true pattern=solid-color foreground-color=0xff20c040"
    ),
    # Snow blended over the picture: heavy sensor / transmission noise.
    "noise": _scene(overlays="sink_3::alpha=0.6|videotestsrc is-live=true pattern=snow"),
    # One frame repeated forever, still encoded live (a hung camera or encoder).
    "frozen": (
        _scene(f"imagefreeze is-live=true ! {_CAPS}", live=False)[0],
        _scene(live=False)[1],
    ),
    # A mostly covered lens: a uniform grey card over 90 % of the picture, a strip still visible.
    "occluded": _scene(
        overlays=f"sink_3::width={WIDTH} sink_3::height={int(HEIGHT * 0.9)}"
        "|videotestsrc is-live=true pattern=solid-color foreground-color=0xff6e6e6e"
    ),
    # No signal: the solid blue screen a DVR shows for a lost input.
    "signal_loss": (f"videotestsrc is-live=true pattern=blue ! {_CAPS}", ""),
    # The camera turned to face elsewhere (for the scene change check): a different picture.
    "moved": (f"videotestsrc is-live=true pattern=pinwheel ! {_CAPS}", ""),
}

_ENCODE = (
    f"videoconvert ! video/x-raw,format=I420 ! x264enc tune=zerolatency speed-preset=ultrafast "
    f"key-int-max={FPS} bitrate=600 ! rtph264pay name=pay0 pt=96 config-interval=1"
)


_FOREVER = 2**62


def launch_line(preset: str, *, stop_after: float | None = None, timestamp: bool = False) -> str:
    """The gst-launch description of one mount's pipeline."""
    chain, branches = PRESETS[preset]
    # EOS after that many frames, as a camera that dies mid-stream.
    stop = f"identity eos-after={max(1, int(stop_after * FPS))} ! " if stop_after is not None else ""
    # debugqroverlay draws a QR code with the frame's PTS (and count) into each frame; the wall-clock
    # offset of the PTS is added as extra data on every frame once the first frame has passed.
    stamp = (
        "videoconvert ! debugqroverlay name=stamp x=1 y=1 pixel-size=3 extra-data-name=wall_offset_ns "
        f"extra-data-array=0 extra-data-span-buffers={_FOREVER} extra-data-interval-buffers={_FOREVER} ! "
        if timestamp
        else ""
    )
    return f"( {chain} ! {stop}{stamp}{_ENCODE} {branches} )"


class Factory(GstRtspServer.RTSPMediaFactory):  # type: ignore[misc]
    """Builds one pipeline per client; with a timestamp, burns the frame's wall-clock time into it."""

    def __init__(self, line: str, timestamp: bool) -> None:
        super().__init__()
        self.line = line
        self.timestamp = timestamp
        self.set_launch(line)
        self.set_shared(False)

    def do_configure(self, media: GstRtspServer.RTSPMedia) -> None:
        if not self.timestamp:
            return
        stamp = media.get_element().get_by_name("stamp")

        def first_frame(pad: Gst.Pad, info: Gst.PadProbeInfo) -> Gst.PadProbeReturn:
            # wall-clock time = PTS + offset, for this and every later frame of this client's pipeline.
            pts = info.get_buffer().pts
            stamp.set_property("extra-data-array", str(time.time_ns() - pts))
            return Gst.PadProbeReturn.REMOVE

        stamp.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, first_frame)


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


def parse_mount(text: str) -> tuple[str, str, float | None, bool]:
    name, _, rest = text.partition("=")
    preset, *options = rest.split(":")
    if not name or preset not in PRESETS:
        raise SystemExit(
            f"bad --mount {text!r}: NAME=PRESET[:stop_after=S][:timestamp], PRESET in {sorted(PRESETS)}"
        )
    stop_after: float | None = None
    timestamp = False
    for option in options:
        if option.startswith("stop_after="):
            stop_after = float(option.removeprefix("stop_after="))
        elif option == "timestamp":
            timestamp = True
        else:
            raise SystemExit(f"bad mount option {option!r}")
    return name, preset, stop_after, timestamp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--mount", action="append", default=[], help="NAME=PRESET[:stop_after=S][:timestamp]")
    parser.add_argument("--auth", action="append", default=[], help="NAME=USER:PASS protects mount NAME")
    parser.add_argument("--print-launch", action="store_true", help="print the pipelines and exit")
    args = parser.parse_args(argv)

    mounts = [parse_mount(m) for m in args.mount] or [("good", "good", None, False)]
    credentials: dict[str, tuple[str, str]] = {}
    for item in args.auth:
        name, _, userpass = item.partition("=")
        user, _, password = userpass.partition(":")
        if not (name and user):
            raise SystemExit(f"bad --auth {item!r}: NAME=USER:PASS")
        credentials[name] = (user, password)

    if args.print_launch:
        for name, preset, stop_after, timestamp in mounts:
            print(name, launch_line(preset, stop_after=stop_after, timestamp=timestamp))  # noqa: T201
        return

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_service(str(args.port))
    auth = MountAuth(set(credentials))
    for name, (user, password) in credentials.items():
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", f"user-{name}")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    server.set_auth(auth)

    mount_points = server.get_mount_points()
    for name, preset, stop_after, timestamp in mounts:
        factory = Factory(launch_line(preset, stop_after=stop_after, timestamp=timestamp), timestamp)
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
