// Kiosk mode (one tablet passed from hand to hand): after the thank-you screen, a blank
// form for the next person after a few seconds. The page is replaced, never stacked, so
// the back button cannot bring the previous person's answers back.
(function () {
  "use strict";
  // Counts down in `box` (its data-delay seconds), then calls done(). Returns a stop function.
  function start(box, done) {
    if (!box) { return null; }
    const out = box.querySelector("[data-seconds]");
    let left = parseInt(box.getAttribute("data-delay"), 10) || 8;
    out.textContent = left;
    box.hidden = false;
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) { stop(); done(); } else { out.textContent = left; }
    }, 1000);
    function stop() { clearInterval(timer); box.hidden = true; }
    const stay = box.querySelector("[data-stay]");
    if (stay) { stay.onclick = stop; }
    return stop;
  }
  window.PdpKiosk = { start: start };

  // The server's thank-you page (form sent without offline.js).
  const page = document.querySelector("[data-kiosk-thanks]");
  if (page) {
    const next = page.querySelector("a[data-next]");
    const go = () => location.replace(next.href);
    next.addEventListener("click", (event) => { event.preventDefault(); go(); });
    start(page.querySelector("[data-countdown]"), go);
  }

  // A kiosk form shown again from the browser's memory (back/forward): empty it.
  const form = document.querySelector("form.survey[data-kiosk]");
  if (form) {
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) { location.replace(location.href); }
    });
  }
})();
