// Offline capture (progressive enhancement: without it the form posts as usual).
// A finished answer goes first to a queue in IndexedDB, then to the server, one at a time,
// with backoff. Only a reply from the server takes it out of the queue: stored (2xx), or
// refused for good (409 conflict, 410 closed, 422 invalid), then kept aside for the
// coordination. The answer id makes a resend harmless. Nothing here needs a framework.
(function () {
  "use strict";
  const form = document.querySelector("form.survey");
  const box = document.getElementById("hors-ligne");
  if (!form || !box || !window.indexedDB || !window.fetch || !window.Promise) { return; }

  const bar = document.getElementById("file-attente");
  const thanks = document.getElementById("merci-local");
  const main = document.querySelector("main");
  const data = (name) => box.getAttribute("data-" + name) || "";
  const kiosk = data("kiosk") === "1";
  const stepMode = form.getAttribute("data-mode") === "steps";
  const DRAFT = "pdp-brouillon:" + data("campaign");
  const SEND_WAIT = 6000;      // ms the person waits for the server before the answer just waits
  const MAX_BACKOFF = 300;     // s, as Enketo: min(2^n, 300)
  let token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  let failures = 0;
  let sending = false;
  let timer = null;

  // --- IndexedDB: "queue" (answers to send or kept aside) and "used" (ids already taken) ---
  let opening = null;
  function db() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open("porteur-de-parole", 1);
        request.onupgradeneeded = () => {
          const d = request.result;
          if (!d.objectStoreNames.contains("queue")) { d.createObjectStore("queue", { keyPath: "id" }); }
          if (!d.objectStoreNames.contains("used")) { d.createObjectStore("used", { keyPath: "id" }); }
        };
        request.onsuccess = () => {
          const d = request.result;
          d.onversionchange = () => { d.close(); opening = null; };
          d.onclose = () => { opening = null; };  // Safari closes it under our feet
          resolve(d);
        };
        request.onerror = () => { opening = null; reject(request.error); };
      });
    }
    return opening;
  }
  async function run(store, mode, action) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const tx = d.transaction(store, mode);
      const request = action(tx.objectStore(store));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }
  const put = (store, value) => run(store, "readwrite", (s) => s.put(value));
  const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
  const read = (store, key) => run(store, "readonly", (s) => s.get(key));
  const all = (store) => run(store, "readonly", (s) => s.getAll());

  // --- ids and times ---
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    const b = crypto.getRandomValues(new Uint8Array(16));  // crypto.randomUUID needs HTTPS
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const field = (name) => form.querySelector('[name="' + name + '"]');
  function freshIds() {
    field("answer_id").value = newId();
    field("started_at").value = now();
  }

  // --- what the form holds, as the API wants it ---
  function payload() {
    const answers = {};
    const extra = {};
    new FormData(form).forEach((value, name) => {
      if (typeof value !== "string") { return; }
      if (name.indexOf("q_") !== 0) { extra[name] = value; return; }
      if (value.trim() === "") { return; }
      const key = name.slice(2);
      if (key in answers) {
        answers[key] = [].concat(answers[key], value);
      } else {
        const many = form.querySelector('input[type="checkbox"][name="' + name + '"]');
        answers[key] = many ? [value] : value;
      }
    });
    return {
      answer_id: extra.answer_id, started_at: extra.started_at, submitted_at: now(),
      // The channel the server gave this page (who sends it), not a ?canal= anyone can type.
      channel: data("channel") || extra.canal, session: extra.session || null, poster: extra.affiche || null,
      question: extra.question || null, collector: data("collector"), answers: answers,
    };
  }

  function sayEmpty() {
    let notice = document.getElementById("reponse-vide");
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "reponse-vide";
      notice.className = "error-summary";
      notice.setAttribute("role", "alert");
      notice.setAttribute("tabindex", "-1");
      notice.appendChild(document.createElement("p")).textContent = data("empty");
      form.parentNode.insertBefore(notice, form);
    }
    notice.focus();
  }

  // --- sending ---
  async function refreshToken() {
    const response = await fetch(data("token"), { credentials: "same-origin", cache: "no-store" });
    token = (await response.json()).token;
  }
  async function post(item) {
    const control = window.AbortController ? new AbortController() : null;
    const stop = setTimeout(() => control && control.abort(), 20000);
    try {
      return await fetch(item.api, {
        method: "POST", credentials: "same-origin", cache: "no-store", signal: control && control.signal,
        headers: { "Content-Type": "application/json", "X-CSRFToken": token }, body: JSON.stringify(item.body),
      });
    } finally { clearTimeout(stop); }
  }
  // One try: "ok", "conflict", "invalid", "closed", "refused" (other final refusals) or "later".
  async function attempt(item) {
    let response;
    try {
      response = await post(item);
      if (response.status === 400) {
        const body = await response.clone().json().catch(() => ({}));
        if (body.csrf) { await refreshToken(); response = await post(item); }
      }
    } catch (error) {
      return { outcome: "later", message: "Pas de connexion avec l'ordinateur qui reçoit les réponses." };
    }
    const body = await response.json().catch(() => ({}));
    const status = response.status;
    if (status >= 200 && status < 300) { return { outcome: "ok" }; }
    const final = { 409: "conflict", 422: "invalid", 410: "closed", 404: "refused", 400: "refused", 413: "refused" };
    if (final[status]) { return { outcome: final[status], status: status, message: body.message || "" }; }
    return { outcome: "later", message: "Le serveur n'a pas pu enregistrer (code " + status + ")." };
  }

  async function keepAside(item, result) {
    item.state = "aside";
    item.status = result.status;
    item.message = result.message;
    await put("queue", item);
  }

  async function flush() {
    if (sending) { return; }
    sending = true;
    clearTimeout(timer);
    let lastError = "";
    try {
      const items = (await all("queue")).filter((i) => i.state === "pending")
        .sort((a, b) => a.created_at - b.created_at);
      for (const item of items) {
        const result = await attempt(item);
        if (result.outcome === "ok") {
          await remove("queue", item.id);
          failures = 0;
        } else if (result.outcome === "later") {
          item.tries = (item.tries || 0) + 1;
          await put("queue", item);
          failures += 1;
          lastError = result.message;
          break;
        } else {
          await keepAside(item, result);
        }
      }
    } catch (error) {
      lastError = "La mémoire de la tablette n'est pas disponible.";
    } finally {
      sending = false;
    }
    await render(lastError);
    schedule();
  }

  async function schedule() {
    clearTimeout(timer);
    const pending = (await all("queue").catch(() => [])).filter((i) => i.state === "pending");
    if (!pending.length) { failures = 0; return; }
    const wait = Math.min(Math.pow(2, failures), MAX_BACKOFF) * 1000;
    timer = setTimeout(flush, wait);
  }

  // --- the counter ---
  const plural = (n, one, many) => n + " " + (n > 1 ? many : one);
  async function render(lastError) {
    if (!bar) { return; }
    let items = [];
    try { items = await all("queue"); } catch (error) { return; }
    const pending = items.filter((i) => i.state === "pending").length;
    const aside = items.filter((i) => i.state === "aside").length;
    const offline = navigator.onLine === false || Boolean(lastError);
    bar.querySelector("[data-count]").textContent = pending
      ? plural(pending, "réponse en attente d'envoi", "réponses en attente d'envoi")
      : "Aucune réponse en attente d'envoi.";
    const asideText = bar.querySelector("[data-aside]");
    asideText.hidden = !aside;
    asideText.textContent = aside ? plural(aside, "réponse n'a pas pu être enregistrée par le serveur",
      "réponses n'ont pas pu être enregistrées par le serveur") +
      " : elles restent sur cette tablette. Touchez « Exporter la file » et donnez le fichier à la coordination." : "";
    const error = bar.querySelector("[data-error]");
    error.hidden = !lastError;
    error.textContent = lastError ? lastError + " Nouvel essai automatique dans un moment." : "";
    bar.querySelector("[data-insecure]").hidden = window.isSecureContext || !(pending || offline);
    bar.querySelector("[data-send]").hidden = !pending;
    bar.hidden = !(pending || aside || (offline && !window.isSecureContext));
  }

  function exportQueue() {
    all("queue").then((items) => {
      const file = {
        format: "porteur-de-parole/file-d-attente", version: 1, exported_at: now(), origin: location.origin,
        answers: items.map((i) => Object.assign({ campaign: i.campaign, state: i.state, message: i.message || "" }, i.body)),
      };
      const blob = new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "file-attente-" + now().slice(0, 16).replace(/[:T]/g, "-") + ".json";
      document.body.appendChild(link);
      link.click();
      setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    });
  }

  // --- the thank-you screen and the next person ---
  let hiddenParts = [];
  let stopCountdown = null;
  function showThanks(sent) {
    hiddenParts = Array.from(main.children).filter((el) => el !== thanks && el !== bar && !el.hidden);
    hiddenParts.forEach((el) => { el.hidden = true; });
    thanks.querySelector("[data-sent]").hidden = !sent;
    thanks.querySelector("[data-queued]").hidden = sent;
    thanks.hidden = false;
    window.scrollTo(0, 0);
    thanks.querySelector("h1").focus();
    if (kiosk && window.PdpKiosk) { stopCountdown = window.PdpKiosk.start(thanks.querySelector("[data-countdown]"), nextPerson); }
  }

  function clearForm() {
    Array.from(form.elements).forEach((el) => {
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = false; el.defaultChecked = false; el.removeAttribute("aria-invalid");
      } else if (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text")) {
        el.value = ""; el.defaultValue = ""; el.removeAttribute("aria-invalid");
      }
    });
    main.querySelectorAll(".error-summary, .question .error, [data-server-notice]").forEach((el) => el.remove());
    main.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
    freshIds();
    form.dispatchEvent(new Event("change"));  // form.js hides show_if questions again
  }

  function nextPerson() {
    if (stopCountdown) { stopCountdown(); stopCountdown = null; }
    if (stepMode) { location.replace(data("blank")); return; }
    clearForm();
    thanks.hidden = true;
    hiddenParts.forEach((el) => { el.hidden = false; });
    form.removeAttribute("data-sending");
    window.scrollTo(0, 0);
    const title = main.querySelector("h1");
    title.setAttribute("tabindex", "-1");
    title.focus();
  }

  function plainSubmit() {
    form.removeAttribute("data-sending");
    HTMLFormElement.prototype.submit.call(form);
  }

  // --- submit ---
  let lastButton = null;  // for browsers without event.submitter (Safari before 15.4)
  form.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button[type=submit]");
    if (button) { lastButton = button; }
  });
  form.addEventListener("submit", async (event) => {
    if (event.defaultPrevented) { return; }  // form.js: a double tap
    const submitter = event.submitter || lastButton;
    if (stepMode && !submitter) { return; }  // unsure which step button: the server decides
    if (submitter && submitter.name === "action" && submitter.value !== "envoyer") {
      saveDraft();  // a step of the step-by-step form: the server shows the next one
      return;
    }
    event.preventDefault();
    const body = payload();
    if (data("empty") && Object.keys(body.answers).length === 0) {
      sayEmpty();  // as the server would say it: never queue an answer it will refuse
      form.removeAttribute("data-sending");  // form.js: nothing was sent, the next tap counts
      return;
    }
    const said = document.getElementById("reponse-vide");
    if (said) { said.remove(); }
    let item;
    try {
      if (!body.answer_id || await read("used", body.answer_id)) {  // a kept page: its id is taken
        freshIds();
        body.answer_id = field("answer_id").value;
        body.started_at = field("started_at").value;
      }
      item = { id: body.answer_id, campaign: data("campaign"), api: data("api"), body: body,
               created_at: Date.now(), tries: 0, state: "pending" };
      await put("queue", item);
      await put("used", { id: item.id, at: Date.now() });
    } catch (error) {
      plainSubmit();  // no IndexedDB here (private browsing…): the ordinary form
      return;
    }
    askPersistence();
    try { sessionStorage.removeItem(DRAFT); } catch (error) { /* ignore */ }
    let result = await Promise.race([attempt(item), new Promise((r) => setTimeout(() => r({ outcome: "later" }), SEND_WAIT))]);
    if (result.outcome === "conflict") {  // only an id reused by a kept page: give it a new one
      await remove("queue", item.id);
      item.id = item.body.answer_id = newId();
      await put("queue", item);
      await put("used", { id: item.id, at: Date.now() });
      result = await attempt(item);
    }
    if (result.outcome === "invalid" || result.outcome === "closed") {
      await remove("queue", item.id);
      plainSubmit();  // the server shows the French errors (or the closed page), answers kept
      return;
    }
    if (result.outcome === "ok") {
      await remove("queue", item.id);
    } else if (result.outcome !== "later") {
      await keepAside(item, result);
    } else {
      failures += 1;
    }
    await render(result.outcome === "later" ? result.message || "" : "");
    schedule();
    showThanks(result.outcome === "ok");
  });

  // --- step-by-step with no connection: what was typed survives (see sw.js) ---
  function saveDraft() {
    const pairs = [];
    new FormData(form).forEach((value, name) => { if (typeof value === "string") { pairs.push([name, value]); } });
    try { sessionStorage.setItem(DRAFT, JSON.stringify({ at: Date.now(), pairs: pairs })); } catch (error) { /* full */ }
  }
  function restoreDraft() {
    let draft = null;
    try { draft = JSON.parse(sessionStorage.getItem(DRAFT) || "null"); } catch (error) { draft = null; }
    if (!draft || Date.now() - draft.at > 6 * 3600 * 1000) { return; }
    draft.pairs.forEach(([name, value]) => {
      form.querySelectorAll('[name="' + name + '"]').forEach((el) => {
        if (el.type === "radio" || el.type === "checkbox") { if (el.value === value) { el.checked = true; } }
        else if (el.type !== "submit" && el.tagName !== "BUTTON") { el.value = value; }
      });
    });
    form.dispatchEvent(new Event("change"));
    const notice = document.querySelector("[data-offline-notice]");
    if (notice) { notice.hidden = false; }
  }

  function askPersistence() {
    if (navigator.storage && navigator.storage.persist) { navigator.storage.persist().catch(() => false); }
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) { return; }
    navigator.serviceWorker.register(data("sw"), { scope: "/" }).then(() => navigator.serviceWorker.ready).then(async (reg) => {
      // Pages the worker has not kept yet (later visits keep themselves as they load).
      const here = new URL(location.href);
      here.searchParams.delete("hors-ligne");
      const cache = await caches.open("pdp-pages-1");
      const wanted = Array.from(new Set([here.pathname + here.search, data("one-page")]));
      const missing = [];
      for (const url of wanted) { if (!(await cache.match(url))) { missing.push(url); } }
      if (missing.length) { reg.active.postMessage({ type: "garder", urls: missing }); }
    }).catch(() => { /* the form still works online */ });
  }

  // --- start ---
  if (bar) {
    bar.querySelector("[data-send]").addEventListener("click", () => { failures = 0; flush(); });
    const exporter = bar.querySelector("[data-export]");
    if (exporter) { exporter.addEventListener("click", exportQueue); }
  }
  thanks.querySelector("[data-next]").addEventListener("click", nextPerson);
  window.addEventListener("online", () => { failures = 0; flush(); });
  window.addEventListener("offline", () => render(""));
  if (new URLSearchParams(location.search).get("hors-ligne") === "1") { restoreDraft(); }
  read("used", field("answer_id").value).then((used) => { if (used) { freshIds(); } }).catch(() => {});
  all("used").then((items) => {  // forget ids older than 60 days
    const old = Date.now() - 60 * 24 * 3600 * 1000;
    items.filter((i) => i.at < old).forEach((i) => remove("used", i.id));
  }).catch(() => {});
  registerWorker();
  render("").then(() => flush());
})();
