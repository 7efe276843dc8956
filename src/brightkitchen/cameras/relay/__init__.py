"""The live-view relay: WHEP in front, one shared upstream per camera behind (see server.py, upstream.py).
Run it with `brightkitchen relay --bind 127.0.0.1:8001`."""
