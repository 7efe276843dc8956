"""One RTSP test server for the whole test session (a fixture defined once here, not imported into each
module, which would start one server per module)."""

from brightkitchen.cameras.tests.streams import rtsp_server_fixture  # noqa: F401  (the fixture)
