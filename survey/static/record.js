// Answering by voice (issue 16 §2): loaded only on a form with a question that takes a recording.
// After the person ticks the consent box: record, stop (or the limit stops it), listen, record
// again or delete. The recording goes into the question's file field (media-<id>) as a File, so
// the ordinary post and the offline queue (offline.js) send it like any field. Without a
// microphone API (plain HTTP on a LAN, an old browser) the file field stays as it is: a phone
// opens its own recorder there. Typing the answer stays possible in every case.
(function () {
  "use strict";
  const TYPES = [["audio/webm;codecs=opus", "webm"], ["audio/webm", "webm"], ["audio/ogg;codecs=opus", "ogg"],
                 ["audio/mp4", "m4a"]];

  function canRecord() {
    return Boolean(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
                   window.DataTransfer && window.File);
  }

  function chosenType() {
    for (const [type, ext] of TYPES) {
      if (!MediaRecorder.isTypeSupported || MediaRecorder.isTypeSupported(type)) { return [type, ext]; }
    }
    return ["", "webm"];
  }

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  // The page's words (public/_recorder.html, once per page), {temps} filled in as m:ss.
  function word(name, seconds) {
    const words = document.getElementById("mots-enregistrement");
    return ((words && words.getAttribute("data-say-" + name)) || "").replace("{temps}", clock(seconds || 0));
  }

  function setUp(box) {
    const part = (name) => box.querySelector("[data-record-" + name + "]");
    const consent = part("consent");
    const controls = part("controls");
    const start = part("start");
    const stop = part("stop");
    const time = part("time");
    const playback = part("playback");
    const again = part("again");
    const remove = part("delete");
    const status = part("status");
    const input = box.querySelector('input[type="file"]');
    const limit = Number(box.getAttribute("data-seconds")) || 120;
    const say = (name, seconds) => { status.textContent = word(name, seconds); };
    let recorder = null;
    let stream = null;
    let ticker = null;
    let began = 0;
    let url = "";

    part("file").hidden = true;  // the recorder replaces the plain file field

    function show(state) {  // "idle", "recording" or "recorded"
      start.hidden = state !== "idle";
      stop.hidden = state !== "recording";
      time.hidden = state !== "recording";
      playback.hidden = again.hidden = remove.hidden = state !== "recorded";
    }

    function forget() {
      input.value = "";
      if (url) { URL.revokeObjectURL(url); url = ""; }
      playback.removeAttribute("src");
      show("idle");
    }

    function finish(chunks, type, ext, reachedLimit) {
      clearInterval(ticker);
      if (stream) { stream.getTracks().forEach((track) => track.stop()); stream = null; }
      recorder = null;
      const seconds = Math.min(limit, (Date.now() - began) / 1000);
      const blob = new Blob(chunks, { type: type.split(";")[0] || "audio/webm" });
      if (!blob.size) { forget(); say("no-mic"); start.focus(); return; }
      const file = new File([blob], "enregistrement." + ext, { type: blob.type });
      const list = new DataTransfer();
      list.items.add(file);
      input.files = list.files;
      url = URL.createObjectURL(blob);
      playback.src = url;
      show("recorded");
      say(reachedLimit ? "limit" : "done", seconds);
      playback.focus();
      box.dispatchEvent(new Event("change", { bubbles: true }));  // form.js, offline.js: the form changed
    }

    async function record() {
      forget();
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (error) {
        say("no-mic");
        return;
      }
      const [type, ext] = chosenType();
      const chunks = [];
      let reachedLimit = false;
      recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", (event) => { if (event.data && event.data.size) { chunks.push(event.data); } });
      recorder.addEventListener("stop", () => finish(chunks, recorder ? recorder.mimeType || type : type, ext, reachedLimit));
      began = Date.now();
      recorder.start(1000);
      show("recording");
      time.textContent = word("left", limit);
      say("recording", limit);
      stop.focus();
      ticker = setInterval(() => {
        const left = limit - (Date.now() - began) / 1000;
        time.textContent = word("left", left);
        if (left <= 0 && recorder && recorder.state === "recording") { reachedLimit = true; recorder.stop(); }
      }, 250);
    }

    consent.addEventListener("change", () => {
      controls.hidden = !consent.checked;
      if (consent.checked) { say("ready"); return; }
      if (recorder && recorder.state === "recording") { recorder.stop(); }
      forget();  // consent withdrawn: nothing recorded is sent
    });
    start.addEventListener("click", record);
    again.addEventListener("click", () => { record().then(() => {}); });
    stop.addEventListener("click", () => { if (recorder && recorder.state === "recording") { recorder.stop(); } });
    remove.addEventListener("click", () => { forget(); say("deleted"); start.focus(); });
    // The next person (offline.js empties the form): nothing of the previous recording stays.
    box.closest("form").addEventListener("change", (event) => {
      if (event.target === box) { return; }
      if (!consent.checked) { controls.hidden = true; }
      if (!input.files.length && !playback.hidden) { forget(); }
    });
    controls.hidden = !consent.checked;
    show("idle");
  }

  function start() {
    if (!canRecord()) { return; }
    document.querySelectorAll("[data-recorder]").forEach(setUp);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
