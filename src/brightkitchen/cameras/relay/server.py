"""The WHEP endpoint of the live-view relay (aiohttp + aiortc), runnable beside the web server or on
machines of its own: it needs only the grant key, never the database.

    POST   /whep/<camera id>          Authorization: Bearer <grant>, body: SDP offer
           → 201, the SDP answer, Location: /whep/sessions/<id>
    DELETE /whep/sessions/<id>        → 200, the viewer's connection closed
    GET    /healthz                   → counts of upstreams and viewers

A missing, forged or expired grant, or one for another camera, gets 403; a camera that gives no
picture gets 503 (that viewer only). Offers are answered whole (no trickle ICE): aiortc gathers its
candidates before the answer is sent.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass

from aiohttp import web
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCRtpSender, RTCSessionDescription

from brightkitchen.cameras import grants
from brightkitchen.cameras.relay.upstream import Hub, UpstreamFailed, ViewerTrack

log = logging.getLogger(__name__)

MAX_OFFER_BYTES = 64 * 1024
MAX_SESSIONS = 1000  # per relay process; more viewers means more relays (each its own CPU and uplink)


@dataclass(frozen=True)
class RelayConfig:
    key: bytes  # grants.relay_key()
    idle_close_s: float = 10.0
    grant_ttl_s: int = grants.GRANT_TTL_S
    # A viewer that never completes its connection (gone before the answer was applied) is dropped
    # after this, so it does not hold the camera's upstream open.
    connect_timeout_s: float = 30.0
    # Origins whose pages may post offers (the web server's); "*" allows any.
    allowed_origins: frozenset[str] = frozenset({"*"})
    # STUN/TURN servers for the relay's side of the connection (RELAY_ICE_SERVERS). None by default:
    # aiortc would otherwise ask a public STUN server on the internet, which a platform on a closed
    # government network cannot reach, and each answer would wait for it.
    ice_servers: tuple[str, ...] = ()


@dataclass
class Session:
    pc: RTCPeerConnection
    track: ViewerTrack


HUB = web.AppKey("hub", Hub)
CONFIG = web.AppKey("config", RelayConfig)
SESSIONS: web.AppKey[dict[str, Session]] = web.AppKey("sessions")


def _cors(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    origin = request.headers.get("Origin", "")
    allowed = request.app[CONFIG].allowed_origins
    if origin and ("*" in allowed or origin in allowed):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Allow-Methods"] = "POST, DELETE, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Expose-Headers"] = "Location"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def _text(request: web.Request, status: int, text: str) -> web.StreamResponse:
    return _cors(request, web.Response(status=status, text=text))


async def preflight(request: web.Request) -> web.StreamResponse:
    return _cors(request, web.Response(status=204))


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _without_mdns_candidates(sdp: str) -> str:
    """The offer without its mDNS (".local") candidates. Browsers hide their addresses behind such names,
    and resolving each would hold the answer up to a second; the browser's connectivity checks reach
    the relay's own candidates anyway, and the relay learns the browser's address from them (a peer-
    reflexive candidate)."""
    lines = sdp.splitlines(keepends=True)
    return "".join(line for line in lines if not (line.startswith("a=candidate:") and ".local " in line))


async def offer(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    try:
        camera_id = int(request.match_info["camera_id"])
        grant = grants.verify(_bearer(request), camera_id, config.key, config.grant_ttl_s)
    except (ValueError, grants.InvalidGrant):
        return _text(request, 403, "forbidden: no valid grant for this camera")
    if request.content_type != "application/sdp":
        return _text(request, 415, "the offer must be application/sdp")
    if request.content_length is not None and request.content_length > MAX_OFFER_BYTES:
        return _text(request, 413, "offer too large")
    sessions = request.app[SESSIONS]
    if len(sessions) >= MAX_SESSIONS:
        return _text(request, 503, "relay full")
    sdp = _without_mdns_candidates(await request.text())
    if "m=video" not in sdp:
        return _text(request, 400, "the offer has no video")
    try:
        track = await request.app[HUB].watch(camera_id, grant.source_url)
    except UpstreamFailed:
        return _text(request, 503, "the camera gives no picture right now")
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[RTCIceServer(url) for url in config.ice_servers]))
    try:
        # The transceiver is made before the offer is applied, so that the offer's video is matched to
        # it with H.264 as the only codec: the packets are H.264 as the camera sent them.
        transceiver = pc.addTransceiver(track, direction="sendonly")
        h264 = [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/H264"]
        transceiver.setCodecPreferences(h264)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
    except Exception as exc:
        track.stop()
        await pc.close()
        return _text(request, 400, f"bad offer: {type(exc).__name__}")
    session_id = secrets.token_urlsafe(24)
    sessions[session_id] = Session(pc, track)

    @pc.on("connectionstatechange")
    async def _state() -> None:
        if pc.connectionState in ("failed", "closed"):
            await _end(request.app, session_id)

    # The viewer's track ends with the upstream (the camera died): close the connection too.
    track.on("ended", lambda: asyncio.ensure_future(_end(request.app, session_id)))

    def _drop_if_unconnected() -> None:
        if pc.connectionState != "connected":
            asyncio.ensure_future(_end(request.app, session_id))

    asyncio.get_running_loop().call_later(config.connect_timeout_s, _drop_if_unconnected)
    response = web.Response(status=201, text=pc.localDescription.sdp, content_type="application/sdp")
    response.headers["Location"] = f"/whep/sessions/{session_id}"
    return _cors(request, response)


async def _end(app: web.Application, session_id: str) -> None:
    session = app[SESSIONS].pop(session_id, None)
    if session is not None:
        session.track.stop()
        await session.pc.close()


async def delete(request: web.Request) -> web.StreamResponse:
    session_id = request.match_info["session_id"]
    if session_id not in request.app[SESSIONS]:
        return _text(request, 404, "no such session")
    await _end(request.app, session_id)
    return _text(request, 200, "")


async def healthz(request: web.Request) -> web.StreamResponse:
    return web.json_response({**request.app[HUB].stats(), "sessions": len(request.app[SESSIONS])})


async def _shutdown(app: web.Application) -> None:
    for session_id in list(app[SESSIONS].keys()):
        await _end(app, session_id)
    app[HUB].close()


def make_app(config: RelayConfig) -> web.Application:
    app = web.Application(client_max_size=MAX_OFFER_BYTES)
    app[CONFIG] = config
    app[HUB] = Hub(idle_close_s=config.idle_close_s)
    sessions: dict[str, Session] = {}
    app[SESSIONS] = sessions
    app.router.add_route("OPTIONS", "/whep/{camera_id}", preflight)
    app.router.add_post("/whep/{camera_id}", offer)
    app.router.add_route("OPTIONS", "/whep/sessions/{session_id}", preflight)
    app.router.add_delete("/whep/sessions/{session_id}", delete)
    app.router.add_get("/healthz", healthz)
    app.on_shutdown.append(_shutdown)
    return app
