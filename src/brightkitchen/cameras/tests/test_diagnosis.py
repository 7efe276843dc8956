"""Camera verdicts on the corpus (testbed/corpus.py): every preset in every encoding, each fault clearly
in and at a level a working camera has, and the faulty servers, each gets exactly its verdict within one
probe budget, as the health sweep probes; and whole pictures from pictures sent in several slices."""

from __future__ import annotations

import av
import numpy as np
import pytest

from brightkitchen.cameras import diagnosis, health
from brightkitchen.cameras.models import HealthEventKind, OfflineCause
from brightkitchen.cameras.probe import WholePictures, keyframes_only
from brightkitchen.testbed import corpus
from brightkitchen.testbed.outbound import loopback_cameras_allowed
from brightkitchen.testbed.streams import RtspTestServer

SLACK_S = 0.7  # tearing a connection down after the budget

CASE_NAMES = [
    *(f"{preset}-{encoding}" for encoding in corpus.ENCODINGS for preset in corpus.PICTURES),
    *corpus.SERVERS,
]


@pytest.fixture(scope="module")
def outcomes() -> dict[str, corpus.Outcome]:
    with loopback_cameras_allowed(), corpus.cases() as found:
        results = corpus.run(found, timeout_s=health.PROBE_TIMEOUT_S, keyframes=health.KEYFRAMES)
    return {outcome.case.name: outcome for outcome in results}


@pytest.mark.parametrize("name", CASE_NAMES)
def test_each_case_gets_exactly_its_verdict(outcomes: dict[str, corpus.Outcome], name: str) -> None:
    outcome = outcomes[name]
    details = [(f.verdict, f.value, f.threshold, f.detail) for f in outcome.findings]
    assert outcome.reported == (outcome.case.expected,), details
    assert outcome.elapsed_s < health.PROBE_TIMEOUT_S + SLACK_S


def test_dark_and_occlusion_say_which_signal_decided(outcomes: dict[str, corpus.Outcome]) -> None:
    for encoding in corpus.ENCODINGS:
        (night,) = outcomes[f"night-{encoding}"].findings
        (covered,) = outcomes[f"occluded_black-{encoding}"].findings
        assert (night.kind, night.decided_by) == ("dark", "luminance")
        assert (covered.kind, covered.decided_by) == ("occlusion", "edges")
        # Both are mostly flat; what tells them apart is whether what still shows is lit.
        assert night.signals["luminance"] < 45 and covered.signals["visible_luminance"] > 45
        assert covered.value is not None and covered.threshold is not None
        assert covered.value > covered.threshold


def test_offline_findings_say_why_in_their_own_words(outcomes: dict[str, corpus.Outcome]) -> None:
    (stalled,) = outcomes["stalled"].findings
    assert stalled.detail.startswith("connected, but no picture within")
    (unauthorised,) = outcomes["unauthorised_401"].findings
    assert "401" in unauthorised.detail and "Invalid data" not in unauthorised.detail
    for name in ("wrong_password", "forbidden_403"):
        assert corpus.PASSWORD not in outcomes[name].findings[0].detail
        assert "wrong-password" not in outcomes[name].findings[0].detail


def test_every_finding_has_a_message_with_its_value_and_threshold() -> None:
    text = diagnosis.advice(HealthEventKind.DARK, value=28.46, threshold=45.0, decided_by="luminance")
    assert "28.5" in text and "45.0" in text
    for kind in HealthEventKind.values:
        assert diagnosis.advice(kind, value=1.0, threshold=2.0) != kind
    for cause in OfflineCause.values:
        assert diagnosis.advice(HealthEventKind.OFFLINE, cause=cause)
    assert len({diagnosis.advice(HealthEventKind.OFFLINE, cause=c) for c in OfflineCause.values}) == len(
        OfflineCause.values
    )


def _nal_units(access_unit: bytes) -> list[bytes]:
    """An Annex B access unit cut at its start codes (each unit keeps its own)."""
    starts = [i for i in range(len(access_unit) - 3) if access_unit[i : i + 3] == b"\x00\x00\x01"]
    starts = [i - 1 if i > 0 and access_unit[i - 1] == 0 else i for i in starts]
    return [access_unit[a:b] for a, b in zip(starts, [*starts[1:], len(access_unit)], strict=True)]


def test_a_picture_sent_in_slices_over_several_packets_decodes_whole() -> None:
    """Real H.264 from libx264 tune=zerolatency (four slices per picture), each slice in a packet of its
    own, the first alone flagged as the keyframe: the probe's decoder gives the whole picture."""
    with loopback_cameras_allowed(), RtspTestServer(mounts={"sliced": "good:codec=h264"}) as server:
        container = av.open(server.url("sliced"), options={"rtsp_transport": "tcp"}, timeout=(5, 2))
        try:
            stream = container.streams.video[0]
            keyframe = next(bytes(p) for p in container.demux(stream) if p.is_keyframe)
        finally:
            container.close()
    units = _nal_units(keyframe)
    slices = [u for u in units if u[u.index(b"\x00\x00\x01") + 3] & 0x1F == 5]
    assert len(slices) == 4, "the test stream should send four slices per picture"
    first_slice = units.index(slices[0])
    packets = [b"".join(units[: first_slice + 1]), *slices[1:]]

    def decode(chosen: list[bytes], *, probe_decoder: bool = True, whole: bool = True) -> list[np.ndarray]:
        context = av.CodecContext.create("h264", "r")
        if probe_decoder:
            keyframes_only(context)
        else:
            context.skip_frame = "NONKEY"  # what the probe did before: decode the flagged packet alone
        pictures = WholePictures(context)
        step = pictures.decode if whole else context.decode
        frames = [f for data in chosen for f in step(av.Packet(data))]
        frames += step(None)  # the end of the stream: the last picture is complete
        return [f.to_ndarray(format="gray") for f in frames]

    (whole,) = decode(packets)
    quarters = [float(whole[i * 90 : (i + 1) * 90].mean()) for i in range(4)]
    assert min(quarters) > 60, quarters  # every slice decoded: no black or green band
    # What decoding only the flagged packet gave: a quarter of the picture, the rest black.
    (part,) = decode(packets[:1], probe_decoder=False)
    assert float(part[270:].mean()) < 10
    # A probe that joins the stream after the keyframe's first slice went by makes no picture of the
    # rest: the first picture it judges is the next whole keyframe.
    parameter_sets = b"".join(units[:first_slice])  # what the stream's description gives a late joiner
    joined_late = [parameter_sets + slices[1], *slices[2:]]
    (partial,) = decode(joined_late, whole=False)  # without the check: a picture, its top missing
    assert float(partial[:90].mean()) < 10 or float(partial[:90].std()) < 1
    assert decode(joined_late) == []
    (next_whole,) = decode([*joined_late, keyframe])
    assert min(float(next_whole[i * 90 : (i + 1) * 90].mean()) for i in range(4)) > 60
