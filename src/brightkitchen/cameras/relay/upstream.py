"""One upstream connection per camera, shared by all its viewers, relayed without re-encoding.

A reader thread demuxes the camera's H.264 with PyAV (blocking I/O, so off the event loop) and hands
each packet to the loop, which fans it out to the viewers' tracks. The packets since the last keyframe
(the GOP) are kept, so a new viewer gets them at once, re-timed to a few ticks apart: the browser
decodes up to the live picture immediately instead of waiting for the camera's next keyframe.

The hub opens an upstream on its first viewer and closes it `idle_close_s` after the last one leaves
(a viewer coming back within that time reuses it). An upstream that fails to open or dies fails only
its own viewers; the hub forgets it so the next viewer tries afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from brightkitchen.cameras.probe import open_options
from brightkitchen.core import netpolicy

log = logging.getLogger(__name__)

OPEN_TIMEOUT_S = 8.0
READ_GAP_S = 5.0
MAX_GOP_PACKETS = 600  # cameras with very long GOPs: keep no more than this
VIEWER_QUEUE = 300  # packets a slow viewer may fall behind before it skips to the next keyframe
NAL_SPS = 7


def _nal_types(data: bytes) -> set[int]:
    """The NAL unit types in an Annex B buffer."""
    types: set[int] = set()
    i = data.find(b"\x00\x00\x01")
    while i != -1 and i + 3 < len(data):
        types.add(data[i + 3] & 0x1F)
        i = data.find(b"\x00\x00\x01", i + 3)
    return types


def _copy(packet: av.Packet[Any], pts: int | None = None) -> av.Packet[Any]:
    """A packet of its own (a viewer may re-time it without touching the other viewers' packets)."""
    copy = av.Packet(bytes(packet))
    copy.pts = packet.pts if pts is None else pts
    copy.dts = copy.pts
    copy.time_base = packet.time_base
    return copy


class ViewerTrack(MediaStreamTrack):
    """One viewer's video track: the cached GOP first, then the live packets (av.Packet, which aiortc's
    sender packs into RTP as they are)."""

    kind = "video"

    def __init__(self, upstream: Upstream, gop: list[av.Packet[Any]]) -> None:
        super().__init__()
        self._upstream = upstream
        self._queue: asyncio.Queue[av.Packet[Any] | None] = asyncio.Queue()
        self._waiting_for_keyframe = not gop
        if gop:
            # Re-timed one tick apart, ending at the newest packet's time, so the live packets follow on.
            last = gop[-1].pts or 0
            for i, packet in enumerate(gop):
                self._queue.put_nowait(_copy(packet, max(0, last - (len(gop) - 1 - i))))

    def push(self, packet: av.Packet[Any]) -> None:
        if self._waiting_for_keyframe:
            if not packet.is_keyframe:
                return
            self._waiting_for_keyframe = False
        if self._queue.qsize() >= VIEWER_QUEUE:
            # Too slow (or stalled): drop what is queued and resume at the next keyframe.
            while not self._queue.empty():
                self._queue.get_nowait()
            self._waiting_for_keyframe = not packet.is_keyframe
            if self._waiting_for_keyframe:
                return
        self._queue.put_nowait(packet)

    def end(self) -> None:
        self._queue.put_nowait(None)

    async def recv(self) -> av.Packet[Any]:
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            self.stop()
            raise MediaStreamError
        return packet

    def stop(self) -> None:
        if self.readyState == "live":
            super().stop()
            self._upstream.unsubscribe(self)


class UpstreamFailed(Exception):
    """The camera could not be opened or gives no H.264 picture."""


def checked_open(url: str, options: dict[str, str]) -> tuple[str, dict[str, str]]:
    """What to give FFmpeg for a camera: its address resolved and checked against the outbound policy
    now (the relay opens cameras on grants made up to a minute earlier, and a name may have been
    re-pointed since), with the host replaced by that checked address so that FFmpeg does not resolve
    the name again. Plain HTTP keeps the name in its Host header; HTTPS and RTSPS keep the name (the
    TLS server name), checked here but resolved again by FFmpeg. Raises OutboundRefused, OSError."""
    target = netpolicy.check_url(url)
    if target is None:  # only with unresolved_ok
        raise OSError("the camera's host does not resolve")
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("rtsp", "http") or target.address == target.host.strip("[]"):
        return url, options
    if scheme == "http":
        default = netpolicy.DEFAULT_PORTS["http"]
        host = target.host if target.port == default else f"{target.host}:{target.port}"
        options = {**options, "headers": f"Host: {host}\r\n"}
    return netpolicy.with_address(url, target.address), options


class Upstream:
    """The connection to one camera: a reader thread, the viewers and the cached GOP."""

    def __init__(
        self,
        key: str,
        url: str,
        loop: asyncio.AbstractEventLoop,
        on_done: Callable[[Upstream], None],
        idle_close_s: float,
    ) -> None:
        self.key = key
        self.idle_close_s = idle_close_s
        self._url = url
        self._loop = loop
        self._on_done = on_done
        self.viewers: set[ViewerTrack] = set()
        self.gop: list[av.Packet[Any]] = []
        self.ready: asyncio.Future[None] = loop.create_future()
        self.packets = 0
        self.opened_at = time.monotonic()
        self.closed = False
        self._stop = threading.Event()
        self._idle: asyncio.TimerHandle | None = None
        self._thread = threading.Thread(target=self._read, name=f"relay-{key[:8]}", daemon=True)
        self._thread.start()

    # --- reader thread ----------------------------------------------------------------------------
    def _read(self) -> None:
        error: str | None = None
        try:
            url, options = checked_open(self._url, open_options(self._url, READ_GAP_S))
            with av.open(url, mode="r", options=options, timeout=(OPEN_TIMEOUT_S, READ_GAP_S)) as container:
                if not container.streams.video:
                    raise UpstreamFailed("no video track")
                stream = container.streams.video[0]
                if stream.codec_context.name != "h264":
                    raise UpstreamFailed(f"codec {stream.codec_context.name} is not H.264")
                extradata = bytes(stream.codec_context.extradata or b"")
                # Parameter sets to put before a keyframe that lacks them (cameras that send SPS/PPS only
                # in the SDP); only when FFmpeg gives them in Annex B form.
                parameter_sets = (
                    extradata if extradata.startswith((b"\x00\x00\x01", b"\x00\x00\x00\x01")) else b""
                )
                last_pts = 0
                for packet in container.demux(stream):
                    if self._stop.is_set():
                        break
                    if packet.size == 0:
                        continue
                    if packet.pts is None:
                        # FFmpeg gives the first packets of an RTSP session no timestamp until it can map
                        # the RTP clock; skipping them would skip the first keyframe and wait a whole GOP.
                        packet.pts = packet.dts if packet.dts is not None else last_pts
                    last_pts = packet.pts
                    out: av.Packet[Any] = packet
                    if packet.is_keyframe and parameter_sets and NAL_SPS not in _nal_types(bytes(packet)):
                        out = av.Packet(parameter_sets + bytes(packet))
                        out.pts, out.dts, out.time_base = packet.pts, packet.pts, packet.time_base
                        out.is_keyframe = True
                    self._loop.call_soon_threadsafe(self._deliver, out)
                else:
                    error = "the stream ended"
        except UpstreamFailed as exc:
            error = str(exc)
        except netpolicy.OutboundRefused as exc:
            error = str(exc)
        except Exception as exc:
            # FFmpeg's messages quote the address, password included: never let it reach a log.
            error = f"{type(exc).__name__}: {exc}".replace(self._url, "<source>")
        if self._stop.is_set():
            error = None
        with contextlib.suppress(RuntimeError):  # the loop is already closed (relay shutting down)
            self._loop.call_soon_threadsafe(self._finished, error)

    # --- event loop -------------------------------------------------------------------------------
    def _deliver(self, packet: av.Packet[Any]) -> None:
        if self.closed:
            return
        self.packets += 1
        if packet.is_keyframe:
            self.gop = [packet]
            if not self.ready.done():
                self.ready.set_result(None)
        elif self.gop and len(self.gop) < MAX_GOP_PACKETS:
            self.gop.append(packet)
        for viewer in list(self.viewers):
            viewer.push(packet)

    def _finished(self, error: str | None) -> None:
        if error:
            log.warning("relay upstream %s failed: %s", self.key[:8], error)
        if not self.ready.done():
            self.ready.set_exception(UpstreamFailed(error or "closed"))
            self.ready.exception()  # retrieved: nobody may be waiting any more
        self._close()

    def subscribe(self) -> ViewerTrack:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        viewer = ViewerTrack(self, list(self.gop))
        self.viewers.add(viewer)
        return viewer

    def unsubscribe(self, viewer: ViewerTrack) -> None:
        self.viewers.discard(viewer)
        if not self.viewers and not self.closed and self._idle is None:
            self._idle = self._loop.call_later(self.idle_close_s, self._close)

    def _close(self) -> None:
        """Stop reading and end every viewer's track; the hub forgets this upstream."""
        if self.closed:
            return
        self.closed = True
        self._stop.set()
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        for viewer in list(self.viewers):
            viewer.end()
        self.viewers.clear()
        self.gop = []
        self._on_done(self)


class Hub:
    """The upstreams of one relay process, by camera and source address."""

    def __init__(self, idle_close_s: float = 10.0) -> None:
        self.idle_close_s = idle_close_s
        self.upstreams: dict[str, Upstream] = {}
        self.opened = 0  # how many upstream connections were ever opened (for tests and metrics)

    @staticmethod
    def key(camera_id: int, url: str) -> str:
        # The address is part of the key: a changed source opens a new upstream; hashed, never logged.
        return hashlib.sha256(f"{camera_id}\n{url}".encode()).hexdigest()

    async def watch(self, camera_id: int, url: str, wait_s: float = OPEN_TIMEOUT_S + 2) -> ViewerTrack:
        """A track of this camera for one viewer, once the upstream gives a keyframe; UpstreamFailed when
        the camera cannot be opened (then only this viewer is refused)."""
        key = self.key(camera_id, url)
        upstream = self.upstreams.get(key)
        if upstream is None or upstream.closed:
            upstream = Upstream(key, url, asyncio.get_running_loop(), self._forget, self.idle_close_s)
            self.upstreams[key] = upstream
            self.opened += 1
        viewer = upstream.subscribe()
        try:
            await asyncio.wait_for(asyncio.shield(upstream.ready), wait_s)
        except (UpstreamFailed, TimeoutError) as exc:
            viewer.stop()
            if not upstream.viewers:
                upstream._close()
            raise UpstreamFailed(str(exc) or "no keyframe in time") from None
        return viewer

    def _forget(self, upstream: Upstream) -> None:
        if self.upstreams.get(upstream.key) is upstream:
            del self.upstreams[upstream.key]

    def close(self) -> None:
        for upstream in list(self.upstreams.values()):
            upstream._close()

    def stats(self) -> dict[str, Any]:
        return {
            "upstreams": len(self.upstreams),
            "viewers": sum(len(u.viewers) for u in self.upstreams.values()),
            "opened": self.opened,
        }
