"""Where Chromium is and how the project starts it headless: the browser tests and the live-view
benchmark use the same one (Debian's chromium package, installed by `scripts/bootstrap-system dev`)."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
