"""The naive live-view relay, as the baseline of the fan-out benchmark: aiortc's MediaPlayer opens the
camera and decodes it, MediaRelay shares the decoded frames, and every viewer's connection re-encodes
them with aiortc's own H.264 encoder. Same WHEP shape as the project's relay (POST /whep/<id> with an
SDP offer → 201 answer, GET /healthz), but no grant: it serves one source given on the command line.

    python -m brightkitchen.bench.transcoding_relay --port 8002 --source rtsp://127.0.0.1:8554/good
"""

from __future__ import annotations

import argparse
import asyncio
import secrets

from aiohttp import web
from aiortc import RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer, MediaRelay

SOURCE = web.AppKey("source", str)
STATE: web.AppKey[dict[str, object]] = web.AppKey("state")
PEERS: web.AppKey[dict[str, RTCPeerConnection]] = web.AppKey("peers")
RELAY = web.AppKey("relay", MediaRelay)


def _open(source: str) -> MediaPlayer:
    options = {"rtsp_transport": "tcp"} if source.lower().startswith("rtsp") else {}
    return MediaPlayer(source, options=options, decode=True)


async def _player(app: web.Application) -> MediaPlayer:
    # Opened on the first viewer, as the project's relay does; av.open blocks, so off the loop.
    player = app[STATE].get("player")
    if isinstance(player, MediaPlayer):
        return player
    opened = await asyncio.get_running_loop().run_in_executor(None, _open, app[SOURCE])
    app[STATE]["player"] = opened
    return opened


async def offer(request: web.Request) -> web.StreamResponse:
    sdp = await request.text()
    if "m=video" not in sdp:
        return web.Response(status=400, text="the offer has no video")
    player = await _player(request.app)
    if player.video is None:
        return web.Response(status=503, text="the source has no video")
    pc = RTCPeerConnection()
    session_id = secrets.token_urlsafe(16)
    request.app[PEERS][session_id] = pc
    track = request.app[RELAY].subscribe(player.video, buffered=False)
    transceiver = pc.addTransceiver(track, direction="sendonly")
    # H.264 like the project's relay, so both send the same codec to the same viewers.
    h264 = [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/H264"]
    transceiver.setCodecPreferences(h264)

    @pc.on("connectionstatechange")
    async def _state() -> None:
        if pc.connectionState in ("failed", "closed"):
            request.app[PEERS].pop(session_id, None)
            await pc.close()

    await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
    await pc.setLocalDescription(await pc.createAnswer())
    response = web.Response(status=201, text=pc.localDescription.sdp, content_type="application/sdp")
    response.headers["Location"] = f"/whep/sessions/{session_id}"
    return response


async def healthz(request: web.Request) -> web.StreamResponse:
    return web.json_response({"sessions": len(request.app[PEERS])})


async def _shutdown(app: web.Application) -> None:
    await asyncio.gather(*(pc.close() for pc in app[PEERS].values()), return_exceptions=True)
    player = app[STATE].get("player")
    if isinstance(player, MediaPlayer) and player.video is not None:
        player.video.stop()


def make_app(source: str) -> web.Application:
    app = web.Application()
    app[SOURCE] = source
    app[STATE] = {}
    app[PEERS] = {}
    app[RELAY] = MediaRelay()
    app.router.add_post("/whep/{camera_id}", offer)
    app.router.add_get("/healthz", healthz)
    app.on_shutdown.append(_shutdown)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--source", required=True, help="the camera's address (rtsp://...)")
    args = parser.parse_args(argv)
    web.run_app(make_app(args.source), host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
