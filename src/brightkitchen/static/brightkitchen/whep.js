/* Live view over WebRTC (WHEP), with the browser's own RTCPeerConnection and no library.
   The <video data-whep data-grant> element names the relay's endpoint and the grant the page was given.
   Non-trickle: the offer is posted once ICE gathering is complete; the relay answers with its own
   candidates in the SDP. The session is deleted when the page goes away. */
(function () {
  "use strict";

  function gathered(pc, timeoutMs) {
    return new Promise(function (resolve) {
      if (pc.iceGatheringState === "complete") { resolve(); return; }
      var timer = setTimeout(resolve, timeoutMs);
      pc.addEventListener("icegatheringstatechange", function () {
        if (pc.iceGatheringState === "complete") { clearTimeout(timer); resolve(); }
      });
    });
  }

  function preferH264(transceiver) {
    // The relay passes the camera's H.264 through as it is: offer H.264 only, where the browser lets us.
    if (!transceiver.setCodecPreferences || !window.RTCRtpReceiver || !RTCRtpReceiver.getCapabilities) { return; }
    var caps = RTCRtpReceiver.getCapabilities("video");
    var h264 = caps ? caps.codecs.filter(function (c) { return c.mimeType.toLowerCase() === "video/h264"; }) : [];
    if (h264.length) { transceiver.setCodecPreferences(h264); }
  }

  function showSnapshot(video) {
    // A tile whose live view fails shows the camera's snapshot instead (tiles.js keeps taking it again).
    if (!video.dataset.snapshot || !video.parentNode) { return; }
    var img = document.createElement("img");
    img.src = video.dataset.snapshot;
    img.dataset.src = video.dataset.snapshot;
    img.alt = video.title || "";
    video.parentNode.replaceChild(img, video);
  }

  async function play(video) {
    var status = document.getElementById(video.dataset.status);
    function say(key) {
      if (status) { status.textContent = video.dataset[key] || ""; status.dataset.state = key; }
      if (key !== "msgPlaying" && key !== "msgConnecting") { showSnapshot(video); }
    }
    var pc = new RTCPeerConnection();
    var transceiver = pc.addTransceiver("video", { direction: "recvonly" });
    preferH264(transceiver);
    pc.addEventListener("track", function (event) {
      video.srcObject = event.streams && event.streams[0] ? event.streams[0] : new MediaStream([event.track]);
      video.play().catch(function () {});
    });
    pc.addEventListener("connectionstatechange", function () {
      if (pc.connectionState === "failed") { say("msgFailed"); }
    });
    video.addEventListener("playing", function () { say("msgPlaying"); });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 3000);
    var response = await fetch(video.dataset.whep, {
      method: "POST",
      headers: { "Content-Type": "application/sdp", "Authorization": "Bearer " + video.dataset.grant },
      body: pc.localDescription.sdp,
      credentials: "omit"
    });
    if (response.status !== 201) {
      say(response.status === 403 ? "msgExpired" : response.status === 503 ? "msgOffline" : "msgFailed");
      pc.close();
      return;
    }
    var session = new URL(response.headers.get("Location"), video.dataset.whep).href;
    await pc.setRemoteDescription({ type: "answer", sdp: await response.text() });
    window.addEventListener("pagehide", function () {
      fetch(session, { method: "DELETE", keepalive: true, credentials: "omit" }).catch(function () {});
      pc.close();
    });
  }

  document.querySelectorAll("video[data-whep]").forEach(function (video) {
    if (video.dataset.whepStarted) { return; }  // the script may be included by several sections
    video.dataset.whepStarted = "1";
    play(video).catch(function () {
      var status = document.getElementById(video.dataset.status);
      if (status) { status.textContent = video.dataset.msgFailed; status.dataset.state = "msgFailed"; }
      showSnapshot(video);
    });
  });
})();
