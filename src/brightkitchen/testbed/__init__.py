"""Test bed: local cameras that really stream (GStreamer's RTSP server run under the system python),
for the tests, the demo and the benchmarks. Nothing in the production apps imports it."""
