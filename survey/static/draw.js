// A drawing question (type « dessin »): a pad to draw on with a finger, a pen or the mouse, a
// few colours, « Annuler le dernier trait » and « Tout effacer » (itself undoable).
// Loaded only on pages that have such a question. The drawing travels as a PNG File in the
// question's own <input type="file" name="media-<id>"> (the same input that takes a photo of a
// drawing on paper), filled after each stroke: the post, and the offline queue that reads the
// form's FormData, need nothing of this script. The last thing done wins: a photo taken after
// drawing replaces the drawing, a stroke drawn after a photo replaces the photo.
// Without JavaScript or without a pointer the pad stays hidden: the photo and the phrase remain.
// A big photo is made smaller (its longest side 2000 px, JPEG) before it is sent.
(function () {
  "use strict";
  if (!window.DataTransfer || !window.File) { return; }
  const canDraw = Boolean(window.PointerEvent) && !(window.matchMedia && window.matchMedia("(any-pointer: none)").matches);

  const INK = { noir: "#1a1a1a", rouge: "#c62828", bleu: "#1565c0", vert: "#2e7d32", orange: "#e65100" };
  const PAPER = "#ffffff";
  const WIDTH = 10;  // canvas pixels (the canvas is 900 wide, drawn smaller on a phone)

  // A tablet's photo weighs several MB: sent as it is, it may pass the server's limit and takes
  // long on a weak Wi-Fi. Its longest side is brought to PHOTO_SIDE pixels, in JPEG.
  const PHOTO_SIDE = 2000;
  const PHOTO_BYTES = 1024 * 1024;
  function smaller(file, done) {
    if (!window.createImageBitmap || !/^image\/(jpeg|png|webp|heic|heif)/.test(file.type) || file.size <= PHOTO_BYTES) {
      done(null);
      return;
    }
    createImageBitmap(file).then((bitmap) => {
      const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((blob) => done(blob && new File([blob], "photo.jpg", { type: "image/jpeg" })), "image/jpeg", 0.85);
    }, () => done(null));  // not decodable here: the file goes as it is, the server says what it thinks
  }

  // Files still being made (a stroke's PNG, a photo made smaller): a « Suivant » or « Envoyer »
  // tapped right after the last stroke waits for them, so the answer leaves with what the pad
  // shows. Listened to before any other script's submit (capture, on the document).
  const making = new Set();
  function whileMaking(start) {
    const done = new Promise(start);
    making.add(done);
    const forget = () => { making.delete(done); };
    done.then(forget, forget);  // a file that could not be made holds nothing back
  }
  document.addEventListener("submit", (event) => {
    if (!making.size) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    const form = event.target;
    const submitter = event.submitter || null;
    Promise.all(Array.from(making, (file) => file.catch(() => null))).then(() => {
      if (form.requestSubmit) { form.requestSubmit(submitter); } else if (submitter) { submitter.click(); } else { form.submit(); }
    });
  }, true);

  function setFiles(input, files) {
    const transfer = new DataTransfer();
    files.forEach((file) => transfer.items.add(file));
    input.files = transfer.files;
  }

  function pad(box) {
    const canvas = box.querySelector("canvas");
    const context = canvas.getContext && canvas.getContext("2d");
    const input = document.getElementById(box.getAttribute("data-drawing"));
    if (!context || !input) { return; }
    const undo = box.querySelector("[data-undo]");
    const clear = box.querySelector("[data-clear]");
    const status = box.querySelector("[data-status]");
    const said = (name) => box.getAttribute("data-said-" + name) || "";
    let actions = [];      // strokes and clearings, in order; undo takes the last one away
    let stroke = null;     // the stroke being drawn
    let colour = "noir";
    let source = input.files && input.files.length ? "photo" : null;  // what the input holds
    let exported = 0;      // the latest export wins over an older one still being encoded

    const visible = () => {
      const from = actions.map((a) => a.clear).lastIndexOf(true) + 1;
      return actions.slice(from);
    };

    function line(points, ink) {
      context.strokeStyle = INK[ink];
      context.fillStyle = INK[ink];
      if (points.length === 1) {  // a dot
        context.beginPath();
        context.arc(points[0][0], points[0][1], WIDTH / 2, 0, 2 * Math.PI);
        context.fill();
        return;
      }
      context.beginPath();
      context.moveTo(points[0][0], points[0][1]);
      points.slice(1).forEach((p) => context.lineTo(p[0], p[1]));
      context.stroke();
    }

    function paint() {
      context.fillStyle = PAPER;
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.lineWidth = WIDTH;
      context.lineCap = "round";
      context.lineJoin = "round";
      visible().forEach((a) => line(a.points, a.ink));
      undo.disabled = actions.length === 0;
      clear.disabled = visible().length === 0;
    }

    // The input holds the drawing as it is now (none when the pad is empty), unless a photo
    // came after the last stroke: undoing or clearing the pad then leaves the photo alone.
    function keep() {
      if (source === "photo") { return; }
      const number = ++exported;
      if (visible().length === 0) {
        if (source === "dessin") { setFiles(input, []); source = null; }
        return;
      }
      whileMaking((ready) => canvas.toBlob((blob) => {
        if (blob && number === exported) {
          setFiles(input, [new File([blob], "dessin.png", { type: "image/png" })]);
          source = "dessin";
        }
        ready();
      }, "image/png"));
    }

    function say(text) { status.textContent = text; }

    function point(event) {
      const rect = canvas.getBoundingClientRect();
      return [
        Math.round((event.clientX - rect.left) * canvas.width / rect.width),
        Math.round((event.clientY - rect.top) * canvas.height / rect.height),
      ];
    }

    canvas.addEventListener("pointerdown", (event) => {
      if (event.button > 0) { return; }
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      stroke = { ink: colour, points: [point(event)], pointer: event.pointerId };
      context.lineWidth = WIDTH;
      context.lineCap = "round";
      context.lineJoin = "round";
      line(stroke.points, colour);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!stroke || event.pointerId !== stroke.pointer) { return; }
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      (events.length ? events : [event]).forEach((e) => {
        const last = stroke.points[stroke.points.length - 1];
        const next = point(e);
        stroke.points.push(next);
        line([last, next], stroke.ink);
      });
    });
    function finish(event) {
      if (!stroke || event.pointerId !== stroke.pointer) { return; }
      const replacing = source === "photo";
      actions.push({ ink: stroke.ink, points: stroke.points });
      stroke = null;
      if (replacing) { source = "dessin"; }  // a new stroke: the drawing is the answer again
      paint();
      keep();
      if (replacing) { say(said("replaces-photo")); }
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);

    box.querySelectorAll("[data-colour]").forEach((button) => {
      button.addEventListener("click", () => {
        colour = button.getAttribute("data-colour");
        box.querySelectorAll("[data-colour]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      });
    });
    undo.addEventListener("click", () => {
      const last = actions.pop();
      paint();
      keep();
      say(last && last.clear ? said("back") : said("undone"));
    });
    clear.addEventListener("click", () => {
      actions.push({ clear: true });
      paint();
      keep();
      say(said("cleared"));
    });
    input.addEventListener("change", () => {
      if (input.files && input.files.length) {
        source = "photo";
        const number = ++exported;  // a drawing still being encoded must not replace the photo
        say(said("photo"));
        whileMaking((ready) => smaller(input.files[0], (file) => {
          if (file && number === exported) { setFiles(input, [file]); }
          ready();
        }));
      } else {
        source = null;
      }
    });
    // The next person (offline.js empties the form and says so with a "change" on the form).
    input.form.addEventListener("change", (event) => {
      if (event.target !== input.form) { return; }
      actions = [];
      stroke = null;
      source = null;
      exported++;
      setFiles(input, []);
      paint();
      say("");
    });

    paint();
    box.hidden = !canDraw;  // no pointer (a keyboard, a screen reader): the photo and the phrase
  }

  document.querySelectorAll("[data-drawing]").forEach(pad);
})();
